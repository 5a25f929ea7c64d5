"""Self-contained projector snapshots: outputs that render without a kernel.

:func:`snapshot` freezes a projection into one notebook output: the 2D coordinates,
labels, colours and legend, and each point's ``k`` nearest neighbours searched in the
ORIGINAL space (with their scores). JupyterLab with the embedkit extension draws it as the
interactive projector (hover, search, click for neighbours) with no kernel; nbconvert,
nbviewer and GitHub show the ``image/png`` fallback; plain text shows ``text/plain``.

Size budget: about 100 bytes per point at ``k=10`` (float32 coordinates and scores,
uint16/uint32 neighbour rows, base64 in the notebook) plus the labels; at most
``max_points`` points are kept (a seeded uniform random sample above it, rule stated in the
output) and an output larger than :data:`MAX_BYTES` is refused with a hint.

A training timeline (``snapshot(trainer)``, ``snapshot(trainer.timeline_)`` or a projector
showing one) stores every epoch: the aligned coordinates of all frames (float32) and each
frame's ``k`` neighbours (default 5; uint16 rows, float16 scores) searched in that epoch's
vectors, plus the per-epoch metrics. That is ``8 + 4k`` bytes per row per epoch before
base64, **37 KB per 1,000 tracked rows per epoch at k=5** in the notebook (64 KB at k=10;
:func:`timeline_bytes_per_row_epoch`). The labextension plays it with no kernel; the
``image/png`` fallback shows the first, middle and last epoch side by side.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> emb = ek.Embeddings(["a", "b", "c", "d"], np.eye(4) + 0.1)
>>> s = snapshot(emb, k=2)
>>> s
Snapshot(4 points, pca, cosine k=2)
>>> sorted(s._repr_mimebundle_())
['application/vnd.embedkit.projector+json', 'image/png', 'text/plain']
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import search
from ..encoders import encoder_name
from ..search import check_metric
from . import _projector_data as data
from . import _timeline_data as tdata

if TYPE_CHECKING:
    from ..timeline import Timeline
    from ..vectors import Embeddings
    from .projector import Projector

MIME_TYPE = "application/vnd.embedkit.projector+json"
VERSION = 1
MAX_POINTS = 50_000  # default sample size
MAX_K = 100
MAX_BYTES = 16_000_000  # refuse outputs larger than this (the notebook would be slow to open)
MAX_FIELD_CHARS = 80
K_DEFAULT = 10  # neighbours stored per point for one layout
K_TIMELINE = 5  # ... and per point per epoch for a timeline


def timeline_bytes_per_row_epoch(k: int = K_TIMELINE) -> float:
    """Bytes a timeline snapshot adds to the notebook per tracked row per epoch (base64 of
    float32 x, y, uint16 neighbour rows and float16 scores).

    >>> round(timeline_bytes_per_row_epoch(5) * 1000 / 1e3, 1)  # KB per 1,000 rows per epoch
    37.3
    """
    return (8 + 4 * k) * 4 / 3


def _b64(arr: np.ndarray) -> dict[str, Any]:
    a = np.ascontiguousarray(arr)
    dtype = a.dtype.newbyteorder("<")
    return {
        "dtype": str(a.dtype),
        "shape": list(a.shape),
        "b64": base64.b64encode(a.astype(dtype, copy=False).tobytes()).decode("ascii"),
    }


def _unb64(d: dict[str, Any]) -> np.ndarray:
    """The array :func:`_b64` stored."""
    return np.frombuffer(base64.b64decode(d["b64"]), dtype=d["dtype"]).reshape(d["shape"])


def sample_rows(n: int, max_points: int, seed: int = 0) -> tuple[np.ndarray, str | None]:
    """Rows kept for ``n`` points and the rule, stated (``None`` when all are kept).

    >>> rows, rule = sample_rows(10, 4)
    >>> len(rows), rule[:50]
    (4, 'showing 4 of 10 points: a uniform random sample (s')
    """
    if n <= max_points:
        return np.arange(n), None
    rows = np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))
    rule = (
        f"showing {max_points:,} of {n:,} points: a uniform random sample (seed {seed}), in row "
        "order; neighbours are searched among the points shown"
    )
    return rows, rule


def _fields(emb: Embeddings, rows: np.ndarray) -> dict[str, list[str]]:
    meta = emb.metadata
    if meta is None:
        return {}
    out = {}
    for col in list(meta.columns)[: data.MAX_FIELDS]:
        text = meta[col].iloc[rows].astype("string").fillna("(missing)").tolist()
        out[str(col)] = [
            s if len(s) <= MAX_FIELD_CHARS else s[: MAX_FIELD_CHARS - 1] + "…" for s in text
        ]
    return out


def _neighbours(emb: Embeddings, k: int, metric: str) -> dict[str, Any]:
    n = len(emb)
    k = min(k, n - 1)
    if k <= 0:
        return {"k": 0, "metric": metric, "indices": _b64(np.zeros(0, np.uint16)),
                "scores": _b64(np.zeros(0, np.float32))}  # fmt: skip
    vectors = emb.vectors
    norms = emb.norms if metric in ("cosine", "euclidean") else None
    idx, val = search.topk(
        vectors, vectors, k, metric=metric, norms=norms, exclude=[[i] for i in range(n)]
    )
    dtype = np.uint16 if n <= 65_535 else np.uint32
    return {"k": int(k), "metric": metric, "indices": _b64(idx.astype(dtype)),
            "scores": _b64(val.astype(np.float32))}  # fmt: skip


def _png(
    coords: np.ndarray, color: dict[str, Any] | None, title: str,
    labels: tuple[np.ndarray, list[str]] | None = None,
) -> bytes:  # fmt: skip
    """The fallback picture (matplotlib, Agg, no pyplot state): points, legend, title, and
    the most important labels that fit (``labels``: rows in importance order, texts)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.8), dpi=80)
    ax = fig.subplots()
    n = len(coords)
    size = 12 if n <= 2000 else 4 if n <= 20000 else 1
    if color is None:
        ax.scatter(coords[:, 0], coords[:, 1], s=size, c=data.CATEGORICAL[0], linewidths=0)
    elif color["kind"] == "categorical":
        codes = color["codes"].astype(int)
        for code, item in enumerate(color["legend"]):
            m = codes == code
            ax.scatter(coords[m, 0], coords[m, 1], s=size, linewidths=0, label=item["name"],
                       c=data.CATEGORICAL[code % len(data.CATEGORICAL)])  # fmt: skip
        ax.legend(title=color["column"], fontsize=7, markerscale=max(1, 12 / size), loc="best")
    else:
        sc = ax.scatter(coords[:, 0], coords[:, 1], s=size, c=color["codes"], cmap="viridis",
                        linewidths=0)  # fmt: skip
        fig.colorbar(sc, ax=ax, label=color["column"])
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    data.draw_png_labels(ax, coords, labels)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


class Snapshot:
    """A frozen projector output (see :func:`snapshot`); displays itself in notebooks."""

    def __init__(
        self, payload: dict[str, Any], coords: np.ndarray, color: Any, timeline: Any = None
    ) -> None:
        self.payload = payload
        self.coords = coords
        self._color = color
        self.timeline = timeline  # the (sampled) Timeline stored, or None
        self._png: bytes | None = None

    @property
    def n(self) -> int:
        """Points in the snapshot (after sampling)."""
        return len(self.payload["labels"])

    @property
    def color_codes(self) -> np.ndarray | None:
        """Each point's colour: its legend entry (int) for categories, else the [0, 1]
        value (float32); ``None`` without colours.

        >>> import embedkit as ek
        >>> emb = ek.Embeddings(list("abcd"), np.eye(4), metadata={"g": list("xyxy")})
        >>> snapshot(emb, k=1, color="g").color_codes.tolist()
        [0, 1, 0, 1]
        """
        if self._color is None:
            return None
        codes = np.asarray(self._color["codes"])
        return codes.astype(np.int64) if self._color["kind"] == "categorical" else codes

    def __repr__(self) -> str:
        p = self.payload
        pts = "1 point" if self.n == 1 else f"{self.n:,} points"
        of = f" of {p['n_total']:,}" if p["n_total"] != self.n else ""
        method = p["method"]
        if self.timeline is not None:
            t = len(self.timeline.epochs)
            span = tdata.epochs_text(self.timeline)
            method = f"timeline of {t} epoch{'s' if t != 1 else ''} ({span})"
        return f"Snapshot({pts}{of}, {method}, {p['metric']} k={p['k']})"

    def png(self) -> bytes:
        """The ``image/png`` fallback (computed once)."""
        if self._png is None:
            title = f"{self!r}"
            if self.payload["subsample"]:
                title += "\n" + self.payload["subsample"].split(":")[0]
            labels = None
            if "map_labels" in self.payload:
                rows = _unb64(self.payload["map_labels"]["order"]).astype(np.int64)
                names = self.payload["labels"]
                labels = (rows, [names[i] for i in rows[: 20 * data.PNG_LABELS].tolist()])
            if self.timeline is not None:
                self._png = tdata.small_multiples_png(self.timeline, self._color, title, labels)
            else:
                self._png = _png(self.coords, self._color, title, labels)
        return self._png

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        text = repr(self)
        if self.payload["subsample"]:
            text += "\n" + self.payload["subsample"]
        return {MIME_TYPE: self.payload, "image/png": self.png(), "text/plain": text}

    def nbytes(self) -> int:
        """Size of the JSON payload in the notebook (bytes, without the PNG)."""
        import json

        return len(json.dumps(self.payload, ensure_ascii=False).encode("utf-8"))


def _check_args(k: Any, max_points: Any) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= MAX_K:
        raise ValueError(f"k must be an integer from 0 to {MAX_K}, got {k!r}")
    bad = isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer))
    if bad or max_points < 1:
        raise ValueError(f"max_points must be a positive integer, got {max_points!r}")


def snapshot(
    obj: Embeddings | Projector | Timeline | Any,
    k: int | None = None,
    max_points: int = MAX_POINTS,
    *,
    method: Any = "pca",
    color: Any = None,
    metric: str | None = None,
    seed: int = 0,
    height: int = 480,
    labels: bool | int | None = None,
    importance: Any = None,
    clusters: int | None = None,
) -> Snapshot:
    """Freeze a projection into a self-contained output that needs no kernel to explore.

    Parameters
    ----------
    obj : Embeddings, Projector, Timeline or trainer
        Embeddings (laid out with ``method``) or a live :class:`~embedkit.Projector`
        (its layout, colours and metric are kept); a training
        :class:`~embedkit.timeline.Timeline`, a trainer fitted with ``track=`` (its
        ``timeline_``) or a projector playing one stores every epoch, to play with no
        kernel.
    k : int, optional
        Neighbours stored per point, searched in the original space (0 stores none);
        default 10, and 5 per point per epoch for a timeline.
    max_points : int
        Above this many points a seeded uniform random sample is kept (stated in the output).
    method, color, metric, seed, height
        As for :class:`~embedkit.Projector` (``metric`` defaults to the projector's, or
        cosine); ``method`` and ``color`` apply to Embeddings only. ``color="clusters"``
        stores the named k-means clusters (``clusters=`` of them) as categorical colours.
    labels, importance
        Labels drawn on the map, as for :class:`~embedkit.Projector` (default: the
        projector's setting, else ``True``); the payload stores the rows in importance
        order (``map_labels``), the label strings themselves are stored anyway.
    clusters : int, optional
        With ``color="clusters"``: how many (default about ``sqrt(n / 2)``, at most 20).

    Examples
    --------
    >>> import numpy as np
    >>> import embedkit as ek
    >>> emb = ek.Embeddings([f"w{i}" for i in range(30)], np.random.default_rng(0).normal(
    ...     size=(30, 5)), metadata={"g": ["x", "y", "z"] * 10})
    >>> snapshot(emb, k=3, max_points=20, color="g")
    Snapshot(20 points of 30, pca, cosine k=3)

    A timeline (here made by hand; trainers given ``track=`` keep one in ``timeline_``):

    >>> from embedkit.timeline import Timeline
    >>> rng = np.random.default_rng(0)
    >>> tl = Timeline(emb.labels, epochs=[1, 2, 3], vectors=rng.normal(size=(3, 30, 5)),
    ...               coords=rng.normal(size=(3, 30, 2)), metadata=emb.metadata)
    >>> s = snapshot(tl, color="g")
    >>> s
    Snapshot(30 points, timeline of 3 epochs (1..3), cosine k=5)
    >>> s.payload["timeline"]["epochs"], s.payload["timeline"]["xy"]["shape"]
    ([1, 2, 3], [3, 30, 2])

    Named clusters in the legend, and at most 10 labels on the map at once:

    >>> s = snapshot(emb, color="clusters", clusters=3, labels=10)
    >>> len(s.payload["color"]["legend"]), s.payload["map_labels"]["max"]
    (3, 10)
    """
    from ..vectors import Embeddings

    timeline = _timeline_of(obj)
    if k is None:
        k = K_TIMELINE if timeline is not None else K_DEFAULT
    _check_args(k, max_points)
    if timeline is not None:
        if callable(getattr(obj, "snapshot_view", None)):  # a projector playing a timeline
            emb, _, color_enc, _, own_metric = obj.snapshot_view()  # type: ignore[union-attr]
            metric = metric or own_metric
        else:
            emb, color_enc = None, None
            metric = metric or "cosine"
        spec = _label_spec(obj, labels, importance)
        return _timeline_snapshot(
            timeline, emb, int(k), int(max_points), color, color_enc, metric, seed, height,
            spec, clusters,
        )  # fmt: skip
    view = getattr(obj, "snapshot_view", None)  # a live Projector (no import: no cycle)
    if callable(view):
        emb, coords, color_enc, name, own_metric = view()
        metric = metric or own_metric
    elif isinstance(obj, Embeddings):
        emb, coords, color_enc, name = obj, None, None, ""
        metric = metric or "cosine"
    elif hasattr(obj, "fit") and hasattr(obj, "get_params"):  # a trainer without a timeline
        raise ValueError(
            f"this {type(obj).__name__} has no timeline to store: fit it with track= (the rows "
            "to record per epoch), or snapshot its embeddings_"
        )
    else:
        raise TypeError(
            f"snapshot needs Embeddings, a Projector, a Timeline or a trainer, not "
            f"{type(obj).__name__}"
        )
    check_metric(metric)
    shown, importance_arr = _label_spec(obj, labels, importance, emb)
    rows, rule = sample_rows(len(emb), int(max_points), seed)
    names = emb.labels  # one copy: the property copies on each access
    sub = emb if rule is None else emb[[names[i] for i in rows.tolist()]]
    if importance_arr is not None:
        importance_arr = importance_arr[rows]
    if coords is None:
        coords, name = data.compute_layout(sub, method, seed=seed)
        color_enc = data.encode_color(sub, color, clusters, seed)
    else:
        coords = np.asarray(coords, dtype=np.float32)[rows]
        if color_enc is not None:
            color_enc = {**color_enc, "codes": np.asarray(color_enc["codes"])[rows]}
    return _build(
        sub, coords, name, metric, int(k), color_enc, rule, len(emb), height,
        labels=(shown, importance_arr),
    )  # fmt: skip


def _label_spec(
    obj: Any, labels: Any, importance: Any, emb: Embeddings | None = None
) -> tuple[int, Any]:
    """(most labels shown, importance per row or a column name or None): the arguments,
    else a projector's own setting, else all labels in row order."""
    view = getattr(obj, "label_view", None)
    own_shown, own_importance = view() if callable(view) else (data.LABELS_SHOWN, None)
    shown = own_shown if labels is None else data.check_labels(labels)
    if importance is None:
        return shown, own_importance
    if emb is None:
        return shown, importance  # a timeline: resolved against its rows later
    return shown, data.importance_values(emb, importance)


def _map_labels(sub: Embeddings, shown: int, importance: Any) -> dict[str, Any] | None:
    """The payload's ``map_labels``: rows in importance order and the most shown at once."""
    if shown == 0:
        return None
    order = data.label_order(sub, importance, limit=len(sub))
    dtype = np.uint16 if len(sub) <= 65_535 else np.uint32
    return {"order": _b64(order.astype(dtype)), "max": int(shown)}


def _timeline_of(obj: Any) -> Timeline | None:
    """The timeline ``obj`` stores: itself, a projector's, or a trainer's ``timeline_``."""
    if tdata.is_timeline(obj):
        return obj
    own = getattr(obj, "timeline", None)  # a Projector (None when it shows no timeline)
    if tdata.is_timeline(own):
        return own
    if hasattr(obj, "fit") and hasattr(obj, "get_params"):  # a trainer
        fitted = getattr(obj, "timeline_", None)
        return fitted if tdata.is_timeline(fitted) else None
    return None


def _timeline_snapshot(
    timeline: Timeline, emb: Embeddings | None, k: int, max_points: int, color: Any,
    color_enc: dict[str, Any] | None, metric: str, seed: int, height: int,
    spec: tuple[int, Any] = (data.LABELS_SHOWN, None), clusters: int | None = None,
) -> Snapshot:  # fmt: skip
    from ..timeline import Timeline

    check_metric(metric)
    tdata.check_timeline(timeline)
    n = len(timeline.labels)
    rows, rule = sample_rows(n, max_points, seed)
    if rule is not None:
        meta = timeline.metadata
        timeline = Timeline(
            [timeline.labels[i] for i in rows.tolist()], epochs=timeline.epochs.tolist(),
            vectors=timeline.vectors[:, rows], coords=timeline.coords[:, rows],
            metrics=timeline.metrics, metadata=None if meta is None else meta.iloc[rows],
        )  # fmt: skip
        if color_enc is not None:
            color_enc = {**color_enc, "codes": np.asarray(color_enc["codes"])[rows]}
    last = int(timeline.epochs[-1])
    sub = timeline.frame(last)
    if emb is not None:  # a projector's rows (its metadata, reordered as the timeline)
        sub = emb[list(timeline.labels)]
    if color_enc is None:
        color_enc = data.encode_color(sub, color, clusters, seed)
    shown, importance = spec
    if isinstance(importance, np.ndarray) and len(importance) == n and rule is not None:
        importance = importance[rows]
    extra: dict[str, Any] = {
        "epochs": [int(e) for e in timeline.epochs],
        "frame": len(timeline.epochs) - 1,
        "xy": _b64(np.ascontiguousarray(timeline.coords, dtype=np.float32)),
        "metrics": tdata.metrics_table(timeline),
        "neighbours": None,
    }
    kk = min(k, len(sub) - 1)
    if kk > 0:
        idx, val = tdata.all_frame_neighbours(timeline, kk, metric)
        dtype = np.uint16 if len(sub) <= 65_535 else np.uint32
        extra["neighbours"] = {"k": int(kk), "metric": metric, "indices": _b64(idx.astype(dtype)),
                               "scores": _b64(val.astype(np.float16))}  # fmt: skip
    coords = np.ascontiguousarray(timeline.coords[-1])
    return _build(
        sub, coords, "timeline", metric, k, color_enc, rule, n, height, timeline=timeline,
        extra=extra, labels=(shown, importance),
    )  # fmt: skip


def _build(
    sub: Embeddings, coords: np.ndarray, name: str, metric: str, k: int,
    color_enc: dict[str, Any] | None, rule: str | None, n_total: int, height: int,
    timeline: Timeline | None = None, extra: dict[str, Any] | None = None,
    labels: tuple[int, Any] = (data.LABELS_SHOWN, None),
) -> Snapshot:  # fmt: skip
    payload: dict[str, Any] = {
        "version": VERSION, "method": name, "metric": metric, "k": k, "height": int(height),
        "n_total": int(n_total), "subsample": rule, "labels": list(sub.labels),
        "xy": _b64(np.ascontiguousarray(coords, dtype=np.float32)),
        "fields": _fields(sub, np.arange(len(sub))), "color": None,
        "neighbours": _neighbours(sub, k, metric) if k else None,
    }  # fmt: skip
    if sub.encoder is not None and timeline is None:  # the view says a kernel could encode
        payload["encoder"] = encoder_name(sub.encoder)
    if color_enc is not None:
        payload["color"] = {
            "kind": color_enc["kind"], "column": color_enc["column"],
            "legend": color_enc["legend"],
            "values": _b64(np.asarray(color_enc["codes"], dtype=np.float32)),
            **{key: color_enc[key] for key in ("min", "max") if key in color_enc},
        }  # fmt: skip
    map_labels = _map_labels(sub, *labels)
    if map_labels is not None:
        payload["map_labels"] = map_labels
    if extra is not None:
        payload["timeline"] = extra
    snap = Snapshot(payload, coords, color_enc, timeline)
    size = snap.nbytes()
    if size > MAX_BYTES:
        raise ValueError(
            f"this snapshot would add {size / 1e6:.1f} MB to the notebook (budget "
            f"{MAX_BYTES / 1e6:.0f} MB): pass a smaller max_points= or k=, or drop metadata "
            "columns" + (" (a timeline: or track fewer rows or epochs)" if extra else "")
        )
    return snap
