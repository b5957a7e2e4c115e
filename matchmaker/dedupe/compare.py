"""Comparing: per-field agreement levels of every candidate pair.

Each :class:`~matchmaker.dedupe.spec.Comparison` turns the two values of a
field into a similarity and cuts it into ordered levels (exact / close / …
/ different, or ``missing`` when either side has no value). Similarities come
from rapidfuzz, computed pair by pair in C++ (``rapidfuzz.process.cpdist``);
equality is decided on integer codes, so only pairs that are neither equal nor
missing reach rapidfuzz.

The name similarity weighs rare agreement more than common agreement: every
name token carries an inverse-document-frequency weight, tokens are matched
to their most similar counterpart in the other name (rapidfuzz ratio, or an
abbreviation such as ``smbr``/``sumber``), and the similarity is the weighted
share of tokens that found a counterpart. Two names sharing only ``berkah``
and ``jaya`` are far apart; two sharing a rare word are close.

Besides levels, the result carries term-frequency adjustments for comparisons
with ``tf_adjust``: for a pair agreeing exactly on value ``v`` the adjustment
is ``log2(sum_w p_w**2 / p_v)`` bits, where ``p`` are value frequencies among
the records: positive for rare shared values, negative for common ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

from matchmaker.dedupe.spec import MISSING, Comparison, ModelSpec

__all__ = [
    "ABBREVIATION_SIMILARITY",
    "TOKEN_MATCH_THRESHOLD",
    "CompareContext",
    "compare",
    "exact_keys",
    "name_similarity",
    "token_similarity",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Tokens less similar than this (rapidfuzz ratio / 100) do not match at all.
TOKEN_MATCH_THRESHOLD = 0.8
#: Similarity given to an abbreviation and its word (``smbr``/``sumber``, ``sej``/``sejahtera``).
ABBREVIATION_SIMILARITY = 0.85

_VOWELS = re.compile(r"[aeiou]")
_WORKERS = 1


def _is_abbreviation(short: str, long: str) -> bool:
    """Whether ``short`` abbreviates ``long`` (a prefix or a consonant skeleton)."""
    if len(short) < 3 or len(long) < len(short) + 2 or short[0] != long[0]:
        return False
    if long.startswith(short):
        return True
    if _VOWELS.search(short[1:]):
        return False
    it = iter(long)
    return all(ch in it for ch in short)


def token_similarity(a: Sequence[str], b: Sequence[str]) -> FloatArray:
    """Similarity of token pairs ``a[i]``/``b[i]`` in ``[0, 1]``.

    The rapidfuzz ratio (normalised Indel similarity), raised to
    :data:`ABBREVIATION_SIMILARITY` when one token abbreviates the other;
    values under :data:`TOKEN_MATCH_THRESHOLD` become 0 (no match).

    Parameters
    ----------
    a, b:
        Equal-length sequences of tokens.

    Returns
    -------
    numpy.ndarray
        One similarity per pair.
    """
    if len(a) == 0:
        return np.empty(0, dtype=np.float64)
    sim = np.asarray(
        cpdist(list(a), list(b), scorer=fuzz.ratio, workers=_WORKERS), dtype=np.float64
    )
    sim /= 100.0
    for k in np.flatnonzero(sim < ABBREVIATION_SIMILARITY).tolist():
        x, y = a[k], b[k]
        short, long = (x, y) if len(x) <= len(y) else (y, x)
        if _is_abbreviation(short, long):
            sim[k] = ABBREVIATION_SIMILARITY
    sim[sim < TOKEN_MATCH_THRESHOLD] = 0.0
    return sim


class _NameIndex:
    """Token ids and inverse document frequencies of the names of a prepared frame."""

    def __init__(self, tokens: pd.Series) -> None:
        lists = [tuple(dict.fromkeys(t)) for t in tokens]
        lengths = np.fromiter((len(t) for t in lists), dtype=np.int64, count=len(lists))
        flat = [tok for t in lists for tok in t]
        codes, vocab = pd.factorize(pd.Series(flat, dtype=object), sort=False)
        self.vocab: list[str] = [str(v) for v in vocab]
        self.codes = np.asarray(codes, dtype=np.int64)
        self.lengths = lengths
        self.ptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
        df = np.bincount(self.codes, minlength=len(self.vocab)).astype(np.float64)
        n_named = max(int((lengths > 0).sum()), 1)
        self.idf = np.log((n_named + 1.0) / (df + 1.0)) + 1.0
        self.cache: dict[int, float] = {}


class _Coded:
    """A string column as integer codes (``-1`` for missing) plus value frequencies."""

    def __init__(self, values: pd.Series) -> None:
        clean = values.map(lambda x: x if isinstance(x, str) and x else None).astype(object)
        codes, uniques = pd.factorize(clean, use_na_sentinel=True)
        self.codes = np.asarray(codes, dtype=np.int64)
        self.values: npt.NDArray[np.object_] = np.asarray(uniques, dtype=object)
        counts = np.bincount(self.codes[self.codes >= 0], minlength=len(self.values))
        self.freq = counts / max(counts.sum(), 1)
        self.sum_sq = float((self.freq**2).sum())

    def strings(self, rows: IntArray) -> list[str]:
        codes = self.codes[rows]
        out = np.full(len(rows), "", dtype=object)
        present = codes >= 0
        out[present] = self.values[codes[present]]
        return list(out)


class CompareContext:
    """What comparing needs from a prepared frame, computed once.

    Token weights, integer codes of every compared value and their
    frequencies; pass one context to several :func:`compare` calls over the
    same prepared frame (candidates, random pairs, reference pairs).

    Parameters
    ----------
    prepared:
        Frame from :func:`matchmaker.dedupe.prepare.prepare`.
    """

    def __init__(self, prepared: pd.DataFrame) -> None:
        self.prepared = prepared
        self._names: _NameIndex | None = None
        self._coded: dict[str, _Coded] = {}
        self._masks: dict[str, npt.NDArray[np.uint64]] = {}

    @property
    def names(self) -> _NameIndex:
        """Token ids and weights of the names."""
        if self._names is None:
            self._names = _NameIndex(self.prepared["tokens"])
        return self._names

    def coded(self, key: str, comp: Comparison | None = None) -> _Coded:
        """Integer codes of a column (or of a comparison's exact key)."""
        if key not in self._coded:
            values = exact_keys(self.prepared, comp) if comp is not None else self.prepared[key]
            self._coded[key] = _Coded(values)
        return self._coded[key]

    def derived(self, column: str, label: str, func: Callable[[str], str]) -> _Coded:
        """Integer codes of a value derived from a column (last digits, local part)."""
        key = f"{column}:{label}"
        if key not in self._coded:
            values = self.prepared[column].map(lambda x: func(x) if isinstance(x, str) else None)
            self._coded[key] = _Coded(values)
        return self._coded[key]

    def masks(self, column: str) -> npt.NDArray[np.uint64]:
        """Bit masks of a set-valued column (63 bits; larger sets share bits)."""
        if column not in self._masks:
            values = self.prepared[column]
            slugs = sorted({s for v in values for s in v})
            bit = {s: i % 63 for i, s in enumerate(slugs)}
            masks = np.zeros(len(values), dtype=np.uint64)
            for r, v in enumerate(values):
                m = 0
                for s in v:
                    m |= 1 << bit[s]
                masks[r] = m
            self._masks[column] = masks
        return self._masks[column]


def name_similarity(
    tokens: pd.Series | CompareContext, row_a: IntArray, row_b: IntArray
) -> FloatArray:
    """Rarity-weighted fuzzy token similarity of the names of row pairs.

    For pair ``(a, b)`` with token sets ``A`` and ``B``::

        sim = (sum_{t in A} w_t best(t, B) + sum_{t in B} w_t best(t, A))
              / (sum_{t in A} w_t + sum_{t in B} w_t)

    where ``w_t`` is the token's inverse document frequency over all names
    given and ``best(t, B)`` the largest :func:`token_similarity` of ``t``
    with a token of ``B``. It is symmetric, in ``[0, 1]``, and 1 exactly when
    every token has an identical counterpart. ``NaN`` when a name is empty.
    Cost: linear in the total number of token pairs; each distinct token
    pair goes through rapidfuzz once.

    Parameters
    ----------
    tokens:
        Name tokens per row (the ``tokens`` column of a prepared frame), or a
        :class:`CompareContext`; the token weights are computed over these rows.
    row_a, row_b:
        Row positions of the pairs.

    Returns
    -------
    numpy.ndarray
        One similarity per pair.
    """
    idx = tokens.names if isinstance(tokens, CompareContext) else _NameIndex(tokens)
    n_pairs = len(row_a)
    out = np.full(n_pairs, np.nan)
    if n_pairs == 0:
        return out
    la = idx.lengths[row_a]
    lb = idx.lengths[row_b]
    valid = np.flatnonzero((la > 0) & (lb > 0))
    if len(valid) == 0:
        return out
    ra, rb, la, lb = row_a[valid], row_b[valid], la[valid], lb[valid]
    cnt = la * lb
    total = int(cnt.sum())
    pair_start = np.r_[0, np.cumsum(cnt)[:-1]].astype(np.int64)
    pair_of = np.repeat(np.arange(len(valid), dtype=np.int64), cnt)
    k = np.arange(total, dtype=np.int64) - pair_start[pair_of]
    lb_rep = lb[pair_of]
    ia = k // lb_rep
    ib = k - ia * lb_rep
    tok_a = idx.codes[idx.ptr[ra][pair_of] + ia]
    tok_b = idx.codes[idx.ptr[rb][pair_of] + ib]
    # similarity of each distinct token pair, computed once (and cached)
    v = len(idx.vocab)
    key = np.minimum(tok_a, tok_b) * v + np.maximum(tok_a, tok_b)
    inverse, uniq = pd.factorize(key, sort=False)
    uniq = np.asarray(uniq, dtype=np.int64)
    sims_u = np.ones(len(uniq), dtype=np.float64)
    u_lo = uniq // v
    u_hi = uniq % v
    differ = np.flatnonzero(u_lo != u_hi)
    cached = np.asarray([idx.cache.get(int(x), -1.0) for x in uniq[differ]], dtype=np.float64)
    known = cached >= 0
    sims_u[differ[known]] = cached[known]
    todo = differ[~known]
    if len(todo):
        vocab = idx.vocab
        fresh = token_similarity([vocab[i] for i in u_lo[todo]], [vocab[i] for i in u_hi[todo]])
        sims_u[todo] = fresh
        idx.cache.update(zip(uniq[todo].tolist(), fresh.tolist(), strict=True))
    sims = sims_u[np.asarray(inverse, dtype=np.int64)]
    # best counterpart of each token of A (entries are grouped by (pair, ia))
    seg_a = np.flatnonzero(ib == 0)
    best_a = np.maximum.reduceat(sims, seg_a)
    w_a = idx.idf[tok_a[seg_a]]
    pair_a = pair_of[seg_a]
    # best counterpart of each token of B: walk entries in (pair, ib, ia) order
    la_rep = la[pair_of]
    ib_t = k // la_rep
    ia_t = k - ib_t * la_rep
    perm = pair_start[pair_of] + ia_t * lb_rep + ib_t
    sims_t = sims[perm]
    seg_b = np.flatnonzero(ia_t == 0)
    best_b = np.maximum.reduceat(sims_t, seg_b)
    w_b = idx.idf[tok_b[perm[seg_b]]]
    pair_b = pair_of[seg_b]
    m = len(valid)
    num = np.bincount(pair_a, weights=w_a * best_a, minlength=m) + np.bincount(
        pair_b, weights=w_b * best_b, minlength=m
    )
    den = np.bincount(pair_a, weights=w_a, minlength=m) + np.bincount(
        pair_b, weights=w_b, minlength=m
    )
    out[valid] = np.clip(num / den, 0.0, 1.0)
    return out


def exact_keys(prepared: pd.DataFrame, comp: Comparison) -> pd.Series:
    """The value whose equality is a comparison's ``exact`` level, per record.

    ``name_key`` for names, the first phone or e-mail, ``province|city`` for
    places, the joined set for sets, the value itself otherwise; ``""`` when
    missing. Used for term-frequency adjustments and for the ``u`` of exact
    agreement (:func:`matchmaker.dedupe.model.estimate_u`).

    Parameters
    ----------
    prepared:
        Frame from :func:`matchmaker.dedupe.prepare.prepare`.
    comp:
        The comparison.

    Returns
    -------
    pandas.Series
        One string per record (object dtype).
    """
    if comp.method == "name":
        values = prepared["name_key"]
    elif comp.method == "place":
        values = pd.Series(
            [
                f"{p}|{c}" if p and c else ""
                for p, c in zip(prepared["province"], prepared["city"], strict=True)
            ],
            dtype=object,
        )
    elif comp.method == "set":
        values = prepared[comp.field].map(lambda v: "|".join(v) if v else "")
    else:
        values = prepared[comp.field]
    return values.map(lambda x: x if isinstance(x, str) else "").astype(object)


def _cut(
    comp: Comparison, sim: FloatArray, exact: BoolArray, missing: BoolArray
) -> npt.NDArray[np.int8]:
    """Level codes: ``exact`` where equal, else the first level whose threshold is met."""
    codes = np.full(len(sim), len(comp.levels) - 1, dtype=np.int8)
    assigned = exact.copy()
    for code, level in enumerate(comp.levels[:-1]):
        if level.name == "exact":
            codes[exact] = code
            continue
        if level.threshold is None:
            continue
        hit = ~assigned & (np.nan_to_num(sim, nan=-1.0) >= level.threshold - 1e-12)
        codes[hit] = code
        assigned |= hit
    codes[missing] = MISSING
    return codes


def _tf_bits(coded: _Coded, rows: IntArray, agree: BoolArray) -> FloatArray:
    """Term-frequency adjustment (bits) of pairs agreeing on a value; 0 elsewhere."""
    out = np.zeros(len(rows), dtype=np.float64)
    if not agree.any() or coded.sum_sq <= 0:
        return out
    p = coded.freq[coded.codes[rows[agree]]]
    out[agree] = np.log2(coded.sum_sq / np.maximum(p, 1e-300))
    return out


def _pairwise(
    coded: _Coded, row_a: IntArray, row_b: IntArray, scorer: Any, todo: IntArray, fill: float
) -> FloatArray:
    """rapidfuzz scores of the values of the pairs ``todo`` (others get ``fill``)."""
    out = np.full(len(row_a), fill, dtype=np.float64)
    if len(todo):
        out[todo] = cpdist(
            coded.strings(row_a[todo]), coded.strings(row_b[todo]), scorer=scorer, workers=_WORKERS
        )
    return out


def _equal_and_missing(
    coded: _Coded, row_a: IntArray, row_b: IntArray
) -> tuple[BoolArray, BoolArray]:
    ca = coded.codes[row_a]
    cb = coded.codes[row_b]
    missing = (ca < 0) | (cb < 0)
    return (ca == cb) & ~missing, missing


def _contact(
    ctx: CompareContext, comp: Comparison, row_a: IntArray, row_b: IntArray
) -> tuple[npt.NDArray[np.int8], FloatArray, FloatArray]:
    coded = ctx.coded(comp.field)
    same_first, missing = _equal_and_missing(coded, row_a, row_b)
    exact = same_first.copy()
    # records with several numbers or addresses agree when any is shared
    many = ctx.prepared[f"{comp.field}s"].to_numpy(dtype=object)
    multi = np.fromiter((len(v) > 1 for v in many), dtype=bool, count=len(many))
    for k in np.flatnonzero(~missing & ~exact & (multi[row_a] | multi[row_b])):
        if set(many[row_a[k]]) & set(many[row_b[k]]):
            exact[k] = True
    todo = np.flatnonzero(~missing & ~exact)
    names = comp.level_names
    codes = np.full(len(row_a), len(names) - 1, dtype=np.int8)
    if comp.method == "phone":
        dist = _pairwise(coded, row_a, row_b, Levenshtein.distance, todo, fill=99.0)
        last8 = ctx.derived(comp.field, "last8", lambda x: x[-8:])
        close = np.zeros(len(row_a), dtype=bool)
        same_end, _ = _equal_and_missing(last8, row_a[todo], row_b[todo])
        close[todo] = (dist[todo] <= 1) | same_end
        sim = np.where(exact, 1.0, np.where(close, 0.9, 0.0))
        if "close" in names:
            codes[close] = names.index("close")
        codes[exact] = names.index("exact") if "exact" in names else 0
        codes[missing] = MISSING
    else:
        sim = _pairwise(coded, row_a, row_b, fuzz.ratio, todo, fill=0.0) / 100.0
        local = ctx.derived(comp.field, "local", lambda x: x.split("@")[0])
        local_same = np.zeros(len(row_a), dtype=bool)
        local_same[todo], _ = _equal_and_missing(local, row_a[todo], row_b[todo])
        sim = np.where(exact, 1.0, np.where(local_same, np.maximum(sim, 0.95), sim))
        codes = _cut(comp, sim, exact, missing)
    sim[missing] = np.nan
    tf = _tf_bits(coded, row_a, same_first) if comp.tf_adjust else np.zeros(len(row_a))
    return codes, sim, tf


def _place(
    ctx: CompareContext, comp: Comparison, row_a: IntArray, row_b: IntArray
) -> tuple[npt.NDArray[np.int8], FloatArray, FloatArray]:
    names = comp.level_names
    same_prov, prov_missing = _equal_and_missing(ctx.coded("province"), row_a, row_b)
    city = ctx.coded("city")
    same_city, city_missing = _equal_and_missing(city, row_a, row_b)
    compare_city = same_prov & ~city_missing
    todo = np.flatnonzero(compare_city & ~same_city)
    sim = _pairwise(city, row_a, row_b, fuzz.ratio, todo, fill=0.0) / 100.0
    sim[compare_city & same_city] = 1.0
    codes = np.full(len(row_a), len(names) - 1, dtype=np.int8)
    if "same_province" in names:
        codes[same_prov] = names.index("same_province")
    for code, level in enumerate(comp.levels):
        if level.name == "close" and level.threshold is not None:
            codes[compare_city & ~same_city & (sim >= level.threshold - 1e-12)] = code
    exact = compare_city & same_city
    if "exact" in names:
        codes[exact] = names.index("exact")
    codes[prov_missing] = MISSING
    sim[~compare_city] = np.nan
    tf = np.zeros(len(row_a))
    if comp.tf_adjust:
        tf = _tf_bits(ctx.coded(f"__exact__{comp.field}", comp), row_a, exact)
    return codes, sim, tf


def compare(
    prepared: pd.DataFrame,
    pairs: pd.DataFrame,
    spec: ModelSpec,
    *,
    context: CompareContext | None = None,
) -> pd.DataFrame:
    """Level codes, similarities and term-frequency adjustments of candidate pairs.

    Parameters
    ----------
    prepared:
        Frame from :func:`matchmaker.dedupe.prepare.prepare`.
    pairs:
        Pairs with ``id_a``, ``id_b``, ``row_a``, ``row_b`` (positions in
        ``prepared``), e.g. from :func:`matchmaker.dedupe.index.candidate_pairs`.
    spec:
        The model whose comparisons to compute.
    context:
        Precomputed :class:`CompareContext` of ``prepared`` (reuse it across
        calls on the same frame); built when omitted.

    Returns
    -------
    pandas.DataFrame
        ``id_a``, ``id_b``, ``row_a``, ``row_b``, then per comparison
        ``<field>`` (int8 level code, :data:`~matchmaker.dedupe.spec.MISSING`
        when either side lacks the value), ``<field>_sim`` (similarity in
        ``[0, 1]`` where defined) and, for comparisons with ``tf_adjust``,
        ``<field>_tf`` (adjustment in bits for exact agreement, else 0).
    """
    ctx = context if context is not None else CompareContext(prepared)
    row_a = pairs["row_a"].to_numpy(dtype=np.int64)
    row_b = pairs["row_b"].to_numpy(dtype=np.int64)
    columns: dict[str, object] = {
        c: pairs[c].to_numpy() for c in ("id_a", "id_b", "row_a", "row_b")
    }
    for comp in spec.comparisons:
        tf = np.zeros(len(row_a), dtype=np.float64)
        if comp.method == "name":
            key = ctx.coded("name_key")
            exact, missing = _equal_and_missing(key, row_a, row_b)
            sim = name_similarity(ctx, row_a, row_b)
            sim[exact] = 1.0
            missing |= np.isnan(sim)
            codes = _cut(comp, sim, exact, missing)
            if comp.tf_adjust:
                tf = _tf_bits(key, row_a, exact)
        elif comp.method in ("phone", "email"):
            codes, sim, tf = _contact(ctx, comp, row_a, row_b)
        elif comp.method == "place":
            codes, sim, tf = _place(ctx, comp, row_a, row_b)
        elif comp.method == "number":
            values = ctx.prepared[comp.field].to_numpy(dtype=np.float64)
            va, vb = values[row_a], values[row_b]
            missing = ~(np.isfinite(va) & np.isfinite(vb))
            with np.errstate(invalid="ignore", divide="ignore"):
                sim = np.minimum(va, vb) / np.maximum(va, vb)
            sim[missing] = np.nan
            codes = _cut(comp, sim, np.zeros(len(row_a), dtype=bool), missing)
        elif comp.method == "set":
            masks = ctx.masks(comp.field)
            ma, mb = masks[row_a], masks[row_b]
            names = comp.level_names
            codes = np.full(len(row_a), len(names) - 1, dtype=np.int8)
            if "overlap" in names:
                codes[(ma & mb) != 0] = names.index("overlap")
            codes[ma == mb] = names.index("exact") if "exact" in names else 0
            missing = (ma == 0) | (mb == 0)
            codes[missing] = MISSING
            inter = np.bitwise_count(ma & mb).astype(np.float64)
            union = np.bitwise_count(ma | mb).astype(np.float64)
            sim = np.where(missing, np.nan, inter / np.maximum(union, 1.0))
        else:
            coded = ctx.coded(comp.field)
            exact, missing = _equal_and_missing(coded, row_a, row_b)
            if comp.method == "string":
                todo = np.flatnonzero(~exact & ~missing)
                sim = _pairwise(coded, row_a, row_b, fuzz.ratio, todo, 0.0)
                sim /= 100.0
            else:
                sim = exact.astype(np.float64)
            sim[exact] = 1.0
            sim[missing] = np.nan
            codes = _cut(comp, sim, exact, missing)
            if comp.tf_adjust:
                tf = _tf_bits(coded, row_a, exact)
        columns[comp.field] = codes.astype(np.int8)
        columns[f"{comp.field}_sim"] = sim.astype(np.float32)
        if comp.tf_adjust:
            columns[f"{comp.field}_tf"] = np.where(np.isfinite(tf), tf, 0.0).astype(np.float32)
    out = pd.DataFrame(columns)
    for col in ("id_a", "id_b"):
        out[col] = out[col].astype(object)
    return out
