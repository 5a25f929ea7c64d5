"""word2vec / GloVe / fastText text files: a fast path, a diagnostic pass, and writers.

The text reader first tries pandas' C parser (labels kept verbatim: no NaN parsing,
no quote handling). If anything looks wrong it reads the file again line by line,
which either names the bad line or, for an unusual but valid file, loads it.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "v.txt").write_text("2 3\\nnan 1 2 3\\n\\"q\\" 4 5 6\\n", encoding="utf-8")
>>> labels, vectors = read_text(d / "v.txt", header=True)
>>> labels, vectors.shape
(['nan', '"q"'], (2, 3))
"""

from __future__ import annotations

import contextlib
import csv
import lzma
import re
import warnings
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._common import FormatError, atomic_writer, compression_of, open_bytes

WS = b" \t\r\n\x0b\x0c"
BOM = b"\xef\xbb\xbf"  # a UTF-8 byte-order mark some editors put first
BAD_LABEL = re.compile(r"[ \n\r]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_CHUNK_VALUES = 10_000_000  # values per pandas chunk (~40 MB of float32)


class _Fallback(Exception):
    """The fast path saw something it cannot vouch for; run the diagnostic pass."""


# ----------------------------------------------------------------------------- headers
def first_line(path: Path, compression: str | None, limit: int = 1 << 20) -> bytes:
    """The first line (without its newline), at most ``limit`` bytes."""
    with decompression_errors(path, 1), open_bytes(path, compression) as f:
        return f.readline(limit).removeprefix(BOM).rstrip(b"\r\n")


@contextlib.contextmanager
def decompression_errors(path: Path, line: int | None = None, offset: int | None = None) -> Any:
    """Turn a damaged ``.gz``/``.bz2``/``.xz`` stream into a `FormatError`."""
    try:
        yield
    except (EOFError, OSError, zlib.error, lzma.LZMAError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        msg = f"cannot read the data ({type(e).__name__}: {e}); corrupt or truncated file?"
        raise FormatError(path, msg, line=line, offset=offset) from None


def parse_header(line: bytes) -> tuple[int, int] | None:
    """``(count, dim)`` if ``line`` is a word2vec header such as ``b"400000 50"``."""
    parts = line.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1])
    return None


def looks_binary(path: Path, compression: str | None, dim: int) -> bool:
    """After a header, is the data binary (word2vec ``-binary 1``) rather than text?

    Text when the next line is a label and ``dim`` numbers; otherwise binary when it
    holds control bytes or invalid UTF-8 (float32 data almost always does: any 0.0,
    1.0 or small integer holds a zero byte); otherwise text (so that a damaged text
    file gets an error naming its line).
    """
    with open_bytes(path, compression) as f:
        f.readline(1 << 20)
        data = f.read(16 * dim + 4096)
    line, newline, _ = data.partition(b"\n")
    parts = line.rstrip(WS).split(b" ")
    if newline and len(parts) == dim + 1 and parts[0]:
        try:
            [float(t) for t in parts[1:]]
            return False
        except ValueError:
            pass
    if not newline:
        line = line[:-4]  # may end inside a multi-byte character
    if _CONTROL_BYTES.search(line):
        return True
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _text_layout(path: Path, header: bool) -> tuple[int, int | None, int]:
    """``(lines to skip, promised count or None, dim)`` from the first line."""
    comp = compression_of(path)
    line = first_line(path, comp)
    if not line.strip(WS):
        raise FormatError(path, "the first line is empty; expected vectors", line=1)
    hdr = parse_header(line)
    if header:
        if hdr is None:
            raise FormatError(
                path,
                f"expected a header 'count dimensions' (word2vec/fastText text), got "
                f"{line[:60]!r}; for a GloVe file (no header) use format='glove'",
                line=1,
            )
        if hdr[1] < 1:
            raise FormatError(path, f"the header says {hdr[1]} dimensions", line=1)
        return 1, hdr[0], hdr[1]
    if hdr is not None:
        raise FormatError(
            path,
            f"this looks like a word2vec header ({line.decode()!r}), not a GloVe "
            "vector; use format='word2vec'",
            line=1,
        )
    dim = len(line.rstrip(WS).split(b" ")) - 1
    if dim < 1:
        hint = " (tab-separated? these formats separate values by single spaces)"
        raise FormatError(
            path, "expected a label followed by numbers" + (hint if b"\t" in line else ""), line=1
        )
    return 0, None, dim


# ----------------------------------------------------------------------------- text reading
def read_text(
    path: Path, *, header: bool, limit: int | None = None
) -> tuple[list[str], np.ndarray]:
    """Labels and a float32 matrix from word2vec text (``header=True``) or GloVe text.

    ``limit`` reads only the first vectors (as gensim's ``limit``).
    """
    skip, count, dim = _text_layout(path, header)
    if limit is not None and count is not None:
        count = min(count, limit)
    fast: tuple[list[str], np.ndarray] | None = None
    try:
        fast = _read_fast(path, skip, count, dim, limit)
    except (FormatError, MemoryError):
        raise
    except Exception:  # deliberately broad: the diagnostic pass names the real problem
        pass
    if fast is None:
        fast = _read_slow(path, skip, count, dim, limit)
    labels, vectors = fast
    check_unique_labels(path, labels, skip)
    return labels, vectors


def _read_fast(
    path: Path, skip: int, count: int | None, dim: int, limit: int | None
) -> tuple[list[str], np.ndarray]:
    names = list(range(dim + 2))  # label, values, and one slot for a trailing space
    dtypes: dict[int, Any] = {i: np.float32 for i in range(1, dim + 1)}
    dtypes.update({0: object, dim + 1: object})
    out = np.empty((count, dim), np.float32) if count is not None else None
    blocks: list[np.ndarray] = []
    labels: list[str] = []
    pos = 0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        options: dict[str, Any] = {
            "sep": " ",
            "header": None,
            "names": names,
            "dtype": dtypes,
            "skiprows": skip,
            "quoting": csv.QUOTE_NONE,  # quotes are part of labels
            "na_filter": False,  # "nan", "null", "NA" are words, not missing values
            "engine": "c",
            "index_col": False,
            "chunksize": max(1000, _CHUNK_VALUES // dim),  # bounded memory
            "encoding": "utf-8",
            "compression": compression_of(path),
            "nrows": limit,
        }
        reader = pd.read_csv(path, **options)
        with reader:
            for chunk in reader:
                labs, vals = chunk[0], chunk.iloc[:, 1 : dim + 1].to_numpy(np.float32)
                if (chunk[dim + 1] != "").any() or (labs == "").any():
                    raise _Fallback
                if not np.isfinite(vals).all():
                    raise _Fallback
                m = len(chunk)
                if out is not None:
                    if pos + m > len(out):
                        raise _too_many(path, skip, len(out))
                    out[pos : pos + m] = vals
                else:
                    blocks.append(vals)
                labels.extend(labs.tolist())
                pos += m
    if out is None:
        out = np.concatenate(blocks) if blocks else np.empty((0, dim), np.float32)
    elif pos < len(out):
        raise _too_few(path, len(out), pos)
    return labels, out


def _too_many(path: Path, skip: int, count: int) -> FormatError:
    line = data_line_numbers(path, skip, [count]).get(count)
    return FormatError(
        path,
        f"the header (line 1) promises {count:,} vectors but the file holds more; "
        f"this is vector {count + 1:,}",
        line=line,
    )


def _too_few(path: Path, count: int, got: int) -> FormatError:
    lines, last = 0, b"\n"
    with open_bytes(path, compression_of(path)) as f:
        while block := f.read(1 << 24):
            lines += block.count(b"\n")
            last = block[-1:]
    lines += last != b"\n"
    return FormatError(
        path,
        f"the file ends after {got:,} vectors but its header (line 1) promises {count:,} "
        "(truncated?)",
        line=lines + 1,
    )


def _read_slow(
    path: Path, skip: int, count: int | None, dim: int, limit: int | None
) -> tuple[list[str], np.ndarray]:
    labels: list[str] = []
    rows: list[np.ndarray] = []
    lineno = 0
    with open_bytes(path, compression_of(path)) as f:
        lines = enumerate(f, 1)
        while True:
            with decompression_errors(path, line=lineno + 1):
                lineno, raw = next(lines, (lineno, None))
            if raw is None:
                break
            body = raw.removeprefix(BOM).rstrip(WS) if lineno == 1 else raw.rstrip(WS)
            if lineno <= skip or not body:
                continue
            if len(labels) == limit:
                break
            if count is not None and len(labels) == count:
                raise FormatError(
                    path,
                    f"the header (line 1) promises {count:,} vectors but the file holds "
                    f"more; this is vector {count + 1:,}",
                    line=lineno,
                )
            label, vec = _parse_line(path, lineno, body, dim)
            labels.append(label)
            rows.append(vec)
    if count is not None and len(labels) < count:
        raise FormatError(
            path,
            f"the file ends after {len(labels):,} vectors but its header (line 1) "
            f"promises {count:,} (truncated?)",
            line=lineno + 1,
        )
    vectors = np.vstack(rows) if rows else np.empty((0, dim), np.float32)
    return labels, vectors


def _parse_line(path: Path, lineno: int, body: bytes, dim: int) -> tuple[str, np.ndarray]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FormatError(
            path, f"not valid UTF-8 at byte {e.start + 1} of the line: {body[:40]!r}", line=lineno
        ) from None
    parts = text.split(" ")
    label, values = parts[0], parts[1:]
    if not label:
        raise FormatError(path, "the line starts with a space: empty label", line=lineno)
    if len(values) != dim:
        raise FormatError(
            path,
            f"expected {dim} values after the label {label!r}, got {len(values)}",
            line=lineno,
        )
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            vec = np.array(values, dtype=np.float32)
        except ValueError:
            vec = None
    bad = _first_bad_value(values, vec)
    if bad is not None:
        j, why = bad
        raise FormatError(path, f"value {j + 1} of {label!r} {why}: {values[j]!r}", line=lineno)
    assert vec is not None
    return label, vec


def _first_bad_value(values: Sequence[str], vec: np.ndarray | None) -> tuple[int, str] | None:
    if vec is None:
        for j, tok in enumerate(values):
            try:
                float(tok)
            except ValueError:
                return j, "is not a number"
        return 0, "is not a number"
    finite = np.isfinite(vec)
    if finite.all():
        return None
    return int(np.flatnonzero(~finite)[0]), "is not finite (NaN, infinite or beyond float32)"


def data_line_numbers(path: Path, skip: int, rows: Sequence[int]) -> dict[int, int]:
    """1-based line numbers of data rows (blank lines are not rows), for error messages."""
    wanted, found, row = set(rows), {}, -1
    with open_bytes(path, compression_of(path)) as f:
        for lineno, raw in enumerate(f, 1):
            if lineno <= skip or not raw.strip(WS):
                continue
            row += 1
            if row in wanted:
                found[row] = lineno
                if len(found) == len(wanted):
                    break
    return found


def check_unique_labels(path: Path, labels: list[str], skip: int) -> None:
    """Raise `FormatError` naming a duplicated label and its line numbers."""
    index = pd.Index(labels, dtype=object)
    if index.is_unique:
        return
    dup_rows = np.flatnonzero(index.duplicated(keep=False))
    first = labels[dup_rows[0]]
    rows = [int(r) for r in dup_rows if labels[r] == first]
    lines = data_line_numbers(path, skip, rows)
    where = " and ".join(str(lines.get(r, f"row {r}")) for r in rows)
    others = sorted({labels[r] for r in dup_rows} - {first})
    more = f"; also duplicated: {', '.join(map(repr, others[:5]))}" if others else ""
    more += " ..." if len(others) > 5 else ""
    raise FormatError(
        path,
        f"duplicate label {first!r} on lines {where}{more}; labels must be unique",
        line=lines.get(rows[1]),
    )


# ----------------------------------------------------------------------------- writing
def check_writable_labels(labels: Sequence[str], fmt: str) -> None:
    for i, lab in enumerate(labels):
        if not lab or BAD_LABEL.search(lab):
            raise ValueError(
                f"label {lab!r} (row {i}) cannot be written as {fmt}: labels there must be "
                "non-empty and hold no space, newline or carriage return"
            )


def format_rows(vectors: np.ndarray, sep: str, block: int = 20_000) -> Iterator[list[str]]:
    """Rows as text, shortest decimals that read back to the same float32 (as gensim)."""
    for start in range(0, len(vectors), block):
        rows = np.asarray(vectors[start : start + block], dtype=np.float32)
        yield [sep.join(map(str, r)) for r in rows]  # str(np.float32): shortest round trip


def write_text(labels: Sequence[str], vectors: np.ndarray, path: Path, *, header: bool) -> Path:
    """word2vec text (``header=True``) or GloVe text; ``.gz`` compresses."""
    check_writable_labels(labels, "word2vec text" if header else "GloVe text")
    if not header and len(labels) and labels[0].startswith("\ufeff"):
        raise ValueError(
            f"the first label {labels[0]!r} starts with U+FEFF, which readers take for a "
            "byte-order mark in a GloVe file; use word2vec format (it has a header line)"
        )
    with atomic_writer(path, text=True) as f:
        if header:
            f.write(f"{vectors.shape[0]} {vectors.shape[1]}\n")
        start = 0
        for rows in format_rows(vectors, " "):
            f.write("".join(f"{lab} {r}\n" for lab, r in zip(labels[start:], rows, strict=False)))
            start += len(rows)
    return path
