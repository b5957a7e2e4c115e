"""A labelled registry with planted duplicates, for tests and the duplicate benchmark.

:func:`plant_duplicates` draws distinct businesses (or Imers) whose names are
deliberately alike — Indonesian business names reuse a few dozen words
(``Berkah``, ``Jaya``, ``Makmur``, ``Sumber`` …), so many distinct businesses
share most of their name, and some share all of it in another town — and then
adds duplicate records of some of them the way a second survey, the online
form or an event sign-up would write them: legal form moved, dropped or
changed, honorifics and the owner's name added or left out, words abbreviated
(``Smbr``, ``Sej.``) or in the old spelling (``Soember Djaja``), typos, words
swapped, the phone written another way (``0812-…``, ``+62 812 …``,
``62812…``) or missing, the e-mail missing, the city changed or missing, the
revenue reported differently (log-normal noise, sd 0.35: two reports of one
business differ by up to a factor two) or not at all.
The true entity of every record is known, so pairwise precision and recall can
be measured. Nothing here is real: phone numbers are random and e-mail
addresses use reserved example domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from matchmaker import reference
from matchmaker.errors import ValidationError
from matchmaker.schema import IMER_COLUMNS, SUPPLIER_COLUMNS

__all__ = ["PlantedRegistry", "plant_duplicates"]

_COMMON = (
    "Berkah", "Jaya", "Makmur", "Sumber", "Rejeki", "Abadi", "Sentosa", "Mandiri", "Maju",
    "Bersama", "Sejahtera", "Lestari", "Indah", "Karya", "Mitra", "Putra", "Putri",
    "Barokah", "Mulia", "Utama", "Sukses", "Sinar", "Cahaya", "Harapan", "Baru", "Tunggal",
    "Agung", "Amanah", "Anugerah", "Sakti", "Gemilang", "Bintang", "Surya", "Mekar", "Lancar",
    "Rahayu", "Kencana", "Permata", "Murni", "Sehati", "Kurnia", "Insani", "Perkasa", "Tama",
)  # fmt: skip
#: Rarer words that make a name distinctive (places, nature, virtues, brands).
_DISTINCT = (
    "Nusantara", "Priangan", "Mataram", "Parahyangan", "Borneo", "Samudra", "Pelangi",
    "Melati", "Kenanga", "Anggrek", "Cendana", "Merapi", "Bromo", "Rinjani", "Toba",
    "Singgalang", "Mahakam", "Kapuas", "Musi", "Citarum", "Bengawan", "Garuda", "Rajawali",
    "Merpati", "Kasuari", "Cempaka", "Teratai", "Kirana", "Arunika", "Swastika", "Pertiwi",
    "Wijaya", "Kartika", "Mentari", "Purnama", "Bahari", "Nirwana", "Dirgantara", "Sriwijaya",
    "Majapahit", "Pajajaran", "Galuh", "Kahuripan", "Kediri", "Tidore", "Ternate", "Sentani",
    "Lembayung", "Senja", "Fajar", "Embun", "Tirta", "Wangi", "Harum", "Kemuning", "Flamboyan",
    "Srikandi", "Pandawa", "Arjuna", "Bima", "Gatotkaca", "Semar", "Kresna", "Larasati",
)  # fmt: skip
_TRADE = {
    "fashion_muslim": ("Hijab", "Gamis", "Mukena", "Busana"),
    "fashion": ("Batik", "Konveksi", "Tenun", "Butik", "Kaos", "Songket"),
    "shoes_bags": ("Sepatu", "Tas", "Kulit", "Sandal"),
    "beauty": ("Kosmetik", "Salon", "Skincare"),
    "health": ("Herbal", "Sehat", "Vita"),
    "herbal": ("Jamu", "Madu", "Rempah"),
    "food": ("Keripik", "Kue", "Sambal", "Roti", "Dodol", "Bakpia", "Kerupuk", "Abon"),
    "beverages": ("Kopi", "Teh", "Sirup", "Wedang"),
    "frozen_food": ("Frozen", "Dimsum", "Pempek", "Nugget"),
    "mother_baby": ("Baby", "Bunda"),
    "toys_kids": ("Mainan", "Edukasi"),
    "home_living": ("Dekorasi", "Sprei", "Gorden"),
    "kitchen": ("Perabot", "Gerabah", "Panci"),
    "electronics": ("Elektronik", "Teknik", "Servis"),
    "phone_accessories": ("Aksesoris", "Gadget", "Cellular"),
    "automotive": ("Motor", "Variasi", "Bengkel"),
    "sports_outdoor": ("Sport", "Jersey", "Outdoor"),
    "handicraft": ("Kerajinan", "Anyaman", "Ukir", "Rotan", "Bambu"),
    "furniture": ("Mebel", "Furnitur", "Jati"),
    "agriculture": ("Tani", "Kebun", "Agro", "Bibit"),
    "pet_supplies": ("Pet", "Aquarium"),
    "stationery": ("Percetakan", "Sablon", "Kertas"),
}
_TRADE_WORDS = frozenset(w for words in _TRADE.values() for w in words)
_MALE = (
    "Ahmad", "Budi", "Slamet", "Agus", "Wahyu", "Darto", "Joko", "Bambang", "Hendra", "Rudi",
    "Yusuf", "Hasan", "Ridwan", "Sutrisno", "Supriyadi", "Mulyono", "Haryanto", "Suparman",
    "Darmawan", "Gunawan", "Iskandar", "Syamsul", "Zainal", "Rahmat", "Taufik", "Imam",
    "Sugeng", "Parjo", "Kasno", "Tarno", "Sukirman", "Waluyo", "Nyoman", "Wayan", "Ketut",
    "Made", "Ujang", "Asep", "Dadang", "Cecep", "Daeng", "Andi", "Baso", "Lukman", "Irfan",
)  # fmt: skip
_FEMALE = (
    "Siti", "Sri", "Dewi", "Yati", "Sumarni", "Ratna", "Wulan", "Aminah", "Fatimah", "Nurhayati",
    "Kartini", "Suryani", "Rohana", "Rukmini", "Endang", "Tuti", "Yuli", "Lestiani", "Mariam",
    "Halimah", "Nining", "Euis", "Neneng", "Imas", "Komang", "Ayu", "Rina", "Marlina", "Sulastri",
)  # fmt: skip
_FAMILY = (
    "Saputra", "Santoso", "Pratama", "Hidayat", "Kurniawan", "Setiawan", "Nugroho", "Siregar",
    "Nasution", "Harahap", "Simanjuntak", "Lubis", "Hakim", "Gunadi", "Halim", "Tanjung",
    "Manurung", "Sinaga", "Purba", "Wibowo", "Susilo", "Prasetyo", "Hutapea", "Pane", "Daulay",
)  # fmt: skip
_BRAND = ("Shop", "Store", "Official", "Collection", "Mart", "Gallery")
_LEGAL = ("CV", "UD", "PT", "Toko", "Koperasi", "KUD")
_HONORIFIC_M = ("Bpk.", "Pak", "Bapak", "H.", "Mas")
_HONORIFIC_F = ("Ibu", "Bu", "Hj.", "Mbak", "Ny.")
_CITIES = {
    "Jawa Barat": (
        "Bandung", "Bekasi", "Bogor", "Depok", "Cimahi", "Tasikmalaya", "Cirebon", "Sukabumi",
        "Garut", "Karawang", "Purwakarta", "Subang", "Sumedang", "Ciamis", "Kuningan",
    ),
    "Jawa Tengah": (
        "Semarang", "Surakarta", "Pekalongan", "Tegal", "Magelang", "Salatiga", "Kudus",
        "Jepara", "Klaten", "Sukoharjo", "Boyolali", "Banyumas", "Cilacap", "Pati", "Demak",
    ),
    "Jawa Timur": (
        "Surabaya", "Malang", "Sidoarjo", "Gresik", "Kediri", "Blitar", "Madiun", "Jember",
        "Banyuwangi", "Pasuruan", "Probolinggo", "Mojokerto", "Tulungagung", "Lamongan", "Tuban",
    ),
    "DKI Jakarta": (
        "Jakarta Selatan", "Jakarta Timur", "Jakarta Barat", "Jakarta Utara", "Jakarta Pusat",
    ),
    "Banten": ("Tangerang", "Tangerang Selatan", "Serang", "Cilegon", "Pandeglang", "Lebak"),
    "DI Yogyakarta": ("Yogyakarta", "Sleman", "Bantul", "Kulon Progo", "Gunungkidul"),
    "Bali": ("Denpasar", "Badung", "Gianyar", "Tabanan", "Buleleng", "Klungkung"),
    "Sumatera Utara": ("Medan", "Binjai", "Pematangsiantar", "Deli Serdang", "Tebing Tinggi"),
    "Sumatera Barat": ("Padang", "Bukittinggi", "Payakumbuh", "Solok", "Agam"),
    "Sulawesi Selatan": ("Makassar", "Parepare", "Palopo", "Gowa", "Maros", "Bone"),
    "Lampung": ("Bandar Lampung", "Metro", "Lampung Selatan", "Pringsewu"),
    "Sumatera Selatan": ("Palembang", "Prabumulih", "Lubuklinggau", "Ogan Ilir"),
    "Riau": ("Pekanbaru", "Dumai", "Kampar", "Siak"),
    "Kalimantan Timur": ("Samarinda", "Balikpapan", "Bontang", "Kutai Kartanegara"),
    "Kalimantan Selatan": ("Banjarmasin", "Banjarbaru", "Banjar", "Tanah Laut"),
    "Kalimantan Barat": ("Pontianak", "Singkawang", "Kubu Raya", "Sambas"),
    "Nusa Tenggara Barat": ("Mataram", "Lombok Barat", "Lombok Timur", "Bima", "Sumbawa"),
}  # fmt: skip
#: Rough share of UMKM by province (Java-heavy), for drawing provinces.
_PROVINCE_WEIGHT = {
    "Jawa Barat": 18.0, "Jawa Tengah": 15.0, "Jawa Timur": 16.0, "DKI Jakarta": 5.0,
    "Banten": 4.5, "DI Yogyakarta": 2.5, "Bali": 2.0, "Sumatera Utara": 5.0,
    "Sumatera Barat": 2.2, "Sulawesi Selatan": 3.2, "Lampung": 2.8, "Sumatera Selatan": 2.8,
    "Riau": 2.0, "Kalimantan Timur": 1.3, "Kalimantan Selatan": 1.4, "Kalimantan Barat": 1.5,
    "Nusa Tenggara Barat": 1.8,
}  # fmt: skip
_PHONE_PREFIX = ("811", "812", "813", "821", "822", "852", "853", "857", "877", "878", "895", "896")
_DOMAINS = ("example.com", "example.co.id", "example.net", "example.org")
_OLD_SPELLING = {
    "Sumber": "Soember", "Jaya": "Djaja", "Rejeki": "Rezeki", "Sejahtera": "Sejahtra",
    "Sentosa": "Sentausa", "Putra": "Putera", "Mulia": "Mulya", "Jati": "Djati",
}  # fmt: skip


@dataclass(frozen=True)
class PlantedRegistry:
    """A registry with known duplicates.

    Attributes
    ----------
    frame:
        Canonical suppliers (``SUPPLIER_COLUMNS``) or Imers (``IMER_COLUMNS``) frame.
    contacts:
        ``kind``, ``profile_id``, ``phone``, ``email`` as written (many formats).
    truth:
        ``id``, ``entity_id`` (records of one entity are duplicates of each
        other), ``copy`` (0 for the first record of an entity),
        ``variations`` (``;``-separated tags of what was changed),
        ``twin_of`` (the entity whose name this distinct entity borrowed, or
        -1) and ``phone_from`` (the entity whose phone it shares, or -1).
    """

    frame: pd.DataFrame
    contacts: pd.DataFrame
    truth: pd.DataFrame

    def true_pairs(self) -> set[tuple[str, str]]:
        """Every pair ``(id_a, id_b)`` with ``id_a < id_b`` of the same entity."""
        pairs: set[tuple[str, str]] = set()
        for _, group in self.truth.groupby("entity_id", sort=False):
            ids = sorted(group["id"])
            pairs.update(combinations(ids, 2))
        return pairs


@dataclass
class _Entity:
    legal: str | None
    legal_suffix: bool
    core: list[str]
    person: tuple[str, str] | None  # (honorific, name)
    female: bool
    province: str
    city: str
    categories: list[str]
    phone: str | None
    email: str | None
    scale: float = 0.5  # position of its revenue on a log scale, 0 … 1


class _Generator:
    def __init__(self, rng: np.random.Generator, kind: str) -> None:
        self.rng = rng
        self.kind = kind
        provinces = list(reference.PROVINCE_NAMES)
        weights = np.asarray([_PROVINCE_WEIGHT.get(p, 0.4) for p in provinces])
        self.provinces = provinces
        self.p_weights = weights / weights.sum()
        self.used_phones: set[str] = set()

    # ------------------------------------------------------------------ drawing
    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return options[int(self.rng.integers(len(options)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def cities(self, province: str) -> tuple[str, ...]:
        capital = reference.province(province).capital
        return _CITIES.get(province, (capital, f"{capital} Utara", f"{capital} Selatan"))

    def new_phone(self) -> str:
        while True:
            digits = "".join(
                str(d) for d in self.rng.integers(0, 10, size=int(self.rng.integers(7, 9)))
            )
            phone = self.pick(_PHONE_PREFIX) + digits
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def person(self, female: bool) -> tuple[str, str]:
        if female:
            return self.pick(_HONORIFIC_F), self.pick(_FEMALE)
        return self.pick(_HONORIFIC_M), self.pick(_MALE)

    # ----------------------------------------------------------------- entities
    def entity(self) -> _Entity:
        rng = self.rng
        province = self.provinces[int(rng.choice(len(self.provinces), p=self.p_weights))]
        cities = self.cities(province)
        city = cities[min(int(rng.geometric(0.3)) - 1, len(cities) - 1)]
        slugs = list(reference.CATEGORY_SLUGS)
        first = self.pick(slugs)
        categories = [first] + ([self.pick(slugs)] if self.chance(0.3) else [])
        categories = sorted(set(categories))
        female = self.chance(0.5)
        trade = self.pick(_TRADE[first])
        legal: str | None = None
        person: tuple[str, str] | None = None
        if self.kind == "imer":
            form = rng.random()
            given = self.pick(_FEMALE if female else _MALE)
            if form < 0.5:
                core = [given, self.pick(_FAMILY)]
            elif form < 0.75:
                core = [given, self.pick(_BRAND)]
            else:
                core = [trade, "by", given]
        else:
            form = rng.random()
            if form < 0.35:  # CV Berkah Jaya: two common words, the most collision-prone
                core = [self.pick(_COMMON), self.pick(_COMMON)]
            elif form < 0.55:  # Keripik Sumber Rejeki
                core = [trade, self.pick(_COMMON), self.pick(_COMMON)]
            elif form < 0.75:  # Berkah Jaya Bu Yati
                core = [self.pick(_COMMON), self.pick(_COMMON)]
                person = self.person(female)
            elif form < 0.88:  # Kopi Pak Darto
                core = [trade]
                person = self.person(female)
            else:  # Sinar Nusantara / Batik Merapi Abadi
                core = [self.pick(_COMMON), self.pick(_DISTINCT)]
                if self.chance(0.4):
                    core.insert(0, trade)
            while len(core) > 1 and core[-1] == core[-2]:
                core[-1] = self.pick(_COMMON)
            legal = self.pick(_LEGAL) if self.chance(0.6) else None
        phone = self.new_phone() if self.chance(0.92) else None
        email = None
        if self.chance(0.45):
            local = "".join(core[:2]).lower() + str(int(rng.integers(1, 999)))
            email = f"{local}@{self.pick(_DOMAINS)}"
        return _Entity(legal, self.chance(0.1), core, person, female, province, city, categories,
                       phone, email, float(rng.random()))  # fmt: skip

    def sibling(self, base: _Entity) -> _Entity:
        """A different business with a name like ``base``'s (same words, one changed)."""
        other = self.entity()
        core = list(base.core)
        action = self.rng.random()
        person = base.person
        generic = all(w in _COMMON or w in _TRADE_WORDS for w in core) and person is None
        if action < 0.3 and generic:
            pass  # the very same generic name ("Berkah Jaya"), another business
        elif action < 0.55 and person is not None:
            person = self.person(other.female)
        elif action < 0.8:
            k = int(self.rng.integers(len(core)))
            core[k] = self.pick(_COMMON)
        else:
            core.append(self.pick(_COMMON + _DISTINCT))
        other.core = core
        other.person = person
        other.legal = base.legal if self.chance(0.5) else other.legal
        if self.chance(0.6):
            other.province = base.province
            cities = self.cities(base.province)
            other.city = base.city if self.chance(0.5) else self.pick(cities)
        if self.chance(0.5):
            other.categories = list(base.categories)
        return other

    # ---------------------------------------------------------------- rendering
    def typo(self, word: str) -> str:
        if len(word) < 4:
            return word
        i = int(self.rng.integers(1, len(word)))
        op = self.rng.random()
        letters = "abcdefghijklmnoprstuwy"
        if op < 0.3:
            return word[:i] + word[i + 1 :]
        if op < 0.55:
            return word[:i] + self.pick(list(letters)) + word[i:]
        if op < 0.8:
            return word[:i] + self.pick(list(letters)) + word[i + 1 :]
        if i < len(word) - 1:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        return word[:i]

    def abbreviate(self, word: str) -> str:
        if len(word) < 5:
            return word
        if self.chance(0.5):
            skeleton = word[0] + "".join(c for c in word[1:] if c.lower() not in "aeiou")
            return skeleton if len(skeleton) >= 3 else word
        return word[: int(self.rng.integers(3, min(5, len(word) - 1) + 1))] + "."

    def render_name(self, e: _Entity, vary: bool, tags: list[str]) -> str:
        core = list(e.core)
        legal = e.legal
        suffix = e.legal_suffix
        person = e.person
        if vary:
            r = self.rng.random()
            if legal is not None and r < 0.25:
                legal = None
                tags.append("legal_dropped")
            elif legal is not None and r < 0.45:
                suffix = not suffix
                tags.append("legal_moved")
            elif r < 0.6:
                legal = self.pick(_LEGAL)
                tags.append("legal_changed")
            if person is not None and self.chance(0.2):
                person = None
                tags.append("owner_dropped")
            elif person is not None and self.chance(0.3):
                person = (self.pick(_HONORIFIC_F if e.female else _HONORIFIC_M), person[1])
                tags.append("honorific_changed")
            elif person is None and self.kind == "supplier" and self.chance(0.1):
                person = self.person(e.female)
                tags.append("owner_added")
            if self.chance(0.12):
                k = int(self.rng.integers(len(core)))
                abbreviated = self.abbreviate(core[k])
                if abbreviated != core[k]:
                    core[k] = abbreviated
                    tags.append("abbreviation")
            if self.chance(0.08):
                olds = [k for k, w in enumerate(core) if w in _OLD_SPELLING]
                if olds:
                    k = olds[int(self.rng.integers(len(olds)))]
                    core[k] = _OLD_SPELLING[core[k]]
                    tags.append("spelling")
            n_typos = int(self.rng.choice(3, p=[0.68, 0.27, 0.05]))
            for _ in range(n_typos):
                k = int(self.rng.integers(len(core)))
                core[k] = self.typo(core[k])
            if n_typos:
                tags.append(f"typo{n_typos}")
            if len(core) > 1 and self.chance(0.06):
                k = int(self.rng.integers(len(core) - 1))
                core[k], core[k + 1] = core[k + 1], core[k]
                tags.append("word_order")
        words = list(core)
        if person is not None:
            words += [person[0], person[1]]
        text = " ".join(words)
        if legal is not None:
            form = legal + (
                "." if vary and self.chance(0.3) and legal in ("CV", "UD", "PT") else ""
            )
            text = f"{text}, {form}" if suffix else f"{form} {text}"
        if vary:
            case = self.rng.random()
            if case < 0.2:
                text = text.upper()
            elif case < 0.3:
                text = text.lower()
        return text

    def render_phone(self, phone: str) -> str:
        fmt = int(self.rng.integers(6))
        a, b, c = phone[:3], phone[3:7], phone[7:]
        return (
            f"0{a}-{b}-{c}",
            f"+62 {a} {b} {c}",
            f"62{phone}",
            f"0{phone}",
            f"(0{a}) {b}{c}",
            f"+62{phone}",
        )[fmt]

    def render_city(self, city: str) -> str:
        r = self.rng.random()
        if r < 0.15:
            return f"Kota {city}"
        if r < 0.25:
            return f"Kab. {city}"
        if r < 0.32:
            return city.upper()
        return city


def _sizes(rng: np.random.Generator, n_records: int, duplicate_share: float) -> list[int]:
    sizes: list[int] = []
    total = 0
    while total < n_records:
        size = 1
        if rng.random() < duplicate_share:
            size = int(rng.choice([2, 3, 4], p=[0.75, 0.2, 0.05]))
        size = min(size, n_records - total)
        sizes.append(size)
        total += size
    return sizes


def plant_duplicates(
    n_records: int,
    *,
    kind: str = "supplier",
    duplicate_share: float = 0.15,
    similar_share: float = 0.3,
    shared_phone_share: float = 0.005,
    seed: int = 0,
) -> PlantedRegistry:
    """Draw a registry of distinct, similarly named businesses with planted duplicates.

    Parameters
    ----------
    n_records:
        Number of records (originals and duplicates).
    kind:
        ``supplier`` or ``imer``.
    duplicate_share:
        Share of entities that have more than one record (2 to 4).
    similar_share:
        Share of entities whose name is taken from an earlier entity with at
        most one word changed (distinct businesses with look-alike names,
        often in the same province or city).
    shared_phone_share:
        Share of entities that use another entity's phone number (family
        businesses): distinct businesses that do share a phone.
    seed:
        Random seed; the same seed gives the same registry.

    Returns
    -------
    PlantedRegistry

    Raises
    ------
    ValidationError
        If ``kind`` is unknown or a share is outside ``[0, 1]``.
    """
    if kind not in ("supplier", "imer"):
        raise ValidationError(f"kind must be 'supplier' or 'imer', got {kind!r}")
    for label, share in (("duplicate_share", duplicate_share), ("similar_share", similar_share),
                         ("shared_phone_share", shared_phone_share)):  # fmt: skip
        if not 0.0 <= share <= 1.0:
            raise ValidationError(f"{label} must be in [0, 1], got {share}")
    rng = np.random.default_rng(seed)
    gen = _Generator(rng, kind)
    sizes = _sizes(rng, n_records, duplicate_share)
    entities: list[_Entity] = []
    twin_of: list[int] = []
    phone_from: list[int] = []
    for _ in sizes:
        base = -1
        if entities and rng.random() < similar_share:
            base = int(rng.integers(len(entities)))
            e = gen.sibling(entities[base])
        else:
            e = gen.entity()
        donor = -1
        if entities and rng.random() < shared_phone_share:
            pick = int(rng.integers(len(entities)))
            if entities[pick].phone is not None:
                e.phone = entities[pick].phone
                donor = pick
        entities.append(e)
        twin_of.append(base)
        phone_from.append(donor)

    width = max(6, len(str(n_records)))
    prefix = "S" if kind == "supplier" else "I"
    order = rng.permutation(n_records)
    ids = [f"{prefix}{k + 1:0{width}d}" for k in order]
    rows: list[dict[str, object]] = []
    contacts: list[dict[str, object]] = []
    truth: list[dict[str, object]] = []
    k = 0
    for ent_id, (e, size) in enumerate(zip(entities, sizes, strict=True)):
        for copy in range(size):
            tags: list[str] = []
            vary = copy > 0
            name = gen.render_name(e, vary, tags)
            province = e.province
            city: str | None = e.city
            categories = list(e.categories)
            phone = e.phone
            email = e.email
            if vary:
                r = rng.random()
                if r < 0.1:
                    others = [c for c in gen.cities(province) if c != e.city]
                    if others:
                        city = gen.pick(others)
                        tags.append("city_changed")
                elif r < 0.18:
                    city = None
                    tags.append("city_missing")
                r = rng.random()
                if phone is not None and r < 0.1:
                    phone = None
                    tags.append("phone_missing")
                elif phone is not None and r < 0.14:
                    phone = gen.new_phone()
                    tags.append("phone_changed")
                elif phone is not None and r < 0.17:
                    i = int(rng.integers(3, len(phone)))
                    phone = phone[:i] + str((int(phone[i]) + 1) % 10) + phone[i + 1 :]
                    tags.append("phone_typo")
                elif phone is None and r < 0.5:
                    phone = gen.new_phone()
                    tags.append("phone_new")
                if email is not None and rng.random() < 0.4:
                    email = None
                    tags.append("email_missing")
                r = rng.random()
                slugs = list(reference.CATEGORY_SLUGS)
                if r < 0.12:
                    categories = sorted(set(categories) | {gen.pick(slugs)})
                    tags.append("category_added")
                elif r < 0.17:
                    categories = [gen.pick(slugs)]
                    tags.append("category_changed")
            shown_city = None if city is None else gen.render_city(city) if vary else city
            rid = ids[k]
            k += 1
            revenue_shown = rng.random() >= 0.12  # an optional field: often left empty
            shown_scale = e.scale if revenue_shown else None
            rows.append(
                _profile_row(kind, rid, name, province, shown_city, categories, shown_scale, rng)
            )
            contacts.append(
                {
                    "kind": kind,
                    "profile_id": rid,
                    "phone": None if phone is None else gen.render_phone(phone),
                    "email": None
                    if email is None
                    else (email.upper() if vary and gen.chance(0.2) else email),
                }
            )
            truth.append(
                {
                    "id": rid,
                    "entity_id": ent_id,
                    "copy": copy,
                    "variations": ";".join(tags),
                    "twin_of": twin_of[ent_id],
                    "phone_from": phone_from[ent_id],
                }
            )
    columns = SUPPLIER_COLUMNS if kind == "supplier" else IMER_COLUMNS
    frame = pd.DataFrame(rows, columns=list(columns))
    key = columns[0]
    frame = frame.sort_values(key, kind="stable").reset_index(drop=True)
    contact_frame = pd.DataFrame(contacts, columns=["kind", "profile_id", "phone", "email"])
    contact_frame = contact_frame.sort_values("profile_id", kind="stable").reset_index(drop=True)
    truth_frame = pd.DataFrame(truth).sort_values("id", kind="stable").reset_index(drop=True)
    return PlantedRegistry(frame=frame, contacts=contact_frame, truth=truth_frame)


def _profile_row(
    kind: str,
    rid: str,
    name: str,
    province: str,
    city: str | None,
    categories: list[str],
    scale: float | None,
    rng: np.random.Generator,
) -> dict[str, object]:
    """One profile row; revenue is the entity's as reported (log-normal, sd 0.35), or missing."""
    noise = float(np.exp(rng.normal(0.0, 0.35)))
    if kind == "supplier":
        revenue = (
            float("nan") if scale is None else float(np.round(10 ** (7.5 + 3 * scale) * noise, -5))
        )
        return {
            "supplier_id": rid,
            "name": name,
            "province": province,
            "city": city,
            "categories": categories,
            "products": "",
            "annual_revenue_idr": revenue,
            "umkm_class": None if scale is None else reference.umkm_class_for_revenue(revenue),
            "monthly_capacity_units": float(rng.integers(10, 5000)),
            "min_order_qty": int(rng.integers(1, 50)),
            "unit_price_idr": float(rng.integers(5, 500) * 1000),
            "dropship": bool(rng.random() < 0.4),
            "certifications": [],
            "ships_to": [province],
        }
    revenue = (
        float("nan") if scale is None else float(np.round(10 ** (6.5 + 3 * scale) * noise, -5))
    )
    return {
        "imer_id": rid,
        "name": name,
        "province": province,
        "city": city,
        "monthly_revenue_idr": revenue,
        "stage": "hit_and_runner" if scale is None else reference.stage_for_revenue(revenue),
        "categories": categories,
        "products": "",
        "channels": ["instagram"],
        "target_provinces": [province],
        "monthly_ad_budget_idr": float("nan"),
        "monthly_orders": float("nan"),
        "needs_dropship": bool(rng.random() < 0.5),
        "required_certifications": [],
    }
