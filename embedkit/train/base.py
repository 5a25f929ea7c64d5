"""The trainer contract and the one epoch loop every embedkit trainer runs.

A trainer stores its parameters in ``__init__`` and, in ``fit``, prepares its data and
then hands :meth:`Trainer._run_epochs` a *step*: a function that trains one epoch and
returns an :class:`EpochResult` (the epoch's loss, how many units it processed, and any
metrics of its own). The loop owns everything else, the same way for every trainer:

- the epoch count, the learning-rate schedule (:meth:`Trainer._linear_rate`) and timing;
- throughput, always ``units processed in the epoch / seconds`` in the trainer's ``unit``;
- probes (``probes=``) and the health figure ``mean_cosine`` on the current vectors;
- with ``track=``, the tracked rows' vectors per epoch, their ``settling`` and the
  :class:`~embedkit.timeline.Timeline` in ``timeline_`` (:mod:`embedkit.train.tracking`);
- one :class:`~embedkit.train.events.TrainingEvent` per epoch to every observer, the only
  place events for ``history_`` are made (the hook for per-epoch snapshots);
- :meth:`Trainer.stop` after the current epoch, keeping what was learned;
- torch's thread count (``workers``) set for the run and restored after it.

Learned attributes (``embeddings_``, ``history_``, ...) exist only after ``fit``;
:meth:`Trainer._check_fitted` gives one "not fitted yet" error everywhere.

Examples
--------
>>> import numpy as np
>>> from embedkit.vectors import Embeddings
>>> class Toy(Trainer):
...     unit = "rows/s"
...     def __init__(self, epochs=3, seed=1, observers=()):
...         super().__init__(observers)
...         self.epochs, self.seed = epochs, seed
...     def fit(self, data):
...         v = np.asarray(data, dtype=np.float32)
...         def step(epoch):
...             v[:] *= 0.5
...             return EpochResult(loss=float(np.abs(v).sum()), items=len(v))
...         self._run_epochs(step, current=lambda: Embeddings(["a", "b"], v))
...         return self
>>> t = Toy().fit([[1.0, 0.0], [0.0, 1.0]])
>>> t.history_[["epoch", "loss", "mean_cosine"]].values.tolist()
[[1.0, 1.0, 0.0], [2.0, 0.5, 0.0], [3.0, 0.25, 0.0]]
>>> hasattr(Toy(), "history_")
False
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import json
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np
import pandas as pd

from ..errors import CollapseWarning, NotFittedError, check_fitted, warn
from .events import TrainingEvent, call_observer
from .probes import make_probes, run_probes
from .tracking import Tracker, check_track

if TYPE_CHECKING:
    from ..vectors import Embeddings

__all__ = ["COLLAPSED_COSINE", "EpochResult", "NotFittedError", "Trainer", "mean_cosine"]

COLLAPSED_COSINE = 0.85
"""A space whose sampled rows have a mean pairwise cosine above this is called collapsed.

Measured on 1,000 seeded rows (``Trainer`` history, 50 dimensions, 5 epochs, the 450k-token
Wikipedia sample): skip-gram 0.79 (WordSim353 0.22, neighbours that make sense), CBOW
0.92 (WordSim353 0.12) and FastText-CBOW 0.90 (0.10), whose neighbours all score 0.99;
gensim's CBOW with 4 epochs reaches 0.94. Pretrained GloVe 6B 50d: 0.12.
"""

_HEALTH_ROWS = 1000  # rows sampled for mean_cosine (fixed per run)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class EpochResult:
    """What one epoch's step reports to the loop.

    ``loss`` is ``None`` where the library computes none (gensim FastText, Doc2Vec);
    ``items`` counts the units processed (words, pairs, images, ratings), so that
    throughput means the same everywhere; ``metrics`` are the trainer's own numbers
    (e.g. training accuracy).
    """

    loss: float | None = None
    items: float = 0.0
    metrics: dict[str, float] = field(default_factory=dict)


def mean_cosine(vectors: np.ndarray, rows: np.ndarray | None = None) -> float:
    """Mean cosine similarity over all pairs of ``vectors[rows]`` (the health figure).

    Near 1 when every vector points the same way (a collapsed space); rows of zeros are
    left out. Rounded to 4 decimals so that it reads the same on every CPU.

    >>> round(mean_cosine(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])), 3)
    0.471
    """
    v = np.asarray(vectors if rows is None else vectors[rows], dtype=np.float64)
    norms = np.linalg.norm(v, axis=1)
    v = v[norms > 0] / norms[norms > 0, None]
    n = len(v)
    if n < 2:
        return math.nan
    s = v.sum(axis=0)
    return round(float((s @ s - n) / (n * (n - 1))), 4)


def renamed(**old_to_new: str) -> Callable[[F], F]:
    """Make ``old=`` keywords raise a ``TypeError`` that names the new keyword.

    >>> @renamed(tags="labels")
    ... def fit(documents, labels=None):
    ...     return labels
    >>> fit([], tags=["a"])
    Traceback (most recent call last):
    ...
    TypeError: fit() got the old keyword 'tags'; it is now called 'labels' (see CHANGELOG.md)
    """

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            _check_renamed(fn.__name__, kwargs, old_to_new)
            return fn(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return wrap


def _check_renamed(where: str, kwargs: dict[str, Any], old_to_new: dict[str, str]) -> None:
    for old, new in old_to_new.items():
        if old in kwargs:
            raise TypeError(
                f"{where}() got the old keyword {old!r}; it is now called {new!r} "
                "(see CHANGELOG.md)"
            )


@contextlib.contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run with ``n`` torch threads (``None``: torch's setting), restored afterwards."""
    import torch

    before = torch.get_num_threads()
    if n:
        torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(before)


class Trainer:
    """Base of every embedkit trainer (scikit-learn style, one shared epoch loop).

    Subclasses store parameters in ``__init__`` (one attribute per parameter, so that
    :meth:`get_params` and the dashboard's controls see them), and in ``fit`` call
    :meth:`_run_epochs` with their one-epoch step. ``stop()`` (from any thread, e.g. the
    dashboard's Stop button) ends training after the current epoch, keeping what was
    learned.

    Common parameters keep one name everywhere: ``epochs``, ``learning_rate``,
    ``workers`` (threads), ``seed`` (default 1), ``probes``, ``track`` (a timeline, see
    :mod:`embedkit.train.tracking`), ``observers``.
    """

    epochs: int = 1
    unit: ClassVar[str] = "items/s"
    """Throughput unit of :class:`TrainingEvent` s and of the ``history_`` column."""
    uses_torch: ClassVar[bool] = False
    """Set torch's thread count to ``workers`` while training."""
    warn_collapse: ClassVar[bool] = False
    """Warn (:class:`~embedkit.CollapseWarning`) when the final space has collapsed."""
    renamed_parameters: ClassVar[dict[str, str]] = {
        "alpha": "learning_rate",
        "min_alpha": "min_learning_rate",
        "lr": "learning_rate",
        "threads": "workers",
        "num_threads": "workers",
    }
    """Old keyword -> new name; an old keyword raises a ``TypeError`` naming the new one."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        params = inspect.signature(cls.__init__).parameters
        old = {k: v for k, v in cls.renamed_parameters.items() if k not in params}
        _check_renamed(cls.__name__, kwargs, old)
        return super().__new__(cls)

    def __init__(self, observers: Iterable[Any] = ()) -> None:
        self.observers: list[Any] = list(observers)
        self._health_sample: np.ndarray | None = None
        self._stop_event = threading.Event()
        self._t0 = 0.0
        self._rows: list[dict[str, Any]] = []

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

    # -- the one epoch loop ----------------------------------------------------------
    def _run_epochs(
        self,
        step: Callable[[int], EpochResult],
        *,
        current: Callable[[], Embeddings] | None = None,
        end: Callable[[], None] | None = None,
    ) -> None:
        """Run ``step(epoch)`` for epochs 1..``epochs`` with events, probes and stop.

        ``current()`` gives the vectors as they are now (for probes and the health figure;
        called once per epoch only when needed); ``end()`` runs after the last epoch,
        also after an error or a stop, before observers hear ``on_end`` (restore a
        library's state, build ``embeddings_``).

        With ``track=`` (see :mod:`embedkit.train.tracking`) the tracked rows of
        ``current()`` are recorded after every epoch, their ``settling`` joins the epoch's
        metrics before its event, and ``timeline_`` holds the frames so far (observers see
        it with each event; a stopped or failed run keeps its frames).
        """
        probes = make_probes(getattr(self, "probes", None))
        epochs = int(self.epochs)
        tracker = self._tracker(current)
        self._begin()
        threads = torch_threads(self._torch_workers()) if self.uses_torch else None
        try:
            with threads or contextlib.nullcontext():
                if tracker is not None and current is not None and tracker.by_label:
                    tracker.resolve(current())  # an unknown label fails before training
                for epoch in range(1, epochs + 1):
                    t0 = time.perf_counter()
                    result = step(epoch)
                    seconds = max(time.perf_counter() - t0, 1e-9)
                    self.epochs_done_ = epoch
                    metrics = dict(result.metrics)
                    if current is not None:
                        emb = current()
                        metrics["mean_cosine"] = mean_cosine(emb.vectors, self._health_rows(emb))
                        metrics.update(run_probes(probes, emb))
                        if tracker is not None:
                            self.timeline_ = tracker.record(epoch, emb, result.loss, metrics)
                    self._emit(epoch, result.loss, result.items / seconds, self.unit, metrics)
                    if self.stop_requested:
                        break
        finally:
            try:
                if end is not None:
                    end()
            finally:
                if tracker is not None and tracker.epochs:
                    self.timeline_ = tracker.timeline(final=True)
                self._finish()
        self._warn_if_collapsed()

    def _tracker(self, current: Callable[[], Embeddings] | None) -> Tracker | None:
        """The run's :class:`~embedkit.train.tracking.Tracker`, or None without ``track=``."""
        self.__dict__.pop("timeline_", None)  # a timeline belongs to the run that made it
        track = check_track(getattr(self, "track", None))
        if track is None:
            return None
        if current is None:
            raise TypeError(f"{type(self).__name__} cannot record a timeline (track=)")
        return Tracker(track, int(self.epochs))

    def _torch_workers(self) -> int | None:
        """torch threads for the run: 1 when ``deterministic``, else ``workers``."""
        return 1 if getattr(self, "deterministic", False) else getattr(self, "workers", None)

    def _health_rows(self, emb: Embeddings) -> np.ndarray:
        """The rows whose vectors give ``mean_cosine``: a seeded sample, fixed per run."""
        rows = self._health_sample
        if rows is None:
            n = len(emb)
            rng = np.random.default_rng(0)
            rows = np.sort(rng.choice(n, size=min(n, _HEALTH_ROWS), replace=False))
            self._health_sample = rows
        return rows

    def _warn_if_collapsed(self) -> None:
        if not self.warn_collapse or "mean_cosine" not in self.history_:
            return
        value = float(self.history_["mean_cosine"].iloc[-1])
        if value > COLLAPSED_COSINE:
            warn(
                f"{type(self).__name__}: the space has collapsed (mean cosine between "
                f"vectors {value:.2f} > {COLLAPSED_COSINE}): neighbours are not meaningful "
                f"yet. {self._collapse_hint()}",
                CollapseWarning,
            )

    def _collapse_hint(self) -> str:
        return "Train for more epochs or on more data."

    @staticmethod
    def _linear_rate(start: float, end: float, epoch: int, epochs: int) -> tuple[float, float]:
        """The learning rate at the start and the end of ``epoch`` (1-based) of ``epochs``.

        Linear decay from ``start`` to ``end`` over the whole run, as one gensim ``train``
        call would apply it.

        >>> Trainer._linear_rate(0.025, 0.0001, 1, 5)
        (0.025, 0.02002)
        """
        span = start - end
        return start - span * (epoch - 1) / epochs, start - span * epoch / epochs

    # -- events (only the loop above and batch progress call these) -------------------
    def _begin(self) -> None:
        self._stop_event.clear()
        self.stopped_ = False
        self.epochs_done_ = 0
        self._health_sample = None  # drawn at the run's first epoch
        self._rows = []
        self.history_ = pd.DataFrame()
        self._t0 = time.perf_counter()
        for obs in list(self.observers):
            call_observer(obs, "on_start", self)

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
            call_observer(obs, "on_event", event)
        return event

    def _finish(self) -> None:
        self.stopped_ = self._stop_event.is_set()
        for obs in list(self.observers):
            call_observer(obs, "on_end", self)

    # -- fitted state ------------------------------------------------------------------
    def _check_fitted(self, attribute: str = "embeddings_") -> Any:
        """The learned ``attribute``, or :class:`NotFittedError` naming the call to make."""
        return check_fitted(self, attribute)

    # -- parameters --------------------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        """Constructor parameters and their current values (for the dashboard's controls)."""
        sig = inspect.signature(type(self).__init__)
        return {
            name: getattr(self, name)
            for name in sig.parameters
            if name not in ("self", "observers") and hasattr(self, name)
        }

    def set_params(self, **params: Any) -> Trainer:
        """Change constructor parameters before the next ``fit``."""
        valid = self.get_params()
        _check_renamed(
            "set_params",
            params,
            {k: v for k, v in self.renamed_parameters.items() if k not in valid},
        )
        for key in params:
            if key not in valid:
                raise ValueError(f"unknown parameter {key!r}; valid: {', '.join(valid)}")
        for key, value in params.items():
            setattr(self, key, value)
        try:
            self._params_changed(set(params))
        except Exception:
            for key in params:  # a value that cannot work is refused, the old one kept
                setattr(self, key, valid[key])
            raise
        return self

    def _params_changed(self, names: set[str]) -> None:
        """Hook: drop state that depends on parameters just changed (e.g. a built model)."""

    # -- saving ------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save the fitted trainer into the folder ``path`` (created if needed).

        The folder holds ``trainer.json`` (class and parameters), ``embeddings.npz``
        (embedkit's pickle-free format), ``history.csv``, ``timeline.npz`` when the run
        recorded one (``track=``, see :meth:`Timeline.save`) and the trainer's own state:
        gensim's native model file for the gensim trainers (``model.gensim``, which gensim
        loads without embedkit), a torch state dict for the torch ones (loaded with
        ``weights_only=True``). Nothing in it is a pickle of an embedkit object.
        :meth:`load` reads it back.
        """
        embeddings = self._check_fitted()
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        params: dict[str, Any] = {}
        for name, value in self.get_params().items():
            if isinstance(value, np.generic):
                value = value.item()
            if value is None or isinstance(value, str | int | float | bool):
                params[name] = value
            elif name == "track" and isinstance(value, list | tuple):
                params[name] = [str(x) for x in value]  # labels tracked
        cls = type(self)
        info = {"class": f"{cls.__module__}.{cls.__qualname__}", "params": params}
        (folder / "trainer.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
        embeddings.save(folder / "embeddings.npz")
        self.history_.to_csv(folder / "history.csv", index=False)
        timeline = getattr(self, "timeline_", None)
        if timeline is not None:
            timeline.save(folder / "timeline.npz")
        self._save_state(folder)
        return folder

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Any:
        """A trainer saved by :meth:`save`, fitted state included (``embedkit.train`` only).

        ``Trainer.load(path)`` gives whichever trainer was saved; ``Word2Vec.load(path)``
        also checks that it is one.
        """
        from ..io import load as load_embeddings

        folder = Path(path)
        info = json.loads((folder / "trainer.json").read_text(encoding="utf-8"))
        module, _, name = str(info["class"]).rpartition(".")
        if not module.startswith("embedkit.train."):
            raise ValueError(
                f"{folder}/trainer.json names {info['class']!r}, not an embedkit trainer"
            )
        klass = getattr(importlib.import_module(module), name)
        if not (isinstance(klass, type) and issubclass(klass, cls)):
            raise TypeError(f"{folder} holds a {name}, not a {cls.__name__}")
        obj: Any = klass(**info["params"])
        obj.embeddings_ = load_embeddings(folder / "embeddings.npz")
        obj.history_ = pd.read_csv(folder / "history.csv")
        obj.epochs_done_ = len(obj.history_)
        obj.stopped_ = obj.epochs_done_ < int(obj.epochs)
        if (folder / "timeline.npz").exists():
            from ..timeline import Timeline

            obj.timeline_ = Timeline.load(folder / "timeline.npz")
        obj._load_state(folder)
        return obj

    def _save_state(self, folder: Path) -> None:
        """Hook: write the trainer's own state (model files) into ``folder``."""

    def _load_state(self, folder: Path) -> None:
        """Hook: read what :meth:`_save_state` wrote."""

    def dashboard(self, data: Any, **kwargs: Any) -> Any:
        """A :class:`~embedkit.widgets.dashboard.TrainingDashboard` for this trainer.

        Raises ``TypeError`` at once for a model that does not train (no ``fit``).
        """
        if not callable(getattr(self, "fit", None)):
            raise TypeError(
                f"{type(self).__name__} does not train (it has no fit method), so it has no "
                "training dashboard; use a trainer such as ek.train.ImageTrainer"
            )
        from ..widgets.dashboard import TrainingDashboard  # display hand-off only

        return TrainingDashboard(self, data, **kwargs)
