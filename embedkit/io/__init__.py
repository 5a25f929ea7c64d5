"""Read and write embeddings: word2vec text and binary, GloVe, fastText, ``.npz``, projector.

``load`` reads every format (detected from the name and the first bytes when
``format=None``; ``.gz``, ``.bz2`` and ``.xz`` text is decompressed on the fly).
:func:`save` (``Embeddings.save``) writes every format ``load`` reads, chosen by
``format`` or the file name (:func:`save_format`), through the writers
:func:`save_npz` (embedkit's own, no pickle, metadata and images round-trip),
:func:`save_word2vec` and :func:`save_glove` (for gensim and other tools) and
:func:`to_projector` (TensorFlow Embedding Projector TSV files).

A file that is not what it claims raises :class:`FormatError` (a ``ValueError``)
naming the file and the line (text) or byte offset (binary).

Examples
--------
>>> import tempfile, pathlib
>>> import embedkit as ek
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> emb = ek.Embeddings(["king", "queen"], [[0.5, 1.0], [0.25, -1.5]])
>>> path = save_word2vec(emb, tmp / "tiny.txt")
>>> path.read_text()
'2 2\\nking 0.5 1.0\\nqueen 0.25 -1.5\\n'
>>> load(path).labels
['king', 'queen']
>>> _ = (tmp / "bad.txt").write_text("3 2\\nking 0.5 1.0\\nqueen 0.25\\n")
>>> load(tmp / "bad.txt")
Traceback (most recent call last):
...
embedkit.io.FormatError: .../bad.txt, line 3: expected 2 values after the label 'queen', ...
"""

from __future__ import annotations

from pathlib import Path

from ..encoders import encoder_from_config
from ..vectors import Embeddings
from ._binary import read_binary
from ._common import (
    FORMATS,
    FormatError,
    PathLike,
    check_file,
    compression_of,
    strip_compression_suffix,
)
from ._npz import read_encoder, read_npz, save_npz
from ._parquet import read_parquet
from ._projector import read_projector
from ._save import save, save_format, save_glove, save_word2vec, to_projector
from ._text import first_line, looks_binary, parse_header, read_text

__all__ = [
    "FORMATS",
    "FormatError",
    "detect_format",
    "load",
    "load_npz",
    "save",
    "save_format",
    "save_glove",
    "save_npz",
    "save_word2vec",
    "to_projector",
]


def detect_format(path: PathLike) -> str:
    """Guess the format of ``path`` from its name, then its first bytes.

    A directory of ``*.parquet`` shards or a ``.parquet`` file is ``"parquet"``, any
    other directory or ``.tsv`` is ``"projector"``, ``.npz`` (or any zip) is ``"npz"``,
    ``.bin`` is ``"word2vec-binary"``. For text, a first line ``"count dim"`` means
    word2vec (``"fasttext"`` for ``.vec``), or word2vec binary when binary data
    follows it; anything else is GloVe. A line of numbers after the header means
    text (so that a damaged text file gets errors naming its lines): with one or two
    dimensions, binary data can look like that; name the format then.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "vectors.txt"
    >>> _ = p.write_text("the 0.1 0.2\\n")
    >>> detect_format(p)
    'glove'
    """
    p = check_file(path)
    if p.is_dir():
        return "parquet" if any(p.glob("*.parquet")) else "projector"
    suffix = strip_compression_suffix(p)
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".tsv":
        return "projector"
    with open(p, "rb") as f:
        magic = f.read(4)
    if suffix == ".npz" or magic == b"PK\x03\x04":
        return "npz"
    if suffix == ".bin":
        return "word2vec-binary"
    comp = compression_of(p)
    header = parse_header(first_line(p, comp))
    if header is None:
        return "glove"
    if looks_binary(p, comp, header[1]):
        return "word2vec-binary"
    return "fasttext" if suffix == ".vec" else "word2vec"


def load(path: PathLike, format: str | None = None, *, limit: int | None = None) -> Embeddings:
    """Read embeddings from a file (or a projector directory).

    Parameters
    ----------
    path : str or path-like
        The file; text formats may be ``.gz``/``.bz2``/``.xz`` compressed.
    format : {"word2vec", "word2vec-binary", "glove", "fasttext", "npz", "projector", \
"parquet"}, optional
        None detects it (see :func:`detect_format`). ``"parquet"`` reads one file or a
        folder of shards (``label``, ``vector`` and metadata columns, as
        :func:`embedkit.scale.embed` writes them) into memory; for more than fits,
        :func:`embedkit.scale.read_shards` streams them.
    limit : int, optional
        Read only the first ``limit`` vectors of a word2vec, GloVe or fastText file
        (gensim's ``limit``; such files are usually sorted by frequency).

    Returns
    -------
    Embeddings
        Text and binary formats carry labels and vectors only; ``.npz`` also brings
        metadata and images back; a projector directory and Parquet bring their
        metadata columns.

    Raises
    ------
    FormatError
        The file is corrupt, truncated, holds fewer or more vectors than its header
        promises, a ragged row, a non-finite value or a duplicate label; the message
        names the file and the line (or byte offset).
    FileNotFoundError
        No such file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "glove.txt"
    >>> _ = p.write_text("nan 1 2\\nnull 3 4\\n", encoding="utf-8")
    >>> emb = load(p)   # GloVe: no header; "nan" and "null" stay words
    >>> emb.labels, emb["null"].tolist()
    (['nan', 'null'], [3.0, 4.0])
    """
    p = check_file(path)
    fmt = detect_format(p) if format is None else format
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if limit is not None and (fmt in ("npz", "projector", "parquet") or limit < 0):
        raise ValueError(f"limit={limit!r}: a count >= 0, for word2vec, GloVe, fastText only")
    if fmt == "npz":
        return load_npz(p)
    if fmt == "parquet":
        found = read_parquet(p)
        return Embeddings(found.labels, found.vectors, metadata=found.metadata)
    if fmt == "projector":
        found = read_projector(p)
        return Embeddings(found.labels, found.vectors, metadata=found.metadata)
    if p.is_dir():
        raise IsADirectoryError(f"{p} is a directory; only format='projector' reads directories")
    if fmt == "word2vec-binary":
        labels, vectors = read_binary(p, limit)
    else:
        labels, vectors = read_text(p, header=fmt != "glove", limit=limit)
    return Embeddings(labels, vectors)


def load_npz(path: PathLike) -> Embeddings:
    """Read a file written by :func:`save_npz`; numpy is never allowed to unpickle.

    Labels, vectors, metadata and images come back as they were saved.

    Raises
    ------
    FormatError
        Not a zip, truncated, a foreign ``.npz`` (no embedkit manifest), a newer
        format version, object (pickled) arrays, or shapes that disagree.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from embedkit import Embeddings
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.npz"
    >>> load_npz(save_npz(Embeddings(["a", "b"], [[1, 2], [3, 4]]), p)).labels
    ['a', 'b']
    """
    p = Path(path)
    labels, vectors, metadata, images = read_npz(p)
    encoder = encoder_from_config(read_encoder(p))  # loads its model on first use only
    try:
        return Embeddings(labels, vectors, metadata=metadata, images=images, encoder=encoder)
    except ValueError as e:
        raise FormatError(p, str(e)) from None
