"""TensorFlow Embedding Projector files: ``vectors.tsv`` + ``metadata.tsv``, strictly.

The projector accepts some broken files silently and shows wrong data, so the writer
refuses them instead (see the design notes): no header in ``vectors.tsv``; at least two
finite dimensions; one metadata row per vector; a metadata header only with several
columns; no empty label; no tab, newline or carriage return in a cell; LF endings, a
final newline, UTF-8. Labels the projector would turn into numbers are flagged.
Thumbnails become ``sprite.png``; ``projector_config.json`` ties the files together
for the standalone projector.

Examples
--------
>>> import tempfile, pathlib
>>> from embedkit import Embeddings
>>> out = to_projector(Embeddings(["cat", "dog"], [[1, 0], [0, 1]]), tempfile.mkdtemp())
>>> (out / "metadata.tsv").read_text()
'cat\\ndog\\n'
>>> read_projector(out).labels
['cat', 'dog']
"""

from __future__ import annotations

import csv
import json
import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import EmbedkitWarning, warn
from ._common import FormatError, Parts, atomic_writer, check_file
from ._text import format_rows

if TYPE_CHECKING:
    from ..vectors import Embeddings

VECTORS, METADATA = "vectors.tsv", "metadata.tsv"
SPRITE, CONFIG = "sprite.png", "projector_config.json"
MAX_SPRITE_PX = 8192
NUMERIC_PREFIX = "#"
_CONTROL = re.compile(r"[\t\n\r]")
_JS_SPACE = " \t\n\r\x0b\x0c\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"  # noqa: E501
_JS_NUMBER = re.compile(
    r"[+-]?(Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+"
)
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def js_number_like(text: str) -> bool:
    """Would JavaScript's ``Number(text)`` give a number (not NaN)? Empty text does.

    >>> [js_number_like(s) for s in ["007", "1e3", " 12 ", "0x1F", "cat", "1_000"]]
    [True, True, True, True, False, False]
    """
    body = text.strip(_JS_SPACE)
    return body == "" or _JS_NUMBER.fullmatch(body) is not None


# ----------------------------------------------------------------------------- export
def to_projector(
    emb: Embeddings,
    directory: str | os.PathLike[str],
    *,
    columns: Sequence[Any] | None = None,
    numeric_labels: str = "warn",
    sanitize: bool = False,
    sprite: bool | None = None,
) -> Path:
    """Write ``vectors.tsv``, ``metadata.tsv`` (and a sprite) for the Embedding Projector.

    See :func:`embedkit.io.to_projector` for the parameters.
    """
    if numeric_labels not in ("warn", "prefix", "error"):
        choices = "'warn', 'prefix' or 'error'"
        raise ValueError(f"numeric_labels must be {choices}, not {numeric_labels!r}")
    if emb.dim < 2:
        raise ValueError(f"the projector needs at least 2 dimensions; these vectors have {emb.dim}")
    if not np.isfinite(emb.vectors).all():
        raise ValueError("vectors hold NaN or infinite values; the projector cannot show them")
    table = _metadata_table(emb, columns)
    cells = [_column_cells(table[name], name, sanitize) for name in table.columns]
    header = [str(name) for name in table.columns] if len(cells) > 1 else None
    if header is not None:
        _check_header(header, sanitize)
    labels = _check_labels(cells[0], header is not None, numeric_labels)
    cells[0] = labels
    grid = _sprite_for(emb, sprite)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_writer(out / VECTORS, text=True) as f:
        for rows in format_rows(emb.vectors, "\t"):
            f.write("".join(r + "\n" for r in rows))
    with atomic_writer(out / METADATA, text=True) as f:
        if header is not None:
            f.write("\t".join(header) + "\n")
        f.write("".join("\t".join(row) + "\n" for row in zip(*cells, strict=True)))
    entry: dict[str, Any] = {
        "tensorName": out.resolve().name or "embeddings",
        "tensorShape": list(emb.shape),
        "tensorPath": VECTORS,
        "metadataPath": METADATA,
    }
    if grid is not None:
        _write_png(out / SPRITE, grid)
        assert emb.images is not None
        height, width = emb.images.shape[1:3]
        entry["sprite"] = {"imagePath": SPRITE, "singleImageDim": [int(width), int(height)]}
    with atomic_writer(out / CONFIG, text=True) as f:
        f.write(json.dumps({"embeddings": [entry]}, indent=2, ensure_ascii=False) + "\n")
    return out


def _sprite_for(emb: Embeddings, sprite: bool | None) -> np.ndarray | None:
    """The sprite image (all thumbnails on a square grid), or None."""
    if sprite is False or (sprite is None and emb.images is None):
        return None
    if emb.images is None:
        raise ValueError("sprite=True but these embeddings have no images")
    images = emb.images if emb.images.ndim == 4 else emb.images[..., None]
    n, h, w, c = images.shape
    if c == 1:
        images, c = np.repeat(images, 3, axis=3), 3
    if c not in (3, 4):
        raise ValueError(f"images need 1, 3 or 4 channels for a sprite, not {c}")
    side = int(np.ceil(np.sqrt(n)))
    if side * max(h, w) > MAX_SPRITE_PX:
        msg = (
            f"a sprite of {n:,} images of {h}×{w} would be {side * h}×{side * w} px; the "
            f"projector's limit is {MAX_SPRITE_PX}"
        )
        if sprite:
            raise ValueError(msg)
        warn(msg + "; no sprite written", EmbedkitWarning)
        return None
    padded = np.zeros((side * side, h, w, c), dtype=np.uint8)
    padded[:n] = images
    return (
        padded.reshape(side, side, h, w, c).transpose(0, 2, 1, 3, 4).reshape(side * h, side * w, c)
    )


def _write_png(path: Path, grid: np.ndarray) -> None:
    from PIL import Image  # installed with matplotlib

    with atomic_writer(path) as f:
        Image.fromarray(grid).save(f, format="PNG")


def _metadata_table(emb: Embeddings, columns: Sequence[Any] | None) -> pd.DataFrame:
    meta = emb.metadata if emb.metadata is not None else pd.DataFrame(index=range(len(emb)))
    chosen = list(meta.columns) if columns is None else list(columns)
    missing = [c for c in chosen if c not in meta.columns]
    if missing:
        raise ValueError(f"no metadata column(s) {missing}; there are {list(meta.columns)}")
    if "label" in [str(c) for c in chosen]:
        raise ValueError(
            "a metadata column is called 'label', like the label column the projector file "
            "starts with; rename it or leave it out with columns=[...]"
        )
    table = pd.DataFrame({"label": emb.labels})
    for c in chosen:
        table[str(c)] = meta[c].to_numpy(dtype=object)
    return table


def _cell(v: Any) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def _column_cells(col: pd.Series, name: str, sanitize: bool) -> list[str]:
    cells = [_cell(v) for v in col.tolist()]
    for i, text in enumerate(cells):
        if _CONTROL.search(text):
            if not sanitize:
                raise ValueError(
                    f"row {i} ({'label' if name == 'label' else f'column {name!r}'}) holds a tab, "
                    f"newline or carriage return: {text!r}; the projector would misread the "
                    "file. Pass sanitize=True to replace them with spaces"
                )
            cells[i] = _CONTROL.sub(" ", text)
    return cells


def _check_header(header: list[str], sanitize: bool) -> None:
    for i, name in enumerate(header):
        if _CONTROL.search(name):
            if not sanitize:
                raise ValueError(f"metadata column name {name!r} holds a tab or newline")
            header[i] = _CONTROL.sub(" ", name)
        if not header[i].strip():
            raise ValueError("metadata column names must not be empty")


def _check_labels(labels: list[str], has_header: bool, numeric_labels: str) -> list[str]:
    first = 2 if has_header else 1
    for i, lab in enumerate(labels):
        if not lab.strip(_JS_SPACE):
            raise ValueError(
                f"row {i} (metadata.tsv line {i + first}) has an empty or whitespace-only "
                f"label {lab!r}; the projector cannot show it"
            )
    numeric = [i for i, lab in enumerate(labels) if js_number_like(lab)]
    if not numeric:
        return labels
    shown = ", ".join(repr(labels[i]) for i in numeric[:5]) + (" ..." if len(numeric) > 5 else "")
    what = f"{len(numeric)} label(s) look numeric ({shown}); the projector shows them as numbers"
    if numeric_labels == "error":
        raise ValueError(f"{what}. Pass numeric_labels='prefix' to write them as '#007'")
    if numeric_labels == "warn":
        warn(
            f"{what} (e.g. '007' as 7). Pass numeric_labels='prefix' to write them with a "
            f"{NUMERIC_PREFIX!r} prefix",
            EmbedkitWarning,
        )
        return labels
    out = list(labels)
    for i in numeric:
        out[i] = NUMERIC_PREFIX + out[i]
    return out


# ----------------------------------------------------------------------------- import
def projector_paths(path: str | Path) -> tuple[Path, Path | None]:
    """``(vectors.tsv, metadata.tsv or None)`` from a directory or a vectors file."""
    p = check_file(path)
    if p.is_dir():
        vec = p / VECTORS
        if not vec.exists():
            found = sorted(x.name for x in p.glob("*.tsv"))
            raise FileNotFoundError(f"{p} has no {VECTORS} (.tsv files there: {found})")
    else:
        vec = p
    meta = vec.parent / METADATA
    return vec, (meta if meta.exists() and meta != vec else None)


def read_projector(path: str | Path) -> Parts:
    """Labels, vectors and metadata of projector files; the rules of :func:`to_projector`.

    A directory or its ``vectors.tsv``; :func:`embedkit.io.load` makes ``Embeddings``
    of them.
    """
    vec_path, meta_path = projector_paths(path)
    vectors = _read_vectors(vec_path)
    if meta_path is None:
        labels, meta = [str(i) for i in range(len(vectors))], None
    else:
        labels, meta = _read_metadata(meta_path, len(vectors))
    seen: dict[str, int] = {}
    offset = 2 if meta is not None and meta.shape[1] else 1
    for i, lab in enumerate(labels):
        if lab in seen:
            raise FormatError(
                meta_path or vec_path,
                f"duplicate label {lab!r} (also on line "
                f"{seen[lab] + offset}); labels must be unique",
                line=i + offset,
            )
        seen[lab] = i
    return Parts(labels, vectors, meta)


def _read_vectors(path: Path) -> np.ndarray:
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            frame = pd.read_csv(
                path,
                sep="\t",
                header=None,
                dtype=np.float32,
                na_filter=False,
                engine="c",
                quoting=csv.QUOTE_NONE,
                index_col=False,
                encoding="utf-8",
            )
        vectors = frame.to_numpy(np.float32)
        if vectors.shape[1] >= 2 and np.isfinite(vectors).all():
            return np.ascontiguousarray(vectors)
    except MemoryError:
        raise
    except Exception:  # deliberately broad: the line-by-line pass names the problem
        pass
    return _read_vectors_slow(path)


def _read_vectors_slow(path: Path) -> np.ndarray:
    rows: list[np.ndarray] = []
    dim = None
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            body = raw.rstrip(b"\r\n")
            if not body.strip():
                continue
            parts = body.split(b"\t")
            if dim is None:
                dim = len(parts)
                if dim < 2:
                    raise FormatError(
                        path,
                        f"{dim} value(s) per row; the projector needs >= 2 "
                        "tab-separated dimensions",
                        line=lineno,
                    )
            if len(parts) != dim:
                raise FormatError(
                    path,
                    f"expected {dim} tab-separated values (as on the first row), got {len(parts)}",
                    line=lineno,
                )
            rows.append(_parse_floats(path, lineno, parts))
    if dim is None:
        raise FormatError(path, "no vectors in the file")
    return np.vstack(rows)


def _parse_floats(path: Path, lineno: int, parts: list[bytes]) -> np.ndarray:
    for j, raw in enumerate(parts):
        tok = raw.decode("utf-8", "replace")
        try:
            value = float(tok)
        except ValueError:
            hint = " (vectors.tsv has no header row)" if lineno == 1 else ""
            raise FormatError(
                path, f"value {j + 1} is not a number: {tok[:40]!r}{hint}", line=lineno
            ) from None
        with np.errstate(over="ignore"):
            as_float32 = np.float32(value)
        if not np.isfinite(as_float32):
            raise FormatError(path, f"value {j + 1} is not finite: {tok[:40]!r}", line=lineno)
    return np.array([float(t) for t in parts], dtype=np.float32)


def _read_metadata(path: Path, n: int) -> tuple[list[str], pd.DataFrame | None]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad_line = data[: e.start].count(b"\n") + 1
        raise FormatError(path, "not valid UTF-8", line=bad_line) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        if "\r" in line:
            raise FormatError(
                path,
                "carriage return (CRLF line ending?): the projector would "
                "keep it in the value; use LF endings",
                line=i + 1,
            )
    header = lines[0].split("\t") if lines and "\t" in lines[0] else None
    rows = lines[1:] if header is not None else lines
    start = 2 if header is not None else 1
    if len(rows) != n:
        raise FormatError(
            path,
            f"{len(rows):,} metadata rows for {n:,} vectors in {VECTORS}; "
            "they must match one to one",
            line=start + min(len(rows), n),
        )
    width = len(header) if header is not None else 1
    cells = [row.split("\t") for row in rows]
    for i, row in enumerate(cells):
        if len(row) != width:
            raise FormatError(
                path,
                f"expected {width} tab-separated values (as in the header), got {len(row)}",
                line=i + start,
            )
        if not row[0].strip(_JS_SPACE):
            raise FormatError(path, f"empty label {row[0]!r}", line=i + start)
    labels = [row[0] for row in cells]
    if header is None:
        return labels, None
    meta = {name: _typed_column([row[k] for row in cells]) for k, name in enumerate(header) if k}
    return labels, pd.DataFrame(meta)


def _typed_column(values: list[str]) -> pd.Series:
    """Numbers become int64/float64 (empty -> NaN); other columns stay text (empty -> None)."""
    present = [v for v in values if v != ""]
    if present and all(_DECIMAL.fullmatch(v) for v in present):
        nums = pd.to_numeric(pd.Series([v if v != "" else None for v in values], dtype=object))
        return nums
    return pd.Series([v if v != "" else None for v in values], dtype=object)
