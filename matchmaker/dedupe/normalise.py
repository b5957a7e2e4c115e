"""Normalisers that turn names, phones, e-mails and places into matching keys.

These keys are for comparing records only; what is stored and shown keeps the
original spelling. Every normaliser is idempotent (normalising a normalised
value changes nothing) and returns ``None``/``""`` for values that carry no
information, so "missing" is told apart from "different" downstream.

Examples
--------
>>> normalise_name("CV. Sumber Rejeki")
'sumber rejeki'
>>> normalise_name("Sumber Rezeki, CV")
'sumber rejeki'
>>> normalise_name("Toko Berkah Jaya Bpk. H. Ahmad")
'berkah jaya ahmad'
>>> normalise_phone("0812-3456-7890"), normalise_phone("+62 812 3456 7890")
('+6281234567890', '+6281234567890')
>>> normalise_email(" Budi.Santoso@GMAIL.com ")
'budisantoso@gmail.com'
>>> normalise_city("Kab. Sleman")
'sleman'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from matchmaker.errors import MatchmakerError

__all__ = [
    "HONORIFICS",
    "LEGAL_FORMS",
    "name_parts",
    "name_tokens",
    "normalise_city",
    "normalise_email",
    "normalise_name",
    "normalise_phone",
    "normalise_phones",
    "normalise_province",
]

#: Legal forms, co-operative and shop words that say what kind of business it
#: is, not which one (lower case, without dots).
LEGAL_FORMS: frozenset[str] = frozenset(
    {
        "pt", "cv", "ud", "fa", "firma", "pd", "tbk", "persero", "perum", "perumda",
        "koperasi", "kop", "kud", "ksp", "kspps", "kopwan", "kopontren", "bumdes", "bumdesa",
        "yayasan", "toko", "tk", "warung", "waroeng", "kedai", "kios", "depot", "gerai",
        "shop", "store", "outlet", "umkm", "ukm", "ikm", "irt", "pirt",
    }
)  # fmt: skip

#: Multi-word forms removed before tokens are split (``usaha dagang`` = UD).
_LEGAL_PHRASES: tuple[str, ...] = (
    "perseroan terbatas",
    "persekutuan komanditer",
    "commanditaire vennootschap",
    "usaha dagang",
    "perusahaan dagang",
    "koperasi unit desa",
    "koperasi simpan pinjam",
    "industri rumah tangga",
    "home industry",
    "home industri",
    "badan usaha milik desa",
)

#: Honorifics, titles and degrees that precede or follow a person's name.
HONORIFICS: frozenset[str] = frozenset(
    {
        "bpk", "bapak", "pak", "ibu", "bu", "ny", "nyonya", "tn", "tuan", "sdr", "sdri",
        "saudara", "saudari", "hj", "haji", "hajah", "hajjah", "mbak", "mba", "bunda",
        "mas", "kang", "bang", "cak", "kak", "dr", "drs", "dra", "ir", "prof", "se", "sh",
        "spd", "skom", "ssi", "amd", "mm", "mt",
    }
)  # fmt: skip

#: Connectives that carry no identity.
_STOPWORDS: frozenset[str] = frozenset({"dan", "and", "the", "of", "n"})

#: Spelling variants of very common business-name words, mapped to one form.
_VARIANTS: dict[str, str] = {
    "rezeki": "rejeki",
    "rezeky": "rejeki",
    "rejeky": "rejeki",
    "rejekie": "rejeki",
    "rezki": "rejeki",
    "sentausa": "sentosa",
    "sejahtra": "sejahtera",
    "mulya": "mulia",
    "putera": "putra",
    "puteri": "putri",
    "barakah": "barokah",
    "abadie": "abadi",
}

_OLD_SPELLING = re.compile(r"dj|tj|oe")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PHONE_SPLIT = re.compile(r"\s*(?:/|;|,|\bor\b|\batau\b|\bdan\b|&)\s*", re.IGNORECASE)
_CITY_PREFIX = re.compile(
    r"^(?:kota\s+administrasi|kota\s+adm|kotamadya|kodya|kabupaten|kab|kota|kotif)\s+"
)


def _fold(text: str) -> str:
    """Lower-case ASCII text with punctuation turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").casefold()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


@lru_cache(maxsize=200_000)
def _modern_spelling(token: str) -> str:
    """Rewrite a token in the pre-1972 spelling (``Soember Djaja``) to today's."""
    if not _OLD_SPELLING.search(token):
        return token
    out = []
    i = 0
    while i < len(token):
        pair = token[i : i + 2]
        if pair == "dj":
            out.append("j")
            i += 2
        elif pair == "tj":
            out.append("c")
            i += 2
        elif pair == "oe":
            out.append("u")
            i += 2
        elif pair in ("nj", "sj"):
            out.append(pair[0] + "y")
            i += 2
        elif token[i] == "j":
            out.append("y")
            i += 1
        else:
            out.append(token[i])
            i += 1
    return "".join(out)


@lru_cache(maxsize=200_000)
def _canonical_token(token: str) -> str:
    current = token
    for _ in range(4):  # a rewrite can expose another (bounded, reaches a fixpoint)
        nxt = _VARIANTS.get(_modern_spelling(current), _modern_spelling(current))
        if nxt == current:
            break
        current = nxt
    return current


def _is_noise(token: str) -> bool:
    return len(token) < 2 or token in LEGAL_FORMS or token in HONORIFICS or token in _STOPWORDS


@lru_cache(maxsize=400_000)
def _name_parts(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    folded = _fold(name)
    if not folded:
        return (), ()
    text = f" {folded} "
    for phrase in _LEGAL_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    business: list[str] = []
    owner: list[str] = []
    after_title = False
    for raw in text.split():
        token = _canonical_token(raw)
        if token in HONORIFICS or token == "h":
            after_title = True
            continue
        if _is_noise(token):
            continue
        (owner if after_title else business).append(token)
    if not business and owner:
        return tuple(owner), ()
    if business:
        return tuple(business), tuple(owner)
    # Nothing but legal forms and titles ("Toko Ibu"): keep the words, the
    # record still needs a key, but drop one-letter crumbs.
    fallback = tuple(_canonical_token(t) for t in folded.split() if len(t) > 1)
    return fallback or tuple(folded.split()), ()


def name_parts(name: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A business name split into the business's own words and its owner's name.

    The owner's name is what follows an honorific (``Toko Berkah Jaya Bpk.
    H. Ahmad`` → owner ``ahmad``); both parts are cleaned as in
    :func:`name_tokens`. A name that is only a person's name (``Ibu Siti``)
    is the business name, with no separate owner.

    Parameters
    ----------
    name:
        The name as entered.

    Returns
    -------
    business, owner:
        Token tuples in their original order (``owner`` may be empty).

    Examples
    --------
    >>> name_parts("Toko Berkah Jaya Bpk. H. Ahmad")
    (('berkah', 'jaya'), ('ahmad',))
    >>> name_parts("Keripik Bu Sri")
    (('keripik',), ('sri',))
    """
    if not isinstance(name, str):
        return (), ()
    return _name_parts(name)


def name_tokens(name: object) -> tuple[str, ...]:
    """The identity-bearing tokens of a business or person name.

    Legal forms and shop words (PT, CV, UD, Toko, Koperasi, KUD …), honorifics
    and degrees (Bpk., Ibu, H., Hj., Ir.), one-letter initials and connectives
    are removed; case, accents and punctuation are folded; the pre-1972
    spelling (``Soember Djaja``) and common spelling variants (``rezeki``) are
    mapped to one form. A name made only of such words keeps its words.

    Parameters
    ----------
    name:
        The name as entered; anything that is not a non-empty string gives ``()``.

    Returns
    -------
    tuple of str
        Tokens in their original order.
    """
    if not isinstance(name, str):
        return ()
    business, owner = _name_parts(name)
    return business + owner


def normalise_name(name: object) -> str:
    """The name as a matching key: :func:`name_tokens` joined by single spaces.

    Parameters
    ----------
    name:
        The name as entered.

    Returns
    -------
    str
        ``""`` when the name is missing or has no letters or digits.

    Examples
    --------
    >>> normalise_name("UD. Soember Djaja")
    'sumber jaya'
    """
    return " ".join(name_tokens(name))


def _e164(digits: str) -> str | None:
    """Indonesian digit strings to ``+62…``; ``None`` if they cannot be a number."""
    if digits.startswith("0062"):
        digits = digits[4:]
    elif digits.startswith("62"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    digits = digits.lstrip("0")  # "+62 (0) 812 …" and stray trunk zeros
    if not 7 <= len(digits) <= 12:
        return None
    return f"+62{digits}"


def normalise_phones(value: object) -> tuple[str, ...]:
    """Every phone number in a cell, in ``+62`` (E.164) form.

    Accepts the ways numbers are written in the registry: ``0812-3456-7890``,
    ``+62 812 3456 7890``, ``6281234567890``, ``(021) 555-1234``,
    ``+62 (0)812…``, ``0062…``, a mobile number without its leading zero
    (``812…``), and several numbers in one cell separated by ``/``, ``;``,
    ``,`` or ``atau``. Numbers of another country (``+65 …``) keep their code.

    Parameters
    ----------
    value:
        The cell; ``None``/NaN/empty give ``()``.

    Returns
    -------
    tuple of str
        Distinct numbers in the order found; parts that cannot be a phone
        number (too short or too long) are left out.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ()
    if isinstance(value, int | float):
        value = str(int(value))
    if not isinstance(value, str):
        return ()
    found: list[str] = []
    for part in _PHONE_SPLIT.split(value.strip()):
        if not part:
            continue
        plus = part.lstrip().startswith("+")
        digits = re.sub(r"\D", "", part)
        if not digits:
            continue
        number: str | None
        if plus and not digits.startswith("62"):
            number = f"+{digits}" if 8 <= len(digits) <= 15 else None
        else:
            number = _e164(digits)
        if number is not None and number not in found:
            found.append(number)
    return tuple(found)


def normalise_phone(value: object) -> str | None:
    """The first phone number of a cell in ``+62`` form, or ``None``.

    See :func:`normalise_phones` for the accepted spellings.

    Examples
    --------
    >>> normalise_phone("6281234567890")
    '+6281234567890'
    >>> normalise_phone("-") is None
    True
    """
    phones = normalise_phones(value)
    return phones[0] if phones else None


def normalise_email(value: object) -> str | None:
    """An e-mail address as a matching key, or ``None`` if it is not one.

    Lower-cased and trimmed, ``mailto:`` removed; for Gmail the dots and any
    ``+tag`` of the local part are dropped and ``googlemail.com`` becomes
    ``gmail.com``, since they reach the same mailbox.

    Parameters
    ----------
    value:
        The cell.

    Returns
    -------
    str or None
    """
    if not isinstance(value, str):
        return None
    text = value.strip().casefold().removeprefix("mailto:").strip().strip("<>").strip()
    if text.count("@") != 1:
        return None
    local, domain = text.split("@")
    domain = domain.strip(".")
    if not local or "." not in domain or " " in text:
        return None
    if domain in ("gmail.com", "googlemail.com"):
        domain = "gmail.com"
        local = local.split("+", 1)[0].replace(".", "")
        if not local:
            return None
    return f"{local}@{domain}"


def normalise_city(value: object) -> str:
    """A kota/kabupaten name as a matching key.

    Case, accents and punctuation are folded and the administrative prefix
    (``Kota``, ``Kab.``, ``Kabupaten``, ``Kotamadya`` …) is dropped, so
    ``Kab. Bandung``, ``KOTA BANDUNG`` and ``Bandung`` agree; the pre-1972
    spellings ``dj``/``tj``/``oe`` are modernised (``Soerabaja`` → ``surabaya``).

    Parameters
    ----------
    value:
        The cell.

    Returns
    -------
    str
        ``""`` when missing.
    """
    if not isinstance(value, str):
        return ""
    text = _fold(value)
    previous = None
    while previous != text:
        previous = text
        text = _CITY_PREFIX.sub("", text)
    return " ".join(_modern_spelling(t) for t in text.split())


def normalise_province(value: object) -> str:
    """A province as its canonical name, resolved through the reference data.

    Canonical names pass through; free text (``jatim``, ``East Java``, ``DIY``)
    is resolved with :func:`matchmaker.parsing.parse_province` when that parser
    is available; what cannot be resolved is folded and kept so that two
    records spelling it the same way still agree.

    Parameters
    ----------
    value:
        The cell.

    Returns
    -------
    str
        ``""`` when missing.
    """
    if not isinstance(value, str) or not value.strip():
        return ""
    return _province_key(value.strip())


@lru_cache(maxsize=4096)
def _province_key(text: str) -> str:
    from matchmaker import reference

    if text in reference.PROVINCE_NAMES:
        return text
    try:
        from matchmaker import parsing

        resolved = parsing.parse_province(text)
    except (ImportError, AttributeError, MatchmakerError):
        return _fold(text)
    return str(getattr(resolved, "name", resolved))
