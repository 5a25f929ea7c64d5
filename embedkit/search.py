"""Exact top-k search by blocked matrix products: memory bounded, cache-sized, threaded.

The rows are split among the machine's cores (BLAS held to one thread meanwhile); each
thread scores a block of rows against a chunk of queries with one float32 GEMM into a
reused ~4 MB buffer, and while that block is still in cache keeps only the entries
that beat a query's running ``k``-th best (a row maximum first, so most blocks cost
one pass). No score matrix is ever written twice, and the whole search stays inside
``budget_bytes`` (default 256 MB) whatever the number of queries. Cosine divides each
block of rows by their cached norms once for many queries, or the scores for a few, so
no normalised copy of the matrix is made. Ties go to the lower row, so the answer does
not depend on the number of threads or the block sizes.

Examples
--------
>>> import numpy as np
>>> m = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
>>> idx, scores = topk(m, np.array([[1, 0.1]], dtype=np.float32), k=2)
>>> idx.tolist(), np.round(scores, 3).tolist()
([[0, 2]], [[0.995, 0.774]])
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

METRICS = ("cosine", "euclidean", "dot")
DEFAULT_BUDGET = 256 * 2**20  # bytes for one block of scores
_CHUNK = 32  # columns per chunk when bounding a block's k-th best from chunk maxima
_BLOCK_ELEMS = 1 << 20  # scores per block and thread: 4 MB, in cache while selected
_WORK_PER_THREAD = 4_000_000  # multiply-adds before a second thread is worth it
# Queries per block. The block's rows are then 1M / 256 = 4,096: each query's running best
# is merged once per row block, so short blocks of many queries spent more time merging
# than multiplying (4,096 queries by 256 rows: all Google analogies 5.2 s, 256 by 4,096:
# 4.0 s; 1,000 rare words 0.50 s against 0.40 s, on a Zen 5 with OpenBLAS's Haswell kernel,
# and 4.6 s against 3.7 s with its SkylakeX kernel).
_Q_CHUNK = 256

ScoreBlock = Callable[[np.ndarray, int, int], np.ndarray]


def check_metric(metric: str) -> str:
    """Return ``metric`` if known, else raise a ``ValueError`` listing the choices."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    return metric


def row_norms(matrix: np.ndarray) -> np.ndarray:
    """Euclidean norm of each row, float32 (computed in blocks, no full copy)."""
    out = np.empty(matrix.shape[0], dtype=np.float32)
    step = max(1, (64 * 2**20) // max(1, matrix.shape[1] * 4))
    for s in range(0, matrix.shape[0], step):
        blk = matrix[s : s + step]
        out[s : s + step] = np.sqrt(np.add.reduce(blk * blk, axis=1))  # as np.linalg.norm
    return out


class Scorer:
    """How a block of scores is made: ``prepare`` a block of rows once, then ``scores``.

    ``prepare(r0, r1)`` returns whatever the rows ``r0:r1`` need (e.g. unit rows for
    cosine); ``scores(prepared, q0, q1, out)`` writes the ``(q1 - q0, r1 - r0)`` float32
    scores of queries ``q0:q1`` into ``out`` (higher is better) and returns it. Both are
    called from worker threads, one block at a time per thread. ``blocks`` is how many
    block-sized arrays ``scores`` holds at once (``out`` included), for the memory budget.
    """

    blocks: int = 1
    dim: int = 64
    """Multiply-adds per score (the vector dimension), to decide on threads."""

    def prepare(self, r0: int, r1: int) -> Any:
        raise NotImplementedError

    def scores(self, prepared: Any, q0: int, q1: int, out: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class _FnScorer(Scorer):
    """A plain ``score_block(queries, r0, r1)`` function as a :class:`Scorer`."""

    def __init__(self, fn: ScoreBlock) -> None:
        self.fn = fn

    def prepare(self, r0: int, r1: int) -> tuple[int, int]:
        return r0, r1

    def scores(self, prepared: Any, q0: int, q1: int, out: np.ndarray) -> np.ndarray:
        return np.asarray(self.fn(np.arange(q0, q1), *prepared), dtype=np.float32)


def _product(queries: np.ndarray, rows: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``queries @ rows.T`` into ``out``; one query as a matrix-vector product (GEMV),
    which BLAS runs at memory speed where a one-row GEMM may not."""
    if len(queries) == 1:
        np.matmul(rows, queries[0], out=out[0])
        return out
    return np.matmul(queries, rows.T, out=out)


class MatmulScorer(Scorer):
    """Scores ``queries @ rows(r0, r1).T``: one float32 GEMM per block into ``out``.

    ``rows(r0, r1)`` gives the (possibly transformed) rows, computed once per row block
    and reused for every chunk of queries.
    """

    def __init__(self, queries: np.ndarray, rows: Callable[[int, int], np.ndarray]) -> None:
        self.queries = queries
        self.rows = rows
        self.dim = queries.shape[1]

    def prepare(self, r0: int, r1: int) -> np.ndarray:
        return self.rows(r0, r1)

    def scores(self, prepared: np.ndarray, q0: int, q1: int, out: np.ndarray) -> np.ndarray:
        return _product(self.queries[q0:q1], prepared, out)


def safe_norms(norms: np.ndarray) -> np.ndarray:
    """``norms`` as float32 with zeros replaced by infinity (a zero row scores 0); no copy
    when there is nothing to replace (the usual case: a copy costs a single query ~1 ms).
    """
    norms = np.asarray(norms, dtype=np.float32)
    return np.where(norms == 0, np.float32(np.inf), norms) if not norms.all() else norms


class UnitRows:
    """Rows ``r0:r1`` of ``matrix`` divided by their norms (a zero row stays zero), made
    block by block so the whole matrix is never copied.

    >>> UnitRows(np.array([[3.0, 4.0], [0.0, 0.0]]), np.array([5.0, 0.0]))(0, 2).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """

    def __init__(self, matrix: np.ndarray, norms: np.ndarray) -> None:
        self.vectors = matrix
        self.safe = safe_norms(norms)

    def __call__(self, r0: int, r1: int) -> np.ndarray:
        return self.vectors[r0:r1] / self.safe[r0:r1, None]


class CosineScorer(Scorer):
    """Cosine of unit queries with the rows: ``q . v / |v|`` (a zero row scores 0).

    With many queries each row block is divided by its norms once and reused by every
    chunk of queries; with few (fewer than the dimension), the scores are divided
    instead, so a single query never writes a normalised copy of the matrix.
    """

    def __init__(self, queries: np.ndarray, matrix: np.ndarray, norms: np.ndarray) -> None:
        self.queries = queries
        self.dim = matrix.shape[1]
        self.unit = UnitRows(matrix, norms)
        self.unit_rows = len(queries) > matrix.shape[1]

    def prepare(self, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray | None]:
        if self.unit_rows:
            return self.unit(r0, r1), None
        return self.unit.vectors[r0:r1], self.unit.safe[r0:r1]

    def scores(
        self, prepared: tuple[np.ndarray, np.ndarray | None], q0: int, q1: int, out: np.ndarray
    ) -> np.ndarray:
        rows, safe = prepared
        _product(self.queries[q0:q1], rows, out)
        if safe is not None:
            out /= safe
        return out


_controller: Any = None


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread while embedkit's own threads each run their blocks."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=_threads(), thread_name_prefix="embedkit-search")
    return _POOL


def _threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


class _Best:
    """The running top-``k`` (value, row) of every query, kept sorted best first.

    Ties keep the lower row, so the result does not depend on the order of blocks.
    """

    def __init__(self, n_queries: int, k: int) -> None:
        self.k = k
        self.idx = np.full((n_queries, k), -1, dtype=np.int64)
        self.val = np.full((n_queries, k), -np.inf, dtype=np.float32)
        self.floor = np.full(n_queries, -np.inf, dtype=np.float32)  # k-th best so far

    def offer(self, block: np.ndarray, q0: int, r0: int) -> None:
        """Merge the candidates of ``block`` (scores of queries q0.., rows r0..)."""
        q1 = q0 + block.shape[0]
        floor = self.floor[q0:q1]
        beat = np.flatnonzero(block.max(axis=1) > floor)
        if not beat.size:
            return
        if 4 * beat.size > block.shape[0]:  # most rows: mask the block itself, no copy
            beat, sub = np.arange(block.shape[0]), block
        else:
            sub = block[beat]
        cut = floor[beat]
        if not np.isfinite(cut).all():
            cut = np.maximum(cut, _kth_lower_bound(sub, self.k))
            mask = sub >= cut[:, None]
        else:
            mask = sub > cut[:, None]
        # the flat index of a contiguous mask: ~15x faster than a 2-D np.nonzero
        rr, cc = np.divmod(np.flatnonzero(mask.ravel()), sub.shape[1])
        self._merge(q0 + beat, rr, cc + r0, sub[rr, cc])

    def _merge(
        self, queries: np.ndarray, rr: np.ndarray, cols: np.ndarray, vals: np.ndarray
    ) -> None:
        k = self.k
        old_i, old_v = self.idx[queries], self.val[queries]
        group = np.concatenate([np.repeat(np.arange(len(queries)), k), rr])
        idx = np.concatenate([old_i.ravel(), cols])
        val = np.concatenate([old_v.ravel(), vals])
        # sort by query, then best score, then lowest row; -inf placeholders (row -1) last
        order = np.lexsort((np.where(idx < 0, np.iinfo(np.int64).max, idx), -val, group))
        group, idx, val = group[order], idx[order], val[order]
        starts = np.searchsorted(group, np.arange(len(queries)))
        rank = np.arange(len(group)) - starts[group]
        keep = rank < k
        self.idx[queries] = idx[keep].reshape(-1, k)
        self.val[queries] = val[keep].reshape(-1, k)
        self.floor[queries] = self.val[queries, k - 1]

    def absorb(self, other: _Best) -> None:
        """Merge another thread's running best (for disjoint row ranges)."""
        q = np.arange(len(self.floor))
        group = np.repeat(q, self.k)
        self._merge(q, group, other.idx.ravel(), other.val.ravel())


def _kth_lower_bound(block: np.ndarray, k: int) -> np.ndarray:
    """A value per row that at least ``k`` of its entries reach (cheap: chunk maxima).

    Columns are dealt into ``nc >= k`` chunks (chunk ``j`` holds columns ``j, j + nc, ...``,
    so the maxima are element-wise maxima of 4 to 8 contiguous slices: a quarter block of
    memory at most, and few steps); the ``k``-th largest chunk maximum is reached by ``k``
    distinct entries, so entries ``>=`` it hold the top ``k``, and with at least ``16 k``
    chunks few other entries reach it.
    """
    q, r = block.shape
    width = max(4, min(8, r // (16 * k)))
    nc = r // width
    if nc < k:  # a narrow block: its k-th largest value itself
        return np.partition(block, r - k, axis=1)[:, r - k] if r > k else np.full(q, -np.inf)
    cmax = block[:, :nc].copy()
    for start in range(nc, nc * width, nc):
        np.maximum(cmax, block[:, start : start + nc], out=cmax)
    return np.partition(cmax, nc - k, axis=1)[:, nc - k]


def blocked_topk(
    n_rows: int,
    n_queries: int,
    k: int,
    score_block: ScoreBlock | Scorer,
    *,
    exclude: Sequence[Sequence[int]] | None = None,
    budget_bytes: int = DEFAULT_BUDGET,
    threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` rows per query for any block scoring (higher is better), best first.

    ``score_block`` is a :class:`Scorer` or a function ``(query_indices, r0, r1)`` giving
    the float32 ``(len(query_indices), r1 - r0)`` scores. ``exclude[i]`` lists rows that
    query ``i`` must never return. Returns ``(indices, scores)`` of shape
    ``(n_queries, min(k, n_rows))``; rows that were all excluded come back as index
    ``-1`` with score ``-inf``. Ties go to the lower row.

    The rows are split among ``threads`` workers (default: the usable cores, BLAS held to
    one thread meanwhile); each scores cache-sized blocks (at most ``budget_bytes`` over
    all workers, and about 4 MB each) and keeps a block's candidates only where its
    maximum beats a query's running ``k``-th best, so selection is one pass over each
    block while it is still in cache.
    """
    if k <= 0:
        raise ValueError(f"k must be a positive integer, got {k}")
    k = min(k, n_rows)
    if n_queries == 0 or n_rows == 0:
        return (np.full((n_queries, k), -1, dtype=np.int64),
                np.full((n_queries, k), -np.inf, dtype=np.float32))  # fmt: skip
    scorer = score_block if isinstance(score_block, Scorer) else _FnScorer(score_block)
    # One query is a memory-bound matrix-vector product that BLAS's own threads run
    # fastest; beyond that, threads pay off from a few million multiply-adds (a thread
    # hand-off costs ~50 us)
    work = n_rows * n_queries * scorer.dim if n_queries > 1 else 0
    workers = max(1, min(threads or _threads(), work // _WORK_PER_THREAD or 1))
    # per worker: the scorer's blocks, then up to a quarter block each for the rows that
    # beat their floor, their one-byte mask, and two bounds' temporaries; a quarter of
    # the budget for the rest
    per_worker = budget_bytes * 3 // 4 // workers
    elems = max(_CHUNK, min(_BLOCK_ELEMS, per_worker // (4 * (scorer.blocks + 1))))
    # merging candidates into the running best takes ~128 bytes per query and k
    q_chunk = max(1, min(n_queries, _Q_CHUNK, elems // _CHUNK, per_worker // (4 * 128 * k)))
    per = -(-n_rows // workers)
    r_block = max(1, min(per, elems // q_chunk))
    ex = _exclusions(exclude, n_queries)

    def run(w: int) -> _Best:
        best = _Best(n_queries, k)
        buf = np.empty(q_chunk * r_block, dtype=np.float32)
        for r0 in range(w * per, min(n_rows, (w + 1) * per), r_block):
            r1 = min(n_rows, (w + 1) * per, r0 + r_block)
            prepared = scorer.prepare(r0, r1)
            for q0 in range(0, n_queries, q_chunk):
                q1 = min(n_queries, q0 + q_chunk)
                out = buf[: (q1 - q0) * (r1 - r0)].reshape(q1 - q0, r1 - r0)
                block = scorer.scores(prepared, q0, q1, out)
                if ex is not None:
                    ex.mask(block, q0, q1, r0, r1)
                best.offer(block, q0, r0)
        return best

    if workers == 1:
        best = run(0)
    else:
        with _one_blas_thread():
            others = [_pool().submit(run, w) for w in range(1, workers)]
            parts = [run(0)] + [f.result() for f in others]  # this thread is worker 0
        best = parts[0]
        for other in parts[1:]:
            best.absorb(other)
    idx, val = best.idx, best.val
    idx[~np.isfinite(val) & (val < 0)] = -1
    return idx, val


class _Exclusions:
    """Rows each query must not return, sorted by row so a block finds its own quickly."""

    def __init__(self, rows: np.ndarray, queries: np.ndarray) -> None:
        order = np.argsort(rows, kind="stable")
        self.rows, self.queries = rows[order], queries[order]

    def mask(self, block: np.ndarray, q0: int, q1: int, r0: int, r1: int) -> None:
        lo, hi = np.searchsorted(self.rows, [r0, r1])
        if lo == hi:
            return
        rows, queries = self.rows[lo:hi], self.queries[lo:hi]
        inside = (queries >= q0) & (queries < q1)
        block[queries[inside] - q0, rows[inside] - r0] = -np.inf


def _exclusions(exclude: Sequence[Sequence[int]] | None, n: int) -> _Exclusions | None:
    if exclude is None:
        return None
    if len(exclude) != n:
        raise ValueError(f"exclude has {len(exclude)} entries for {n} queries")
    sizes = np.fromiter((len(e) for e in exclude), dtype=np.int64, count=n)
    if not sizes.any():
        return None
    rows = np.fromiter((r for e in exclude for r in e), dtype=np.int64, count=int(sizes.sum()))
    return _Exclusions(rows, np.repeat(np.arange(n), sizes))


def topk(
    matrix: np.ndarray,
    queries: np.ndarray,
    k: int,
    *,
    metric: str = "cosine",
    norms: np.ndarray | None = None,
    exclude: Sequence[Sequence[int]] | None = None,
    rows: int | None = None,
    budget_bytes: int = DEFAULT_BUDGET,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``k`` nearest rows of ``matrix`` for each query row.

    Scores are cosine similarity, dot product, or euclidean distance (then smaller is
    better and the distances are returned). ``rows`` restricts the search to the first
    ``rows`` rows (gensim's ``restrict_vocab``).

    Examples
    --------
    >>> m = np.eye(3, dtype=np.float32)
    >>> topk(m, m[:1] * 2, k=1, metric="euclidean")
    (array([[0]]), array([[1.]], dtype=float32))
    """
    check_metric(metric)
    q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
    if q.shape[1] != matrix.shape[1]:
        raise ValueError(
            f"query has dimension {q.shape[1]} but the embeddings have {matrix.shape[1]}"
        )
    if not np.isfinite(q).all():
        raise ValueError("query vector contains NaN or infinite values")
    n = matrix.shape[0] if rows is None else max(0, min(int(rows), matrix.shape[0]))
    if metric in ("cosine", "euclidean") and norms is None:
        norms = row_norms(matrix[:n])
    score = _scorer(matrix, q, metric, norms)
    idx, val = blocked_topk(n, q.shape[0], k, score, exclude=exclude, budget_bytes=budget_bytes)
    if metric == "euclidean":
        # selection used |v|^2 - 2 q.v; recompute the chosen distances directly, which
        # avoids the cancellation of the expanded form near zero, and re-sort
        diff = matrix[np.maximum(idx, 0)] - q[:, None, :]
        val = np.sqrt(np.einsum("qkd,qkd->qk", diff, diff)).astype(np.float32)
        val[idx < 0] = np.inf
        order = np.argsort(val, axis=1, kind="stable")
        idx = np.take_along_axis(idx, order, axis=1)
        val = np.take_along_axis(val, order, axis=1)
    return idx, val


def _scorer(matrix: np.ndarray, q: np.ndarray, metric: str, norms: np.ndarray | None) -> Scorer:
    """The block scorer of ``metric``: one GEMM per block, no pass over the scores after it.

    Cosine scores unit queries against each block's rows divided by their norms (a
    zero row scores 0); euclidean ranks by ``2 q.v - |v|^2`` as one GEMM on rows and
    queries extended by one column; dot is the plain product.
    """
    if metric == "cosine":
        assert norms is not None
        qn = np.linalg.norm(q, axis=1, keepdims=True)
        if (qn == 0).any():
            raise ValueError("a query vector is all zeros; cosine similarity is undefined")
        return CosineScorer(q / qn, matrix, norms)
    if metric == "dot":
        return MatmulScorer(q, lambda r0, r1: matrix[r0:r1])
    assert norms is not None
    sq = norms.astype(np.float32) ** 2
    q1 = np.hstack([q, np.ones((len(q), 1), dtype=np.float32)])

    def rows(r0: int, r1: int) -> np.ndarray:
        # 2 q.v - |v|^2 = |q|^2 - |q - v|^2: largest for the nearest rows
        return np.hstack([2.0 * matrix[r0:r1], -sq[r0:r1, None]])

    return MatmulScorer(q1, rows)
