"""RecommendationExplorer: browse a fitted recommender by user and by item.

Choose a user (a searchable box) to see their highest-rated items beside the model's
recommendations with scores; choose an item to see its nearest items; the item vectors
are shown in a :class:`~embedkit.widgets.projector.Projector` coloured by genre. Titles
are untrusted text: tables are built with ``html.escape``.

Examples
--------
>>> import pandas as pd
>>> from embedkit.train import MatrixFactorization
>>> ratings = pd.DataFrame({"user": [1, 1, 2, 2, 3], "item": [10, 11, 10, 12, 11],
...                         "rating": [5.0, 3.0, 4.0, 2.0, 4.0]})
>>> mf = MatrixFactorization(factors=2, epochs=1).fit(ratings)
>>> RecommendationExplorer(mf, projector=False)
RecommendationExplorer(explicit MatrixFactorization, 3 users, 3 items, user=1, item=10)
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["RecommendationExplorer"]


def _table(frame: pd.DataFrame, columns: list[str], caption: str) -> str:
    """A small HTML table; every cell escaped."""
    cols = [c for c in columns if c in frame.columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["#", *cols])
    rows = []
    for rank, row in frame.iterrows():
        cells = [str(rank)] + [_fmt(row[c]) for c in cols]
        rows.append("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in cells) + "</tr>")
    return (
        f"<table><caption style='text-align:left'><b>{html.escape(caption)}</b></caption>"
        f"<tr>{head}</tr>{''.join(rows)}</table>"
    )


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        v = float(value)
        return "" if np.isnan(v) else f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    return str(value)


def _py(value: Any) -> Any:
    """A numpy scalar as the plain Python value (for a readable repr)."""
    return value.item() if isinstance(value, np.generic) else value


def _item_label(item: Any, title: Any, year: Any) -> str:
    yr = "" if year is None or (isinstance(year, float) and np.isnan(year)) else f" ({int(year)})"
    name = "" if title is None or pd.isna(title) else f"{title}{yr} "
    return f"{name}[{item}]"


class RecommendationExplorer:
    """Explore a fitted :class:`~embedkit.train.MatrixFactorization` in a notebook.

    Parameters
    ----------
    model : MatrixFactorization
        A fitted model (explicit or implicit).
    k : int
        Rows in each table.
    projector : bool
        Also show the item vectors in a Projector (PCA), coloured by first genre.
    max_items : int
        The projector shows the most-rated items only (rarely rated items have noisy
        vectors).
    """

    def __init__(
        self, model: Any, k: int = 10, projector: bool = True, max_items: int = 2000
    ) -> None:
        from ..interactions import _check_k

        if not hasattr(model, "items_") or not hasattr(model, "user_history"):
            raise TypeError(
                f"RecommendationExplorer needs a fitted MatrixFactorization, "
                f"not {type(model).__name__}"
            )
        self.model = model
        self.k = _check_k(k)
        self.max_items = _check_k(max_items)
        self.user: Any = None
        self.item: Any = None
        self.projector = self._make_projector() if projector else None
        self._build()
        self.show_user(model.user_index_.ids[0])
        self.show_item(model.item_index_.ids[int(np.argmax(model.popularity_))])

    # ----------------------------------------------------------------- layout
    def _item_options(self) -> dict[str, Any]:
        meta = self.model.item_metadata_
        ids = self.model.item_index_.ids
        order = np.argsort(-self.model.popularity_, kind="stable")
        titles = meta["title"].to_numpy() if meta is not None and "title" in meta else None
        years = meta["year"].to_numpy() if meta is not None and "year" in meta else None
        out = {}
        for r in order:
            title = None if titles is None else titles[r]
            year = None if years is None else years[r]
            out[_item_label(ids[r], title, year)] = ids[r]
        return out

    def _build(self) -> None:
        import ipywidgets as w

        self._syncing = False
        self._users = {str(u): u for u in self.model.user_index_.ids}
        self._items = self._item_options()
        rows = self.model.item_index_.rows(self._items.values())
        self._labels = dict(zip(rows.tolist(), self._items, strict=True))
        self.user_box = w.Combobox(
            options=list(self._users), placeholder="user id", description="user",
            ensure_option=True,
        )  # fmt: skip
        self.item_box = w.Combobox(
            options=list(self._items), placeholder="movie title", description="item",
            ensure_option=True, layout=w.Layout(width="420px"),
        )  # fmt: skip
        self.user_box.observe(self._on_user, names="value")
        self.item_box.observe(self._on_item, names="value")
        self.history_html = w.HTML(layout=w.Layout(margin="0 24px 0 0"))
        self.recs_html = w.HTML()
        self.similar_html = w.HTML()
        self.status = w.Label()
        parts = [
            w.HBox([self.user_box, self.status]),
            w.HBox([self.history_html, self.recs_html]),
            self.item_box,
            self.similar_html,
        ]
        if self.projector is not None:
            parts.append(self.projector)
        self.widget = w.VBox(parts)

    def _make_projector(self) -> Any:
        from .projector import Projector

        items = self.model.items_
        n = min(self.max_items, len(items))
        top = np.sort(np.argsort(-self.model.popularity_, kind="stable")[:n])
        names = items.labels  # one copy: the property copies on each access
        sub = items[[names[i] for i in top]]
        meta = sub.metadata.copy() if sub.metadata is not None else pd.DataFrame(index=range(n))
        if "genres" in meta:
            meta["genre"] = meta["genres"].astype(str).str.split("|").str[0]
        from ..vectors import Embeddings

        sub = Embeddings(sub.labels, sub.vectors, metadata=meta)
        return Projector(sub, method="pca", color="genre" if "genre" in meta else None)

    # ----------------------------------------------------------------- actions
    def _on_user(self, change: dict[str, Any]) -> None:
        if change["new"] in self._users and not self._syncing:
            self.show_user(self._users[change["new"]])

    def _on_item(self, change: dict[str, Any]) -> None:
        if change["new"] in self._items and not self._syncing:
            self.show_item(self._items[change["new"]])

    def _set_box(self, box: Any, value: str) -> None:
        self._syncing = True
        try:
            box.value = value
        finally:
            self._syncing = False

    def show_user(self, user: Any) -> RecommendationExplorer:
        """Show ``user``'s top-rated items and recommendations (KeyError if unknown)."""
        history = self.model.user_history(user, k=self.k)
        recs = self.model.recommend(user, k=self.k)
        self.user = _py(self.model.user_index_.ids[self.model.user_index_.lookup(user)])
        cols = ["title", "year", "genres"]
        self.history_html.value = _table(history, ["rating", *cols], f"user {user}: top rated")
        score = "score" if "score" in recs.columns else "popularity"
        self.recs_html.value = _table(recs, [score, *cols], f"recommended ({recs.attrs['reason']})")
        n = int(self.model.seen_[self.model.user_index_.lookup(user)].nnz)
        self.status.value = f"{n} ratings in training"
        self._set_box(self.user_box, str(user))
        return self

    def show_item(self, item: Any) -> RecommendationExplorer:
        """Show the items most similar to ``item`` (KeyError if unknown)."""
        near = self.model.similar_items(item, k=self.k)
        row = self.model.item_index_.lookup(item)
        self.item = _py(self.model.item_index_.ids[row])
        label = self._labels[row]
        cols = ["score", "title", "year", "genres", "n_ratings"]
        self.similar_html.value = _table(near, cols, f"items like {label}")
        self._set_box(self.item_box, label)
        key = self.model.item_index_.keys[row]
        if self.projector is not None and key in self.projector.emb:
            self.projector.focus(key)
        return self

    # ----------------------------------------------------------------- display
    def __repr__(self) -> str:
        m = self.model
        return (
            f"RecommendationExplorer({m.kind} {type(m).__name__}, {len(m.user_index_):,} users, "
            f"{len(m.item_index_):,} items, user={self.user!r}, item={self.item!r})"
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        return data
