"""Parquet shards of embeddings: a ``label`` column and a fixed-size float32 ``vector``.

The layout that :func:`embedkit.scale.embed` writes and ``ek.load(folder,
format="parquet")`` reads: one file or a folder of ``*.parquet`` files (read in name
order), each with

- ``label``: string, unique over all shards;
- ``vector``: ``fixed_size_list<float32>[dim]``;
- any other column: metadata (text, class, ...);
- schema metadata ``embedkit.encoder`` (what made the vectors) and ``embedkit.dim``.

Nothing in it is a pickle. This module works on labels and arrays only (it never imports
``Embeddings``); :mod:`embedkit.scale.parquet` streams the shards as ``Embeddings``.

Examples
--------
>>> import tempfile, pathlib
>>> import numpy as np
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = write_shard(folder / "part-0.parquet", ["a", "b"], np.eye(2), encoder="identity")
>>> info = parquet_info(folder)
>>> info["rows"], info["dim"], info["encoder"]
(2, 2, 'identity')
>>> read_parquet(folder).labels
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._deps import require
from ._common import FormatError, Parts, PathLike

ENCODER_KEY = b"embedkit.encoder"
DIM_KEY = b"embedkit.dim"


def _pa() -> Any:
    return require("pyarrow", extra="ray", purpose="Parquet embeddings")


def parquet_files(path: PathLike) -> list[Path]:
    """The ``*.parquet`` files of a folder (sorted by name), or the one file given."""
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.exists():
        raise FileNotFoundError(f"no such file or folder: {p}")
    files = sorted(f for f in p.rglob("*.parquet") if f.is_file())
    if not files:
        raise FormatError(p, "the folder holds no .parquet file")
    return files


def schema(dim: int, encoder: str = "", extra: Any = None) -> Any:
    """The Arrow schema of a shard: label, vector[dim], the ``extra`` fields, metadata."""
    pa = _pa()
    fields = [pa.field("label", pa.string()), pa.field("vector", pa.list_(pa.float32(), dim))]
    fields += list(extra or [])
    meta = {ENCODER_KEY: encoder.encode("utf-8"), DIM_KEY: str(int(dim)).encode()}
    return pa.schema(fields, metadata=meta)


def to_table(
    labels: Sequence[str],
    vectors: np.ndarray,
    encoder: str = "",
    metadata: Any = None,
) -> Any:
    """An Arrow table of one shard (``metadata``: a DataFrame or dict of columns)."""
    pa = _pa()
    vec = np.ascontiguousarray(vectors, dtype=np.float32)
    if vec.ndim != 2 or len(vec) != len(labels):
        raise ValueError(f"{len(labels)} labels for vectors of shape {vec.shape}")
    flat = pa.array(vec.reshape(-1), type=pa.float32())
    table = pa.table(
        {
            "label": pa.array([str(x) for x in labels], pa.string()),
            "vector": pa.FixedSizeListArray.from_arrays(flat, vec.shape[1]),
        }
    )
    if metadata is not None:
        import pandas as pd

        frame = metadata if isinstance(metadata, pd.DataFrame) else pd.DataFrame(metadata)
        extra = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        for name in extra.column_names:
            if name not in ("label", "vector"):
                table = table.append_column(name, extra[name])
    return table.cast(schema(vec.shape[1], encoder, list(table.schema)[2:]))


def write_shard(
    path: PathLike,
    labels: Sequence[str],
    vectors: np.ndarray,
    encoder: str = "",
    metadata: Any = None,
) -> Path:
    """Write one shard file (Parquet, zstd); returns its path."""
    pq = require("pyarrow.parquet", extra="ray")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(to_table(labels, vectors, encoder, metadata), p, compression="zstd")
    return p


def parquet_info(path: PathLike) -> dict[str, Any]:
    """Encoder, dimension, row count and files of a shard folder, from the footers only."""
    pq = require("pyarrow.parquet", extra="ray")
    files = parquet_files(path)
    rows, encoder, dim = 0, "", None
    for f in files:
        meta = pq.read_metadata(f)
        rows += meta.num_rows
        found = _check_schema(f, meta.schema.to_arrow_schema())
        if dim is not None and found[1] != dim:
            raise FormatError(f, f"vectors of dimension {found[1]}, other shards have {dim}")
        encoder, dim = found
    return {"rows": rows, "dim": dim, "encoder": encoder, "files": files}


def _check_schema(path: Path, sch: Any) -> tuple[str, int]:
    pa = _pa()
    names = sch.names
    if "label" not in names or "vector" not in names:
        raise FormatError(path, f"expected columns 'label' and 'vector', found {names}")
    vtype = sch.field("vector").type
    if not pa.types.is_fixed_size_list(vtype) or not pa.types.is_floating(vtype.value_type):
        raise FormatError(path, f"'vector' must be a fixed-size list of floats, not {vtype}")
    meta = sch.metadata or {}
    return meta.get(ENCODER_KEY, b"").decode("utf-8"), int(vtype.list_size)


def table_parts(table: Any, path: Path | None = None) -> Parts:
    """Labels, float32 vectors and metadata columns of an Arrow table (one shard's rows)."""
    _check_schema(path or Path("<table>"), table.schema)
    vec = table.column("vector").combine_chunks()
    dim = vec.type.list_size
    flat = vec.flatten().to_numpy(zero_copy_only=False)
    vectors = np.ascontiguousarray(flat.reshape(-1, dim), dtype=np.float32)
    rest = [c for c in table.column_names if c not in ("label", "vector")]
    metadata = table.select(rest).to_pandas() if rest else None
    return Parts(table.column("label").to_pylist(), vectors, metadata)


def iter_parquet(
    path: PathLike, batch_rows: int | None = None, columns: Sequence[str] | None = None
) -> Iterator[Parts]:
    """The shards one after another (or pieces of ``batch_rows`` rows), never all at once."""
    pq = require("pyarrow.parquet", extra="ray")
    pa = _pa()
    cols = None if columns is None else ["label", "vector", *columns]
    for f in parquet_files(path):
        pf = pq.ParquetFile(f)
        _check_schema(f, pf.schema_arrow)
        if batch_rows is None:
            yield table_parts(pf.read(columns=cols), f)
            continue
        for batch in pf.iter_batches(batch_size=batch_rows, columns=cols):
            yield table_parts(pa.Table.from_batches([batch]), f)


def read_parquet(path: PathLike) -> Parts:
    """Every shard in memory: labels, vectors, metadata (the columns besides the two)."""
    import pandas as pd

    parts = list(iter_parquet(path))
    labels = [lab for p in parts for lab in p.labels]
    dims = {p.vectors.shape[1] for p in parts}
    if len(dims) > 1:
        raise FormatError(Path(path), f"shards of different dimensions {sorted(dims)}")
    vectors = np.concatenate([p.vectors for p in parts]) if parts else np.zeros((0, 0))
    metas = [p.metadata for p in parts if p.metadata is not None]
    metadata = pd.concat(metas, ignore_index=True) if len(metas) == len(parts) and metas else None
    return Parts(labels, vectors, metadata)
