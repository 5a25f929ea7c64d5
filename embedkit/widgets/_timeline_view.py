"""The timeline half of :class:`~embedkit.widgets.projector.Projector` (a mixin): a
training run's aligned frames, the shown ``epoch`` and playback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets as t

from . import _timeline_data as tdata

if TYPE_CHECKING:
    from ..timeline import Timeline
    from ..vectors import Embeddings


class TimelineView(t.HasTraits):
    """Frames, epoch and Play of a projector over a :class:`~embedkit.timeline.Timeline`
    (uses the widget's traits ``_frames``, ``_epochs``, ``_metrics``, ``epoch``)."""

    timeline: Timeline | None
    emb: Embeddings
    coords: np.ndarray
    epoch: int
    _frame: int
    _frames: Any
    _epochs: list[int]
    _metrics: dict[str, Any]

    if TYPE_CHECKING:  # provided by the widget; a definition here would shadow it

        def hold_sync(self) -> Any: ...

        def send(self, content: dict[str, Any], buffers: Any = None) -> None: ...

    def _set_frames(self, timeline: Timeline) -> None:
        tdata.check_timeline(timeline)
        self.timeline = timeline
        self._frame = len(timeline.epochs) - 1
        with self.hold_sync():
            self._frames = np.ascontiguousarray(timeline.coords, dtype=np.float32)
            self._epochs = [int(e) for e in timeline.epochs]
            self._metrics = tdata.metrics_table(timeline)
            self.epoch = int(timeline.epochs[-1])

    @t.validate("epoch")
    def _valid_epoch(self, proposal: Any) -> int:
        value = proposal["value"]
        tl = getattr(self, "timeline", None)
        if tl is None:
            if value != 0:
                raise t.TraitError("this projector has no timeline: its epoch stays 0")
            return 0
        try:
            tdata.frame_index(tl, value)
        except ValueError as err:
            raise t.TraitError(str(err)) from None
        return int(value)

    @t.observe("epoch")
    def _on_epoch(self, change: Any) -> None:
        tl = self.timeline
        if tl is None:
            return
        self._frame = tdata.frame_index(tl, change["new"])
        self.coords = np.ascontiguousarray(tl.coords[self._frame])

    def set_timeline(self, timeline: Timeline) -> None:
        """Replace the frames (same tracked rows), e.g. a timeline that grew by an epoch
        while training; the views jump to its last epoch.

        >>> import numpy as np
        >>> from embedkit.timeline import Timeline
        >>> v = np.ones((1, 3, 2), np.float32)
        >>> from embedkit.widgets.projector import Projector
        >>> p = Projector(Timeline(["a", "b", "c"], epochs=[1], vectors=v, coords=v))
        >>> p.set_timeline(Timeline(["a", "b", "c"], epochs=[1, 2], vectors=np.r_[v, v],
        ...                         coords=np.r_[v, v]))
        >>> p.epoch
        2
        """
        if not tdata.is_timeline(timeline):
            raise TypeError(f"expected a Timeline, not {type(timeline).__name__}")
        if self.timeline is None:
            raise ValueError("this projector shows no timeline; make one with Projector(timeline)")
        if list(timeline.labels) != list(self.timeline.labels):
            raise ValueError("the new timeline tracks other rows; make a new Projector for it")
        self.timeline = None  # the epoch may leave the old range while the new one is set
        self._set_frames(timeline)
        self.coords = np.ascontiguousarray(timeline.coords[-1])
        self.emb = _timeline_rows(timeline, self.emb)

    def play(self) -> None:
        """Play the timeline in every view, from its first epoch (or from the shown one
        when it is not the last) to its last, ``frame_ms`` per epoch."""
        if self.timeline is None:
            raise ValueError("this projector has no timeline to play")
        self.send({"type": "play"})


def _timeline_rows(timeline: Timeline, emb: Embeddings | None) -> Embeddings:
    """The Embeddings a timeline projector shows: ``emb`` reordered to the tracked rows, or
    the timeline's last frame (its labels and metadata)."""
    tdata.check_timeline(timeline)
    if emb is None:
        return timeline.frame(int(timeline.epochs[-1]))
    missing = [lab for lab in timeline.labels if lab not in emb]
    if missing:
        raise ValueError(
            f"{len(missing)} tracked labels are not in emb (first: {missing[:3]!r}); emb must "
            "hold every row of the timeline"
        )
    return emb if list(emb.labels) == list(timeline.labels) else emb[list(timeline.labels)]
