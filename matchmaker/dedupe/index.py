"""Indexing: the candidate pairs that are worth comparing.

Records that share a blocking key (a phone, an e-mail, the same name, a name
token within a province …) become candidate pairs; the union over the rules
of a :class:`~matchmaker.dedupe.spec.ModelSpec` is compared, every other pair
is taken to be different without looking. Keys shared by more records than a
rule's ``max_block_size`` are skipped (and logged), which keeps common tokens
like ``jaya`` from producing millions of pairs; the contact rules have no limit
by default, so two records sharing a phone number are always compared.

Cost: ``O(n log n)`` to sort keys plus the number of pairs produced.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from matchmaker.dedupe.spec import BlockingRule
from matchmaker.errors import ValidationError

__all__ = ["block_keys", "candidate_pairs", "name_alike_pairs", "pairs_from_keys"]

log = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]


def _phone_keys(values: tuple[str, ...]) -> list[str]:
    keys: set[str] = set()
    for value in values:
        keys.add(value)
        keys.update(value[:k] + "_" + value[k + 1 :] for k in range(3, len(value)))
    return sorted(keys)


def _drop_keys(tokens: tuple[str, ...]) -> list[str]:
    distinct = sorted(set(tokens))
    if not distinct:
        return []
    keys = {" ".join(distinct)}
    if len(distinct) >= 3:
        keys.update(" ".join(distinct[:k] + distinct[k + 1 :]) for k in range(len(distinct)))
    return sorted(keys)


def _swap_keys(tokens: tuple[str, ...]) -> list[str]:
    distinct = sorted(set(tokens))
    if len(distinct) < 2:
        return []
    return sorted(
        {
            " ".join(distinct[:k] + distinct[k + 1 :]) + "|" + tok[0]
            for k, tok in enumerate(distinct)
        }
    )


def _row_keys(prepared: pd.DataFrame, key: str) -> list[list[str]]:
    if key in ("phone", "email"):
        return [list(v) for v in prepared[f"{key}s"]]
    if key == "phone_fuzzy":
        return [_phone_keys(v) for v in prepared["phones"]]
    if key == "name_key":
        return [[v] if v else [] for v in prepared["name_key"]]
    words = prepared["words"]
    if key == "drop_token":
        return [_drop_keys(t) for t in words]
    if key == "swap_token":
        return [_swap_keys(t) for t in words]
    if key == "name_token":
        return [list(dict.fromkeys(t for t in tokens if len(t) >= 2)) for tokens in words]
    if key == "token_prefix":
        return [list(dict.fromkeys("<" + t[:4] for t in tokens if len(t) >= 5)) for tokens in words]
    return [list(dict.fromkeys(">" + t[-4:] for t in tokens if len(t) >= 5)) for tokens in words]


def block_keys(prepared: pd.DataFrame, rule: BlockingRule) -> tuple[IntArray, IntArray]:
    """The (row, key) pairs a rule assigns; a row may have several keys.

    Parameters
    ----------
    prepared:
        Frame from :func:`matchmaker.dedupe.prepare.prepare`.
    rule:
        The blocking rule.

    Returns
    -------
    rows, keys:
        Row positions and integer key codes (same length); equal codes mean
        equal keys within the rule's scope (``within`` columns included).
    """
    per_row = _row_keys(prepared, rule.key)
    lengths = np.fromiter((len(k) for k in per_row), dtype=np.int64, count=len(per_row))
    rows = np.repeat(np.arange(len(per_row), dtype=np.int64), lengths)
    flat = [k for keys in per_row for k in keys]
    if not flat:
        return rows, np.empty(0, dtype=np.int64)
    codes = np.asarray(pd.factorize(pd.Series(flat, dtype=object))[0], dtype=np.int64)
    if rule.within:
        scope_cols = [
            prepared[c].map(lambda x: x if isinstance(x, str) else "") for c in rule.within
        ]
        blank = np.zeros(len(prepared), dtype=bool)
        for col in scope_cols:
            blank |= (col == "").to_numpy()
        scope = pd.Series(["|".join(p) for p in zip(*scope_cols, strict=True)], dtype=object)
        scope_codes = np.asarray(pd.factorize(scope)[0], dtype=np.int64)
        keep = ~blank[rows]
        rows = rows[keep]
        codes = scope_codes[rows] * (int(codes.max()) + 1) + codes[keep]
    return rows, codes


def pairs_from_keys(
    rows: IntArray, keys: npt.ArrayLike, *, max_block_size: int | None = None
) -> tuple[IntArray, IntArray, int]:
    """All pairs of rows that share a key.

    Parameters
    ----------
    rows, keys:
        Row positions and their keys (any hashable values), as from
        :func:`block_keys`.
    max_block_size:
        Keys held by more rows are skipped.

    Returns
    -------
    left, right, skipped:
        Row pairs with ``left < right`` (possibly repeated when two rows share
        several keys) and the number of keys skipped for being too common.
    """
    if len(rows) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, 0
    codes = np.asarray(pd.factorize(np.asarray(keys))[0], dtype=np.int64)
    order = np.lexsort((rows, codes))
    codes_sorted = codes[order]
    rows_sorted = rows[order]
    starts = np.flatnonzero(np.r_[True, codes_sorted[1:] != codes_sorted[:-1]])
    sizes = np.diff(np.r_[starts, len(codes_sorted)])
    keep = sizes >= 2
    skipped = 0
    if max_block_size is not None:
        too_big = sizes > max_block_size
        skipped = int(too_big.sum())
        keep &= ~too_big
    lefts: list[IntArray] = []
    rights: list[IntArray] = []
    for size in np.unique(sizes[keep]):
        group_starts = starts[keep & (sizes == size)]
        members = rows_sorted[group_starts[:, None] + np.arange(size)[None, :]]
        iu, ju = np.triu_indices(int(size), k=1)
        a = members[:, iu].ravel()
        b = members[:, ju].ravel()
        lefts.append(np.minimum(a, b))
        rights.append(np.maximum(a, b))
    if not lefts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, skipped
    left = np.concatenate(lefts)
    right = np.concatenate(rights)
    distinct = left != right
    return left[distinct], right[distinct], skipped


def candidate_pairs(
    prepared: pd.DataFrame,
    rules: Sequence[BlockingRule],
    *,
    groups: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Candidate pairs of a prepared frame under a set of blocking rules.

    Parameters
    ----------
    prepared:
        Frame from :func:`matchmaker.dedupe.prepare.prepare` (sorted by id).
    rules:
        Blocking rules; a pair is a candidate if any rule produces it.
    groups:
        Optional group label per row (link mode): only pairs whose rows
        belong to different groups are kept, e.g. new rows against the
        registry.

    Returns
    -------
    pandas.DataFrame
        Columns ``id_a``, ``id_b`` (``id_a < id_b``), ``row_a``, ``row_b``
        (positions in ``prepared``) and ``rule`` (the first rule that made
        the pair), sorted by ``id_a, id_b``; each pair once. ``attrs`` holds
        ``pairs_by_rule`` (pairs each rule added to those of the rules before
        it) and ``skipped_blocks_by_rule``.

    Raises
    ------
    ValidationError
        If ``groups`` does not have one label per row.
    """
    n = len(prepared)
    group_arr: npt.NDArray[np.int64] | None = None
    if groups is not None:
        group_arr = np.asarray(pd.factorize(pd.Series(np.asarray(groups)))[0], dtype=np.int64)
        if len(group_arr) != n:
            raise ValidationError(
                f"groups must give one label per prepared row ({n}), got {len(group_arr)}"
            )
    all_codes: list[IntArray] = []
    rule_of: list[IntArray] = []
    skipped_by_rule: dict[str, int] = {}
    for r, rule in enumerate(rules):
        rows, keys = block_keys(prepared, rule)
        left, right, skipped = pairs_from_keys(rows, keys, max_block_size=rule.max_block_size)
        if group_arr is not None and len(left):
            cross = group_arr[left] != group_arr[right]
            left, right = left[cross], right[cross]
        code = left * n + right
        skipped_by_rule[rule.name] = skipped
        if skipped:
            log.info(
                "blocking rule %r skipped %d keys shared by more than %s records",
                rule.name,
                skipped,
                rule.max_block_size,
            )
        all_codes.append(code)
        rule_of.append(np.full(len(code), r, dtype=np.int64))
    if all_codes:
        codes = np.concatenate(all_codes)
        which = np.concatenate(rule_of)
        first = ~pd.Series(codes).duplicated(keep="first").to_numpy()
        codes, which = codes[first], which[first]
        order = np.argsort(codes, kind="stable")
        uniq, which = codes[order], which[order]
    else:
        uniq = np.empty(0, dtype=np.int64)
        which = np.empty(0, dtype=np.int64)
    counts = np.bincount(which, minlength=len(rules))
    pairs_by_rule = {rule.name: int(counts[r]) for r, rule in enumerate(rules)}
    row_a = uniq // max(n, 1)
    row_b = uniq % max(n, 1)
    ids = prepared["id"].to_numpy(dtype=object)
    names = np.asarray([rule.name for rule in rules] or [""], dtype=object)
    out = pd.DataFrame(
        {
            "id_a": pd.Series(ids[row_a], dtype=object),
            "id_b": pd.Series(ids[row_b], dtype=object),
            "row_a": row_a.astype(np.int64),
            "row_b": row_b.astype(np.int64),
            "rule": pd.Series(names[which], dtype=object),
        }
    )
    out.attrs["pairs_by_rule"] = pairs_by_rule
    out.attrs["skipped_blocks_by_rule"] = skipped_by_rule
    log.info("blocking produced %d candidate pairs from %d records", len(out), n)
    return out


def name_alike_pairs(
    prepared: pd.DataFrame,
    *,
    max_pairs: int = 200_000,
    block_pairs: int = 1_225,
    random_state: int = 0,
) -> pd.DataFrame:
    """A sample of record pairs with alike names, chosen on the name alone.

    Pairs share their name but for one word (``drop_token``/``swap_token``
    keys) anywhere in the country; large blocks contribute a random sample of
    ``block_pairs`` pairs instead of being skipped. Since nothing but the
    name chose them, how often such pairs that are different businesses
    agree on place or trade measures how look-alike businesses cluster (used
    for the name-conditional ``u`` of :func:`matchmaker.dedupe.model.fit`).

    Parameters
    ----------
    prepared:
        Frame from :func:`matchmaker.dedupe.prepare.prepare`.
    max_pairs:
        Largest sample returned.
    block_pairs:
        Pairs drawn from a block whose full pair count exceeds this.
    random_state:
        Seed.

    Returns
    -------
    pandas.DataFrame
        ``id_a``, ``id_b``, ``row_a``, ``row_b``, each pair once, sorted.
    """
    rng = np.random.default_rng(random_state)
    n = len(prepared)
    limit = int((1 + np.sqrt(1 + 8 * block_pairs)) / 2)
    codes_list: list[IntArray] = []
    for key in ("drop_token", "swap_token"):
        rows, keys = block_keys(prepared, BlockingRule(key, key))
        left, right, _ = pairs_from_keys(rows, keys, max_block_size=limit)
        codes_list.append(left * n + right)
        if len(rows) == 0:
            continue
        codes, _ = pd.factorize(pd.Series(keys, dtype=object), sort=False)
        sizes = np.bincount(codes)
        for block in np.flatnonzero(sizes > limit):
            members = rows[codes == block]
            a = rng.choice(members, size=block_pairs)
            b = rng.choice(members, size=block_pairs)
            keep = a != b
            lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
            codes_list.append(lo * n + hi)
    uniq = np.unique(np.concatenate(codes_list)) if codes_list else np.empty(0, dtype=np.int64)
    if len(uniq) > max_pairs:
        uniq = np.sort(rng.choice(uniq, size=max_pairs, replace=False))
    row_a = uniq // max(n, 1)
    row_b = uniq % max(n, 1)
    ids = prepared["id"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "id_a": pd.Series(ids[row_a], dtype=object),
            "id_b": pd.Series(ids[row_b], dtype=object),
            "row_a": row_a.astype(np.int64),
            "row_b": row_b.astype(np.int64),
        }
    )
