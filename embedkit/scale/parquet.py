"""Parquet shards as :class:`~embedkit.Embeddings`: stream them, or write some.

``ek.load(folder, format="parquet")`` reads every shard into one ``Embeddings``; for a
folder that does not fit in memory, :func:`read_shards` yields one ``Embeddings`` per
shard (or per ``batch_rows`` rows), so that only one piece is in memory at a time.

Examples
--------
>>> import tempfile
>>> import numpy as np
>>> import embedkit as ek
>>> emb = ek.Embeddings([f"w{i}" for i in range(5)], np.arange(10.0).reshape(5, 2))
>>> folder = write_shards(emb, tempfile.mkdtemp(), rows_per_shard=2, encoder="arange")
>>> [piece.labels for piece in read_shards(folder)]
[['w0', 'w1'], ['w2', 'w3'], ['w4']]
>>> ek.load(folder, format="parquet").shape
(5, 2)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..io._parquet import iter_parquet, parquet_info, write_shard
from ..vectors import Embeddings

__all__ = ["parquet_info", "read_shards", "write_shards"]


def read_shards(
    path: str | os.PathLike[str],
    batch_rows: int | None = None,
    columns: Sequence[str] | None = None,
) -> Iterator[Embeddings]:
    """Yield the shards of a Parquet folder one at a time, as ``Embeddings``.

    Parameters
    ----------
    path : str or path-like
        A folder of ``*.parquet`` shards (read in name order) or one file.
    batch_rows : int, optional
        Yield pieces of at most this many rows instead of whole shards.
    columns : sequence of str, optional
        Metadata columns to read (default all); ``label`` and ``vector`` always are.
    """
    for part in iter_parquet(path, batch_rows, columns):
        yield Embeddings(part.labels, part.vectors, metadata=part.metadata)


def write_shards(
    emb: Embeddings,
    folder: str | os.PathLike[str],
    rows_per_shard: int = 100_000,
    encoder: str = "",
) -> Path:
    """Write ``emb`` as Parquet shards ``part-00000.parquet``, ... (metadata kept)."""
    if rows_per_shard < 1:
        raise ValueError(f"rows_per_shard must be positive, got {rows_per_shard}")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    meta, names = emb.metadata, emb.labels  # one copy of the labels, not one per shard
    for i, start in enumerate(range(0, len(emb), rows_per_shard)):
        stop = min(start + rows_per_shard, len(emb))
        part = None if meta is None else meta.iloc[start:stop]
        write_shard(
            out / f"part-{i:05d}.parquet",
            names[start:stop],
            emb.vectors[start:stop],
            encoder,
            part,
        )
    return out
