"""Shared pieces of :mod:`embedkit.io`: the error type, compressed files, atomic writes.

Examples
--------
>>> err = FormatError("vecs.txt", "expected 50 values after the label, got 49", line=7)
>>> str(err)
'vecs.txt, line 7: expected 50 values after the label, got 49'
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

FORMATS = ("word2vec", "word2vec-binary", "glove", "fasttext", "npz", "projector", "parquet")
PathLike = str | os.PathLike[str]
_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz"}
_OPENERS: dict[str, Any] = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}
_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}


class Parts(NamedTuple):
    """What a reader found in a file, before it becomes ``Embeddings`` in :mod:`embedkit.io`.

    The format modules return these, so that they never import :mod:`embedkit.vectors`
    (which imports them to save).
    """

    labels: list[str]
    vectors: np.ndarray
    metadata: pd.DataFrame | None = None
    images: np.ndarray | None = None


class FormatError(ValueError):
    """A file that cannot be read as the format it claims; says which file and where.

    Attributes
    ----------
    path : str
        The file.
    line : int or None
        1-based line number (text formats).
    offset : int or None
        Byte offset from the start of the (decompressed) data (binary formats).
    """

    __module__ = "embedkit.io"  # where users import it from

    def __init__(
        self,
        path: str | os.PathLike[str],
        message: str,
        *,
        line: int | None = None,
        offset: int | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.offset = offset
        self.reason = message
        where = self.path
        if line is not None:
            where += f", line {line}"
        elif offset is not None:
            where += f", byte offset {offset}"
        super().__init__(f"{where}: {message}")


def compression_of(path: Path) -> str | None:
    """``"gzip"``, ``"bz2"``, ``"xz"`` (sniffed from the first bytes) or None."""
    with open(path, "rb") as f:
        head = f.read(6)
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            return name
    return None


def open_bytes(path: Path, compression: str | None) -> IO[bytes]:
    """Open for binary reading, decompressing transparently."""
    if compression is None:
        return open(path, "rb")
    opened: IO[bytes] = _OPENERS[compression](path, "rb")
    return opened


def strip_compression_suffix(path: Path) -> str:
    """The suffix that names the format, ignoring ``.gz``/``.bz2``/``.xz``."""
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in _SUFFIXES:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def check_file(path: str | os.PathLike[str]) -> Path:
    """``Path(path)``, or ``FileNotFoundError`` naming it."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"no such file or directory: {str(p)!r}")
    return p


@contextlib.contextmanager
def atomic_writer(path: Path, *, text: bool = False) -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and move it into place on success.

    A failure (bad label, full disk) leaves any existing file untouched. ``.gz`` and
    the other compression suffixes compress.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    comp = _SUFFIXES.get(path.suffix.lower())
    try:
        with open(tmp, "xb") as fh:
            stream: IO[Any] = _OPENERS[comp](fh, "wb") if comp else fh
            with stream:
                if text:
                    with io.TextIOWrapper(stream, encoding="utf-8", newline="\n") as wrapped:
                        yield wrapped
                else:
                    yield stream
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
