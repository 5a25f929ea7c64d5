"""2-D layouts (PCA, t-SNE, UMAP) and orthogonal Procrustes alignment.

Layouts are float32 arrays of shape ``(n, 2)``, deterministic for a given ``seed``.
PCA needs only numpy; t-SNE uses openTSNE (FFT-accelerated, chosen by measurement in
``benchmarks/bench_layouts.py``) when it is installed and scikit-learn's Barnes-Hut
t-SNE otherwise; UMAP needs ``embedkit[umap]``. Heavy libraries load on first use.

Examples
--------
>>> import numpy as np
>>> from embedkit.project import layout
>>> X = np.random.default_rng(0).normal(size=(100, 5)).astype(np.float32)
>>> layout(X, "pca").shape
(100, 2)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ._optimise import (
    TSNE_EARLY_ITER,
    TSNE_ITER,
    Callback,
    LayoutFrame,
    cores,
    default_perplexity,
    tsne_steps,
    umap_defaults,
    umap_steps,
)

if TYPE_CHECKING:
    from .vectors import Embeddings

METHODS = ("pca", "tsne", "umap")
TSNE_BACKENDS = ("auto", "opentsne", "sklearn")
_BLOCK = 65536  # rows per block when accumulating PCA statistics


def _matrix(data: Any) -> np.ndarray:
    """The float32 matrix of an ``Embeddings`` or an array-like."""
    vecs = getattr(data, "vectors", data)
    arr = np.asarray(vecs, dtype=np.float32)
    if arr.ndim != 2:
        raise ValueError(f"expected Embeddings or a 2-D matrix (n, d); got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError("cannot lay out an empty set of vectors")
    return arr


def precomputed(coords: Any, n: int) -> np.ndarray:
    """Check user-given 2-D coordinates: ``n`` finite rows of two numbers.

    >>> precomputed([[0, 1], [2, 3]], 2).dtype
    dtype('float32')
    >>> precomputed([[0, 1]], 2)
    Traceback (most recent call last):
    ...
    ValueError: precomputed coordinates have shape (1, 2); expected (2, 2), one row per label
    """
    arr = np.asarray(coords, dtype=np.float32)
    if arr.shape != (n, 2):
        raise ValueError(
            f"precomputed coordinates have shape {arr.shape}; expected ({n}, 2), one row per label"
        )
    bad = np.flatnonzero(~np.isfinite(arr).all(axis=1))
    if bad.size:
        raise ValueError(f"precomputed coordinates are not finite at rows {bad[:5].tolist()}")
    return np.ascontiguousarray(arr)


def layout(
    data: Any,
    method: Any = "pca",
    *,
    seed: int = 0,
    progress: bool = False,
    callback: Callback | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """Project ``data`` (Embeddings or an ``(n, d)`` matrix) to 2-D.

    Parameters
    ----------
    data : Embeddings or array-like, shape (n, d)
    method : {"pca", "tsne", "umap"} or array-like, shape (n, 2)
        An array is taken as precomputed coordinates (checked, returned as float32).
    seed : int
        Random seed. PCA is always the same for a seed; t-SNE and UMAP are only with
        ``n_jobs=1`` (see :func:`tsne_layout`, :func:`umap_layout`).
    progress : bool
        Show a tqdm bar of the t-SNE iterations or UMAP epochs.
    callback : callable, optional
        ``callback(frame)`` receives a :class:`LayoutFrame` (``coords``, ``step``,
        ``total``, ``stage``, ``seconds``): the PCA start at once, then the layout every
        ``every`` seconds (default 0.5) while t-SNE or UMAP optimises, and the result.
        Returning something true stops the optimisation; the layout of that moment is
        returned. PCA sends its one ``"done"`` frame.
    **kwargs
        Passed on: ``pca_layout(normalize=)``; ``tsne_layout(perplexity=, metric=,
        n_jobs=, n_iter=, every=, ...)``; ``umap_layout(n_neighbors=, min_dist=, metric=,
        n_epochs=, n_jobs=, every=)``.

    Returns
    -------
    numpy.ndarray, float32, shape (n, 2)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(1).normal(size=(50, 4))
    >>> a, b = layout(X, "pca", seed=3), layout(X, "pca", seed=3)
    >>> bool((a == b).all()), a.dtype
    (True, dtype('float32'))
    >>> layout(X, "mds")
    Traceback (most recent call last):
    ...
    ValueError: unknown layout method 'mds'; choose one of 'pca', 'tsne', 'umap', or pass ...

    Watch t-SNE as it runs, and stop it when you have seen enough:

    >>> X = np.random.default_rng(0).normal(size=(300, 10))
    >>> seen = []
    >>> def watch(frame):
    ...     seen.append(frame.stage)
    ...     return frame.step >= 50   # true: stop here, keep this layout
    >>> Y = layout(X, "tsne", perplexity=10, callback=watch, every=0)
    >>> Y.shape, seen[:2], seen[-1]
    ((300, 2), ['init', 'neighbours'], 'done')
    """
    X = _matrix(data)
    if not isinstance(method, str):
        return precomputed(method, X.shape[0])
    name = method.lower()
    if name == "pca":
        Y = pca_layout(X, seed=seed, **kwargs)
        if callback is not None:
            callback(LayoutFrame(Y.copy(), 0, 0, "done", 0.0))
        return Y
    if name in ("tsne", "t-sne"):
        return tsne_layout(X, seed=seed, progress=progress, callback=callback, **kwargs)
    if name == "umap":
        return umap_layout(X, seed=seed, progress=progress, callback=callback, **kwargs)
    choices = ", ".join(repr(m) for m in METHODS)
    raise ValueError(
        f"unknown layout method {method!r}; choose one of {choices}, or pass (n, 2) coordinates"
    )


def _unit(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (X / norms).astype(np.float32)


def _pca_components(X: np.ndarray, n_components: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and top principal axes ``(d, n_components)``; signs fixed (largest loading > 0)."""
    n, d = X.shape
    mean = np.zeros(d)
    for start in range(0, n, _BLOCK):
        mean += X[start : start + _BLOCK].sum(axis=0, dtype=np.float64)
    mean /= n
    if d <= 2048:  # exact: eigenvectors of the d x d covariance, accumulated in float64 blocks
        cov = np.zeros((d, d))
        for start in range(0, n, _BLOCK):
            block = X[start : start + _BLOCK].astype(np.float64) - mean
            cov += block.T @ block
        _, vecs = np.linalg.eigh(cov)
        axes = vecs[:, ::-1][:, :n_components]
    else:  # very wide data: randomized SVD
        from sklearn.utils.extmath import randomized_svd

        _, _, vt = randomized_svd(X - mean.astype(np.float32), n_components, random_state=seed)
        axes = vt.T.astype(np.float64)
    signs = np.sign(axes[np.abs(axes).argmax(axis=0), np.arange(axes.shape[1])])
    signs[signs == 0] = 1.0
    return mean, axes * signs


def pca_layout(X: Any, *, seed: int = 0, normalize: bool = False) -> np.ndarray:
    """First two principal components (exact for d <= 2048; memory bounded by blocks).

    ``normalize=True`` projects the unit-normalised rows (cosine geometry).

    >>> import numpy as np
    >>> X = np.array([[0, 1], [2, 1], [4, 1]], dtype=np.float32)
    >>> pca_layout(X).tolist()
    [[-2.0, 0.0], [0.0, 0.0], [2.0, 0.0]]
    """
    X = _matrix(X)
    if normalize:
        X = _unit(X)
    if X.shape[0] < 2:
        return np.zeros((X.shape[0], 2), dtype=np.float32)
    k = min(2, X.shape[1])
    mean, axes = _pca_components(X, k, seed)
    out = np.zeros((X.shape[0], 2), dtype=np.float32)
    out[:, :k] = X @ axes.astype(np.float32) - (mean @ axes).astype(np.float32)
    return out


def start_layout(X: Any, metric: str = "cosine", seed: int = 0) -> np.ndarray:
    """The PCA layout a t-SNE or UMAP starts from and shows first (of the unit rows for
    the cosine metric)."""
    return pca_layout(X, seed=seed, normalize=metric == "cosine")


def _check_perplexity(n: int, perplexity: float) -> None:
    if perplexity <= 0:
        raise ValueError(f"perplexity must be positive, got {perplexity}")
    if n <= 3 * perplexity:
        raise ValueError(
            f"t-SNE with perplexity={perplexity:g} needs more than {3 * perplexity:g} points; "
            f"got {n}. Pass a smaller perplexity (at most {max((n - 1) / 3, 0):.4g}) "
            "or use method='pca'"
        )


def _check_n_neighbors(n: int, n_neighbors: int | None) -> None:
    """UMAP needs more points than neighbours (``None``: :func:`umap_defaults`)."""
    k = umap_defaults(n)["n_neighbors"] if n_neighbors is None else n_neighbors
    if n <= k:
        raise ValueError(
            f"UMAP with n_neighbors={k} needs more than {k} points; got {n}. Pass a smaller "
            "n_neighbors or use method='pca'"
        )


def _tsne_backend(backend: str) -> str:
    if backend not in TSNE_BACKENDS:
        raise ValueError(f"unknown t-SNE backend {backend!r}; choose one of {TSNE_BACKENDS}")
    if backend != "auto":
        return backend
    try:
        import openTSNE  # noqa: F401
    except ImportError:
        return "sklearn"
    return "opentsne"


def tsne_layout(
    X: Any,
    *,
    seed: int = 0,
    perplexity: float | None = None,
    metric: str = "cosine",
    backend: str = "auto",
    n_jobs: int | None = None,
    n_iter: int = TSNE_ITER,
    early_exaggeration_iter: int = TSNE_EARLY_ITER,
    progress: bool = False,
    callback: Callback | None = None,
    every: float = 0.5,
    **kwargs: Any,
) -> np.ndarray:
    """t-SNE from the PCA start; ``backend="auto"`` prefers openTSNE over sklearn.

    With openTSNE (``embedkit[tsne]``) the run is the one of :mod:`embedkit._optimise`:
    exact neighbours (``3 * perplexity`` of them, cosine or euclidean) by embedkit's
    blocked search, openTSNE's affinities, then ``early_exaggeration_iter`` iterations
    with exaggeration 12 and ``n_iter`` without (FFT-accelerated from 10,000 points).
    ``progress``, ``callback`` and ``every`` are those of :func:`layout`.
    ``perplexity=None`` is 30 below 10,000 points and 10 from there (faster and keeps more
    neighbours on large maps; measured in :func:`default_perplexity`).

    ``n_jobs=None`` uses every core. openTSNE's FFT gradient sums in a fixed order, so
    the layout is the same for a seed with any ``n_jobs`` on one machine (``n_jobs=1``
    only costs time: about 1.6x at 100,000 points on 2 cores). Measured on 100,000 GloVe
    words in ``benchmarks/bench_layouts.py``: see the README's numbers; openTSNE's own
    defaults (750 iterations, Annoy neighbours, one thread) took 212-264 s there.
    scikit-learn's Barnes-Hut (``backend="sklearn"``) is 7x slower at 1,000 points and
    has no progress or callback. Other keyword arguments go to the backend.
    """
    X = _matrix(X)
    perplexity = default_perplexity(X.shape[0]) if perplexity is None else perplexity
    _check_perplexity(X.shape[0], perplexity)
    which = _tsne_backend(backend)
    if which == "opentsne":
        return tsne_steps(
            X, start_layout(X, metric, seed), seed=seed, perplexity=perplexity, metric=metric,
            n_jobs=n_jobs, n_iter=n_iter,
            early_exaggeration_iter=early_exaggeration_iter, callback=callback, every=every,
            progress=progress, **kwargs,
        )  # fmt: skip
    if progress or callback is not None:
        raise ValueError("progress and callback need openTSNE: pip install embedkit[tsne]")
    from sklearn.manifold import TSNE

    model = TSNE(
        perplexity=perplexity,
        metric=metric,
        random_state=seed,
        n_jobs=cores() if n_jobs is None else n_jobs,
        init="pca",
        **kwargs,
    )
    Y = model.fit_transform(X)
    return np.ascontiguousarray(Y, dtype=np.float32)


def umap_layout(
    X: Any,
    *,
    seed: int = 0,
    n_neighbors: int | None = None,
    min_dist: float | None = None,
    metric: str = "cosine",
    n_epochs: int | None = None,
    n_jobs: int | None = None,
    progress: bool = False,
    callback: Callback | None = None,
    every: float = 0.5,
    negative_sample_rate: int | None = None,
) -> np.ndarray:
    """UMAP (umap-learn, ``embedkit[umap]``) from the PCA start, epoch by epoch.

    Exact neighbours by embedkit's blocked search (cosine or euclidean), umap-learn's
    fuzzy graph, then its SGD epochs (``n_epochs``: 500 up to 10,000 points, else 200);
    ``progress``, ``callback`` and ``every`` are those of :func:`layout`. ``None`` for
    ``n_neighbors``, ``min_dist`` and ``negative_sample_rate`` takes
    :func:`umap_defaults`: umap-learn's 15, 0.1 and 5 below 10,000
    points, 10, 0.0 and 3 from there (faster and keeps more neighbours on large maps).
    ``n_jobs=None`` runs the epochs on every core; their updates then race, so a seed no
    longer fixes the layout. ``n_jobs=1`` is bit-for-bit repeatable and slower (see
    the README's numbers from ``benchmarks/bench_layouts.py``).
    """
    X = _matrix(X)
    _check_n_neighbors(X.shape[0], n_neighbors)
    return umap_steps(
        X, start_layout(X, metric, seed), seed=seed, n_neighbors=n_neighbors, min_dist=min_dist,
        metric=metric, negative_sample_rate=negative_sample_rate,
        n_epochs=n_epochs, n_jobs=n_jobs, callback=callback, every=every, progress=progress,
    )  # fmt: skip


class Alignment(NamedTuple):
    """Result of :func:`procrustes`: ``(aligned, rotation, shared)``."""

    aligned: Embeddings
    """All of B's labels, its vectors mapped into A's space."""
    rotation: np.ndarray
    """Orthogonal ``(d_b, d_a)`` matrix: ``aligned = B @ rotation``."""
    shared: list[str]
    """Labels in both, in A's order, used to fit the rotation."""


def prepare(
    X: Any, rows: Any = None, *, normalize: bool = True, center: bool = False
) -> np.ndarray:
    """The vectors :func:`procrustes` aligns: unit rows; with ``center``, minus the mean of
    ``rows`` (default all), then unit rows again (Artetxe et al. 2018's normalisation).

    >>> prepare(np.array([[3.0, 4.0], [0.0, 2.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 1.0]]
    """
    X = _matrix(X)
    if normalize:
        X = _unit(X)
    if center:
        ref = X if rows is None else X[rows]
        X = X - ref.mean(axis=0, dtype=np.float64).astype(np.float32)
        if normalize:
            X = _unit(X)
    return X


def procrustes(
    emb_a: Embeddings, emb_b: Embeddings, *, normalize: bool = True, center: bool = False
) -> Alignment:
    """Rotate ``emb_b`` onto ``emb_a`` by orthogonal Procrustes on the shared labels.

    Finds the orthogonal ``R`` minimising ``||B_shared R - A_shared||`` (SVD of
    ``B_sharedᵀ A_shared``). With ``normalize=True`` (default) rows are unit-normalised
    first, so the alignment follows cosine geometry and model scale does not matter;
    the aligned vectors are then unit length. ``center=True`` also removes each side's
    mean direction (over the shared labels) and normalises again (:func:`prepare`):
    models such as skip-gram put all words in one narrow cone, and centring lets two
    such clouds overlap. Different dimensions are allowed (R is then a partial isometry).

    Examples
    --------
    >>> import numpy as np
    >>> import embedkit as ek
    >>> a = ek.Embeddings(["x", "y", "z"], np.eye(3))
    >>> q = np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], dtype=np.float32)  # a rotation
    >>> b = ek.Embeddings(["z", "y", "x"], np.eye(3)[::-1] @ q)
    >>> aligned, R, shared = procrustes(a, b)
    >>> shared, np.allclose(aligned["x"], a["x"], atol=1e-6)
    (['x', 'y', 'z'], True)
    """
    from .vectors import Embeddings

    in_b = emb_b.key_to_index
    shared = [lab for lab in emb_a.labels if lab in in_b]
    if len(shared) < 2:
        raise ValueError(
            f"Procrustes needs at least 2 labels in both embeddings; {len(shared)} are shared"
        )
    rows_a = [emb_a.key_to_index[lab] for lab in shared]
    rows_b = [in_b[lab] for lab in shared]
    if normalize or center:
        A = prepare(emb_a.vectors[rows_a], normalize=normalize, center=center)
        B_all = prepare(emb_b.vectors, rows_b, normalize=normalize, center=center)
    else:
        A, B_all = emb_a.vectors[rows_a], np.asarray(emb_b.vectors)
    B = B_all[rows_b].astype(np.float64)
    u, _, vt = np.linalg.svd(B.T @ A.astype(np.float64), full_matrices=False)
    rotation = (u @ vt).astype(np.float32)
    aligned = Embeddings(emb_b.labels, B_all @ rotation, emb_b.metadata, emb_b.images)
    return Alignment(aligned, rotation, shared)
