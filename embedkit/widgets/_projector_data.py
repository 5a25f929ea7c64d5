"""Data behind the projector: 2D layout, colour encoding, hover text, search and the
static fallback image. Pure numpy/pandas; no widget code, so it is testable alone.

Examples
--------
>>> import numpy as np
>>> from embedkit import Embeddings
>>> emb = Embeddings(["cat", "dog", "car"], np.eye(3), metadata={"kind": ["a", "a", "v"]})
>>> enc = encode_color(emb, "kind")
>>> enc["kind"], [x["name"] for x in enc["legend"]], enc["codes"].tolist()
('categorical', ['a', 'v'], [0.0, 0.0, 1.0])
>>> search_labels(["cat", "dog", "car"], "ca", regex=False).tolist()
[0, 2]
"""

from __future__ import annotations

import re
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._serialize import png_bytes

if TYPE_CHECKING:
    from ..vectors import Embeddings

METHODS = ("pca", "tsne", "umap")
MAX_CATEGORIES = 20
MAX_FIELDS = 8
MAX_FIELD_CHARS = 200
PNG_MAX_POINTS = 200_000
# Same palette as js/src/palette.ts (Tableau 10 and its light variants).
CATEGORICAL = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d",
    "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e",
]  # fmt: skip


def compute_layout(
    emb: Embeddings, method: Any, seed: int = 0, **kwargs: Any
) -> tuple[np.ndarray, str]:
    """Return ``(coords float32 (n, 2), method name)`` for a method name or given coordinates.

    ``kwargs`` go to :func:`embedkit.project.layout` (e.g. ``perplexity`` for t-SNE).

    Examples
    --------
    >>> from embedkit import Embeddings
    >>> emb = Embeddings(["a", "b"], [[1.0, 0.0], [0.0, 1.0]])
    >>> xy, name = compute_layout(emb, [[0, 1], [2, 3]])
    >>> xy.dtype, name
    (dtype('float32'), 'coordinates')
    """
    n = len(emb)
    if isinstance(method, str):
        if method not in METHODS:
            raise ValueError(
                f"unknown projection method {method!r}; choose one of {', '.join(METHODS)} "
                "or pass an (n, 2) array of coordinates"
            )
        from .. import project

        coords = np.asarray(project.layout(emb, method, seed=seed, **kwargs), dtype=np.float32)
        name = method
    else:
        coords = np.asarray(method, dtype=np.float32)
        name = "coordinates"
    if coords.shape != (n, 2):
        raise ValueError(f"coordinates must have shape ({n}, 2) for {n} points; got {coords.shape}")
    bad = np.flatnonzero(~np.isfinite(coords).all(axis=1))
    if bad.size:
        raise ValueError(f"coordinates contain NaN or infinite values at rows {bad[:5].tolist()}")
    return np.ascontiguousarray(coords), name


def _column(emb: Embeddings, color: Any) -> tuple[pd.Series, str]:
    if isinstance(color, str):
        meta = emb.metadata
        if meta is None or color not in meta.columns:
            have = [] if meta is None else [str(c) for c in meta.columns]
            listed = ", ".join(map(repr, have)) if have else "none (emb.metadata is None)"
            raise ValueError(f"color={color!r} is not a metadata column; columns: {listed}")
        return meta[color].reset_index(drop=True), color
    values = pd.Series(np.asarray(color))
    if len(values) != len(emb):
        raise ValueError(f"color has {len(values)} values for {len(emb)} points")
    return values, "color"


def encode_color(
    emb: Embeddings, color: Any, clusters: int | None = None, seed: int = 0
) -> dict[str, Any] | None:
    """Encode a metadata column (or per-point values) as codes or [0, 1] values + legend.

    Numbers with more than ``MAX_CATEGORIES`` distinct values are continuous; anything
    else is categorical, the ``MAX_CATEGORIES - 1`` most frequent kept and the rest
    grouped as "(other)". ``color="clusters"`` (unless a metadata column has that name)
    colours by ``clusters`` k-means clusters of the original vectors, each named by its
    most central labels (:func:`embedkit.widgets._clusters.cluster_color`).
    """
    if color is None:
        return None
    if isinstance(color, str) and color == "clusters":
        meta = emb.metadata
        if meta is None or "clusters" not in meta.columns:
            from ._clusters import cluster_color

            return cluster_color(emb, clusters, seed)
    col, name = _column(emb, color)
    numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    if numeric and col.nunique(dropna=True) > MAX_CATEGORIES:
        vals = col.to_numpy(dtype=np.float64, na_value=np.nan)
        lo, hi = np.nanmin(vals), np.nanmax(vals)
        scaled = np.where(np.isfinite(vals), (vals - lo) / ((hi - lo) or 1.0), 0.0)
        return {"kind": "continuous", "column": name, "codes": scaled.astype(np.float32),
                "legend": [], "min": f"{lo:.4g}", "max": f"{hi:.4g}"}  # fmt: skip
    text = col.astype("string").fillna("(missing)")
    counts = text.value_counts(sort=True)
    room = MAX_CATEGORIES if len(counts) <= MAX_CATEGORIES else MAX_CATEGORIES - 1
    keep = list(counts.index[:room])
    keep.sort(key=str)
    lookup = {v: i for i, v in enumerate(keep)}
    other = len(keep)
    codes = np.array([lookup.get(v, other) for v in text], dtype=np.float32)
    legend = [{"name": str(v)} for v in keep]
    if len(counts) > len(keep):
        legend.append({"name": f"(other: {len(counts) - len(keep)} values)"})
    return {"kind": "categorical", "column": name, "codes": codes, "legend": legend}


LABELS_SENT = 50_000  # the most label candidates a view receives (importance order)


def importance_values(emb: Embeddings, importance: Any) -> np.ndarray | None:
    """One float per row from a metadata column name or an array (``None`` stays ``None``:
    row order). Missing or non-numeric values rank last."""
    if importance is None:
        return None
    n = len(emb)
    if isinstance(importance, str):
        meta = emb.metadata
        if meta is None or importance not in meta.columns:
            have = [] if meta is None else [str(c) for c in meta.columns]
            raise ValueError(
                f"importance={importance!r} is not a metadata column; columns: "
                + (", ".join(map(repr, have)) if have else "none (emb.metadata is None)")
            )
        values = pd.to_numeric(meta[importance], errors="coerce").to_numpy(dtype=np.float64)
    else:
        try:
            values = np.asarray(importance, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError("importance must be a metadata column name or numbers") from None
        if values.shape != (n,):
            raise ValueError(f"importance has {values.size} values for {n} points")
    return np.where(np.isfinite(values), values, -np.inf)


def label_order(emb: Embeddings, importance: Any = None, limit: int = LABELS_SENT) -> np.ndarray:
    """Rows in the order their labels are drawn on the map (most important first), at most
    ``limit`` of them (uint32).

    ``importance``: ``None`` for row order (word vectors come most frequent first), a
    metadata column name or one number per row (higher first; ties keep row order).

    Examples
    --------
    >>> from embedkit import Embeddings
    >>> emb = Embeddings(["a", "b", "c"], np.eye(3), metadata={"n": [1, 5, 3]})
    >>> label_order(emb).tolist(), label_order(emb, "n").tolist()
    ([0, 1, 2], [1, 2, 0])
    >>> label_order(emb, [0, 0, 9], limit=2).tolist()
    [2, 0]
    """
    values = importance_values(emb, importance)
    if values is None:
        return np.arange(min(len(emb), limit), dtype=np.uint32)
    return np.argsort(-values, kind="stable")[:limit].astype(np.uint32)


def check_labels(labels: Any) -> int:
    """The most labels drawn at once: ``True`` the default (:data:`LABELS_SHOWN`), ``False``
    none, a whole number that many.

    >>> check_labels(True), check_labels(False), check_labels(50)
    (300, 0, 50)
    """
    if labels is True:
        return LABELS_SHOWN
    if labels is False or labels is None:
        return 0
    if isinstance(labels, (int, np.integer)) and labels >= 0:
        return int(labels)
    raise ValueError(f"labels must be True, False or a whole number >= 0, got {labels!r}")


LABELS_SHOWN = 300  # labels drawn at once by default


def label_payload(emb: Embeddings, labels: Any, importance: Any) -> dict[str, Any] | None:
    """The view's label data: ``{"order": uint32 rows, "text": their labels, "max": m}``
    (``None`` with ``labels=False``)."""
    shown = check_labels(labels)
    order = label_order(emb, importance)
    if shown == 0:
        return None
    names = emb.labels  # one copy: the property copies on each access
    text = [names[i] for i in order.tolist()]
    return {"order": order, "text": text, "max": shown}


def hover_fields(emb: Embeddings, i: int) -> list[list[str]]:
    """``[[column, value], ...]`` for row ``i`` (first columns, long values cut)."""
    meta = emb.metadata
    if meta is None:
        return []
    row = meta.iloc[i]
    out = []
    for col in list(meta.columns)[:MAX_FIELDS]:
        text = str(row[col])
        if len(text) > MAX_FIELD_CHARS:
            text = text[: MAX_FIELD_CHARS - 1] + "…"
        out.append([str(col), text])
    return out


def search_labels(
    labels: list[str], query: str, regex: bool, lowered: list[str] | None = None
) -> np.ndarray:
    """Rows whose label contains ``query`` (case-insensitive) or matches the regex.

    An invalid regex raises ``ValueError`` naming the pattern.

    Examples
    --------
    >>> search_labels(["Paris", "paris", "rome"], "^p", regex=True).tolist()
    [1]
    """
    if regex:
        try:
            pattern = re.compile(query)
        except re.error as err:
            raise ValueError(f"invalid regex {query!r}: {err}") from None
        hits = [i for i, lab in enumerate(labels) if pattern.search(lab)]
    else:
        q = query.lower()
        low = lowered if lowered is not None else [lab.lower() for lab in labels]
        hits = [i for i, lab in enumerate(low) if q in lab]
    return np.asarray(hits, dtype=np.uint32)


def _rgb(hexcolor: str) -> tuple[int, int, int]:
    return int(hexcolor[1:3], 16), int(hexcolor[3:5], 16), int(hexcolor[5:7], 16)


PNG_LABELS = 30  # the most labels a static picture draws (the most important that fit)
PNG_CHAR, PNG_LINE = 5.0, 10.0  # a 7-point label's width per character and height, px


def place_labels(
    px: np.ndarray, py: np.ndarray, text: list[str], size: tuple[float, float],
    most: int = PNG_LABELS,
) -> list[int]:  # fmt: skip
    """Greedy label placement for a static picture, as the live view does it: candidates in
    importance order (``px``, ``py``: their anchor points in pixels, y down; ``text``: their
    labels), each box to the right of its point, kept only if it lies inside ``size`` and
    overlaps no box kept before; at most ``most``. Returns the kept candidates' positions.

    >>> place_labels(np.array([10.0, 12, 10]), np.array([10.0, 11, 40]), ["a", "b", "c"],
    ...              (100, 100))
    [0, 2]
    """
    w, h = size
    boxes: list[tuple[float, float, float, float]] = []
    kept: list[int] = []
    pad = 2.0
    for q, (x, y, s) in enumerate(zip(px.tolist(), py.tolist(), text, strict=True)):
        if len(kept) >= most:
            break
        x0, y0 = x + 3, y - PNG_LINE / 2
        x1, y1 = x0 + PNG_CHAR * len(s), y0 + PNG_LINE
        if not (x0 >= 0 and x1 <= w and y0 >= 0 and y1 <= h):
            continue
        if any(x0 - pad < b[2] and x1 + pad > b[0] and y0 - pad < b[3] and y1 + pad > b[1]
               for b in boxes):  # fmt: skip
            continue
        boxes.append((x0, y0, x1, y1))
        kept.append(q)
    return kept


def draw_png_labels(ax: Any, coords: np.ndarray, labels: tuple[np.ndarray, list[str]] | None,
                    most: int = PNG_LABELS) -> None:  # fmt: skip
    """Label a matplotlib axes' points (limits already set): ``labels`` is (rows in
    importance order, their texts); plain text, white halo, no overlaps."""
    if labels is None or most <= 0 or not len(labels[0]):
        return
    from matplotlib import patheffects

    rows, text = labels
    rows, text = rows[: 20 * most], text[: 20 * most]
    fig = ax.figure
    fig.draw_without_rendering()
    xy = ax.transData.transform(np.asarray(coords, dtype=np.float64)[rows])
    box = ax.get_window_extent()
    keep = place_labels(xy[:, 0] - box.x0, box.y1 - xy[:, 1], text, (box.width, box.height), most)
    halo = [patheffects.withStroke(linewidth=2, foreground="white")]
    for q in keep:
        r = int(rows[q])
        ax.annotate(text[q], (coords[r, 0], coords[r, 1]), xytext=(3, 0),
                    textcoords="offset pixels", fontsize=7, va="center", color="#222",
                    path_effects=halo, annotation_clip=False)  # fmt: skip


def static_png(
    coords: np.ndarray, color: dict[str, Any] | None, size: tuple[int, int] = (480, 360),
    labels: tuple[np.ndarray, list[str]] | None = None,
) -> bytes:  # fmt: skip
    """A small PNG of the layout (2×2 pixel points), for renderers without widgets.

    Beyond ``PNG_MAX_POINTS`` points every ``ceil(n / PNG_MAX_POINTS)``-th row is drawn
    (the image has fewer pixels than that anyway). ``labels`` (rows in importance order,
    their texts) adds up to :data:`PNG_LABELS` non-overlapping labels on the map.

    Examples
    --------
    >>> static_png(np.array([[0, 0], [1, 1]], dtype=np.float32), None)[:4]
    b'\\x89PNG'
    """
    w, h = size
    img = np.full((h, w, 3), 255, dtype=np.uint8)
    if len(coords) == 0:
        return png_bytes(img)
    full = coords
    cols = (coords[:, 0], coords[:, 1])  # per column: 14x faster than axis=0 on (n, 2)
    lo, hi = np.array([c.min() for c in cols]), np.array([c.max() for c in cols])
    step = -(-len(coords) // PNG_MAX_POINTS)
    coords = coords[::step]
    span = float(max(hi[0] - lo[0], hi[1] - lo[1])) or 1.0
    scale = (min(w, h) - 12) / span
    cx, cy = (lo + hi) / 2
    px = np.clip(((coords[:, 0] - cx) * scale + w / 2).astype(int), 0, w - 2)
    py = np.clip((h / 2 - (coords[:, 1] - cy) * scale).astype(int), 0, h - 2)
    if color is None:
        rgb = np.tile(np.array(_rgb("#3a6ea5"), dtype=np.uint8), (len(px), 1))
    elif color["kind"] == "categorical":
        pal = np.array([_rgb(c) for c in CATEGORICAL], dtype=np.uint8)
        rgb = pal[color["codes"][::step].astype(int) % len(pal)]
    else:
        t = color["codes"][::step, None]
        rgb = ((1 - t) * np.array([68, 1, 84]) + t * np.array([253, 231, 37])).astype(np.uint8)
    for dx in (0, 1):
        for dy in (0, 1):
            img[py + dy, px + dx] = rgb
    if labels is not None and len(labels[0]):
        rows, text = labels[0][: 20 * PNG_LABELS], labels[1][: 20 * PNG_LABELS]
        lx = (full[rows, 0] - cx) * scale + w / 2
        ly = h / 2 - (full[rows, 1] - cy) * scale
        keep = place_labels(lx, ly, text, (w, h))
        img = _with_text(img, [(lx[q] + 3, ly[q], text[q]) for q in keep])
    return png_bytes(img)


def _label_font() -> Any:
    """DejaVu Sans at 9 px (matplotlib's font file, read by Pillow: no matplotlib import,
    which would add 0.6 s to a fresh kernel's first projector), else Pillow's own."""
    from PIL import ImageFont  # installed with matplotlib

    spec = find_spec("matplotlib")
    for where in (spec.submodule_search_locations or []) if spec else []:
        path = Path(where) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return ImageFont.truetype(str(path), 9)
    return ImageFont.load_default()


def _with_text(img: np.ndarray, items: list[tuple[float, float, str]]) -> np.ndarray:
    """``img`` with plain-text labels drawn at pixel positions (x, y down), white halo."""
    from PIL import Image, ImageDraw

    font = _label_font()
    canvas = Image.fromarray(img)
    draw = ImageDraw.Draw(canvas)
    for x, y, s in items:
        draw.text((x, y), s, font=font, fill=(34, 34, 34), anchor="lm", stroke_width=1,
                  stroke_fill=(255, 255, 255))  # fmt: skip
    return np.asarray(canvas).copy()
