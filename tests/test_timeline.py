"""Timelines (``track=``): recording in the one epoch loop, alignment, settling, files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import embedkit as ek
from embedkit.timeline import Timeline, aligned_coords, neighbour_sets, settling
from embedkit.train import (
    Doc2Vec,
    FastText,
    GloVe,
    ImageTrainer,
    Item2Vec,
    MatrixFactorization,
    Word2Vec,
)
from embedkit.vectors import UnknownLabelError

# small real corpora: collapsed spaces and split documents are expected here
pytestmark = [
    pytest.mark.filterwarnings("ignore::embedkit.errors.CollapseWarning"),
    pytest.mark.filterwarnings("ignore::embedkit.errors.CorpusWarning"),
]


@pytest.fixture(scope="module")
def corpus():
    """The first 60 articles of the Wikipedia sample (real text, ~2 s per trainer)."""
    return ek.train.check_corpus(ek.datasets.wiki_sample()[:60])


@pytest.fixture(scope="module")
def w2v(corpus):
    return Word2Vec(vector_size=20, min_count=5, epochs=4, deterministic=True, track=300).fit(
        corpus
    )


@pytest.fixture(scope="module")
def ratings():
    ml = ek.datasets.movielens()
    r = ml.ratings[ml.ratings["user"] <= 150]
    counts = r["item"].value_counts()
    return r[r["item"].isin(counts[counts >= 10].index)].reset_index(drop=True), ml.items


def _check(trainer, n, epochs):
    tl = trainer.timeline_
    assert isinstance(tl, Timeline)
    t, rows, _ = tl.vectors.shape
    assert (t, rows) == (epochs, n) and tl.coords.shape == (epochs, n, 2)
    assert tl.vectors.dtype == np.float32 and tl.coords.dtype == np.float32
    assert tl.epochs.tolist() == list(range(1, epochs + 1))
    hist = trainer.history_
    assert np.isnan(hist["settling"].iloc[0])
    assert hist["settling"].iloc[1:].between(0, 1).all()
    assert tl.metrics["epoch"].tolist() == hist["epoch"].tolist()
    np.testing.assert_array_equal(tl.metrics["settling"], hist["settling"])
    assert "elapsed" not in tl.metrics  # frames carry no machine-dependent numbers
    return tl


# ----------------------------------------------------------------------------- recording
def test_word2vec_records_the_most_frequent_words(w2v):
    tl = _check(w2v, 300, 4)
    assert tl.labels == w2v.embeddings_.labels[:300]
    # the last frame is the trained model's vectors, not a copy of something else
    np.testing.assert_array_equal(tl.vectors[-1], w2v.embeddings_.vectors[:300])
    assert not np.allclose(tl.vectors[0], tl.vectors[-1])
    assert tl.metadata["count"].is_monotonic_decreasing
    # a skip-gram space settles: the neighbours change less from epoch to epoch
    assert w2v.history_["settling"].iloc[-1] > w2v.history_["settling"].iloc[1]


def test_timeline_seen_by_observers_at_each_epoch(corpus):
    seen = []
    trainer = Word2Vec(vector_size=10, min_count=5, epochs=3, deterministic=True, track=50)
    trainer.add_observer(lambda ev: seen.append(len(trainer.timeline_)))
    trainer.fit(corpus)
    assert seen == [1, 2, 3]


def test_fasttext_glove_doc2vec_record(corpus):
    ft = FastText(vector_size=10, min_count=5, epochs=2, bucket=5000, deterministic=True,
                  track=100).fit(corpus)  # fmt: skip
    _check(ft, 100, 2)
    glove = GloVe(vector_size=10, min_count=5, epochs=3, deterministic=True, track=100)
    tl = _check(glove.fit(corpus), 100, 3)
    assert tl.labels == glove.embeddings_.labels[:100]
    d2v = Doc2Vec(vector_size=10, min_count=2, epochs=3, deterministic=True, track=True)
    tl = _check(d2v.fit(corpus), len(corpus), 3)  # fewer documents than the default 2,000
    assert "text" in tl.metadata


def test_matrix_factorization_tracks_the_most_rated_items_with_titles(ratings):
    r, items = ratings
    mf = MatrixFactorization(factors=8, epochs=3, seed=0, track=40).fit(r, items=items)
    tl = _check(mf, 40, 3)
    assert {"title", "genres", "n_ratings"} <= set(tl.metadata.columns)
    top = r["item"].value_counts()
    assert tl.metadata["n_ratings"].tolist() == sorted(top.to_numpy()[:40].tolist(), reverse=True)
    np.testing.assert_array_equal(tl[-1].vectors, mf.items_[tl.labels].vectors)


def test_item2vec_records(ratings):
    r, items = ratings
    i2v = Item2Vec(vector_size=8, min_count=5, epochs=2, track=30).fit(r, items=items)
    _check(i2v, 30, 2)


def test_image_trainer_tracks_its_sampled_images_with_their_class():
    d = ek.datasets.digits()
    tr = ImageTrainer("small", epochs=2, seed=0, batch_size=64, image_size=16, device="cpu",
                      workers=1, track=60).fit(d.images[:300], d.labels[:300])  # fmt: skip
    tl = _check(tr, 60, 2)
    rows = [int(lab.removeprefix("img_")) for lab in tl.labels]  # unnamed images: img_00042
    assert tl.metadata["class"].tolist() == d.labels[rows].tolist()


# ----------------------------------------------------------------------------- track=
def test_track_by_labels_keeps_their_order(corpus):
    w = Word2Vec(vector_size=10, min_count=5, epochs=2, deterministic=True,
                 track=["war", "music", "france", "war"]).fit(corpus)  # fmt: skip
    assert w.timeline_.labels == ["war", "music", "france"]
    np.testing.assert_array_equal(
        w.timeline_.vectors[-1], w.embeddings_[["war", "music", "france"]].vectors
    )


def test_unknown_tracked_label_fails_before_training(corpus):
    w = Word2Vec(vector_size=10, min_count=5, epochs=2, deterministic=True,
                 track=["war", "muisc"])  # fmt: skip
    with pytest.raises(UnknownLabelError, match="muisc") as err:
        w.fit(corpus)
    assert "music" in str(err.value)
    assert w.epochs_done_ == 0


@pytest.mark.parametrize(
    ("track", "error", "match"),
    [("war", TypeError, r"track=\['war'\]"), (1, ValueError, "at least 2"),
     (2.5, TypeError, "float"), (["war"], ValueError, "at least 2")],
)  # fmt: skip
def test_bad_track_values_are_named(corpus, track, error, match):
    with pytest.raises(error, match=match):
        Word2Vec(vector_size=10, min_count=5, epochs=1, track=track).fit(corpus)


def test_no_track_no_timeline(corpus):
    w = Word2Vec(vector_size=10, min_count=5, epochs=1, deterministic=True).fit(corpus)
    assert not hasattr(w, "timeline_") and "settling" not in w.history_
    w.set_params(track=20).fit(corpus)
    assert len(w.timeline_) == 1
    w.set_params(track=None).fit(corpus)
    assert not hasattr(w, "timeline_")  # the old run's timeline is not left behind


def test_stop_keeps_the_frames_so_far(corpus):
    trainer = Word2Vec(vector_size=10, min_count=5, epochs=5, deterministic=True, track=40)
    trainer.add_observer(lambda ev: trainer.stop() if ev.epoch == 2 else None)
    trainer.fit(corpus)
    assert trainer.stopped_ and trainer.timeline_.epochs.tolist() == [1, 2]
    assert trainer.timeline_.vectors.shape == (2, 40, 10)
    assert trainer.timeline_.vectors.base is None or trainer.timeline_.vectors.base.shape[0] == 2


# ----------------------------------------------------------------------------- alignment
def test_rotated_or_reflected_copies_get_the_same_coordinates():
    rng = np.random.default_rng(1)
    frames = rng.normal(size=(3, 80, 12)).astype(np.float32)
    q = np.linalg.qr(rng.normal(size=(12, 12)))[0].astype(np.float32)
    q[:, 0] *= -1  # a reflection too
    np.testing.assert_allclose(aligned_coords(frames @ q), aligned_coords(frames), atol=2e-4)
    # one epoch a rotated copy of the last: it is drawn exactly where the last is
    frames[1] = frames[2] @ q
    coords = aligned_coords(frames)
    np.testing.assert_allclose(coords[1], coords[2], atol=2e-4)
    assert not np.allclose(coords[0], coords[2], atol=0.05)


def test_alignments_are_deterministic_and_named():
    frames = np.random.default_rng(2).normal(size=(2, 40, 6)).astype(np.float32)
    for method in ("rotate-then-pca", "final-pca", "pca-each"):
        a, b = aligned_coords(frames, align=method), aligned_coords(frames.copy(), align=method)
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="rotate-then-pca"):
        aligned_coords(frames, align="tsne")


# ----------------------------------------------------------------------------- settling
def test_settling_is_the_mean_jaccard_of_the_neighbour_sets():
    # four points on a line: 0 and 1 close, 2 and 3 close
    before = np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0], [0.1, 1.0]])
    assert neighbour_sets(before, k=1).ravel().tolist() == [1, 0, 3, 2]
    assert settling(before, before, k=1) == 1.0
    # point 3 moves next to 0: rows 0, 2, 3 change their nearest neighbour, row 1 keeps 0
    after = np.array([[1.0, 0.0], [1.0, 0.3], [0.0, 1.0], [1.0, -0.05]])
    assert neighbour_sets(after, k=1).ravel().tolist() == [3, 0, 1, 0]
    assert settling(before, after, k=1) == 0.25
    # k=2: row 0 had {1, 2}... hand-count each row's |A ∩ B| / |A ∪ B|
    sets_b, sets_a = neighbour_sets(before, k=2), neighbour_sets(after, k=2)
    pairs = zip(sets_b, sets_a, strict=True)
    want = np.mean([len(set(b) & set(a)) / len(set(b) | set(a)) for b, a in pairs])
    assert settling(before, after, k=2) == round(want, 4)


def test_timeline_settling_matches_the_history(w2v):
    recomputed = w2v.timeline_.settling()
    np.testing.assert_array_equal(recomputed.to_numpy(), w2v.history_["settling"].to_numpy())


# ----------------------------------------------------------------------------- files
def test_timeline_save_load_round_trip_without_pickle(tmp_path, ratings):
    r, items = ratings
    mf = MatrixFactorization(factors=8, epochs=2, seed=0, track=25).fit(r, items=items)
    path = mf.timeline_.save(tmp_path / "tl")
    assert path.name == "tl.npz"
    with np.load(path, allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    back = Timeline.load(path)
    tl = mf.timeline_
    assert back.labels == tl.labels
    np.testing.assert_array_equal(back.vectors, tl.vectors)
    np.testing.assert_array_equal(back.coords, tl.coords)
    pd.testing.assert_frame_equal(back.metrics, tl.metrics)
    pd.testing.assert_frame_equal(back.metadata, tl.metadata)
    # 25 rows × 8 dims: vectors and coordinates, 4 bytes each, per epoch
    assert path.stat().st_size < 2 * 25 * (8 + 2) * 4 + 20_000


def test_trainer_save_carries_its_timeline(tmp_path, corpus):
    w = Word2Vec(vector_size=10, min_count=5, epochs=2, deterministic=True,
                 track=["war", "music"]).fit(corpus)  # fmt: skip
    back = Word2Vec.load(w.save(tmp_path / "w2v"))
    assert back.track == ["war", "music"]
    np.testing.assert_array_equal(back.timeline_.vectors, w.timeline_.vectors)
    assert back.timeline_.labels == ["war", "music"]


def test_bad_timelines_are_refused(tmp_path):
    with pytest.raises(ValueError, match="metrics must have one row per epoch"):
        Timeline(["a", "b"], epochs=[1], vectors=np.ones((1, 2, 3)), coords=np.zeros((1, 2, 2)),
                 metrics=pd.DataFrame({"epoch": [1, 2]}))  # fmt: skip
    tl = Timeline(["a", "b"], epochs=[1], vectors=np.ones((1, 2, 3)), coords=np.zeros((1, 2, 2)))
    with pytest.raises(KeyError, match="epoch 5 is not in the timeline"):
        tl.frame(5)
    other = tmp_path / "emb.npz"
    ek.Embeddings(["a"], [[1.0]]).save(other)
    with pytest.raises(ValueError, match="not a timeline"):
        Timeline.load(other)
