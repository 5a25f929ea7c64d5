"""The Projector widget: a WebGL scatter of a 2D layout that asks Python for everything else.

Coordinates travel once, as float32 bytes. Labels, metadata and thumbnails are fetched on
hover; search runs in Python and answers with matching rows; a click asks for the k
nearest neighbours in the original space (the real metric, not the 2D distance); a lasso
selection comes back as :attr:`Projector.selected` (labels) and fires callbacks.

The drawing code (``js/src/view.ts``) knows nothing about Jupyter; this module's widget and
its ``render`` adaptor (``js/src/widget.ts``) connect it to a kernel.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> emb = ek.Embeddings(["a", "b", "c"], np.eye(3), metadata={"kind": ["x", "y", "x"]})
>>> p = Projector(emb, method=[[0, 0], [1, 0], [0, 1]], color="kind", k=2)
>>> p
Projector(3 points, coordinates, cosine k=2, color='kind')
>>> p.select(["a", "c"]); p.selected
['a', 'c']
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import numpy as np
import traitlets as t

from .. import search
from ..search import check_metric
from . import _projector_data as data
from . import _timeline_data as tdata
from ._link import link
from ._live_layout import LIVE_METHODS, LiveLayout
from ._projector_more import ProjectorExtras
from ._serialize import labels_to_json, png_data_url, to_json
from ._timeline_view import TimelineView, _timeline_rows

if TYPE_CHECKING:
    from ..timeline import Timeline
    from ..vectors import Embeddings

STATIC = Path(__file__).resolve().parent.parent / "static"
BUNDLE = STATIC / "projector.js"
LOADER = STATIC / "projector-loader.js"
N_SHOWN = 10  # search matches listed by label


_BINARY = {"to_json": to_json}


@functools.cache
def _bundle_text() -> str:
    """The widget's full front-end module (see js/src/loader.ts), read once."""
    return BUNDLE.read_text(encoding="utf-8")


__all__ = ["BUNDLE", "LOADER", "Projector", "link", "mimebundle"]


class Projector(ProjectorExtras, TimelineView, LiveLayout, anywidget.AnyWidget):
    """Interactive 2D projection of embeddings (WebGL, regl-scatterplot).

    Given a training :class:`~embedkit.timeline.Timeline` (``Projector(trainer.timeline_)``
    or ``Projector(emb, timeline=...)``) it plays the run: a time slider and a Play button,
    points gliding between the aligned 2D positions of consecutive epochs, the epoch's loss
    and metrics above the plot, and a click lists the row's neighbours **at the shown
    epoch** (searched in that epoch's vectors). All frames travel once, as float32 bytes:
    ``T × n × 2 × 4`` bytes (16 KB for 1,000 rows and 2 epochs).

    Parameters
    ----------
    emb : Embeddings or Timeline
        What to show; a Timeline plays its frames (its last epoch shown first).
    method : {"pca", "tsne", "umap"} or array-like (n, 2)
        Layout computed by :func:`embedkit.project.layout`, or coordinates (ignored with a
        timeline: its aligned coordinates are the layout). t-SNE and UMAP run live: the
        view shows the PCA start at once and the cell returns, the optimisation runs in a
        background thread and moves the points about twice a second, with its progress
        and a Stop button that keeps the layout of that moment (:meth:`stop_layout`,
        :meth:`wait_layout`, :attr:`layout_status`).
    color : str or array-like, optional
        A metadata column (or per-point values) to colour by; categories get a palette
        and a legend, many-valued numbers a continuous ramp.
    k : int
        Neighbours listed when a point is clicked.
    metric : {"cosine", "euclidean", "dot"}
        Metric of the neighbour search in the original space.
    height : int
        Height of the plot in pixels.
    seed : int
        Random seed for t-SNE / UMAP.
    layout_kwargs : dict, optional
        Passed to :func:`embedkit.project.layout` (``perplexity``, ``n_neighbors``, ...).
    timeline : Timeline, optional
        Frames to play over ``emb`` (which then supplies metadata and images: it must hold
        every tracked label, and is reordered to the timeline's rows).
    frame_ms : int
        Milliseconds per epoch when playing.
    labels : bool or int
        Draw labels on the map (default ``True``: up to 300 at once; an int: at most that
        many; ``False``: none). The most important come first, none overlapping another,
        more appearing as you zoom in; redrawn on pan and zoom.
    importance : str or array-like, optional
        Which labels matter most: a metadata column or one number per point (higher
        first). Default: row order (word vectors come most frequent first).
    clusters : int, optional
        With ``color="clusters"``: how many k-means clusters of the original vectors
        (default about ``sqrt(n / 2)``, at most 20), each named in the legend by its 3
        most central labels; a click on a legend entry highlights its points.
    live : bool
        ``False`` computes a t-SNE or UMAP before returning (no thread).

    Attributes
    ----------
    epoch : int
        The epoch shown (a timeline's; 0 without one). Settable from Python; moving the
        slider in a view sets it too.

    Examples
    --------
    >>> import numpy as np
    >>> from embedkit.timeline import Timeline
    >>> rng = np.random.default_rng(0)
    >>> tl = Timeline([f"w{i}" for i in range(5)], epochs=[1, 2, 3],
    ...               vectors=rng.normal(size=(3, 5, 4)), coords=rng.normal(size=(3, 5, 2)))
    >>> p = Projector(tl, k=2)
    >>> p
    Projector(5 points, timeline of 3 epochs (1..3) at epoch 3, cosine k=2)
    >>> p.epoch = 1; p.coords.tolist() == tl.coords[0].tolist()
    True
    >>> p.neighbours(0)["epoch"]
    1

    Labels by importance and named clusters:

    >>> import embedkit as ek
    >>> emb = ek.Embeddings([f"w{i}" for i in range(40)], rng.normal(size=(40, 4)),
    ...                     metadata={"count": range(40)})
    >>> p = Projector(emb, color="clusters", clusters=3, importance="count", labels=5)
    >>> p, len(p._color["legend"]), p._map_labels["text"][:2], p._map_labels["max"]
    (Projector(40 points, pca, cosine k=10, color='clusters'), 3, ['w39', 'w38'], 5)
    """

    _esm = LOADER
    _bundle = t.Unicode().tag(sync=True)

    @t.default("_bundle")
    def _bundle_default(self) -> str:
        return _bundle_text()

    method = t.Unicode("pca").tag(sync=True)
    metric = t.Unicode("cosine").tag(sync=True)
    k = t.Int(10).tag(sync=True)
    height = t.Int(480).tag(sync=True)
    selected = t.List(t.Unicode(), help="labels of the current lasso selection")
    _xy = t.Any(None).tag(sync=True, **_BINARY)
    _color = t.Any(None).tag(sync=True, **_BINARY)
    _highlight = t.Any(None).tag(sync=True, **_BINARY)
    _selected_idx = t.Any(None).tag(sync=True, **_BINARY)
    _track_hover = t.Bool(False).tag(sync=True)
    epoch = t.Int(0).tag(sync=True)
    frame_ms = t.Int(700).tag(sync=True)
    _frames = t.Any(None).tag(sync=True, **_BINARY)
    _epochs = t.List(t.Int()).tag(sync=True)
    _metrics = t.Dict().tag(sync=True)
    _map_labels = t.Any(None).tag(sync=True, to_json=labels_to_json)
    _layout_status = t.Dict().tag(sync=True)

    def __init__(
        self,
        emb: Embeddings | Timeline,
        method: Any = "pca",
        color: Any = None,
        k: int = 10,
        metric: str = "cosine",
        *,
        height: int = 480,
        seed: int = 0,
        layout_kwargs: dict[str, Any] | None = None,
        timeline: Timeline | None = None,
        frame_ms: int = 700,
        labels: bool | int = True,
        importance: Any = None,
        clusters: int | None = None,
        live: bool = True,
    ) -> None:
        from ..vectors import Embeddings

        given: Embeddings | None = None
        run_live = False
        if tdata.is_timeline(emb):
            if timeline is not None:
                raise TypeError("pass the timeline once: Projector(timeline) or "
                                "Projector(emb, timeline=timeline)")  # fmt: skip
            timeline = emb  # type: ignore[assignment]
        elif isinstance(emb, Embeddings):
            given = emb
        else:
            raise TypeError(
                f"Projector needs an embedkit.Embeddings or Timeline, not {type(emb).__name__}"
            )
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        if (
            isinstance(frame_ms, bool)
            or not isinstance(frame_ms, (int, np.integer))
            or not (20 <= frame_ms <= 60_000)
        ):
            raise ValueError(f"frame_ms must be an integer from 20 to 60000, got {frame_ms!r}")
        check_metric(metric)
        self.timeline: Timeline | None = None
        if timeline is not None:
            rows = _timeline_rows(timeline, given)
            coords, name = np.ascontiguousarray(timeline.coords[-1]), "timeline"
        else:
            assert given is not None
            rows = given
            run_live = live and isinstance(method, str) and method in LIVE_METHODS
            if run_live:  # the PCA start comes once the widget exists, then the thread
                name = method
            else:
                coords, name = data.compute_layout(rows, method, seed=seed, **(layout_kwargs or {}))
        color_enc = data.encode_color(rows, color, clusters, seed)
        self._importance = data.importance_values(rows, importance)
        self._labels_shown = data.check_labels(labels)
        map_labels = data.label_payload(rows, self._labels_shown, self._importance)
        # Everything known now goes into the widget's first message (comm_open): a trait
        # set after it would follow as one more message each, before the view can draw.
        first: dict[str, Any] = {"_color": color_enc, "_map_labels": map_labels}
        if timeline is not None or not run_live:
            first["_xy"] = coords
        super().__init__(
            method=name, metric=metric, k=int(k), height=int(height), frame_ms=int(frame_ms),
            **first,
        )  # fmt: skip
        if timeline is not None:
            self._set_frames(timeline)
        self.emb: Embeddings = rows
        if run_live:
            coords = self._start_live(method, seed, dict(layout_kwargs or {}))
        self._labels = emb.labels  # one copy, indexed on every hover
        self.coords = coords
        self.color = color_enc["column"] if color_enc else None
        self._lowered: list[str] | None = None
        self._callbacks: dict[str, list[Callable[..., Any]]] = {
            "select": [], "click": [], "hover": []
        }  # fmt: skip
        self.render_times: list[float] = []
        self.request_times: dict[str, list[float]] = {}
        self._clusters = clusters
        self._seed = seed
        if run_live:
            self._xy = coords
        self.on_msg(self._on_custom_msg)
        self._launch_live()  # after the start is set: no frame can come before it

    # ----------------------------------------------------------------- display
    def __repr__(self) -> str:
        color = f", color={self.color!r}" if self.color else ""
        n = len(self.emb)
        points = "1 point" if n == 1 else f"{n:,} points"
        method = self.method
        tl = self.timeline
        if tl is not None:
            t = len(tl.epochs)
            method = (f"timeline of {t} epoch{'s' if t != 1 else ''} ({tdata.epochs_text(tl)}) "
                      f"at epoch {self.epoch}")  # fmt: skip
        return f"Projector({points}, {method}, {self.metric} k={self.k}{color})"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        mime, meta = bundle
        ml = self._map_labels
        labels = None if ml is None else (np.asarray(ml["order"]), list(ml["text"]))
        if self.timeline is not None:
            mime["image/png"] = tdata.small_multiples_png(
                self.timeline, self._color, repr(self), labels
            )
        else:
            mime["image/png"] = data.static_png(self.coords, self._color, labels=labels)
        return mime, meta

    def snapshot_view(self) -> tuple[Any, Any, Any, str, str]:
        """What :func:`embedkit.snapshot` freezes: embeddings, 2-D coordinates, colour
        encoding, layout method and metric."""
        return self.emb, self.coords, self._color, self.method, self.metric

    def label_view(self) -> tuple[int, np.ndarray | None]:
        """What :func:`embedkit.snapshot` keeps of the map labels: the most shown at once
        (0: none) and the per-row importance (``None``: row order)."""
        return self._labels_shown, self._importance

    def to_static(self, k: int | None = None, max_points: int = 50_000) -> Any:
        """A self-contained snapshot of this view that renders without a kernel
        (see :func:`embedkit.snapshot`); ``k`` defaults to the projector's."""
        from .snapshot import snapshot

        return snapshot(self, k=self.k if k is None else k, max_points=max_points)

    # ----------------------------------------------------------------- Python API
    def set_layout(self, method: Any, *, seed: int = 0, live: bool = True, **kwargs: Any) -> None:
        """Recompute (or replace) the 2D layout; every view redraws with the new points.

        ``"tsne"`` and ``"umap"`` run live as in the constructor (a running one stops
        first); ``live=False`` waits for the result.

        >>> import embedkit as ek
        >>> p = Projector(ek.Embeddings(["a", "b"], [[1, 0], [0, 1]]), [[0, 0], [1, 1]])
        >>> p.set_layout([[1, 1], [0, 0]]); p.coords.tolist()
        [[1.0, 1.0], [0.0, 0.0]]
        """
        if self.timeline is not None:
            raise ValueError("a timeline's layout is its aligned coordinates; it cannot change")
        self.stop_layout()
        if live and isinstance(method, str) and method in LIVE_METHODS:
            coords, name = self._start_live(method, seed, kwargs), method
        else:
            coords, name = data.compute_layout(self.emb, method, seed=seed, **kwargs)
            self._layout_status = {}
        self.coords = coords
        with self.hold_sync():
            self.method = name
            self._xy = coords
        self._launch_live()

    def set_color(self, color: Any, clusters: int | None = None) -> None:
        """Colour by another metadata column (or per-point values), ``"clusters"`` (named
        k-means clusters, ``clusters`` of them); ``None`` for one colour.

        >>> import embedkit as ek
        >>> p = Projector(ek.Embeddings(["a", "b"], [[1, 0], [0, 1]], metadata={"k": [1, 2]}),
        ...               [[0, 0], [1, 1]])
        >>> p.set_color("k"); p
        Projector(2 points, coordinates, cosine k=10, color='k')
        """
        if clusters is None:
            clusters = self._clusters
        enc = data.encode_color(self.emb, color, clusters, self._seed)
        self.color = enc["column"] if enc else None
        self._color = enc

    def _rows(self, labels: Iterable[str] | str) -> np.ndarray:
        if isinstance(labels, str):
            labels = [labels]
        return np.asarray([self.emb.index(lab) for lab in labels], dtype=np.uint32)

    def highlight(self, labels: Iterable[str] | str) -> None:
        """Highlight these labels in every view (an empty list clears)."""
        rows = self._rows(labels)
        self._highlight = rows if rows.size else None

    def select(self, labels: Iterable[str] | str) -> None:
        """Set the selection (as a lasso would): updates :attr:`selected` and views."""
        self._set_selection(self._rows(labels))

    def show_neighbours(self, label: str) -> None:
        """Make the views list and highlight the neighbours of ``label`` (as a click does)."""
        self.send({"type": "show_neighbours", "i": int(self.emb.index(label))})

    def focus(self, label: str | None) -> None:
        """Show the hover reticle on ``label`` in every view (``None`` clears)."""
        i = -1 if label is None else int(self.emb.index(label))
        self.send({"type": "focus", "i": i})

    def on_select(self, callback: Callable[[list[str]], Any]) -> None:
        """Call ``callback(labels)`` after each selection change (lasso or :meth:`select`)."""
        self._callbacks["select"].append(callback)

    def on_click(self, callback: Callable[[str], Any]) -> None:
        """Call ``callback(label)`` when a point (or a listed neighbour) is clicked."""
        self._callbacks["click"].append(callback)

    def on_hover(self, callback: Callable[[str | None], Any]) -> None:
        """Call ``callback(label or None)`` as the pointer enters or leaves points.

        Hover reports cost one message per point, so they are only sent once a hover
        callback exists.
        """
        self._callbacks["hover"].append(callback)
        self._track_hover = True

    @property
    def selected_indices(self) -> np.ndarray:
        """Rows of the current selection (uint32)."""
        rows = self._selected_idx
        return np.asarray([], dtype=np.uint32) if rows is None else np.asarray(rows)

    def neighbours(self, i: int, epoch: int | None = None) -> dict[str, Any]:
        """The click answer for row ``i``: label, metric, k and ``[[row, label, score], ...]``.

        The same exact search as ``emb.neighbours(label, k, metric)`` (the point itself
        excluded), called on row indices so that no label list is rebuilt per click. With
        a timeline the search runs in the vectors of ``epoch`` (default: the shown one),
        and the answer names that ``epoch``.
        """
        tl = self.timeline
        if tl is not None:
            f = self._frame if epoch is None else tdata.frame_index(tl, epoch)
            idx, val = tdata.frame_neighbours(tl.vectors[f], self.k, self.metric, rows=[i])
        else:
            vectors = self.emb.vectors
            norms = self.emb.norms if self.metric in ("cosine", "euclidean") else None
            idx, val = search.topk(
                vectors, vectors[i : i + 1], min(self.k, len(self.emb)), metric=self.metric,
                norms=norms, exclude=[[i]],
            )  # fmt: skip
        keep = idx[0] >= 0
        items = [
            [int(j), self._label(int(j)), float(v)]
            for j, v in zip(idx[0][keep], val[0][keep], strict=True)
        ]
        answer = {"i": int(i), "label": self._label(i), "metric": self.metric, "k": self.k,
                  "items": items}  # fmt: skip
        if tl is not None:
            answer["epoch"] = int(tl.epochs[f])
        return answer

    # ----------------------------------------------------------------- messages
    def _label(self, i: int) -> str:
        return self._labels[i]

    def _set_selection(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.uint32)
        self._selected_idx = rows if rows.size else None
        self.selected = [self._labels[i] for i in rows.tolist()]
        for cb in self._callbacks["select"]:
            cb(list(self.selected))

    def _check_row(self, i: Any) -> int:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self.emb):
            raise ValueError(f"point index {i!r} is out of range 0..{len(self.emb) - 1}")
        return i

    def _on_custom_msg(self, widget: Any, content: dict[str, Any], buffers: list[Any]) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        handler = {
            "hover": self._on_hover_request,
            "search": self._on_search,
            "neighbours": self._on_neighbours,
            "select": self._on_select_msg,
            "hovered": self._on_hovered,
            "drawn": self._on_drawn,
            "stop_layout": self._on_stop_msg,
        }.get(kind)  # type: ignore[arg-type]
        if handler is None:
            return
        start = time.perf_counter()
        try:
            reply, out_buffers = handler(content, buffers)
        except (ValueError, KeyError, TypeError) as err:
            reply, out_buffers = {"error": str(err).strip("'\"")}, []
        self.request_times.setdefault(str(kind), []).append(time.perf_counter() - start)
        if reply is not None and "req" in content:
            self.send({"type": "reply", "req": content["req"], **reply}, out_buffers)

    def _on_hover_request(self, content: dict[str, Any], buffers: list[Any]) -> Any:
        i = self._check_row(content.get("i"))
        info: dict[str, Any] = {"i": i, "label": self._label(i)}
        info["fields"] = data.hover_fields(self.emb, i)
        images = self.emb.images
        info["image"] = png_data_url(images[i]) if images is not None else None
        return info, []

    def _on_search(self, content: dict[str, Any], buffers: list[Any]) -> Any:
        query = content.get("query")
        if not isinstance(query, str):
            raise ValueError("search query must be text")
        if self._lowered is None and not content.get("regex"):
            self._lowered = [lab.lower() for lab in self._labels]
        hits = data.search_labels(self._labels, query, bool(content.get("regex")), self._lowered)
        shown = [[int(i), self._label(int(i))] for i in hits[:N_SHOWN]]
        return {"count": int(hits.size), "shown": shown}, [hits.data.cast("B")]

    def _on_neighbours(self, content: dict[str, Any], buffers: list[Any]) -> Any:
        i = self._check_row(content.get("i"))
        epoch = content.get("epoch")  # the epoch the view shows (a timeline's), or absent
        answer = self.neighbours(i, None if self.timeline is None else epoch)
        for cb in self._callbacks["click"]:
            cb(answer["label"])
        return answer, []

    def _on_select_msg(self, content: dict[str, Any], buffers: list[Any]) -> Any:
        rows = np.frombuffer(bytes(buffers[0]), dtype=np.uint32) if buffers else np.array([])
        if rows.size and int(rows.max()) >= len(self.emb):
            raise ValueError(f"selection holds rows beyond {len(self.emb) - 1}")
        self._set_selection(rows)
        return None, []

    def _on_hovered(self, content: dict[str, Any], buffers: list[Any]) -> Any:
        i = content.get("i")
        label = None if i == -1 else self._label(self._check_row(i))
        for cb in self._callbacks["hover"]:
            cb(label)
        return None, []

    def _on_drawn(self, content: dict[str, Any], buffers: list[Any]) -> Any:
        ms = content.get("ms")
        if isinstance(ms, (int, float)):
            self.render_times.append(float(ms))
        return None, []


def mimebundle(emb: Embeddings, **kwargs: Any) -> Any:
    """What ``Embeddings`` shows in JupyterLab: a PCA projector, with text/html and PNG
    fallbacks for renderers without widgets. Too few points or dimensions for a 2D layout
    give the HTML card alone."""
    from .._html import embeddings_html

    if len(emb) < 3 or emb.dim < 2:
        return {"text/plain": repr(emb), "text/html": embeddings_html(emb)}
    widget = Projector(emb, **kwargs)
    mime, meta = widget._repr_mimebundle_()
    mime["text/plain"] = repr(emb)
    mime["text/html"] = embeddings_html(emb)
    return mime, meta
