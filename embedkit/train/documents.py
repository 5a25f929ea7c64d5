"""Document embeddings: Doc2Vec (gensim) and SentenceEncoder (sentence-transformers).

:class:`Doc2Vec` trains paragraph vectors (PV-DM or PV-DBOW) epoch by epoch, so that
``stop()`` ends the run after the current epoch, and infers vectors for new documents
reproducibly. :class:`SentenceEncoder` embeds texts with a pretrained BERT-family
model, preferring the offline packaged all-MiniLM-L6-v2 over the Hugging Face hub.

Examples
--------
>>> docs = [["human", "machine", "interface"], ["graph", "of", "trees"],
...         ["graph", "minors", "survey"], ["user", "interface", "system"]] * 5
>>> d2v = Doc2Vec(vector_size=8, min_count=1, epochs=3, deterministic=True).fit(docs)
>>> d2v.embeddings_
Embeddings(20 labels × 8 dims)
>>> len(d2v.history_), bool(d2v.history_["loss"].isna().all())
(3, True)
>>> bool((d2v.infer(["graph", "survey"]) == d2v.infer(["graph", "survey"])).all())
True
"""

from __future__ import annotations

import sys
import warnings
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import CorpusWarning, EmbedkitWarning, warn
from ..vectors import Embeddings
from .base import EpochResult, Trainer, renamed
from .corpus import (
    check_corpus,
    check_vocabulary,
    count_words,
    estimate_memory,
    split_long_documents,
)
from .params import check_positive_int, default_workers
from .probes import make_probes
from .sentences import SentenceEncoder

__all__ = ["Doc2Vec", "SentenceEncoder"]

_PREVIEW_WORDS = 30
_PREVIEW_CHARS = 200


def _preview(text: str) -> str:
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 1] + "…"


def _split_tagged(documents: Any, tags: Sequence[Any] | None) -> tuple[list[Any], list[list[str]]]:
    """Token lists and per-document tag lists from token lists or TaggedDocuments."""
    if documents is None or isinstance(documents, str | bytes):
        bad: Any = documents
        check_corpus(bad, "documents")  # raises the shared, clear error
    try:
        one_shot = iter(documents) is documents
    except TypeError:
        raise TypeError(
            f"documents is {type(documents).__name__}; expected a list of token lists "
            "or of gensim TaggedDocuments"
        ) from None
    items = list(documents)
    if one_shot:
        warn(
            f"documents is a one-shot iterator ({type(documents).__name__}); it was read into "
            "memory because training needs several passes. Pass a list to avoid this.",
            CorpusWarning,
        )
    tagged = [hasattr(d, "words") and hasattr(d, "tags") for d in items]
    if any(tagged) and tags is not None:
        raise ValueError("give labels either as TaggedDocument tags or as labels=, not both")
    if tags is not None and len(tags) != len(items):
        raise ValueError(f"{len(tags)} labels for {len(items)} documents; they must match")
    words: list[Any] = []
    doc_tags: list[list[str]] = []
    for i, (doc, is_tagged) in enumerate(zip(items, tagged, strict=True)):
        if is_tagged:
            if isinstance(doc.tags, str | bytes) or not isinstance(doc.tags, Iterable):
                raise TypeError(
                    f"documents[{i}].tags is {type(doc.tags).__name__} ({doc.tags!r}); tags must "
                    f"be a list, e.g. TaggedDocument(words, [{doc.tags!r}])"
                )
            words.append(doc.words)
            doc_tags.append([str(t) for t in doc.tags])
        else:
            words.append(doc)
            doc_tags.append([str(i if tags is None else tags[i])])
        if not doc_tags[-1]:
            raise ValueError(f"documents[{i}] has no tags; every document needs at least one")
    return words, doc_tags


def _warn_untrained(corpus: list[Any], vocab: dict[str, int]) -> None:
    """Warn about documents none of whose words survived ``min_count`` (never trained)."""
    empty = [i for i, doc in enumerate(corpus) if not any(w in vocab for w in doc.words)]
    if empty:
        warn(
            f"{len(empty)} document(s) have no word left after min_count (first: piece "
            f"{empty[0]}, tags {corpus[empty[0]].tags}); their vectors stay random. Lower "
            "min_count or drop them.",
            EmbedkitWarning,
        )


class Doc2Vec(Trainer):
    """Paragraph vectors (Le & Mikolov 2014) trained with gensim, one epoch at a time.

    Parameters
    ----------
    vector_size, window, min_count, sample, negative, hs
        As in :class:`gensim.models.Doc2Vec`.
    learning_rate, min_learning_rate : float
        gensim's ``alpha`` and ``min_alpha``: the learning rate decays linearly from
        ``learning_rate`` to ``min_learning_rate`` over the planned ``epochs``.
    dm : {0, 1}
        0 for PV-DBOW (distributed bag of words, the default), 1 for PV-DM (distributed
        memory). Measured on the Lee corpus (300 training documents, Spearman against the
        human ratings of the 50 test documents, inferred; 100 dimensions, 40 epochs):
        PV-DBOW 0.40, PV-DM 0.29 (PV-DBOW is also the faster).
    dbow_words : {0, 1}
        With ``dm=0``, also train word vectors skip-gram style (slower, often better).
    epochs : int
        Passes over the corpus; ``stop()`` ends the run after the current one. gensim's
        10 (the paper's, for big corpora) leaves a notebook-sized corpus collapsed: on
        the Lee corpus PV-DBOW reaches 0.01 after 10 epochs (mean cosine 0.98), 0.35 after
        20, 0.40 after 40 (mean cosine 0.32).
    workers : int, optional
        Training threads (default: the machine's cores; more than one is not
        reproducible).
    seed : int
        Seed for the initial vectors, and for :meth:`infer`.
    deterministic : bool
        Force one worker so that runs with the same seed give identical vectors.
    probes : list, optional
        Per-epoch evaluations (see :mod:`embedkit.train.probes`): callables
        ``f(emb) -> float | dict`` get the current document vectors; their values land
        in ``history_`` and on the dashboard's chart.
    track : bool, int or list of str, optional
        Record a timeline of these documents' vectors after every epoch in ``timeline_``
        (``True``: the first 2,000 tags, an int: that many, or a list of tags), and their
        ``settling`` in ``history_`` (see :mod:`embedkit.train.tracking`).

    Notes
    -----
    gensim reports no training loss for Doc2Vec (always 0), so ``loss`` is ``NaN`` in
    ``history_`` and "n/a" on the dashboard, never a fake 0. Documents longer than
    10,000 tokens are split into pieces sharing the document's tags (gensim would
    silently truncate them). The fitted gensim model is ``model_``; it holds no
    embedkit callbacks, so ``model_.save()`` files load anywhere gensim is installed.

    Examples
    --------
    >>> from gensim.models.doc2vec import TaggedDocument
    >>> docs = [TaggedDocument(["a", "b", "c"], ["first"]), TaggedDocument(["b", "c"], ["second"])]
    >>> Doc2Vec(vector_size=4, min_count=1, epochs=2, dm=0).fit(docs).embeddings_.labels
    ['first', 'second']
    """

    param_choices: ClassVar[dict[str, tuple[Any, ...]]] = {"dm": (1, 0), "dbow_words": (0, 1)}
    unit = "words/s"
    """Raw corpus words read per second (as for Word2Vec)."""

    def __init__(
        self,
        vector_size: int = 100,
        dm: int = 0,
        window: int = 5,
        min_count: int = 2,
        sample: float = 1e-3,
        negative: int = 5,
        hs: int = 0,
        dbow_words: int = 0,
        epochs: int = 40,
        learning_rate: float = 0.025,
        min_learning_rate: float = 0.0001,
        workers: int | None = None,
        seed: int = 1,
        deterministic: bool = False,
        probes: Any = None,
        track: Any = None,
        observers: Iterable[Any] = (),
    ) -> None:
        super().__init__(observers)
        self.track = track
        self.vector_size = vector_size
        self.dm = dm
        self.window = window
        self.min_count = min_count
        self.sample = sample
        self.negative = negative
        self.hs = hs
        self.dbow_words = dbow_words
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.min_learning_rate = min_learning_rate
        self.workers = workers
        self.seed = seed
        self.deterministic = deterministic
        self.probes = probes

    def __repr__(self) -> str:
        kind = "PV-DM" if self.dm else "PV-DBOW"
        return f"Doc2Vec({kind}, vector_size={self.vector_size}, epochs={self.epochs})"

    # ----------------------------------------------------------------- checks
    def _check_params(self) -> None:
        for name in ("vector_size", "epochs", "window", "min_count"):
            check_positive_int(self, name)
        if self.workers is not None:
            check_positive_int(self, "workers")
        if self.dm not in (0, 1):
            raise ValueError(f"Doc2Vec dm must be 1 (PV-DM) or 0 (PV-DBOW), got {self.dm!r}")
        if not 0 < self.min_learning_rate <= self.learning_rate:
            raise ValueError(
                "Doc2Vec needs 0 < min_learning_rate <= learning_rate; got "
                f"learning_rate={self.learning_rate}, min_learning_rate={self.min_learning_rate}"
            )
        if not self.hs and self.negative < 1:
            raise ValueError("Doc2Vec with hs=0 needs negative >= 1 (else nothing is trained)")

    def _corpus(
        self, documents: Any, labels: Sequence[Any] | None, texts: Sequence[str] | None
    ) -> tuple[list[Any], pd.DataFrame]:
        """gensim TaggedDocuments (long ones split) and per-tag metadata."""
        from gensim.models.doc2vec import TaggedDocument

        words, doc_tags = _split_tagged(documents, labels)
        if texts is not None and len(texts) != len(words):
            raise ValueError(f"{len(texts)} texts for {len(words)} documents; they must match")
        docs = check_corpus(words, "documents", max_len=sys.maxsize, one_shot="error")
        check_vocabulary(count_words(docs), self.min_count, "documents")
        pieces, origin = split_long_documents(docs, name="documents", return_index=True)
        corpus = [TaggedDocument(p, doc_tags[o]) for p, o in zip(pieces, origin, strict=True)]
        first: dict[str, int] = {}
        n_tokens: dict[str, int] = {}
        for i, (doc, tag_list) in enumerate(zip(docs, doc_tags, strict=True)):
            for tag in tag_list:
                first.setdefault(tag, i)
                n_tokens[tag] = n_tokens.get(tag, 0) + len(doc)
        preview = [
            _preview(texts[i] if texts is not None else " ".join(docs[i][:_PREVIEW_WORDS]))
            for i in first.values()
        ]
        meta = pd.DataFrame({"text": preview, "tokens": list(n_tokens.values())}, index=list(first))
        return corpus, meta

    # ----------------------------------------------------------------- training
    @renamed(tags="labels")
    def fit(
        self,
        documents: Any,
        labels: Sequence[Any] | None = None,
        texts: Sequence[str] | None = None,
    ) -> Doc2Vec:
        """Train on ``documents`` (token lists or gensim ``TaggedDocument`` s).

        Parameters
        ----------
        documents : list of token lists, or of TaggedDocument
            Token lists are labelled by position ("0", "1", ...) unless ``labels`` is given.
        labels : sequence, optional
            One label per document (str or int; the rows of ``embeddings_`` are
            ``str(label)``); gensim calls them tags.
        texts : sequence of str, optional
            The original texts, shown in ``embeddings_.metadata["text"]`` (default: the
            first words of each document).
        """
        from gensim.models.doc2vec import Doc2Vec as GensimDoc2Vec

        self._check_params()
        make_probes(self.probes)  # a bad probe fails before training, not after epoch 1
        corpus, meta = self._corpus(documents, labels, texts)
        workers = 1 if self.deterministic else default_workers(self.workers)
        model = GensimDoc2Vec(
            vector_size=self.vector_size, dm=self.dm, window=self.window,
            min_count=self.min_count, sample=self.sample, negative=self.negative, hs=self.hs,
            dbow_words=self.dbow_words, epochs=self.epochs, alpha=self.learning_rate,
            min_alpha=self.min_learning_rate, workers=workers, seed=self.seed,
        )  # fmt: skip
        model.build_vocab(corpus)
        _warn_untrained(corpus, model.wv.key_to_index)
        self.memory_estimate_ = estimate_memory(
            len(model.wv), self.vector_size, kind="doc2vec", n_tokens=model.corpus_total_words,
            n_docs=len(model.dv), hs=bool(self.hs),
        )  # fmt: skip
        self.memory_estimate_.warn_if_too_large("Doc2Vec training")
        self.model_, self._meta = model, meta
        epochs, a0, a1 = int(self.epochs), float(self.learning_rate), float(self.min_learning_rate)

        def step(epoch: int) -> EpochResult:
            start, end = self._linear_rate(a0, a1, epoch, epochs)
            model.train(
                corpus, total_examples=model.corpus_count, epochs=1,
                start_alpha=start, end_alpha=end,
            )  # fmt: skip
            # gensim's Doc2Vec.train returns nothing; one epoch reads every corpus word,
            # the same count Word2Vec's train() returns as its raw word count
            return EpochResult(loss=None, items=model.corpus_total_words)

        def end() -> None:
            # gensim's train(epochs=1) overwrote these; infer() and model_ users need the plan
            model.epochs, model.alpha, model.min_alpha = epochs, a0, a1
            model.callbacks = ()
            self.embeddings_ = self._document_embeddings()

        self._run_epochs(step, current=self._document_embeddings, end=end)
        return self

    def _document_embeddings(self) -> Embeddings:
        keys = [str(k) for k in self.model_.dv.index_to_key]
        meta = self._meta.reindex(keys).rename_axis("tag").reset_index()
        return Embeddings(keys, self.model_.dv.vectors, metadata=meta)

    # ----------------------------------------------------------------- inference
    def infer(self, tokens: Sequence[str], epochs: int | None = None) -> np.ndarray:
        """A vector for a new document, the same on every call (and in every process).

        gensim's ``infer_vector`` starts from a vector seeded by Python's ``hash`` (which
        changes between processes) and trains with the model's shared random state, so
        repeated calls differ. Here the start vector comes from ``seed`` and a CRC of the
        words, and the random state is reseeded before each call; the training steps are
        gensim's own (``train_document_dm`` / ``train_document_dbow``).

        Examples
        --------
        >>> d2v = Doc2Vec(vector_size=4, min_count=1, epochs=2).fit([["a", "b"], ["b", "c"]])
        >>> v = d2v.infer(["a", "c"])
        >>> v.shape, bool((v == d2v.infer(["a", "c"])).all())
        ((4,), True)
        """
        from gensim.models import doc2vec_inner as inner

        model = self._check_fitted("model_")
        if isinstance(tokens, str | bytes):
            raise TypeError("infer() takes a list of tokens, not a str; use ek.tokenize(text)")
        words = check_corpus([tokens], "tokens", max_len=sys.maxsize)[0]
        if not any(w in model.wv.key_to_index for w in words):
            warn(
                f"none of the {len(words)} tokens is in the vocabulary; the inferred vector "
                "carries no information",
                EmbedkitWarning,
            )
        size, n_epochs = model.dv.vector_size, int(epochs or self.epochs)
        rng = np.random.default_rng([self.seed, zlib.crc32(" ".join(words).encode("utf-8"))])
        vec = ((rng.random(size) - 0.5) / size).astype(np.float32).reshape(1, size)
        lockf, work = np.ones(1, dtype=np.float32), np.zeros(model.layer1_size, dtype=np.float32)
        neu1 = np.zeros(model.layer1_size, dtype=np.float32)
        alpha = float(self.learning_rate)
        delta = (alpha - self.min_learning_rate) / max(n_epochs - 1, 1)
        kw = dict(learn_words=False, learn_hidden=False, doctag_vectors=vec, doctags_lockf=lockf)
        # the training's random state is put back, so inferring (e.g. in a probe between
        # epochs) never changes what the rest of the training does
        saved, model.random = model.random, np.random.RandomState(self.seed)
        try:
            for _ in range(n_epochs):
                if model.sg:
                    inner.train_document_dbow(model, words, [0], alpha, work, **kw)
                else:
                    inner.train_document_dm(model, words, [0], alpha, work, neu1, **kw)
                alpha -= delta
        finally:
            model.random = saved
        return vec[0].copy()

    def infer_many(
        self,
        documents: Iterable[Sequence[str]],
        labels: Sequence[Any] | None = None,
        texts: Sequence[str] | None = None,
        epochs: int | None = None,
    ) -> Embeddings:
        """Inferred vectors for several token lists, as :class:`Embeddings`.

        Row ``i`` equals ``infer(documents[i])``. Labels default to "0", "1", ...;
        ``metadata["text"]`` holds ``texts`` or the first words of each document.
        """
        docs = check_corpus(documents, "documents", max_len=sys.maxsize)
        if labels is not None and len(labels) != len(docs):
            raise ValueError(f"{len(labels)} labels for {len(docs)} documents; they must match")
        if texts is not None and len(texts) != len(docs):
            raise ValueError(f"{len(texts)} texts for {len(docs)} documents; they must match")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EmbedkitWarning)
            vectors = np.stack([self.infer(d, epochs=epochs) for d in docs])
        shown = texts if texts is not None else [" ".join(d[:_PREVIEW_WORDS]) for d in docs]
        names = range(len(docs)) if labels is None else labels
        return Embeddings(names, vectors, metadata={"text": [_preview(t) for t in shown]})

    def _save_state(self, folder: Path) -> None:
        model = self._check_fitted("model_")
        model.callbacks = ()
        model.save(str(folder / "model.gensim"))

    def _load_state(self, folder: Path) -> None:
        from gensim.models.doc2vec import Doc2Vec as GensimDoc2Vec

        self.model_ = GensimDoc2Vec.load(str(folder / "model.gensim"))
