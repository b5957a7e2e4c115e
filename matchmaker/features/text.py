"""Product text embeddings: character n-gram TF-IDF reduced by truncated SVD.

Indonesian and English product descriptions are short, often misspelt and rich
in morphology (``keripik``/``kripik``, ``camilan``/``cemilan``, ``me-``/``-kan``
affixes). Character n-grams inside word boundaries (``char_wb``) make two texts
that share stems or most of a misspelt word similar without any dictionary.
The sparse TF-IDF vectors are reduced to a small dense space (latent semantic
analysis) and L2-normalised, so a dot product is a cosine similarity that can be
computed for millions of candidate pairs at once.

The fitted state is plain data (vocabulary list, idf vector, SVD components),
saved as JSON and ``.npz`` without pickle.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from matchmaker.errors import ValidationError

__all__ = ["ProductTextEncoder", "normalise_text"]

FloatArray = npt.NDArray[np.float32]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_text(text: object) -> str:
    """Lower-case, strip accents and punctuation; missing values become ``""``.

    Parameters
    ----------
    text:
        Any cell value (``None``/NaN give ``""``).

    Returns
    -------
    str
        Words of ``[0-9a-z]`` separated by single spaces.
    """
    if not isinstance(text, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", ascii_text).strip()


class ProductTextEncoder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Dense, L2-normalised embeddings of free product text.

    Parameters
    ----------
    n_components:
        Dimension of the dense embedding (capped by the vocabulary size).
    ngram_range:
        Character n-gram lengths, inside word boundaries.
    max_features:
        Vocabulary size kept (most frequent n-grams).
    min_df:
        Minimum number of documents an n-gram must appear in.
    random_state:
        Seed of the randomised SVD.

    Attributes
    ----------
    vocabulary_ : list of str
        The n-grams, in column order.
    idf_ : numpy.ndarray
        Inverse document frequencies, one per n-gram.
    components_ : numpy.ndarray
        ``(n_components_, len(vocabulary_))`` SVD basis.
    n_components_ : int
        Actual embedding dimension.

    Examples
    --------
    >>> enc = ProductTextEncoder(n_components=2, min_df=1).fit(
    ...     ["keripik singkong pedas", "kripik singkong balado", "sabun mandi herbal"]
    ... )
    >>> enc.transform(["keripik singkong"]).shape
    (1, 2)
    """

    def __init__(
        self,
        *,
        n_components: int = 64,
        ngram_range: tuple[int, int] = (3, 5),
        max_features: int = 30_000,
        min_df: int = 2,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.min_df = min_df
        self.random_state = random_state

    def _vectorizer(self, vocabulary: list[str] | None = None) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(self.ngram_range),
            preprocessor=normalise_text,
            lowercase=False,
            max_features=None if vocabulary is not None else self.max_features,
            min_df=1 if vocabulary is not None else self.min_df,
            sublinear_tf=True,
            vocabulary=vocabulary,
            dtype=np.float32,
        )

    def fit(self, texts: Any, y: Any = None) -> ProductTextEncoder:
        """Learn the n-gram vocabulary, idf weights and SVD basis.

        Parameters
        ----------
        texts:
            Iterable of product descriptions (missing values allowed).
        y:
            Ignored.

        Returns
        -------
        ProductTextEncoder
            ``self``.
        """
        docs = [normalise_text(t) for t in texts]
        non_empty = [d for d in docs if d]
        if not non_empty:
            # No text at all: an empty vocabulary gives zero vectors everywhere.
            self.vocabulary_ = []
            self.idf_ = np.zeros(0, dtype=np.float32)
            self.components_ = np.zeros((0, 0), dtype=np.float32)
            self.n_components_ = 0
            self._tfidf = None
            return self
        min_df = self.min_df if len(non_empty) >= 4 * self.min_df else 1
        vec = self._vectorizer()
        vec.set_params(min_df=min_df)
        matrix = vec.fit_transform(non_empty)
        vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        self.vocabulary_ = vocab
        self.idf_ = np.asarray(vec.idf_, dtype=np.float32)
        n_comp = int(min(self.n_components, matrix.shape[1] - 1, matrix.shape[0] - 1))
        if n_comp >= 1:
            svd = TruncatedSVD(n_components=n_comp, random_state=self.random_state, n_iter=5)
            with np.errstate(invalid="ignore", divide="ignore"):
                # identical documents have zero variance; only the ratio is NaN
                svd.fit(matrix)
            components = np.asarray(svd.components_, dtype=np.float32)
        else:
            # Tiny corpora: keep the raw (normalised) tf-idf space.
            components = np.eye(matrix.shape[1], dtype=np.float32)
        self.components_ = components
        self.n_components_ = int(components.shape[0])
        self._tfidf = self._build(vocab, self.idf_)
        return self

    def _build(self, vocab: list[str], idf: FloatArray) -> TfidfVectorizer:
        vec = self._vectorizer(vocabulary=vocab)
        vec.idf_ = idf.astype(np.float64)
        return vec

    def transform(self, texts: Any) -> FloatArray:
        """Embed product texts.

        Parameters
        ----------
        texts:
            Iterable of product descriptions.

        Returns
        -------
        numpy.ndarray
            ``(n, n_components_)`` float32, rows of unit length (zero rows for
            empty text or text with no known n-gram).
        """
        check_is_fitted(self, "components_")
        docs = [normalise_text(t) for t in texts]
        out = np.zeros((len(docs), self.n_components_), dtype=np.float32)
        if self.n_components_ == 0 or not docs:
            return out
        tfidf = getattr(self, "_tfidf", None)
        if tfidf is None:
            tfidf = self._tfidf = self._build(self.vocabulary_, self.idf_)
        sparse = tfidf.transform(docs)
        dense = sp.csr_matrix(sparse, dtype=np.float32) @ self.components_.T
        dense = np.asarray(dense, dtype=np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        np.divide(dense, norms, out=out, where=norms > 1e-12)
        return out

    # ------------------------------------------------------------------ state
    def get_state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        """Fitted state as JSON-able metadata and arrays (for saving without pickle)."""
        check_is_fitted(self, "components_")
        meta = {
            "params": {
                "n_components": self.n_components,
                "ngram_range": list(self.ngram_range),
                "max_features": self.max_features,
                "min_df": self.min_df,
                "random_state": self.random_state,
            },
            "vocabulary": list(self.vocabulary_),
        }
        arrays = {"idf": self.idf_, "components": self.components_}
        return meta, arrays

    @classmethod
    def from_state(
        cls, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]
    ) -> ProductTextEncoder:
        """Rebuild a fitted encoder from :meth:`get_state` output.

        Raises
        ------
        ValidationError
            If the arrays do not match the vocabulary.
        """
        params = dict(meta["params"])
        params["ngram_range"] = tuple(params["ngram_range"])
        enc = cls(**params)
        vocab = [str(v) for v in meta["vocabulary"]]
        idf = np.asarray(arrays["idf"], dtype=np.float32)
        components = np.asarray(arrays["components"], dtype=np.float32)
        if idf.shape != (len(vocab),) or (vocab and components.shape[1] != len(vocab)):
            raise ValidationError(
                "saved text model is inconsistent: idf/components do not match the "
                "vocabulary; refit the model with `matchmaker fit`"
            )
        enc.vocabulary_ = vocab
        enc.idf_ = idf
        enc.components_ = components
        enc.n_components_ = int(components.shape[0]) if vocab else 0
        enc._tfidf = enc._build(vocab, idf) if vocab else None
        return enc
