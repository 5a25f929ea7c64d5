"""User and item embeddings for recommendations: matrix factorisation (torch) and item2vec.

:class:`MatrixFactorization` learns a vector per user and per item from ratings:
``kind="explicit"`` predicts a rating as global mean + user bias + item bias + dot
product (squared error, Koren, Bell and Volinsky 2009); ``kind="implicit"`` ranks the
items a user interacted with above sampled other items (BPR, Rendle et al. 2009).
:class:`Item2Vec` trains Word2Vec on each user's time-ordered items (Barkan and
Koenigstein 2016). All report per-epoch events like every embedkit trainer.

Examples
--------
>>> import pandas as pd
>>> ratings = pd.DataFrame({"user": [1, 1, 2, 2, 3, 3], "item": [10, 11, 10, 12, 11, 12],
...                         "rating": [5.0, 3.0, 4.0, 2.0, 4.0, 1.0]})
>>> mf = MatrixFactorization(factors=4, epochs=3, seed=0).fit(ratings)
>>> mf.items_
Embeddings(3 labels × 4 dims)
>>> mf.history_.columns.tolist()
['epoch', 'loss', 'ratings_per_sec', 'elapsed', 'train_rmse', 'mean_cosine']
>>> mf.recommend(1, k=1).attrs["reason"]
'personalised'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..interactions import Index, RecommenderBase, _check_k, check_ratings, item_metadata
from ..vectors import Embeddings
from .base import EpochResult, Trainer
from .params import check_positive_int
from .words import Word2Vec

__all__ = ["Item2Vec", "MatrixFactorization"]

_VAL_USERS = 2000  # users scored per epoch for the implicit validation metric


def _torch() -> Any:
    from .._deps import require

    return require("torch", "recommend")


class MatrixFactorization(RecommenderBase, Trainer):
    """Biased matrix factorisation (explicit ratings) or BPR (implicit feedback), in torch.

    Parameters
    ----------
    kind : {"explicit", "implicit"}
        ``"explicit"``: predict ratings (mean + biases + dot product, MSE loss).
        ``"implicit"``: every rating is a positive interaction; BPR loss against
        ``negatives`` uniformly sampled items per positive (items the user rated are
        re-drawn), trained by a compiled per-sample SGD loop (numba).
    factors : int
        Dimension of the user and item vectors.
    epochs, batch_size : passes over the ratings, and ratings per Adam step (explicit).
    learning_rate : float, optional
        Initial learning rate, decaying linearly to a tenth of it over the run; default
        0.01 (explicit, Adam) or 0.1 (implicit, SGD).
    reg : float, optional
        L2 penalty on the vectors and biases of each update; default 0.1 (explicit) or
        0.01 (implicit). Both defaults were tuned on MovieLens ml-latest-small.
    negatives : int
        Sampled negatives per positive (implicit only).
    seed : int
        Seeds initialisation, shuffling and negative sampling (repeatable runs).
    workers : int or None
        torch threads while training (restored afterwards). One (the default) is fastest
        for these small tables, and much faster than two on a busy machine; None keeps
        torch's.
    track : bool, int or list, optional
        Record a timeline of these items' vectors after every epoch in ``timeline_``
        (``True``: the 2,000 most rated items, an int: that many, or a list of item
        ids), with their metadata (title, genres) and ``settling`` in
        ``history_`` (see :mod:`embedkit.train.tracking`).
    observers : list, optional
        Receivers of the per-epoch events (dashboard, tqdm, list).

    Attributes
    ----------
    users_, items_ : Embeddings
        A vector per user and per item; ``items_`` carries the items' metadata (title,
        genres...) and ``n_ratings``. ``embeddings_`` is ``items_`` (for the dashboard).
    history_ : DataFrame
        Per epoch: loss, ratings_per_sec, elapsed, and ``val_rmse`` (explicit) or
        ``val_precision@10`` (implicit) on ``validation`` (``train_`` on the training
        ratings when no validation frame is given).
    global_mean_, user_bias_, item_bias_ : the learned offsets (explicit; item bias for BPR)
    """

    param_choices: ClassVar[dict[str, tuple[str, ...]]] = {"kind": ("explicit", "implicit")}
    unit = "ratings/s"
    uses_torch = True

    def __init__(
        self,
        kind: str = "explicit",
        factors: int = 64,
        epochs: int = 10,
        learning_rate: float | None = None,
        reg: float | None = None,
        batch_size: int = 1024,
        negatives: int = 4,
        seed: int = 1,
        workers: int | None = 1,
        track: Any = None,
        observers: Iterable[Any] = (),
    ) -> None:
        Trainer.__init__(self, observers)
        self.workers = workers
        self.track = track
        self.kind = kind
        self.factors = factors
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.reg = reg
        self.batch_size = batch_size
        self.negatives = negatives
        self.seed = seed

    @property
    def explicit(self) -> bool:  # type: ignore[override]
        return self.kind == "explicit"

    def _check_params(self) -> None:
        if self.kind not in ("explicit", "implicit"):
            raise ValueError(f"kind must be 'explicit' or 'implicit', not {self.kind!r}")
        for name in ("factors", "epochs", "batch_size", "negatives"):
            check_positive_int(self, name)
        lr, reg = self._lr(), self._reg()
        if not lr > 0 or not reg >= 0:
            raise ValueError(
                f"need learning_rate > 0 and reg >= 0, got learning_rate={lr}, reg={reg}"
            )

    def _lr(self) -> float:
        lr = self.learning_rate
        return float(lr if lr is not None else 0.01 if self.explicit else 0.1)

    def _reg(self) -> float:
        return float(self.reg if self.reg is not None else 0.1 if self.explicit else 0.01)

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        ratings: pd.DataFrame,
        user: str = "user",
        item: str = "item",
        rating: str | None = "rating",
        *,
        items: pd.DataFrame | None = None,
        validation: pd.DataFrame | None = None,
        users: Sequence[Any] | None = None,
    ) -> MatrixFactorization:
        """Learn from ``ratings`` (one row per user-item pair); returns ``self``.

        ``items``: a table with an ``item`` (or ``item=``) column whose other columns
        become the item metadata (title, genres...). ``validation``: ratings scored after
        every epoch (e.g. the test part of :func:`embedkit.evaluate.split`). ``users``:
        further user ids that have no ratings yet; they get the popular items (cold start)
        instead of a ``KeyError``.
        """
        self._check_params()
        if rating is None and self.explicit:
            raise ValueError("kind='explicit' needs a rating column; use kind='implicit'")
        torch = _torch()
        self._encode(ratings, user, item, rating, users)
        self.item_metadata_ = item_metadata(items, self.item_index_.ids, item)
        self._current_meta: pd.DataFrame | None = None
        val = self._validation_rows(validation)
        gen = torch.Generator().manual_seed(int(self.seed))
        self._init_params(torch, gen)
        self._run_epochs(self._epoch_step(torch, val), current=self._current, end=self._snapshot)
        return self

    def _init_params(self, torch: Any, gen: Any) -> None:
        n_u, n_i, d = len(self.user_index_), len(self.item_index_), int(self.factors)
        scale = 0.1 if self.explicit else 0.01
        self._P = torch.nn.Parameter(torch.randn(n_u, d, generator=gen) * scale)
        self._Q = torch.nn.Parameter(torch.randn(n_i, d, generator=gen) * scale)
        self._bu = torch.nn.Parameter(torch.zeros(n_u))
        self._bi = torch.nn.Parameter(torch.zeros(n_i))
        if self.explicit:  # BPR updates the tables itself (embedkit.train._bpr)
            params = [self._P, self._Q, self._bi, self._bu]
            self._opt = torch.optim.Adam(params, lr=self._lr())

    def _validation_rows(self, validation: Any) -> tuple[np.ndarray, ...] | None:
        if validation is None:
            return None
        df = check_ratings(validation, self.user_col, self.item_col, self.rating_col)
        u, i = self.user_index_.rows(df["user"]), self.item_index_.rows(df["item"])
        return u, i, df["rating"].to_numpy(dtype=np.float32)

    def _epoch_step(
        self, torch: Any, val: tuple[np.ndarray, ...] | None
    ) -> Callable[[int], EpochResult]:
        rng = np.random.default_rng(int(self.seed))
        u_all = torch.from_numpy(self._u)
        i_all = torch.from_numpy(self._i)
        r_all = torch.from_numpy(self._r)
        n, bs = len(self._u), int(self.batch_size)
        steps = int(self.epochs) * -(-n // bs)

        if not self.explicit:
            return self._bpr_step_fn(rng, val)

        def step(epoch: int) -> EpochResult:
            order = torch.from_numpy(rng.permutation(n))
            done = (epoch - 1) * -(-n // bs)
            total = 0.0
            for start in range(0, n, bs):
                idx = order[start : start + bs]
                # learning rate decays linearly to 10% of learning_rate over the planned run
                self._opt.param_groups[0]["lr"] = self._lr() * (1 - 0.9 * done / steps)
                done += 1
                loss = self._explicit_step(torch, u_all[idx], i_all[idx], r_all[idx])
                total += loss * len(idx)
            return EpochResult(loss=total / n, items=n, metrics=self._epoch_metric(val))

        return step

    def _current(self) -> Embeddings:
        """The item vectors as they are now (health figure, timeline), with their metadata."""
        if getattr(self, "_current_meta", None) is None:
            meta = pd.DataFrame({"n_ratings": self.popularity_.astype(np.int64)})
            if self.item_metadata_ is not None:
                meta = pd.concat([self.item_metadata_, meta], axis=1)
            self._current_meta = meta
        return Embeddings(self.item_index_.keys, self._Q.detach().numpy(), self._current_meta)

    def _explicit_step(self, torch: Any, u: Any, i: Any, r: Any) -> float:
        p, q, bu, bi = self._P[u], self._Q[i], self._bu[u], self._bi[i]
        pred = self.global_mean_ + bu + bi + (p * q).sum(1)
        mse = torch.mean((pred - r) ** 2)
        penalty = (p.pow(2).sum(1) + q.pow(2).sum(1) + bu.pow(2) + bi.pow(2)).mean()
        self._opt.zero_grad()
        (mse + self._reg() * penalty).backward()
        self._opt.step()
        return float(mse.detach())

    def _bpr_step_fn(
        self, rng: np.random.Generator, val: tuple[np.ndarray, ...] | None
    ) -> Callable[[int], EpochResult]:
        """One BPR epoch: every positive with ``negatives`` sampled items, per-sample SGD.

        The compiled loop (:mod:`embedkit.train._bpr`) updates the factor tables in place
        (numpy views of the torch parameters); the learning rate decays linearly to a
        tenth of ``learning_rate`` over the planned epochs.
        """
        from . import _bpr

        P, Q, b = (x.detach().numpy() for x in (self._P, self._Q, self._bi))
        n, m, n_items = len(self._u), int(self.negatives), len(self.item_index_)
        seen = _bpr.user_items(self._u, self._i, len(self.user_index_))
        u_all, i_all = self._u.astype(np.int64), self._i.astype(np.int64)

        def step(epoch: int) -> EpochResult:
            order = rng.permutation(n)
            users, items = np.repeat(u_all[order], m), np.repeat(i_all[order], m)
            negs = rng.integers(0, n_items, size=n * m)
            lr = self._lr() * (1 - 0.9 * (epoch - 1) / int(self.epochs))
            loss = _bpr.bpr_epoch(P, Q, b, (users, items, negs), seen, lr, self._reg())
            return EpochResult(loss=loss, items=n, metrics=self._epoch_metric(val))

        return step

    def _epoch_metric(self, val: tuple[np.ndarray, ...] | None) -> dict[str, float]:
        prefix = "train" if val is None else "val"
        u, i, r = (self._u, self._i, self._r) if val is None else val
        if self.explicit:
            return {f"{prefix}_rmse": _rmse(self._predict_rows(u, i), r)}
        return {f"{prefix}_precision@10": self._precision_at_10(u, i, train=val is None)}

    def _precision_at_10(self, u: np.ndarray, i: np.ndarray, train: bool) -> float:
        ok = (u >= 0) & (i >= 0)
        u, i = u[ok], i[ok]
        users = np.unique(u)[:_VAL_USERS]
        if users.size == 0:
            return float("nan")
        top, _ = self._top_k_by_search(
            self._dot_factors(), users, 10, not train, np.zeros(len(self.item_index_), bool)
        )
        n_items = len(self.item_index_)
        truth = np.unique(u.astype(np.int64) * n_items + i)  # (user, item) codes
        hits = np.isin(users[:, None] * n_items + top, truth) & (top >= 0)
        return float(hits.sum(axis=1).mean() / 10)

    # ------------------------------------------------------------------ results
    def _snapshot(self) -> None:
        P = self._P.detach().numpy().copy()
        Q = self._Q.detach().numpy().copy()
        self.user_bias_ = self._bu.detach().numpy().copy()
        self.item_bias_ = self._bi.detach().numpy().copy()
        meta = pd.DataFrame({"n_ratings": self.popularity_.astype(np.int64)})
        if self.item_metadata_ is not None:
            meta = pd.concat([self.item_metadata_, meta], axis=1)
        self.items_ = Embeddings(self.item_index_.keys, Q, metadata=meta)
        user_n = np.bincount(self._u, minlength=len(self.user_index_))
        self.users_ = Embeddings(
            self.user_index_.keys, P, metadata=pd.DataFrame({"n_ratings": user_n})
        )
        self.embeddings_ = self.items_

    def _save_state(self, folder: Path) -> None:
        """``state.npz`` (factors, biases, the seen user-item pairs) and ``ids.json``."""
        np.savez(
            folder / "state.npz", P=self._P.detach().numpy(), Q=self._Q.detach().numpy(),
            bu=self._bu.detach().numpy(), bi=self._bi.detach().numpy(), u=self._u, i=self._i,
            r=self._r, popularity=self.popularity_, global_mean=np.float64(self.global_mean_),
        )  # fmt: skip
        ids = {
            "users": self.user_index_.keys, "items": self.item_index_.keys,
            "extra_users": sorted(self.extra_users_), "columns": [
                self.user_col, self.item_col, self.rating_col],
        }  # fmt: skip
        (folder / "ids.json").write_text(json.dumps(ids), encoding="utf-8")

    def _load_state(self, folder: Path) -> None:
        from scipy import sparse

        torch = _torch()
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        with np.load(folder / "state.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        self.user_index_ = Index(ids["users"], "user")
        self.item_index_ = Index(ids["items"], "item")
        self.extra_users_ = set(ids["extra_users"])
        self.user_col, self.item_col, self.rating_col = ids["columns"]
        self._u, self._i, self._r = arrays["u"], arrays["i"], arrays["r"]
        shape = (len(self.user_index_), len(self.item_index_))
        ones = np.ones(len(self._u), dtype=np.float32)
        self.seen_ = sparse.csr_matrix((ones, (self._u, self._i)), shape=shape)
        self.popularity_ = arrays["popularity"]
        self.global_mean_ = float(arrays["global_mean"])
        self._P, self._Q = torch.from_numpy(arrays["P"]), torch.from_numpy(arrays["Q"])
        self._bu, self._bi = torch.from_numpy(arrays["bu"]), torch.from_numpy(arrays["bi"])
        meta = self.embeddings_.metadata
        self.item_metadata_ = None if meta is None else meta.drop(columns="n_ratings")
        self._snapshot()

    def _predict_rows(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        P, Q = self._P.detach().numpy(), self._Q.detach().numpy()
        ku, ki = u >= 0, i >= 0
        both = ku & ki
        out = np.full(len(u), self.global_mean_ if self.explicit else 0.0, dtype=np.float64)
        bu, bi = self._bu.detach().numpy(), self._bi.detach().numpy()
        out[ku] += bu[u[ku]]
        out[ki] += bi[i[ki]]
        out[both] += np.einsum("ij,ij->i", P[u[both]], Q[i[both]])
        return out

    def predict(self, users: Sequence[Any], items: Sequence[Any]) -> np.ndarray:
        """Predicted ratings (explicit) or scores (implicit) for user-item pairs.

        Unknown users or items fall back to the mean plus the known bias (explicit).
        """
        self._check_fitted()
        users, items = list(users), list(items)
        if len(users) != len(items):
            raise ValueError(f"{len(users)} users but {len(items)} items; need pairs")
        u, i = self.user_index_.rows(users), self.item_index_.rows(items)
        return self._predict_rows(u, i)

    def _dot_factors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        P, Q, b = (x.detach().numpy() for x in (self._P, self._Q, self._bi))
        if self.explicit:
            offset = self.global_mean_ + self._bu.detach().numpy().astype(np.float64)
        else:
            offset = np.zeros(len(P))
        return P, Q, b, offset

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        P, Q = self._P.detach().numpy(), self._Q.detach().numpy()
        out = P[rows] @ Q.T + self._bi.detach().numpy()[None, :]
        if self.explicit:
            out += self.global_mean_ + self._bu.detach().numpy()[rows, None]
        return out

    def _titles(self) -> dict[str, str] | None:
        meta = self.item_metadata_
        if meta is None or "title" not in meta.columns:
            return None
        titles = meta["title"].fillna("").astype(str)  # a few MovieLens titles are missing
        return dict(zip(self.item_index_.keys, titles, strict=True))

    def similar_items(self, item: Any, k: int = 10) -> pd.DataFrame:
        """The ``k`` items whose vectors are closest (cosine) to ``item``'s, with metadata.

        An unknown id raises ``KeyError`` naming it; a title (or part of one) is answered
        with the ids whose titles match.
        """
        self._check_fitted()
        k = _check_k(k)
        row = self.item_index_.lookup(item, self._titles())
        k = min(k, len(self.items_) - 1)
        near = self.items_.neighbours(self.item_index_.keys[row], k=k)
        out = self._item_frame(self.item_index_.rows(near["label"]))
        out.insert(1, "score", near["score"].to_numpy())
        out.index = pd.RangeIndex(1, len(out) + 1, name="rank")
        out.attrs["query"] = item
        return out

    def find_items(self, text: str) -> pd.DataFrame:
        """Items whose title contains ``text`` (case-insensitive), most rated first."""
        titles = self._titles()
        if titles is None:
            raise ValueError("no item titles: pass items=<table with a title column> to fit")
        low = str(text).lower()
        rows = np.array([r for r, t in enumerate(titles.values()) if low in t.lower()], int)
        rows = rows[np.argsort(-self.popularity_[rows], kind="stable")] if rows.size else rows
        return self._item_frame(rows)

    def user_history(self, user: Any, k: int = 10) -> pd.DataFrame:
        """The user's ``k`` highest-rated training items (ties: most popular first)."""
        self._check_fitted()
        row = self.user_index_.lookup(user)
        mine = np.flatnonzero(self._u == row)
        order = np.lexsort((-self.popularity_[self._i[mine]], -self._r[mine]))[: _check_k(k)]
        out = self._item_frame(self._i[mine][order])
        out.insert(1, "rating", self._r[mine][order])
        out.index = pd.RangeIndex(1, len(out) + 1, name="rank")
        return out

    def __repr__(self) -> str:
        return (
            f"MatrixFactorization(kind={self.kind!r}, factors={self.factors}, "
            f"epochs={self.epochs}, learning_rate={self.learning_rate}, reg={self.reg})"
        )


def _rmse(pred: np.ndarray, truth: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(pred, np.float64) - truth) ** 2)))


class Item2Vec(Word2Vec):
    """Item2vec: Word2Vec (skip-gram) over each user's items in time order, items as words.

    A :class:`embedkit.train.Word2Vec` (gensim) trained on item sequences, so its
    per-epoch events, ``history_``, ``save`` and ``load`` are Word2Vec's. ``min_rating``
    keeps only the items a user liked.

    Examples
    --------
    >>> import pandas as pd
    >>> ratings = pd.DataFrame({"user": [1, 1, 1, 2, 2, 2] * 5, "item": [1, 2, 3, 1, 2, 4] * 5,
    ...                         "timestamp": range(30)})
    >>> i2v = Item2Vec(vector_size=8, min_count=1, epochs=2).fit(ratings, rating=None)
    >>> sorted(i2v.items_.labels)
    ['1', '2', '3', '4']
    """

    warn_collapse = False  # a handful of items per user: no English-word health bound
    rows_are_words = False  # item ids: no English benchmark

    def __init__(
        self,
        vector_size: int = 64,
        window: int = 10,
        min_count: int = 5,
        negative: int = 5,
        sample: float = 0.0,
        epochs: int = 10,
        min_rating: float | None = None,
        seed: int = 1,
        probes: Any = None,
        track: Any = None,
        observers: Iterable[Any] = (),
    ) -> None:
        super().__init__(
            vector_size=vector_size, window=window, min_count=min_count, sg=1,
            negative=negative, sample=sample, epochs=epochs, seed=seed, deterministic=True,
            probes=probes, track=track, observers=observers,
        )  # fmt: skip
        self.min_rating = min_rating

    def sequences(
        self, ratings: pd.DataFrame, user: str = "user", item: str = "item", rating: Any = None
    ) -> list[list[str]]:
        """Each user's items (as str ids) ordered by timestamp (else by row order)."""
        df = check_ratings(ratings, user, item, rating)
        if "timestamp" in ratings.columns and "timestamp" in df.columns:
            df = df.sort_values(["user", "timestamp"], kind="stable")
        if self.min_rating is not None:
            df = df[df["rating"] >= self.min_rating]
        if df.empty:
            raise ValueError(f"no ratings >= min_rating={self.min_rating}")
        keys = df["item"].map(str)
        return [list(seq) for _, seq in keys.groupby(df["user"], sort=False)]

    def fit(  # type: ignore[override]
        self,
        ratings: pd.DataFrame,
        user: str = "user",
        item: str = "item",
        rating: str | None = "rating",
        *,
        items: pd.DataFrame | None = None,
    ) -> Item2Vec:
        """Train on ``ratings``; ``items`` adds metadata (title, genres) to ``items_``."""
        if rating is None and self.min_rating is not None:
            raise ValueError("min_rating needs a rating column")
        super().fit(self.sequences(ratings, user, item, rating))
        emb = self.embeddings_
        meta = item_metadata(items, pd.Index(emb.labels), item)
        if meta is not None and emb.metadata is not None:
            meta = pd.concat([meta, emb.metadata], axis=1)
        self.items_ = Embeddings(
            emb.labels, emb.vectors, metadata=emb.metadata if meta is None else meta
        )
        self.embeddings_ = self.items_
        return self

    def _load_state(self, folder: Path) -> None:
        super()._load_state(folder)
        self.items_ = self.embeddings_

    def similar_items(self, item: Any, k: int = 10) -> pd.DataFrame:
        """The ``k`` items most similar (cosine) to ``item``."""
        return self._check_fitted().neighbours(str(item), k=_check_k(k))
