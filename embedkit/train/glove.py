"""GloVe (Pennington, Socher and Manning 2014) in torch: co-occurrence counts, then AdaGrad.

Counting is vectorised: the corpus becomes one array of word ids, and for each distance
``d`` in ``1..window`` the pairs ``(id[t], id[t + d])`` within a document get weight
``1/d``; scipy sums duplicates into a sparse matrix, made symmetric. Out-of-vocabulary
tokens are dropped before windowing, as in the reference ``cooccur.c``.

Training minimises ``sum f(X_ij) (w_i·c_j + b_i + b'_j - log X_ij)²`` with
``f(x) = min(1, (x / x_max)^alpha)`` by AdaGrad over shuffled mini-batches of
non-zero entries (the reference ``glove.c`` uses the same loss, AdaGrad with
accumulators starting at 1, learning rate 0.05 and gradient clipping at 100).
The vectors returned are word + context vectors, summed.

Examples
--------
>>> docs = [["a", "b", "c"], ["a", "b"]]
>>> X = cooccurrence_matrix(docs, ["a", "b", "c"], window=2)
>>> X.toarray().tolist()
[[0.0, 2.0, 0.5], [2.0, 0.0, 1.0], [0.5, 1.0, 0.0]]
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._deps import require
from ..vectors import Embeddings
from .base import EpochResult, Trainer
from .corpus import check_corpus, check_vocabulary, count_words, estimate_memory
from .params import SMALL_CORPUS_TOKENS, check_positive, check_positive_int
from .probes import make_probes

if TYPE_CHECKING:
    import scipy.sparse as sp

AUTO_X_MAX_SHARE = 0.01
"""``x_max="auto"``: the count reached by this share of the non-zero co-occurrences."""

_FLUSH = 8_000_000  # pair entries buffered before they are summed into the sparse matrix


def _word_ids(docs: Sequence[Sequence[str]], vocab: Sequence[str]) -> tuple[np.ndarray, ...]:
    """Word ids and document ids of every in-vocabulary token (OOV tokens dropped)."""
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    flat = [tok for doc in docs for tok in doc]
    ids = pd.Index(vocab).get_indexer(pd.Index(flat)).astype(np.int32)
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int32), lengths)
    keep = ids >= 0
    return ids[keep], doc_of[keep]


def cooccurrence_matrix(
    docs: Sequence[Sequence[str]],
    vocab: Sequence[str],
    window: int = 10,
    symmetric: bool = True,
) -> sp.csr_matrix:
    """Window-weighted co-occurrence counts, a ``len(vocab)``-square sparse matrix.

    A pair of words ``d`` tokens apart inside one document adds ``1/d``; windows do not
    cross documents. ``symmetric=True`` counts the left and the right context (``X``
    plus its transpose), like GloVe's default.

    Parameters
    ----------
    docs : list of token lists
    vocab : list of str
        Row and column labels; other tokens are dropped first.
    window : int
        Largest distance counted.
    symmetric : bool
        Count both directions.
    """
    import scipy.sparse as sp

    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    n = len(vocab)
    ids, doc_of = _word_ids(docs, vocab)
    total = sp.csr_matrix((n, n), dtype=np.float64)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    buffered = 0
    for d in range(1, min(window, max(len(ids) - 1, 0)) + 1):
        same = doc_of[d:] == doc_of[:-d]
        r, c = ids[:-d][same], ids[d:][same]
        rows.append(r)
        cols.append(c)
        vals.append(np.full(r.size, 1.0 / d))
        buffered += r.size
        if buffered >= _FLUSH:
            total = total + _coo_sum(rows, cols, vals, n)
            rows, cols, vals, buffered = [], [], [], 0
    if rows:
        total = total + _coo_sum(rows, cols, vals, n)
    out = (total + total.T).tocsr() if symmetric else total.tocsr()
    out.sum_duplicates()
    return out


def _coo_sum(rows: list[np.ndarray], cols: list[np.ndarray], vals: list[np.ndarray], n: int) -> Any:
    import scipy.sparse as sp

    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    return sp.coo_matrix((v, (r, c)), shape=(n, n)).tocsr()


class GloVe(Trainer):
    """GloVe word vectors trained in torch on your corpus (not a pretrained file).

    Learns on a notebook-sized corpus with no arguments but the data (``x_max`` is chosen
    from the co-occurrence counts, the batch size from the vocabulary), and keeps the
    paper's values on billion-token corpora.

    Parameters
    ----------
    vector_size : int
        Dimensions.
    window : int or "auto"
        Symmetric context window; pairs ``d`` apart count ``1/d``. ``"auto"`` (default):
        20 on a corpus under :data:`~embedkit.train.params.SMALL_CORPUS_TOKENS` tokens
        (sparse counts need the wider window: WordSim353 0.255 at 10, 0.32 at 20 on the
        Wikipedia sample), the paper's 10 above; ``window_`` holds the value used.
    min_count : int
        Words rarer than this are dropped before counting.
    x_max : float or "auto"
        The weighting function ``f(x) = min(1, (x / x_max)^alpha)`` gives full weight to
        counts from ``x_max`` up. The paper's 100 suits billions of tokens; on a small
        corpus nearly every count is far below 100, the weights are tiny and nothing is
        learned (WordSim353 Spearman -0.05 on the 450,000-token Wikipedia sample).
        ``"auto"`` (default) takes the co-occurrence value reached by the top
        :data:`AUTO_X_MAX_SHARE` of the non-zero entries, clipped to 1..100: 100 on big
        corpora, about 10 on the Wikipedia sample. ``x_max_`` holds the value used.
    alpha : float
        The weighting exponent (paper: 0.75); not a learning rate.
    learning_rate : float
        AdaGrad's initial step (the reference implementation's 0.05). Measured on the
        Wikipedia sample with the other defaults: 0.05 gives WordSim353 0.255 after 25
        epochs, 0.1 gives 0.21-0.23 (whatever ``x_max``).
    epochs : int
        Passes over the non-zero co-occurrences.
    batch_size : int or "auto"
        Co-occurrence entries per AdaGrad step. ``"auto"``: about four times the vocabulary
        size as a power of two, clipped to 1,024-32,768 (``batch_size_``); much bigger
        batches diverge on small vocabularies.
    workers : int or None
        torch threads during training (None: torch's setting).
    seed : int
        For the initial vectors and the shuffling.
    deterministic : bool
        One thread and a fixed seed: two runs give the same vectors bit for bit.
    probes, track, observers
        As for :class:`~embedkit.train.Word2Vec` (``track``: a timeline of the most
        frequent words, see :mod:`embedkit.train.tracking`).

    Attributes
    ----------
    embeddings_ : Embeddings
        Word + context vectors, most frequent word first, ``count`` metadata.
    history_ : pandas.DataFrame
        epoch, loss (mean ``½ f(X) (w·c + b + b' - log X)²`` over the non-zero entries,
        as ``glove.c`` reports it), pairs_per_sec, elapsed, probe metrics.
    cooccurrence_ : scipy.sparse.csr_matrix
        The weighted counts, rows and columns in ``embeddings_`` order.
    count_seconds_ : float
        Time spent counting co-occurrences.

    Examples
    --------
    >>> corpus = [["ice", "cold", "solid"], ["steam", "hot", "gas"]] * 20
    >>> g = GloVe(vector_size=5, window=2, min_count=1, epochs=5, deterministic=True)
    >>> g.fit(corpus).embeddings_
    Embeddings(6 labels × 5 dims)
    >>> bool(g.history_["loss"].is_monotonic_decreasing)
    True
    """

    unit = "pairs/s"
    uses_torch = True
    warn_collapse = True
    rows_are_words = True  # the dashboard may chart an English benchmark

    def __init__(
        self,
        vector_size: int = 100,
        window: int | str = "auto",
        min_count: int = 5,
        x_max: float | str = "auto",
        alpha: float = 0.75,
        learning_rate: float = 0.05,
        epochs: int = 25,
        batch_size: int | str = "auto",
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
        self.window = window
        self.min_count = min_count
        self.x_max = x_max
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.workers = workers
        self.seed = seed
        self.deterministic = deterministic
        self.probes = probes

    def __repr__(self) -> str:
        used = ""
        if getattr(self, "x_max_", None) is not None:
            used = (
                f", window_={self.window_}, x_max_={self.x_max_:.3g}, "
                f"batch_size_={self.batch_size_}"
            )
        return (
            f"GloVe(vector_size={self.vector_size}, window={self.window!r}, "
            f"min_count={self.min_count}, epochs={self.epochs}{used})"
        )

    def _check_params(self) -> None:
        for name in ("vector_size", "min_count", "epochs"):
            check_positive_int(self, name)
        if self.window != "auto":
            check_positive_int(self, "window")
        if self.batch_size != "auto":
            check_positive_int(self, "batch_size")
        if self.workers is not None:
            check_positive_int(self, "workers")
        check_positive(self, "alpha")
        check_positive(self, "learning_rate")
        if self.x_max != "auto":
            check_positive(self, "x_max")

    def _resolve(self, counts: np.ndarray, n_words: int) -> None:
        """``x_max_`` and ``batch_size_``: the user's values, or chosen from the data."""
        if self.batch_size == "auto":
            # about four entries per word row and batch: batched AdaGrad steps then stay
            # close to glove.c's one-entry-at-a-time updates (much bigger batches diverge on
            # small vocabularies: the loss of 1,000 Lee words rose 1.3 -> 12.6 at 32,768)
            power = 2 ** int(np.floor(np.log2(max(n_words, 1) * 4)))
            self.batch_size_ = int(np.clip(power, 1024, 32_768))
        else:
            self.batch_size_ = int(self.batch_size)
        if self.x_max == "auto":
            top = np.quantile(counts, 1.0 - AUTO_X_MAX_SHARE) if counts.size else 1.0
            self.x_max_ = float(np.clip(round(float(top), 1), 1.0, 100.0))
        else:
            self.x_max_ = float(self.x_max)

    def fit(self, corpus: Iterable[Sequence[str]]) -> GloVe:
        """Count co-occurrences in ``corpus`` (token lists) and train; returns ``self``.

        The input checks are those of :func:`~embedkit.train.corpus.check_corpus`.
        """
        self._check_params()
        require("torch", purpose="GloVe")
        docs = check_corpus(corpus)
        counts = count_words(docs)
        check_vocabulary(counts, self.min_count)
        vocab = [w for w, c in counts.most_common() if c >= self.min_count]
        n_tokens = sum(counts.values())
        if self.window == "auto":
            self.window_ = 20 if n_tokens < SMALL_CORPUS_TOKENS else 10
        else:
            self.window_ = int(self.window)
        self.memory_estimate_ = estimate_memory(
            len(vocab), self.vector_size, kind="glove", n_tokens=n_tokens, window=self.window_,
        )  # fmt: skip
        self.memory_estimate_.warn_if_too_large("GloVe.fit")
        make_probes(self.probes)  # a bad probe fails before counting, not after epoch 1
        t0 = time.perf_counter()
        self.cooccurrence_ = cooccurrence_matrix(docs, vocab, self.window_)
        self.count_seconds_ = time.perf_counter() - t0
        if self.cooccurrence_.nnz == 0:
            raise ValueError(
                f"no two of the {len(vocab)} vocabulary words occur within window="
                f"{self.window_} of each other; nothing to train on"
            )
        self._resolve(self.cooccurrence_.data, len(vocab))
        meta = pd.DataFrame({"count": np.array([counts[w] for w in vocab], dtype=np.int64)})
        state = _GloVeState(self, len(vocab))

        def current() -> Embeddings:
            return Embeddings(vocab, state.vectors(), meta)

        def end() -> None:
            self.embeddings_ = current()

        self._run_epochs(
            lambda epoch: EpochResult(state.epoch(), state.nnz), current=current, end=end
        )
        return self


class _GloVeState:
    """Parameters, AdaGrad accumulators and the shuffled co-occurrence entries."""

    def __init__(self, cfg: GloVe, n_words: int) -> None:
        import torch

        coo = cfg.cooccurrence_.tocoo()
        self.nnz = int(coo.nnz)
        self.gen = torch.Generator().manual_seed(int(cfg.seed))
        self.rows = torch.from_numpy(coo.row.astype(np.int64))
        self.cols = torch.from_numpy(coo.col.astype(np.int64))
        x = torch.from_numpy(coo.data.astype(np.float32))
        self.logx = torch.log(x)
        self.fx = torch.clamp((x / cfg.x_max_) ** cfg.alpha, max=1.0)
        d = int(cfg.vector_size)
        # word and context vectors and biases, initialised as in glove.c; AdaGrad sums at 1
        init = (torch.rand(2, n_words, d + 1, generator=self.gen) - 0.5) / d
        self.W, self.C = init[0, :, :d].contiguous(), init[1, :, :d].contiguous()
        self.bw, self.bc = init[0, :, d].contiguous(), init[1, :, d].contiguous()
        self.gW, self.gC = torch.ones_like(self.W), torch.ones_like(self.C)
        self.gbw, self.gbc = torch.ones_like(self.bw), torch.ones_like(self.bc)
        self.lr = float(cfg.learning_rate)
        self.batch = int(cfg.batch_size_)

    def epoch(self) -> float:
        """One pass over the shuffled entries; returns the mean weighted loss."""
        import torch

        order = torch.randperm(self.nnz, generator=self.gen)
        total = 0.0
        for idx in order.split(self.batch):
            total += self._step(
                self.rows.index_select(0, idx),
                self.cols.index_select(0, idx),
                self.logx.index_select(0, idx),
                self.fx.index_select(0, idx),
            )
        return total / self.nnz

    def _step(self, i: Any, j: Any, logx: Any, fx: Any) -> float:
        import torch

        wi, cj = self.W.index_select(0, i), self.C.index_select(0, j)
        diff = (wi * cj).sum(1) + self.bw.index_select(0, i) + self.bc.index_select(0, j) - logx
        fdiff = fx * diff
        loss = 0.5 * float(torch.dot(fdiff, diff))
        g = fdiff.mul_(self.lr)  # glove.c folds the learning rate into the gradient
        gw = cj.mul_(g.unsqueeze(1)).clamp_(-100.0, 100.0)
        gc = wi.mul_(g.unsqueeze(1)).clamp_(-100.0, 100.0)
        _adagrad(self.W, self.gW, i, gw)
        _adagrad(self.C, self.gC, j, gc)
        _adagrad(self.bw, self.gbw, i, g)
        _adagrad(self.bc, self.gbc, j, g)
        return loss

    def vectors(self) -> np.ndarray:
        """Word + context vectors (biases dropped), float32."""
        return (self.W + self.C).numpy().astype(np.float32)


def _adagrad(param: Any, accum: Any, rows: Any, grad: Any) -> None:
    """AdaGrad on the rows a batch touches, as if the entries were applied one by one.

    A row's gradients are summed, and its accumulator grows by the sum of their squares
    (not the square of their sum), so a frequent word's step size decays as it would
    under glove.c's per-entry updates rather than once per batch. When the batch is at
    least as long as the vocabulary, whole-matrix updates are cheaper than finding the
    touched rows (untouched rows get a zero step either way).
    """
    import torch

    if rows.numel() >= param.shape[0]:
        summed = torch.zeros_like(param).index_add_(0, rows, grad)
        accum.add_(torch.zeros_like(param).index_add_(0, rows, grad * grad))
        param.addcdiv_(summed, accum.sqrt(), value=-1.0)
        return
    uniq, inverse = torch.unique(rows, return_inverse=True)
    shape = (uniq.numel(), *grad.shape[1:])
    summed = torch.zeros(shape, dtype=grad.dtype).index_add_(0, inverse, grad)
    squares = torch.zeros(shape, dtype=grad.dtype).index_add_(0, inverse, grad * grad)
    acc = accum.index_select(0, uniq).add_(squares)
    accum.index_copy_(0, uniq, acc)
    param.index_add_(0, uniq, summed.div_(acc.sqrt_()), alpha=-1.0)
