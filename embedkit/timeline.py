"""A training timeline: the vectors of a tracked set of rows at every epoch, aligned in 2D.

Any trainer given ``track=`` keeps one in ``timeline_`` (see :class:`embedkit.train.base.Trainer`).
The projector plays it (``ek.Projector(trainer.timeline_)``), a snapshot stores it for a
notebook without a kernel (``ek.snapshot(trainer.timeline_)``).

This module is below ``train`` and ``widgets`` (it imports only ``vectors`` and ``project``).

Examples
--------
>>> import numpy as np
>>> vecs = np.stack([np.eye(3, dtype=np.float32) * (e + 1) for e in range(2)])
>>> tl = Timeline(["a", "b", "c"], epochs=[1, 2], vectors=vecs,
...               coords=np.zeros((2, 3, 2), np.float32))
>>> tl
Timeline(2 epochs × 3 rows × 3 dims)
>>> tl.frame(2)["b"].tolist()
[0.0, 2.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .vectors import Embeddings

__all__ = ["Timeline"]


class Timeline:
    """Per-epoch vectors and aligned 2D coordinates of the tracked rows of a training run.

    Attributes
    ----------
    labels : list[str]
        The ``n`` tracked rows' labels (same order in every frame).
    epochs : np.ndarray
        ``(T,)`` int, the epoch of each frame (1-based, as in ``history_``).
    vectors : np.ndarray
        ``(T, n, dim)`` float32, the tracked rows' vectors after each epoch.
    coords : np.ndarray
        ``(T, n, 2)`` float32, 2D positions aligned across epochs (motion means learning,
        not rotation or reflection).
    metrics : pd.DataFrame
        One row per frame: ``epoch``, ``loss`` and the epoch's metrics (e.g. ``settling``).
    metadata : pd.DataFrame or None
        Per-row metadata of the tracked rows (e.g. ``class``, ``genres``), ``n`` rows.
    """

    def __init__(
        self,
        labels: Sequence[str],
        *,
        epochs: Sequence[int],
        vectors: Any,
        coords: Any,
        metrics: pd.DataFrame | None = None,
        metadata: pd.DataFrame | None = None,
    ) -> None:
        self.labels = [str(x) for x in labels]
        self.epochs = np.asarray(epochs, dtype=np.int64)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.coords = np.ascontiguousarray(coords, dtype=np.float32)
        n, t = len(self.labels), len(self.epochs)
        if self.vectors.ndim != 3 or self.vectors.shape[:2] != (t, n):
            raise ValueError(
                f"vectors must have shape (epochs={t}, rows={n}, dim); got {self.vectors.shape}"
            )
        if self.coords.shape != (t, n, 2):
            raise ValueError(f"coords must have shape ({t}, {n}, 2); got {self.coords.shape}")
        self.metrics = (
            metrics.reset_index(drop=True)
            if metrics is not None
            else pd.DataFrame({"epoch": self.epochs})
        )
        self.metadata = metadata.reset_index(drop=True) if metadata is not None else None

    def __len__(self) -> int:
        return len(self.epochs)

    def __repr__(self) -> str:
        t, n, d = self.vectors.shape
        return f"Timeline({t} epochs × {n} rows × {d} dims)"

    def _index(self, epoch: int) -> int:
        hits = np.flatnonzero(self.epochs == int(epoch))
        if not hits.size:
            raise KeyError(
                f"epoch {epoch} is not in the timeline; it has epochs "
                f"{self.epochs.min()}..{self.epochs.max()}"
            )
        return int(hits[0])

    def frame(self, epoch: int) -> Embeddings:
        """The tracked rows' vectors after ``epoch``, as :class:`~embedkit.Embeddings`."""
        i = self._index(epoch)
        return Embeddings(self.labels, self.vectors[i], metadata=self.metadata)
