"""Training events shared by every trainer, and the observers that receive them.

The trainers' one epoch loop (:meth:`embedkit.train.base.Trainer._run_epochs`) sends
one event per epoch (and ``on_start`` / ``on_end`` around the run). Observers are plain
callables or objects with ``on_start``, ``on_event`` and ``on_end`` methods: the dashboard
widget, a tqdm bar, or a list.

Examples
--------
>>> ev = TrainingEvent(epoch=1, epochs=5, loss=0.5, throughput=1000.0, unit="words/s")
>>> ev.as_row()["loss"]
0.5
>>> log = ListObserver()
>>> log.on_event(ev)
>>> len(log.events)
1
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class TrainingEvent:
    """One finished epoch.

    ``loss`` is ``None`` where the library reports none (gensim FastText and
    Doc2Vec): shown as "n/a", never as a fake 0. ``metrics`` holds probe results.
    """

    epoch: int
    epochs: int
    loss: float | None = None
    throughput: float | None = None
    unit: str = "items/s"
    elapsed: float = 0.0
    metrics: dict[str, float] = field(default_factory=dict)
    stage: str = "epoch"  # "epoch", or e.g. "batch" for progress inside an epoch
    progress: float | None = None  # fraction of the run done, 0..1

    def as_row(self) -> dict[str, Any]:
        """A flat dict for ``history_``: epoch, loss, <unit>, elapsed, metrics..."""
        key = self.unit.replace("/s", "_per_sec").replace("/", "_per_")
        row: dict[str, Any] = {
            "epoch": self.epoch,
            "loss": math.nan if self.loss is None else float(self.loss),
            key: self.throughput,
            "elapsed": self.elapsed,
        }
        row.update(self.metrics)
        return row

    def describe(self) -> str:
        """One line for logs and progress bars.

        >>> TrainingEvent(2, 5, None, 1500.0, "words/s", 3.0).describe()
        'epoch 2/5  loss n/a  1,500 words/s  3.0 s'
        """
        loss = "n/a" if self.loss is None else f"{self.loss:.4g}"
        speed = "" if self.throughput is None else f"  {self.throughput:,.0f} {self.unit}"
        extra = "".join(f"  {k} {v:.3f}" for k, v in self.metrics.items())
        return f"epoch {self.epoch}/{self.epochs}  loss {loss}{speed}  {self.elapsed:.1f} s{extra}"


@runtime_checkable
class Observer(Protocol):
    """Anything that wants training events."""

    def on_event(self, event: TrainingEvent) -> None: ...


class ListObserver:
    """Keeps every event in ``events`` (handy in tests and scripts)."""

    def __init__(self) -> None:
        self.events: list[TrainingEvent] = []
        self.started = False
        self.ended = False

    def on_start(self, trainer: Any) -> None:
        self.started = True

    def on_event(self, event: TrainingEvent) -> None:
        self.events.append(event)

    def on_end(self, trainer: Any) -> None:
        self.ended = True


class TqdmObserver:
    """A tqdm progress bar over epochs for scripts (``tqdm.auto`` in notebooks)."""

    def __init__(self, **tqdm_kwargs: Any) -> None:
        self._kwargs = tqdm_kwargs
        self._bar: Any = None

    def on_start(self, trainer: Any) -> None:
        from tqdm.auto import tqdm

        total = getattr(trainer, "epochs", None)
        estimate = getattr(trainer, "memory_estimate_", None)
        if estimate is not None:  # shown before training starts
            tqdm.write(f"{type(trainer).__name__}: {estimate}", file=self._kwargs.get("file"))
        self._bar = tqdm(total=total, unit="epoch", **self._kwargs)

    def on_event(self, event: TrainingEvent) -> None:
        if self._bar is None or event.stage != "epoch":
            return
        post = {"loss": "n/a" if event.loss is None else f"{event.loss:.4g}"}
        if event.throughput is not None:
            post[event.unit] = f"{event.throughput:,.0f}"
        post.update({k: f"{v:.3f}" for k, v in event.metrics.items()})
        self._bar.set_postfix(post)
        self._bar.update(1)

    def on_end(self, trainer: Any) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def call_observer(obs: Any, method: str, arg: Any) -> None:
    """Call ``obs.<method>(arg)``; a plain callable gets only ``on_event``."""
    fn = getattr(obs, method, None)
    if fn is not None:
        fn(arg)
    elif method == "on_event" and callable(obs):
        obs(arg)


Probe = Callable[[Any], dict[str, float]]
