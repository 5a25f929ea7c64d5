"""Data behind a played-back training timeline: checks, per-frame neighbours, the metrics
table shown per epoch and the small-multiples picture. Pure numpy/pandas/matplotlib; no
widget code, so it is testable alone.

A :class:`embedkit.timeline.Timeline` holds ``T`` frames of ``n`` tracked rows: ``vectors``
``(T, n, dim)`` and 2D ``coords`` ``(T, n, 2)`` aligned across epochs. The projector sends
all frames once (``T × n × 2`` float32, 8 bytes per row per epoch) and the browser glides
between them; neighbours are searched in ``vectors[frame]`` (the shown epoch).

Examples
--------
>>> import numpy as np
>>> from embedkit.timeline import Timeline
>>> vecs = np.stack([np.eye(3, dtype=np.float32) + e for e in range(3)])
>>> tl = Timeline(["a", "b", "c"], epochs=[1, 2, 3], vectors=vecs,
...               coords=np.zeros((3, 3, 2), np.float32))
>>> check_timeline(tl)
3
>>> frame_index(tl, 2)
1
>>> frame_index(tl, 7)
Traceback (most recent call last):
...
ValueError: epoch 7 is not in the timeline; its epochs are 1..3
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import search
from ..search import check_metric

if TYPE_CHECKING:
    from ..timeline import Timeline

# the metrics shown per epoch: the trainer's history columns that are neither the epoch
# nor timing (seconds and throughput change from run to run and say nothing about the space)
HIDDEN_METRICS = ("epoch", "seconds", "elapsed", "stage", "progress")


def is_timeline(obj: Any) -> bool:
    """True for an :class:`embedkit.timeline.Timeline` (imported lazily: no cycle)."""
    from ..timeline import Timeline

    return isinstance(obj, Timeline)


def epochs_text(tl: Timeline) -> str:
    """``"1..10"``, or the epochs listed when they are not consecutive."""
    ep = [int(e) for e in tl.epochs]
    if ep == list(range(ep[0], ep[0] + len(ep))):
        return f"{ep[0]}..{ep[-1]}"
    return ", ".join(map(str, ep))


def check_timeline(tl: Any) -> int:
    """Check that ``tl`` is a playable timeline; return its number of frames.

    Raises ``TypeError`` for anything but a Timeline and ``ValueError`` naming the problem
    (no frame, epochs not increasing, shapes that disagree, non-finite coordinates, a
    metrics table with the wrong number of rows).
    """
    if not is_timeline(tl):
        raise TypeError(f"expected an embedkit Timeline, not {type(tl).__name__}")
    t, n = len(tl.epochs), len(tl.labels)
    if t == 0 or n == 0:
        raise ValueError(f"the timeline is empty ({t} epochs × {n} rows): nothing to play")
    if np.any(np.diff(tl.epochs) <= 0):
        raise ValueError(f"timeline epochs must increase; got {tl.epochs.tolist()}")
    if tl.vectors.ndim != 3 or tl.vectors.shape[:2] != (t, n):
        raise ValueError(f"vectors must have shape ({t}, {n}, dim); got {tl.vectors.shape}")
    if tl.coords.shape != (t, n, 2):
        raise ValueError(f"coords must have shape ({t}, {n}, 2); got {tl.coords.shape}")
    bad = ~np.isfinite(tl.coords).all(axis=2)
    if bad.any():
        f, r = (int(x[0]) for x in np.nonzero(bad))
        raise ValueError(
            f"coords hold NaN or infinite values (first at epoch {int(tl.epochs[f])}, row {r})"
        )
    if len(tl.metrics) != t:
        raise ValueError(f"metrics has {len(tl.metrics)} rows for {t} epochs (one per epoch)")
    if len(set(tl.labels)) != n:
        raise ValueError("timeline labels must be unique")
    return t


def frame_index(tl: Timeline, epoch: Any) -> int:
    """The frame of ``epoch``; a ``ValueError`` names the valid epochs otherwise."""
    if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)):
        raise ValueError(f"epoch must be an integer, got {epoch!r}")
    hits = np.flatnonzero(tl.epochs == int(epoch))
    if not hits.size:
        raise ValueError(f"epoch {epoch} is not in the timeline; its epochs are {epochs_text(tl)}")
    return int(hits[0])


def metrics_table(tl: Timeline) -> dict[str, Any]:
    """``{"columns": [...], "values": [[...] per frame]}``: the numbers shown per epoch
    (JSON-safe: NaN and missing values are ``None``; non-numeric columns are left out)."""
    import pandas as pd

    m = tl.metrics
    cols = [
        str(c)
        for c in m.columns
        if str(c) not in HIDDEN_METRICS
        and not str(c).endswith("_per_sec")
        and pd.api.types.is_numeric_dtype(m[c])
        and not pd.api.types.is_bool_dtype(m[c])
    ]
    values = []
    for row in m[cols].itertuples(index=False, name=None):
        values.append([_number(v) for v in row])
    return {"columns": cols, "values": values}


def _number(v: Any) -> float | None:
    """A finite float, or None for NaN, infinities and missing values."""
    import pandas as pd

    if pd.isna(v) or not math.isfinite(float(v)):
        return None
    return float(v)


def frame_neighbours(
    vectors: np.ndarray, k: int, metric: str, rows: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of each of ``rows`` (default all) in one frame's vectors, the
    row itself excluded: ``(indices int64, scores float32)``, each ``(len(rows), k)``."""
    check_metric(metric)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(vectors)
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    k = min(int(k), n - 1)
    if k <= 0 or rows.size == 0:
        return np.zeros((rows.size, 0), np.int64), np.zeros((rows.size, 0), np.float32)
    norms = search.row_norms(vectors) if metric in ("cosine", "euclidean") else None
    return search.topk(
        vectors, vectors[rows], k, metric=metric, norms=norms, exclude=[[int(i)] for i in rows]
    )


def all_frame_neighbours(tl: Timeline, k: int, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame neighbour tables for the kernel-less snapshot: ``(T, n, k)`` each."""
    out_i, out_s = [], []
    for f, epoch in enumerate(tl.epochs):
        try:
            idx, val = frame_neighbours(tl.vectors[f], k, metric)
        except ValueError as err:
            raise ValueError(f"epoch {int(epoch)}: {err}") from None
        out_i.append(idx)
        out_s.append(val)
    return np.stack(out_i), np.stack(out_s)


def shown_frames(t: int) -> list[int]:
    """The frames of the small multiples: first, middle and last (fewer when ``t < 3``).

    >>> shown_frames(10), shown_frames(2), shown_frames(1)
    ([0, 4, 9], [0, 1], [0])
    """
    return sorted({0, (t - 1) // 2, t - 1})


def _metric_line(tl: Timeline, f: int) -> str:
    table = metrics_table(tl)
    parts = []
    for name, v in zip(table["columns"], table["values"][f], strict=True):
        if v is not None and name in ("loss", "settling", "mean_cosine"):
            parts.append(f"{name} {v:.3g}")
    return ", ".join(parts)


PANEL_LABELS = 12  # labels drawn in each panel of the static picture


def small_multiples_png(
    tl: Timeline, color: dict[str, Any] | None, title: str,
    labels: tuple[np.ndarray, list[str]] | None = None,
) -> bytes:  # fmt: skip
    """The static picture of a timeline: its first, middle and last epoch side by side,
    on the same axes (so motion between panels is motion in the layout), each titled with
    its epoch and loss; ``labels`` (rows in importance order, their texts) names the most
    important points that fit in each panel. Matplotlib (Agg, no pyplot state)."""
    from matplotlib.figure import Figure

    from ._projector_data import CATEGORICAL, draw_png_labels

    frames = shown_frames(len(tl.epochs))
    fig = Figure(figsize=(3.0 * len(frames), 3.3), dpi=80, layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(frames)))
    xy = tl.coords[frames].reshape(-1, 2)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    pad = 0.04 * (hi - lo + 1e-9)
    n = len(tl.labels)
    size = 8 if n <= 2000 else 3 if n <= 20000 else 1
    for ax, f in zip(axes, frames, strict=True):
        c = tl.coords[f]
        if color is None:
            ax.scatter(c[:, 0], c[:, 1], s=size, c=CATEGORICAL[0], linewidths=0)
        elif color["kind"] == "categorical":
            codes = np.asarray(color["codes"]).astype(int)
            pal = np.array(CATEGORICAL)[codes % len(CATEGORICAL)]
            ax.scatter(c[:, 0], c[:, 1], s=size, c=list(pal), linewidths=0)
        else:
            ax.scatter(c[:, 0], c[:, 1], s=size, c=color["codes"], cmap="viridis", linewidths=0)
        line = _metric_line(tl, f)
        ax.set_title(f"epoch {int(tl.epochs[f])}" + (f"\n{line}" if line else ""), fontsize=8)
        ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        ax.set_xticks([])
        ax.set_yticks([])
    for ax, f in zip(axes, frames, strict=True):  # after the layout: label boxes need it
        draw_png_labels(ax, tl.coords[f], labels, most=PANEL_LABELS)
    if color is not None and color["kind"] == "categorical":
        handles = [
            axes[-1].scatter([], [], s=20, c=CATEGORICAL[i % len(CATEGORICAL)], label=item["name"])
            for i, item in enumerate(color["legend"][:10])
        ]
        axes[-1].legend(handles=handles, title=color["column"], fontsize=6, title_fontsize=7,
                        loc="best")  # fmt: skip
    fig.suptitle(title, fontsize=9)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
