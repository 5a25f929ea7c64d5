"""Batched analogy search (3CosAdd, 3CosMul) with the arithmetic gensim uses.

``a : b :: c : ?`` is answered for many questions at once: one blocked matrix
product per block of the vocabulary, never a (questions × vocabulary) matrix
beyond the search budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import search

if TYPE_CHECKING:
    from .vectors import Embeddings

METHODS = ("3cosadd", "3cosmul")


def _unit_rows(emb: Embeddings, rows: np.ndarray) -> np.ndarray:
    norms = emb.norms[rows]
    if (norms == 0).any():
        bad = [emb.labels[r] for r in rows[norms == 0][:3]]
        raise ValueError(f"zero vector for {bad}; cosine is undefined")
    return emb.vectors[rows] / norms[:, None]


def analogy_topk(
    emb: Embeddings,
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    k: int,
    *,
    method: str = "3cosadd",
    rows: int | None = None,
    exclude: Sequence[Sequence[int]] | None = None,
    budget_bytes: int = search.DEFAULT_BUDGET,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` answers to ``a[i] : b[i] :: c[i] : ?`` (row indices), best first.

    ``exclude`` defaults to the three inputs of each question. ``rows`` restricts
    the candidates to the first ``rows`` labels.

    Examples
    --------
    >>> from embedkit import Embeddings
    >>> emb = Embeddings(list("abcd"), [[1, 0], [1, 1], [0, 1], [-1, 1]])
    >>> idx, _ = analogy_topk(emb, np.array([0]), np.array([1]), np.array([2]), k=1)
    >>> emb.labels[idx[0, 0]]
    'd'
    """
    if method not in METHODS:
        raise ValueError(f"unknown analogy method {method!r}; choose one of {METHODS}")
    a, b, c = (np.asarray(x, dtype=np.int64) for x in (a, b, c))
    if exclude is None:
        exclude = [list(t) for t in zip(a.tolist(), b.tolist(), c.tolist(), strict=True)]
    ua, ub, uc = _unit_rows(emb, a), _unit_rows(emb, b), _unit_rows(emb, c)
    vectors = emb.vectors
    n = len(emb) if rows is None else min(int(rows), len(emb))
    safe = np.where(emb.norms == 0, np.inf, emb.norms).astype(np.float32)
    if method == "3cosadd":
        # gensim's get_mean_vector: float32 sum, then divide and normalise in float64
        mean = ((ub + uc) + (-1.0 * ua)) / np.float64(3.0)
        mean /= np.linalg.norm(mean, axis=1, keepdims=True)
        mean = mean.astype(np.float32)

        buf = np.empty(0, dtype=np.float32)

        def score(qs: np.ndarray, r0: int, r1: int) -> np.ndarray:
            # one reused block: a fresh 256 MB array per block costs its page faults
            nonlocal buf
            size = len(qs) * (r1 - r0)
            if buf.size < size:
                buf = np.empty(size, dtype=np.float32)
            s = buf[:size].reshape(len(qs), r1 - r0)
            np.matmul(mean[qs], vectors[r0:r1].T, out=s)
            s /= safe[r0:r1]
            return s

    else:
        terms = np.stack([ub, uc, ua]).astype(np.float32)  # positive b, c; negative a

        def score(qs: np.ndarray, r0: int, r1: int) -> np.ndarray:
            blk = vectors[r0:r1].T
            inv = safe[r0:r1]
            pb, pc, na = ((1 + (terms[j, qs] @ blk) / inv) / 2 for j in range(3))
            return (pb * pc) / (na + 0.000001)

        # 3CosMul holds about five score blocks at once (three similarities, their
        # product and quotient): give each a fifth of the budget
        budget_bytes //= 5

    return search.blocked_topk(n, len(a), k, score, exclude=exclude, budget_bytes=budget_bytes)
