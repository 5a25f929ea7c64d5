"""embedkit.scale: Parquet shards, embedding on a local Ray cluster, the sharded index.

One local Ray cluster (2 CPUs, no dashboard, bound to 127.0.0.1) serves the whole module
and is shut down at its end. Inside ``make test`` a missing Ray fails (no skip).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import embedkit as ek
from embedkit.io import FormatError
from embedkit.scale import read_shards, write_shards


@pytest.fixture(scope="module")
def ray_cluster():
    pytest.importorskip("ray")
    import ray

    ek.scale.local_cluster(num_cpus=2)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def lee_sentences() -> list[str]:
    return [t[:200] for t in ek.datasets.lee().test_text[:8]]


# ------------------------------------------------------------------ parquet shards
def test_parquet_round_trip_and_stream(tmp_path):
    rng = np.random.default_rng(0)
    emb = ek.Embeddings(
        [f"w{i}" for i in range(7)], rng.normal(size=(7, 3)), metadata={"n": list(range(7))}
    )
    folder = write_shards(emb, tmp_path / "shards", rows_per_shard=3, encoder="test")
    info = ek.scale.parquet_info(folder)
    assert (info["rows"], info["dim"], info["encoder"], len(info["files"])) == (7, 3, "test", 3)
    back = ek.load(folder)  # a folder of .parquet files is detected
    assert back.labels == emb.labels
    assert np.array_equal(back.vectors, emb.vectors)
    assert back.metadata["n"].tolist() == list(range(7))
    pieces = list(read_shards(folder, batch_rows=2))
    assert [len(p) for p in pieces] == [2, 1, 2, 1, 1]
    assert all(p.vectors.dtype == np.float32 for p in pieces)
    one = emb.save(tmp_path / "one.parquet", encoder="x")
    assert ek.load(one).labels == emb.labels


def test_parquet_rejects_a_foreign_file(tmp_path):
    pd.DataFrame({"word": ["a"], "x": [1.0]}).to_parquet(tmp_path / "foreign.parquet")
    with pytest.raises(FormatError, match="expected columns 'label' and 'vector'"):
        ek.load(tmp_path / "foreign.parquet")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FormatError, match=r"no \.parquet file"):
        ek.load(tmp_path / "empty", format="parquet")


# ------------------------------------------------------------------ embedding on Ray
def _by_label(emb: ek.Embeddings, labels: list[str]) -> np.ndarray:
    return np.stack([emb[lab] for lab in labels])


def test_embed_sentences_matches_single_process(ray_cluster, lee_sentences, tmp_path):
    enc = ek.train.SentenceEncoder(batch_size=4)
    want = enc.encode(lee_sentences)  # first here: the encoder then holds a result and a model
    out = ek.scale.embed(lee_sentences, enc, tmp_path / "s", batch_size=4, actors=1, progress=False)
    got = ek.load(out, format="parquet")
    assert sorted(got.labels) == sorted(want.labels)
    assert np.allclose(_by_label(got, want.labels), want.vectors, atol=1e-5)
    info = ek.scale.parquet_info(out)
    assert info["dim"] == 384 and "SentenceEncoder('all-MiniLM-L6-v2'" in info["encoder"]


def test_embed_images_matches_single_process(ray_cluster, tmp_path):
    digits = ek.datasets.digits()
    images = digits.images[:24]
    emb_single = ek.train.ImageEmbedder("small", weights=None, device="cpu", batch_size=8)
    want = emb_single.embed(images)
    frame = pd.DataFrame({"label": want.labels, "image": list(images), "cls": digits.labels[:24]})
    out = ek.scale.embed(frame, emb_single, tmp_path / "img", keep=["cls"], progress=False)
    got = ek.load(out)
    assert np.allclose(_by_label(got, want.labels), want.vectors, atol=1e-5)
    assert got.metadata.set_index(pd.Index(got.labels))["cls"][want.labels[3]] == digits.labels[3]


def test_an_encoder_that_has_encoded_travels_by_name():
    """Its last result knows its sentence model (a lock, a loaded model): neither travels."""
    import pickle

    from embedkit.encoders import SentenceModel
    from embedkit.scale.batch import _Portable

    model = SentenceModel("all-MiniLM-L6-v2", normalize=True)
    back = pickle.loads(pickle.dumps(model))
    assert (back.model, back.normalize, back._model) == ("all-MiniLM-L6-v2", True, None)
    enc = ek.train.SentenceEncoder(batch_size=4)
    enc.embeddings_ = ek.Embeddings(["a"], np.ones((1, 3)), encoder=model)
    assert "embeddings_" not in pickle.loads(pickle.dumps(_Portable(enc, "sentences"))).state


def test_doc2vec_travels_to_an_actor_and_infers_the_same():
    """The actor's side without a cluster: the encoder shipped as state, one batch encoded."""
    from embedkit.scale.batch import _EncodeBatches, _Portable

    lee = ek.datasets.lee()
    d2v = ek.train.Doc2Vec(vector_size=16, min_count=2, epochs=3, workers=1).fit(lee.background)
    texts = lee.test_text[:6]
    actor = _EncodeBatches(_Portable(d2v, "documents"), "documents", "text", "label", ["text"])
    batch = {"label": np.array([f"d{i}" for i in range(6)]), "text": np.array(texts)}
    table = actor(batch)
    assert table.schema.metadata[b"embedkit.dim"] == b"16"
    want = d2v.infer_many(ek.tokenize(texts))
    got = np.stack(table.column("vector").to_pylist()).astype(np.float32)
    assert np.array_equal(got, want.vectors)


def test_embed_shares_the_cluster_cpus_and_reads_parquet(ray_cluster, tmp_path):
    """One actor on the 2-CPU cluster runs torch on 2 threads, two actors on 1 each.

    With one thread, one actor took 68 % longer than the single process (bench_scale.py).
    The pool reserves one CPU in all (``actor_cpus``): a ``read_parquet`` data set, read
    by one-CPU tasks, never got read while two actors held both CPUs.
    """

    class Threads:  # an encoder whose vectors say how many torch threads made them
        def encode(self, texts):
            import torch

            n = len(texts)
            return ek.Embeddings(
                [str(i) for i in range(n)], np.full((n, 2), torch.get_num_threads())
            )

    frame = pd.DataFrame({"label": list("abcd"), "text": ["w x", "x y", "y z", "z w"]})
    (tmp_path / "in").mkdir()
    for i in (0, 2):  # two files, two blocks: one for each actor
        frame[i : i + 2].to_parquet(tmp_path / "in" / f"part-{i}.parquet")
    parquet = ray_cluster.data.read_parquet(str(tmp_path / "in"))
    for name, data, kwargs, threads in (
        ("one", list(frame.text), {"actors": 1}, 2),
        ("parquet", parquet, {"actors": 2}, 1),
    ):
        out = ek.scale.embed(
            data, Threads(), tmp_path / name, batch_size=2, progress=False, **kwargs
        )
        got = ek.load(out, format="parquet")
        assert len(got) == 4 and set(got.vectors[:, 0].tolist()) == {threads}, name
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        ek.scale.embed(["a"], Threads(), tmp_path / "x", workers=0, progress=False)


def test_embed_takes_embedkit_encoders_only(ray_cluster, tmp_path):
    with pytest.raises(TypeError, match="not an embedkit encoder"):
        ek.scale.embed(["a"], object(), tmp_path / "x", progress=False)


# ------------------------------------------------------------------ image training on Ray
# Ray Train 2.60 deep-copies Ray Data's context at every TorchTrainer.fit(), which sets
# three deprecated fields of it and warns from ray.data.context (not from our calls).
_RAY_TRAIN_OWN = "ignore:.*deprecated.*:DeprecationWarning:ray.data.context"


@pytest.fixture(scope="module")
def digits_halves():
    """sklearn's digits split in two stratified halves (train, held out), as bench_images."""
    from sklearn.model_selection import train_test_split

    d = ek.datasets.digits()
    train, test = train_test_split(
        np.arange(len(d)), test_size=0.5, stratify=d.labels, random_state=0
    )
    return d, np.sort(train), np.sort(test)


@pytest.mark.slow
@pytest.mark.filterwarnings(_RAY_TRAIN_OWN)
def test_image_trainer_on_two_ray_workers_matches_one_process_and_stop_keeps_it(
    ray_cluster, digits_halves, tmp_path
):
    """One fit (starting Ray Train's workers is most of its time): planned for 5 epochs,
    stopped at the 4th; the kept network is as good as single-process training."""
    from embedkit.train.events import ListObserver
    from embedkit.train.images import ImageTrainer

    d, train, test = digits_halves
    obs = ListObserver()
    tr = ImageTrainer("small", epochs=5, seed=0, image_size=16, device="cpu", distributed=2,
                      observers=[obs])  # fmt: skip
    tr.add_observer(lambda ev: tr.stop() if ev.stage == "epoch" and ev.epoch == 4 else None)
    tr.fit(d.images[train], d.labels[train])
    hist = tr.history_
    assert hist.columns.tolist() == ["epoch", "loss", "images_per_sec", "elapsed", "accuracy",
                                     "mean_cosine"]  # fmt: skip
    assert tr.stopped_ and hist["epoch"].tolist() == [1, 2, 3, 4]
    assert hist["loss"].is_monotonic_decreasing and hist["accuracy"].iloc[-1] > 0.9
    assert [e.epoch for e in obs.events if e.stage == "epoch"] == [1, 2, 3, 4]
    mask = np.zeros(len(d), bool)
    mask[test] = True
    emb = tr.embed(d.images, classes=d.labels)  # the trained network is here, in the driver
    assert ek.evaluate.knn_accuracy(emb, "class", k=5, test=mask).accuracy >= 0.98
    assert np.array_equal(tr.embeddings_.vectors, emb.vectors[train])
    assert np.mean(tr.predict(d.images[test]) == d.labels[test]) >= 0.95
    back = ImageTrainer.load(tr.save(tmp_path / "stopped"))
    assert np.array_equal(back.predict(d.images[test][:20]), tr.predict(d.images[test][:20]))
    np.testing.assert_allclose(back.embed(d.images[:4]).vectors, emb.vectors[:4],
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_image_trainer_on_ray_says_what_is_missing(ray_cluster, monkeypatch):
    from embedkit.train.images import ImageTrainer

    d = ek.datasets.digits()
    images, labels = d.images[:40], d.labels[:40]
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="distributed must be None, a number of Ray"):
            ImageTrainer("small", distributed=bad).fit(images, labels)
    with pytest.raises(ValueError, match=r"needs 3 CPUs \(one per worker\); the Ray cluster has 2"):
        ImageTrainer("small", device="cpu", distributed=3).fit(images, labels)
    monkeypatch.setattr(ray_cluster, "is_initialized", lambda: False)
    with pytest.raises(RuntimeError, match=r"Ray is not started.*ek\.scale\.local_cluster"):
        ImageTrainer("small", device="cpu", distributed=2).fit(images, labels)


# ------------------------------------------------------------------ the sharded index
@pytest.fixture(scope="module")
def clustered(tmp_path_factory):
    """8,000 clustered 32-d vectors (low intrinsic dimension, as real embeddings) in 4 shards."""
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(40, 32)) * 3
    basis = rng.normal(size=(8, 32))
    x = centres[rng.integers(0, 40, 8000)] + rng.normal(size=(8000, 8)) @ basis
    x += 0.1 * rng.normal(size=x.shape)
    emb = ek.Embeddings([f"v{i}" for i in range(8000)], x.astype(np.float32))
    folder = write_shards(emb, tmp_path_factory.mktemp("clustered"), rows_per_shard=2000)
    return emb, folder


def _recall(index, emb, queries, k=10):
    got = index.neighbours(queries, k=k)
    want = emb.neighbours(queries, k=k, metric=index.metric)
    hits = [len(set(got.loc[q].label) & set(want.loc[q].label)) for q in queries]
    return sum(hits) / (k * len(queries))


def test_sharded_index_with_ray_tasks(ray_cluster, clustered, tmp_path):
    emb, folder = clustered
    index = ek.scale.ShardedIndex.build(folder, tmp_path / "idx", metric="cosine")
    assert index.factory == "IVF128,PQ8x7" and index.nprobe == 32 and len(index) == 8000
    assert (tmp_path / "idx" / "lists.ivfdata").stat().st_size > 0
    queries = [f"v{i}" for i in range(0, 8000, 160)]
    assert _recall(index, emb, queries) >= 0.9
    one = index.neighbours("v5", k=4)
    ref = emb.neighbours("v5", k=4)
    assert list(one.columns) == list(ref.columns) and one.index.name == ref.index.name
    assert one.attrs == {"metric": "cosine", "exact": True}
    assert "v5" not in one.label.tolist()
    assert np.allclose(one.score.to_numpy(), ref.score.to_numpy(), atol=1e-5)  # exact scores
    batch = index.neighbours(emb.vectors[:3], k=2)
    assert batch.index.names == ["query", "rank"] and len(batch) == 6
    approx = index.neighbours("v5", k=4, rerank=0)
    assert approx.attrs["exact"] is False
    with pytest.raises(ek.UnknownLabelError):
        index.neighbours("nope")


def test_sharded_index_in_process_reopens_and_euclidean(clustered, tmp_path):
    emb, folder = clustered
    built = ek.scale.ShardedIndex.build(folder, tmp_path / "e", metric="euclidean", use_ray=False)
    moved = tmp_path / "moved"
    (tmp_path / "e").rename(moved)  # the on-disk lists are found beside the index file
    index = ek.scale.ShardedIndex(moved)
    assert repr(index) == repr(built)
    assert index.info["seconds"].keys() == {"read", "train", "add", "merge"}
    queries = [f"v{i}" for i in range(7, 8000, 200)]
    assert _recall(index, emb, queries) >= 0.9
    assert index.labels_of([0, 7999]) == ["v0", "v7999"]
    # a few ids are read one by one, many with Arrow's take; both across shard chunks
    few, many = [7999, 0, 2000, 1999, 4321], np.arange(8000)[::-25]
    assert index.labels_of(few) == [f"v{i}" for i in few]
    assert index.labels_of(many) == [f"v{i}" for i in many]
    with pytest.raises(IndexError, match=r"row ids must be in \[0, 8000\), got -1\.\.3"):
        index.labels_of([3, -1])
    assert len(index.sample(100, seed=1)) == 100


def test_projector_over_an_index_draws_a_sample_and_searches_everything(clustered, tmp_path):
    _, folder = clustered
    index = ek.scale.ShardedIndex.build(folder, tmp_path / "p", use_ray=False)
    p = ek.IndexProjector(index, n=500, seed=2, method="pca", k=5)
    assert repr(p).startswith("IndexProjector(500 of 8,000 points drawn (uniform sample, seed=2)")
    assert p.emb.labels == index.labels_of(index.sample(500, seed=2))
    answer = p.neighbours(0)
    want = index.neighbours(p.emb.labels[0], k=5)
    assert [it[1] for it in answer["items"]] == want.label.tolist()  # among all 8,000
    drawn = {lab: r for r, lab in enumerate(p.emb.labels)}
    assert all(it[0] == drawn.get(it[1], 0) for it in answer["items"])
