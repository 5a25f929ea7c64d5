"""Where a new vector (a typed sentence) would sit on a projector's 2-D layout.

Two rules, and the view states which one it used:

- a **PCA** layout is a linear map of the vectors, so the query is placed by the same
  map: the layout's mean and two principal axes, recomputed from the shown vectors and
  used only when they reproduce the shown coordinates (raw rows, else unit rows for a
  ``normalize=True`` layout);
- **t-SNE, UMAP** and given coordinates have no map for a new point: the query goes to
  the similarity-weighted mean of its nearest neighbours' 2-D positions (weights: the
  cosine or dot score clipped at 0, or 1 / distance for euclidean).

Pure numpy; nothing here knows about widgets.

Examples
--------
>>> import numpy as np
>>> X = np.array([[0, 0], [2, 0], [4, 0], [0, 1]], dtype=np.float32)
>>> from embedkit.project import pca_layout
>>> place = Placement(X, pca_layout(X), "pca")
>>> place.rule
'pca'
>>> place.xy(X.mean(axis=0), [], []).round(6).tolist()  # the mean sits at the origin
[0.0, 0.0]
>>> bool(np.allclose(place.xy(X[2], [], []), pca_layout(X)[2], atol=1e-5))
True
>>> Placement(X, X, "tsne").xy(X[0], [0, 3], [1.0, 1.0]).tolist()
[0.0, 0.5]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TOLERANCE = 1e-3  # of the layout's extent: PCA axes that reproduce it closer are the map


class Placement:
    """The rule for one layout: ``xy(vector, rows, scores)`` places a query vector.

    Parameters
    ----------
    vectors : array (n, d)
        The vectors shown.
    coords : array (n, 2)
        Their layout.
    method : str
        The layout's name ("pca", "tsne", "umap", "coordinates", ...).
    metric : str
        The neighbour metric (how scores become weights).
    seed : int
        Seed of the PCA for very wide vectors (randomized SVD), as the layout used.
    """

    def __init__(
        self,
        vectors: np.ndarray,
        coords: np.ndarray,
        method: str,
        metric: str = "cosine",
        seed: int = 0,
    ) -> None:
        self.coords = np.asarray(coords, dtype=np.float64)
        self.metric = metric
        self._map: tuple[bool, np.ndarray, np.ndarray] | None = None
        if method == "pca":
            self._map = _pca_map(np.asarray(vectors, dtype=np.float32), self.coords, seed)
        self.rule = "pca" if self._map is not None else "neighbours"

    def describe(self, k: int, method: str) -> str:
        """One sentence for the view: how the query was placed."""
        if self.rule == "pca":
            return "placed by the PCA projection of its vector"
        return (
            f"placed at the similarity-weighted mean of its {k} neighbours' positions "
            f"({method} has no projection for new points)"
        )

    def xy(self, vector: np.ndarray, rows: Sequence[int], scores: Sequence[float]) -> np.ndarray:
        """The 2-D position of ``vector`` whose neighbours are ``rows`` with ``scores``."""
        if self._map is not None:
            unit, mean, axes = self._map
            v = np.asarray(vector, dtype=np.float64)
            if unit:
                v = v / (np.linalg.norm(v) or 1.0)
            return np.asarray((v - mean) @ axes, dtype=np.float64)
        idx = np.asarray(rows, dtype=np.int64)
        if idx.size == 0:
            return np.full(2, np.nan)
        s = np.asarray(scores, dtype=np.float64)
        w = 1.0 / np.maximum(s, 1e-09) if self.metric == "euclidean" else np.clip(s, 0.0, None)
        if not np.isfinite(w).all() or w.sum() <= 0:
            w = np.ones_like(s)
        return np.asarray(w @ self.coords[idx] / w.sum(), dtype=np.float64)


def _pca_map(
    X: np.ndarray, coords: np.ndarray, seed: int
) -> tuple[bool, np.ndarray, np.ndarray] | None:
    """``(unit rows?, mean, axes d × 2)`` when the layout is the PCA of X (or of its unit
    rows), else None."""
    from ..project import _pca_components, _unit

    if X.shape[0] < 2 or X.shape[1] < 2:
        return None
    extent = float(np.ptp(coords, axis=0).max()) or 1.0
    for unit in (False, True):
        data = _unit(X) if unit else X
        mean, axes = _pca_components(data, 2, seed)
        shown = data.astype(np.float64) @ axes - mean @ axes
        if np.abs(shown - coords).max() <= TOLERANCE * extent:
            return unit, mean, axes
    return None
