"""The learned reciprocal scorer: both sides must say yes, and it must work out.

A recommendation is good when the Imer would take the supplier *and* the
supplier would take the Imer *and* the partnership then goes well. The scorer
models this as a product of two logistic sides over the named pair signals::

    P(good pair) = sigmoid(a) * sigmoid(b)
    a = c_a + w_a . x      the Imer's side  (is this supplier right for me?)
    b = c_b + w_b . x      the supplier's side (is this Imer worth it to me?)

Each side sees only the signals that express its interest
(:attr:`matchmaker.features.Signal.sides`). The weights are fitted by
penalised maximum likelihood on the partnership history:

* every decided pair and sampled non-partner pairs are labelled good (accepted
  and not rated poorly) or not, and fit the product;
* decided proposals also fit the supplier's side alone (accepted or declined —
  the supplier is the one who answers a proposal);
* an L2 penalty pulls every weight towards a hand-written content prior
  (:data:`matchmaker.features.PAIR_SIGNALS` ``prior``), so with little history
  the scorer stays close to common sense and with none it *is* the prior.

The fitted model is a handful of named numbers per side (:meth:`to_dict`),
readable in the saved JSON, and every score splits into per-signal
contributions, which is where the reasons come from.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from matchmaker.errors import NotFittedError, ValidationError
from matchmaker.features import PAIR_SIGNALS

__all__ = [
    "PRIOR_INTERCEPTS",
    "ReciprocalObjective",
    "ReciprocalScorer",
    "SideWeights",
    "log1mexp",
]

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]

#: Cold-start intercepts (log-odds) of the Imer's and the supplier's side.
PRIOR_INTERCEPTS: dict[str, float] = {"imer": -1.0, "supplier": 1.0}


def log1mexp(x: F64) -> F64:
    """``log(1 - exp(x))`` for ``x < 0``, accurate over the whole range."""
    x = np.minimum(x, -1e-12)
    out: F64 = np.where(x > -0.6931471805599453, np.log(-np.expm1(x)), np.log1p(-np.exp(x)))
    return out


@dataclass(frozen=True)
class SideWeights:
    """Fitted weights of one side, in raw signal units.

    Attributes
    ----------
    features:
        Names of the signals this side uses.
    weights:
        Log-odds per unit of each signal.
    intercept:
        Log-odds at all-zero signals.
    mean, scale:
        Typical value and spread of each signal in the training pairs (the
        reference point of contributions, and the standardisation used while fitting).
    """

    features: tuple[str, ...]
    weights: F64
    intercept: float
    mean: F64
    scale: F64

    def logit(self, x: F64) -> F64:
        """Log-odds for rows of ``x`` (columns in :attr:`features` order)."""
        out: F64 = self.intercept + x @ self.weights
        return out

    def contributions(self, x: F64) -> F64:
        """Per-signal contributions relative to a typical pair: ``w * (x - mean)``."""
        out: F64 = (x - self.mean) * self.weights
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (weights by name)."""
        return {
            "intercept": float(self.intercept),
            "weights": {f: float(w) for f, w in zip(self.features, self.weights, strict=True)},
            "mean": {f: float(m) for f, m in zip(self.features, self.mean, strict=True)},
            "scale": {f: float(s) for f, s in zip(self.features, self.scale, strict=True)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SideWeights:
        """Inverse of :meth:`to_dict`."""
        feats = tuple(str(f) for f in data["weights"])
        return cls(
            features=feats,
            weights=np.array([float(data["weights"][f]) for f in feats]),
            intercept=float(data["intercept"]),
            mean=np.array([float(data["mean"][f]) for f in feats]),
            scale=np.array([float(data["scale"][f]) for f in feats]),
        )


def _side_features(side: str, extra: Sequence[str]) -> tuple[str, ...]:
    base = tuple(s.name for s in PAIR_SIGNALS if side in s.sides)
    return base + tuple(extra)


def _prior_weights(side: str, features: Sequence[str]) -> F64:
    prior = {s.name: s.prior.get(side, 0.0) for s in PAIR_SIGNALS}
    return np.array([prior.get(f, 0.0) for f in features])


@dataclass(frozen=True, eq=False)
class ReciprocalObjective:
    """Penalised negative log-likelihood of the reciprocal model and its gradient.

    ``theta`` is ``[w_a, c_a, w_b, c_b]`` over standardised signals ``za``
    (Imer side) and ``zb`` (supplier side). The value is::

        - sum weight * [good * log p + (1 - good) * log(1 - p)]      p = s(a) s(b)
        - sum accept_weight * [accepted * log s(b) + (1 - accepted) * log s(-b)]
        + l2 / 2 * (|w_a - prior_a|^2 + |w_b - prior_b|^2)

    Calling it returns ``(value, gradient)`` for ``scipy.optimize.minimize(jac=True)``.
    """

    za: F64
    zb: F64
    good: F64
    weight: F64
    accepted: F64
    accept_weight: F64
    prior_a: F64
    prior_b: F64
    l2: float

    @property
    def size(self) -> int:
        """Length of ``theta``."""
        return int(self.za.shape[1] + self.zb.shape[1] + 2)

    def __call__(self, theta: F64) -> tuple[float, F64]:
        na, nb = self.za.shape[1], self.zb.shape[1]
        ta, ca = theta[:na], theta[na]
        tb, cb = theta[na + 1 : na + 1 + nb], theta[na + 1 + nb]
        y, w, acc_y, acc_w, lam = self.good, self.weight, self.accepted, self.accept_weight, self.l2
        a = self.za @ ta + ca
        b = self.zb @ tb + cb
        lsa, lsb = log_expit(a), log_expit(b)
        logp = lsa + lsb
        log1mp = log1mexp(logp)
        p = np.exp(logp)
        joint = -(w * (y * logp + (1.0 - y) * log1mp)).sum()
        accept = -(acc_w * (acc_y * lsb + (1.0 - acc_y) * log_expit(-b))).sum()
        penalty = 0.5 * lam * (((ta - self.prior_a) ** 2).sum() + ((tb - self.prior_b) ** 2).sum())
        # d joint / d a = -w * sigmoid(-a) * (y - p) / (1 - p), and likewise for b
        r = w * (y - p) / np.maximum(np.exp(log1mp), 1e-12)
        ga = -r * expit(-a)
        gb = -r * expit(-b) - acc_w * (acc_y - expit(b))
        grad = np.concatenate(
            [
                self.za.T @ ga + lam * (ta - self.prior_a),
                [ga.sum()],
                self.zb.T @ gb + lam * (tb - self.prior_b),
                [gb.sum()],
            ]
        )
        return float(joint + accept + penalty), grad


class ReciprocalScorer:
    """Product of an Imer-side and a supplier-side logistic model over pair signals.

    Parameters
    ----------
    l2:
        Strength of the pull towards the prior weights (in standardised units;
        larger keeps the model closer to the prior).
    acceptance_weight:
        Weight of the supplier-side acceptance term relative to the joint term.
    extra_features:
        Names of additional numeric pair features (e.g. graph signals) used by
        both sides with a zero prior.
    max_iter:
        Iterations of the L-BFGS optimiser.

    Attributes
    ----------
    imer_ : SideWeights
    supplier_ : SideWeights
    fitted_on_history_ : bool
        ``False`` when the weights are the prior (no or too little history).
    n_train_ : int
        Training pairs used.
    """

    def __init__(
        self,
        *,
        l2: float = 1.0,
        acceptance_weight: float = 1.0,
        extra_features: Sequence[str] = (),
        max_iter: int = 500,
    ) -> None:
        self.l2 = l2
        self.acceptance_weight = acceptance_weight
        self.extra_features = tuple(extra_features)
        self.max_iter = max_iter

    # ------------------------------------------------------------ structure
    @property
    def feature_names(self) -> tuple[str, ...]:
        """All columns the scorer reads, in order."""
        return tuple(s.name for s in PAIR_SIGNALS) + self.extra_features

    def _columns(self, side: str) -> npt.NDArray[np.int64]:
        names = self.feature_names
        return np.array([names.index(f) for f in _side_features(side, self.extra_features)])

    def prior(self, x: F64 | None = None) -> ReciprocalScorer:
        """Set the weights to the cold-start prior (means and scales from ``x`` if given).

        Parameters
        ----------
        x:
            Optional pair signals whose mean/spread become the reference point of
            contributions; zeros and ones otherwise.

        Returns
        -------
        ReciprocalScorer
            ``self``.
        """
        for side in ("imer", "supplier"):
            feats = _side_features(side, self.extra_features)
            cols = self._columns(side)
            mean = x[:, cols].mean(axis=0) if x is not None and len(x) else np.zeros(len(feats))
            scale = np.ones(len(feats))
            if x is not None and len(x):
                scale = np.maximum(x[:, cols].std(axis=0), 1e-3)
            weights = SideWeights(
                feats, _prior_weights(side, feats), PRIOR_INTERCEPTS[side], mean, scale
            )
            setattr(self, f"{side}_", weights)
        self.fitted_on_history_ = False
        self.n_train_ = 0
        return self

    # -------------------------------------------------------------- fitting
    def fit(
        self,
        x: F64,
        good: npt.NDArray[np.bool_],
        *,
        sample_weight: F64 | None = None,
        accepted: F64 | None = None,
    ) -> ReciprocalScorer:
        """Fit both sides by penalised maximum likelihood.

        Parameters
        ----------
        x:
            ``(n, len(feature_names))`` pair signals.
        good:
            Whether each pair was accepted and worked out.
        sample_weight:
            Per-pair weights (default 1).
        accepted:
            Per pair: 1 accepted, 0 declined, NaN when no proposal was answered
            (sampled non-partners, pending proposals); fits the supplier side.

        Returns
        -------
        ReciprocalScorer
            ``self``.

        Raises
        ------
        ValidationError
            If the shapes disagree or ``x`` holds non-finite values.
        """
        x = np.asarray(x, dtype=np.float64)
        n = x.shape[0]
        if x.ndim != 2 or x.shape[1] != len(self.feature_names) or len(good) != n:
            raise ValidationError(
                f"training matrix has shape {x.shape}, expected (n, {len(self.feature_names)}) "
                f"with {n} labels"
            )
        if not np.isfinite(x).all():
            raise ValidationError("training pair signals contain NaN or infinite values")
        y = np.asarray(good, dtype=np.float64)
        w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, np.float64)
        acc = np.full(n, np.nan) if accepted is None else np.asarray(accepted, np.float64)
        cols_a, cols_b = self._columns("imer"), self._columns("supplier")
        mu = x.mean(axis=0)
        sd = np.maximum(x.std(axis=0), 1e-3)
        za = (x[:, cols_a] - mu[cols_a]) / sd[cols_a]
        zb = (x[:, cols_b] - mu[cols_b]) / sd[cols_b]
        feats_a = _side_features("imer", self.extra_features)
        feats_b = _side_features("supplier", self.extra_features)
        prior_a = _prior_weights("imer", feats_a) * sd[cols_a]
        prior_b = _prior_weights("supplier", feats_b) * sd[cols_b]
        ca0 = PRIOR_INTERCEPTS["imer"] + float(_prior_weights("imer", feats_a) @ mu[cols_a])
        cb0 = PRIOR_INTERCEPTS["supplier"] + float(_prior_weights("supplier", feats_b) @ mu[cols_b])
        na, nb = za.shape[1], zb.shape[1]
        has_acc = np.isfinite(acc)
        acc_y = np.where(has_acc, acc, 0.0)
        acc_w = np.where(has_acc, self.acceptance_weight * w, 0.0)
        lam = float(self.l2)

        objective = ReciprocalObjective(
            za=za, zb=zb, good=y, weight=w, accepted=acc_y, accept_weight=acc_w,
            prior_a=prior_a, prior_b=prior_b, l2=lam,
        )  # fmt: skip
        theta0 = np.concatenate([prior_a, [ca0], prior_b, [cb0]])
        result = minimize(
            objective,
            theta0,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": self.max_iter},
        )
        if not result.success:
            log.warning("reciprocal scorer: optimiser stopped early (%s)", result.message)
        theta = result.x
        ta, ca = theta[:na], float(theta[na])
        tb, cb = theta[na + 1 : na + 1 + nb], float(theta[na + 1 + nb])
        wa, wb = ta / sd[cols_a], tb / sd[cols_b]
        self.imer_ = SideWeights(
            feats_a, wa, ca - float(wa @ mu[cols_a]), mu[cols_a].copy(), sd[cols_a].copy()
        )
        self.supplier_ = SideWeights(
            feats_b, wb, cb - float(wb @ mu[cols_b]), mu[cols_b].copy(), sd[cols_b].copy()
        )
        self.fitted_on_history_ = True
        self.n_train_ = int(n)
        self.loss_ = float(result.fun)
        return self

    # -------------------------------------------------------------- scoring
    def _check(self) -> None:
        if not hasattr(self, "imer_"):
            raise NotFittedError(
                "the reciprocal scorer has no weights: call fit() or prior() first"
            )

    def logits(self, x: F64) -> tuple[F64, F64]:
        """Imer-side and supplier-side log-odds for rows of ``x``."""
        self._check()
        x = np.asarray(x, dtype=np.float64)
        return (
            self.imer_.logit(x[:, self._columns("imer")]),
            self.supplier_.logit(x[:, self._columns("supplier")]),
        )

    def log_score(self, x: F64) -> F64:
        """``log P(good pair) = log sigmoid(a) + log sigmoid(b)``."""
        a, b = self.logits(x)
        out: F64 = log_expit(a) + log_expit(b)
        return out

    def contributions(self, x: F64) -> tuple[F64, F64]:
        """Per-signal contributions to each side's log-odds (relative to a typical pair)."""
        self._check()
        x = np.asarray(x, dtype=np.float64)
        return (
            self.imer_.contributions(x[:, self._columns("imer")]),
            self.supplier_.contributions(x[:, self._columns("supplier")]),
        )

    def retrieval_weights(self, x_positive: F64 | None = None) -> dict[str, float]:
        """Linear weights per feature approximating :meth:`log_score` near good pairs.

        ``d log sigmoid(a) / d a = sigmoid(-a)``; evaluated at the mean logits of
        ``x_positive`` (typical good pairs) this gives the first-order weight of
        each side, so ranking by ``sum(weight * signal)`` approximates ranking
        by the score where it matters.

        Parameters
        ----------
        x_positive:
            Signals of typical good pairs (default: both sides weighted 0.5).

        Returns
        -------
        dict of str to float
        """
        self._check()
        if x_positive is not None and len(x_positive):
            a, b = self.logits(x_positive)
            ga, gb = float(expit(-a).mean()), float(expit(-b).mean())
        else:
            ga = gb = 0.5
        out = dict.fromkeys(self.feature_names, 0.0)
        for side, g in ((self.imer_, ga), (self.supplier_, gb)):
            for f, wt in zip(side.features, side.weights, strict=True):
                out[f] += g * float(wt)
        return out

    # ---------------------------------------------------------------- state
    def to_dict(self) -> dict[str, Any]:
        """JSON-able parameters and weights."""
        self._check()
        return {
            "params": {
                "l2": self.l2,
                "acceptance_weight": self.acceptance_weight,
                "extra_features": list(self.extra_features),
                "max_iter": self.max_iter,
            },
            "fitted_on_history": bool(self.fitted_on_history_),
            "n_train": int(self.n_train_),
            "imer_side": self.imer_.to_dict(),
            "supplier_side": self.supplier_.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReciprocalScorer:
        """Inverse of :meth:`to_dict`."""
        params = dict(data["params"])
        scorer = cls(
            l2=float(params["l2"]),
            acceptance_weight=float(params["acceptance_weight"]),
            extra_features=tuple(params["extra_features"]),
            max_iter=int(params["max_iter"]),
        )
        scorer.imer_ = SideWeights.from_dict(data["imer_side"])
        scorer.supplier_ = SideWeights.from_dict(data["supplier_side"])
        scorer.fitted_on_history_ = bool(data["fitted_on_history"])
        scorer.n_train_ = int(data["n_train"])
        expected_a = _side_features("imer", scorer.extra_features)
        expected_b = _side_features("supplier", scorer.extra_features)
        if scorer.imer_.features != expected_a or scorer.supplier_.features != expected_b:
            raise ValidationError(
                "saved scorer features do not match this version's signals; "
                "refit the model with `matchmaker fit`"
            )
        return scorer
