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
    with pytest.raises(FormatError, match="no .parquet file"):
        ek.load(tmp_path / "empty", format="parquet")


# ------------------------------------------------------------------ embedding on Ray
def _by_label(emb: ek.Embeddings, labels: list[str]) -> np.ndarray:
    return np.stack([emb[lab] for lab in labels])


def test_embed_sentences_matches_single_process(ray_cluster, lee_sentences, tmp_path):
    enc = ek.train.SentenceEncoder(batch_size=4)
    out = ek.scale.embed(
        lee_sentences, enc, tmp_path / "s", batch_size=4, actors=1, progress=False
    )
    got = ek.load(out, format="parquet")
    want = enc.encode(lee_sentences)
    assert sorted(got.labels) == sorted(want.labels)
    assert np.allclose(_by_label(got, want.labels), want.vectors, atol=1e-5)
    info = ek.scale.parquet_info(out)
    assert info["dim"] == 384 and "SentenceEncoder('all-MiniLM-L6-v2'" in info["encoder"]


def test_embed_images_and_documents_match_single_process(ray_cluster, tmp_path):
    digits = ek.datasets.digits()
    images = digits.images[:24]
    emb_single = ek.train.ImageEmbedder("small", weights=None, device="cpu", batch_size=8)
    want = emb_single.embed(images)
    frame = pd.DataFrame({"label": want.labels, "image": list(images), "cls": digits.labels[:24]})
    out = ek.scale.embed(frame, emb_single, tmp_path / "img", keep=["cls"], progress=False)
    got = ek.load(out)
    assert np.allclose(_by_label(got, want.labels), want.vectors, atol=1e-5)
    assert got.metadata.set_index(pd.Index(got.labels))["cls"][want.labels[3]] == digits.labels[3]

    lee = ek.datasets.lee()
    d2v = ek.train.Doc2Vec(vector_size=16, min_count=2, epochs=3, workers=1).fit(lee.background)
    texts = lee.test_text[:6]
    out = ek.scale.embed(texts, d2v, tmp_path / "docs", actors=1, progress=False)
    got = ek.load(out)
    want = d2v.infer_many(ek.tokenize(texts))
    assert np.array_equal(_by_label(got, want.labels), want.vectors)


def test_embed_takes_embedkit_encoders_only(ray_cluster, tmp_path):
    with pytest.raises(TypeError, match="not an embedkit encoder"):
        ek.scale.embed(["a"], object(), tmp_path / "x", progress=False)
