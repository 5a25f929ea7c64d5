"""A live training dashboard: parameter controls, Start/Stop, progress, charts, neighbours.

The dashboard observes a trainer's :class:`~embedkit.train.events.TrainingEvent` s. It
trains either blocking (:meth:`TrainingDashboard.fit`, for scripts and nbval) or in a
background thread (:meth:`TrainingDashboard.start`) so the Stop button works while
the notebook cell is free. Its charts also render as a static PNG, so a saved
notebook shows them without a kernel.

Examples
--------
>>> from embedkit.train.documents import Doc2Vec
>>> docs = [["a", "b", "c"], ["b", "c", "d"], ["c", "d", "e"]] * 4
>>> dash = TrainingDashboard(Doc2Vec(vector_size=4, min_count=1, epochs=2), docs)
>>> dash
TrainingDashboard(Doc2Vec, epoch 0/2, ready)
>>> dash.fit()
TrainingDashboard(Doc2Vec, epoch 2/2, finished)
>>> sorted(dash.controls)[:3]
['dbow_words', 'deterministic', 'dm']
"""

from __future__ import annotations

import base64
import functools
import html
import io
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import EmbedkitWarning, collect_warnings, user_frame, warn
from ..train.events import TrainingEvent
from ._controls import HELP, control
from ._live import LiveMap

# While training, the chart re-renders at most every _RENDER_MIN seconds and never more often
# than _RENDER_SHARE of the wall time allows (a PNG costs ~0.1 s), so watching costs the run
# a few percent at most; the final chart always renders.
_RENDER_MIN = 1.0
_RENDER_SHARE = 0.03
_PROBE_PAIRS = 20  # WordSim353 pairs a corpus must cover for the dashboard to chart them


def _score_text(scores: list[float]) -> str:
    """Decimals enough for different scores to read differently (2 to 6).

    >>> _score_text([0.9981, 0.9976, 0.9912])  # 0.998, 0.998, 0.991 would hide a difference
    '{:.4f}'
    >>> _score_text([0.75, 0.5])
    '{:.2f}'
    """
    distinct = len(set(scores))
    for digits in range(2, 7):
        if len({round(x, digits) for x in scores}) == distinct:
            return f"{{:.{digits}f}}"
    return "{:.6f}"


def _default_preview(labels: list[str], n: int = 4) -> list[str]:
    """A few labels spread over the list (frequency order for words: skip the top)."""
    picks = sorted({min(len(labels) - 1, len(labels) // d) for d in (20, 10, 5, 3)})
    return [labels[i] for i in picks][:n]


def _reusable(data: Any) -> Any:
    """The data as given, or a list when it is a one-shot iterator (every run needs it all)."""
    try:
        one_shot = iter(data) is data
    except TypeError:
        return data
    if not one_shot:
        return data
    warn(
        f"the dashboard's data is a one-shot iterator ({type(data).__name__}); it was read into "
        "a list so that every run trains on all of it",
        EmbedkitWarning,
    )
    return list(data)


class TrainingDashboard:
    """Train a model and watch it: controls, Start/Stop, progress, charts, neighbours.

    Parameters
    ----------
    trainer : embedkit.train.Trainer
        Any embedkit trainer (Word2Vec, Doc2Vec, SentenceEncoder, ...).
    data
        What ``trainer.fit`` takes (a corpus, texts, ...).
    preview : list of str, optional
        Labels whose neighbours the end summary shows (default: a few spread labels).
    n_neighbours : int
        Neighbours per preview label.
    **fit_kwargs
        More arguments for ``trainer.fit(data, **fit_kwargs)``.

    Attributes
    ----------
    controls : dict
        Parameter name -> ipywidgets control; editing one calls ``trainer.set_params``.
    events : list of TrainingEvent
        The epoch events of the last run.
    state : str
        "ready", "running", "finished", "stopped" or "failed".
    warnings : list of warnings.WarningMessage
        The embedkit warnings of the last run, also shown in the widget, each naming the
        user's call that started training (even from the background thread).
    default_probe : str or None
        What the dashboard charts for a word trainer without ``probes`` whose corpus
        covers at least 20 WordSim353 pairs (the trainer's ``probes`` stay None).

    Controls are named by meaning (``sg`` is "architecture": skip-gram / CBOW, ``hs``
    "hierarchical softmax": on / off, ``workers`` "threads", showing this machine's
    cores when None) with a help line each. The neighbour preview shows as many decimals
    (2 to 6) as the scores need to read differently.
    """

    def __init__(
        self,
        trainer: Any,
        data: Any,
        *,
        preview: list[str] | None = None,
        n_neighbours: int = 3,
        **fit_kwargs: Any,
    ) -> None:
        self.trainer = trainer
        self.data = _reusable(data)
        self.fit_kwargs = fit_kwargs
        self.preview = preview
        self.n_neighbours = n_neighbours
        self.events: list[TrainingEvent] = []
        self.state = "ready"
        self.epoch = 0
        self.error_: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._last_render = 0.0
        self._render_cost = 0.0
        self._stop_pending = False
        self._summary: pd.DataFrame | None = None
        self.warnings: list[warnings.WarningMessage] = []
        self.default_probe: str | None = None
        self._caller: tuple[str, int] | None = None
        self._build()
        self._render_chart()  # "no epochs yet" until the first epoch ends

    # ----------------------------------------------------------------- widgets
    def _build(self) -> None:
        import ipywidgets as w

        choices = getattr(self.trainer, "param_choices", {})
        self.controls: dict[str, Any] = {}
        self.skipped_params: list[str] = []
        cells = []
        for name, value in self.trainer.get_params().items():
            ctl = control(name, value, choices.get(name))
            if ctl is None:
                self.skipped_params.append(name)
                continue
            ctl.observe(functools.partial(self._on_control, name), names="value")
            self.controls[name] = ctl
            help_text = html.escape(HELP.get(name, ""), quote=False)
            note = w.HTML(value=f"<small style='color:#666'>{help_text}</small>")
            cells.append(w.VBox([ctl, note]) if help_text else ctl)
        grid = w.GridBox(
            cells,
            layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(190px, 1fr))"),
        )
        self.start_button = w.Button(description="Start", icon="play", button_style="success")
        self.stop_button = w.Button(
            description="Stop", icon="stop", button_style="danger", disabled=True
        )
        self.start_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, description="progress")
        self.status = w.Label(value=self._status_text())
        self.chart = w.Image(format="png", layout=w.Layout(max_width="760px"))
        self.summary_html = w.HTML(value="")
        self.live_map = LiveMap()  # the space so far, when the trainer records a timeline
        self.warnings_html = w.HTML(value="")
        title = w.HTML(value=f"<b>{html.escape(type(self.trainer).__name__)}</b> training")
        self.widget = w.VBox(
            [
                title,
                grid,
                w.HBox([self.start_button, self.stop_button, self.progress, self.status]),
                self.warnings_html,
                self.chart,
                self.live_map.box,
                self.summary_html,
            ]
        )

    def _on_control(self, name: str, change: dict[str, Any]) -> None:
        value = change["new"]
        if name == "track":
            value = True if value else None
        self.trainer.set_params(**{name: value})
        self.status.value = self._status_text()

    def _set_running(self, running: bool) -> None:
        for ctl in self.controls.values():
            ctl.disabled = running
        self.start_button.disabled = running
        self.stop_button.disabled = not running

    # ----------------------------------------------------------------- observer
    def on_start(self, trainer: Any) -> None:
        """Observer hook: a run begins."""
        self.events = []
        self.epoch = 0
        self.state = "running"
        self.progress.value = 0.0
        if self._stop_pending:  # Stop pressed while the trainer prepared (vocabulary, ...)
            trainer.stop()
        estimate = getattr(trainer, "memory_estimate_", None)
        self.status.value = f"training…  {estimate}" if estimate is not None else "training…"

    def on_event(self, event: TrainingEvent) -> None:
        """Observer hook: a batch or an epoch ended."""
        if event.progress is not None:
            self.progress.value = float(event.progress)
        if event.stage != "epoch":
            self.status.value = self._event_text(event)
            return
        self.events.append(event)
        self.epoch = event.epoch
        self.status.value = self._event_text(event)
        self.live_map.update(self.trainer)
        self._show_warnings()
        wait = max(_RENDER_MIN, self._render_cost / _RENDER_SHARE)
        if len(self.events) == 1 or time.perf_counter() - self._last_render >= wait:
            self._render_chart()

    def on_end(self, trainer: Any) -> None:
        """Observer hook: the run ended (finished, or stopped early)."""
        planned = self._planned()
        early = isinstance(planned, int) and self.epoch < planned
        self.state = "stopped" if getattr(trainer, "stopped_", False) and early else "finished"
        self._render_chart()
        self.live_map.update(self.trainer)  # a stopped run keeps the frames it recorded
        self.status.value = self._status_text()

    # ----------------------------------------------------------------- running
    def fit(self) -> TrainingDashboard:
        """Train in this thread (blocking; for scripts and nbval). Returns self."""
        self._check_idle()
        self._stop_pending = False
        self._caller = user_frame()
        self._run()
        return self

    run = fit

    def start(self) -> TrainingDashboard:
        """Train in a background thread; the Stop button (or :meth:`stop`) ends it early."""
        self._check_idle()
        self._stop_pending = False
        self._caller = user_frame()
        self.state = "running"
        self._set_running(True)
        self._thread = threading.Thread(
            target=self._run, kwargs={"reraise": False}, name="embedkit-train"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> TrainingDashboard:
        """Ask the trainer to stop after the current epoch; what was learned is kept."""
        self.trainer.stop()
        self._stop_pending = self.state == "running"
        if self.state == "running":
            self.status.value = f"stopping after epoch {self.epoch + 1}…"
        return self

    def wait(self, timeout: float | None = None) -> TrainingDashboard:
        """Wait for a :meth:`start` ed run; re-raises its error if it failed."""
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise TimeoutError(f"training still running after {timeout} s")
        if self.error_ is not None:
            raise self.error_
        return self

    @property
    def running(self) -> bool:
        """True while a run is in progress."""
        return self.state == "running"

    def _check_idle(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("training is already running; press Stop or call wait() first")

    def _run(self, reraise: bool = True) -> None:
        """Train; an error is kept in ``error_`` and shown in the status line."""
        self.error_ = None
        self._summary = None
        self.summary_html.value = ""
        self.warnings_html.value = ""
        self._set_running(True)
        self.trainer.add_observer(self)
        probe = self._default_probe()
        try:
            with collect_warnings() as self.warnings:
                self.trainer.fit(self.data, **self.fit_kwargs)
            self._show_summary()
        except BaseException as exc:
            self.error_ = exc
            self.state = "failed"
            self.status.value = f"failed: {type(exc).__name__}: {exc}"
            if reraise:
                raise
        finally:
            if probe:
                self.trainer.probes = None  # the trainer's parameter is left as it was
            self.trainer.remove_observer(self)
            self._set_running(False)
            self._show_warnings()

    def _default_probe(self) -> bool:
        """WordSim353 for this run, when a word trainer has no probes and the corpus covers it.

        Sets ``default_probe`` (what is charted, or None); True when the probe was added.
        """
        from ..datasets import wordsim353

        self.default_probe = None
        trainer = self.trainer
        if not getattr(trainer, "rows_are_words", False) or trainer.probes is not None:
            return False
        try:
            counts: dict[str, int] = {}
            for doc in self.data:
                if isinstance(doc, str):
                    return False  # fit will explain what it needs
                for token in doc:
                    counts[token] = counts.get(token, 0) + 1
        except TypeError:
            return False
        floor = int(getattr(trainer, "min_count", 1))
        pairs = wordsim353()
        known = pairs["word1"].map(lambda x: counts.get(x, 0) >= floor) & pairs["word2"].map(
            lambda x: counts.get(x, 0) >= floor
        )
        covered = int(known.sum())
        if covered < _PROBE_PAIRS:
            return False
        trainer.probes = ["wordsim353"]
        self.default_probe = (
            f"WordSim353 Spearman ({covered} of {len(pairs)} pairs in the vocabulary)"
        )
        return True

    def _show_warnings(self) -> None:
        """The run's embedkit warnings, each naming the user's call that started training."""
        rows = []
        for item in self.warnings:
            where: tuple[str, int] | None = (item.filename, int(item.lineno))
            if not item.filename or item.filename == threading.__file__:
                where = self._caller  # raised in the training thread: name the start() call
            place = f" (from your call at {Path(where[0]).name}:{where[1]})" if where else ""
            text = f"{item.category.__name__}: {item.message}{place}"
            rows.append(f"<div style='color:#a15c00'>⚠ {html.escape(text)}</div>")
        self.warnings_html.value = "".join(rows)

    # ----------------------------------------------------------------- text
    def _planned(self) -> Any:
        return getattr(self.trainer, "epochs", "?")

    def _event_text(self, event: TrainingEvent) -> str:
        if event.stage == "epoch":
            return event.describe()
        speed = "" if event.throughput is None else f"  {event.throughput:,.0f} {event.unit}"
        return f"{event.stage} {100 * (event.progress or 0):.0f}%{speed}  {event.elapsed:.1f} s"

    def _status_text(self) -> str:
        head = f"{self.state}: epoch {self.epoch}/{self._planned()}"
        if self.events:
            last = self.events[-1]
            speed = "" if last.throughput is None else f", {last.throughput:,.0f} {last.unit}"
            return f"{head}{speed}, {last.elapsed:.1f} s"
        return head

    def __repr__(self) -> str:
        name = type(self.trainer).__name__
        return f"TrainingDashboard({name}, epoch {self.epoch}/{self._planned()}, {self.state})"

    # ----------------------------------------------------------------- charts
    @property
    def history(self) -> pd.DataFrame:
        """One row per epoch of the last run (as the trainer's ``history_``)."""
        return pd.DataFrame([e.as_row() for e in self.events])

    def figure(self) -> Any:
        """The charts as a matplotlib Figure: loss, and the metrics per epoch (or throughput).

        The metrics are the probes' and the health figure ``mean_cosine`` (near 1: a
        collapsed space). With a timeline (``track=``) a third chart shows ``settling``:
        the share of each tracked row's 10 neighbours kept from the epoch before, which
        rises towards 1 as the space stops moving.
        """
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        hist = self.history
        settled = "settling" in hist.columns
        fig = Figure(figsize=(11 if settled else 8, 2.6), dpi=90, layout="constrained")
        axes = fig.subplots(1, 3 if settled else 2)
        ax_loss, ax_right = axes[0], axes[1]
        if hist.empty:
            for ax in (ax_loss, ax_right):
                ax.text(0.5, 0.5, "no epochs yet", ha="center", va="center", color="grey")
                ax.set_xticks([])
                ax.set_yticks([])
            return fig
        self._plot_loss(ax_loss, hist)
        if settled:
            self._plot_settling(axes[2], hist)
        metrics = [m for m in self.events[-1].metrics if m != "settling"]
        if metrics:
            for name in metrics:
                label = "mean cosine (health)" if name == "mean_cosine" else name
                ax_right.plot(hist["epoch"], hist[name], marker="o", ms=3, label=label)
            ax_right.set_title("metrics")
            ax_right.legend(fontsize="small")
        else:
            speed = hist.columns[2]
            ax_right.plot(hist["epoch"], hist[speed], marker="o", ms=3, color="tab:green")
            ax_right.set_title(speed.replace("_", " "))
        ax_right.set_xlabel("epoch")
        last = int(hist["epoch"].max())
        for ax in axes:
            ax.set_xlim(0.5, last + 0.5)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return fig

    @staticmethod
    def _plot_settling(ax: Any, hist: pd.DataFrame) -> None:
        """Neighbours kept from one epoch to the next: near 1, the space stopped moving."""
        ax.set_title("when has it stopped moving?")
        ax.plot(hist["epoch"], hist["settling"], marker="o", ms=3, color="tab:purple")
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("neighbours kept (Jaccard@10)")
        ax.set_xlabel("epoch")

    def _plot_loss(self, ax: Any, hist: pd.DataFrame) -> None:
        ax.set_title("loss")
        ax.set_xlabel("epoch")
        if hist["loss"].notna().any():
            ax.plot(hist["epoch"], hist["loss"], marker="o", ms=3)
        else:
            note = f"n/a: {type(self.trainer).__name__} reports no loss"
            ax.text(0.5, 0.5, note, ha="center", va="center", color="grey", transform=ax.transAxes)
            ax.set_yticks([])

    def to_png(self) -> bytes:
        """The charts as PNG bytes."""
        buf = io.BytesIO()
        self.figure().savefig(buf, format="png")
        return buf.getvalue()

    def _render_chart(self) -> None:
        t0 = time.perf_counter()
        self.chart.value = self.to_png()
        self._last_render = time.perf_counter()
        self._render_cost = self._last_render - t0

    # ----------------------------------------------------------------- summary
    def summary(self) -> pd.DataFrame:
        """Neighbours of a few preview labels in ``trainer.embeddings_`` (query, rank)."""
        emb = getattr(self.trainer, "embeddings_", None)
        if emb is None or len(emb) < 2:
            raise RuntimeError("nothing trained yet; call fit() or start() first")
        queries = [q for q in (self.preview or _default_preview(emb.labels)) if q in emb]
        if not queries:
            raise ValueError(f"none of the preview labels {self.preview!r} is in the embeddings")
        k = min(self.n_neighbours, len(emb) - 1)
        return emb.neighbours(queries, k=k)

    def _show_summary(self) -> None:
        emb = getattr(self.trainer, "embeddings_", None)
        if emb is None or len(emb) < 2:
            return
        self._summary = self.summary()
        text = None
        if emb.metadata is not None and "text" in emb.metadata:
            text = dict(zip(emb.labels, emb.metadata["text"], strict=True))

        def show(label: str) -> str:
            shown = label if text is None else f"{label}: {str(text[label])[:60]}"
            return html.escape(shown)

        rows = []
        fmt = _score_text([float(x) for x in self._summary["score"]])
        for query, frame in self._summary.groupby(level="query", sort=False):
            near = ", ".join(
                f"{show(lab)} ({fmt.format(score)})"
                for lab, score in zip(frame["label"], frame["score"], strict=True)
            )
            rows.append(f"<tr><td><b>{show(str(query))}</b></td><td>{near}</td></tr>")
        head = html.escape(self._status_text())
        self.summary_html.value = f"<p>{head}</p><table>{''.join(rows)}</table>"

    # ----------------------------------------------------------------- display
    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        data["image/png"] = base64.b64encode(self.to_png()).decode("ascii")
        return data
