"""Classifying: Fellegi–Sunter match weights fitted without labels.

A pair's match weight is the prior log-odds plus, for every compared field,
``log2(m / u)`` of the level it reached (``m``: how often duplicates reach
that level, ``u``: how often different businesses do), plus the
term-frequency adjustment of exact agreement on a rare or common value. The
score is the match probability ``1 / (1 + 2**-weight)``.

Fitting needs no labelled pairs: :func:`estimate_u` takes ``u`` from random
record pairs (almost never duplicates), :func:`fit` estimates ``m``, the
prior and the name-conditional ``u`` of place and trade by
expectation–maximisation on the candidate pairs. Both run on distinct level
patterns with their counts, so their cost hardly grows with the number of
pairs once counted.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from matchmaker.dedupe.compare import CompareContext, compare, exact_keys
from matchmaker.dedupe.spec import MISSING, Comparison, Level, ModelSpec
from matchmaker.errors import ValidationError

__all__ = ["estimate_u", "explain", "field_weights", "fit", "level_patterns", "score"]

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
CodeMatrix = npt.NDArray[np.int8]

_SMOOTHING = 0.5
#: Non-duplicate weight a name level needs in the reference pairs to get its own ``u``.
_MIN_CONDITIONAL_WEIGHT = 30.0


def _level_matrix(comparisons: pd.DataFrame, spec: ModelSpec) -> CodeMatrix:
    missing = [c.field for c in spec.comparisons if c.field not in comparisons.columns]
    if missing:
        raise ValidationError(
            f"comparison frame lacks level columns {missing}; run compare() with the same model"
        )
    if not spec.comparisons:
        return np.zeros((len(comparisons), 0), dtype=np.int8)
    return np.column_stack(
        [comparisons[c.field].to_numpy(dtype=np.int8) for c in spec.comparisons]
    ).astype(np.int8)


def level_patterns(
    comparisons: pd.DataFrame, spec: ModelSpec
) -> tuple[CodeMatrix, npt.NDArray[np.int64]]:
    """Distinct level patterns of the pairs and how many pairs show each.

    Parameters
    ----------
    comparisons:
        Output of :func:`matchmaker.dedupe.compare.compare`.
    spec:
        The model (gives the comparison order).

    Returns
    -------
    patterns, counts:
        ``patterns[i, k]`` is the level code of comparison ``k`` in pattern
        ``i``; ``counts[i]`` the number of pairs with that pattern.
    """
    matrix = _level_matrix(comparisons, spec)
    if len(matrix) == 0:
        return matrix, np.zeros(0, dtype=np.int64)
    # one integer per pattern (mixed radix over level codes shifted past MISSING)
    radix = np.asarray([len(c.levels) + 1 for c in spec.comparisons], dtype=np.int64)
    place = np.r_[np.cumprod(radix[::-1])[::-1][1:], 1].astype(np.int64)
    code = ((matrix.astype(np.int64) + 1) * place).sum(axis=1)
    _, first, counts = np.unique(code, return_index=True, return_counts=True)
    return matrix[first].astype(np.int8), counts.astype(np.int64)


def _exact_code(level_names: tuple[str, ...]) -> int:
    return level_names.index("exact") if "exact" in level_names else 0


def _given_keys(spec: ModelSpec, k: int) -> list[str]:
    """Every combination of the levels of comparison ``k``'s ``given`` fields, in code order."""
    keys = [""]
    for g in spec.comparisons[k].given:
        names = spec.comparison(g).level_names
        keys = [f"{key}|{name}" if key else name for key in keys for name in names]
    return keys


def _u_matrix(spec: ModelSpec, k: int) -> FloatArray:
    """``u`` of comparison ``k`` by the levels of its ``given`` fields.

    Row 0 is the plain ``u`` (not conditioned, or a given field missing); row
    ``c + 1`` the ``u`` for combination ``c`` of :func:`_given_keys`.
    """
    comp = spec.comparisons[k]
    plain = np.asarray(comp.u_table(), dtype=np.float64)
    if not comp.given:
        return plain[None, :]
    rows = [plain] + [
        np.asarray(comp.u_table(key), dtype=np.float64) for key in _given_keys(spec, k)
    ]
    return np.vstack(rows)


def _given_codes(matrix: CodeMatrix, spec: ModelSpec, k: int) -> npt.NDArray[np.int64]:
    """Row of :func:`_u_matrix` to use for every pair (0 when unconditioned)."""
    comp = spec.comparisons[k]
    out = np.zeros(len(matrix), dtype=np.int64)
    if not comp.given:
        return out
    fields = [c.field for c in spec.comparisons]
    missing = np.zeros(len(matrix), dtype=bool)
    for g in comp.given:
        codes = matrix[:, fields.index(g)].astype(np.int64)
        missing |= codes == MISSING
        out = out * len(spec.comparison(g).levels) + np.maximum(codes, 0)
    return np.where(missing, 0, out + 1)


def _log_m(matrix: CodeMatrix, m: list[FloatArray]) -> FloatArray:
    total = np.zeros(len(matrix), dtype=np.float64)
    for k, table in enumerate(m):
        codes = matrix[:, k].astype(np.int64)
        present = codes != MISSING
        total[present] += np.log(table[codes[present]])
    return total


def _log_u(matrix: CodeMatrix, spec: ModelSpec) -> FloatArray:
    total = np.zeros(len(matrix), dtype=np.float64)
    for k in range(len(spec.comparisons)):
        table = _u_matrix(spec, k)
        rows = _given_codes(matrix, spec, k)
        codes = matrix[:, k].astype(np.int64)
        present = codes != MISSING
        total[present] += np.log(table[rows[present], codes[present]])
    return total


def _with_levels(
    spec: ModelSpec, m: list[FloatArray] | None, u: list[FloatArray] | None
) -> ModelSpec:
    comparisons = []
    for k, comp in enumerate(spec.comparisons):
        levels = tuple(
            Level(
                lv.name,
                lv.threshold,
                m=lv.m if m is None else float(m[k][i]),
                u=lv.u if u is None else float(u[k][i]),
            )
            for i, lv in enumerate(comp.levels)
        )
        comparisons.append(replace(comp, levels=levels))
    return replace(spec, comparisons=tuple(comparisons))


def estimate_u(
    prepared: pd.DataFrame,
    spec: ModelSpec,
    *,
    max_pairs: int = 200_000,
    groups: npt.ArrayLike | None = None,
    random_state: int = 0,
    context: CompareContext | None = None,
) -> ModelSpec:
    """Estimate ``u`` (level probabilities among different businesses) from random pairs.

    Two records drawn at random are almost never the same business, so the
    levels their comparisons reach estimate ``u``. Exact agreement is too rare
    to count reliably in a sample (two random records seldom share a phone),
    so its ``u`` is computed exactly from the value frequencies,
    ``sum_v c_v (c_v - 1) / (n (n - 1))`` over the records that have a value,
    and the sampled shares of the other levels are scaled to the remainder.

    Parameters
    ----------
    prepared:
        Frame from :func:`matchmaker.dedupe.prepare.prepare`.
    spec:
        The model whose comparisons to estimate.
    max_pairs:
        Number of random pairs to compare (all pairs when there are fewer).
    groups:
        Optional group label per row (link mode): random pairs are drawn
        across groups.
    random_state:
        Seed of the sample.
    context:
        Precomputed comparison context of ``prepared`` (optional).

    Returns
    -------
    ModelSpec
        A copy with new ``u`` values and ``info["u_pairs"]``.
    """

    n = len(prepared)
    if n < 2:
        return spec
    rng = np.random.default_rng(random_state)
    group_arr = (
        None if groups is None else np.asarray(pd.factorize(pd.Series(np.asarray(groups)))[0])
    )
    total = n * (n - 1) // 2
    if total <= max_pairs and group_arr is None:
        a, b = np.triu_indices(n, k=1)
    else:
        a = rng.integers(0, n, size=max_pairs)
        b = rng.integers(0, n, size=max_pairs)
        keep = a != b if group_arr is None else group_arr[a] != group_arr[b]
        a, b = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    ids = prepared["id"].to_numpy(dtype=object)
    pairs = pd.DataFrame(
        {"id_a": ids[a], "id_b": ids[b], "row_a": a.astype(np.int64), "row_b": b.astype(np.int64)}
    )
    compared = compare(prepared, pairs, spec, context=context)
    u_tables: list[FloatArray] = []
    for comp in spec.comparisons:
        codes = compared[comp.field].to_numpy(dtype=np.int64)
        present = codes != MISSING
        n_levels = len(comp.levels)
        counts = np.bincount(codes[present], minlength=n_levels).astype(np.float64)
        share = (counts + _SMOOTHING) / (counts.sum() + _SMOOTHING * n_levels)
        if comp.method != "set" and "exact" in comp.level_names:
            keys = exact_keys(prepared, comp)
            if group_arr is None:
                vc = keys[keys != ""].value_counts().to_numpy(dtype=np.float64)
                n_present = vc.sum()
                exact = (vc * (vc - 1)).sum() / max(n_present * (n_present - 1), 1.0)
            else:
                left = keys[(group_arr == 0) & (keys != "").to_numpy()].value_counts()
                right = keys[(group_arr != 0) & (keys != "").to_numpy()].value_counts()
                shared = left.index.intersection(right.index)
                exact = float((left[shared] * right[shared]).sum()) / max(
                    float(left.sum() * right.sum()), 1.0
                )
            exact = max(exact, 1.0 / max(total, 1) / 10)
            e = _exact_code(comp.level_names)
            rest = np.delete(share, e)
            rest = rest / rest.sum() * (1.0 - exact)
            share = np.insert(rest, e, exact)
        u_tables.append(share)
    fitted = _with_levels(spec, None, u_tables)
    return replace(fitted, info={**spec.info, "u_pairs": len(pairs)})


def _anchor_masks(
    patterns: CodeMatrix, counts: npt.NDArray[np.int64], spec: ModelSpec
) -> list[npt.NDArray[np.bool_] | None]:
    """Per comparison, the patterns whose pairs agree exactly on another anchor field."""
    position = {c.field: k for k, c in enumerate(spec.comparisons)}
    hits = {
        position[a]: patterns[:, position[a]]
        == _exact_code(spec.comparisons[position[a]].level_names)
        for a in spec.anchors
        if a in position
    }
    masks: list[npt.NDArray[np.bool_] | None] = []
    for k in range(len(spec.comparisons)):
        others = [hit for a, hit in hits.items() if a != k]
        if not others:
            masks.append(None)
            continue
        mask = np.logical_or.reduce(others)
        if int(counts[mask].sum()) < spec.min_anchor_pairs:
            masks.append(None)
        else:
            masks.append(mask)
    return masks


def _posterior(matrix: CodeMatrix, m: list[FloatArray], spec: ModelSpec, lam: float) -> FloatArray:
    logit = math.log(lam) - math.log1p(-lam) + _log_m(matrix, m) - _log_u(matrix, spec)
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -700.0, 700.0)))


def _conditional_u(
    spec: ModelSpec, patterns: CodeMatrix, counts: npt.NDArray[np.int64], post: FloatArray
) -> ModelSpec:
    """Re-estimate ``u_given`` from reference pairs weighted by their non-duplicate posterior."""
    weights = counts.astype(np.float64) * (1.0 - post)
    new: list[Comparison] = []
    for k, comp in enumerate(spec.comparisons):
        if not comp.given:
            new.append(comp)
            continue
        rows_of = _given_codes(patterns, spec, k)
        codes = patterns[:, k].astype(np.int64)
        n_levels = len(comp.levels)
        table: dict[str, tuple[float, ...]] = {}
        for c, key in enumerate(_given_keys(spec, k)):
            rows = (rows_of == c + 1) & (codes != MISSING)
            total = float(weights[rows].sum())
            if total < _MIN_CONDITIONAL_WEIGHT:
                continue
            num = np.bincount(codes[rows], weights=weights[rows], minlength=n_levels)
            share = (num + _SMOOTHING) / (num.sum() + _SMOOTHING * n_levels)
            table[key] = tuple(float(x) for x in share)
        new.append(replace(comp, u_given=table))
    return replace(spec, comparisons=tuple(new))


def fit(
    comparisons: pd.DataFrame,
    spec: ModelSpec,
    *,
    total_pairs: int,
    n_records: int,
    reference: pd.DataFrame | None = None,
) -> ModelSpec:
    """Estimate ``m``, the match prior and name-conditional ``u`` by expectation–maximisation.

    ``u`` comes from random pairs (:func:`estimate_u`); candidate pairs are
    not a random sample — blocking keeps pairs that already agree on name,
    place or phone — so their level shares say nothing about ``u``, and all
    pairs outside the candidates are taken to be different businesses. Each
    iteration computes every candidate's posterior probability of being a
    duplicate, sets the prior to the expected number of duplicates over
    ``total_pairs``, and re-estimates ``m`` as posterior-weighted level
    shares. Fields are assumed to agree independently within each class
    (except for ``given``, below); missing values are uninformative; additive
    smoothing keeps every probability positive.

    Two refinements keep look-alike distinct businesses (same common name,
    same town, same trade) from passing as duplicates:

    * *Anchored m.* Plain EM takes such look-alikes for the duplicate class
      and then learns that a different phone number hardly matters. So each
      field's ``m`` is estimated only on pairs agreeing exactly on one of the
      *other* anchor fields (``spec.anchors``: a shared phone or e-mail), still
      weighted by their posterior. A field with fewer than
      ``spec.min_anchor_pairs`` anchored pairs uses all candidates.
    * *Name-conditional u.* For comparisons with ``given`` (place given the
      name, trade given name and place), ``u`` is estimated separately for
      each combination of the given fields' levels from
      ``reference`` pairs — records with alike names anywhere in the country
      (:func:`matchmaker.dedupe.index.name_alike_pairs`), chosen on the name
      alone — weighted by their posterior of being *different* businesses.

    The two steps alternate until the prior settles. With fewer candidates
    than ``spec.min_pairs_to_fit`` the prior ``m`` are kept and the prior is
    set from ``spec.duplicate_rate``.

    Parameters
    ----------
    comparisons:
        Output of :func:`matchmaker.dedupe.compare.compare` for the candidates.
    spec:
        Starting model, ``u`` already estimated.
    total_pairs:
        Number of record pairs that could be duplicates (``n (n - 1) / 2``
        within one frame, ``n_new * n_old`` when linking two).
    n_records:
        Number of records that may have a duplicate (``n``, or ``n_new``).
    reference:
        Compared name-alike pairs for the conditional ``u`` (optional).

    Returns
    -------
    ModelSpec
        A copy with fitted ``m``, ``u_given``, ``match_prior``, ``fitted=True``
        and fit statistics in ``info`` (``pairs``, ``patterns``,
        ``iterations``, ``converged``, ``expected_duplicates``,
        ``anchored_fields``).

    Raises
    ------
    ValidationError
        If ``total_pairs`` or ``n_records`` is not positive.
    """
    if total_pairs <= 0 or n_records <= 0:
        raise ValidationError("total_pairs and n_records must be positive to fit the model")
    patterns, counts = level_patterns(comparisons, spec)
    n_pairs = int(counts.sum())
    prior = min(spec.duplicate_rate * n_records / total_pairs, 0.5)
    if n_pairs < spec.min_pairs_to_fit or not spec.comparisons:
        log.info("only %d candidate pairs: keeping the prior m parameters", n_pairs)
        return replace(
            spec, match_prior=prior, info={**spec.info, "pairs": n_pairs, "fit": "prior kept"}
        )
    ref_patterns, ref_counts = (
        level_patterns(reference, spec)
        if reference is not None and len(reference)
        else (None, None)
    )
    m = [np.asarray([lv.m for lv in c.levels], dtype=np.float64) for c in spec.comparisons]
    lam = prior
    weights = counts.astype(np.float64)
    anchored = _anchor_masks(patterns, counts, spec)
    current = spec
    converged = False
    iteration = 0
    expected = 0.0
    for _outer in range(5):
        previous_lam = lam
        for step in range(1, spec.em_max_iter + 1):
            iteration = step
            post = _posterior(patterns, m, current, lam)
            wm = weights * post
            expected = float(wm.sum())
            new_lam = float(np.clip(expected / total_pairs, 1e-15, 0.5))
            new_m: list[FloatArray] = []
            for k, comp in enumerate(spec.comparisons):
                codes = patterns[:, k].astype(np.int64)
                present = codes != MISSING
                use = present if anchored[k] is None else present & anchored[k]
                n_levels = len(comp.levels)
                num = np.bincount(codes[use], weights=wm[use], minlength=n_levels)
                new_m.append((num + _SMOOTHING) / (num.sum() + _SMOOTHING * n_levels))
            change = max(
                abs(math.log(new_lam) - math.log(lam)),
                *(float(np.abs(x - y).max()) for x, y in zip(new_m, m, strict=True)),
            )
            m, lam = new_m, new_lam
            if change < spec.em_tol:
                converged = True
                break
        if ref_patterns is None or ref_counts is None:
            break
        ref_post = _posterior(ref_patterns, m, current, lam)
        current = _conditional_u(current, ref_patterns, ref_counts, ref_post)
        if abs(math.log(lam) - math.log(previous_lam)) < 1e-3 and _outer > 0:
            break
    if not converged:
        log.warning("EM did not converge in %d iterations", spec.em_max_iter)
    fitted = _with_levels(current, m, None)
    info = {
        **spec.info,
        "pairs": n_pairs,
        "reference_pairs": 0 if ref_counts is None else int(ref_counts.sum()),
        "patterns": len(patterns),
        "iterations": iteration,
        "converged": converged,
        "expected_duplicates": round(expected, 3),
        "anchored_fields": [
            c.field for c, a in zip(spec.comparisons, anchored, strict=True) if a is not None
        ],
        "fit": "em",
    }
    return replace(fitted, match_prior=lam, fitted=True, info=info)


def field_weights(comparisons: pd.DataFrame, spec: ModelSpec) -> FloatArray:
    """Each field's contribution (bits) to every pair's match weight.

    ``log2(m / u)`` of the level reached (``u`` conditional on the ``given``
    field's level where the model has one), plus the clipped term-frequency
    adjustment on exact agreement; 0 for missing values.

    Parameters
    ----------
    comparisons:
        Output of :func:`matchmaker.dedupe.compare.compare` (or of :func:`score`).
    spec:
        The model.

    Returns
    -------
    numpy.ndarray
        Shape ``(pairs, comparisons)``.
    """
    matrix = _level_matrix(comparisons, spec)
    out = np.zeros(matrix.shape, dtype=np.float64)
    for k, comp in enumerate(spec.comparisons):
        m = np.asarray([lv.m for lv in comp.levels], dtype=np.float64)
        u = _u_matrix(spec, k)
        rows = _given_codes(matrix, spec, k)
        codes = matrix[:, k].astype(np.int64)
        present = codes != MISSING
        out[present, k] = np.log2(m[codes[present]] / u[rows[present], codes[present]])
        tf_col = f"{comp.field}_tf"
        if comp.tf_adjust and tf_col in comparisons.columns:
            bits = comparisons[tf_col].to_numpy(dtype=np.float64)
            bits = np.clip(bits, -comp.tf_max_bits, comp.tf_max_bits)
            out[:, k] += np.where(codes == _exact_code(comp.level_names), bits, 0.0)
    return out


def score(comparisons: pd.DataFrame, spec: ModelSpec) -> pd.DataFrame:
    """Match weight and probability of every compared pair.

    Parameters
    ----------
    comparisons:
        Output of :func:`matchmaker.dedupe.compare.compare`.
    spec:
        The (fitted) model.

    Returns
    -------
    pandas.DataFrame
        The comparison frame with ``score`` (match probability in ``[0, 1]``)
        and ``match_weight`` (bits) inserted after ``id_a, id_b``, sorted by
        descending score then ids.
    """
    prior = math.log2(spec.match_prior / (1 - spec.match_prior))
    total = prior + field_weights(comparisons, spec).sum(axis=1)
    prob = 1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60)))
    if "row_a" in comparisons.columns and "row_b" in comparisons.columns:
        # rows follow id order (prepare sorts by id), so this is (-score, id_a, id_b)
        order = np.lexsort(
            (
                comparisons["row_b"].to_numpy(),
                comparisons["row_a"].to_numpy(),
                -prob,
            )
        )
    else:
        keys = comparisons[["id_a", "id_b"]].assign(score=prob)
        order = keys.sort_values(
            ["score", "id_a", "id_b"], ascending=[False, True, True], kind="stable"
        ).index.to_numpy()
    out = comparisons.iloc[order].reset_index(drop=True)
    out.insert(2, "score", prob[order])
    out.insert(3, "match_weight", total[order])
    return out


def explain(scored: pd.DataFrame, spec: ModelSpec) -> pd.DataFrame:
    """Level names and weights (bits) per field: why each pair scored as it did.

    Parameters
    ----------
    scored:
        Output of :func:`score` (any subset of its rows).
    spec:
        The model that scored them.

    Returns
    -------
    pandas.DataFrame
        ``id_a``, ``id_b``, ``score``, then ``<field>_level`` (``exact``,
        ``close`` …, ``missing``) and ``<field>_bits`` (that field's
        contribution, term-frequency adjustment included) for every compared
        field. No personal data: levels only, never the values compared.
    """
    out = scored[["id_a", "id_b", "score"]].copy()
    matrix = _level_matrix(scored, spec)
    bits = field_weights(scored, spec)
    for k, comp in enumerate(spec.comparisons):
        codes = matrix[:, k].astype(np.int64)
        names = np.asarray([*comp.level_names, "missing"], dtype=object)
        out[f"{comp.field}_level"] = names[np.where(codes == MISSING, len(comp.levels), codes)]
        out[f"{comp.field}_bits"] = np.round(bits[:, k], 3)
    return out.reset_index(drop=True)
