"""Word embeddings: Word2Vec and FastText (gensim) and GloVe (torch), with per-epoch events.

The gensim trainers run one ``model.train(..., epochs=1)`` call per epoch with the
learning rate decaying linearly over the whole planned run, exactly as one gensim call
would (with ``deterministic=True`` the vectors are bit-for-bit those of a single
``gensim.models.Word2Vec(...)`` call with the same parameters). In between epochs they
report the epoch's real loss, throughput and probe metrics, and honour :meth:`stop`.
No gensim callback is attached to the model, so a saved ``model_`` loads anywhere.

Examples
--------
>>> from embedkit.train import Word2Vec
>>> corpus = [["the", "cat", "sat"], ["the", "dog", "sat"]] * 50
>>> w2v = Word2Vec(vector_size=8, min_count=1, epochs=2, deterministic=True).fit(corpus)
>>> w2v.embeddings_
Embeddings(4 labels × 8 dims)
>>> w2v.history_.columns.tolist()
['epoch', 'loss', 'words_per_sec', 'elapsed', 'mean_cosine']
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..vectors import Embeddings
from .base import EpochResult, Trainer
from .corpus import check_corpus, check_vocabulary, count_words, estimate_memory
from .glove import GloVe
from .params import SMALL_CORPUS_TOKENS, check_positive_int, default_workers
from .probes import make_probes

__all__ = ["FastText", "GloVe", "Word2Vec"]

log = logging.getLogger("embedkit.train")


def _snapshot(kv: Any) -> Embeddings:
    """Embeddings from gensim KeyedVectors: a copy of the vectors, counts as metadata."""
    labels = [str(k) for k in kv.index_to_key]
    counts = np.array([kv.get_vecattr(k, "count") for k in kv.index_to_key], dtype=np.int64)
    meta = pd.DataFrame({"count": counts}) if counts.size and counts.any() else None
    return Embeddings(labels, np.array(kv.vectors, dtype=np.float32, copy=True), metadata=meta)


def _no_op() -> None:
    return None


class _GensimWordTrainer(Trainer):
    """What Word2Vec and FastText share: gensim parameters and a one-epoch ``train`` call."""

    _kind = "word2vec"
    _has_loss = True
    unit = "words/s"
    warn_collapse = True
    rows_are_words = True  # the dashboard may chart an English benchmark
    param_choices: ClassVar[dict[str, tuple[Any, ...]]] = {
        "sg": ("auto", 1, 0),
        "hs": (0, 1),
        "cbow_mean": (1, 0),
    }

    def __init__(
        self,
        vector_size: int,
        window: int,
        min_count: int,
        sg: int | str,
        hs: int,
        negative: int,
        ns_exponent: float,
        cbow_mean: int,
        sample: float,
        learning_rate: float,
        min_learning_rate: float,
        epochs: int,
        workers: int | None,
        seed: int,
        deterministic: bool,
        probes: Any,
        observers: Iterable[Any],
        track: Any = None,
    ) -> None:
        super().__init__(observers)
        self.track = track
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.sg = sg
        self.hs = hs
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.cbow_mean = cbow_mean
        self.sample = sample
        self.learning_rate = learning_rate
        self.min_learning_rate = min_learning_rate
        self.epochs = epochs
        self.workers = workers
        self.seed = seed
        self.deterministic = deterministic
        self.probes = probes

    # -- parameters ----------------------------------------------------------------------
    def _check_params(self) -> None:
        for name in ("vector_size", "window", "min_count", "epochs"):
            check_positive_int(self, name)
        if self.workers is not None:
            check_positive_int(self, "workers")
        if self.sg not in ("auto", 0, 1):
            raise ValueError(f"sg must be 'auto', 1 (skip-gram) or 0 (CBOW), got {self.sg!r}")
        if not 0 < self.min_learning_rate <= self.learning_rate:
            raise ValueError(
                "need 0 < min_learning_rate <= learning_rate, got "
                f"learning_rate={self.learning_rate}, min_learning_rate={self.min_learning_rate}"
            )
        if not self.hs and self.negative < 1:
            raise ValueError("hs=0 needs negative >= 1 (else nothing is trained)")

    def _resolve_sg(self, n_tokens: int) -> int:
        """``sg="auto"``: skip-gram below :data:`SMALL_CORPUS_TOKENS` tokens, else CBOW."""
        if self.sg == "auto":
            return 1 if n_tokens < SMALL_CORPUS_TOKENS else 0
        return int(self.sg)

    def gensim_params(self) -> dict[str, Any]:
        """Keyword arguments for the gensim model (``workers=1`` when ``deterministic``).

        ``sg`` is the architecture used (``sg_``) once fitted, else the parameter.
        """
        return {
            "vector_size": self.vector_size,
            "window": self.window,
            "min_count": self.min_count,
            "sg": getattr(self, "sg_", self.sg),
            "hs": self.hs,
            "negative": self.negative,
            "ns_exponent": self.ns_exponent,
            "cbow_mean": self.cbow_mean,
            "sample": self.sample,
            "alpha": self.learning_rate,
            "min_alpha": self.min_learning_rate,
            "epochs": self.epochs,
            "workers": 1 if self.deterministic else default_workers(self.workers),
            "seed": self.seed,
        }

    def _gensim_class(self) -> Any:
        raise NotImplementedError

    def _new_model(self) -> Any:
        return self._gensim_class()(**self.gensim_params())

    def _memory_kwargs(self) -> dict[str, Any]:
        return {}

    def _collapse_hint(self) -> str:
        arch = "skip-gram (sg=1)" if self.sg_ == 0 else "more data"
        return f"Train for more epochs, or try {arch}."

    # -- training ------------------------------------------------------------------------
    def fit(self, corpus: Iterable[Sequence[str]]) -> _GensimWordTrainer:
        """Train on ``corpus`` (a list of token lists); returns ``self``.

        Raises a clear error for plain strings, an empty corpus or a ``min_count`` that
        leaves no vocabulary; splits documents over 10,000 tokens and materialises a
        one-shot generator, each with a warning; warns when the memory estimate exceeds
        the available memory.
        """
        self._check_params()
        make_probes(self.probes)  # a bad probe fails before training, not after epoch 1
        docs = check_corpus(corpus)
        counts = count_words(docs)
        n_words = check_vocabulary(counts, self.min_count)
        n_tokens = sum(counts.values())
        self.sg_ = self._resolve_sg(n_tokens)
        self.memory_estimate_ = estimate_memory(
            n_words,
            self.vector_size,
            kind=self._kind,
            n_tokens=n_tokens,
            hs=bool(self.hs),
            **self._memory_kwargs(),
        )
        log.info("%s: %s", type(self).__name__, self.memory_estimate_)
        self.memory_estimate_.warn_if_too_large(f"{type(self).__name__}.fit")
        model = self._new_model()
        model.build_vocab(corpus_iterable=docs)
        self.model_ = model
        self._prepare(model)
        epochs, a0, a1 = int(self.epochs), float(self.learning_rate), float(self.min_learning_rate)

        def step(epoch: int) -> EpochResult:
            start, end = self._linear_rate(a0, a1, epoch, epochs)
            _, raw_words = model.train(
                corpus_iterable=docs,
                total_examples=model.corpus_count,
                total_words=model.corpus_total_words,
                epochs=1,
                start_alpha=start,
                end_alpha=end,
                compute_loss=self._has_loss,
            )
            loss = float(model.get_latest_training_loss()) if self._has_loss else None
            return EpochResult(loss=loss, items=raw_words)

        self._run_epochs(step, current=lambda: self._current(model), end=lambda: self._end(model))
        return self

    def _prepare(self, model: Any) -> None:
        """Hook before the first epoch."""

    def _current(self, model: Any) -> Embeddings:
        """The vectors as they are now (for probes between epochs)."""
        return _snapshot(model.wv)

    def _end(self, model: Any) -> None:
        # one-epoch calls leave epochs=1 and the last alpha on the model: restore them
        model.epochs = self.epochs_done_ or int(self.epochs)
        model.alpha, model.min_alpha = float(self.learning_rate), float(self.min_learning_rate)
        self.embeddings_ = _snapshot(model.wv)

    def _save_state(self, folder: Path) -> None:
        self._check_fitted("model_").save(str(folder / "model.gensim"))

    def _load_state(self, folder: Path) -> None:
        self.model_ = self._gensim_class().load(str(folder / "model.gensim"))
        self.sg_ = int(self.model_.sg)

    # -- results -------------------------------------------------------------------------
    def vector(self, word: str) -> np.ndarray:
        """The vector of ``word`` (a copy); an unknown word raises ``KeyError`` with suggestions."""
        return self._check_fitted()[word]

    def __repr__(self) -> str:
        params = self.get_params()
        shown = ", ".join(
            f"{k}={params[k]!r}"
            for k in ("vector_size", "window", "min_count", "sg", "epochs")
            if k in params
        )
        fitted = (
            f", sg_={self.sg_}"
            if getattr(self, "sg_", None) is not None and self.sg == "auto"
            else ""
        )
        return f"{type(self).__name__}({shown}{fitted})"


class Word2Vec(_GensimWordTrainer):
    """Word2Vec (Mikolov et al. 2013) through gensim, skip-gram (``sg=1``) or CBOW (``sg=0``).

    Parameters keep gensim's names and defaults. ``deterministic=True`` forces one worker
    (gensim's multi-threaded training is not reproducible) so that two runs with the same
    ``seed`` give the same vectors bit for bit.

    Parameters
    ----------
    vector_size, window, min_count, sg, hs, negative, ns_exponent, cbow_mean, sample
        As in ``gensim.models.Word2Vec``; ``sg="auto"`` (default) is skip-gram on corpora
        under 50 million tokens, CBOW above.
    learning_rate, min_learning_rate : float
        gensim's ``alpha`` and ``min_alpha``: the rate decays linearly from the first to
        the second over the whole run.
    epochs, workers, seed
        As in ``gensim.models.Word2Vec``; ``workers=None`` uses the machine's cores.
    deterministic : bool
        One worker, fixed ``seed``: reproducible vectors.
    probes : list, optional
        Per-epoch evaluations (see :mod:`embedkit.train.probes`), e.g. ``["wordsim353"]``.
    track : bool, int or list of str, optional
        Record a timeline of these words' vectors after every epoch in ``timeline_``
        (``True``: the 2,000 most frequent, an int: that many, or a list of words), and
        their ``settling`` in ``history_`` (see :mod:`embedkit.train.tracking`).
    observers : list, optional
        Receivers of :class:`~embedkit.train.TrainingEvent` (dashboard, tqdm, list).

    Attributes
    ----------
    embeddings_ : Embeddings
        The word vectors, most frequent first, with a ``count`` metadata column.
    history_ : pandas.DataFrame
        One row per epoch: epoch, loss (the epoch's summed negative-sampling or
        hierarchical-softmax loss, as gensim computes it), words_per_sec, elapsed, probes.
    model_ : gensim.models.Word2Vec
        The trained gensim model (``model_.save(path)``; loads without embedkit).
    memory_estimate_ : MemoryEstimate
        The estimate made before training.
    timeline_ : Timeline
        With ``track=``: the tracked words' vectors and aligned 2D positions per epoch.

    Examples
    --------
    >>> corpus = [["king", "queen", "royal"], ["man", "woman", "person"]] * 30
    >>> m = Word2Vec(vector_size=10, min_count=1, sg=1, epochs=3, deterministic=True)
    >>> m.fit(corpus).history_["epoch"].tolist()
    [1, 2, 3]
    >>> m.embeddings_.metadata["count"].iloc[0]
    np.int64(30)
    """

    def __init__(
        self,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 5,
        sg: int | str = "auto",
        hs: int = 0,
        negative: int = 5,
        ns_exponent: float = 0.75,
        cbow_mean: int = 1,
        sample: float = 1e-3,
        learning_rate: float = 0.025,
        min_learning_rate: float = 0.0001,
        epochs: int = 5,
        workers: int | None = None,
        seed: int = 1,
        deterministic: bool = False,
        probes: Any = None,
        track: Any = None,
        observers: Iterable[Any] = (),
    ) -> None:
        super().__init__(
            vector_size, window, min_count, sg, hs, negative, ns_exponent, cbow_mean,
            sample, learning_rate, min_learning_rate, epochs, workers, seed, deterministic, probes,
            observers, track,
        )  # fmt: skip

    def _gensim_class(self) -> Any:
        from gensim.models import Word2Vec as GensimWord2Vec

        return GensimWord2Vec

    def _new_model(self) -> Any:
        return self._gensim_class()(compute_loss=True, **self.gensim_params())


class FastText(_GensimWordTrainer):
    """FastText (Bojanowski et al. 2017) through gensim: words plus character n-grams.

    ``embeddings_`` holds the vocabulary (for neighbours, plots, export). Words that were
    never seen still get a vector from their character n-grams: use :meth:`vector`,
    :meth:`embed` or :meth:`neighbours`. gensim computes no loss for FastText, so
    ``history_["loss"]`` is NaN and progress shows "n/a" (never a fake 0).

    Parameters
    ----------
    min_n, max_n : int
        Lengths of the character n-grams (gensim's defaults 3 and 6).
    bucket : int
        Hash buckets for n-gram vectors (memory: ``bucket × vector_size × 4`` bytes, twice).
    vector_size, window, min_count, sg, hs, negative, ns_exponent, cbow_mean, sample
        As for :class:`Word2Vec`.
    learning_rate, min_learning_rate, epochs, workers, seed, deterministic
        As for :class:`Word2Vec`.
    probes, track, observers
        As for :class:`Word2Vec`.

    Examples
    --------
    >>> corpus = [["walking", "talking", "running"], ["walked", "talked", "ran"]] * 20
    >>> ft = FastText(vector_size=8, min_count=1, bucket=1000, epochs=2, deterministic=True)
    >>> ft = ft.fit(corpus)
    >>> "walks" in ft.embeddings_, ft.vector("walks").shape
    (False, (8,))
    >>> ft.history_["loss"].isna().all()
    np.True_
    """

    _kind = "fasttext"
    _has_loss = False

    def __init__(
        self,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 5,
        sg: int | str = "auto",
        hs: int = 0,
        negative: int = 5,
        ns_exponent: float = 0.75,
        cbow_mean: int = 1,
        sample: float = 1e-3,
        learning_rate: float = 0.025,
        min_learning_rate: float = 0.0001,
        epochs: int = 5,
        workers: int | None = None,
        seed: int = 1,
        min_n: int = 3,
        max_n: int = 6,
        bucket: int = 2_000_000,
        deterministic: bool = False,
        probes: Any = None,
        track: Any = None,
        observers: Iterable[Any] = (),
    ) -> None:
        super().__init__(
            vector_size, window, min_count, sg, hs, negative, ns_exponent, cbow_mean,
            sample, learning_rate, min_learning_rate, epochs, workers, seed, deterministic, probes,
            observers, track,
        )  # fmt: skip
        self.min_n = min_n
        self.max_n = max_n
        self.bucket = bucket

    def gensim_params(self) -> dict[str, Any]:
        """Keyword arguments for ``gensim.models.FastText``."""
        return {
            **super().gensim_params(),
            "min_n": self.min_n,
            "max_n": self.max_n,
            "bucket": self.bucket,
        }

    def _memory_kwargs(self) -> dict[str, Any]:
        return {"bucket": self.bucket if self.max_n >= self.min_n else 0}

    def _gensim_class(self) -> Any:
        from gensim.models import FastText as GensimFastText

        return GensimFastText

    def _prepare(self, model: Any) -> None:
        # gensim rebuilds every word vector from its n-grams after each train() call, in a
        # Python loop (seconds per call); one plain gensim run does it once. Skip it between
        # epochs (training reads vectors_vocab and vectors_ngrams, never wv.vectors) and
        # do it once at the end, as gensim does. The override is an instance attribute
        # removed before anything can be saved.
        model.wv.adjust_vectors = _no_op
        self._ngram_matrix: Any = None

    def _end(self, model: Any) -> None:
        wv = model.wv
        if "adjust_vectors" in vars(wv):
            del wv.adjust_vectors
        wv.adjust_vectors()
        super()._end(model)

    def _current(self, model: Any) -> Embeddings:
        """Word vectors from the current word and n-gram vectors (vectorised, for probes)."""
        import scipy.sparse as sp

        wv = model.wv
        sizes = np.array([len(b) for b in wv.buckets_word], dtype=np.int64)
        if self._ngram_matrix is None:
            rows = np.repeat(np.arange(len(sizes)), sizes)
            cols = np.concatenate([np.asarray(b, dtype=np.int64) for b in wv.buckets_word])
            ones = np.ones(cols.size, dtype=np.float32)
            shape = (len(sizes), wv.vectors_ngrams.shape[0])
            self._ngram_matrix = sp.csr_matrix((ones, (rows, cols)), shape=shape)
        summed = wv.vectors_vocab + self._ngram_matrix @ wv.vectors_ngrams
        vectors = (summed / (sizes + 1)[:, None]).astype(np.float32)
        counts = [wv.get_vecattr(k, "count") for k in wv.index_to_key]
        return Embeddings(list(wv.index_to_key), vectors, metadata={"count": counts})

    def vector(self, word: str) -> np.ndarray:
        """The vector of ``word``, in the vocabulary or not (built from its n-grams).

        Raises ``KeyError`` only when the word has no character n-gram at all (n-grams
        disabled with ``max_n < min_n``, or the empty string).
        """
        model = self._check_fitted("model_")
        if not isinstance(word, str):
            raise TypeError(f"word must be a str, not {type(word).__name__}")
        if word in model.wv.key_to_index:
            return np.array(model.wv.get_vector(word), dtype=np.float32)
        if not model.wv.bucket or not word:
            raise KeyError(f"{word!r} is not in the vocabulary and has no character n-grams")
        vec = np.array(model.wv.get_vector(word), dtype=np.float32)
        if not vec.any():
            raise KeyError(f"{word!r} is not in the vocabulary and has no character n-grams")
        return vec

    def embed(self, words: Sequence[str]) -> Embeddings:
        """Embeddings for any ``words`` (out-of-vocabulary ones via n-grams).

        Metadata column ``in_vocab`` says which words were seen in training.
        """
        words = list(dict.fromkeys(words))
        if not words:
            raise ValueError("embed() needs at least one word")
        vectors = np.vstack([self.vector(w) for w in words])
        known = self._check_fitted("model_").wv.key_to_index
        return Embeddings(words, vectors, metadata={"in_vocab": [w in known for w in words]})

    def neighbours(self, word: str, k: int = 10, **kwargs: Any) -> pd.DataFrame:
        """Nearest vocabulary words to ``word``, which may be unseen (vector from n-grams).

        Keyword arguments go to :meth:`Embeddings.neighbours`; ``word`` itself is excluded.
        """
        emb = self._check_fitted()
        exclude = set(kwargs.pop("exclude", ()))
        if word in emb:
            exclude.add(word)
        return emb.neighbours(self.vector(word), k=k, exclude=exclude, **kwargs)
