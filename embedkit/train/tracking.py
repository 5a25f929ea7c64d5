"""Recording a timeline during training: the ``track=`` parameter of every trainer.

:class:`Tracker` is what the one epoch loop (:meth:`Trainer._run_epochs`) uses: after each
epoch it copies the tracked rows of ``current()`` (the vectors as they are now), computes
how settled they are (:func:`embedkit.timeline.settling` against the epoch before, the
``settling`` column of ``history_``), and builds the :class:`~embedkit.timeline.Timeline`
in ``timeline_``.

``track=`` takes

- ``None`` or ``False`` (the default): no timeline;
- ``True``: the :data:`DEFAULT_TRACK` most frequent rows (by the ``count`` or
  ``n_ratings`` metadata column: the most frequent words, the most rated items), or the
  first ones when there is no such column;
- an int ``n``: that many;
- a list of labels: those rows (an unknown label raises ``UnknownLabelError`` with
  suggestions, before training starts).

Rows are those of the trainer's ``current()`` vectors: the vocabulary for word trainers,
document tags for Doc2Vec, items for the recommenders, and for :class:`ImageTrainer` the
fixed sample of up to 512 training images whose features the loop already computes.

Memory: ``epochs × n × dim × 4`` bytes, e.g. 2,000 rows × 100 dims × 4 B = 0.8 MB per
epoch (8 MB for 10 epochs). Time per epoch: the copy of the tracked rows and the settling
figure, one ``500 × n`` similarity block with each row's top 10 (about 15 ms for 2,000
rows of 64 dimensions on a busy 2-core machine, most of it numpy's ``argpartition``); the 2D
coordinates are computed only when someone reads them (the projector, a snapshot).

Examples
--------
>>> from embedkit.train import Word2Vec
>>> corpus = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]] * 50
>>> w2v = Word2Vec(vector_size=8, min_count=1, epochs=3, deterministic=True, track=True)
>>> w2v.fit(corpus).timeline_
Timeline(3 epochs × 6 rows × 8 dims)
>>> w2v.history_["settling"].isna().tolist()
[True, False, False]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..timeline import SETTLING_K, Timeline, _jaccard, neighbour_sets, settling_rows

if TYPE_CHECKING:
    from ..vectors import Embeddings

__all__ = ["DEFAULT_TRACK", "Tracker", "check_track"]

DEFAULT_TRACK = 2000
"""Rows tracked by ``track=True``."""


def check_track(track: Any) -> int | list[str] | None:
    """``track=`` as a row count, a list of labels, or None (off); a clear error otherwise.

    >>> check_track(True), check_track(None), check_track(50), check_track(["war", "peace"])
    (2000, None, 50, ['war', 'peace'])
    >>> check_track("war")
    Traceback (most recent call last):
    ...
    TypeError: track= takes True, a number of rows or a list of labels; got the str 'war' ...
    """
    if track is None or track is False:
        return None
    if track is True:
        return DEFAULT_TRACK
    if isinstance(track, int | np.integer):
        if track < 2:
            raise ValueError(f"track= needs at least 2 rows to compare neighbours, got {track}")
        return int(track)
    if isinstance(track, str | bytes):
        raise TypeError(
            "track= takes True, a number of rows or a list of labels; got the str "
            f"{track!r} (for one label write track=[{track!r}])"
        )
    if isinstance(track, Sequence | np.ndarray | pd.Index | pd.Series):
        labels = list(dict.fromkeys(str(x) for x in track))
        if len(labels) < 2:
            raise ValueError(f"track= needs at least 2 labels to compare neighbours, got {labels}")
        return labels
    raise TypeError(
        f"track= takes True, a number of rows or a list of labels; got {type(track).__name__}"
    )


def _frequency_column(meta: pd.DataFrame | None) -> str | None:
    """The metadata column that counts each row's occurrences, if any."""
    for name in ("count", "n_ratings"):
        if meta is not None and name in meta.columns:
            return name
    return None


class Tracker:
    """The frames of one run: tracked rows per epoch, settling, the timeline so far."""

    def __init__(self, track: int | list[str], epochs: int) -> None:
        self.track = track
        self.planned = max(1, int(epochs))
        self.rows: np.ndarray | None = None
        self.labels: list[str] = []
        self.metadata: pd.DataFrame | None = None
        self.frames: np.ndarray | None = None
        self.epochs: list[int] = []
        self.metrics: list[dict[str, Any]] = []
        self._sets: np.ndarray | None = None
        self._settling_rows: np.ndarray | None = None

    def resolve(self, emb: Embeddings) -> None:
        """Choose the tracked rows of ``emb`` (unknown labels raise, with suggestions)."""
        if isinstance(self.track, list):
            rows = np.array([emb.index(label) for label in self.track], dtype=np.int64)
        else:
            rows = np.arange(min(int(self.track), len(emb)), dtype=np.int64)
            column = _frequency_column(emb.metadata)
            if column is not None:  # the most frequent rows, most frequent first
                counts = -np.asarray(emb.metadata[column], dtype=np.float64)  # type: ignore[index]
                rows = np.argsort(counts, kind="stable")[: rows.size]
            if rows.size < 2:
                raise ValueError(f"track= needs at least 2 rows; the vectors have {len(emb)}")
        self.rows = rows
        self._settling_rows = settling_rows(len(rows))
        names = emb.labels  # one copy: the property copies on each access
        self.labels = [names[r] for r in rows]
        meta = emb.metadata
        self.metadata = None if meta is None else meta.iloc[rows].reset_index(drop=True)

    @property
    def by_label(self) -> bool:
        """True when ``track=`` named labels (checked against the vectors before training)."""
        return isinstance(self.track, list)

    def record(
        self, epoch: int, emb: Embeddings, loss: float | None, metrics: dict[str, Any]
    ) -> Timeline:
        """Keep the epoch's tracked vectors; adds ``settling`` to ``metrics`` (NaN at first).

        Returns the timeline so far.
        """
        if self.rows is None:
            self.resolve(emb)
        assert self.rows is not None
        now = emb.vectors[self.rows]
        if self.frames is None:
            self.frames = np.empty((self.planned, *now.shape), dtype=np.float32)
        if len(self.epochs) == len(self.frames):  # more epochs than planned
            self.frames = np.concatenate([self.frames, np.empty_like(self.frames)])
        self.frames[len(self.epochs)] = now
        self.epochs.append(int(epoch))
        sets = neighbour_sets(now, SETTLING_K, self._settling_rows)
        value = math.nan
        if self._sets is not None:
            value = round(float(_jaccard(self._sets, sets).mean()), 4)
        self._sets = sets
        metrics["settling"] = value
        row = {"epoch": int(epoch), "loss": math.nan if loss is None else float(loss)}
        self.metrics.append({**row, **metrics})
        return self.timeline()

    def timeline(self, *, final: bool = False) -> Timeline:
        """The timeline of the epochs recorded so far.

        ``final``: the frames are copied out of the run's buffer (which was sized for
        the planned epochs), so a stopped run holds only what it recorded.
        """
        if self.frames is None or not self.epochs:
            raise RuntimeError("no epoch recorded yet")
        frames = self.frames[: len(self.epochs)]
        if final and len(frames) < len(self.frames):
            self.frames = frames = frames.copy()
        return Timeline.from_frames(
            self.labels, epochs=self.epochs, vectors=frames,
            metrics=pd.DataFrame(self.metrics), metadata=self.metadata,
        )  # fmt: skip
