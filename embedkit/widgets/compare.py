"""Compare two embeddings of (partly) the same labels: checkpoints, algorithms, models.

``compare(a, b)`` aligns B onto A by orthogonal Procrustes on the shared labels, lays
both out in one 2-D space, and measures for each label how much its ``k`` nearest
neighbours changed (Jaccard@k, searched within the shared vocabulary, in each model's
own space). A rotated copy of the same embeddings is identical: Jaccard 1.0 everywhere.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> rng = np.random.default_rng(0)
>>> a = ek.Embeddings([f"w{i}" for i in range(40)], rng.normal(size=(40, 5)))
>>> q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
>>> c = compare(a, ek.Embeddings(a.labels, a.vectors @ q), k=5, projectors=False)
>>> c
Comparison(A vs B: 40 shared labels, 40 compared, k=5, mean Jaccard 1.000)
>>> c.overlap["jaccard"].tolist() == [1.0] * 40
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import numpy as np
import pandas as pd

from .. import project
from ..search import check_metric
from ._tables import frame_html

if TYPE_CHECKING:
    from ..vectors import Embeddings

SORTS = {
    "most changed (Jaccard ↑)": (["jaccard", "rank"], [True, True]),
    "least changed (Jaccard ↓)": (["jaccard", "rank"], [False, True]),
    "moved most after alignment": (["shift", "rank"], [False, True]),
    "frequency (A's order)": (["rank"], [True]),
    "label": (["label"], [True]),
}


def _neighbour_lists(emb: Embeddings, queries: list[str], k: int, metric: str) -> np.ndarray:
    """``(len(queries), k)`` labels: one batched search, the query itself excluded."""
    frame = emb.neighbours(queries, k=k, metric=metric)
    labels = frame["label"].to_numpy(dtype=object)
    if labels.size != len(queries) * k:
        raise RuntimeError(f"expected {k} neighbours for each of {len(queries)} labels")
    return labels.reshape(len(queries), k)


def neighbour_table(
    a: Embeddings, b: Embeddings, queries: list[str], k: int, metric: str = "cosine"
) -> pd.DataFrame:
    """Per query: Jaccard@k of the neighbour sets in ``a`` and ``b``, and the sets.

    ``a`` and ``b`` hold the same labels (the shared vocabulary). Sorted with the most
    changed first (Jaccard ascending, then row order).

    >>> import embedkit as ek
    >>> a = ek.Embeddings(list("abcd"), [[1, 0], [1, .1], [0, 1], [.1, 1]])
    >>> b = ek.Embeddings(list("abcd"), [[1, 0], [0, 1], [1, .1], [.1, 1]])
    >>> neighbour_table(a, b, ["a", "b"], k=1)[["label", "jaccard", "only_a", "only_b"]]
      label  jaccard only_a only_b
    0     a      0.0    [b]    [c]
    1     b      0.0    [a]    [d]
    """
    na = _neighbour_lists(a, queries, k, metric)
    nb = _neighbour_lists(b, queries, k, metric)
    jac, only_a, only_b = [], [], []
    for xa, xb in zip(na.tolist(), nb.tolist(), strict=True):
        sa, sb = set(xa), set(xb)
        jac.append(len(sa & sb) / len(sa | sb))
        only_a.append([x for x in xa if x not in sb])
        only_b.append([x for x in xb if x not in sa])
    out = pd.DataFrame({
        "label": queries, "jaccard": jac, "neighbours_a": na.tolist(),
        "neighbours_b": nb.tolist(), "only_a": only_a, "only_b": only_b,
        "rank": np.arange(len(queries)),
    })  # fmt: skip
    return out.sort_values(["jaccard", "rank"], kind="stable").reset_index(drop=True)


def _check_names(names: Sequence[str]) -> tuple[str, str]:
    if len(names) != 2 or not all(isinstance(x, str) and x for x in names):
        raise ValueError(f"names must be two non-empty strings, got {names!r}")
    if names[0] == names[1]:
        raise ValueError(f"names must differ, got {names!r}")
    return str(names[0]), str(names[1])


class Comparison(w.VBox):
    """The widget :func:`compare` returns; see there for parameters.

    Attributes
    ----------
    overlap : DataFrame
        label, jaccard, shift (cosine distance between prepared A and aligned B), neighbours_a,
        neighbours_b, only_a, only_b, rank (row in A's order); most changed first.
    alignment : embedkit.project.Alignment
        Procrustes result (aligned B, rotation, shared labels).
    coords_a, coords_b : ndarray (m, 2)
        Joint 2-D layout of the shared labels (A, and B after alignment).
    projectors : tuple of Projector, or None
        Two linked projectors (hover and selection follow the same label).
    """

    def __init__(self, emb_a: Embeddings, emb_b: Embeddings, k: int = 10,
                 names: Sequence[str] = ("A", "B"), *, metric: str = "cosine",
                 max_words: int | None = 10_000, method: Any = "pca", projectors: bool = True,
                 seed: int = 0) -> None:  # fmt: skip
        from ..vectors import Embeddings

        for e in (emb_a, emb_b):
            if not isinstance(e, Embeddings):
                raise TypeError(f"compare needs two embedkit.Embeddings, not {type(e).__name__}")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        check_metric(metric)
        self.names = _check_names(names)
        self.k, self.metric = int(k), metric
        self.alignment = project.procrustes(emb_a, emb_b, center=True)
        shared = self.alignment.shared
        if len(shared) <= k:
            raise ValueError(f"the embeddings share {len(shared)} labels; k={k} needs more "
                             f"than {k}")  # fmt: skip
        self.shared_a, self.shared_b = emb_a[shared], emb_b[shared]
        self._prepared_a: np.ndarray | None = None
        queries = shared if max_words is None else shared[: int(max_words)]
        self.overlap = neighbour_table(self.shared_a, self.shared_b, queries, self.k, metric)
        self.overlap.insert(2, "shift", self._shift(self.overlap["label"].tolist()))
        self.overlap.attrs.update({"k": self.k, "metric": metric, "shared": len(shared),
                                   "names": self.names})  # fmt: skip
        self.coords_a, self.coords_b = self._joint_layout(method, seed)
        self.projectors = self._projectors() if projectors else None
        super().__init__(self._children())

    # ----------------------------------------------------------------- computation
    def _unit_a(self) -> np.ndarray:
        """A's shared vectors as the alignment saw them (unit, centred, unit)."""
        if self._prepared_a is None:
            self._prepared_a = project.prepare(self.shared_a.vectors, center=True)
        return self._prepared_a

    def _shift(self, labels: list[str]) -> np.ndarray:
        """1 − cos(A[w], aligned B[w]) for each label (0 = same place after rotation)."""
        rows = np.array([self.shared_a.key_to_index[lab] for lab in labels], dtype=np.int64)
        ua = self._unit_a()[rows]
        ub = self.alignment.aligned[[str(x) for x in labels]].vectors
        return np.round(1.0 - (ua * ub).sum(axis=1).astype(np.float64), 6)

    def _joint_layout(self, method: Any, seed: int) -> tuple[np.ndarray, np.ndarray]:
        m = len(self.shared_a)
        both = np.vstack([self._unit_a(), self.alignment.aligned[self.shared_a.labels].vectors])
        xy = project.layout(both, method, seed=seed)
        return xy[:m], xy[m:]

    def _projectors(self) -> tuple[Any, Any]:
        from .projector import Projector, link

        pa = Projector(self.shared_a, method=self.coords_a, k=self.k, metric=self.metric,
                       height=380)  # fmt: skip
        pb = Projector(self.shared_b, method=self.coords_b, k=self.k, metric=self.metric,
                       height=380)  # fmt: skip
        link(pa, pb)
        return pa, pb

    # ----------------------------------------------------------------- widget
    def _children(self) -> list[Any]:
        self.sort_menu = w.Dropdown(options=list(SORTS), description="sort by")
        self.rows_slider = w.IntSlider(value=15, min=5, max=200, step=5, description="rows")
        self.filter_box = w.Text(placeholder="filter labels", continuous_update=True,
                                 layout={"width": "12em"})  # fmt: skip
        self.picker = w.Select(options=[], rows=8, description="show", layout={"width": "18em"})
        self.table = w.HTML()
        for ctl in (self.sort_menu, self.rows_slider, self.filter_box):
            ctl.observe(lambda _: self._render_table(), names="value")
        self.picker.observe(self._on_pick, names="value")
        self._render_table()
        parts: list[Any] = [w.HTML(self._summary_html())]
        if self.projectors is not None:
            a, b = self.names
            heads = [w.VBox([w.Label(f"{a} (reference)"), self.projectors[0]],
                            layout={"width": "50%"}),
                     w.VBox([w.Label(f"{b} (aligned to {a})"), self.projectors[1]],
                            layout={"width": "50%"})]  # fmt: skip
            parts.append(w.HBox(heads))
        parts += [w.HBox([self.sort_menu, self.rows_slider, self.filter_box]),
                  w.HBox([self.table, self.picker])]  # fmt: skip
        return parts

    def sorted_table(
        self, by: str = "most changed (Jaccard ↑)", contains: str = ""
    ) -> pd.DataFrame:
        """The overlap table in one of the :data:`SORTS` orders, optionally filtered."""
        if by not in SORTS:
            raise ValueError(f"unknown sort {by!r}; choose one of {list(SORTS)}")
        cols, asc = SORTS[by]
        frame = self.overlap
        if contains:
            frame = frame[frame["label"].str.contains(contains, case=False, regex=False)]
        return frame.sort_values(cols, ascending=asc, kind="stable").reset_index(drop=True)

    def _render_table(self) -> None:
        frame = self.sorted_table(self.sort_menu.value, self.filter_box.value.strip())
        shown = frame.head(int(self.rows_slider.value))
        a, b = self.names
        renamed = shown.rename(columns={"only_a": f"only in {a}", "only_b": f"only in {b}"})
        cols = ["label", "jaccard", "shift", f"only in {a}", f"only in {b}"]
        self.table.value = frame_html(renamed, cols, len(shown))
        self.picker.options = tuple(shown["label"])
        self.picker.value = None

    def _on_pick(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.show(change["new"])

    def show(self, label: str) -> None:
        """Highlight ``label`` and its neighbours in both projectors (A's and B's)."""
        row = self.overlap.loc[self.overlap["label"] == label]
        if row.empty:
            raise KeyError(f"{label!r} is not among the compared labels")
        if self.projectors is None:
            return
        pa, pb = self.projectors
        pa.highlight([label, *row["neighbours_a"].iloc[0]])
        pb.highlight([label, *row["neighbours_b"].iloc[0]])
        pa.focus(label)
        pb.focus(label)

    def _summary_html(self) -> str:
        import html

        a, b = (html.escape(x) for x in self.names)
        o = self.overlap
        return (
            f"<b>{a}</b> vs <b>{b}</b>: {o.attrs['shared']:,} shared labels, {len(o):,} "
            f"compared; mean Jaccard@{self.k} {o['jaccard'].mean():.3f} ({self.metric}); "
            f"{int((o['jaccard'] == 1).sum()):,} unchanged, {int((o['jaccard'] == 0).sum()):,} "
            "with no neighbour in common"
        )

    def __repr__(self) -> str:
        a, b = self.names
        o = self.overlap
        return (f"Comparison({a} vs {b}: {o.attrs['shared']:,} shared labels, {len(o):,} "
                f"compared, k={self.k}, mean Jaccard {o['jaccard'].mean():.3f})")  # fmt: skip

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/html"] = f"<div>{self._summary_html()}</div>{self.table.value}"
        return bundle

    # ----------------------------------------------------------------- static fallback
    def plot(self, n: int = 12, ax: Any = None) -> Any:
        """Static picture: both aligned layouts, arrows from A to B for the ``n`` most
        changed labels (the first ``n`` rows of :attr:`overlap`). Returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(8, 6.5))
        a, b = self.names
        ax.scatter(*self.coords_a.T, s=3, c="#4c72b0", alpha=0.35, linewidths=0, label=a)
        ax.scatter(*self.coords_b.T, s=3, c="#dd8452", alpha=0.35, linewidths=0,
                   label=f"{b} (aligned)")  # fmt: skip
        rows = [self.shared_a.key_to_index[x] for x in self.overlap["label"].head(n)]
        for r in rows:
            (x0, y0), (x1, y1) = self.coords_a[r], self.coords_b[r]
            ax.annotate("", (x1, y1), (x0, y0), arrowprops={"arrowstyle": "->", "lw": 0.8})
            ax.annotate(self.shared_a.labels[r], (x0, y0), fontsize=8, parse_math=False)
        ax.legend(loc="best", markerscale=4)
        ax.set_title(f"{a} vs {b} (aligned): {len(rows)} most changed labels, arrows {a} → {b}",
                     fontsize=10)  # fmt: skip
        ax.set_xticks([])
        ax.set_yticks([])
        return ax


def compare(emb_a: Embeddings, emb_b: Embeddings, k: int = 10,
            names: Sequence[str] = ("A", "B"), **kwargs: Any) -> Comparison:  # fmt: skip
    """Compare two embeddings on their shared labels.

    Parameters
    ----------
    emb_a, emb_b : Embeddings
        A is the reference; B is rotated onto it (orthogonal Procrustes on unit vectors,
        each side centred on its mean over the shared labels: :func:`embedkit.project.prepare`).
    k : int
        Neighbourhood size for Jaccard@k.
    names : (str, str)
        Shown in the widget, the table and the plot.
    **kwargs
        Keyword-only, passed to :class:`Comparison`:

        metric : {"cosine", "euclidean", "dot"}
            Neighbour metric (default ``"cosine"``).
        max_words : int or None
            Compare the first ``max_words`` shared labels (A's order, usually the most
            frequent); neighbours are still searched among all shared labels. Default
            10,000.
        method : {"pca", "tsne", "umap"}
            Joint layout of the aligned vectors (default ``"pca"``).
        projectors : bool
            Build the two linked WebGL projectors (default True); ``.plot()`` is the
            static view.
        seed : int
            Random seed of the t-SNE / UMAP layout (default 0).
    """
    return Comparison(emb_a, emb_b, k, names, **kwargs)
