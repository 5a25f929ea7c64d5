"""Write embeddings in every format :func:`embedkit.io.load` reads.

:func:`save` picks the writer from ``format`` or from the file name;
``Embeddings.save`` calls it. The writers take any object with ``labels``,
``vectors``, ``metadata`` and ``images`` and never import :mod:`embedkit.vectors`.

=================  ========================  =======================  ==================
format             name (``format=None``)    keeps                    gensim reads it with
=================  ========================  =======================  ==================
npz                ``.npz`` or no suffix     metadata and images      (no)
word2vec           ``.txt``                  labels and vectors       ``load_word2vec_format(p)``
word2vec-binary    ``.bin``                  labels and vectors       ``(p, binary=True)``
fasttext           ``.vec``                  labels and vectors       ``load_word2vec_format(p)``
glove              (always ``format=``)      labels and vectors       ``(p, no_header=True)``
projector          an existing directory     metadata columns         (no)
=================  ========================  =======================  ==================

Text and binary names may end in ``.gz``, ``.bz2`` or ``.xz`` to compress.

Examples
--------
>>> import tempfile, pathlib
>>> import embedkit as ek
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> emb = ek.Embeddings(["king", "queen"], [[0.5, 1.0], [0.25, -1.5]])
>>> [save_format(tmp / name) for name in ("v.txt", "v.vec.gz", "v.bin", "v.npz", "v")]
['word2vec', 'fasttext', 'word2vec-binary', 'npz', 'npz']
>>> save(emb, tmp / "g.txt", format="glove").read_text()
'king 0.5 1.0\\nqueen 0.25 -1.5\\n'
>>> save(emb, tmp / "v.csv")
Traceback (most recent call last):
...
ValueError: cannot tell the format of 'v.csv' from its suffix '.csv'; ...
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..encoders import warn_unsaved
from ._binary import write_binary
from ._common import FORMATS, PathLike, strip_compression_suffix
from ._npz import save_npz
from ._projector import to_projector as _write_projector
from ._text import write_text as _write_text

if TYPE_CHECKING:
    from ..vectors import Embeddings

SUFFIXES = {
    ".txt": "word2vec",
    ".vec": "fasttext",
    ".bin": "word2vec-binary",
    ".npz": "npz",
    ".parquet": "parquet",
}
_COMPRESSED = (".gz", ".bz2", ".xz")
_OPTIONS = {
    "npz": ("compressed",),
    "projector": ("columns", "numeric_labels", "sanitize", "sprite"),
    "parquet": ("encoder",),
}


def save_format(path: PathLike) -> str:
    """The format :func:`save` writes to ``path`` when ``format`` is not given.

    An existing directory is ``"projector"``; otherwise the suffix decides (see the
    table above), ignoring a compression suffix; a name without one is ``"npz"``.

    Raises
    ------
    ValueError
        An unknown suffix; the message lists the suffixes and formats.

    Examples
    --------
    >>> save_format("vectors.txt.gz"), save_format("model.bin")
    ('word2vec', 'word2vec-binary')
    """
    p = Path(path)
    if p.is_dir():
        return "projector"
    suffix = strip_compression_suffix(p)
    compressed = p.suffix.lower() in _COMPRESSED
    if suffix in SUFFIXES or (suffix == "" and not compressed):
        return SUFFIXES.get(suffix, "npz")
    known = ", ".join(f"{s} ({f})" for s, f in SUFFIXES.items())
    raise ValueError(
        f"cannot tell the format of {p.name!r} from its suffix {suffix or p.suffix!r}; "
        f"name the file {known}, or pass format= one of {', '.join(map(repr, FORMATS))} "
        "(GloVe and projector folders always need format=)"
    )


def check_utf8_labels(labels: Sequence[str]) -> None:
    """Raise a ``ValueError`` naming the first label that cannot be written as UTF-8.

    A Python ``str`` may hold a lone surrogate (``"\\ud800"``, e.g. from a bad decode);
    every embedkit file format is UTF-8, which cannot represent it.

    >>> check_utf8_labels(["ok", "\\ud800"])
    Traceback (most recent call last):
    ...
    ValueError: label 1 ('\\ud800') is not valid Unicode text (surrogates not allowed) ...
    """
    try:
        "\n".join(labels).encode("utf-8")
    except UnicodeEncodeError:
        for i, label in enumerate(labels):
            try:
                label.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError(
                    f"label {i} ({label!r}) is not valid Unicode text ({exc.reason}) and "
                    "cannot be written as UTF-8; fix or drop it before saving"
                ) from None


def save(emb: Embeddings, path: PathLike, format: str | None = None, **options: Any) -> Path:
    """Write ``emb`` in any format :func:`embedkit.io.load` reads.

    Parameters
    ----------
    emb : Embeddings
    path : str or path-like
        The file, or the directory for ``"projector"``.
    format : {"npz", "word2vec", "word2vec-binary", "fasttext", "glove", "projector", \
"parquet"}, optional
        None: from the name (:func:`save_format`).
    **options
        ``compressed`` for ``"npz"`` (see :func:`save_npz`); ``columns``,
        ``numeric_labels``, ``sanitize`` and ``sprite`` for ``"projector"`` (see
        :func:`to_projector`); ``encoder`` (a name kept in the schema metadata) for
        ``"parquet"`` (one shard: labels, vectors, metadata; no images). The text and
        binary formats take none.

    Returns
    -------
    Path
        What was written (``.npz`` is appended to an npz name without it).

    Raises
    ------
    ValueError
        An unknown format or suffix, or a compression suffix on ``npz`` or
        ``projector``; the message lists the valid choices.
    TypeError
        An option the format does not take.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import embedkit as ek
    >>> emb = ek.Embeddings(["a", "b"], [[1, 2], [3, 4]], metadata={"n": [1, 2]})
    >>> out = save(emb, pathlib.Path(tempfile.mkdtemp()) / "emb.vec")
    >>> out.read_text()
    '2 2\\na 1.0 2.0\\nb 3.0 4.0\\n'
    """
    fmt = save_format(path) if format is None else format
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(map(repr, FORMATS))}")
    allowed = _OPTIONS.get(fmt, ())
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        takes = f"takes only {', '.join(allowed)}" if allowed else "takes no options"
        raise TypeError(f"format {fmt!r} {takes}; got {', '.join(unknown)}")
    target = Path(path)
    check_utf8_labels(emb.labels)
    if fmt != "npz":
        warn_unsaved(getattr(emb, "encoder", None), fmt)
    if fmt in ("npz", "projector") and target.suffix.lower() in _COMPRESSED:
        raise ValueError(f"{target.name}: {fmt} cannot be {target.suffix}-compressed; drop it")
    if fmt == "npz":
        return save_npz(emb, target, **options)
    if fmt == "projector":
        return to_projector(emb, target, **options)
    if fmt == "parquet":  # one shard (embedkit.scale reads and writes folders of them)
        from ._parquet import write_shard

        meta = emb.metadata
        return write_shard(target, emb.labels, emb.vectors, options.get("encoder", ""), meta)
    if fmt == "word2vec-binary":
        return save_word2vec(emb, target, binary=True)
    if fmt == "glove":
        return save_glove(emb, target)
    return save_word2vec(emb, target)


def save_word2vec(emb: Embeddings, path: PathLike, binary: bool = False) -> Path:
    """Write word2vec format (text with a ``count dim`` header, or binary) for gensim.

    gensim reads it with ``KeyedVectors.load_word2vec_format(path, binary=binary)``.
    Text values are the shortest decimals that read back to the same float32 (as
    gensim writes them); a ``.gz`` name compresses. Labels must be non-empty and hold
    no space, newline or carriage return (the format cannot represent them).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import embedkit as ek
    >>> from embedkit import Embeddings
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.bin"
    >>> path = save_word2vec(Embeddings(["a", "b"], [[1, 2], [3, 4]]), p, binary=True)
    >>> ek.load(path)["b"].tolist()
    [3.0, 4.0]
    """
    target = Path(path)
    check_utf8_labels(emb.labels)
    if binary:
        return write_binary(emb.labels, emb.vectors, target)
    return _write_text(emb.labels, emb.vectors, target, header=True)


def save_glove(emb: Embeddings, path: PathLike) -> Path:
    """Write GloVe text: ``label v1 v2 ...`` per line, no header.

    gensim reads it with ``load_word2vec_format(path, no_header=True)``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from embedkit import Embeddings
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.txt"
    >>> save_glove(Embeddings(["a"], [[0.1, 2]]), p).read_text()
    'a 0.1 2.0\\n'
    """
    check_utf8_labels(emb.labels)
    return _write_text(emb.labels, emb.vectors, Path(path), header=False)


def to_projector(
    emb: Embeddings,
    directory: PathLike,
    *,
    columns: Sequence[Any] | None = None,
    numeric_labels: str = "warn",
    sanitize: bool = False,
    sprite: bool | None = None,
) -> Path:
    """Write ``vectors.tsv`` and ``metadata.tsv`` for the TensorFlow Embedding Projector.

    Parameters
    ----------
    emb : Embeddings
        At least 2 dimensions.
    directory : str or path-like
        Created if needed; the two files are replaced.
    columns : sequence, optional
        Metadata columns to write after the label (default: all of them). With one
        column only (the label) ``metadata.tsv`` has no header; with several its first
        row names them, ``label`` first, as the projector expects.
    numeric_labels : {"warn", "prefix", "error"}
        What to do with labels the projector would show as numbers (``007`` as 7,
        ``1e3`` as 1000): warn, prefix them with ``#``, or raise.
    sanitize : bool
        Replace tabs, newlines and carriage returns inside cells with spaces instead
        of raising ``ValueError`` naming the row.
    sprite : bool, optional
        Write the thumbnails (``emb.images``) as ``sprite.png``, a square grid in row
        order. None: when there are images and the grid fits the projector's 8192 px
        (otherwise a warning); True: required; False: never.

    Returns
    -------
    Path
        The directory; load it back with ``ek.load(directory)``. It also holds
        ``projector_config.json`` naming the files (and the sprite) for the standalone
        projector.

    Examples
    --------
    >>> import tempfile, warnings
    >>> import pandas as pd
    >>> from embedkit import Embeddings
    >>> emb = Embeddings(["007", "cat"], [[1, 0], [0.5, 0.5]],
    ...                  metadata=pd.DataFrame({"kind": ["agent", "animal"]}))
    >>> out = to_projector(emb, tempfile.mkdtemp(), numeric_labels="prefix")
    >>> print((out / "metadata.tsv").read_text(), end="")
    label	kind
    #007	agent
    cat	animal
    >>> print((out / "vectors.tsv").read_text(), end="")
    1.0	0.0
    0.5	0.5
    """
    return _write_projector(
        emb,
        directory,
        columns=columns,
        numeric_labels=numeric_labels,
        sanitize=sanitize,
        sprite=sprite,
    )
