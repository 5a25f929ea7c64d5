"""Training events shared by every trainer, and the observers that receive them.

A trainer calls :meth:`Trainer._emit` once per epoch (and ``on_start`` / ``on_end``
around the run). Observers are plain callables or objects with ``on_start``,
``on_event`` and ``on_end`` methods: the dashboard widget, a tqdm bar, or a list.

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
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pandas as pd


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


def _call(obs: Any, method: str, arg: Any) -> None:
    fn = getattr(obs, method, None)
    if fn is not None:
        fn(arg)
    elif method == "on_event" and callable(obs):
        obs(arg)


class Trainer:
    """Base for every embedkit trainer (scikit-learn style).

    Subclasses store parameters in ``__init__``, implement ``fit(data)`` returning
    ``self``, set ``embeddings_``, and call ``_begin``, ``_emit`` per epoch, ``_finish``.
    ``stop()`` (from any thread, e.g. the dashboard's Stop button) ends training after
    the current epoch, keeping what was learned.
    """

    epochs: int = 1

    def __init__(self, observers: Iterable[Any] = ()) -> None:
        self.observers: list[Any] = list(observers)
        self._stop_event = threading.Event()
        self._t0 = 0.0
        self._rows: list[dict[str, Any]] = []
        self.history_: pd.DataFrame = pd.DataFrame()
        self.stopped_ = False

    # -- control -----------------------------------------------------------------
    def stop(self) -> None:
        """Ask training to end after the current epoch; what was learned is kept."""
        self._stop_event.set()

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called during the current run."""
        return self._stop_event.is_set()

    def add_observer(self, observer: Any) -> None:
        """Send this trainer's events to ``observer`` (callable or on_event object)."""
        self.observers.append(observer)

    def remove_observer(self, observer: Any) -> None:
        """Stop sending events to ``observer``."""
        if observer in self.observers:
            self.observers.remove(observer)

    # -- for subclasses ------------------------------------------------------------
    def _begin(self) -> None:
        self._stop_event.clear()
        self.stopped_ = False
        self._rows = []
        self.history_ = pd.DataFrame()
        self._t0 = time.perf_counter()
        for obs in list(self.observers):
            _call(obs, "on_start", self)

    def _emit(
        self,
        epoch: int,
        loss: float | None,
        throughput: float | None,
        unit: str,
        metrics: dict[str, float] | None = None,
        *,
        stage: str = "epoch",
        progress: float | None = None,
    ) -> TrainingEvent:
        """Send one event to every observer; only ``stage="epoch"`` events go to ``history_``.

        ``progress`` (0..1) defaults to ``epoch / epochs``; batch events pass their own.
        """
        if progress is None:
            progress = epoch / max(1, int(self.epochs))
        event = TrainingEvent(
            epoch=epoch,
            epochs=int(self.epochs),
            loss=loss,
            throughput=throughput,
            unit=unit,
            elapsed=time.perf_counter() - self._t0,
            metrics=dict(metrics or {}),
            stage=stage,
            progress=min(1.0, max(0.0, progress)),
        )
        if stage == "epoch":
            self._rows.append(event.as_row())
            self.history_ = pd.DataFrame(self._rows)
        for obs in list(self.observers):
            _call(obs, "on_event", event)
        return event

    def _finish(self) -> None:
        self.stopped_ = self._stop_event.is_set()
        for obs in list(self.observers):
            _call(obs, "on_end", self)

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters and their current values (for the dashboard's controls)."""
        import inspect

        sig = inspect.signature(type(self).__init__)
        return {
            name: getattr(self, name)
            for name in sig.parameters
            if name not in ("self", "observers") and hasattr(self, name)
        }

    def set_params(self, **params: Any) -> Trainer:
        """Change constructor parameters before the next ``fit``."""
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"unknown parameter {key!r}; valid: {', '.join(valid)}")
            setattr(self, key, value)
        return self

    def dashboard(self, data: Any, **kwargs: Any) -> Any:
        """A :class:`~embedkit.widgets.dashboard.TrainingDashboard` for this trainer."""
        from ..widgets.dashboard import TrainingDashboard

        return TrainingDashboard(self, data, **kwargs)


Probe = Callable[[Any], dict[str, float]]
