"""t-SNE and UMAP run step by step, handing their current 2-D layout to a callback.

:func:`embedkit.project.layout` and the live projector both run through here. A run
starts from the PCA layout (shown at once), builds the neighbour graph with faiss (exact
up to 200,000 rows; cosine or euclidean, on every core), then
optimises: openTSNE's FFT-accelerated gradient for t-SNE, umap-learn's own SGD epoch for
UMAP. Every ``every`` seconds (and at the end) the callback receives a
:class:`LayoutFrame`; if it returns something true the optimisation stops and the current
layout is the result. ``progress=True`` shows a tqdm bar of iterations (t-SNE) or epochs
(UMAP). The numbers behind the defaults are in ``benchmarks/bench_layouts.py``.

Examples
--------
>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(200, 8)).astype(np.float32)
>>> frames = []
>>> Y = umap_steps(X, X[:, :2] * 1, callback=frames.append, every=0, n_epochs=20, n_jobs=1)
>>> frames[0].stage, frames[-1].stage, frames[-1].step, frames[-1].total
('init', 'done', 20, 20)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ._deps import require

EXACT_KNN_MAX = 200_000  # above this, the libraries' approximate neighbour search
GRAPH_METRICS = ("cosine", "euclidean")  # answered by embedkit's exact search
TSNE_ITER, TSNE_EARLY_ITER = 275, 125  # after / during early exaggeration (bench_layouts)
LARGE_MAP = 10_000  # from this many rows, the large-map defaults (and openTSNE's FFT gradient)
TSNE_PERPLEXITY = 30.0  # the usual default, below LARGE_MAP rows
TSNE_PERPLEXITY_LARGE = 10.0  # from LARGE_MAP rows (bench_layouts --n 100000)


UMAP_LARGE = {"n_neighbors": 10, "min_dist": 0.0, "negative_sample_rate": 3}  # from 10,000 rows
UMAP_SMALL = {"n_neighbors": 15, "min_dist": 0.1, "negative_sample_rate": 5}  # umap-learn's


def umap_defaults(n: int) -> dict[str, Any]:
    """UMAP's ``n_neighbors``, ``min_dist`` and ``negative_sample_rate`` when not given:
    umap-learn's 15, 0.1 and 5 below 10,000 points; 10, 0.0 and 3 from there. On 100,000
    GloVe words (2 cores, ``bench_layouts.py --n 100000``) umap-learn's settings took
    63-66 s and kept 0.083 of each point's 10 cosine neighbours among its 10 nearest in
    2-D; these took 49 s and kept 0.101. (``min_dist=0`` alone kept 0.106 in 71 s;
    3 negative samples alone kept 0.068.) Fewer neighbours and negative samples make each
    epoch cheaper; ``min_dist=0`` lets near neighbours sit close.

    >>> umap_defaults(100_000)
    {'n_neighbors': 10, 'min_dist': 0.0, 'negative_sample_rate': 3}
    """
    return dict(UMAP_SMALL if n < LARGE_MAP else UMAP_LARGE)


def default_perplexity(n: int) -> float:
    """t-SNE's perplexity when none is given: 30, the usual default, below 10,000 points;
    10 from there. On 100,000 GloVe words (2 cores, ``bench_layouts.py --n 100000``)
    perplexity 10 converged in 68 s and kept 0.334 of each point's 10 cosine neighbours
    among its 10 nearest in 2-D; perplexity 30 took 94-128 s and kept 0.309 (15 and 20
    kept 0.325 and 0.321 in 110 and 102 s). Fewer neighbours make the affinities, the
    attractive forces and the spread-out FFT grid cheaper, and a 10-neighbour view is
    what a large map shows.

    >>> default_perplexity(5_000), default_perplexity(100_000)
    (30.0, 10.0)
    """
    return TSNE_PERPLEXITY if n < LARGE_MAP else TSNE_PERPLEXITY_LARGE


class LayoutFrame(NamedTuple):
    """One look at a running t-SNE or UMAP, handed to ``callback``."""

    coords: np.ndarray
    """float32 ``(n, 2)``: the layout now (a copy the callback may keep)."""
    step: int
    """Iterations (t-SNE) or epochs (UMAP) done."""
    total: int
    """Iterations or epochs planned."""
    stage: str
    """``"init"`` (the PCA start), ``"neighbours"`` (graph built, optimisation next),
    ``"optimise"``, or ``"done"`` (the last frame, also after a stop)."""
    seconds: float
    """Seconds since the run started."""


Callback = Callable[[LayoutFrame], Any]


def cores() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Reporter:
    """Throttles frames to ``callback`` (one per ``every`` seconds) and drives a tqdm bar."""

    def __init__(
        self, callback: Callback | None, every: float, progress: bool, total: int, desc: str
    ) -> None:
        self.callback, self.every, self.total = callback, float(every), int(total)
        self.start = time.perf_counter()
        self.last = -np.inf
        self.step = 0
        self.stopped = False
        self.bar = None
        if progress:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.total, desc=desc, unit="it")

    def send(self, coords: np.ndarray, stage: str) -> bool:
        """Hand a frame to the callback now; True when it asks to stop."""
        if self.callback is None:
            return False
        now = time.perf_counter()
        self.last = now
        frame = LayoutFrame(
            np.array(coords, dtype=np.float32), self.step, self.total, stage, now - self.start
        )
        if self.callback(frame) and stage != "done":
            self.stopped = True
        return self.stopped

    def __call__(self, step: int, coords: np.ndarray) -> bool:
        """Step ``step`` is done: advance the bar, maybe send a frame; True to stop."""
        if self.bar is not None:
            self.bar.update(step - self.step)
        self.step = step
        if self.callback is not None and time.perf_counter() - self.last >= self.every:
            return self.send(coords, "optimise")
        return False

    def close(self, coords: np.ndarray) -> None:
        if self.bar is not None:
            self.bar.close()
        self.send(coords, "done")


def neighbour_graph(
    X: np.ndarray, k: int, metric: str, *, n_jobs: int | None = None, with_self: bool = False
) -> tuple[np.ndarray, np.ndarray] | None:
    """The ``k`` nearest neighbours of every row and their distances (``1 - cos`` for
    cosine) by faiss, or ``None`` where the libraries' own search must do (faiss missing,
    or a metric other than cosine and euclidean). Exact up to ``EXACT_KNN_MAX`` rows, HNSW
    (recall@30 0.999 on GloVe) above. ``with_self`` puts each row first, at distance 0
    (UMAP's convention).

    faiss's exact search is one BLAS product per block: 7.5 s for 20,000 GloVe rows and
    91 neighbours where embedkit's own top-k (built for few queries) took 77 s, and
    several times faster than pynndescent or Annoy at 100,000 rows (bench_layouts.py).

    >>> X = np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32)
    >>> idx, dist = neighbour_graph(X, 1, "cosine")
    >>> idx.ravel().tolist()
    [1, 0, 1]
    """
    try:
        import faiss
    except ImportError:
        return None
    if metric not in GRAPH_METRICS:
        return None
    n, d = X.shape
    k = min(k, n - 1)
    X = np.ascontiguousarray(X, dtype=np.float32)
    if metric == "cosine":
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        X = np.ascontiguousarray(X / np.where(norms > 0, norms, 1), dtype=np.float32)
    inner = metric == "cosine"
    index: Any
    if n > EXACT_KNN_MAX:
        index = faiss.IndexHNSWFlat(d, 16, faiss.METRIC_INNER_PRODUCT if inner else faiss.METRIC_L2)
        index.hnsw.efConstruction, index.hnsw.efSearch = 80, 128
    else:
        index = faiss.IndexFlatIP(d) if inner else faiss.IndexFlatL2(d)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(cores() if n_jobs is None else int(n_jobs))
    try:
        index.add(X)
        val, idx = index.search(X, k + 1)
    finally:
        faiss.omp_set_num_threads(threads)
    own = idx == np.arange(n)[:, None]
    own[~own.any(axis=1), -1] = True  # a row not found itself (ties): drop the farthest
    keep = ~own
    idx, val = idx[keep].reshape(n, k), val[keep].reshape(n, k)
    dist = np.maximum(1.0 - val, 0.0) if inner else np.sqrt(np.maximum(val, 0.0))
    if with_self:
        idx = np.hstack([np.arange(n)[:, None], idx])
        dist = np.hstack([np.zeros((n, 1), np.float32), dist])
    return idx.astype(np.int64), np.ascontiguousarray(dist, dtype=np.float32)


def tsne_steps(
    X: np.ndarray,
    init: np.ndarray,
    *,
    seed: int = 0,
    perplexity: float | None = None,
    metric: str = "cosine",
    n_jobs: int | None = None,
    n_iter: int = TSNE_ITER,
    early_exaggeration_iter: int = TSNE_EARLY_ITER,
    callback: Callback | None = None,
    every: float = 0.5,
    progress: bool = False,
    **kwargs: Any,
) -> np.ndarray:
    """openTSNE (FFT interpolation from 10,000 points) from ``init`` (the PCA start, ``(n,
    2)``, any scale); ``perplexity=None``: :func:`default_perplexity`. See the module doc."""
    openTSNE = require("openTSNE", "tsne", purpose="t-SNE with progress and callbacks")
    from openTSNE.affinity import PerplexityBasedNN
    from openTSNE.nearest_neighbors import PrecomputedNeighbors

    jobs = cores() if n_jobs is None else int(n_jobs)
    perplexity = default_perplexity(X.shape[0]) if perplexity is None else perplexity
    total = int(early_exaggeration_iter) + int(n_iter)
    rep = Reporter(callback, every, progress, total, "t-SNE")
    rep.send(init, "init")
    k = min(X.shape[0] - 1, int(3 * perplexity))
    graph = neighbour_graph(X, k, metric, n_jobs=jobs)
    if graph is None:
        aff = PerplexityBasedNN(X, perplexity=perplexity, metric=metric, n_jobs=jobs,
                                random_state=seed)  # fmt: skip
    else:
        aff = PerplexityBasedNN(knn_index=PrecomputedNeighbors(*graph), perplexity=perplexity,
                                n_jobs=jobs, random_state=seed)  # fmt: skip
    std = float(init[:, 0].std()) or 1.0
    init = np.ascontiguousarray(init / std * 1e-4, dtype=np.float64)  # openTSNE's PCA scale
    if rep.send(init, "neighbours"):
        rep.close(init)
        return np.ascontiguousarray(init, dtype=np.float32)
    phase = {"offset": 0, "last": 0}

    def hook(iteration: int, error: float, embedding: np.ndarray) -> bool:
        if iteration < phase["last"]:  # the second phase counts from 1 again
            phase["offset"] = int(early_exaggeration_iter)
        phase["last"] = iteration
        return rep(phase["offset"] + iteration, embedding)

    model = openTSNE.TSNE(
        n_iter=int(n_iter), early_exaggeration_iter=int(early_exaggeration_iter), n_jobs=jobs,
        random_state=seed, callbacks=[hook], callbacks_every_iters=5, **kwargs,
    )  # fmt: skip
    Y = np.ascontiguousarray(model.fit(affinities=aff, initialization=init), dtype=np.float32)
    rep.close(Y)
    return Y


def umap_steps(
    X: np.ndarray,
    init: np.ndarray,
    *,
    seed: int = 0,
    n_neighbors: int | None = None,
    min_dist: float | None = None,
    metric: str = "cosine",
    n_epochs: int | None = None,
    n_jobs: int | None = None,
    callback: Callback | None = None,
    every: float = 0.5,
    progress: bool = False,
    negative_sample_rate: int | None = None,
) -> np.ndarray:
    """umap-learn's fuzzy graph and SGD epochs from ``init`` (the PCA start, any scale);
    ``None`` settings take :func:`umap_defaults`. See the module doc."""
    require("umap", "umap", purpose="UMAP layouts")
    from umap.umap_ import fuzzy_simplicial_set

    n = X.shape[0]
    given = {"n_neighbors": n_neighbors, "min_dist": min_dist,
             "negative_sample_rate": negative_sample_rate}  # fmt: skip
    settings = {**umap_defaults(n), **{k: v for k, v in given.items() if v is not None}}
    n_neighbors, min_dist = int(settings["n_neighbors"]), float(settings["min_dist"])
    negative_sample_rate = int(settings["negative_sample_rate"])
    epochs = int(n_epochs if n_epochs is not None else (500 if n <= 10_000 else 200))
    rep = Reporter(callback, every, progress, epochs, "UMAP")
    rep.send(init, "init")
    random_state = np.random.RandomState(seed)
    jobs = cores() if n_jobs is None else int(n_jobs)
    graph = neighbour_graph(X, n_neighbors - 1, metric, n_jobs=jobs, with_self=True)
    knn: dict[str, Any] = {}
    if graph is not None:
        knn = {"knn_indices": graph[0], "knn_dists": graph[1]}
    fuzzy = fuzzy_simplicial_set(X, n_neighbors, random_state, metric, **knn)[0]
    coords = _umap_start(init, random_state)
    if rep.send(coords, "neighbours"):
        rep.close(coords)
        return coords
    parallel = jobs > 1
    _umap_epochs(fuzzy, coords, epochs, min_dist, random_state, parallel, rep, negative_sample_rate)
    rep.close(coords)
    return coords


def _umap_start(init: np.ndarray, random_state: np.random.RandomState) -> np.ndarray:
    """umap-learn's scaling of an initial layout: tiny noise, then into ``[0, 10]²``."""
    span = float(np.abs(init).max()) or 1.0
    coords = init / span * 10 + random_state.normal(scale=1e-4, size=init.shape)
    lo, hi = coords.min(0), coords.max(0)
    return np.ascontiguousarray(10.0 * (coords - lo) / np.where(hi > lo, hi - lo, 1), np.float32)


def _umap_epochs(
    graph: Any,
    coords: np.ndarray,
    epochs: int,
    min_dist: float,
    random_state: np.random.RandomState,
    parallel: bool,
    rep: Reporter,
    negative_sample_rate: int = 5,
) -> None:
    """umap-learn's ``optimize_layout_euclidean`` (no densMAP), one epoch at a time so that
    the reporter sees each; ``coords`` is moved in place."""
    from umap import layouts
    from umap.umap_ import find_ab_params, make_epochs_per_sample

    graph = graph.tocoo()
    graph.sum_duplicates()
    graph.data[graph.data < graph.data.max() / float(max(epochs, 10))] = 0.0
    graph.eliminate_zeros()
    a, b = find_ab_params(1.0, min_dist)
    per_sample = make_epochs_per_sample(graph.data, epochs)
    per_negative = per_sample / float(negative_sample_rate)
    next_negative, next_sample = per_negative.copy(), per_sample.copy()
    rng = random_state.randint(np.iinfo(np.int32).min, np.iinfo(np.int32).max, 3)
    rng_per_sample = np.full((coords.shape[0], 3), rng.astype(np.int64), dtype=np.int64)
    rng_per_sample += coords[:, 0].astype(np.float64).view(np.int64).reshape(-1, 1)
    step = layouts._get_optimize_layout_euclidean_single_epoch_fn(parallel)
    zero = np.zeros(1, dtype=np.float32)
    head, tail, n = graph.row, graph.col, coords.shape[0]
    alpha = 1.0
    for epoch in range(epochs):
        step(coords, coords, head, tail, n, per_sample, a, b, rng_per_sample, 1.0, 2, True,
             alpha, per_negative, next_negative, next_sample, epoch, False, zero, zero,
             0, 0, 0, 0, zero, zero, 0)  # fmt: skip
        alpha = 1.0 - epoch / epochs
        if rep(epoch + 1, coords):
            return
