"""Evaluate recommenders: train/test splits, RMSE, ranking metrics and the baselines.

Every number says what it was measured on: results carry the split (``"random 80/20,
seed 0"``) and, for rankings, ``k``. The baselines are what any model must beat:
the global mean and user + item biases for rating prediction, popularity for ranking.
The same functions are available as :mod:`embedkit.evaluate` ``.split``, ``.rmse``...

Examples
--------
>>> import pandas as pd
>>> ratings = pd.DataFrame({"user": [1, 1, 1, 2, 2, 3, 3, 3], "item": [1, 2, 3, 1, 3, 2, 3, 4],
...                         "rating": [5.0, 3.0, 4.0, 4.0, 2.0, 3.0, 4.0, 5.0]})
>>> train, test = split(ratings, test=0.25, seed=0)
>>> len(train), len(test), test.attrs["split"]
(6, 2, 'random 75/25, seed 0')
>>> rmse(GlobalMean().fit(train), test).split
'random 75/25, seed 0'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .interactions import RecommenderBase, _check_k, check_ratings

__all__ = [
    "Biases",
    "GlobalMean",
    "ImplicitLibrary",
    "Popularity",
    "RankingResult",
    "RmseResult",
    "Split",
    "baselines",
    "compare_recommenders",
    "ranking",
    "rmse",
    "split",
]


# ----------------------------------------------------------------------------- split
@dataclass(frozen=True)
class Split:
    """A train/test split; unpacks as ``train, test = split(...)``."""

    train: pd.DataFrame
    test: pd.DataFrame
    description: str

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.train
        yield self.test

    def __repr__(self) -> str:
        return f"Split({self.description}: {len(self.train):,} train, {len(self.test):,} test)"


def split(
    ratings: pd.DataFrame,
    by: str = "random",
    test: float = 0.2,
    seed: int = 0,
    timestamp: str = "timestamp",
) -> Split:
    """Split ratings into train and test rows.

    ``by="random"``: a seeded random ``test`` fraction of the rows. ``by="time"``: the
    latest ``test`` fraction of the rows by ``timestamp`` (a global cut: the model is
    tested on what came after everything it saw). Both frames keep the original
    columns; ``attrs["split"]`` describes the split.
    """
    if not isinstance(ratings, pd.DataFrame):
        raise TypeError(f"ratings must be a pandas DataFrame, not {type(ratings).__name__}")
    if len(ratings) < 2:
        raise ValueError(f"need at least 2 ratings to split, got {len(ratings)}")
    if isinstance(test, bool) or not 0 < test < 1:
        raise ValueError(f"test must be a fraction between 0 and 1, got {test!r}")
    n_test = max(1, min(len(ratings) - 1, round(len(ratings) * test)))
    pct = round(100 * n_test / len(ratings))
    if by == "random":
        order = np.random.default_rng(seed).permutation(len(ratings))
        text = f"random {100 - pct}/{pct}, seed {seed}"
    elif by == "time":
        if timestamp not in ratings.columns:
            raise KeyError(
                f"by='time' needs a {timestamp!r} column; columns are {list(ratings.columns)}"
            )
        if ratings[timestamp].isna().any():
            raise ValueError(f"column {timestamp!r} has missing times; use by='random'")
        order = np.argsort(ratings[timestamp].to_numpy(), kind="stable")
        text = f"time {100 - pct}/{pct} (latest ratings as test)"
    else:
        raise ValueError(f"by must be 'random' or 'time', not {by!r}")
    cut = len(ratings) - n_test
    train = ratings.iloc[np.sort(order[:cut])].copy()
    test_df = ratings.iloc[np.sort(order[cut:])].copy()
    for frame in (train, test_df):
        frame.attrs["split"] = text
    return Split(train, test_df, text)


def _split_of(test: pd.DataFrame) -> str:
    return str(test.attrs.get("split", "unnamed split"))


# ----------------------------------------------------------------------------- metrics
@dataclass(frozen=True)
class RmseResult:
    """Root mean squared error of predicted ratings on a test split."""

    rmse: float
    split: str
    n: int
    unknown: int  # test ratings whose user or item the model never saw

    def __float__(self) -> float:
        return self.rmse

    def __repr__(self) -> str:
        return (
            f"RMSE {self.rmse:.4f} on {self.n:,} test ratings ({self.split}; "
            f"{self.unknown:,} with an unseen user or item)"
        )


def _test_frame(model: Any, test: pd.DataFrame, need_rating: bool) -> pd.DataFrame:
    if not isinstance(model, RecommenderBase):
        raise TypeError(f"need a fitted embedkit recommender, not {type(model).__name__}")
    model._check_fitted()
    rating = model.rating_col if need_rating else None
    return check_ratings(test, model.user_col, model.item_col, rating, timestamp=None)


def rmse(model: Any, test: pd.DataFrame) -> RmseResult:
    """RMSE of ``model.predict`` on the ``test`` ratings (same column names as in fit)."""
    if not getattr(model, "explicit", False):
        raise ValueError(f"{type(model).__name__} does not predict ratings; use ranking()")
    df = _test_frame(model, test, need_rating=True)
    pred = model.predict(df["user"], df["item"])
    err = float(np.sqrt(np.mean((pred - df["rating"].to_numpy()) ** 2)))
    unknown = (model.user_index_.rows(df["user"]) < 0) | (model.item_index_.rows(df["item"]) < 0)
    return RmseResult(err, _split_of(test), len(df), int(unknown.sum()))


@dataclass(frozen=True)
class RankingResult:
    """Top-k ranking quality on a test split (binary relevance: the user's test items)."""

    k: int
    precision: float
    recall: float
    ndcg: float
    coverage: float  # share of the catalogue recommended to anyone
    users: int
    cold_users: int
    split: str

    def as_row(self) -> dict[str, Any]:
        """``precision@k``, ``recall@k``, ``ndcg@k``, ``coverage@k`` and the split."""
        k = self.k
        return {
            f"precision@{k}": self.precision,
            f"recall@{k}": self.recall,
            f"ndcg@{k}": self.ndcg,
            f"coverage@{k}": self.coverage,
            "users": self.users,
            "split": self.split,
        }

    def __repr__(self) -> str:
        k = self.k
        return (
            f"RankingResult(precision@{k}={self.precision:.4f}, recall@{k}={self.recall:.4f}, "
            f"ndcg@{k}={self.ndcg:.4f}, coverage@{k}={self.coverage:.1%}, "
            f"users={self.users:,} ({self.cold_users} cold), split={self.split!r})"
        )


def ranking(
    model: Any, test: pd.DataFrame, k: int = 10, min_rating: float | None = None
) -> RankingResult:
    """Precision, recall and nDCG at ``k`` and catalogue coverage of ``model``'s top-k lists.

    Each test user's relevant items are their test items (with ``rating >= min_rating``
    when given); items seen in training are excluded from the lists. Users with no
    training ratings get the popular items and are counted in ``cold_users``.
    """
    k = _check_k(k)
    df = _test_frame(model, test, need_rating=min_rating is not None)
    if min_rating is not None:
        df = df[df["rating"] >= min_rating]
        if df.empty:
            raise ValueError(f"no test ratings >= min_rating={min_rating}")
    truth = df.groupby("user", sort=False)["item"].agg(list)
    rows, _, cold = model.top_k(list(truth.index), k, exclude_seen=True)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    prec, rec, ndcg = [], [], []
    for top, relevant in zip(rows, truth.to_numpy(), strict=True):
        rel = set(model.item_index_.rows(relevant).tolist()) - {-1}
        n_rel = len(set(map(str, relevant)))
        hit = np.array([r in rel for r in top], dtype=bool)
        prec.append(hit.sum() / k)
        rec.append(hit.sum() / n_rel)
        ideal = discounts[: min(n_rel, k)].sum()
        ndcg.append(float((discounts * hit).sum() / ideal))
    shown = np.unique(rows[rows >= 0])
    return RankingResult(
        k=k,
        precision=float(np.mean(prec)),
        recall=float(np.mean(rec)),
        ndcg=float(np.mean(ndcg)),
        coverage=len(shown) / len(model.item_index_),
        users=len(truth),
        cold_users=int(cold.sum()),
        split=_split_of(test),
    )


# ----------------------------------------------------------------------------- baselines
class _Baseline(RecommenderBase):
    def fit(
        self,
        ratings: pd.DataFrame,
        user: str = "user",
        item: str = "item",
        rating: str | None = "rating",
    ) -> Any:
        """Learn from ``ratings``; returns ``self``."""
        self._encode(ratings, user, item, rating)
        self._fit()
        return self

    def _fit(self) -> None:
        pass

    def predict(self, users: Sequence[Any], items: Sequence[Any]) -> np.ndarray:
        """Predicted ratings for user-item pairs."""
        self._check_fitted()
        u = self.user_index_.rows(list(users))
        i = self.item_index_.rows(list(items))
        return self._predict_rows(u, i)

    def _predict_rows(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        return np.full(len(u), self.global_mean_)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class GlobalMean(_Baseline):
    """Predicts the mean training rating for everything (ranks items by popularity)."""

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.popularity_, (len(rows), len(self.popularity_))).copy()


class Popularity(_Baseline):
    """Recommends the items with the most training ratings to everyone."""

    explicit = False

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.popularity_, (len(rows), len(self.popularity_))).copy()


class Biases(_Baseline):
    """Global mean + regularised user and item biases (Koren 2010's baseline predictor).

    ``b_i = sum(r - mu) / (reg_item + n_i)``, then ``b_u = sum(r - mu - b_i) / (reg_user +
    n_u)``, alternated ``iterations`` times.
    """

    def __init__(self, reg_item: float = 10.0, reg_user: float = 15.0, iterations: int = 5):
        self.reg_item = reg_item
        self.reg_user = reg_user
        self.iterations = iterations

    def _fit(self) -> None:
        n_u, n_i = len(self.user_index_), len(self.item_index_)
        resid = self._r.astype(np.float64) - self.global_mean_
        bu, bi = np.zeros(n_u), np.zeros(n_i)
        cnt_u = np.bincount(self._u, minlength=n_u)
        cnt_i = np.bincount(self._i, minlength=n_i)
        for _ in range(int(self.iterations)):
            bi = np.bincount(self._i, resid - bu[self._u], n_i) / (self.reg_item + cnt_i)
            bu = np.bincount(self._u, resid - bi[self._i], n_u) / (self.reg_user + cnt_u)
        self.user_bias_, self.item_bias_ = bu, bi

    def _predict_rows(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        out = np.full(len(u), self.global_mean_)
        out[u >= 0] += self.user_bias_[u[u >= 0]]
        out[i >= 0] += self.item_bias_[i[i >= 0]]
        return out

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return self.global_mean_ + self.user_bias_[rows, None] + self.item_bias_[None, :]

    def __repr__(self) -> str:
        return f"Biases(reg_item={self.reg_item}, reg_user={self.reg_user})"


class ImplicitLibrary(_Baseline):
    """The ``implicit`` library's ALS or BPR (the peer), evaluated exactly like our models.

    Every training rating is a positive interaction (confidence 1). ``params`` go to
    ``implicit.cpu.als.AlternatingLeastSquares`` or ``implicit.cpu.bpr.
    BayesianPersonalizedRanking``; ``num_threads`` defaults to 1 (repeatable).
    """

    explicit = False

    def __init__(self, model: str = "als", **params: Any) -> None:
        if model not in ("als", "bpr"):
            raise ValueError(f"model must be 'als' or 'bpr', not {model!r}")
        self.model = model
        self.params = {"num_threads": 1, "random_state": 0, **params}

    def _fit(self) -> None:
        from ._deps import require

        require("implicit", "test")
        from implicit.cpu.als import AlternatingLeastSquares
        from implicit.cpu.bpr import BayesianPersonalizedRanking
        from threadpoolctl import threadpool_limits

        cls = AlternatingLeastSquares if self.model == "als" else BayesianPersonalizedRanking
        with threadpool_limits(1, "blas"):  # implicit's advice: BLAS threads fight its own
            self.model_ = cls(**self.params)
            self.model_.fit(self.seen_.tocsr(), show_progress=False)
        self._U = np.asarray(self.model_.user_factors)
        self._V = np.asarray(self.model_.item_factors)

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return self._U[rows] @ self._V.T

    def __repr__(self) -> str:
        return f"ImplicitLibrary({self.model!r}, {self.params})"


# ----------------------------------------------------------------------------- tables
def compare_recommenders(
    models: Mapping[str, Any], test: pd.DataFrame, k: int = 10
) -> pd.DataFrame:
    """One row per fitted model: RMSE (where it predicts ratings) and ranking at ``k``.

    Columns ``rmse``, ``precision@k``, ``recall@k``, ``ndcg@k``, ``coverage@k``,
    ``users`` and ``split``; ``attrs`` repeat the split and ``k``.
    """
    rows = []
    for name, model in models.items():
        row: dict[str, Any] = {"model": name}
        row["rmse"] = rmse(model, test).rmse if getattr(model, "explicit", False) else np.nan
        row.update(ranking(model, test, k).as_row())
        rows.append(row)
    out = pd.DataFrame(rows).set_index("model")
    out.attrs.update({"split": _split_of(test), "k": k})
    return out


def baselines(
    train: pd.DataFrame,
    test: pd.DataFrame,
    k: int = 10,
    user: str = "user",
    item: str = "item",
    rating: str = "rating",
) -> pd.DataFrame:
    """:func:`compare_recommenders` for the baselines: global mean, biases, popularity."""
    models = {
        "global mean": GlobalMean().fit(train, user, item, rating),
        "user+item biases": Biases().fit(train, user, item, rating),
        "popularity": Popularity().fit(train, user, item, rating),
    }
    return compare_recommenders(models, test, k)
