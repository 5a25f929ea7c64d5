"""word2vec binary files, as the original C tool and gensim write them.

A header line ``count dim``, then per vector: the label's UTF-8 bytes, a space, ``dim``
little-endian float32 values and, from the C tool, a newline.

Examples
--------
>>> import tempfile, pathlib
>>> import numpy as np
>>> p = pathlib.Path(tempfile.mkdtemp()) / "v.bin"
>>> _ = write_binary(["a", "b"], np.array([[1, 2], [3, 4]], np.float32), p)
>>> len(p.read_bytes())  # "2 2\\n", then 2 × (label, space, 8 bytes, newline)
26
>>> read_binary(p)[0]
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ._common import FormatError, atomic_writer, compression_of, open_bytes
from ._text import BOM, WS, check_writable_labels, decompression_errors, parse_header

_READ_CHUNK = 1 << 22
_MAX_LABEL_BYTES = 1 << 16


def read_binary(path: Path, limit: int | None = None) -> tuple[list[str], np.ndarray]:
    """Labels and vectors from a word2vec binary file (gensim or the original C tool).

    ``limit`` reads only the first vectors (as gensim's ``limit``).
    """
    with open_bytes(path, compression_of(path)) as f:
        with decompression_errors(path, offset=0):
            head = f.readline(1024)
        hdr = parse_header(head.removeprefix(BOM).rstrip(b"\r\n"))
        if hdr is None or not head.endswith(b"\n"):
            raise FormatError(
                path,
                f"expected a header 'count dimensions', got {head[:60]!r} (a fastText .bin "
                "model is not word2vec binary: use gensim.models.fasttext.load_facebook_vectors)",
                offset=0,
            )
        count = hdr[0] if limit is None else min(hdr[0], limit)
        labels, vectors, offsets, end, at = _read_records(path, f, count, hdr[1], len(head))
        with decompression_errors(path, offset=at + len(end)):
            end += f.read(_READ_CHUNK)
    if count == hdr[0] and end.strip(WS):
        at += len(end) - len(end.lstrip(WS))
        raise FormatError(
            path, f"unexpected data after the {hdr[0]:,} vectors the header promises", offset=at
        )
    finite = np.isfinite(vectors).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise FormatError(
            path, f"the vector of {labels[row]!r} holds NaN or infinite values", offset=offsets[row]
        )
    check_unique_binary(path, labels, offsets)
    return labels, vectors


def _read_records(
    path: Path, f: object, count: int, dim: int, base: int
) -> tuple[list[str], np.ndarray, list[int], bytes, int]:
    """Parse ``count`` records ``label<space><dim float32>[\\n]``.

    Returns labels, vectors, record offsets, the bytes read past the last record and
    their offset.
    """
    read = f.read  # type: ignore[attr-defined]
    width = 4 * dim
    out = np.empty((count, dim), np.float32)
    labels: list[str] = []
    offsets: list[int] = []
    buf, pos, eof = b"", 0, False
    for i in range(count):
        while True:
            sp = buf.find(b" ", pos)
            if sp != -1 and len(buf) - sp - 1 >= width:
                break
            if sp == -1 and len(buf) - pos > _MAX_LABEL_BYTES:
                raise FormatError(
                    path,
                    f"no label ends within {_MAX_LABEL_BYTES} bytes (vector {i + 1:,}); "
                    "corrupt file?",
                    offset=base + pos,
                )
            with decompression_errors(path, offset=base + len(buf)):
                more = b"" if eof else read(_READ_CHUNK)
            if not more:
                raise FormatError(
                    path,
                    f"the file ends inside vector {i + 1:,} but its header promises "
                    f"{count:,} (truncated?)",
                    offset=base + len(buf),
                )
            eof = len(more) < _READ_CHUNK
            base, buf, pos = base + pos, buf[pos:] + more, 0
        raw = buf[pos:sp]
        start = base + pos + len(raw) - len(raw.lstrip(b"\n"))
        try:
            label = raw.lstrip(b"\n").decode("utf-8")
        except UnicodeDecodeError:
            msg = f"label {raw[:40]!r} is not valid UTF-8"
            raise FormatError(path, msg, offset=start) from None
        if not label:
            raise FormatError(path, "empty label", offset=start)
        labels.append(label)
        offsets.append(start)
        out[i] = np.frombuffer(buf, "<f4", dim, sp + 1)
        pos = sp + 1 + width
    return labels, out, offsets, buf[pos:], base + pos


def check_unique_binary(path: Path, labels: list[str], offsets: list[int]) -> None:
    """Raise `FormatError` naming a duplicated label and the byte offsets of its records."""
    index = pd.Index(labels, dtype=object)
    if index.is_unique:
        return
    dup_rows = np.flatnonzero(index.duplicated(keep=False))
    first = labels[dup_rows[0]]
    rows = [int(r) for r in dup_rows if labels[r] == first]
    where = " and ".join(str(offsets[r]) for r in rows)
    raise FormatError(
        path,
        f"duplicate label {first!r} at byte offsets {where}; labels must be unique",
        offset=offsets[rows[1]],
    )


def write_binary(labels: Sequence[str], vectors: np.ndarray, path: Path) -> Path:
    """word2vec binary as the original C tool writes it (a newline after each vector)."""
    check_writable_labels(labels, "word2vec binary")
    vecs = np.ascontiguousarray(vectors, dtype="<f4")
    with atomic_writer(path) as f:
        f.write(f"{vecs.shape[0]} {vecs.shape[1]}\n".encode())
        for start in range(0, len(vecs), 10_000):
            block = vecs[start : start + 10_000]
            f.write(
                b"".join(
                    lab.encode("utf-8") + b" " + row.tobytes() + b"\n"
                    for lab, row in zip(labels[start : start + 10_000], block, strict=True)
                )
            )
    return path
