"""Static matplotlib scatter of a 2-D layout: the fallback for PDFs and checked outputs.

Large sets are subsampled by a fixed, stated rule: the **first** ``max_points`` rows
(for word vectors in file order these are usually the most frequent words), plus any
labels asked for by name. The title says what was drawn.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> emb = ek.Embeddings([f"w{i}" for i in range(30)], np.random.default_rng(0).normal(size=(30, 4)))
>>> ax = plot_embeddings(emb, max_points=20, max_labels=5)
>>> ax.get_title()
'PCA of the first 20 of 30 points (row order); 5 labelled'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import project

if TYPE_CHECKING:
    from .vectors import Embeddings

_NAMES = {"pca": "PCA", "tsne": "t-SNE", "t-sne": "t-SNE", "umap": "UMAP"}
_MAX_CATEGORIES = 20


def _rows_to_draw(
    emb: Embeddings, max_points: int, labels: bool | Sequence[str]
) -> tuple[np.ndarray, str]:
    """The rows drawn (first ``max_points`` plus named labels) and the rule, in words."""
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)):
        raise ValueError(f"max_points must be a positive integer, got {max_points!r}")
    if max_points <= 0:
        raise ValueError(f"max_points must be a positive integer, got {max_points}")
    n = len(emb)
    m = min(n, int(max_points))
    rows = np.arange(m)
    extra = []
    if not isinstance(labels, bool):
        extra = [r for r in (emb.index(lab) for lab in labels) if r >= m]
    rule = f"the first {m:,} of {n:,} points (row order)" if m < n else f"{n:,} points"
    if extra:
        rows = np.concatenate([rows, np.unique(extra)])
        rule += f" + {len(set(extra))} named"
    return rows, rule


def _colour_values(emb: Embeddings, color: Any, rows: np.ndarray) -> tuple[pd.Series, str] | None:
    if color is None:
        return None
    if isinstance(color, str):
        meta = emb.metadata
        if meta is None or color not in meta.columns:
            cols = [] if meta is None else [str(c) for c in meta.columns]
            raise ValueError(f"color={color!r} is not a metadata column; columns: {cols}")
        return meta[color].iloc[rows].reset_index(drop=True), color
    values = pd.Series(np.asarray(color, dtype=object) if not hasattr(color, "dtype") else color)
    if len(values) != len(emb):
        raise ValueError(f"color has {len(values)} values for {len(emb)} points")
    return values.iloc[rows].reset_index(drop=True), "color"


def _plain(text: Any) -> str:
    """Text for matplotlib with ``$`` escaped, so untrusted labels never become mathtext."""
    return str(text).replace("$", r"\$")


def _scatter(ax: Any, xy: np.ndarray, colours: tuple[pd.Series, str] | None, size: float) -> None:
    if colours is None:
        ax.scatter(xy[:, 0], xy[:, 1], s=size, c="#4c72b0", alpha=0.7, linewidths=0)
        return
    values, name = colours
    numeric = pd.api.types.is_numeric_dtype(values) and values.nunique() > _MAX_CATEGORIES
    if numeric:
        sc = ax.scatter(xy[:, 0], xy[:, 1], s=size, c=values.to_numpy(float), cmap="viridis",
                        alpha=0.8, linewidths=0)  # fmt: skip
        ax.figure.colorbar(sc, ax=ax, label=_plain(name))
        return
    import matplotlib as mpl

    counts = values.astype(str).value_counts(sort=True)
    shown = list(counts.index[: _MAX_CATEGORIES - 1]) if len(counts) > _MAX_CATEGORIES else None
    cats = values.astype(str) if shown is None else values.astype(str).where(
        values.astype(str).isin(shown), "(other)")  # fmt: skip
    cmap = mpl.colormaps["tab20"]
    for j, cat in enumerate(sorted(cats.unique(), key=lambda c: (c == "(other)", c))):
        mask = (cats == cat).to_numpy()
        ax.scatter(xy[mask, 0], xy[mask, 1], s=size, color=cmap(j % 20), alpha=0.8,
                   linewidths=0, label=_plain(cat))  # fmt: skip
    ax.legend(title=_plain(name), fontsize="small", markerscale=2, loc="best")


def plot_embeddings(
    emb: Embeddings,
    method: Any = "pca",
    labels: bool | Sequence[str] = True,
    color: Any = None,
    max_points: int = 2000,
    max_labels: int = 40,
    ax: Any = None,
    seed: int = 0,
    **layout_kwargs: Any,
) -> Any:
    """A labelled scatter of a 2-D layout of ``emb``; returns the matplotlib Axes.

    Parameters
    ----------
    emb : Embeddings
    method : {"pca", "tsne", "umap"} or array-like (n, 2)
        Layout of the drawn rows (:func:`embedkit.project.layout`); precomputed
        coordinates are given for all ``n`` rows.
    labels : bool or sequence of str
        ``True`` labels the first ``max_labels`` drawn points; a list labels those words
        (and draws them even beyond ``max_points``); ``False`` draws no text.
    color : str or array-like, optional
        A metadata column or one value per row: categories get a legend, many numbers a
        colour bar.
    max_points : int
        Draw the first ``max_points`` rows (the title states the rule).
    max_labels : int
        With ``labels=True``, how many points get their label written.
    ax : matplotlib Axes, optional
        Where to draw; a new figure otherwise.
    seed : int
        Seed of t-SNE / UMAP.
    """
    import matplotlib.pyplot as plt

    rows, rule = _rows_to_draw(emb, max_points, labels)
    if isinstance(method, str):
        whole = len(rows) == len(emb)  # rows are then 0..n-1 in order
        sub = emb if whole else emb._subset(rows.tolist())
        xy = project.layout(sub, method, seed=seed, **layout_kwargs)
        name = _NAMES.get(method.lower(), method)
    else:
        xy = project.precomputed(method, len(emb))[rows]
        name = "Layout"
    colours = _colour_values(emb, color, rows)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 6.5))
    size = 12.0 if len(rows) <= 500 else 4.0
    _scatter(ax, xy, colours, size)
    names = emb.labels
    if labels is True:
        chosen = list(range(min(int(max_labels), len(rows))))
    elif labels is False:
        chosen = []
    else:
        where = {int(r): j for j, r in enumerate(rows)}
        chosen = [where[emb.index(lab)] for lab in labels]
    for j in chosen:
        ax.annotate(names[int(rows[j])], xy[j], fontsize=8, xytext=(2, 2),
                    textcoords="offset points", parse_math=False)  # fmt: skip
    ax.set_title(f"{name} of {rule}; {len(chosen)} labelled")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax
