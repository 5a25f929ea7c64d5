"""The dashboard's live map: the trainer's timeline so far, played in a projector.

A trainer fitted with ``track=`` keeps the frames recorded so far in ``timeline_`` while it
trains (each epoch's event comes after its frame is recorded). :class:`LiveMap` shows that
timeline in a :class:`~embedkit.widgets.projector.Projector` and, at every epoch event,
hands it the timeline grown by one epoch: the points glide to the new epoch, the slider
gains a step, and the whole run so far can be replayed while training goes on. A stopped
run keeps the frames it recorded. Without ``track=`` the map says how to get one.

Examples
--------
>>> import numpy as np
>>> from embedkit.timeline import Timeline
>>> class Run:  # anything with a ``timeline_``, as a trainer during fit
...     timeline_ = None
>>> run, live = Run(), LiveMap()
>>> live.update(run); live.projector is None
True
>>> v = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
>>> run.timeline_ = Timeline(list("abcd"), epochs=[1, 2], vectors=v, coords=v[:, :, :2])
>>> live.update(run); live.projector.epoch
2
"""

from __future__ import annotations

import html
from typing import Any

from . import _timeline_data as tdata

COLOR_COLUMNS = ("class", "label", "genre", "group", "kind")  # coloured by when present
HEIGHT = 360
HINT = (
    "<i>The map of the space appears here while training when the trainer records a "
    "timeline: pass <code>track=True</code> (the most frequent 2,000 rows) or a list of "
    "labels.</i>"
)


def _color_column(timeline: Any) -> str | None:
    meta = timeline.metadata
    if meta is None:
        return None
    for name in COLOR_COLUMNS:
        if name in meta.columns and meta[name].nunique() <= 20:
            return name
    return None


class LiveMap:
    """A box holding the projector of a trainer's timeline so far (see module doc).

    Attributes
    ----------
    box : ipywidgets.Box
        What the dashboard shows.
    projector : Projector or None
        The map, once a first epoch was recorded.
    """

    def __init__(self, k: int = 10) -> None:
        import ipywidgets as w

        self.k = k
        self.projector: Any = None
        self.note = w.HTML(value=HINT)
        self.box = w.VBox([self.note])

    def update(self, trainer: Any) -> None:
        """Show ``trainer.timeline_`` (the frames so far): a new projector for a new set of
        tracked rows, else the same one given the longer timeline."""
        timeline: Any = getattr(trainer, "timeline_", None)
        if not tdata.is_timeline(timeline) or len(timeline.epochs) == 0:
            return
        from .projector import Projector

        try:
            same = self.projector is not None and list(self.projector.timeline.labels) == list(
                timeline.labels
            )
            if same:
                self.projector.set_timeline(timeline)
            else:
                self.projector = Projector(
                    timeline, color=_color_column(timeline), k=self.k, height=HEIGHT
                )
            t = len(timeline.epochs)
            self.note.value = html.escape(
                f"The space so far: {len(timeline.labels):,} tracked rows, "
                f"{t} epoch{'s' if t != 1 else ''} (press Play to replay them)"
            )
            if not same:
                self.box.children = [self.note, self.projector]
        except (ValueError, TypeError) as err:  # a timeline that cannot be drawn: say why
            self.note.value = html.escape(f"the map cannot be drawn: {err}")
