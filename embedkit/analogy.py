"""Batched analogy search (3CosAdd, 3CosMul) with the arithmetic gensim uses.

``a : b :: c : ?`` is answered for many questions at once: one blocked matrix
product per block of the vocabulary, never a (questions × vocabulary) matrix
beyond the search budget.
"""

from __future__ import annotations

import threading
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
    n = len(emb) if rows is None else min(int(rows), len(emb))
    unit = search.UnitRows(emb.vectors, emb.norms)
    scorer: search.Scorer
    if method == "3cosadd":
        # gensim's get_mean_vector: float32 sum, then divide and normalise in float64
        mean = ((ub + uc) + (-1.0 * ua)) / np.float64(3.0)
        mean /= np.linalg.norm(mean, axis=1, keepdims=True)
        scorer = search.MatmulScorer(mean.astype(np.float32), unit)
    else:
        scorer = _CosMul(ub, uc, ua, unit)
    return search.blocked_topk(n, len(a), k, scorer, exclude=exclude, budget_bytes=budget_bytes)


class _CosMul(search.Scorer):
    """3CosMul, gensim's ``most_similar_cosmul``: ``cos'(b) cos'(c) / (cos'(a) + 1e-6)``
    with ``cos' = (1 + cos) / 2``, computed as ``(1 + cos b)(1 + cos c) / (2 (1 + cos a)
    + 4e-6)``: the constants ride in the GEMMs (rows get a column of ones, the terms a
    constant column), so each block costs three GEMMs and two element-wise passes.
    """

    blocks = 3

    def __init__(self, b: np.ndarray, c: np.ndarray, a: np.ndarray, unit: search.UnitRows) -> None:
        def extended(term: np.ndarray, scale: float, const: float) -> np.ndarray:
            col = np.full((len(term), 1), const, dtype=np.float32)
            return np.hstack([np.float32(scale) * term.astype(np.float32), col])

        self.terms = [extended(b, 1, 1), extended(c, 1, 1), extended(a, 2, 2 + 4e-6)]
        self.unit = unit
        self.local = threading.local()
        self.dim = 3 * unit.vectors.shape[1]

    def prepare(self, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray | None]:
        if len(self.terms[0]) <= self.unit.vectors.shape[1]:  # few questions: raw rows,
            return self.unit.vectors[r0:r1], self.unit.safe[r0:r1]  # divide the scores
        rows = self.unit(r0, r1)
        return np.hstack([rows, np.ones((len(rows), 1), dtype=np.float32)]), None

    def _scratch(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        bufs = getattr(self.local, "bufs", None)
        if bufs is None or bufs[0].size < size:
            bufs = self.local.bufs = (np.empty(size, np.float32), np.empty(size, np.float32))
        return bufs[0][:size], bufs[1][:size]

    def scores(
        self, prepared: tuple[np.ndarray, np.ndarray | None], q0: int, q1: int, out: np.ndarray
    ) -> np.ndarray:
        rows, safe = prepared
        s1, s2 = (x.reshape(out.shape) for x in self._scratch(out.size))
        # out = 1 + cos b, s1 = 1 + cos c, s2 = 2 (1 + cos a) + 4e-6
        for term, dst in zip((t[q0:q1] for t in self.terms), (out, s1, s2), strict=True):
            if safe is None:
                np.matmul(term, rows.T, out=dst)
            else:
                search._product(term[:, :-1], rows, dst)
                dst /= safe
                dst += term[:, -1:]
        out *= s1
        out /= s2
        return out
