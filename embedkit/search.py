"""Exact top-k search by blocked matrix products, memory bounded.

Scores for a block of corpus rows against a chunk of queries are computed with one
BLAS matrix product, then the best ``k`` per query are selected in that block and
merged with the running best. The score block never exceeds ``budget_bytes``
(default 256 MB), whatever the number of queries; no normalised copy of the matrix
is made (cosine divides the block by the cached row norms, as gensim does).

Examples
--------
>>> import numpy as np
>>> m = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
>>> idx, scores = topk(m, np.array([[1, 0.1]], dtype=np.float32), k=2)
>>> idx.tolist(), np.round(scores, 3).tolist()
([[0, 2]], [[0.995, 0.774]])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

METRICS = ("cosine", "euclidean", "dot")
DEFAULT_BUDGET = 256 * 2**20  # bytes for one block of scores
_CHUNK = 32  # columns per chunk in the two-stage top-k selection

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


def _select(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Best ``k`` columns of each row of ``scores`` (unsorted), as (indices, values).

    Two stages keep this near one pass over the block: the maximum of each of
    ``r // _CHUNK`` chunks of columns, then the ``k`` best chunks, which must hold the
    ``k`` best values (any value outside them is beaten by ``k`` chunk maxima).
    """
    q, r = scores.shape
    if k >= r:
        idx = np.broadcast_to(np.arange(r), (q, r)).copy()
        return idx, scores.copy()
    nc = r // _CHUNK
    if nc <= 4 * k or r < 4096:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        return part, np.take_along_axis(scores, part, axis=1)
    # chunk j holds columns j, j + nc, j + 2 nc, ...: its maximum is an element-wise
    # maximum of _CHUNK contiguous slices, which vectorises well
    cmax = scores[:, : nc * _CHUNK].reshape(q, _CHUNK, nc).max(axis=1)
    best_chunks = _best_chunks(cmax, k)
    cand = (best_chunks[:, :, None] + np.arange(_CHUNK) * nc).reshape(q, -1)
    if nc * _CHUNK < r:
        tail = np.broadcast_to(np.arange(nc * _CHUNK, r), (q, r - nc * _CHUNK))
        cand = np.concatenate([cand, tail], axis=1)
    vals = np.take_along_axis(scores, cand, axis=1)
    part = np.argpartition(-vals, k - 1, axis=1)[:, :k]
    return np.take_along_axis(cand, part, axis=1), np.take_along_axis(vals, part, axis=1)


def _best_chunks(cmax: np.ndarray, k: int) -> np.ndarray:
    """Columns of the ``k`` largest chunk maxima per row (unsorted).

    When the row is long, the same two-stage idea again: the ``k`` best of
    ``nc // _CHUNK`` super-chunk maxima hold the ``k`` best chunks, so the costly
    ``argpartition`` runs on ``k * _CHUNK`` values instead of ``nc``.
    """
    q, nc = cmax.shape
    nc2 = nc // _CHUNK
    if nc % _CHUNK or nc2 <= k:
        return np.argpartition(-cmax, k - 1, axis=1)[:, :k]
    sup = cmax.reshape(q, _CHUNK, nc2).max(axis=1)
    best_sup = np.argpartition(sup, nc2 - k, axis=1)[:, nc2 - k :]
    cand = (best_sup[:, :, None] + np.arange(_CHUNK) * nc2).reshape(q, -1)
    vals = np.take_along_axis(cmax, cand, axis=1)
    part = np.argpartition(vals, vals.shape[1] - k, axis=1)[:, vals.shape[1] - k :]
    return np.take_along_axis(cand, part, axis=1)


def blocked_topk(
    n_rows: int,
    n_queries: int,
    k: int,
    score_block: ScoreBlock,
    *,
    exclude: Sequence[Sequence[int]] | None = None,
    budget_bytes: int = DEFAULT_BUDGET,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` rows per query for any block scoring function (higher is better).

    ``score_block(query_slice_indices, start, stop)`` returns a float32 array of shape
    ``(len(query_slice_indices), stop - start)``; it may be modified in place.
    ``exclude[i]`` lists row indices that query ``i`` must never return.
    Returns ``(indices, scores)`` of shape ``(n_queries, min(k, n_rows))``, best first;
    rows that were all excluded come back as index ``-1`` with score ``-inf``.
    """
    if k <= 0:
        raise ValueError(f"k must be a positive integer, got {k}")
    k = min(k, n_rows)
    out_idx = np.full((n_queries, k), -1, dtype=np.int64)
    out_val = np.full((n_queries, k), -np.inf, dtype=np.float32)
    if n_queries == 0 or n_rows == 0:
        return out_idx, out_val
    # The score block gets 3/4 of the budget, the selection temporaries the rest. Blocks
    # of at least 16 * 4096 rows keep selection on the cheap chunked path; below 4096
    # rows, argpartition's temporaries (4x the block) still fit in 3/4 of the budget
    # because the query chunk is sized for 4096-row blocks at 16 bytes an element.
    block_bytes = budget_bytes * 3 // 4
    q_chunk = max(1, min(n_queries, 2048, block_bytes // (16 * 4096 * 4)))
    r_block = max(_CHUNK, min(n_rows, block_bytes // (4 * q_chunk)))
    r_block -= r_block % _CHUNK if r_block > _CHUNK else 0
    ex = _exclusion_array(exclude, n_queries)
    for q0 in range(0, n_queries, q_chunk):
        qs = np.arange(q0, min(q0 + q_chunk, n_queries))
        best_i = out_idx[qs]
        best_v = out_val[qs]
        for r0 in range(0, n_rows, r_block):
            r1 = min(n_rows, r0 + r_block)
            block = score_block(qs, r0, r1)
            if ex is not None:
                _mask(block, ex[qs], r0, r1)
            bi, bv = _select(block, min(k, r1 - r0))
            del block  # free it before the next block is computed: one block at a time
            best_i, best_v = _merge(best_i, best_v, bi + r0, bv, k)
        order = np.argsort(-best_v, axis=1, kind="stable")
        best_i = np.take_along_axis(best_i, order, axis=1)
        best_v = np.take_along_axis(best_v, order, axis=1)
        best_i[~np.isfinite(best_v) & (best_v < 0)] = -1
        out_idx[qs], out_val[qs] = best_i, best_v
    return out_idx, out_val


def _exclusion_array(exclude: Sequence[Sequence[int]] | None, n: int) -> np.ndarray | None:
    if exclude is None:
        return None
    if len(exclude) != n:
        raise ValueError(f"exclude has {len(exclude)} entries for {n} queries")
    width = max((len(e) for e in exclude), default=0)
    if width == 0:
        return None
    ex = np.full((n, width), -1, dtype=np.int64)
    for i, e in enumerate(exclude):
        ex[i, : len(e)] = list(e)
    return ex


def _mask(block: np.ndarray, ex: np.ndarray, r0: int, r1: int) -> None:
    qi, ci = np.nonzero((ex >= r0) & (ex < r1))
    block[qi, ex[qi, ci] - r0] = -np.inf


def _merge(
    ai: np.ndarray, av: np.ndarray, bi: np.ndarray, bv: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    idx = np.concatenate([ai, bi], axis=1)
    val = np.concatenate([av, bv], axis=1)
    if idx.shape[1] <= k:
        return idx, val
    part = np.argpartition(-val, k - 1, axis=1)[:, :k]
    return np.take_along_axis(idx, part, axis=1), np.take_along_axis(val, part, axis=1)


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


def _scorer(matrix: np.ndarray, q: np.ndarray, metric: str, norms: np.ndarray | None) -> ScoreBlock:
    if metric == "cosine":
        assert norms is not None
        qn = np.linalg.norm(q, axis=1, keepdims=True)
        if (qn == 0).any():
            raise ValueError("a query vector is all zeros; cosine similarity is undefined")
        q = q / qn
        safe = np.where(norms == 0, np.inf, norms).astype(np.float32)

        def cosine(qs: np.ndarray, r0: int, r1: int) -> np.ndarray:
            s = q[qs] @ matrix[r0:r1].T
            s /= safe[r0:r1]
            return s

        return cosine
    if metric == "dot":
        return lambda qs, r0, r1: q[qs] @ matrix[r0:r1].T
    assert norms is not None
    sq = (norms.astype(np.float32)) ** 2

    def neg_sq_dist_minus_q(qs: np.ndarray, r0: int, r1: int) -> np.ndarray:
        # -(|v|^2 - 2 q.v) = |q - v|^2 - |q|^2 negated; the |q|^2 term is added back later
        s = q[qs] @ matrix[r0:r1].T
        s *= 2.0
        s -= sq[r0:r1]
        return s

    return neg_sq_dist_minus_q
