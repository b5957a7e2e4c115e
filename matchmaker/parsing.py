"""Tolerant parsers for single cells of the input files (CSV, XLSX, API posts).

Every parser is a pure function of one cell value. It either returns the
canonical value of the contract (a province's canonical name, a category,
channel, certification or stage slug, an amount in IDR, a date ...) or raises
:class:`matchmaker.errors.ParseError` whose ``suggestions`` hold up to three
closest admissible values. A value is never guessed when the guess could change
its meaning.

Blank cells (``None``, NaN, ``pd.NA``, empty or whitespace-only strings and the
null markers ``nan``, ``none``, ``null``, ``n/a``, ``-``) give ``None`` from the
scalar parsers, ``[]`` (or the documented default) from the list parsers. The
lookup parsers that must return a value (:func:`parse_province`,
:func:`parse_category`, :func:`parse_channel`, :func:`parse_certification`)
raise ``ParseError`` on a blank cell; call :func:`is_blank` first where the
column is optional.

Name matching (provinces, categories, channels, certifications, stages) goes
through these steps, the first that succeeds wins:

1. *Exact* after normalisation: Unicode NFKC, casefold, every character other
   than a letter or digit is a separator, the words ``dan``/``and`` are dropped,
   and the separators are then removed (``"Hit-and-runner"``, ``"hit & runner"``
   and ``"HitRunner"`` are the same key). Canonical names, slugs, labels,
   aliases, English names and synonyms are all keys. For provinces a leading
   ``Provinsi``/``Prov.``/``Province of`` is ignored.
2. *Typo* tolerance: when the normalised input has at least 5 characters, the
   keys of at least 5 characters are compared with ``rapidfuzz.fuzz.ratio``;
   the best key is taken when it scores at least 90 and every key of another
   target scores at least 4 points less (otherwise the input is ambiguous).
3. *Contained words* (categories, channels and certifications only): when the
   input is a phrase such as ``"keripik pisang"`` or ``"iklan di facebook"``,
   the known words and phrases of at least 4 characters it contains (longest
   first) are looked up; if they all point to one target, that target is taken,
   if they point to several, the input is ambiguous.

Anything else raises ``ParseError`` with suggestions ranked by
``rapidfuzz.fuzz.WRatio``. Abbreviations shorter than 5 characters are only
ever matched exactly, so ``"Papua"`` stays Papua and ``"Jawa"`` alone is
rejected as ambiguous.

Lists inside a cell are separated by ``;``. When a cell holds no ``;`` at all, a
comma, ``|`` and line breaks also separate items (``"Jatim, Jateng"``); no
contract value contains any of these characters.

Numbers (money, counts, ratings) accept ``.`` and ``,`` as thousands or decimal
separators, disambiguated as follows:

* both present: the one that comes last is the decimal separator
  (``1.500.000,50`` and ``1,500,000.50``);
* one of them, several times: thousands separator; every group after the first
  must have exactly three digits (``1.500.000``, ``2,500,000``);
* one of them, once: a thousands separator when exactly three digits follow it
  and one to three non-zero-led digits precede it (``1.500`` is 1500,
  ``1,500`` is 1500, also ``1.500 juta`` is 1.5 miliar), otherwise a decimal
  separator (``1,5 juta``, ``1500000.0``, ``0,750 juta``).

:func:`parse_float` reads a single ``.`` always as the decimal point (so that
machine-written numbers such as ``1.125`` keep their value) and rejects a single
``,`` followed by exactly three digits (``1,125``) as ambiguous.

Money also accepts a ``Rp``/``IDR`` prefix, a ``rupiah`` suffix, the trailing
``,-`` of Indonesian price tags and multipliers: ``ribu``/``rb``/``k``
(10^3), ``juta``/``jt``/``million``/``mio`` (10^6), ``miliar``/``milyar``/``M``/
``B``/``bn``/``billion`` (10^9; note that ``M`` means *miliar* as in Indonesian
writing), ``triliun``/``T``/``trillion`` (10^12). Amounts are rounded to whole
rupiah; negative amounts and amounts above 10^15 are rejected.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from matchmaker import reference
from matchmaker.errors import ParseError

__all__ = [
    "CONTAINED_MIN_LENGTH",
    "FUZZY_CUTOFF",
    "FUZZY_MARGIN",
    "FUZZY_MIN_LENGTH",
    "MAX_MONEY_IDR",
    "NATIONWIDE_WORDS",
    "is_blank",
    "normalize_key",
    "parse_bool",
    "parse_categories",
    "parse_category",
    "parse_certification",
    "parse_certifications",
    "parse_channel",
    "parse_channels",
    "parse_date",
    "parse_float",
    "parse_int",
    "parse_money",
    "parse_province",
    "parse_provinces",
    "parse_rating",
    "parse_stage",
    "parse_umkm_class",
    "split_list",
]

FUZZY_CUTOFF = 90.0
"""Minimum ``rapidfuzz.fuzz.ratio`` (0-100) for a typo to be corrected."""

FUZZY_MARGIN = 4.0
"""The best typo candidate must beat every other target by this many points."""

FUZZY_MIN_LENGTH = 5
"""Inputs and keys shorter than this (after normalisation) are matched exactly only."""

CONTAINED_MIN_LENGTH = 4
"""Words and phrases shorter than this are not looked up inside a longer phrase."""

MAX_MONEY_IDR = 10**15
"""Largest accepted amount of money (1,000 triliun); larger values are typing errors."""

NATIONWIDE_WORDS: tuple[str, ...] = (
    "nasional",
    "national",
    "nationwide",
    "seluruh indonesia",
    "semua provinsi",
    "seluruh provinsi",
    "se indonesia",
    "all",
    "all provinces",
    "indonesia",
    "semua",
)
"""Words that mean every province in a province list (matched after normalisation)."""

_BLANK_WORDS = frozenset({"", "nan", "none", "null", "nil", "n/a", "na", "#n/a", "-", "--", "—"})
_NONE_LIST_WORDS = frozenset(
    {"tidak ada", "belum ada", "tidak punya", "belum punya", "tanpa", "belum", "kosong"}
)
_DROPPED_WORDS = frozenset({"dan", "and"})
_PROVINCE_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("province", "of"),
    ("provinsi",),
    ("propinsi",),
    ("prov",),
    ("province",),
)
_SEPARATOR_RE = re.compile(r"[\W_]+")


# ---------------------------------------------------------------------------
# blanks, normalisation and lists
# ---------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    """Whether a cell is empty.

    Parameters
    ----------
    value:
        Any cell value.

    Returns
    -------
    bool
        ``True`` for ``None``, NaN (float, numpy, ``Decimal``), ``pd.NA``,
        ``pd.NaT``, empty or whitespace-only strings, the null markers ``nan``,
        ``none``, ``null``, ``nil``, ``n/a``, ``na``, ``#n/a``, ``-``, and for empty
        containers or containers of blanks.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return " ".join(value.split()).casefold() in _BLANK_WORDS
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_nan()
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return math.isnan(float(value))
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    if isinstance(value, list | tuple | set | frozenset):
        return all(is_blank(v) for v in value)
    return False


def _words(text: str) -> list[str]:
    """Lower-case words of a text: NFKC, casefold, split on non-alphanumerics."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [w for w in _SEPARATOR_RE.split(folded) if w]


def _key_words(text: str) -> list[str]:
    return [w for w in _words(text) if w not in _DROPPED_WORDS]


def normalize_key(text: str) -> str:
    """The normalised key the lookup parsers compare.

    Parameters
    ----------
    text:
        Any text.

    Returns
    -------
    str
        NFKC-normalised, casefolded, with every non-alphanumeric character and
        the words ``dan``/``and`` removed: ``"Hit-and-runner"`` gives
        ``"hitrunner"``, ``"Kep. Riau"`` gives ``"kepriau"``.
    """
    return "".join(_key_words(text))


def _cell_text(value: object) -> str:
    """A scalar cell as trimmed text (floats that are whole numbers lose ``.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def split_list(value: object) -> list[str]:
    """Split a list cell into its items.

    Items are separated by ``;``; when the cell holds no ``;`` at all, ``,``,
    ``|`` and line breaks separate items too. Items are trimmed (inner runs of
    whitespace collapse to one space), blank items are dropped, the order is
    kept, and later duplicates (same text ignoring case and spacing) are removed.
    A list, tuple or set (for example from a JSON post) gives its items the same
    treatment, without splitting them further.

    Parameters
    ----------
    value:
        The cell.

    Returns
    -------
    list[str]
        The items; ``[]`` for a blank cell.
    """
    if is_blank(value):
        return []
    raw: Iterable[object]
    if isinstance(value, set | frozenset):
        raw = sorted(value, key=str)
    elif isinstance(value, list | tuple):
        raw = value
    else:
        text = str(value)
        pattern = r"[;\n\r]" if ";" in text else r"[,|\n\r]"
        raw = re.split(pattern, text)
    items: list[str] = []
    seen: set[str] = set()
    for item in raw:
        if is_blank(item):
            continue
        text = _cell_text(item)
        key = text.casefold()
        if key not in seen:
            seen.add(key)
            items.append(text)
    return items


# ---------------------------------------------------------------------------
# vocabularies: tolerant name lookup
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Vocabulary:
    """Lookup tables of one kind of name (provinces, categories, ...)."""

    kind: str
    targets: tuple[str, ...]
    exact: Mapping[str, str]
    fuzzy_keys: tuple[str, ...]
    fuzzy_targets: tuple[str, ...]
    suggest_keys: tuple[str, ...]
    suggest_targets: tuple[str, ...]
    phrases: Mapping[tuple[str, ...], str]
    longest_phrase: int
    contained: bool
    strip_prefixes: tuple[tuple[str, ...], ...]


def _build_vocabulary(
    kind: str,
    entries: Sequence[tuple[str, Sequence[str]]],
    *,
    contained: bool,
    strip_prefixes: tuple[tuple[str, ...], ...] = (),
) -> _Vocabulary:
    """Index the names of one kind; each entry is ``(target, names)``.

    Raises
    ------
    RuntimeError
        If the reference data maps one normalised key to two targets.
    """
    exact: dict[str, str] = {}
    fuzzy_keys: list[str] = []
    fuzzy_targets: list[str] = []
    suggest_keys: list[str] = []
    suggest_targets: list[str] = []
    phrases: dict[tuple[str, ...], str] = {}
    for target, names in entries:
        for name in (target, *names):
            words = tuple(_key_words(name))
            key = "".join(words)
            if not key:
                continue
            owner = exact.setdefault(key, target)
            if owner != target:
                raise RuntimeError(
                    f"reference data: {kind} name {name!r} means both {owner!r} and {target!r}"
                )
            spaced = " ".join(words)
            if spaced not in suggest_keys:
                suggest_keys.append(spaced)
                suggest_targets.append(target)
            if len(key) >= FUZZY_MIN_LENGTH and key not in fuzzy_keys:
                fuzzy_keys.append(key)
                fuzzy_targets.append(target)
            if len(key) >= CONTAINED_MIN_LENGTH:
                phrases[words] = target
    return _Vocabulary(
        kind=kind,
        targets=tuple(target for target, _ in entries),
        exact=exact,
        fuzzy_keys=tuple(fuzzy_keys),
        fuzzy_targets=tuple(fuzzy_targets),
        suggest_keys=tuple(suggest_keys),
        suggest_targets=tuple(suggest_targets),
        phrases=phrases,
        longest_phrase=max((len(p) for p in phrases), default=0),
        contained=contained,
        strip_prefixes=strip_prefixes,
    )


@cache
def _vocabulary(kind: str) -> _Vocabulary:
    if kind == "province":
        return _build_vocabulary(
            "province",
            [(p.name, (p.slug, *p.aliases, p.english)) for p in reference.PROVINCES],
            contained=False,
            strip_prefixes=_PROVINCE_PREFIXES,
        )
    if kind == "category":
        return _build_vocabulary(
            "category",
            [(c.slug, (c.label, c.label_en, *c.synonyms)) for c in reference.CATEGORIES],
            contained=True,
        )
    if kind == "channel":
        return _build_vocabulary(
            "channel",
            [(c.slug, (c.label, *c.synonyms)) for c in reference.CHANNEL_INFO],
            contained=True,
        )
    if kind == "certification":
        return _build_vocabulary(
            "certification",
            [(c.slug, (c.label, *c.synonyms)) for c in reference.CERTIFICATION_INFO],
            contained=True,
        )
    if kind == "stage":
        return _build_vocabulary(
            "stage",
            [(s.slug, (s.label, *s.synonyms)) for s in reference.STAGES],
            contained=False,
        )
    if kind == "umkm_class":
        return _build_vocabulary(
            "UMKM class",
            [(u.slug, (u.label, *u.synonyms)) for u in reference.UMKM_CLASSES],
            contained=False,
        )
    raise KeyError(kind)  # pragma: no cover


@dataclass(frozen=True)
class _Outcome:
    """Result of a lookup: a target, or the reason and suggestions of a failure."""

    target: str | None
    reason: str = ""
    suggestions: tuple[str, ...] = ()


def _suggest(vocab: _Vocabulary, spaced: str, limit: int = 3) -> list[tuple[str, float]]:
    """Closest targets to a normalised text, best first, with their WRatio score."""
    if not spaced:
        return []
    found: list[tuple[str, float]] = []
    for _, score, index in process.extract(
        spaced,
        vocab.suggest_keys,
        scorer=fuzz.WRatio,
        processor=None,
        limit=None,
        score_cutoff=50,
    ):
        target = vocab.suggest_targets[index]
        if all(target != t for t, _ in found):
            found.append((target, float(score)))
            if len(found) == limit:
                break
    return found


def _contained_targets(vocab: _Vocabulary, words: Sequence[str]) -> list[str]:
    """Targets of the known phrases inside ``words``, longest phrase first, in order."""
    targets: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(vocab.longest_phrase, len(words) - i), 0, -1):
            target = vocab.phrases.get(tuple(words[i : i + size]))
            if target is not None:
                if target not in targets:
                    targets.append(target)
                i += size
                break
        else:
            i += 1
    return targets


@lru_cache(maxsize=8192)
def _lookup(kind: str, text: str) -> _Outcome:
    vocab = _vocabulary(kind)
    words = _key_words(text)
    for prefix in vocab.strip_prefixes:
        if len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix:
            words = words[len(prefix) :]
            break
    key = "".join(words)
    if not key:
        return _Outcome(None, f"{vocab.kind} {text!r} has no letters or digits")
    # 1. exact
    target = vocab.exact.get(key)
    if target is not None:
        return _Outcome(target)
    # 2. typo
    if len(key) >= FUZZY_MIN_LENGTH:
        best: dict[str, float] = {}
        for _, score, index in process.extract(
            key,
            vocab.fuzzy_keys,
            scorer=fuzz.ratio,
            processor=None,
            limit=None,
            score_cutoff=FUZZY_CUTOFF,
        ):
            candidate = vocab.fuzzy_targets[index]
            best[candidate] = max(best.get(candidate, 0.0), float(score))
        if best:
            ranked = sorted(best.items(), key=lambda item: -item[1])
            if len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= FUZZY_MARGIN:
                return _Outcome(ranked[0][0])
            return _Outcome(
                None,
                f"ambiguous {vocab.kind} {text!r}: it is equally close to several; "
                "write the full name",
                tuple(t for t, _ in ranked[:3]),
            )
    # 3. known words inside a phrase
    if vocab.contained and len(words) > 1:
        inside = _contained_targets(vocab, words)
        if len(inside) == 1:
            return _Outcome(inside[0])
        if len(inside) > 1:
            return _Outcome(
                None,
                f"ambiguous {vocab.kind} {text!r}: it mentions several "
                f"({', '.join(inside)}); give one per item, separated by ';'",
                tuple(inside[:3]),
            )
    suggestions = _suggest(vocab, " ".join(words))
    close = [t for t, score in suggestions if score >= FUZZY_CUTOFF]
    if len(close) > 1:
        reason = f"ambiguous {vocab.kind} {text!r}: several {vocab.kind}s match; be more specific"
    else:
        reason = f"unknown {vocab.kind} {text!r}"
    return _Outcome(None, reason, tuple(t for t, _ in suggestions))


def _resolve(kind: str, value: object) -> str:
    label = _vocabulary(kind).kind
    if is_blank(value):
        raise ParseError(f"{label} is empty; a value is required here")
    outcome = _lookup(kind, _cell_text(value))
    if outcome.target is None:
        raise ParseError(outcome.reason, outcome.suggestions)
    return outcome.target


def _resolve_list(kind: str, value: object) -> list[str]:
    if is_blank(value) or (isinstance(value, str) and " ".join(_words(value)) in _NONE_LIST_WORDS):
        return []
    result: list[str] = []
    for item in split_list(value):
        target = _resolve(kind, item)
        if target not in result:
            result.append(target)
    return result


def parse_province(value: object) -> str:
    """Resolve a province to its canonical name.

    Accepts canonical names, slugs, abbreviations (``Jatim``, ``DIY``, ``DKI``,
    ``Kepri``, ``Babel``), older spellings (``Nanggroe Aceh Darussalam``,
    ``Jogja``), English names (``East Java``) in any case and spacing, an
    optional ``Provinsi``/``Prov.`` prefix, and small typos (``Jawa Timr``).

    Parameters
    ----------
    value:
        The cell.

    Returns
    -------
    str
        One of :data:`matchmaker.reference.PROVINCE_NAMES`.

    Raises
    ------
    ParseError
        If the value is blank, unknown or ambiguous (``Jawa``); ``suggestions``
        holds up to three canonical names.

    Examples
    --------
    >>> parse_province("jatim"), parse_province("East Java"), parse_province("DIY")
    ('Jawa Timur', 'Jawa Timur', 'DI Yogyakarta')
    """
    return _resolve("province", value)


def _island_group_provinces(text: str) -> list[str] | None:
    """Provinces of an island group written as ``seluruh Jawa`` / ``pulau Sulawesi``."""
    words = _key_words(text)
    if len(words) < 2 or words[0] not in {"seluruh", "pulau", "se", "semua"}:
        return None
    rest = "".join(words[1:])
    aliases = {"sumatra": "Sumatera", "java": "Jawa", "borneo": "Kalimantan"}
    for group in reference.ISLAND_GROUPS:
        if normalize_key(group) == rest or aliases.get(rest) == group:
            return [p.name for p in reference.PROVINCES if p.island_group == group]
    return None


def parse_provinces(value: object, *, default_all: bool = True) -> list[str]:
    """Resolve a list of provinces.

    Parameters
    ----------
    value:
        The cell: items separated by ``;`` (see :func:`split_list`). An item
        ``nasional``, ``seluruh indonesia``, ``all`` or ``indonesia`` (see
        :data:`NATIONWIDE_WORDS`) means every province; ``seluruh <island group>``
        or ``pulau <island group>`` (``seluruh Jawa``, ``pulau Sulawesi``) means the
        provinces of that island group.
    default_all:
        What a blank cell means: every province (the contract's default
        ``nasional``) when true, no province when false.

    Returns
    -------
    list[str]
        Canonical names without duplicates, in the order given; all 38 in the
        contract order when the list is nationwide.

    Raises
    ------
    ParseError
        For the first item that cannot be resolved.
    """
    if is_blank(value):
        return list(reference.PROVINCE_NAMES) if default_all else []
    nationwide = {normalize_key(w) for w in NATIONWIDE_WORDS}
    items = split_list(value)
    if any(normalize_key(item) in nationwide for item in items):
        return list(reference.PROVINCE_NAMES)
    result: list[str] = []
    for item in items:
        group = _island_group_provinces(item)
        for name in group if group is not None else [_resolve("province", item)]:
            if name not in result:
                result.append(name)
    return result


def parse_category(value: object) -> str:
    """Resolve a product category to its slug.

    Accepts slugs, the contract labels, English labels, Indonesian and English
    synonyms and sub-category words (``kosmetik``, ``skincare``, ``camilan``,
    ``hijab``, ``gamis``), small typos (``kosmetk``) and phrases whose known words
    all point to one category (``keripik pisang``).

    Parameters
    ----------
    value:
        The cell.

    Returns
    -------
    str
        One of :data:`matchmaker.reference.CATEGORY_SLUGS`.

    Raises
    ------
    ParseError
        If the value is blank, unknown or ambiguous; ``suggestions`` holds up to
        three slugs.

    Examples
    --------
    >>> parse_category("Skincare"), parse_category("gamis")
    ('beauty', 'fashion_muslim')
    """
    return _resolve("category", value)


def parse_categories(value: object) -> list[str]:
    """Resolve a list of categories (see :func:`parse_category`).

    Returns
    -------
    list[str]
        Slugs without duplicates in the order given; ``[]`` for a blank cell or
        ``tidak ada``.

    Raises
    ------
    ParseError
        For the first item that cannot be resolved.
    """
    return _resolve_list("category", value)


def parse_channel(value: object) -> str:
    """Resolve a marketing channel to its slug.

    Accepts slugs, labels and synonyms including platform names (``fb ads``,
    ``meta ads``, ``ig``, ``wa``, ``tiktok shop``, ``adwords``; ``shopee``,
    ``tokopedia``, ``lazada`` mean ``marketplace``).

    Returns
    -------
    str
        One of :data:`matchmaker.reference.CHANNELS`.

    Raises
    ------
    ParseError
        If the value is blank, unknown or ambiguous.
    """
    return _resolve("channel", value)


def parse_channels(value: object) -> list[str]:
    """Resolve a list of channels (see :func:`parse_channel`).

    Returns
    -------
    list[str]
        Slugs without duplicates in the order given; ``[]`` for a blank cell or
        ``tidak ada``.

    Raises
    ------
    ParseError
        For the first item that cannot be resolved.
    """
    return _resolve_list("channel", value)


def parse_certification(value: object) -> str:
    """Resolve a certification to its slug.

    Accepts slugs, labels and synonyms (``MUI`` means ``halal``, ``Badan POM``
    means ``bpom``, ``P-IRT``/``SPP-IRT`` mean ``pirt``).

    Returns
    -------
    str
        One of :data:`matchmaker.reference.CERTIFICATIONS`.

    Raises
    ------
    ParseError
        If the value is blank, unknown or ambiguous.
    """
    return _resolve("certification", value)


def parse_certifications(value: object) -> list[str]:
    """Resolve a list of certifications (see :func:`parse_certification`).

    Returns
    -------
    list[str]
        Slugs without duplicates in the order given; ``[]`` for a blank cell,
        ``tidak ada``, ``belum ada`` or ``tanpa``.

    Raises
    ------
    ParseError
        For the first item that cannot be resolved.
    """
    return _resolve_list("certification", value)


def parse_stage(value: object) -> str | None:
    """Resolve an Imers stage to its slug.

    Accepts slugs and labels in any case, spacing or punctuation
    (``Hit and runner``, ``hit-and-runner``, ``HIT_AND_RUNNER``) and small typos.

    Returns
    -------
    str or None
        One of :data:`matchmaker.reference.STAGE_SLUGS`; ``None`` for a blank cell.

    Raises
    ------
    ParseError
        If the value is unknown.
    """
    if is_blank(value):
        return None
    return _resolve("stage", value)


def parse_umkm_class(value: object) -> str | None:
    """Resolve a UMKM class to its slug (``Usaha Mikro``, ``micro`` give ``mikro``).

    Returns
    -------
    str or None
        One of :data:`matchmaker.reference.UMKM_CLASS_SLUGS`; ``None`` for a blank cell.

    Raises
    ------
    ParseError
        If the value is unknown.
    """
    if is_blank(value):
        return None
    return _resolve("umkm_class", value)


# ---------------------------------------------------------------------------
# numbers and money
# ---------------------------------------------------------------------------

_UNITS: dict[str, int] = {}
for _words_, _factor in (
    ("ribu rb rbu rebu k rb. thousand thousands", reference.RIBU),
    ("juta jt jta jt. juta. million millions mio mn", reference.JUTA),
    ("miliar milyar milliar milyard miliard m b bn billion billions", reference.MILIAR),
    ("triliun trilyun trilliun t tn trillion trillions", reference.TRILIUN),
):
    for _unit in _words_.split():
        _UNITS[_unit.rstrip(".")] = _factor
del _words_, _factor, _unit

_NUMBER_RE = re.compile(r"(?P<sign>[-+−]?)\s*(?P<num>\d[\d.,' ]*?)[.,]?\s*(?P<unit>[^\W\d_]+)?\.?")
_SCIENTIFIC_RE = re.compile(r"[-+]?\d+(?:\.\d+)?e[-+]?\d+")
_SPACED_GROUPS_RE = re.compile(r"\d{1,3}(?:[ ']\d{3})+(?:[.,]\d+)?")
_CURRENCY_PREFIX_RE = re.compile(r"^(?:rp|idr)\.?\s*")
_CURRENCY_SUFFIX_RE = re.compile(r"\s*(?:rupiah|idr|rp)\.?$")


def _grouped(text: str, separator: str) -> bool:
    """Whether ``text`` is digits grouped by threes with ``separator`` (``1.500.000``)."""
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(separator)}\d{{3}})+", text) is not None


def _number_from_text(num: str, original: str, field: str, *, real: bool) -> Decimal:
    """Digits with ``.``/``,``/space separators as a Decimal (see the module rules).

    ``real`` selects the rules of :func:`parse_float` for a single separator.
    """
    if " " in num or "'" in num:
        if not _SPACED_GROUPS_RE.fullmatch(num):
            raise ParseError(f"{field} {original!r} is not a number (stray spaces)")
        num = num.replace(" ", "").replace("'", "")
    dots, commas = num.count("."), num.count(",")
    if dots and commas:
        decimal_sep = "." if num.rfind(".") > num.rfind(",") else ","
        thousands_sep = "," if decimal_sep == "." else "."
        whole, _, fraction = num.rpartition(decimal_sep)
        if num.count(decimal_sep) != 1 or not _grouped(whole, thousands_sep):
            raise ParseError(
                f"{field} {original!r} mixes '.' and ',' in a way that is not a number; "
                "write digits only, e.g. 1500000"
            )
        return Decimal(f"{whole.replace(thousands_sep, '')}.{fraction}")
    sep = "." if dots else "," if commas else ""
    if not sep:
        return Decimal(num)
    if num.count(sep) > 1:
        if not _grouped(num, sep):
            raise ParseError(
                f"{field} {original!r} has misplaced thousands separators; "
                "write digits only, e.g. 1500000"
            )
        return Decimal(num.replace(sep, ""))
    whole, _, fraction = num.partition(sep)
    looks_grouped = len(fraction) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0")
    if real and looks_grouped and sep == ",":
        raise ParseError(
            f"{field} {original!r} is ambiguous: write {whole}.{fraction} for a decimal "
            f"number or {whole}{fraction} for a whole one"
        )
    if looks_grouped and not real:
        return Decimal(whole + fraction)
    return Decimal(f"{whole}.{fraction}")


def _parse_decimal(value: object, field: str, *, money: bool, real: bool = False) -> Decimal | None:
    """A cell as a Decimal; ``None`` when blank. Units are accepted for money and counts."""
    if is_blank(value):
        return None
    if isinstance(value, bool | np.bool_):
        raise ParseError(f"{field} {value!r} is a yes/no value, not a number")
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    if isinstance(value, Decimal | numbers.Real):
        number = value if isinstance(value, Decimal) else Decimal(float(value))
        if not number.is_finite():
            raise ParseError(f"{field} {value!r} is not a finite number")
        return number
    if not isinstance(value, str):
        raise ParseError(f"{field} {value!r} is not a number")
    original = value
    text = unicodedata.normalize("NFKC", value).casefold().strip()
    if money:
        sign = text[:1] if text[:1] in {"-", "+", "−"} else ""  # "-Rp 5"
        text = _CURRENCY_PREFIX_RE.sub("", text[len(sign) :].lstrip())
        text = _CURRENCY_SUFFIX_RE.sub("", text)
        text = sign + re.sub(r"[.,]\s*-+$", "", text).strip()  # "Rp 15.000,-"
    if _SCIENTIFIC_RE.fullmatch(text):
        return Decimal(text)
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        raise ParseError(
            f"{field} {original!r} is not a number"
            + ("; write e.g. 1500000, Rp 1.500.000, 1,5 juta or 750rb" if money else "")
        )
    number = _number_from_text(match["num"].strip(), original, field, real=real)
    unit = match["unit"]
    if unit is not None:
        factor = _UNITS.get(unit)
        if factor is None:
            raise ParseError(
                f"{field} {original!r} has an unknown unit {unit!r}; "
                "use ribu/rb/k, juta/jt, miliar/M or triliun",
                tuple(u for u in ("rb", "juta", "miliar") if u[0] == unit[0]),
            )
        number *= factor
    if match["sign"] in {"-", "−"}:
        number = -number
    return number


def parse_money(value: object) -> int | None:
    """Parse an amount of money in IDR.

    Accepts Python/numpy numbers (from Excel), plain digits (``1500000``,
    ``1500000.0``), Indonesian and English writing (``Rp 1.500.000``,
    ``Rp1.500.000,00``, ``Rp 15.000,-``, ``IDR 2,500,000``) and multipliers
    (``1,5 juta``, ``1.5jt``, ``2 miliar``, ``2 M``, ``750rb``, ``750k``,
    ``1 triliun``); see the module docstring for the separator rules.

    Parameters
    ----------
    value:
        The cell.

    Returns
    -------
    int or None
        Whole rupiah (rounded half up); ``None`` for a blank cell.

    Raises
    ------
    ParseError
        If the value is not an amount, is negative, or exceeds
        :data:`MAX_MONEY_IDR`.

    Examples
    --------
    >>> parse_money("Rp 1.500.000"), parse_money("1,5 juta"), parse_money("750rb")
    (1500000, 1500000, 750000)
    """
    number = _parse_decimal(value, "amount", money=True)
    if number is None:
        return None
    if number < 0:
        raise ParseError(f"amount {value!r} is negative; money must be 0 or more")
    if number > MAX_MONEY_IDR:
        raise ParseError(
            f"amount {value!r} is larger than {MAX_MONEY_IDR:,} IDR; check the digits and unit"
        )
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _check_bounds(
    number: Decimal,
    value: object,
    field: str,
    minimum: float | None,
    maximum: float | None,
) -> None:
    if minimum is not None and number < Decimal(str(minimum)):
        raise ParseError(f"{field} {value!r} is below the minimum {minimum}")
    if maximum is not None and number > Decimal(str(maximum)):
        raise ParseError(f"{field} {value!r} is above the maximum {maximum}")


def parse_int(
    value: object,
    *,
    minimum: int | None = 0,
    maximum: int | None = None,
    field: str = "value",
) -> int | None:
    """Parse a whole number (a count of units, orders ...).

    Accepts ints, floats with no fractional part (``12.0`` from Excel), digits
    with thousands separators (``1.500``) and the multipliers of
    :func:`parse_money` (``5 ribu``, ``2rb``).

    Parameters
    ----------
    value:
        The cell.
    minimum, maximum:
        Inclusive bounds (``None``: unbounded). The default minimum is 0.
    field:
        Name used in error messages.

    Returns
    -------
    int or None
        ``None`` for a blank cell.

    Raises
    ------
    ParseError
        If the value is not a whole number or is out of bounds.
    """
    number = _parse_decimal(value, field, money=False)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ParseError(f"{field} {value!r} must be a whole number")
    _check_bounds(number, value, field, minimum, maximum)
    return int(number)


def parse_float(
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    field: str = "value",
) -> float | None:
    """Parse a real number (``4,5`` and ``4.5`` are both 4.5).

    A single ``.`` is always the decimal point (``1.125`` is 1.125), a single
    ``,`` followed by exactly three digits is ambiguous and rejected; otherwise
    the separator rules of the module apply (``1.234,5`` is 1234.5).

    Parameters
    ----------
    value:
        The cell.
    minimum, maximum:
        Inclusive bounds (``None``: unbounded).
    field:
        Name used in error messages.

    Returns
    -------
    float or None
        ``None`` for a blank cell.

    Raises
    ------
    ParseError
        If the value is not a finite number or is out of bounds.
    """
    number = _parse_decimal(value, field, money=False, real=True)
    if number is None:
        return None
    _check_bounds(number, value, field, minimum, maximum)
    return float(number)


_RATING_RE = re.compile(r"(?P<num>.*?)\s*(?:/\s*5|dari\s*5|out\s*of\s*5|bintang|stars?)")


def parse_rating(value: object) -> float | None:
    """Parse a partnership rating between 1 and 5.

    Accepts numbers, ``4,5``, ``4/5``, ``4 dari 5``, ``4 bintang``, ``4 stars``.

    Returns
    -------
    float or None
        ``None`` for a blank cell.

    Raises
    ------
    ParseError
        If the value is not a number from 1 to 5.
    """
    if isinstance(value, str):
        match = _RATING_RE.fullmatch(value.strip().casefold())
        if match is not None:
            value = match["num"]
    return parse_float(value, minimum=1, maximum=5, field="rating")


# ---------------------------------------------------------------------------
# booleans and dates
# ---------------------------------------------------------------------------

_TRUE_WORDS = frozenset(
    {"true", "t", "ya", "y", "yes", "1", "benar", "betul", "iya", "iyah", "bisa", "ok", "on"}
)
_FALSE_WORDS = frozenset(
    {
        "false",
        "f",
        "tidak",
        "tdk",
        "no",
        "n",
        "0",
        "salah",
        "bukan",
        "gak",
        "ga",
        "nggak",
        "enggak",
        "engga",
        "tak",
        "off",
        "tidak bisa",
        "gak bisa",
        "ga bisa",
        "nggak bisa",
    }
)


def parse_bool(value: object) -> bool | None:
    """Parse a yes/no cell.

    Accepts booleans, the numbers 1 and 0, and (any case) ``true``/``false``,
    ``t``/``f``, ``ya``/``iya``/``tidak``, ``yes``/``no``, ``y``/``n``, ``1``/``0``,
    ``benar``/``salah``, ``bisa``/``tidak bisa``.

    Returns
    -------
    bool or None
        ``None`` for a blank cell.

    Raises
    ------
    ParseError
        For anything else.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral | Decimal):
        if float(value) in (0.0, 1.0):
            return float(value) == 1.0
        raise ParseError(f"yes/no value {value!r} is not 1 or 0", ("ya", "tidak"))
    if isinstance(value, numbers.Integral):
        if int(value) in (0, 1):
            return int(value) == 1
        raise ParseError(f"yes/no value {value!r} is not 1 or 0", ("ya", "tidak"))
    text = " ".join(_words(str(value)))
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise ParseError(
        f"yes/no value {value!r} is not understood; write ya/tidak, yes/no, true/false or 1/0",
        ("ya", "tidak"),
    )


_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "januari january jan",
        "februari pebruari february feb peb",
        "maret march mar",
        "april apr",
        "mei may",
        "juni june jun",
        "juli july jul",
        "agustus august agu agt aug",
        "september sep sept",
        "oktober october okt oct",
        "november nopember nov nop",
        "desember december des dec",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
del _number, _names, _name

_TIME_SUFFIX = r"(?:[t ]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_ISO_DATE_RE = re.compile(
    rf"(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME_SUFFIX}"
)
_DMY_DATE_RE = re.compile(
    rf"(?P<d>\d{{1,2}})[-/.](?P<m>\d{{1,2}})[-/.](?P<y>\d{{4}}){_TIME_SUFFIX}"
)
_NAMED_DATE_RE = re.compile(r"(?P<d>\d{1,2})[\s-]+(?P<m>[^\W\d_]+)\.?[\s-]+(?P<y>\d{4})")


def parse_date(value: object) -> dt.date | None:
    """Parse a date.

    Accepts ``datetime.date``/``datetime.datetime``/``pandas.Timestamp``/
    ``numpy.datetime64`` objects (as Excel cells arrive), ISO text
    (``2024-03-15``, optionally with a time), day-first text (``15/03/2024``,
    ``15-03-2024``, ``15.03.2024``) and month names in Indonesian or English
    (``15 Maret 2024``, ``15 Mar 2024``). Month-first dates (``03/15/2024``) are
    not accepted; a day-first reading that is no valid date is rejected.

    Returns
    -------
    datetime.date or None
        ``None`` for a blank cell.

    Raises
    ------
    ParseError
        If the value is not a date in one of these forms, or is no real date
        (``2024-02-30``).
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        stamp = pd.Timestamp(value)
        return dt.date(stamp.year, stamp.month, stamp.day)
    hint = "write YYYY-MM-DD (e.g. 2024-03-15) or DD/MM/YYYY"
    if not isinstance(value, str):
        raise ParseError(f"date {value!r} is not a date; {hint}")
    text = " ".join(value.casefold().split())
    month: int | None
    match = _ISO_DATE_RE.fullmatch(text) or _DMY_DATE_RE.fullmatch(text)
    if match is not None:
        month = int(match["m"])
    else:
        match = _NAMED_DATE_RE.fullmatch(text)
        if match is None:
            raise ParseError(f"date {value!r} is not understood; {hint}")
        month = _MONTHS.get(match["m"])
        if month is None:
            raise ParseError(f"date {value!r} has an unknown month {match['m']!r}; {hint}")
    try:
        return dt.date(int(match["y"]), month, int(match["d"]))
    except ValueError:
        raise ParseError(f"date {value!r} is not a real calendar date; {hint}") from None
