"""The duplicate model as data: blocking rules, comparisons, levels and weights.

A :class:`ModelSpec` says everything the pipeline does: which keys make
candidate pairs (:class:`BlockingRule`), which fields are compared and how
their similarity is cut into ordered levels (:class:`Comparison`,
:class:`Level`), and the Fellegi–Sunter parameters (``m``/``u`` per level, the
prior share of matches) that turn levels into a match weight. It round-trips
through JSON (:meth:`ModelSpec.to_json`, :meth:`ModelSpec.from_json`), so a
fitted model can be saved next to the data it was fitted on and read by people.

Level convention: a comparison's levels are listed from strongest agreement to
clear disagreement; a pair whose value is missing on either side gets the
level ``missing`` (code ``-1``), which is neutral (weight 0).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from dataclasses import field as dc_field
from typing import Any, Literal

from matchmaker.errors import ValidationError

__all__ = [
    "MISSING",
    "BlockingRule",
    "Comparison",
    "Level",
    "ModelSpec",
    "default_spec",
]

#: Code of the neutral level used when either side lacks the value.
MISSING = -1

Method = Literal["name", "phone", "email", "place", "exact", "string", "set", "number"]
BlockKey = Literal[
    "phone",
    "phone_fuzzy",
    "email",
    "name_key",
    "name_token",
    "token_prefix",
    "token_suffix",
    "drop_token",
    "swap_token",
]

_METHODS = ("name", "phone", "email", "place", "exact", "string", "set", "number")
_KEYS = (
    "phone",
    "phone_fuzzy",
    "email",
    "name_key",
    "name_token",
    "token_prefix",
    "token_suffix",
    "drop_token",
    "swap_token",
)


@dataclass(frozen=True)
class Level:
    """One level of a comparison.

    Attributes
    ----------
    name:
        Label shown in explanations (``exact``, ``close``, ``different`` …).
    threshold:
        Lower bound of the field similarity for this level (methods with a
        similarity score); ``None`` for levels decided otherwise.
    m:
        Probability of this level among pairs that are the same business.
    u:
        Probability of this level among pairs that are different businesses.
    """

    name: str
    threshold: float | None = None
    m: float = 0.5
    u: float = 0.5

    @property
    def weight(self) -> float:
        """Match weight of the level in bits, ``log2(m / u)``."""
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class Comparison:
    """How one field of two records is compared.

    Attributes
    ----------
    field:
        Column of the prepared matching frame (``name``, ``phone``, ``city`` …).
    method:
        ``name`` (rarity-weighted fuzzy token similarity), ``phone``
        (exact, or one digit off / same last eight digits), ``email`` (exact,
        or close by rapidfuzz), ``place`` (same city, similarly spelt city in
        the same province, same province only, different province: one
        comparison so that a shared city is not counted twice with its
        province), ``exact`` (equal or not), ``string`` (rapidfuzz ratio),
        ``set`` (same set, overlapping, disjoint), ``number`` (ratio of the
        smaller to the larger positive value, e.g. reported revenue).
    levels:
        From strongest agreement to disagreement, the last being the
        catch-all ``different``.
    tf_adjust:
        Whether agreement on the exact level is re-weighted by how common the
        shared value is: agreement on a rare value counts more.
    tf_max_bits:
        Bound on the absolute term-frequency adjustment, in bits.
    given:
        Other comparisons (``name``, then ``place``) whose levels this one's
        ``u`` depends on. Look-alike businesses cluster: two different shops
        both called "Berkah Jaya" are far more often in the same town and
        trade than two records drawn at random, so agreement on place or
        trade is weaker evidence when the names already agree. Empty for
        plain ``u``.
    u_given:
        For each combination of levels of ``given`` (level names joined by
        ``|``, e.g. ``exact|same_province``), this comparison's ``u`` per
        level among different businesses with those levels (estimated by
        :func:`~matchmaker.dedupe.model.fit`); combinations not listed use ``u``.
    """

    field: str
    method: Method
    levels: tuple[Level, ...]
    tf_adjust: bool = False
    tf_max_bits: float = 6.0
    given: tuple[str, ...] = ()
    u_given: dict[str, tuple[float, ...]] = dc_field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.method not in _METHODS:
            raise ValidationError(
                f"comparison {self.field!r}: unknown method {self.method!r}; use one of {_METHODS}"
            )
        if len(self.levels) < 2:
            raise ValidationError(f"comparison {self.field!r} needs at least two levels")
        for key, table in self.u_given.items():
            if len(table) != len(self.levels):
                raise ValidationError(
                    f"comparison {self.field!r}: u_given[{key!r}] has {len(table)} values for "
                    f"{len(self.levels)} levels"
                )

    def u_table(self, given_levels: str | None = None) -> tuple[float, ...]:
        """``u`` per level, conditional on the levels of :attr:`given` (``|``-joined) when known."""
        if given_levels is not None and given_levels in self.u_given:
            return self.u_given[given_levels]
        return tuple(lv.u for lv in self.levels)

    @property
    def level_names(self) -> tuple[str, ...]:
        """Names of the levels in code order (code ``i`` is ``level_names[i]``)."""
        return tuple(lv.name for lv in self.levels)

    def level_name(self, code: int) -> str:
        """The name of level ``code`` (``missing`` for :data:`MISSING`)."""
        return "missing" if code == MISSING else self.levels[code].name


@dataclass(frozen=True)
class BlockingRule:
    """Records that share a key become candidate pairs.

    Attributes
    ----------
    name:
        Label of the rule (reported with the pair counts).
    key:
        ``phone``/``email`` (any shared normalised contact), ``name_key``
        (same set of name tokens), ``name_token`` (a shared name token),
        ``token_prefix``/``token_suffix`` (first/last four letters of a token,
        which survive a typo in the other half).
    within:
        Columns of the prepared frame that must also agree (``province``,
        ``city``); records missing one of them get no key from the rule.
    max_block_size:
        Blocks larger than this are skipped (a token shared by thousands of
        records, like ``jaya``, says little); ``None`` for no limit.
    """

    name: str
    key: BlockKey
    within: tuple[str, ...] = ()
    max_block_size: int | None = None

    def __post_init__(self) -> None:
        if self.key not in _KEYS:
            raise ValidationError(
                f"blocking rule {self.name!r}: unknown key {self.key!r}; use one of {_KEYS}"
            )


@dataclass(frozen=True)
class ModelSpec:
    """Blocking, comparisons and Fellegi–Sunter parameters of a duplicate model.

    Attributes
    ----------
    comparisons:
        Field comparisons; their levels hold ``m`` and ``u``.
    blocking:
        Rules whose candidate pairs are united.
    match_prior:
        Probability that two records drawn at random are the same business
        (``lambda``); set by :func:`~matchmaker.dedupe.model.fit`.
    duplicate_rate:
        Share of records expected to have a duplicate; gives ``match_prior``
        when there are too few pairs to fit it.
    high:
        Score at or above which a pair may be merged automatically.
    low:
        Score at or above which a pair is reported (below ``high`` it goes to
        review).
    em_max_iter, em_tol:
        Limits of the expectation–maximisation fit.
    min_pairs_to_fit:
        Fewer candidate pairs than this keep the prior parameters.
    anchors:
        Fields whose exact agreement nearly always means the same business
        (a shared phone or e-mail). The ``m`` of every other field is
        estimated on the pairs agreeing exactly on an anchor, so that
        look-alike distinct businesses (same name, same town) cannot pass as
        the duplicate class; see :func:`matchmaker.dedupe.model.fit`.
    min_anchor_pairs:
        Fewer anchored pairs than this estimate a field's ``m`` on all pairs.
    fitted:
        Whether the parameters were estimated from data.
    info:
        Free notes (fit statistics: iterations, pairs, converged).
    """

    comparisons: tuple[Comparison, ...]
    blocking: tuple[BlockingRule, ...]
    match_prior: float = 1e-4
    duplicate_rate: float = 0.05
    high: float = 0.95
    low: float = 0.6
    em_max_iter: int = 100
    em_tol: float = 1e-5
    min_pairs_to_fit: int = 200
    anchors: tuple[str, ...] = ("phone", "email")
    min_anchor_pairs: int = 50
    fitted: bool = False
    info: dict[str, Any] = dc_field(default_factory=dict)
    version: int = 1

    def __post_init__(self) -> None:
        if not 0.0 < self.match_prior < 1.0:
            raise ValidationError(f"match_prior must be in (0, 1), got {self.match_prior}")
        if not 0.0 <= self.low <= self.high <= 1.0:
            raise ValidationError(
                f"thresholds must satisfy 0 <= low <= high <= 1, got low={self.low}, "
                f"high={self.high}"
            )
        names = [c.field for c in self.comparisons]
        if len(set(names)) != len(names):
            raise ValidationError(f"each field may be compared once, got {names}")
        for k, comp in enumerate(self.comparisons):
            for g in comp.given:
                if g not in names[:k]:
                    raise ValidationError(
                        f"comparison {comp.field!r} is conditioned on {g!r}, which is not a "
                        f"field compared before it ({', '.join(names[:k]) or 'none'})"
                    )

    def comparison(self, field_name: str) -> Comparison:
        """The comparison of ``field_name``.

        Raises
        ------
        ValidationError
            If the model does not compare that field.
        """
        for comp in self.comparisons:
            if comp.field == field_name:
                return comp
        raise ValidationError(
            f"the model compares no field {field_name!r}; fields: "
            f"{', '.join(c.field for c in self.comparisons)}"
        )

    def with_thresholds(self, *, high: float | None = None, low: float | None = None) -> ModelSpec:
        """A copy with other decision thresholds."""
        return replace(
            self,
            high=self.high if high is None else high,
            low=self.low if low is None else low,
        )

    # ----------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary of the whole specification."""
        return asdict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The specification as JSON text (round-trips with :meth:`from_json`)."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelSpec:
        """Build a specification from :meth:`to_dict` output.

        Raises
        ------
        ValidationError
            If a key is missing or a value is not admissible.
        """
        try:
            comparisons = tuple(
                Comparison(
                    field=str(c["field"]),
                    method=c["method"],
                    levels=tuple(
                        Level(
                            name=str(lv["name"]),
                            threshold=None
                            if lv.get("threshold") is None
                            else float(lv["threshold"]),
                            m=float(lv["m"]),
                            u=float(lv["u"]),
                        )
                        for lv in c["levels"]
                    ),
                    tf_adjust=bool(c.get("tf_adjust", False)),
                    tf_max_bits=float(c.get("tf_max_bits", 6.0)),
                    given=tuple(str(g) for g in (c.get("given") or ())),
                    u_given={
                        str(k): tuple(float(x) for x in v)
                        for k, v in (c.get("u_given") or {}).items()
                    },
                )
                for c in data["comparisons"]
            )
            blocking = tuple(
                BlockingRule(
                    name=str(b["name"]),
                    key=b["key"],
                    within=tuple(str(w) for w in b.get("within", ())),
                    max_block_size=None
                    if b.get("max_block_size") is None
                    else int(b["max_block_size"]),
                )
                for b in data["blocking"]
            )
            names = (
                "match_prior", "duplicate_rate", "high", "low", "em_max_iter", "em_tol",
                "min_pairs_to_fit", "min_anchor_pairs", "fitted", "info", "version",
            )  # fmt: skip
            rest: dict[str, Any] = {k: data[k] for k in names if k in data}
            if "anchors" in data:
                rest["anchors"] = tuple(str(a) for a in data["anchors"])
        except (KeyError, TypeError) as exc:
            raise ValidationError(f"model specification lacks or mistypes {exc}") from exc
        return cls(comparisons=comparisons, blocking=blocking, **rest)

    @classmethod
    def from_json(cls, text: str) -> ModelSpec:
        """Read a specification written by :meth:`to_json`.

        Raises
        ------
        ValidationError
            If the text is not JSON or not a specification.
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"model specification is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ValidationError("model specification must be a JSON object")
        return cls.from_dict(data)


_P = ("province",)
_C = ("province", "city")


def default_spec() -> ModelSpec:
    """The starting model for suppliers and Imers.

    The ``m`` values are priors that :func:`~matchmaker.dedupe.model.fit`
    replaces and the ``u`` values (for two records drawn at random) are
    replaced by :func:`~matchmaker.dedupe.model.estimate_u`; the priors are
    rounded from a fit on a synthetic registry of 20,000 records and give
    sensible scores when there is too little data to fit (a few hundred
    records).

    Returns
    -------
    ModelSpec
    """
    alike_place = (0.03, 1e-5, 0.095, 0.875)
    # trade of look-alikes: same town → often same trade too
    alike_trade = {
        "exact": (0.28, 0.07, 0.65),
        "close": (0.28, 0.07, 0.65),
        "same_province": (0.1, 0.07, 0.83),
        "different": (0.05, 0.07, 0.88),
    }
    return ModelSpec(
        comparisons=(
            Comparison(
                "name",
                "name",
                (
                    Level("exact", 1.0, m=0.55, u=4e-4),
                    Level("close", 0.85, m=0.35, u=1e-4),
                    Level("partial", 0.6, m=0.04, u=1.6e-3),
                    Level("weak", 0.35, m=0.03, u=0.05),
                    Level("different", None, m=0.03, u=0.9479),
                ),
                tf_adjust=True,
            ),
            Comparison(
                "owner",
                "string",
                (
                    Level("exact", 1.0, m=0.95, u=0.014),
                    Level("close", 0.8, m=0.02, u=2e-5),
                    Level("different", None, m=0.03, u=0.98598),
                ),
                tf_adjust=True,
            ),
            Comparison(
                "phone",
                "phone",
                (
                    Level("exact", None, m=0.9, u=2e-5),
                    Level("close", None, m=0.04, u=3e-6),
                    Level("different", None, m=0.06, u=0.999977),
                ),
                tf_adjust=True,
            ),
            Comparison(
                "email",
                "email",
                (
                    Level("exact", None, m=0.95, u=3e-5),
                    Level("close", 0.85, m=0.02, u=2e-4),
                    Level("different", None, m=0.03, u=0.99977),
                ),
                tf_adjust=True,
            ),
            Comparison(
                "place",
                "place",
                (
                    Level("exact", None, m=0.8, u=0.017),
                    Level("close", 0.85, m=0.01, u=1e-5),
                    Level("same_province", None, m=0.18, u=0.083),
                    Level("different", None, m=0.01, u=0.89999),
                ),
                tf_adjust=True,
                given=("name",),
                u_given={"exact": alike_place, "close": alike_place, "partial": alike_place},
            ),
            Comparison(
                "revenue",
                "number",
                (
                    Level("close", 0.67, m=0.6, u=0.11),
                    Level("near", 0.33, m=0.38, u=0.18),
                    Level("different", None, m=0.02, u=0.71),
                ),
            ),
            Comparison(
                "categories",
                "set",
                (
                    Level("exact", None, m=0.8, u=0.023),
                    Level("overlap", None, m=0.14, u=0.055),
                    Level("different", None, m=0.06, u=0.922),
                ),
                given=("name", "place"),
                u_given={
                    f"{name}|{place}": shares
                    for name in ("exact", "close", "partial")
                    for place, shares in alike_trade.items()
                },
            ),
        ),
        blocking=(
            BlockingRule("shared phone (one digit apart)", "phone_fuzzy"),
            BlockingRule("shared email", "email"),
            BlockingRule("same name but one word, in province", "drop_token", _P, 100),
            BlockingRule("one word differs, in province", "swap_token", _P, 100),
            BlockingRule("shared name word, in city", "name_token", _C, 60),
            BlockingRule("word prefix, in city", "token_prefix", _C, 30),
            BlockingRule("word suffix, in city", "token_suffix", _C, 30),
        ),
    )
