"""Seeded generator of realistic synthetic Indonesian registries with a hidden partnership signal.

:func:`generate_registry` draws supplier (UMKM) and Imer profiles that look like what
SMESCO staff, the registration form and field surveys hand the engine, then simulates
several years of partnership history month by month: Imers join, search noisily,
propose; suppliers accept or decline (the reciprocal side); partnerships run and end,
with outcomes (units sold a month, rating) driven by a hidden utility. That utility is
the sum of an *observable* part (computed only from what the profile files show:
categories, products, reach, dropship, certifications, MOQ, capacity, price level) and a
*latent* part the files never show (supplier quality, Imer skill, a low-rank pairwise
taste). The latent variables are returned in :attr:`SyntheticRegistry.truth` for
evaluation and are never written next to the sample data.

The same seed always gives the same registry; ``messy=True`` only changes how the
values are written (province abbreviations, category synonyms, ``Rp 1.500.000``,
``ya``/``tidak`` ...), never the values themselves.

Examples
--------
>>> reg = generate_registry(n_suppliers=200, n_imers=60, seed=1)
>>> len(reg.suppliers), len(reg.imers), len(reg.partnerships)
(200, 60, 600)
>>> reg.partnerships.columns.tolist()
['supplier_id', 'imer_id', 'status', 'started_at', 'ended_at', 'monthly_units', 'rating']
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matchmaker import reference
from matchmaker.errors import NotFoundError, ValidationError

__all__ = [
    "IMER_FILE_COLUMNS",
    "PARTNERSHIP_FILE_COLUMNS",
    "SUPPLIER_FILE_COLUMNS",
    "SyntheticRegistry",
    "generate_registry",
    "true_utility",
    "write_registry",
]

logger = logging.getLogger(__name__)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

IntArr = npt.NDArray[np.int64]
FloatArr = npt.NDArray[np.float64]
BoolArr = npt.NDArray[np.bool_]
DateArr = npt.NDArray[np.datetime64]

#: Column order of ``suppliers.csv`` (the contract's input file).
SUPPLIER_FILE_COLUMNS: tuple[str, ...] = (
    "supplier_id",
    "name",
    "province",
    "city",
    "categories",
    "products",
    "annual_revenue_idr",
    "monthly_capacity_units",
    "min_order_qty",
    "unit_price_idr",
    "dropship",
    "certifications",
    "ships_to",
    "phone",
    "email",
)

#: Column order of ``imers.csv``.
IMER_FILE_COLUMNS: tuple[str, ...] = (
    "imer_id",
    "name",
    "province",
    "city",
    "monthly_revenue_idr",
    "stage",
    "categories",
    "products",
    "channels",
    "target_provinces",
    "monthly_ad_budget_idr",
    "monthly_orders",
    "needs_dropship",
    "required_certifications",
    "phone",
    "email",
)

#: Column order of ``partnerships.csv``.
PARTNERSHIP_FILE_COLUMNS: tuple[str, ...] = (
    "supplier_id",
    "imer_id",
    "status",
    "started_at",
    "ended_at",
    "monthly_units",
    "rating",
)

# ---------------------------------------------------------------------------
# Modelling assumptions (documented in data/README.md). These are weights of the
# generator, not reference facts: the facts come from ``matchmaker.reference``.
# ---------------------------------------------------------------------------

#: Population in millions (2020 census, rounded; the 2022 Papua split apportioned).
_POPULATION_M: dict[str, float] = {
    "Aceh": 5.3,
    "Sumatera Utara": 14.8,
    "Sumatera Barat": 5.5,
    "Riau": 6.4,
    "Kepulauan Riau": 2.1,
    "Jambi": 3.5,
    "Sumatera Selatan": 8.5,
    "Kepulauan Bangka Belitung": 1.5,
    "Bengkulu": 2.0,
    "Lampung": 9.0,
    "DKI Jakarta": 10.6,
    "Jawa Barat": 48.3,
    "Banten": 11.9,
    "Jawa Tengah": 36.5,
    "DI Yogyakarta": 3.7,
    "Jawa Timur": 40.7,
    "Bali": 4.3,
    "Nusa Tenggara Barat": 5.3,
    "Nusa Tenggara Timur": 5.3,
    "Kalimantan Barat": 5.4,
    "Kalimantan Tengah": 2.7,
    "Kalimantan Selatan": 4.1,
    "Kalimantan Timur": 3.8,
    "Kalimantan Utara": 0.7,
    "Sulawesi Utara": 2.6,
    "Gorontalo": 1.2,
    "Sulawesi Tengah": 3.0,
    "Sulawesi Barat": 1.4,
    "Sulawesi Selatan": 9.1,
    "Sulawesi Tenggara": 2.6,
    "Maluku": 1.8,
    "Maluku Utara": 1.3,
    "Papua": 1.0,
    "Papua Barat": 0.55,
    "Papua Barat Daya": 0.6,
    "Papua Tengah": 1.4,
    "Papua Pegunungan": 1.4,
    "Papua Selatan": 0.5,
}

#: Online-commerce activity per head relative to population, by island group, with
#: province overrides (Jakarta, Yogyakarta and Bali are over-represented online).
_ACTIVITY_BY_GROUP: dict[str, float] = {
    "Jawa": 1.3,
    "Sumatera": 0.8,
    "Bali & Nusa Tenggara": 0.7,
    "Kalimantan": 0.75,
    "Sulawesi": 0.75,
    "Maluku": 0.5,
    "Papua": 0.45,
}
_ACTIVITY_OVERRIDE: dict[str, float] = {"DKI Jakarta": 2.0, "DI Yogyakarta": 1.8, "Bali": 1.4}
#: Imers are even more urban than producers.
_IMER_URBAN_BOOST: dict[str, float] = {"DKI Jakarta": 1.6, "Banten": 1.2, "Jawa Barat": 1.1}

#: Kota / kabupaten per province (first ones more likely).
_CITIES: dict[str, tuple[str, ...]] = {
    "Aceh": ("Banda Aceh", "Lhokseumawe", "Kab. Aceh Besar"),
    "Sumatera Utara": ("Medan", "Binjai", "Pematangsiantar", "Kab. Deli Serdang"),
    "Sumatera Barat": ("Padang", "Bukittinggi", "Payakumbuh"),
    "Riau": ("Pekanbaru", "Dumai", "Kab. Kampar"),
    "Kepulauan Riau": ("Batam", "Tanjung Pinang"),
    "Jambi": ("Jambi", "Kab. Muaro Jambi"),
    "Sumatera Selatan": ("Palembang", "Prabumulih", "Lubuklinggau"),
    "Kepulauan Bangka Belitung": ("Pangkal Pinang", "Kab. Belitung"),
    "Bengkulu": ("Bengkulu", "Kab. Rejang Lebong"),
    "Lampung": ("Bandar Lampung", "Metro", "Kab. Lampung Selatan"),
    "DKI Jakarta": (
        "Jakarta Selatan",
        "Jakarta Timur",
        "Jakarta Barat",
        "Jakarta Utara",
        "Jakarta Pusat",
    ),
    "Jawa Barat": (
        "Bandung",
        "Bekasi",
        "Bogor",
        "Depok",
        "Cimahi",
        "Tasikmalaya",
        "Cirebon",
        "Kab. Garut",
        "Sukabumi",
    ),
    "Banten": ("Tangerang", "Tangerang Selatan", "Serang", "Cilegon"),
    "Jawa Tengah": (
        "Semarang",
        "Surakarta",
        "Pekalongan",
        "Kab. Jepara",
        "Kab. Klaten",
        "Kudus",
        "Magelang",
        "Kab. Temanggung",
    ),
    "DI Yogyakarta": ("Yogyakarta", "Kab. Sleman", "Kab. Bantul", "Kab. Gunungkidul"),
    "Jawa Timur": (
        "Surabaya",
        "Malang",
        "Sidoarjo",
        "Kediri",
        "Kab. Gresik",
        "Kab. Jember",
        "Kab. Banyuwangi",
        "Madiun",
    ),
    "Bali": ("Denpasar", "Kab. Gianyar", "Kab. Badung", "Kab. Tabanan"),
    "Nusa Tenggara Barat": ("Mataram", "Kab. Lombok Tengah", "Bima"),
    "Nusa Tenggara Timur": ("Kupang", "Kab. Sikka", "Kab. Manggarai Barat"),
    "Kalimantan Barat": ("Pontianak", "Singkawang"),
    "Kalimantan Tengah": ("Palangka Raya", "Kab. Kotawaringin Timur"),
    "Kalimantan Selatan": ("Banjarmasin", "Banjarbaru"),
    "Kalimantan Timur": ("Samarinda", "Balikpapan", "Bontang"),
    "Kalimantan Utara": ("Tarakan", "Kab. Bulungan"),
    "Sulawesi Utara": ("Manado", "Bitung", "Tomohon"),
    "Gorontalo": ("Gorontalo", "Kab. Bone Bolango"),
    "Sulawesi Tengah": ("Palu", "Kab. Poso"),
    "Sulawesi Barat": ("Mamuju", "Kab. Polewali Mandar"),
    "Sulawesi Selatan": ("Makassar", "Parepare", "Palopo", "Kab. Gowa"),
    "Sulawesi Tenggara": ("Kendari", "Baubau"),
    "Maluku": ("Ambon", "Tual"),
    "Maluku Utara": ("Ternate", "Tidore Kepulauan"),
    "Papua": ("Jayapura", "Kab. Keerom"),
    "Papua Barat": ("Manokwari", "Kab. Fakfak"),
    "Papua Barat Daya": ("Sorong", "Kab. Raja Ampat"),
    "Papua Tengah": ("Nabire", "Kab. Mimika"),
    "Papua Pegunungan": ("Wamena", "Kab. Jayawijaya"),
    "Papua Selatan": ("Merauke", "Kab. Boven Digoel"),
}

#: Relative frequency of each category as a supplier's / an Imer's primary category.
_CATEGORY_WEIGHT: dict[str, tuple[float, float]] = {
    #                    supplier, imer
    "fashion_muslim": (12.0, 13.0),
    "fashion": (14.0, 13.0),
    "shoes_bags": (5.0, 5.0),
    "beauty": (10.0, 13.0),
    "health": (4.0, 4.5),
    "herbal": (4.0, 3.5),
    "food": (16.0, 12.0),
    "beverages": (5.0, 4.0),
    "frozen_food": (4.0, 3.0),
    "mother_baby": (3.0, 4.0),
    "toys_kids": (2.5, 3.0),
    "home_living": (5.0, 5.0),
    "kitchen": (3.0, 3.5),
    "electronics": (1.5, 2.0),
    "phone_accessories": (2.5, 4.0),
    "automotive": (1.5, 1.5),
    "sports_outdoor": (2.0, 2.0),
    "handicraft": (4.0, 2.0),
    "furniture": (2.0, 1.2),
    "agriculture": (1.5, 0.8),
    "pet_supplies": (1.0, 1.0),
    "stationery": (1.0, 1.0),
}

#: Where production clusters: multiplier of a category's weight in a province.
_CATEGORY_PROVINCE_AFFINITY: dict[str, dict[str, float]] = {
    "furniture": {"Jawa Tengah": 4.0, "Jawa Timur": 1.5, "DI Yogyakarta": 1.5},
    "handicraft": {
        "DI Yogyakarta": 3.0,
        "Bali": 3.0,
        "Jawa Tengah": 1.5,
        "Nusa Tenggara Barat": 2.0,
    },
    "fashion_muslim": {"Jawa Barat": 1.5, "Jawa Timur": 1.3, "Aceh": 1.5, "Sumatera Barat": 1.4},
    "fashion": {"Jawa Barat": 1.4, "Jawa Tengah": 1.2, "DKI Jakarta": 1.2},
    "electronics": {"DKI Jakarta": 2.0, "Banten": 2.0, "Kepulauan Riau": 3.0},
    "phone_accessories": {"DKI Jakarta": 2.0, "Banten": 1.5, "Kepulauan Riau": 2.0},
    "agriculture": {"_outside_java": 3.0},
    "beverages": {"_outside_java": 1.3},
    "herbal": {"Jawa Tengah": 1.5, "Jawa Timur": 1.3},
}

#: Wholesale unit price medians in IDR by category (lognormal around it, sigma 0.5).
_PRICE_MEDIAN_IDR: dict[str, float] = {
    "fashion_muslim": 85_000,
    "fashion": 55_000,
    "shoes_bags": 95_000,
    "beauty": 35_000,
    "health": 45_000,
    "herbal": 25_000,
    "food": 15_000,
    "beverages": 20_000,
    "frozen_food": 30_000,
    "mother_baby": 45_000,
    "toys_kids": 40_000,
    "home_living": 60_000,
    "kitchen": 50_000,
    "electronics": 120_000,
    "phone_accessories": 20_000,
    "automotive": 70_000,
    "sports_outdoor": 90_000,
    "handicraft": 75_000,
    "furniture": 1_200_000,
    "agriculture": 30_000,
    "pet_supplies": 30_000,
    "stationery": 12_000,
}

#: Product types per category: (Indonesian phrases, English phrases). The first word
#: of each group names the product type; profiles sharing a type share a phrase head.
_PRODUCT_TYPES: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "fashion_muslim": (
        (
            ("gamis syari katun", "gamis rayon motif bunga", "gamis brokat pesta", "gamis polos"),
            ("syari cotton dress", "plain gamis dress"),
        ),
        (
            ("hijab segi empat voal", "hijab pashmina ceruti", "hijab bergo instan jersey"),
            ("voile square hijab", "instant hijab"),
        ),
        (
            ("mukena katun jepang", "mukena bali rayon", "mukena travel parasut"),
            ("prayer mukena set",),
        ),
        (("baju koko pria", "baju koko kurta", "sarung tenun pria"), ("men's koko shirt",)),
        (("tunik muslimah", "tunik rayon", "outer kimono muslimah"), ("muslimah tunic",)),
    ),
    "fashion": (
        (
            ("kaos polos cotton combed 30s", "kaos sablon distro", "kaos oversize"),
            ("plain cotton t-shirt", "oversized t-shirt"),
        ),
        (("kemeja flanel pria", "kemeja batik pria", "kemeja kerja wanita"), ("batik shirt",)),
        (("celana jeans", "celana chino", "celana kulot"), ("denim jeans", "chino pants")),
        (("batik tulis", "batik cap", "kain batik"), ("hand-drawn batik",)),
        (("daster rayon", "daster busui", "piyama katun"), ("rayon house dress", "cotton pajamas")),
    ),
    "shoes_bags": (
        (("sepatu sneakers", "sepatu kulit pria", "sepatu anak"), ("sneakers", "leather shoes")),
        (("sandal jepit", "sandal wanita", "sandal selop"), ("flip flops",)),
        (
            ("tas ransel", "tas selempang wanita", "tas tote kanvas"),
            ("backpack", "canvas tote bag"),
        ),
        (("dompet kulit", "dompet wanita"), ("leather wallet",)),
    ),
    "beauty": (
        (
            ("serum wajah niacinamide", "serum wajah vitamin c", "serum wajah retinol"),
            ("niacinamide face serum", "vitamin c face serum"),
        ),
        (("sunscreen spf 50", "sunscreen gel", "sunscreen wajah"), ("sunscreen spf 50",)),
        (("lipstik matte", "lipstik nude", "lip tint"), ("matte lipstick", "lip tint")),
        (("sabun wajah", "sabun herbal", "sabun cair"), ("natural soap",)),
        (("body lotion", "body scrub", "body mist"), ("body lotion",)),
    ),
    "health": (
        (
            ("suplemen vitamin c", "suplemen daya tahan tubuh", "suplemen zinc"),
            ("vitamin supplement",),
        ),
        (("masker medis 3 ply", "masker kain", "masker duckbill"), ("medical face mask",)),
        (("minyak ikan omega 3", "minyak ikan anak"), ("fish oil",)),
        (("susu protein whey", "susu kambing etawa"), ("whey protein",)),
    ),
    "herbal": (
        (("jamu kunyit asam", "jamu beras kencur", "jamu temulawak"), ("traditional jamu drink",)),
        (("jahe merah bubuk", "jahe merah instan"), ("red ginger powder",)),
        (("minyak kayu putih", "minyak telon", "minyak urut herbal"), ("eucalyptus oil",)),
        (("madu hutan", "madu klanceng", "madu murni"), ("raw forest honey",)),
    ),
    "food": (
        (
            (
                "keripik singkong pedas",
                "keripik singkong balado",
                "keripik pisang",
                "keripik tempe",
            ),
            ("spicy cassava chips", "banana chips"),
        ),
        (("kue kering nastar", "kue kering kastengel", "kue bolu"), ("pineapple tart cookies",)),
        (("sambal bawang", "sambal cumi", "sambal roa"), ("chili sambal",)),
        (("makaroni pedas", "basreng pedas", "seblak instan"), ("spicy macaroni snack",)),
        (("abon sapi", "rendang kering", "dendeng balado"), ("beef floss",)),
        (("kacang bawang", "rempeyek kacang", "kacang mete"), ("roasted peanuts",)),
    ),
    "beverages": (
        (
            ("kopi bubuk robusta", "kopi arabika gayo", "kopi susu literan"),
            ("arabica coffee beans",),
        ),
        (("teh tarik sachet", "teh hijau", "teh rosella"), ("green tea",)),
        (("minuman serbuk jahe", "minuman serbuk coklat"), ("ginger drink powder",)),
        (("sirup markisa", "sirup jeruk"), ("passion fruit syrup",)),
    ),
    "frozen_food": (
        (("dimsum ayam", "dimsum udang", "siomay ikan"), ("chicken dim sum",)),
        (("nugget ayam", "nugget sayur"), ("chicken nuggets",)),
        (("bakso sapi frozen", "bakso ikan"), ("frozen beef meatballs",)),
        (("pempek frozen", "pempek kapal selam"), ("frozen pempek fish cake",)),
        (("risoles frozen", "cireng isi frozen"), ("frozen spring rolls",)),
    ),
    "mother_baby": (
        (("popok kain bayi", "clodi bayi"), ("cloth diapers",)),
        (("baju bayi baru lahir", "bedong bayi", "jumper bayi"), ("newborn baby clothes",)),
        (("gendongan bayi", "gendongan hipseat"), ("baby carrier",)),
        (("bubur mpasi organik", "biskuit bayi"), ("organic baby food",)),
    ),
    "toys_kids": (
        (
            ("mainan edukasi kayu", "mainan puzzle anak", "mainan balok"),
            ("wooden educational toys",),
        ),
        (("baju anak", "setelan anak", "kostum anak"), ("kids clothing",)),
        (("boneka rajut", "boneka karakter"), ("plush dolls",)),
    ),
    "home_living": (
        (("hiasan dinding", "hiasan meja", "lampu hias"), ("wall decor",)),
        (("sprei katun", "sprei motif", "bed cover"), ("cotton bed sheets",)),
        (("gorden jendela", "gorden blackout"), ("window curtains",)),
        (("rak serbaguna", "rak sepatu", "kotak penyimpanan"), ("storage rack",)),
        (("keset kaki", "karpet lantai"), ("door mat",)),
    ),
    "kitchen": (
        (("panci stainless", "wajan anti lengket", "panci presto"), ("non-stick frying pan",)),
        (("toples kaca", "kotak bekal", "botol kaca"), ("glass jar", "lunch box")),
        (("talenan kayu", "sendok kayu", "spatula kayu"), ("wooden cutting board",)),
        (("cobek batu", "ulekan batu"), ("stone mortar",)),
    ),
    "electronics": (
        (("lampu led", "lampu emergency", "senter led"), ("led bulb",)),
        (("speaker bluetooth", "speaker aktif"), ("bluetooth speaker",)),
        (("stop kontak", "kabel roll"), ("extension cord",)),
        (("kipas angin mini", "kipas angin portable"), ("mini fan",)),
    ),
    "phone_accessories": (
        (("casing hp", "casing hp custom", "softcase hp"), ("phone case", "custom phone case")),
        (("kabel data type c", "charger fast charging"), ("usb-c cable", "fast charger")),
        (("tempered glass", "anti gores hp"), ("screen protector",)),
        (("holder hp", "tongsis", "ring holder hp"), ("phone holder",)),
    ),
    "automotive": (
        (("aksesoris motor", "spion motor", "jok motor"), ("motorcycle accessories",)),
        (("shampo mobil", "cairan pembersih mobil", "wax mobil"), ("car shampoo",)),
        (("cover motor", "cover mobil"), ("motorcycle cover",)),
        (("helm motor", "helm retro"), ("helmet",)),
    ),
    "sports_outdoor": (
        (("jersey futsal", "jersey sepeda", "kaos olahraga"), ("football jersey",)),
        (("matras yoga", "matras olahraga"), ("yoga mat",)),
        (("raket badminton", "shuttlecock"), ("badminton racket",)),
        (("tenda camping", "tas gunung", "jaket outdoor"), ("camping tent", "hiking backpack")),
    ),
    "handicraft": (
        (("tas anyaman rotan", "keranjang bambu", "tikar pandan"), ("rattan bag", "bamboo basket")),
        (("ukiran kayu jati", "patung kayu", "topeng kayu"), ("teak wood carving",)),
        (("kain tenun ikat", "kain songket", "kain ulos"), ("ikat woven fabric",)),
        (("souvenir pernikahan", "gantungan kunci", "miniatur kayu"), ("wedding souvenirs",)),
    ),
    "furniture": (
        (("meja makan jati", "meja lipat", "meja kerja minimalis"), ("teak dining table",)),
        (("kursi rotan", "kursi teras", "sofa minimalis"), ("rattan chair", "minimalist sofa")),
        (("lemari pakaian", "lemari jati", "bufet tv"), ("wardrobe",)),
        (("rak buku kayu", "rak dinding"), ("wooden bookshelf",)),
    ),
    "agriculture": (
        (("benih sayuran", "bibit cabai", "bibit buah"), ("vegetable seeds",)),
        (("pupuk organik", "pupuk kompos", "media tanam"), ("organic fertilizer",)),
        (("beras organik", "beras merah"), ("organic rice",)),
        (("gula aren", "gula semut"), ("palm sugar",)),
        (("biji kopi green bean", "biji kakao fermentasi"), ("green coffee beans",)),
    ),
    "pet_supplies": (
        (("makanan kucing", "makanan anjing", "pakan ikan"), ("cat food",)),
        (("pasir kucing", "pasir kucing gumpal"), ("cat litter",)),
        (("kandang kucing", "kalung kucing", "tempat makan hewan"), ("pet cage",)),
    ),
    "stationery": (
        (("buku tulis", "notebook custom", "planner"), ("custom notebook", "planner")),
        (("pulpen gel", "pensil warna", "spidol"), ("gel pen",)),
        (("stiker custom", "undangan pernikahan", "kartu nama"), ("custom stickers",)),
        (("kemasan custom", "box kemasan", "standing pouch"), ("custom packaging",)),
    ),
}

#: A word that names a producer of the category, used in business names.
_TRADE_WORD: dict[str, tuple[str, ...]] = {
    "fashion_muslim": ("Hijab", "Gamis", "Busana Muslim", "Mukena"),
    "fashion": ("Konveksi", "Batik", "Butik", "Kaos"),
    "shoes_bags": ("Sepatu", "Tas", "Kulit"),
    "beauty": ("Kosmetik", "Skincare", "Natural"),
    "health": ("Sehat", "Apotek", "Vita"),
    "herbal": ("Jamu", "Herbal", "Madu"),
    "food": ("Keripik", "Kue", "Sambal", "Dapur", "Camilan"),
    "beverages": ("Kopi", "Teh", "Minuman"),
    "frozen_food": ("Frozen", "Dimsum", "Pempek"),
    "mother_baby": ("Baby", "Bunda", "Si Kecil"),
    "toys_kids": ("Mainan", "Kids"),
    "home_living": ("Dekor", "Rumah", "Sprei"),
    "kitchen": ("Dapur", "Perabot"),
    "electronics": ("Elektronik", "Teknik"),
    "phone_accessories": ("Aksesoris", "Gadget", "Cell"),
    "automotive": ("Motor", "Variasi", "Otomotif"),
    "sports_outdoor": ("Sport", "Outdoor", "Jersey"),
    "handicraft": ("Kerajinan", "Anyaman", "Ukir", "Craft"),
    "furniture": ("Mebel", "Furniture", "Jati"),
    "agriculture": ("Tani", "Kebun", "Agro"),
    "pet_supplies": ("Pet", "Anabul"),
    "stationery": ("Percetakan", "Stationery", "Kertas"),
}

_BUSINESS_WORDS: tuple[str, ...] = (
    "Sumber", "Berkah", "Maju", "Sinar", "Karya", "Cahaya", "Mitra", "Jaya", "Mulia",
    "Abadi", "Sejahtera", "Makmur", "Sentosa", "Barokah", "Amanah", "Lestari", "Indah",
    "Putra", "Mandiri", "Bersama", "Rejeki", "Utama", "Agung", "Harapan", "Baru",
    "Gemilang", "Nusantara", "Sakti", "Tunggal", "Anugerah", "Sukses", "Bintang", "Mekar",
    "Sari", "Lancar", "Rahayu", "Kencana", "Permata", "Surya", "Budi",
)  # fmt: skip
_FEMALE_NAMES: tuple[str, ...] = (
    "Siti", "Sri", "Dewi", "Rina", "Ani", "Wulan", "Fitri", "Nur", "Indah", "Putri",
    "Ayu", "Ratna", "Yuni", "Dian", "Rini", "Maya", "Nia", "Tika", "Intan", "Mega",
    "Eka", "Lina", "Novi", "Wati", "Laras", "Anisa", "Nadia", "Salsa", "Citra", "Yanti",
)  # fmt: skip
_MALE_NAMES: tuple[str, ...] = (
    "Budi", "Agus", "Andi", "Eko", "Joko", "Dedi", "Hendra", "Rudi", "Bambang", "Slamet",
    "Darto", "Yusuf", "Rizky", "Fajar", "Arif", "Hadi", "Wahyu", "Dimas", "Bayu", "Iwan",
    "Teguh", "Rahmat", "Ilham", "Fikri", "Gilang", "Aditya", "Reza", "Bagus", "Taufik", "Yoga",
)  # fmt: skip
#: Second names usable for anyone (family and clan names) ...
_FAMILY_NAMES: tuple[str, ...] = (
    "Wijaya", "Santoso", "Hidayat", "Kurniawan", "Setiawan", "Nugroho", "Siregar",
    "Nasution", "Harahap", "Simanjuntak", "Lubis", "Hakim", "Gunawan", "Halim", "Tanjung",
    "Manurung", "Sinaga", "Purba", "Fauzi", "Hasibuan",
)  # fmt: skip
#: ... and gendered second names.
_FEMALE_SECOND: tuple[str, ...] = (
    "Wulandari", "Lestari", "Susanti", "Rahmawati", "Permatasari", "Utami", "Maharani",
    "Puspita", "Anggraini", "Safitri",
)  # fmt: skip
_MALE_SECOND: tuple[str, ...] = (
    "Saputra", "Pratama", "Syahputra", "Putra", "Prasetyo", "Firmansyah", "Ramadhan",
    "Hermawan", "Susilo", "Wibowo",
)  # fmt: skip
_BRAND_SUFFIX: tuple[str, ...] = ("Shop", "Store", "Official", "Collection", "Id", "Mart")
_PHONE_PREFIX: tuple[str, ...] = (
    "811", "812", "813", "821", "822", "852", "853", "857", "856", "877", "878",
    "895", "896", "897", "898", "838", "831", "881", "882",
)  # fmt: skip
#: Reserved example domains (RFC 2606): contacts are synthetic, never real mailboxes.
_EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.net", "example.org", "example.co.id")

#: UMKM class mix of suppliers (by class rank order in ``reference.UMKM_CLASSES``).
_UMKM_MIX: tuple[float, ...] = (0.70, 0.21, 0.07, 0.02)
#: Open ends of the UMKM class bands (IDR a year): floor of mikro, ceiling of besar.
_UMKM_FLOOR_IDR = 60_000_000
_UMKM_CEILING_IDR = 400_000_000_000
#: Stage mix of Imers (by rank order in ``reference.STAGES``).
_STAGE_MIX: tuple[float, ...] = (0.55, 0.25, 0.12, 0.06, 0.02)
_STAGE_FLOOR_IDR = 3_000_000
_STAGE_CEILING_IDR = 100_000_000_000

#: Dropship offered, by UMKM class.
_DROPSHIP_BY_CLASS: tuple[float, ...] = (0.46, 0.30, 0.15, 0.07)
#: Needs dropship (holds no stock), by stage.
_NEEDS_DROPSHIP_BY_STAGE: tuple[float, ...] = (0.65, 0.40, 0.15, 0.06, 0.03)
#: Base MOQ in units by class (scaled down for expensive products).
_MOQ_BASE_BY_CLASS: tuple[float, ...] = (8.0, 40.0, 150.0, 600.0)
_NICE_QUANTITIES: tuple[int, ...] = (
    1, 2, 3, 5, 6, 10, 12, 20, 24, 25, 30, 36, 50, 60, 100, 120, 144, 200, 250, 300,
    500, 1000, 2000, 5000,
)  # fmt: skip
#: Unit price multiplier by class (larger producers are slightly cheaper per unit).
_PRICE_BY_CLASS: tuple[float, ...] = (1.1, 1.0, 0.9, 0.85)
#: Active partnerships a supplier handles comfortably, by class.
_PARTNER_CAP_BY_CLASS: tuple[float, ...] = (4.0, 10.0, 25.0, 60.0)
#: Probability of holding a regulatory certification when a category needs one.
_COMPLIANT_BY_CLASS: tuple[float, ...] = (0.78, 0.88, 0.95, 0.98)
_HALAL_BY_CLASS: tuple[float, ...] = (0.45, 0.6, 0.75, 0.85)
#: SNI is mandatory or customary for some non-food goods.
_SNI_RATE: dict[str, float] = {
    "toys_kids": 0.5,
    "electronics": 0.45,
    "kitchen": 0.2,
    "automotive": 0.35,
    "sports_outdoor": 0.1,
    "home_living": 0.05,
}
#: Channel use probability by stage (columns follow ``reference.CHANNELS``).
_CHANNEL_RATES: dict[str, tuple[float, ...]] = {
    # channel: (hit_and_runner, survivor, pioneer, rising, challenger)
    "facebook_ads": (0.40, 0.60, 0.70, 0.80, 0.85),
    "google_ads": (0.05, 0.20, 0.40, 0.60, 0.80),
    "seo": (0.03, 0.10, 0.30, 0.50, 0.70),
    "tiktok": (0.50, 0.55, 0.60, 0.60, 0.70),
    "instagram": (0.45, 0.60, 0.70, 0.70, 0.70),
    "whatsapp": (0.80, 0.70, 0.60, 0.50, 0.40),
    "marketplace": (0.70, 0.75, 0.70, 0.60, 0.60),
    "email": (0.02, 0.05, 0.15, 0.30, 0.50),
}
#: Search intensity (proposals per active month, relative) and mean active lifetime
#: in months, by stage.
_SEARCH_INTENSITY_BY_STAGE: tuple[float, ...] = (1.0, 1.3, 1.6, 2.0, 2.4)
_LIFETIME_MONTHS_BY_STAGE: tuple[float, ...] = (14.0, 22.0, 30.0, 36.0, 40.0)
#: Preference for price level (times log price relative to the category median).
_PRICE_PREFERENCE_BY_STAGE: tuple[float, ...] = (-0.35, -0.15, 0.05, 0.1, 0.1)
#: Dimension of the latent pairwise taste.
_TASTE_DIM = 4
#: Partnership rows per Imer when ``n_partnerships`` is not given.
_ROWS_PER_IMER = 10
#: Candidate suppliers an Imer looks at per proposal.
_POOL_SIZE = 24
#: Centre and scale of the total utility among proposed pairs (fixed constants of the
#: outcome model, so a pair's outcome does not depend on the rest of the sample).
_U_CENTER = 1.6
_U_SCALE = 1.2
#: Intercept of the supplier's acceptance model (sets the decline rate near 25-30%).
_ACCEPT_INTERCEPT = 0.5

# Variants for messy output: only forms the contract guarantees to resolve.
_PROVINCE_VARIANTS: dict[str, tuple[str, ...]] = {
    "Jawa Timur": ("Jatim", "jatim", "East Java"),
    "DKI Jakarta": ("DKI", "Jakarta"),
    "DI Yogyakarta": ("DIY",),
}
_CATEGORY_VARIANTS: dict[str, tuple[str, ...]] = {
    "beauty": ("kosmetik", "skincare"),
    "food": ("camilan",),
    "fashion_muslim": ("hijab", "gamis"),
}
_NATIONWIDE_VARIANTS: tuple[str, ...] = ("nasional", "seluruh indonesia", "all")
_BOOL_VARIANTS: tuple[tuple[str, str], ...] = (
    ("true", "false"),
    ("ya", "tidak"),
    ("yes", "no"),
    ("y", "n"),
    ("1", "0"),
)
_BOOL_VARIANT_WEIGHTS: tuple[float, ...] = (0.3, 0.35, 0.15, 0.1, 0.1)


# ---------------------------------------------------------------------------
# Public result
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticRegistry:
    """A generated registry: the three contract files as raw frames plus hidden truth.

    Attributes
    ----------
    suppliers, imers, partnerships:
        Frames with the contract's columns (:data:`SUPPLIER_FILE_COLUMNS`,
        :data:`IMER_FILE_COLUMNS`, :data:`PARTNERSHIP_FILE_COLUMNS`); every cell is a
        string exactly as it would appear in the CSV (``""`` when empty).
    truth:
        Hidden variables for evaluation, never part of the engine's input:

        ``"suppliers"``
            one row per supplier: ``supplier_id``, ``quality``, ``visibility``,
            ``joined_at``, the true profile values (also where the file leaves the
            cell blank) and the encoded traits the utility uses (bit masks over
            ``reference.CATEGORY_SLUGS`` / ``PROVINCE_NAMES`` / ``CERTIFICATIONS``,
            product types, ``taste_0..``).
        ``"imers"``
            one row per Imer: ``imer_id``, ``skill``, ``joined_at``, ``churned_at``,
            true stage and volumes, encoded traits, ``taste_0..``.
        ``"pairs"``
            one row per generated pair (same order as ``partnerships``):
            ``utility`` = ``utility_observable`` + ``utility_latent``,
            ``accept_probability``, ``proposed_at``, ``decided_at``.
    """

    suppliers: pd.DataFrame
    imers: pd.DataFrame
    partnerships: pd.DataFrame
    truth: dict[str, pd.DataFrame]


# ---------------------------------------------------------------------------
# Reference tables as arrays
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    """Reference facts as arrays, in contract order."""

    provinces: tuple[str, ...]
    island: IntArr  # (P,) island-group index
    distance: FloatArr  # (P, P) km
    categories: tuple[str, ...]
    labels: tuple[str, ...]
    related: tuple[tuple[int, ...], ...]
    related_mask: IntArr  # (C,) bit mask of related categories
    regulated_any: IntArr  # (C,) bit mask of certifications of which any one suffices
    halal_relevant: BoolArr  # (C,)
    certifications: tuple[str, ...]
    channels: tuple[str, ...]
    stages: tuple[str, ...]
    stage_bounds: FloatArr  # (S, 2) [low, high)
    classes: tuple[str, ...]
    class_bounds: FloatArr  # (K, 2) (low, high]
    price_median: FloatArr  # (C,)
    pt_offset: IntArr  # (C,) first product type of each category
    pt_count: IntArr  # (C,)
    pt_category: IntArr  # (T,)
    phrases: tuple[str, ...]  # all phrases, Indonesian then English per type
    phrase_offset: IntArr  # (T, 2) first phrase per language
    phrase_count: IntArr  # (T, 2)


def _bit(n: int) -> int:
    return 1 << n


def _build_ref() -> _Ref:
    provinces = reference.PROVINCE_NAMES
    groups = reference.ISLAND_GROUPS
    island = np.array([groups.index(p.island_group) for p in reference.PROVINCES], dtype=np.int64)
    distance = np.asarray(reference.province_distance_matrix(), dtype=np.float64)
    slugs = reference.CATEGORY_SLUGS
    cat_pos = {s: i for i, s in enumerate(slugs)}
    cert_pos = {c: i for i, c in enumerate(reference.CERTIFICATIONS)}
    related: list[tuple[int, ...]] = []
    for c in reference.CATEGORIES:
        others = {cat_pos[r] for r in c.related}
        # the relation is symmetric; honour it even if the data lists one side only
        others |= {j for j, o in enumerate(reference.CATEGORIES) if c.slug in o.related}
        others.discard(cat_pos[c.slug])
        related.append(tuple(sorted(others)))
    related_mask = np.array([sum(_bit(j) for j in r) for r in related], dtype=np.int64)
    regulated = np.array(
        [
            sum(_bit(cert_pos[x]) for x in c.required_certifications_any)
            for c in reference.CATEGORIES
        ],
        dtype=np.int64,
    )
    halal = np.array([c.halal_relevant for c in reference.CATEGORIES], dtype=np.bool_)
    stage_bounds = np.array(
        [
            [
                max(float(s.min_revenue_idr), float(_STAGE_FLOOR_IDR)),
                float(s.max_revenue_idr) if s.max_revenue_idr is not None else _STAGE_CEILING_IDR,
            ]
            for s in reference.STAGES
        ],
        dtype=np.float64,
    )
    class_bounds = np.array(
        [
            [
                float(u.min_exclusive_idr) if u.min_exclusive_idr is not None else _UMKM_FLOOR_IDR,
                float(u.max_inclusive_idr)
                if u.max_inclusive_idr is not None
                else _UMKM_CEILING_IDR,
            ]
            for u in reference.UMKM_CLASSES
        ],
        dtype=np.float64,
    )
    missing = set(slugs) ^ set(_PRODUCT_TYPES)
    if missing or set(provinces) ^ set(_POPULATION_M) or set(provinces) ^ set(_CITIES):
        raise ValidationError(
            "synthetic generator weights are out of step with matchmaker.reference: "
            f"categories {sorted(missing)}; update matchmaker/synthetic.py"
        )
    pt_offset: list[int] = []
    pt_count: list[int] = []
    pt_category: list[int] = []
    phrases: list[str] = []
    phrase_offset: list[list[int]] = []
    phrase_count: list[list[int]] = []
    for ci, slug in enumerate(slugs):
        types = _PRODUCT_TYPES[slug]
        pt_offset.append(len(pt_category))
        pt_count.append(len(types))
        for id_phrases, en_phrases in types:
            pt_category.append(ci)
            offsets, counts = [], []
            for group in (id_phrases, en_phrases):
                offsets.append(len(phrases))
                counts.append(len(group))
                phrases.extend(group)
            phrase_offset.append(offsets)
            phrase_count.append(counts)
    return _Ref(
        provinces=provinces,
        island=island,
        distance=distance,
        categories=slugs,
        labels=tuple(c.label for c in reference.CATEGORIES),
        related=tuple(related),
        related_mask=related_mask,
        regulated_any=regulated,
        halal_relevant=halal,
        certifications=reference.CERTIFICATIONS,
        channels=reference.CHANNELS,
        stages=reference.STAGE_SLUGS,
        stage_bounds=stage_bounds,
        classes=reference.UMKM_CLASS_SLUGS,
        class_bounds=class_bounds,
        price_median=np.array([_PRICE_MEDIAN_IDR[s] for s in slugs], dtype=np.float64),
        pt_offset=np.array(pt_offset, dtype=np.int64),
        pt_count=np.array(pt_count, dtype=np.int64),
        pt_category=np.array(pt_category, dtype=np.int64),
        phrases=tuple(phrases),
        phrase_offset=np.array(phrase_offset, dtype=np.int64),
        phrase_count=np.array(phrase_count, dtype=np.int64),
    )


_REF_CACHE: list[_Ref] = []


def _ref() -> _Ref:
    if not _REF_CACHE:
        _REF_CACHE.append(_build_ref())
    return _REF_CACHE[0]


# ---------------------------------------------------------------------------
# Traits: what the utility reads (shared by the simulation and true_utility)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _SupplierTraits:
    category_mask: IntArr
    related_category_mask: IntArr  # categories related to one of its own (derived)
    compliant_category_mask: IntArr  # categories whose certification need is met (derived)
    primary_category: IntArr
    product_type_0: IntArr
    product_type_1: IntArr
    product_type_2: IntArr
    province_index: IntArr
    ships_to_mask: IntArr
    dropship: BoolArr
    certification_mask: IntArr
    min_order_qty: FloatArr
    monthly_capacity_units: FloatArr
    unit_price_idr: FloatArr
    umkm_rank: IntArr
    quality: FloatArr
    taste: FloatArr  # (n, _TASTE_DIM)


@dataclass(frozen=True)
class _ImerTraits:
    category_mask: IntArr
    primary_category: IntArr
    product_type_0: IntArr
    product_type_1: IntArr
    product_type_2: IntArr
    province_index: IntArr
    target_mask: IntArr
    needs_dropship: BoolArr
    required_mask: IntArr
    monthly_orders: FloatArr
    stage_rank: IntArr
    skill: FloatArr
    taste: FloatArr


def _traits_frame(traits: _SupplierTraits | _ImerTraits) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(traits):
        value = getattr(traits, f.name)
        if f.name == "taste":
            for d in range(value.shape[1]):
                out[f"taste_{d}"] = value[:, d]
        else:
            out[f.name] = value
    return out


def _traits_from_frame(frame: pd.DataFrame, kind: type[Any]) -> Any:
    values: dict[str, Any] = {}
    for f in fields(kind):
        if f.name == "taste":
            cols = [f"taste_{d}" for d in range(_TASTE_DIM)]
            values["taste"] = frame[cols].to_numpy(dtype=np.float64)
        else:
            values[f.name] = frame[f.name].to_numpy()
    return kind(**values)


def _product_types(t: _SupplierTraits | _ImerTraits, idx: IntArr) -> IntArr:
    return np.stack([t.product_type_0[idx], t.product_type_1[idx], t.product_type_2[idx]], axis=1)


def _observable_utility(sup: _SupplierTraits, imr: _ImerTraits, s: IntArr, i: IntArr) -> FloatArr:
    """Utility of pairs from profile facts only (what the engine can see)."""
    ref = _ref()
    cs = sup.category_mask[s]
    ci = imr.category_mask[i]
    shared = np.bitwise_count(cs & ci).astype(np.float64)
    related = (sup.related_category_mask[s] & ci) != 0
    same_primary = sup.primary_category[s] == imr.primary_category[i]
    u = np.where(shared > 0, 1.2 + 0.3 * (shared - 1.0), np.where(related, 0.3, -1.5))
    u = u + 0.5 * same_primary
    ps = _product_types(sup, s)
    pi = _product_types(imr, i)
    hits = ((ps[:, :, None] == pi[:, None, :]) & (ps[:, :, None] >= 0)).any(axis=2).sum(axis=1)
    u = u + 0.45 * np.minimum(hits, 2)
    target = imr.target_mask[i]
    cover = np.bitwise_count(sup.ships_to_mask[s] & target) / np.maximum(
        np.bitwise_count(target), 1
    )
    u = u + 0.8 * (cover - 1.0)
    u = u - 0.25 * ref.distance[sup.province_index[s], imr.province_index[i]] / 1000.0
    need = imr.needs_dropship[i]
    u = u + np.where(need, np.where(sup.dropship[s], 0.5, -1.2), 0.0)
    missing = np.bitwise_count(imr.required_mask[i] & ~sup.certification_mask[s])
    u = u - 0.9 * missing
    noncompliant = (cs & ci & ~sup.compliant_category_mask[s]) != 0
    u = u - 0.7 * noncompliant
    orders = imr.monthly_orders[i]
    u = u - 0.6 * np.maximum(0.0, np.log(sup.min_order_qty[s] / (0.5 * orders)))
    u = u - 0.5 * np.maximum(0.0, np.log(0.4 * orders / sup.monthly_capacity_units[s]))
    price_rel = np.log(sup.unit_price_idr[s] / ref.price_median[sup.primary_category[s]])
    pref = np.asarray(_PRICE_PREFERENCE_BY_STAGE, dtype=np.float64)[imr.stage_rank[i]]
    u = u + pref * price_rel
    result: FloatArr = u.astype(np.float64)
    return result


def _related_of(category_mask: IntArr) -> IntArr:
    """Union of the related categories of each mask's categories."""
    ref = _ref()
    out = np.zeros_like(category_mask)
    for c, rel in enumerate(ref.related_mask):
        out |= np.where((category_mask >> c) & 1 == 1, rel, 0)
    return out


def _compliant_of(category_mask: IntArr, certification_mask: IntArr) -> IntArr:
    """Categories (bit mask) whose regulatory certification need is met (or absent)."""
    ref = _ref()
    out = np.zeros_like(category_mask)
    for c, need in enumerate(ref.regulated_any):
        ok = (need == 0) | ((certification_mask & need) != 0)
        out |= np.where(ok, _bit(c), 0)
    return out


def _latent_utility(sup: _SupplierTraits, imr: _ImerTraits, s: IntArr, i: IntArr) -> FloatArr:
    """Utility from what no file shows: quality, skill, pairwise taste."""
    taste = np.einsum("nd,nd->n", sup.taste[s], imr.taste[i]) / math.sqrt(_TASTE_DIM)
    result: FloatArr = 0.6 * sup.quality[s] + 0.3 * imr.skill[i] + 0.5 * taste
    return result


# ---------------------------------------------------------------------------
# Small vectorised helpers
# ---------------------------------------------------------------------------


def _sigmoid(x: FloatArr) -> FloatArr:
    result: FloatArr = 1.0 / (1.0 + np.exp(-x))
    return result


def _draw_rows(rng: np.random.Generator, weights: FloatArr) -> IntArr:
    """One categorical draw per row of a ``(n, k)`` weight matrix."""
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random((len(weights), 1))
    result: IntArr = np.minimum((u > cdf).sum(axis=1), weights.shape[1] - 1).astype(np.int64)
    return result


def _round_sig(values: FloatArr, digits: int = 2, mode: str = "nearest") -> FloatArr:
    """Round positive values to ``digits`` significant figures (floor, ceil or nearest)."""
    v = np.maximum(values, 1.0)
    scale = 10.0 ** (np.floor(np.log10(v)) - (digits - 1))
    q = v / scale
    if mode == "floor":
        q = np.floor(q + 1e-9)
    elif mode == "ceil":
        q = np.ceil(q - 1e-9)
    else:
        q = np.round(q)
    result: FloatArr = q * scale
    return np.round(result)


def _log_uniform(rng: np.random.Generator, low: FloatArr, high: FloatArr) -> FloatArr:
    result: FloatArr = np.exp(rng.uniform(np.log(low), np.log(high)))
    return result


def _snap(values: FloatArr, grid: Sequence[int]) -> FloatArr:
    """Snap positive values to the nearest grid value in log space."""
    g = np.log(np.asarray(grid, dtype=np.float64))
    mid = (g[1:] + g[:-1]) / 2.0
    pos = np.searchsorted(mid, np.log(np.maximum(values, 1.0)))
    result: FloatArr = np.asarray(grid, dtype=np.float64)[pos]
    return result


def _ensure_coverage(rng: np.random.Generator, values: IntArr, k: int) -> IntArr:
    """Reassign a few rows of the most common value so that every value 0..k-1 occurs."""
    out = values.copy()
    if len(out) < k * 2:
        return out
    for value in np.setdiff1d(np.arange(k), out).tolist():
        donors = np.flatnonzero(out == np.bincount(out, minlength=k).argmax())
        out[donors[int(rng.integers(len(donors)))]] = value
    return out


def _contains(sorted_keys: IntArr, query: IntArr) -> BoolArr:
    """Membership of ``query`` values in a sorted array (binary search)."""
    if sorted_keys.size == 0:
        return np.zeros(query.shape, dtype=np.bool_)
    pos = np.minimum(np.searchsorted(sorted_keys, query), sorted_keys.size - 1)
    result: BoolArr = sorted_keys[pos] == query
    return result


def _first_occurrences(values: IntArr) -> IntArr:
    """Positions of the first occurrence of each distinct value, in original order."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(len(values), dtype=np.bool_)
    first[1:] = ordered[1:] != ordered[:-1]
    return np.sort(order[first])


def _padded(table: Sequence[Sequence[int]]) -> tuple[IntArr, IntArr]:
    """A ragged table as a ``-1``-padded matrix and row lengths."""
    width = max(1, max(len(r) for r in table))
    out = np.full((len(table), width), -1, dtype=np.int64)
    for i, row in enumerate(table):
        out[i, : len(row)] = row
    return out, np.array([len(r) for r in table], dtype=np.int64)


def _mask_of(columns: IntArr) -> IntArr:
    """Bit mask of the non-negative entries of each row."""
    out = np.zeros(len(columns), dtype=np.int64)
    for j in range(columns.shape[1]):
        col = columns[:, j]
        out |= np.where(col >= 0, np.left_shift(1, np.maximum(col, 0)), 0)
    return out


@dataclass(frozen=True)
class _Calendar:
    """Month grid between ``start`` and ``end`` (inclusive)."""

    lo: DateArr  # first day of each month (``start`` for the first)
    hi: DateArr  # last day of each month (``end`` for the last)
    end: np.datetime64

    @property
    def months(self) -> int:
        return len(self.lo)

    def day_in(self, rng: np.random.Generator, month: IntArr) -> DateArr:
        span = (self.hi[month] - self.lo[month]).astype(np.int64) + 1
        offset = np.floor(rng.random(len(month)) * span).astype(np.int64)
        result: DateArr = self.lo[month] + offset.astype("timedelta64[D]")
        return result


def _calendar(start: date, end: date) -> _Calendar:
    if end < start:
        raise ValidationError(f"end ({end}) is before start ({start}); give end >= start")
    first = np.datetime64(start, "M")
    last = np.datetime64(end, "M")
    months = np.arange(first, last + 1)
    lo = months.astype("datetime64[D]")
    hi: DateArr = (months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")  # type: ignore[assignment]
    lo[0] = np.datetime64(start, "D")
    hi[-1] = np.datetime64(end, "D")
    return _Calendar(lo=lo, hi=hi, end=np.datetime64(end, "D"))


def _month_weights(months: int, at_start: float, growth: float) -> FloatArr:
    """Join-month distribution: a share present at launch, the rest growing linearly."""
    w = np.zeros(months, dtype=np.float64)
    w[0] = at_start
    if months > 1:
        t = np.arange(1, months, dtype=np.float64)
        ramp = 1.0 + growth * t / months
        w[1:] = (1.0 - at_start) * ramp / ramp.sum()
    else:
        w[0] = 1.0
    return w


# ---------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Profiles:
    """Drawn values shared by suppliers and Imers (before rendering)."""

    province: IntArr
    city: list[str]
    categories: IntArr  # (n, 3), primary first, -1 padded
    product_types: IntArr  # (n, 3), -1 padded
    english: BoolArr
    join_month: IntArr


def _province_weights(imers: bool) -> FloatArr:
    ref = _ref()
    groups = reference.ISLAND_GROUPS
    w = []
    for i, name in enumerate(ref.provinces):
        activity = _ACTIVITY_OVERRIDE.get(name, _ACTIVITY_BY_GROUP[groups[ref.island[i]]])
        boost = _IMER_URBAN_BOOST.get(name, 1.0) if imers else 1.0
        w.append(_POPULATION_M[name] * activity * boost)
    arr = np.asarray(w, dtype=np.float64)
    result: FloatArr = arr / arr.sum()
    return result


def _category_weights(imers: bool) -> FloatArr:
    """``(P, C)`` primary-category weights given the province."""
    ref = _ref()
    col = 1 if imers else 0
    base = np.array([_CATEGORY_WEIGHT[c][col] for c in ref.categories], dtype=np.float64)
    w = np.tile(base, (len(ref.provinces), 1))
    if imers:
        return w
    java = reference.ISLAND_GROUPS.index("Jawa")
    for c, per_province in _CATEGORY_PROVINCE_AFFINITY.items():
        ci = ref.categories.index(c)
        for p, factor in per_province.items():
            if p == "_outside_java":
                w[ref.island != java, ci] *= factor
            else:
                w[ref.provinces.index(p), ci] *= factor
    return w


def _draw_profiles(
    rng: np.random.Generator, n: int, *, imers: bool, months: int, n_cat_p: Sequence[float]
) -> _Profiles:
    ref = _ref()
    n_prov, n_cat = len(ref.provinces), len(ref.categories)
    province = rng.choice(n_prov, size=n, p=_province_weights(imers)).astype(np.int64)
    province = _ensure_coverage(rng, province, n_prov)
    primary = _draw_rows(rng, _category_weights(imers)[province])
    primary = _ensure_coverage(rng, primary, n_cat)
    # secondary categories: mostly related to the primary one
    rel_table, rel_count = _padded(ref.related)
    base = np.array([_CATEGORY_WEIGHT[c][1 if imers else 0] for c in ref.categories])
    n_cats = rng.choice(3, size=n, p=np.asarray(n_cat_p)) + 1
    cats = np.full((n, 3), -1, dtype=np.int64)
    cats[:, 0] = primary
    for j in (1, 2):
        pick = np.floor(rng.random(n) * np.maximum(rel_count[primary], 1)).astype(np.int64)
        related = rel_table[primary, pick]
        anywhere = rng.choice(n_cat, size=n, p=base / base.sum())
        use_related = (rng.random(n) < (0.85 if imers else 0.92)) & (related >= 0)
        value = np.where(use_related, related, anywhere)
        dup = (value == cats[:, 0]) | (value == cats[:, 1])
        cats[:, j] = np.where((n_cats > j) & ~dup, value, -1)
    # compact: move -1 out of the middle slot
    gap = (cats[:, 1] < 0) & (cats[:, 2] >= 0)
    cats[gap, 1] = cats[gap, 2]
    cats[gap, 2] = -1

    # product types: one or two of the primary category, one per secondary (mostly)
    def draw_type(cat: IntArr) -> IntArr:
        safe = np.maximum(cat, 0)
        k = np.floor(rng.random(n) * ref.pt_count[safe]).astype(np.int64)
        return np.where(cat >= 0, ref.pt_offset[safe] + k, -1)

    types = np.full((n, 3), -1, dtype=np.int64)
    types[:, 0] = draw_type(cats[:, 0])
    second_primary = draw_type(cats[:, 0])
    for j in (1, 2):
        secondary = draw_type(cats[:, j])
        use_secondary = (cats[:, j] >= 0) & (rng.random(n) < 0.8)
        use_primary = ~use_secondary & (rng.random(n) < 0.35)
        value = np.where(use_secondary, secondary, np.where(use_primary, second_primary, -1))
        dup = (value == types[:, 0]) | (value == types[:, 1])
        types[:, j] = np.where(dup, -1, value)
    gap = (types[:, 1] < 0) & (types[:, 2] >= 0)
    types[gap, 1] = types[gap, 2]
    types[gap, 2] = -1
    english = rng.random(n) < (0.25 if imers else 0.15)
    join_month = rng.choice(
        months, size=n, p=_month_weights(months, 0.2 if imers else 0.65, 1.5 if imers else 0.5)
    ).astype(np.int64)
    # earlier cities in the list are larger: weight 1/(rank+1)
    width = max(len(v) for v in _CITIES.values())
    city_w = np.zeros((n_prov, width), dtype=np.float64)
    city_names = np.full((n_prov, width), "", dtype=object)
    for p, name in enumerate(ref.provinces):
        options = _CITIES[name]
        city_w[p, : len(options)] = 1.0 / np.arange(1, len(options) + 1)
        city_names[p, : len(options)] = options
    pick = _draw_rows(rng, city_w[province])
    city_shown = rng.random(n) < 0.85
    city: list[str] = np.where(city_shown, city_names[province, pick], "").tolist()
    return _Profiles(province, city, cats, types, english, join_month)


def _reach_mask(rng: np.random.Generator, province: IntArr, p_kind: Sequence[float]) -> IntArr:
    """Provinces reached: nationwide, own island group, or own province and 1-3 nearest."""
    ref = _ref()
    n_prov = len(ref.provinces)
    everything = (1 << n_prov) - 1
    group_mask = np.array(
        [
            sum(_bit(q) for q in range(n_prov) if ref.island[q] == ref.island[p])
            for p in range(n_prov)
        ],
        dtype=np.int64,
    )
    nearest = np.argsort(ref.distance, axis=1, kind="stable")  # column 0 is the province itself
    n = len(province)
    kind = rng.choice(3, size=n, p=np.asarray(p_kind))
    k = rng.integers(1, 4, size=n)
    near = np.zeros(n, dtype=np.int64)
    for j in range(4):
        near |= np.where(j <= k, np.left_shift(1, nearest[province, j]), 0)
    result: IntArr = np.where(
        kind == 0, everything, np.where(kind == 1, group_mask[province], near)
    )
    return result


@dataclass(frozen=True)
class _Suppliers:
    profiles: _Profiles
    traits: _SupplierTraits
    annual_revenue: FloatArr
    visibility: FloatArr
    shown: dict[str, BoolArr]


def _draw_suppliers(rng: np.random.Generator, n: int, months: int) -> _Suppliers:
    ref = _ref()
    prof = _draw_profiles(rng, n, imers=False, months=months, n_cat_p=(0.55, 0.33, 0.12))
    primary = prof.categories[:, 0]
    rank = rng.choice(len(ref.classes), size=n, p=np.asarray(_UMKM_MIX)).astype(np.int64)
    low, high = ref.class_bounds[rank, 0], ref.class_bounds[rank, 1]
    revenue = np.minimum(_round_sig(_log_uniform(rng, low, high), mode="ceil"), high)
    price = ref.price_median[primary] * np.exp(rng.normal(0.0, 0.5, n))
    price *= np.asarray(_PRICE_BY_CLASS)[rank]
    price = np.maximum(_round_sig(price), 500.0)
    capacity = revenue / 12.0 / price * rng.uniform(1.1, 1.8, n)
    capacity = np.maximum(_round_sig(capacity), 5.0)
    dropship = rng.random(n) < np.asarray(_DROPSHIP_BY_CLASS)[rank]
    moq = np.asarray(_MOQ_BASE_BY_CLASS)[rank] * np.sqrt(50_000.0 / ref.price_median[primary])
    moq = _snap(moq * np.exp(rng.normal(0.0, 0.6, n)), _NICE_QUANTITIES)
    small = _snap(rng.uniform(1.0, 6.0, n), _NICE_QUANTITIES)
    moq = np.where(dropship, np.where(rng.random(n) < 0.7, 1.0, np.minimum(moq, small)), moq)
    moq = np.minimum(moq, _snap(capacity, _NICE_QUANTITIES))
    # certifications
    cert = {c: _bit(i) for i, c in enumerate(ref.certifications)}
    certs = np.zeros(n, dtype=np.int64)
    compliant = rng.random(n) < np.asarray(_COMPLIANT_BY_CLASS)[rank]
    prefers_pirt = (rank <= 1) & (rng.random(n) < 0.75)
    for j in range(3):
        cat = np.maximum(prof.categories[:, j], 0)
        need = np.where(prof.categories[:, j] >= 0, ref.regulated_any[cat], 0)
        pirt_ok = (need & cert["pirt"]) != 0
        other = need & ~cert["pirt"]
        lowest_other = other & -other  # first non-PIRT option (BPOM)
        choice = np.where(pirt_ok & (prefers_pirt | (other == 0)), cert["pirt"], lowest_other)
        certs |= np.where(compliant & (need != 0), choice, 0)
    halal_cat = np.zeros(n, dtype=np.bool_)
    sni_rate = np.zeros(n, dtype=np.float64)
    sni_by_cat = np.array([_SNI_RATE.get(c, 0.0) for c in ref.categories])
    for j in range(3):
        cat = prof.categories[:, j]
        halal_cat |= (cat >= 0) & ref.halal_relevant[np.maximum(cat, 0)]
        sni_rate = np.maximum(sni_rate, np.where(cat >= 0, sni_by_cat[np.maximum(cat, 0)], 0.0))
    certs |= np.where(
        halal_cat & (rng.random(n) < np.asarray(_HALAL_BY_CLASS)[rank]), cert["halal"], 0
    )
    certs |= np.where(rng.random(n) < sni_rate, cert["sni"], 0)
    ships = _reach_mask(rng, prof.province, (0.75, 0.15, 0.10))
    quality = rng.normal(0.0, 1.0, n)
    visibility = 0.3 * quality + 0.35 * rank + rng.normal(0.0, 0.8, n)
    taste = rng.normal(0.0, 1.0, (n, _TASTE_DIM))
    category_mask = _mask_of(prof.categories)
    traits = _SupplierTraits(
        category_mask=category_mask,
        related_category_mask=_related_of(category_mask),
        compliant_category_mask=_compliant_of(category_mask, certs),
        primary_category=primary,
        product_type_0=prof.product_types[:, 0],
        product_type_1=prof.product_types[:, 1],
        product_type_2=prof.product_types[:, 2],
        province_index=prof.province,
        ships_to_mask=ships,
        dropship=dropship,
        certification_mask=certs,
        min_order_qty=moq,
        monthly_capacity_units=capacity,
        unit_price_idr=price,
        umkm_rank=rank,
        quality=quality,
        taste=taste,
    )
    shown = {
        "annual_revenue_idr": rng.random(n) < 0.85,
        "monthly_capacity_units": rng.random(n) < 0.8,
        "unit_price_idr": rng.random(n) < 0.9,
        # a blank MOQ means the contract default of 1, so only MOQ 1 is ever left blank
        "min_order_qty": ~((moq == 1) & (rng.random(n) < 0.5)),
        "products": rng.random(n) < 0.96,
    }
    return _Suppliers(prof, traits, revenue, visibility, shown)


@dataclass(frozen=True)
class _Imers:
    profiles: _Profiles
    traits: _ImerTraits
    monthly_revenue: FloatArr
    ad_budget: FloatArr
    channels: IntArr  # bit mask over reference.CHANNELS
    churn_month: IntArr
    shown: dict[str, BoolArr]


def _draw_imers(rng: np.random.Generator, n: int, months: int) -> _Imers:
    ref = _ref()
    prof = _draw_profiles(rng, n, imers=True, months=months, n_cat_p=(0.5, 0.35, 0.15))
    primary = prof.categories[:, 0]
    rank = rng.choice(len(ref.stages), size=n, p=np.asarray(_STAGE_MIX)).astype(np.int64)
    low, high = ref.stage_bounds[rank, 0], ref.stage_bounds[rank, 1]
    revenue = np.maximum(_round_sig(_log_uniform(rng, low, high), mode="floor"), low)
    retail = ref.price_median[primary] * rng.uniform(1.6, 2.2, n) * np.exp(rng.normal(0, 0.4, n))
    orders = np.maximum(_round_sig(revenue / retail), 5.0)
    ad_budget = np.maximum(_round_sig(revenue * rng.uniform(0.05, 0.3, n)), 100_000.0)
    rates = np.array([_CHANNEL_RATES[c] for c in ref.channels], dtype=np.float64).T  # (S, K)
    draws = rng.random((n, len(ref.channels))) < rates[rank]
    fallback = rates[rank].argmax(axis=1)
    draws[np.arange(n), fallback] |= ~draws.any(axis=1)
    channels = (draws * np.left_shift(1, np.arange(len(ref.channels)))).sum(axis=1).astype(np.int64)
    needs = rng.random(n) < np.asarray(_NEEDS_DROPSHIP_BY_STAGE)[rank]
    target = _reach_mask(rng, prof.province, (0.65, 0.25, 0.10))
    # required certifications, driven by the primary category and scale
    cert = {c: _bit(i) for i, c in enumerate(ref.certifications)}
    need = ref.regulated_any[primary]
    scale = 0.8 + 0.15 * rank
    p_reg = np.where(need == 0, 0.0, np.where((need & cert["pirt"]) != 0, 0.15, 0.4)) * scale
    other = need & ~cert["pirt"]
    required = np.where(rng.random(n) < p_reg, other & -other, 0)
    p_halal = np.where(ref.halal_relevant[primary], np.where(need != 0, 0.35, 0.1), 0.0) * scale
    required |= np.where(rng.random(n) < p_halal, cert["halal"], 0)
    sni_by_cat = np.array([_SNI_RATE.get(c, 0.0) for c in ref.categories])
    required |= np.where(rng.random(n) < 0.3 * sni_by_cat[primary], cert["sni"], 0)
    skill = rng.normal(0.0, 1.0, n)
    taste = rng.normal(0.0, 1.0, (n, _TASTE_DIM))
    life = rng.geometric(1.0 / np.asarray(_LIFETIME_MONTHS_BY_STAGE)[rank])
    churn = prof.join_month + life
    traits = _ImerTraits(
        category_mask=_mask_of(prof.categories),
        primary_category=primary,
        product_type_0=prof.product_types[:, 0],
        product_type_1=prof.product_types[:, 1],
        product_type_2=prof.product_types[:, 2],
        province_index=prof.province,
        target_mask=target,
        needs_dropship=needs,
        required_mask=required.astype(np.int64),
        monthly_orders=orders,
        stage_rank=rank,
        skill=skill,
        taste=taste,
    )
    revenue_shown = rng.random(n) < 0.85
    shown = {
        "monthly_revenue_idr": revenue_shown,
        "stage": ~revenue_shown | (rng.random(n) < 0.5),
        "monthly_ad_budget_idr": rng.random(n) < 0.7,
        "monthly_orders": rng.random(n) < 0.8,
        "products": rng.random(n) < 0.93,
    }
    return _Imers(prof, traits, revenue, ad_budget, channels, churn, shown)


# ---------------------------------------------------------------------------
# History simulation
# ---------------------------------------------------------------------------

_NO_END = np.datetime64("9999-12-31", "D")


@dataclass(frozen=True)
class _History:
    supplier: IntArr
    imer: IntArr
    proposed_at: DateArr
    decided_at: DateArr  # may lie after the period end: still pending
    accepted: BoolArr  # accepted and decided within the period
    accept_probability: FloatArr
    utility_observable: FloatArr
    utility_latent: FloatArr
    ended_at: DateArr  # _NO_END while running
    monthly_units: FloatArr
    rating: FloatArr


def _allocate(total: int, weights: FloatArr) -> IntArr:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder)."""
    if weights.sum() <= 0:
        weights = np.ones_like(weights)
    share = total * weights / weights.sum()
    base: IntArr = np.floor(share).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(share - base), kind="stable")
    base[order[:rest]] += 1
    return base


@dataclass
class _Market:
    """What the simulation knows at the start of a month."""

    popularity: FloatArr  # supplier search weight (0 before it joins)
    cumulative: list[FloatArr]  # per category: cumulative popularity of its suppliers
    active_s: IntArr  # running partnerships per supplier
    active_i: IntArr  # running partnerships per Imer


@dataclass
class _Ledger:
    """Accepted partnerships so far (they shape popularity, load and reputation)."""

    supplier: IntArr
    imer: IntArr
    start: DateArr
    end: DateArr
    rating: FloatArr

    def add(self, s: IntArr, i: IntArr, start: DateArr, end: DateArr, rating: FloatArr) -> None:
        self.supplier = np.concatenate([self.supplier, s])
        self.imer = np.concatenate([self.imer, i])
        self.start = np.concatenate([self.start, start])
        self.end = np.concatenate([self.end, end])
        self.rating = np.concatenate([self.rating, rating])


def _market(
    sup: _Suppliers, ledger: _Ledger, members: list[IntArr], n_i: int, t: int, now: np.datetime64
) -> _Market:
    n_s = len(sup.visibility)
    running = (ledger.start <= now) & (ledger.end > now)
    started = ledger.start <= now
    partners = np.bincount(ledger.supplier[started], minlength=n_s)
    # ratings become visible a month after a partnership starts
    rated = ledger.start + np.timedelta64(30, "D") <= now
    r_sum = np.bincount(ledger.supplier[rated], weights=ledger.rating[rated], minlength=n_s)
    r_cnt = np.bincount(ledger.supplier[rated], minlength=n_s)
    reputation = np.where(r_cnt > 0, r_sum / np.maximum(r_cnt, 1) - 3.5, 0.0)
    popularity = np.exp(0.5 * sup.visibility + 0.35 * reputation) * np.sqrt(1.0 + partners)
    popularity = np.where(sup.profiles.join_month <= t, popularity, 0.0)
    return _Market(
        popularity=popularity,
        cumulative=[np.cumsum(popularity[m]) for m in members],
        active_s=np.bincount(ledger.supplier[running], minlength=n_s),
        active_i=np.bincount(ledger.imer[running], minlength=n_i),
    )


def _search(
    rng: np.random.Generator,
    sup: _Suppliers,
    imr: _Imers,
    market: _Market,
    members: list[IntArr],
    who: IntArr,
) -> tuple[IntArr, BoolArr]:
    """Each searching Imer's candidate pool: ``(len(who), _POOL_SIZE)`` suppliers + validity.

    Pool slots search the Imer's own categories (the primary one 60% of the time) and,
    15% of the time, a category related to its primary one; within a category a
    supplier is drawn in proportion to its popularity.
    """
    ref = _ref()
    rel_table, rel_count = _padded(ref.related)
    cats = imr.profiles.categories
    n_cat = (cats >= 0).sum(axis=1)[who][:, None]
    need = len(who)
    shape = (need, _POOL_SIZE)
    primary_slot = rng.random(shape) < 0.6
    other = 1 + np.floor(rng.random(shape) * (n_cat - 1))
    own_slot = np.where((n_cat == 1) | primary_slot, 0, other)
    slot_cat = cats[who[:, None], own_slot.astype(np.int64)]
    prim = cats[who, 0][:, None]
    rel_pick = np.floor(rng.random(shape) * np.maximum(rel_count[prim], 1)).astype(np.int64)
    related = rel_table[prim, rel_pick]
    explore = (rng.random(shape) < 0.15) & (related >= 0)
    slot_cat = np.where(explore, related, slot_cat)
    cand = np.zeros(shape, dtype=np.int64)
    valid = np.zeros(shape, dtype=np.bool_)
    u01 = rng.random(shape)
    for c, mem in enumerate(members):
        cum = market.cumulative[c]
        sel = slot_cat == c
        if not sel.any() or mem.size == 0 or cum[-1] <= 0:
            continue
        pos = np.searchsorted(cum, u01[sel] * cum[-1], side="right")
        cand[sel] = mem[np.minimum(pos, mem.size - 1)]
        valid[sel] = True
    return cand, valid


def _propose(
    rng: np.random.Generator,
    sup: _Suppliers,
    imr: _Imers,
    market: _Market,
    members: list[IntArr],
    weight: FloatArr,
    need: int,
    keys: IntArr,
) -> tuple[IntArr, IntArr]:
    """Up to ``need`` new (supplier, Imer) proposals of one month.

    Imers are drawn by ``weight``; each picks the best of its candidate pool by visible
    fit, popularity and Gumbel noise, never a pair that already exists (``keys``, sorted
    ``supplier * n_imers + imer``). A few rounds top up duplicates.
    """
    st, it = sup.traits, imr.traits
    n_i = len(it.skill)
    month_s: list[IntArr] = []
    month_i: list[IntArr] = []
    for _round in range(4):
        if need <= 0 or weight.sum() <= 0:
            break
        who = rng.choice(n_i, size=need, p=weight / weight.sum())
        cand, valid = _search(rng, sup, imr, market, members, who)
        flat_s = cand.ravel()
        flat_i = np.repeat(who, _POOL_SIZE)
        pair_key = flat_s * n_i + flat_i
        fresh = ~_contains(keys, pair_key)
        if month_s:
            taken = np.sort(np.concatenate(month_s) * n_i + np.concatenate(month_i))
            fresh &= ~_contains(taken, pair_key)
        popularity = market.popularity[flat_s]
        score = _observable_utility(st, it, flat_s, flat_i)
        score = score + 0.35 * np.log(np.maximum(popularity, 1e-12))
        score = score + rng.gumbel(0.0, 0.8, len(flat_s))
        score = np.where(valid.ravel() & fresh & (popularity > 0), score, -np.inf)
        score = score.reshape(need, _POOL_SIZE)
        best = score.argmax(axis=1)
        ok = np.isfinite(score[np.arange(need), best])
        chosen_s = cand[np.arange(need), best][ok]
        chosen_i = who[ok]
        first = _first_occurrences(chosen_s * n_i + chosen_i)
        month_s.append(chosen_s[first])
        month_i.append(chosen_i[first])
        need -= first.size
    if not month_s:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(month_s), np.concatenate(month_i)


def _respond(
    rng: np.random.Generator,
    sup: _Suppliers,
    imr: _Imers,
    market: _Market,
    cal: _Calendar,
    churn_day: DateArr,
    t: int,
    ps: IntArr,
    pi: IntArr,
) -> dict[str, Any]:
    """Dates, the supplier's decision and the outcomes of one month's proposals."""
    st, it = sup.traits, imr.traits
    m = len(ps)
    proposed = cal.day_in(rng, np.full(m, t, dtype=np.int64))
    lag = np.minimum(2 + np.floor(rng.exponential(6.0, m)), 45).astype(np.int64)
    decided = proposed + lag.astype("timedelta64[D]")
    u_obs = _observable_utility(st, it, ps, pi)
    u_lat = _latent_utility(st, it, ps, pi)
    # the supplier's side: is this Imer worth it, can we serve it, are we full?
    worth = np.log(it.monthly_orders[pi] / np.maximum(st.min_order_qty[ps], 1.0)) / 2.0
    class_gap = np.maximum(0, st.umkm_rank[ps] - 1 - it.stage_rank[pi])
    dropship_gap = it.needs_dropship[pi] & ~st.dropship[ps]
    cap = np.asarray(_PARTNER_CAP_BY_CLASS)[st.umkm_rank[ps]]
    overload = np.maximum(0.0, market.active_s[ps] / cap - 1.0)
    logit = (
        _ACCEPT_INTERCEPT
        + 0.8 * np.clip(worth, -2.0, 1.5)
        - 0.9 * class_gap
        - 1.6 * dropship_gap
        - 2.0 * overload
        + 0.35 * (u_obs - _U_CENTER)
    )
    p_accept = _sigmoid(logit)
    accepted = (rng.random(m) < p_accept) & (decided <= cal.end)
    # outcomes are drawn for every proposal so the stream does not depend on decisions
    z = (u_obs + u_lat - _U_CENTER) / _U_SCALE
    rating = np.clip(np.round(3.4 + 0.8 * z + rng.normal(0.0, 0.7, m)), 1, 5)
    hazard = _sigmoid(-3.2 - 1.1 * z)
    duration = rng.geometric(hazard) - 1 + rng.random(m)
    ended = decided + np.round(duration * 30.44).astype(np.int64).astype("timedelta64[D]")
    stop = churn_day[pi]  # an Imer that leaves ends its partnerships
    ended = np.where(stop < ended, np.maximum(stop, decided + np.timedelta64(7, "D")), ended)
    ended = np.where(ended > cal.end, _NO_END, ended)
    share = rng.uniform(0.15, 0.6, m)
    volume = np.minimum(it.monthly_orders[pi] * share, st.monthly_capacity_units[ps] * 0.35)
    units = volume * np.exp(0.45 * z + 0.25 * it.skill[pi] + rng.normal(0.0, 0.35, m))
    return {
        "supplier": ps,
        "imer": pi,
        "proposed_at": proposed,
        "decided_at": decided,
        "accepted": accepted,
        "accept_probability": p_accept,
        "utility_observable": u_obs,
        "utility_latent": u_lat,
        "ended_at": ended,
        "monthly_units": np.maximum(np.round(units), 1.0),
        "rating": rating,
    }


def _simulate(
    rng: np.random.Generator,
    sup: _Suppliers,
    imr: _Imers,
    cal: _Calendar,
    n_rows: int,
) -> _History:
    """Month by month: market state, Imers propose, suppliers respond, outcomes follow."""
    ref = _ref()
    st, it = sup.traits, imr.traits
    n_i, months = len(it.skill), cal.months
    i_join, i_churn = imr.profiles.join_month, imr.churn_month
    intensity = np.asarray(_SEARCH_INTENSITY_BY_STAGE)[it.stage_rank]

    def search_weight(t: int) -> FloatArr:
        alive = (i_join <= t) & (t < i_churn)
        boost = np.where(i_join == t, 3.0, np.where(i_join == t - 1, 1.8, 1.0))
        result: FloatArr = intensity * boost * alive
        return result

    # the static search intensity decides how many proposals each month gets
    quota = _allocate(n_rows, np.array([search_weight(t).sum() for t in range(months)]))
    members = [np.flatnonzero((st.category_mask >> c) & 1) for c in range(len(ref.categories))]
    churn_day = np.full(n_i, _NO_END)
    churned = i_churn < months
    churn_day[churned] = cal.day_in(rng, i_churn[churned])
    no_dates = np.zeros(0, dtype="datetime64[D]")
    ledger = _Ledger(
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), no_dates, no_dates, np.zeros(0)
    )
    parts: list[dict[str, Any]] = []
    keys = np.zeros(0, dtype=np.int64)
    carry = 0
    for t in range(months):
        market = _market(sup, ledger, members, n_i, t, cal.lo[t])
        weight = search_weight(t) / (1.0 + 0.3 * market.active_i)
        need = int(quota[t]) + carry
        ps, pi = _propose(rng, sup, imr, market, members, weight, need, keys)
        carry = need - len(ps)
        if len(ps) == 0:
            continue
        keys = np.sort(np.concatenate([keys, ps * n_i + pi]))
        month = _respond(rng, sup, imr, market, cal, churn_day, t, ps, pi)
        parts.append(month)
        ok = month["accepted"]
        ledger.add(
            ps[ok], pi[ok], month["decided_at"][ok], month["ended_at"][ok], month["rating"][ok]
        )
    if carry:
        logger.info("synthetic history: %d proposals could not be placed", carry)
    if not parts:
        return _History(
            supplier=np.zeros(0, dtype=np.int64),
            imer=np.zeros(0, dtype=np.int64),
            proposed_at=no_dates,
            decided_at=no_dates,
            accepted=np.zeros(0, dtype=np.bool_),
            accept_probability=np.zeros(0),
            utility_observable=np.zeros(0),
            utility_latent=np.zeros(0),
            ended_at=no_dates,
            monthly_units=np.zeros(0),
            rating=np.zeros(0),
        )
    return _History(**{k: np.concatenate([p[k] for p in parts]) for k in parts[0]})


# ---------------------------------------------------------------------------
# Rendering: values → cells as they appear in the CSV files
# ---------------------------------------------------------------------------


def _money_text(value: int, style: int) -> str:
    """One IDR amount written plainly (0), as ``Rp 1.500.000`` (1) or in words (2)."""
    if style == 0:
        return str(value)
    dotted = f"Rp {value:,}".replace(",", ".")
    if style == 1:
        return dotted
    for unit, word, sep in ((reference.MILIAR, "miliar", " "), (reference.JUTA, "juta", " ")):
        if value >= unit and value % (unit // 10) == 0:
            whole, tenth = divmod(value // (unit // 10), 10)
            number = f"{whole},{tenth}" if tenth else str(whole)
            return f"{number}{sep}{word}"
    if reference.RIBU <= value < reference.JUTA and value % reference.RIBU == 0:
        return f"{value // reference.RIBU}rb"
    return dotted


def _render_money(
    rng: np.random.Generator, values: FloatArr, shown: BoolArr, messy: bool
) -> list[str]:
    styles = rng.choice(3, size=len(values), p=[0.4, 0.3, 0.3])
    ints = np.round(values).astype(np.int64).tolist()
    if not messy:
        return [str(v) if s else "" for v, s in zip(ints, shown.tolist(), strict=True)]
    return [
        _money_text(v, st) if s else ""
        for v, st, s in zip(ints, styles.tolist(), shown.tolist(), strict=True)
    ]


def _render_int(values: FloatArr, shown: BoolArr) -> list[str]:
    ints = np.round(values).astype(np.int64).tolist()
    return [str(v) if s else "" for v, s in zip(ints, shown.tolist(), strict=True)]


def _render_bool(rng: np.random.Generator, values: BoolArr, messy: bool) -> list[str]:
    if not messy:
        return ["true" if v else "false" for v in values.tolist()]
    style = rng.choice(len(_BOOL_VARIANTS), size=len(values), p=np.asarray(_BOOL_VARIANT_WEIGHTS))
    return [
        _BOOL_VARIANTS[s][0 if v else 1]
        for v, s in zip(values.tolist(), style.tolist(), strict=True)
    ]


class _ProvinceWriter:
    """Writes province names canonically or with the contract's tolerated variants."""

    def __init__(self, rng: np.random.Generator, messy: bool) -> None:
        self.rng = rng
        self.messy = messy
        names = _ref().provinces
        self.canonical = names
        self.variants = [(n, n.upper(), n.lower(), *_PROVINCE_VARIANTS.get(n, (n,))) for n in names]

    def one(self, provinces: IntArr) -> list[str]:
        if not self.messy:
            return [self.canonical[p] for p in provinces.tolist()]
        kind = self.rng.choice(4, size=len(provinces), p=[0.65, 0.12, 0.08, 0.15])
        pick = self.rng.random(len(provinces))
        out = []
        for p, k, u in zip(provinces.tolist(), kind.tolist(), pick.tolist(), strict=True):
            options = self.variants[p]
            if k < 3:
                out.append(options[k])
            else:
                aliases = options[3:]
                out.append(aliases[int(u * len(aliases))])
        return out

    def many(self, masks: IntArr) -> list[str]:
        n_prov = len(self.canonical)
        everything = (1 << n_prov) - 1
        nationwide = self.rng.choice(
            len(_NATIONWIDE_VARIANTS), size=len(masks), p=[0.8, 0.12, 0.08]
        )
        out: list[str] = []
        for mask, nat in zip(masks.tolist(), nationwide.tolist(), strict=True):
            if mask == everything:
                out.append(_NATIONWIDE_VARIANTS[nat] if self.messy else _NATIONWIDE_VARIANTS[0])
                continue
            members = np.array([p for p in range(n_prov) if (mask >> p) & 1], dtype=np.int64)
            out.append(";".join(self.one(members)))
        return out


def _render_categories(rng: np.random.Generator, cats: IntArr, messy: bool) -> list[str]:
    ref = _ref()
    slots = []
    for j in range(cats.shape[1]):
        col = cats[:, j]
        kind = rng.choice(3, size=len(col), p=[0.5, 0.35, 0.15])
        pick = rng.random(len(col))
        text = []
        for c, k, u in zip(col.tolist(), kind.tolist(), pick.tolist(), strict=True):
            if c < 0:
                text.append("")
                continue
            slug = ref.categories[c]
            if not messy or k == 0:
                text.append(slug)
            elif k == 1:
                text.append(ref.labels[c])
            else:
                synonyms = _CATEGORY_VARIANTS.get(slug, (ref.labels[c],))
                text.append(synonyms[int(u * len(synonyms))])
        slots.append(text)
    return [";".join(x for x in row if x) for row in zip(*slots, strict=True)]


def _render_set(mask: IntArr, names: Sequence[str]) -> list[str]:
    return [";".join(n for b, n in enumerate(names) if (m >> b) & 1) for m in mask.tolist()]


def _typo(rng: np.random.Generator, text: str) -> str:
    """Swap two adjacent letters inside one longer word."""
    words = text.split(" ")
    long_words = [k for k, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_words:
        return text
    k = long_words[int(rng.integers(len(long_words)))]
    w = words[k]
    j = int(rng.integers(1, len(w) - 2))
    words[k] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


_SUPPLIER_TEMPLATES = (
    ("{}", "produksi {}", "{}, bisa custom", "grosir {}", "{} - terima reseller"),
    ("{}", "manufacturer of {}", "{}, wholesale"),
)
_IMER_TEMPLATES = (
    ("jual {}", "cari supplier {}", "{}", "reseller {}"),
    ("selling {}", "looking for {} supplier", "{}"),
)


def _render_products(
    rng: np.random.Generator,
    prof: _Profiles,
    shown: BoolArr,
    templates: tuple[tuple[str, ...], tuple[str, ...]],
) -> list[str]:
    ref = _ref()
    n = len(prof.english)
    lang = prof.english.astype(np.int64)
    slots = []
    for j in range(3):
        t = prof.product_types[:, j]
        safe = np.maximum(t, 0)
        k = np.floor(rng.random(n) * ref.phrase_count[safe, lang]).astype(np.int64)
        idx = ref.phrase_offset[safe, lang] + k
        slots.append(
            [
                ref.phrases[x] if ok else ""
                for x, ok in zip(idx.tolist(), (t >= 0).tolist(), strict=True)
            ]
        )
    template = rng.random(n)
    typo = rng.random(n) < 0.05
    out = []
    for r, row in enumerate(zip(*slots, strict=True)):
        if not shown[r]:
            out.append("")
            continue
        items = ", ".join(x for x in row if x)
        options = templates[lang[r]]
        text = options[int(template[r] * len(options))].format(items)
        out.append(_typo(rng, text) if typo[r] else text)
    return out


def _render_contacts(
    rng: np.random.Generator, handles: list[str], p_phone: float, p_email: float
) -> tuple[list[str], list[str]]:
    n = len(handles)
    prefix = rng.choice(len(_PHONE_PREFIX), size=n)
    digits = rng.integers(1_000_000, 100_000_000, size=n)
    intl = rng.random(n) < 0.3
    has_phone = rng.random(n) < p_phone
    has_email = rng.random(n) < p_email
    domain = rng.choice(len(_EMAIL_DOMAINS), size=n)
    suffix = rng.integers(1, 100, size=n)
    use_suffix = rng.random(n) < 0.5
    phones, emails = [], []
    for r in range(n):
        local = f"{_PHONE_PREFIX[prefix[r]]}{digits[r]}"
        phones.append("" if not has_phone[r] else (f"+62{local}" if intl[r] else f"0{local}"))
        handle = handles[r] + (str(suffix[r]) if use_suffix[r] else "")
        emails.append(f"{handle}@{_EMAIL_DOMAINS[domain[r]]}" if has_email[r] else "")
    return phones, emails


def _handle(name: str, sep: str = "") -> str:
    """Lower-case e-mail local part from a name."""
    return _NON_ALNUM.sub(sep, name.lower()).strip(sep) or "kontak"


def _supplier_names(rng: np.random.Generator, sup: _Suppliers) -> list[str]:
    ref = _ref()
    n = len(sup.profiles.province)
    rank = sup.traits.umkm_rank
    form = rng.choice(3, size=n, p=[0.45, 0.35, 0.20])
    legal_small = rng.choice(4, size=n, p=[0.45, 0.37, 0.1, 0.08])
    legal_big = rng.choice(4, size=n, p=[0.3, 0.1, 0.55, 0.05])
    legal = np.where(rank >= 2, legal_big, legal_small)
    w1 = rng.choice(len(_BUSINESS_WORDS), size=n)
    w2 = (w1 + rng.integers(1, len(_BUSINESS_WORDS), size=n)) % len(_BUSINESS_WORDS)
    female = rng.random(n) < 0.6
    honorific = np.where(female, rng.choice(2, size=n), 2 + rng.choice(2, size=n))
    first_f = rng.choice(len(_FEMALE_NAMES), size=n)
    first_m = rng.choice(len(_MALE_NAMES), size=n)
    trade_pick = rng.random(n)
    out = []
    for r in range(n):
        trades = _TRADE_WORD[ref.categories[sup.profiles.categories[r, 0]]]
        trade = trades[int(trade_pick[r] * len(trades))]
        if form[r] == 0:
            words = f"{_BUSINESS_WORDS[w1[r]]} {_BUSINESS_WORDS[w2[r]]}"
            out.append(f"{('CV', 'UD', 'PT', 'Koperasi')[legal[r]]} {words}")
        elif form[r] == 1:
            person = _FEMALE_NAMES[first_f[r]] if female[r] else _MALE_NAMES[first_m[r]]
            out.append(f"{trade} {('Bu', 'Mbak', 'Pak', 'Mas')[honorific[r]]} {person}")
        else:
            city = sup.profiles.city[r] or _CITIES[ref.provinces[sup.profiles.province[r]]][0]
            out.append(f"{trade} {_BUSINESS_WORDS[w1[r]]} {city.removeprefix('Kab. ')}")
    return out


def _imer_names(rng: np.random.Generator, imr: _Imers) -> list[str]:
    ref = _ref()
    n = len(imr.profiles.province)
    form = rng.choice(4, size=n, p=[0.55, 0.2, 0.15, 0.1])
    female = rng.random(n) < 0.6
    first_f = rng.choice(len(_FEMALE_NAMES), size=n)
    first_m = rng.choice(len(_MALE_NAMES), size=n)
    female_second = _FAMILY_NAMES + _FEMALE_SECOND
    male_second = _FAMILY_NAMES + _MALE_SECOND
    second_f = rng.choice(len(female_second), size=n)
    second_m = rng.choice(len(male_second), size=n)
    suffix = rng.choice(len(_BRAND_SUFFIX), size=n)
    trade_pick = rng.random(n)
    out = []
    for r in range(n):
        first = _FEMALE_NAMES[first_f[r]] if female[r] else _MALE_NAMES[first_m[r]]
        second = female_second[second_f[r]] if female[r] else male_second[second_m[r]]
        trades = _TRADE_WORD[ref.categories[imr.profiles.categories[r, 0]]]
        trade = trades[int(trade_pick[r] * len(trades))]
        if form[r] == 0:
            out.append(f"{first} {second}")
        elif form[r] == 1:
            out.append(f"{first} {_BRAND_SUFFIX[suffix[r]]}")
        elif form[r] == 2:
            out.append(f"{trade} by {first}")
        else:
            out.append(f"Toko {first} {second}")
    return out


def _ids(prefix: str, n: int) -> list[str]:
    width = max(6, len(str(n)))
    return [f"{prefix}{k:0{width}d}" for k in range(1, n + 1)]


def _frame(columns: Sequence[str], values: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(values[c], dtype=object) for c in columns})


def _iso(days: DateArr) -> list[str]:
    return [str(d) for d in days.astype("datetime64[D]")]


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def _check_size(name: str, value: int, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValidationError(f"{name} must be an integer >= {minimum}, got {value!r}")


def generate_registry(
    n_suppliers: int = 2000,
    n_imers: int = 600,
    n_partnerships: int | None = None,
    *,
    seed: int = 42,
    messy: bool = True,
    start: date = date(2023, 1, 1),
    end: date = date(2026, 10, 31),
) -> SyntheticRegistry:
    """Generate a synthetic registry of suppliers, Imers and partnership history.

    Parameters
    ----------
    n_suppliers, n_imers:
        Number of supplier and Imer profiles (at least 1 each). With at least twice
        as many profiles as provinces (categories), every province (category) occurs.
    n_partnerships:
        Partnership rows (one per supplier–Imer pair) to simulate; default
        ``10 * n_imers``. The history has exactly this many rows unless the candidate
        pools run dry (tiny registries), in which case it has fewer.
    seed:
        Seed of every random draw: the same arguments give identical frames.
    messy:
        Write cells with the variation real files show (province abbreviations and
        English names, category labels and synonyms, ``Rp 1.500.000`` / ``1,5 juta`` /
        ``750rb`` money, ``ya``/``tidak`` booleans, ``seluruh indonesia``), using only
        forms the data contract guarantees to resolve. ``False`` writes canonical
        values (canonical names, slugs, plain integers, ``true``/``false``). The
        underlying values are the same either way.
    start, end:
        Period of the simulated history (inclusive). Imers and suppliers join over
        this period; every partnership row has ``started_at`` inside it.

    Returns
    -------
    SyntheticRegistry
        The three contract files as string frames plus the hidden ``truth``.

    Raises
    ------
    ValidationError
        If a size is not a positive integer or ``end`` is before ``start``.

    Notes
    -----
    Cost is linear in the sizes: profiles are drawn with vectorised numpy, the
    history is simulated month by month with each month's proposals vectorised.
    """
    _check_size("n_suppliers", n_suppliers, 1)
    _check_size("n_imers", n_imers, 1)
    if n_partnerships is not None:
        _check_size("n_partnerships", n_partnerships, 0)
    ref = _ref()
    cal = _calendar(start, end)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(12)]
    (r_sup, r_imr, r_sim, r_sup_text, r_imr_text, r_sup_names, r_imr_names, r_contacts,
     r_sup_fmt, r_imr_fmt, r_out, r_dates) = streams  # fmt: skip
    sup = _draw_suppliers(r_sup, int(n_suppliers), cal.months)
    imr = _draw_imers(r_imr, int(n_imers), cal.months)
    n_rows = _ROWS_PER_IMER * int(n_imers) if n_partnerships is None else int(n_partnerships)
    hist = _simulate(r_sim, sup, imr, cal, n_rows)

    supplier_ids = _ids("S", int(n_suppliers))
    imer_ids = _ids("I", int(n_imers))

    # suppliers.csv
    st = sup.traits
    names = _supplier_names(r_sup_names, sup)
    phones, emails = _render_contacts(r_contacts, [_handle(x) for x in names], 0.9, 0.6)
    prov = _ProvinceWriter(r_sup_fmt, messy)
    suppliers = _frame(
        SUPPLIER_FILE_COLUMNS,
        {
            "supplier_id": supplier_ids,
            "name": names,
            "province": prov.one(st.province_index),
            "city": sup.profiles.city,
            "categories": _render_categories(r_sup_fmt, sup.profiles.categories, messy),
            "products": _render_products(
                r_sup_text, sup.profiles, sup.shown["products"], _SUPPLIER_TEMPLATES
            ),
            "annual_revenue_idr": _render_money(
                r_sup_fmt, sup.annual_revenue, sup.shown["annual_revenue_idr"], messy
            ),
            "monthly_capacity_units": _render_int(
                st.monthly_capacity_units, sup.shown["monthly_capacity_units"]
            ),
            "min_order_qty": _render_int(st.min_order_qty, sup.shown["min_order_qty"]),
            "unit_price_idr": _render_money(
                r_sup_fmt, st.unit_price_idr, sup.shown["unit_price_idr"], messy
            ),
            "dropship": _render_bool(r_sup_fmt, st.dropship, messy),
            "certifications": _render_set(st.certification_mask, ref.certifications),
            "ships_to": prov.many(st.ships_to_mask),
            "phone": phones,
            "email": emails,
        },
    )

    # imers.csv
    it = imr.traits
    names = _imer_names(r_imr_names, imr)
    phones, emails = _render_contacts(r_contacts, [_handle(x, ".") for x in names], 0.95, 0.7)
    prov = _ProvinceWriter(r_imr_fmt, messy)
    stage = [ref.stages[k] for k in it.stage_rank.tolist()]
    imers = _frame(
        IMER_FILE_COLUMNS,
        {
            "imer_id": imer_ids,
            "name": names,
            "province": prov.one(it.province_index),
            "city": imr.profiles.city,
            "monthly_revenue_idr": _render_money(
                r_imr_fmt, imr.monthly_revenue, imr.shown["monthly_revenue_idr"], messy
            ),
            "stage": [
                s if shown else "" for s, shown in zip(stage, imr.shown["stage"], strict=True)
            ],
            "categories": _render_categories(r_imr_fmt, imr.profiles.categories, messy),
            "products": _render_products(
                r_imr_text, imr.profiles, imr.shown["products"], _IMER_TEMPLATES
            ),
            "channels": _render_set(imr.channels, ref.channels),
            "target_provinces": prov.many(it.target_mask),
            "monthly_ad_budget_idr": _render_money(
                r_imr_fmt, imr.ad_budget, imr.shown["monthly_ad_budget_idr"], messy
            ),
            "monthly_orders": _render_int(it.monthly_orders, imr.shown["monthly_orders"]),
            "needs_dropship": _render_bool(r_imr_fmt, it.needs_dropship, messy),
            "required_certifications": _render_set(it.required_mask, ref.certifications),
            "phone": phones,
            "email": emails,
        },
    )

    # partnerships.csv: the latest state of each pair
    m = len(hist.supplier)
    pending = hist.decided_at > cal.end
    ended = hist.accepted & (hist.ended_at != _NO_END)
    status = np.where(
        pending, "proposed", np.where(hist.accepted, np.where(ended, "ended", "active"), "declined")
    )
    started = np.where(hist.accepted, hist.decided_at, hist.proposed_at)
    running_days = (np.minimum(hist.ended_at, cal.end) - started).astype(np.int64)
    seasoned = ended | (hist.accepted & (running_days >= 30))
    units_shown = seasoned & (r_out.random(m) < 0.95)
    rating_shown = seasoned & (r_out.random(m) < np.where(ended, 0.85, 0.6))
    order = np.lexsort((hist.imer, hist.supplier, started))
    sid = np.asarray(supplier_ids, dtype=object)
    iid = np.asarray(imer_ids, dtype=object)
    partnerships = _frame(
        PARTNERSHIP_FILE_COLUMNS,
        {
            "supplier_id": sid[hist.supplier[order]].tolist(),
            "imer_id": iid[hist.imer[order]].tolist(),
            "status": status[order].tolist(),
            "started_at": _iso(started[order]),
            "ended_at": [
                d if e else ""
                for d, e in zip(_iso(hist.ended_at[order]), ended[order], strict=True)
            ],
            "monthly_units": _render_int(hist.monthly_units[order], units_shown[order]),
            "rating": _render_int(hist.rating[order], rating_shown[order]),
        },
    )

    # hidden truth
    s_joined = cal.day_in(r_dates, sup.profiles.join_month)
    i_joined = cal.day_in(r_dates, imr.profiles.join_month)
    churned = imr.churn_month < cal.months
    i_churned = np.full(len(imer_ids), np.datetime64("NaT"), dtype="datetime64[D]")
    i_churned[churned] = cal.lo[imr.churn_month[churned]]
    truth_suppliers = pd.DataFrame(
        {
            "supplier_id": supplier_ids,
            "umkm_class": [ref.classes[k] for k in st.umkm_rank.tolist()],
            "annual_revenue_idr": sup.annual_revenue,
            "visibility": sup.visibility,
            "joined_at": s_joined,
            **_traits_frame(st),
        }
    )
    truth_imers = pd.DataFrame(
        {
            "imer_id": imer_ids,
            "stage": stage,
            "monthly_revenue_idr": imr.monthly_revenue,
            "joined_at": i_joined,
            "churned_at": i_churned,
            **_traits_frame(it),
        }
    )
    truth_pairs = pd.DataFrame(
        {
            "supplier_id": sid[hist.supplier[order]].tolist(),
            "imer_id": iid[hist.imer[order]].tolist(),
            "proposed_at": hist.proposed_at[order],
            "decided_at": hist.decided_at[order],
            "accept_probability": hist.accept_probability[order],
            "utility_observable": hist.utility_observable[order],
            "utility_latent": hist.utility_latent[order],
            "utility": (hist.utility_observable + hist.utility_latent)[order],
            "expected_rating": np.clip(
                3.4
                + 0.8
                * ((hist.utility_observable + hist.utility_latent)[order] - _U_CENTER)
                / _U_SCALE,
                1.0,
                5.0,
            ),
        }
    )
    logger.debug(
        "generated %d suppliers, %d imers, %d partnership rows", len(supplier_ids), len(imer_ids), m
    )
    return SyntheticRegistry(
        suppliers=suppliers,
        imers=imers,
        partnerships=partnerships,
        truth={"suppliers": truth_suppliers, "imers": truth_imers, "pairs": truth_pairs},
    )


def write_registry(reg: SyntheticRegistry, directory: Path) -> dict[str, Path]:
    """Write the three contract files (UTF-8, comma-separated, ``\\n`` line ends).

    The hidden ``truth`` is deliberately not written.

    Parameters
    ----------
    reg:
        A generated registry.
    directory:
        Target folder, created if missing; existing files of the same names are replaced.

    Returns
    -------
    dict[str, Path]
        ``{"suppliers": …/suppliers.csv, "imers": …/imers.csv,
        "partnerships": …/partnerships.csv}``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, frame in (
        ("suppliers", reg.suppliers),
        ("imers", reg.imers),
        ("partnerships", reg.partnerships),
    ):
        path = directory / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths[name] = path
    return paths


def true_utility(
    reg: SyntheticRegistry,
    supplier_ids: Sequence[str],
    imer_ids: Sequence[str],
    *,
    latent: bool = True,
) -> FloatArr:
    """The hidden utility of arbitrary supplier–Imer pairs (evaluation oracle).

    Parameters
    ----------
    reg:
        The registry the ids come from (its ``truth`` is read).
    supplier_ids, imer_ids:
        Equal-length sequences; element ``k`` of each forms pair ``k``.
    latent:
        Include the latent part (quality, skill, taste). ``False`` gives the part that
        is computable from the profile files alone.

    Returns
    -------
    numpy.ndarray
        Float array of utilities, one per pair; higher is a better partnership. For
        pairs in the history it equals ``truth["pairs"]["utility"]``.

    Raises
    ------
    ValidationError
        If the sequences differ in length.
    NotFoundError
        If an id is not in the registry.
    """
    if len(supplier_ids) != len(imer_ids):
        raise ValidationError(
            f"supplier_ids ({len(supplier_ids)}) and imer_ids ({len(imer_ids)}) must have "
            "the same length: element k of each forms pair k"
        )
    ts, ti = reg.truth["suppliers"], reg.truth["imers"]
    s = pd.Index(ts["supplier_id"]).get_indexer(list(supplier_ids))
    i = pd.Index(ti["imer_id"]).get_indexer(list(imer_ids))
    for kind, pos, ids in (("supplier_id", s, supplier_ids), ("imer_id", i, imer_ids)):
        if (pos < 0).any():
            bad = [x for x, p in zip(ids, pos.tolist(), strict=True) if p < 0][:5]
            raise NotFoundError(f"unknown {kind} {bad}: use ids of this generated registry")
    sup: _SupplierTraits = _traits_from_frame(ts, _SupplierTraits)
    imr: _ImerTraits = _traits_from_frame(ti, _ImerTraits)
    s_idx = s.astype(np.int64)
    i_idx = i.astype(np.int64)
    u = _observable_utility(sup, imr, s_idx, i_idx)
    if latent:
        u = u + _latent_utility(sup, imr, s_idx, i_idx)
    return u
