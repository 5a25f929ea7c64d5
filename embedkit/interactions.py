"""User-item interactions: input checks, integer encoding, and the shared recommender base.

Every recommender in embedkit (matrix factorisation, the baselines in
:mod:`embedkit.recommend`) learns from a ratings DataFrame through :func:`check_ratings`
and answers ``recommend`` / ``top_k`` through :class:`RecommenderBase`, so bad input gives
the same clear errors everywhere and every model is evaluated the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import search
from .errors import EmbedkitWarning, check_fitted, warn

COLD_START = "cold start: no ratings for this user, so the most popular items"
PERSONAL = "personalised"


def _column(df: pd.DataFrame, name: str, role: str) -> pd.Series:
    if name not in df.columns:
        raise KeyError(
            f"{role} column {name!r} is not in the ratings; columns are {list(df.columns)} "
            f"(pass {role}=<column name>)"
        )
    return df[name]


def _check_ids(values: pd.Series, name: str) -> None:
    missing = values.isna().to_numpy()
    if missing.any():
        rows = values.index[missing][:5].tolist()
        raise ValueError(f"{int(missing.sum())} missing ids in column {name!r} (rows {rows})")
    if pd.api.types.is_numeric_dtype(values):
        neg = (values < 0).to_numpy()
        if neg.any():
            rows = values.index[neg][:5].tolist()
            raise ValueError(
                f"{int(neg.sum())} negative ids in column {name!r} (rows {rows}, "
                f"e.g. {values[neg].iloc[0]!r}); ids must be >= 0 or strings"
            )
        if pd.api.types.is_float_dtype(values) and not (values == values.round()).all():
            raise ValueError(f"column {name!r} holds non-integer numeric ids")


def check_ratings(
    ratings: Any,
    user: str = "user",
    item: str = "item",
    rating: str | None = "rating",
    timestamp: str | None = "timestamp",
) -> pd.DataFrame:
    """A clean copy of ``ratings`` with columns user, item, rating[, timestamp].

    Raises a clear error for a non-DataFrame, an empty frame, a missing column (listing
    the columns), missing or negative ids and NaN or infinite ratings. Duplicate
    (user, item) pairs are averaged (latest timestamp kept) with a warning. ``rating=None``
    treats every row as a positive interaction with rating 1.

    >>> df = pd.DataFrame({"u": [1, 1, 2], "i": [10, 11, 10], "r": [4.0, 3.0, 5.0]})
    >>> check_ratings(df, user="u", item="i", rating="r").columns.tolist()
    ['user', 'item', 'rating']
    """
    if not isinstance(ratings, pd.DataFrame):
        raise TypeError(f"ratings must be a pandas DataFrame, not {type(ratings).__name__}")
    if len(ratings) == 0:
        raise ValueError("ratings is empty: nothing to learn from")
    out = pd.DataFrame({"user": _column(ratings, user, "user")})
    out["item"] = _column(ratings, item, "item")
    _check_ids(out["user"], user)
    _check_ids(out["item"], item)
    for col in ("user", "item"):
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].astype("int64")
    if rating is None:
        out["rating"] = 1.0
    else:
        values = pd.to_numeric(_column(ratings, rating, "rating"), errors="coerce")
        bad = ~np.isfinite(values.to_numpy(dtype=np.float64, na_value=np.nan))
        if bad.any():
            rows = ratings.index[bad][:5].tolist()
            raise ValueError(
                f"{int(bad.sum())} NaN, infinite or non-numeric ratings in column {rating!r} "
                f"(rows {rows}); drop or fill them first"
            )
        out["rating"] = values.astype("float64")
    if timestamp is not None and timestamp in ratings.columns:
        out["timestamp"] = ratings[timestamp]
    return _aggregate_duplicates(out, user, item)


def _aggregate_duplicates(out: pd.DataFrame, user: str, item: str) -> pd.DataFrame:
    dup = out.duplicated(["user", "item"], keep=False)
    if not dup.any():
        return out.reset_index(drop=True)
    n_pairs = int(out[dup].drop_duplicates(["user", "item"]).shape[0])
    warn(
        f"{n_pairs} duplicate ({user}, {item}) pairs ({int(dup.sum())} rows): their ratings "
        "were averaged, keeping the latest timestamp",
        EmbedkitWarning,
    )
    agg: dict[str, str] = {"rating": "mean"}
    if "timestamp" in out.columns:
        agg["timestamp"] = "max"
    return out.groupby(["user", "item"], sort=False, as_index=False).agg(agg)


def _key(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        value = int(value)
    return str(value)


def _same_kind(values: Any, ids: pd.Index) -> bool:
    """Both integer or both strings: then ``str(id)`` matching equals matching the values."""
    dtype = values.dtype
    if dtype.kind in "iu" and ids.dtype.kind in "iu":
        return True
    strings = pd.api.types.is_string_dtype
    return bool(strings(dtype) and strings(ids.dtype) and "O" not in (dtype.kind, ids.dtype.kind))


class Index:
    """Original ids <-> rows, looked up by ``str(id)`` so that 260 and "260" both work."""

    def __init__(self, ids: Iterable[Any], kind: str) -> None:
        self.ids = pd.Index(pd.unique(pd.Series(list(ids))))
        self.keys = [_key(v) for v in self.ids]
        self.row = {k: i for i, k in enumerate(self.keys)}
        self.kind = kind

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, value: Any) -> bool:
        return _key(value) in self.row

    def rows(self, values: Iterable[Any]) -> np.ndarray:
        """Rows of ``values``; -1 where unknown."""
        if isinstance(values, (pd.Series, pd.Index, np.ndarray)) and _same_kind(values, self.ids):
            return np.asarray(self.ids.get_indexer(pd.Index(values)), dtype=np.int64)
        get = self.row.get
        return np.fromiter((get(_key(v), -1) for v in values), dtype=np.int64)

    def lookup(self, value: Any, titles: dict[str, str] | None = None) -> int:
        """The row of one id; unknown -> KeyError naming it, with close ids or titles."""
        key = _key(value)
        if key in self.row:
            return self.row[key]
        raise KeyError(self.unknown_message(value, titles))

    def unknown_message(self, value: Any, titles: dict[str, str] | None = None) -> str:
        key = _key(value)
        hints = difflib.get_close_matches(key, self.keys, n=3, cutoff=0.6)
        if titles and isinstance(value, str):
            low = value.lower()
            found = [f"{k} ({t})" for k, t in titles.items() if low in t.lower()][:5]
            hints = found or hints
        hint = f"; did you mean {', '.join(hints)}?" if hints else ""
        return f"unknown {self.kind} {value!r}: not in the training ratings{hint}"


class RecommenderBase:
    """What every recommender shares: encoding, seen items, popularity, ``recommend``.

    Subclasses set the state with :meth:`_encode` and implement :meth:`_scores`
    (rows of users -> a score for every item).
    """

    user_col = "user"
    item_col = "item"
    rating_col: str | None = "rating"
    explicit = True

    def _encode(
        self,
        ratings: Any,
        user: str,
        item: str,
        rating: str | None,
        users: Sequence[Any] | None = None,
    ) -> pd.DataFrame:
        df = check_ratings(ratings, user, item, rating)
        self.user_col, self.item_col, self.rating_col = user, item, rating
        self.user_index_ = Index(df["user"], "user")
        self.item_index_ = Index(df["item"], "item")
        self.extra_users_ = {_key(u) for u in (users or ()) if u not in self.user_index_}
        u = self.user_index_.rows(df["user"])
        i = self.item_index_.rows(df["item"])
        self._u, self._i = u, i
        self._r = df["rating"].to_numpy(dtype=np.float32)
        from scipy import sparse

        n_u, n_i = len(self.user_index_), len(self.item_index_)
        self.seen_ = sparse.csr_matrix(
            (np.ones(len(u), dtype=np.float32), (u, i)), shape=(n_u, n_i)
        )
        self.popularity_ = np.bincount(i, minlength=n_i).astype(np.float64)
        self.global_mean_ = float(self._r.mean())
        return df

    # ------------------------------------------------------------------ to override
    def _scores(self, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _dot_factors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """``(U, V, b, offset)`` when the scores are ``U[u] . V[i] + b[i] + offset[u]``.

        A model that says so gets :meth:`top_k` from embedkit's threaded blocked search
        (no users x items score matrix); others score through :meth:`_scores`.
        """
        return None

    def _top_k_by_search(
        self,
        factors: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        rows: np.ndarray,
        k: int,
        exclude_seen: bool,
        rare: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        U, V, b, offset = factors
        queries = np.hstack([U[rows], np.ones((len(rows), 1), np.float32)]).astype(np.float32)
        bias = np.where(rare, -np.inf, b).astype(np.float32)  # rare items never win

        def items(r0: int, r1: int) -> np.ndarray:
            return np.hstack([V[r0:r1], bias[r0:r1, None]]).astype(np.float32, copy=False)

        exclude: list[Any] | None = None
        if exclude_seen:
            seen = self.seen_[rows]
            exclude = np.split(seen.indices, seen.indptr[1:-1])
        scorer = search.MatmulScorer(queries, items)
        idx, val = search.blocked_topk(len(V), len(rows), k, scorer, exclude=exclude)
        val64 = val.astype(np.float64) + offset[rows, None]
        idx[~np.isfinite(val)] = -1
        return idx, np.where(np.isfinite(val64), val64, np.nan)

    def _check_fitted(self, attribute: str = "user_index_") -> Any:
        """The learned ``attribute``, or :class:`~embedkit.errors.NotFittedError`."""
        return check_fitted(self, attribute)

    # ------------------------------------------------------------------ queries
    def top_k(
        self,
        users: Sequence[Any],
        k: int = 10,
        exclude_seen: bool = True,
        min_ratings: int = 1,
        batch: int = 1024,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Top-``k`` item rows and scores for many users at once.

        Items with fewer than ``min_ratings`` training ratings are left out.

        Returns ``(item_rows, scores, cold)``: ``item_rows`` (n, k) int64 rows of
        ``item_index_`` (-1 past the catalogue), ``scores`` (n, k) and ``cold`` (n,)
        True where the user has no training ratings and got the popular items.
        """
        self._check_fitted()
        k = _check_k(k)
        rows = self.user_index_.rows(users)
        n_items = len(self.item_index_)
        out_i = np.full((len(rows), k), -1, dtype=np.int64)
        out_s = np.full((len(rows), k), np.nan, dtype=np.float64)
        cold = rows < 0
        rare = self.popularity_ < min_ratings
        pop_rank = np.argsort(-self.popularity_, kind="stable")[:k]
        out_i[cold, : len(pop_rank)] = pop_rank
        out_s[cold, : len(pop_rank)] = self.popularity_[pop_rank]
        warm = np.flatnonzero(~cold)
        factors = self._dot_factors()
        if factors is not None and len(warm):
            idx, val = self._top_k_by_search(factors, rows[warm], k, exclude_seen, rare)
            out_i[warm, : idx.shape[1]], out_s[warm, : idx.shape[1]] = idx, val
            return out_i, out_s, cold
        for start in range(0, len(warm), batch):
            sel = warm[start : start + batch]
            scores = np.asarray(self._scores(rows[sel]), dtype=np.float32)
            if exclude_seen:
                seen = self.seen_[rows[sel]].tocoo()
                scores[seen.row, seen.col] = -np.inf
            if rare.any():
                scores[:, rare] = -np.inf
            kk = min(k, n_items)
            part = np.argpartition(scores, n_items - kk, axis=1)[:, n_items - kk :]
            part_s = np.take_along_axis(scores, part, axis=1).astype(np.float64)
            order = np.argsort(-part_s, axis=1, kind="stable")
            idx = np.take_along_axis(part, order, axis=1)
            val = np.take_along_axis(part_s, order, axis=1)
            idx[~np.isfinite(val)] = -1
            out_i[sel, :kk], out_s[sel, :kk] = idx, np.where(np.isfinite(val), val, np.nan)
        return out_i, out_s, cold

    def recommend(
        self, user: Any, k: int = 10, exclude_seen: bool = True, min_ratings: int = 1
    ) -> pd.DataFrame:
        """The ``k`` best items for ``user`` (rank 1..k): item, score and item metadata.

        ``min_ratings`` leaves out items with fewer training ratings (predicted ratings
        favour obscure items whose few ratings were all high).

        A user passed in ``fit(..., users=...)`` without ratings (cold start), or
        ``user=None``, gets the most popular items; ``result.attrs["reason"]`` says
        which. An unknown user raises ``KeyError`` naming it.
        """
        self._check_fitted()
        cold_ok = user is None or _key(user) in getattr(self, "extra_users_", set())
        if not cold_ok:
            self.user_index_.lookup(user)
        query = ["\0cold"] if user is None else [user]
        rows, scores, cold = self.top_k(query, k, exclude_seen, min_ratings)
        keep = rows[0] >= 0
        out = self._item_frame(rows[0][keep])
        score_name = "popularity" if cold[0] else "score"
        out.insert(1, score_name, scores[0][keep])
        out.index = pd.RangeIndex(1, len(out) + 1, name="rank")
        out.attrs["reason"] = COLD_START if cold[0] else PERSONAL
        out.attrs["user"] = user
        return out

    def _item_frame(self, rows: np.ndarray) -> pd.DataFrame:
        out = pd.DataFrame({"item": self.item_index_.ids[rows]})
        meta = getattr(self, "item_metadata_", None)
        if meta is not None:
            for col in meta.columns:
                out[col] = meta[col].to_numpy()[rows]
        out["n_ratings"] = self.popularity_[rows].astype(np.int64)
        return out

    def popular(self, k: int = 10) -> pd.DataFrame:
        """The ``k`` items with the most training ratings (what a cold-start user gets)."""
        return self.recommend(None, k=k)


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    return int(k)


def item_metadata(items: Any, ids: pd.Index, item_col: str) -> pd.DataFrame | None:
    """Item metadata aligned with ``ids`` (rows of an items table; missing ones empty)."""
    if items is None:
        return None
    if not isinstance(items, pd.DataFrame):
        raise TypeError(f"items must be a pandas DataFrame, not {type(items).__name__}")
    col = item_col if item_col in items.columns else "item"
    if col not in items.columns:
        raise KeyError(
            f"items has no {item_col!r} column to join on; columns are {list(items.columns)}"
        )
    table = items.drop_duplicates(col).set_index(col)
    table.index = [_key(v) for v in table.index]
    return table.reindex([_key(v) for v in ids]).reset_index(drop=True)
