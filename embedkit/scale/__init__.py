"""Beyond one machine: embed on a Ray cluster, Parquet shards, a sharded faiss index.

Needs ``pip install 'embedkit[ray]'`` (Ray Data and Ray Train, faiss-cpu, pyarrow).
Nothing here is imported by ``import embedkit``, and Ray and faiss are imported only
inside the functions that use them.

- :func:`embed`: map an embedkit encoder over a Ray Dataset with an actor pool, write
  Parquet shards of ``label`` + ``vector`` (:mod:`embedkit.scale.batch`);
- :func:`read_shards`, :func:`write_shards`, :func:`parquet_info`: the shards as
  ``Embeddings``, streamed (``ek.load(folder, format="parquet")`` reads them all);
- :class:`ShardedIndex`: a faiss IVF-PQ index built shard by shard into on-disk inverted
  lists, queried like ``Embeddings.neighbours`` (:mod:`embedkit.scale.index`);
- training on several workers is a trainer's parameter, not a function here:
  ``ek.train.ImageTrainer(..., distributed=2)`` trains with Ray Train (DDP) through the
  trainer's own epoch loop (:mod:`embedkit.train._ray`).

What changes on a real cluster: the ``ray.init`` line (``ray.init(address=...)``) and
the storage path (a folder every node sees); see the README, "Scaling out".
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "embed": "embedkit.scale.batch",
    "local_cluster": "embedkit.scale.cluster",
    "read_shards": "embedkit.scale.parquet",
    "write_shards": "embedkit.scale.parquet",
    "parquet_info": "embedkit.scale.parquet",
    "ShardedIndex": "embedkit.scale.index",
    "index_parameters": "embedkit.scale.index",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'embedkit.scale' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
