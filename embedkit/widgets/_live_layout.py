"""Live t-SNE and UMAP in a projector: the optimisation runs in a background thread and
every frame it hands over (about two a second) moves the points in every view.

The projector shows the PCA start at once and the cell returns; the thread runs
:func:`embedkit.project.layout` with a callback that sets the projector's coordinates
(``_xy``, sent as float32 bytes) and its ``_layout_status`` (stage, step, total,
seconds; ``state`` ``"running"``, ``"done"``, ``"stopped"`` or ``"error"``). The view
draws a progress line with a Stop button from the status (``js/src/live.ts``); Stop
sends ``{type: "stop_layout"}``, the same as :meth:`LiveLayout.stop_layout`, and the
layout of that moment stays. An error in the thread becomes ``state="error"`` with its
message, shown in the view, and is raised again by :meth:`LiveLayout.wait_layout`.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> emb = ek.Embeddings([f"w{i}" for i in range(300)],
...                     np.random.default_rng(0).normal(size=(300, 8)))
>>> p = ek.Projector(emb, method="umap", layout_kwargs={"n_epochs": 30, "n_jobs": 1})
>>> p.wait_layout().layout_status["state"], p.layout_status["step"]
('done', 30)
"""

from __future__ import annotations

import threading
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..project import LayoutFrame
    from ..vectors import Embeddings

LIVE_METHODS = ("tsne", "umap")
FRAME_SECONDS = 0.5  # one frame to the views every half second


class LiveLayout:
    """The live-layout half of :class:`~embedkit.widgets.projector.Projector` (a mixin:
    it uses the projector's ``emb``, ``coords``, ``method``, ``_xy``, ``_layout_status``
    and ``hold_sync``)."""

    emb: Embeddings
    coords: np.ndarray
    method: str
    _xy: Any
    _layout_status: dict[str, Any]
    _layout_thread: threading.Thread | None = None
    _layout_stop: threading.Event | None = None
    _layout_error: BaseException | None = None

    if TYPE_CHECKING:  # provided by the widget; a definition here would shadow it

        def hold_sync(self) -> Any: ...

    def _start_live(self, method: str, seed: int, kwargs: dict[str, Any]) -> np.ndarray:
        """Check, stop a running layout, and prepare ``method``'s thread; returns the PCA
        start, for the caller to show before it calls :meth:`_launch_live` (so that no
        frame of the thread can come before the start)."""
        from .. import project

        self.stop_layout()
        X = project._matrix(self.emb)
        metric = kwargs.get("metric", "cosine")
        _check_live(method, X.shape[0], kwargs)
        start = project.start_layout(X, metric, seed)
        stop = threading.Event()
        self._layout_stop, self._layout_error = stop, None
        self._layout_status = {"state": "running", "method": method, "stage": "init", "step": 0,
                               "total": 0, "seconds": 0.0}  # fmt: skip
        self._layout_thread = threading.Thread(
            target=self._run_live, args=(X, method, seed, kwargs, stop), daemon=True,
            name=f"embedkit-{method}",
        )  # fmt: skip
        return start

    def _launch_live(self) -> None:
        thread = self._layout_thread
        if thread is not None and thread.ident is None:
            thread.start()

    def _run_live(
        self, X: np.ndarray, method: str, seed: int, kwargs: dict[str, Any], stop: threading.Event
    ) -> None:
        from .. import project

        def frame(f: LayoutFrame) -> bool:
            if self._layout_stop is not stop:  # a newer layout replaced this one
                return True
            if f.stage != "init":  # the start is on screen already
                state = "running" if f.stage != "done" else "done"
                if f.stage == "done" and stop.is_set():
                    state = "stopped"
                self._show_frame(f, state, method)
            return stop.is_set()

        kwargs = {"every": FRAME_SECONDS, **kwargs}
        try:
            project.layout(X, method, seed=seed, callback=frame, **kwargs)
        except Exception as err:  # shown in the view and raised again by wait_layout
            self._layout_error = err
            if self._layout_stop is stop:
                self._layout_status = {**self._layout_status, "state": "error",
                                       "error": f"{type(err).__name__}: {err}"}  # fmt: skip

    def _show_frame(self, f: LayoutFrame, state: str, method: str) -> None:
        coords = np.ascontiguousarray(f.coords, dtype=np.float32)
        if not np.isfinite(coords).all():
            raise FloatingPointError(f"{method} produced non-finite coordinates at step {f.step}")
        status = {"state": state, "method": method, "stage": f.stage, "step": int(f.step),
                  "total": int(f.total), "seconds": round(float(f.seconds), 1)}  # fmt: skip
        self.coords = coords
        with self.hold_sync():
            self._xy = coords
            self._layout_status = status

    # ----------------------------------------------------------------- public
    @property
    def layout_status(self) -> dict[str, Any]:
        """Where a live t-SNE or UMAP is: ``state`` (``"running"``, ``"done"``,
        ``"stopped"``, ``"error"``; empty without one), ``stage``, ``step`` of ``total``
        iterations or epochs, ``seconds``, and the ``error`` message."""
        return dict(self._layout_status)

    @property
    def layout_running(self) -> bool:
        """True while a live layout optimises in the background."""
        thread = self._layout_thread
        return thread is not None and thread.is_alive()

    def stop_layout(self, timeout: float | None = 30.0) -> None:
        """Stop a running live layout (as the view's Stop button does) and keep the
        layout of this moment; waits up to ``timeout`` seconds for the thread. The
        optimisation sees the stop at its next frame; while the neighbour graph is built
        (a few seconds at 100,000 points) it waits for that to finish first."""
        if self._layout_stop is not None:
            self._layout_stop.set()
        thread = self._layout_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def wait_layout(self, timeout: float | None = None) -> Any:
        """Block until the live layout is done (for scripts and tested notebooks);
        returns the projector. An error in the layout thread is raised here."""
        thread = self._layout_thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                raise TimeoutError(f"the {self.method} layout is still running after {timeout} s")
        if self._layout_error is not None:
            raise self._layout_error
        return self

    def _on_stop_msg(self, content: dict[str, Any], buffers: list[Any]) -> Any:
        if self._layout_stop is not None:
            self._layout_stop.set()  # the thread ends at its next frame; never block here
        return None, []


def _check_live(method: str, n: int, kwargs: dict[str, Any]) -> None:
    """The errors a user should see in the cell, not later in the thread."""
    from .. import project

    if method == "tsne":  # find_spec: the heavy imports happen in the thread, not the cell
        given = kwargs.get("perplexity")
        project._check_perplexity(n, project.default_perplexity(n) if given is None else given)
        if kwargs.get("backend", "auto") not in ("auto", "opentsne") or not find_spec("openTSNE"):
            raise ValueError("a live t-SNE needs openTSNE: pip install 'embedkit[tsne]'")
    else:
        project._check_n_neighbors(n, kwargs.get("n_neighbors"))
