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
from ..search import check_metric
from . import _projector_data as data

if TYPE_CHECKING:
    from ..vectors import Embeddings
    from .projector import Projector

MIME_TYPE = "application/vnd.embedkit.projector+json"
VERSION = 1
MAX_POINTS = 50_000  # default sample size
MAX_K = 100
MAX_BYTES = 16_000_000  # refuse outputs larger than this (the notebook would be slow to open)
MAX_FIELD_CHARS = 80


def _b64(arr: np.ndarray) -> dict[str, Any]:
    a = np.ascontiguousarray(arr)
    dtype = a.dtype.newbyteorder("<")
    return {
        "dtype": str(a.dtype),
        "shape": list(a.shape),
        "b64": base64.b64encode(a.astype(dtype, copy=False).tobytes()).decode("ascii"),
    }


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


def _png(coords: np.ndarray, color: dict[str, Any] | None, title: str) -> bytes:
    """The fallback picture (matplotlib, Agg, no pyplot state): points, legend, title."""
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
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


class Snapshot:
    """A frozen projector output (see :func:`snapshot`); displays itself in notebooks."""

    def __init__(self, payload: dict[str, Any], coords: np.ndarray, color: Any) -> None:
        self.payload = payload
        self.coords = coords
        self._color = color
        self._png: bytes | None = None

    @property
    def n(self) -> int:
        """Points in the snapshot (after sampling)."""
        return len(self.payload["labels"])

    def __repr__(self) -> str:
        p = self.payload
        pts = "1 point" if self.n == 1 else f"{self.n:,} points"
        of = f" of {p['n_total']:,}" if p["n_total"] != self.n else ""
        return f"Snapshot({pts}{of}, {p['method']}, {p['metric']} k={p['k']})"

    def png(self) -> bytes:
        """The ``image/png`` fallback (computed once)."""
        if self._png is None:
            title = f"{self!r}"
            if self.payload["subsample"]:
                title += "\n" + self.payload["subsample"].split(":")[0]
            self._png = _png(self.coords, self._color, title)
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
    obj: Embeddings | Projector,
    k: int = 10,
    max_points: int = MAX_POINTS,
    *,
    method: Any = "pca",
    color: Any = None,
    metric: str | None = None,
    seed: int = 0,
    height: int = 480,
) -> Snapshot:
    """Freeze a projection into a self-contained output that needs no kernel to explore.

    Parameters
    ----------
    obj : Embeddings or Projector
        Embeddings (laid out with ``method``) or a live :class:`~embedkit.Projector`
        (its layout, colours and metric are kept).
    k : int
        Neighbours stored per point, searched in the original space (0 stores none).
    max_points : int
        Above this many points a seeded uniform random sample is kept (stated in the output).
    method, color, metric, seed, height
        As for :class:`~embedkit.Projector` (``metric`` defaults to the projector's, or
        cosine); ``method`` and ``color`` apply to Embeddings only.

    Examples
    --------
    >>> import numpy as np
    >>> import embedkit as ek
    >>> emb = ek.Embeddings([f"w{i}" for i in range(30)], np.random.default_rng(0).normal(
    ...     size=(30, 5)), metadata={"g": ["x", "y", "z"] * 10})
    >>> snapshot(emb, k=3, max_points=20, color="g")
    Snapshot(20 points of 30, pca, cosine k=3)
    """
    from ..vectors import Embeddings

    _check_args(k, max_points)
    view = getattr(obj, "snapshot_view", None)  # a live Projector (no import: no cycle)
    if callable(view):
        emb, coords, color_enc, name, own_metric = view()
        metric = metric or own_metric
    elif isinstance(obj, Embeddings):
        emb, coords, color_enc, name = obj, None, None, ""
        metric = metric or "cosine"
    else:
        raise TypeError(f"snapshot needs Embeddings or a Projector, not {type(obj).__name__}")
    check_metric(metric)
    rows, rule = sample_rows(len(emb), int(max_points), seed)
    sub = emb if rule is None else emb[[emb.labels[i] for i in rows.tolist()]]
    if coords is None:
        coords, name = data.compute_layout(sub, method, seed=seed)
        color_enc = data.encode_color(sub, color)
    else:
        coords = np.asarray(coords, dtype=np.float32)[rows]
        if color_enc is not None:
            color_enc = {**color_enc, "codes": np.asarray(color_enc["codes"])[rows]}
    return _build(sub, coords, name, metric, int(k), color_enc, rule, len(emb), height)


def _build(
    sub: Embeddings, coords: np.ndarray, name: str, metric: str, k: int,
    color_enc: dict[str, Any] | None, rule: str | None, n_total: int, height: int,
) -> Snapshot:  # fmt: skip
    payload: dict[str, Any] = {
        "version": VERSION, "method": name, "metric": metric, "k": k, "height": int(height),
        "n_total": int(n_total), "subsample": rule, "labels": list(sub.labels),
        "xy": _b64(np.ascontiguousarray(coords, dtype=np.float32)),
        "fields": _fields(sub, np.arange(len(sub))), "color": None,
        "neighbours": _neighbours(sub, k, metric) if k else None,
    }  # fmt: skip
    if color_enc is not None:
        payload["color"] = {
            "kind": color_enc["kind"], "column": color_enc["column"],
            "legend": color_enc["legend"],
            "values": _b64(np.asarray(color_enc["codes"], dtype=np.float32)),
            **{key: color_enc[key] for key in ("min", "max") if key in color_enc},
        }  # fmt: skip
    snap = Snapshot(payload, coords, color_enc)
    size = snap.nbytes()
    if size > MAX_BYTES:
        raise ValueError(
            f"this snapshot would add {size / 1e6:.1f} MB to the notebook (budget "
            f"{MAX_BYTES / 1e6:.0f} MB): pass a smaller max_points= or k=, or drop metadata "
            "columns"
        )
    return snap
