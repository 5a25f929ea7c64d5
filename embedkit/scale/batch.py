"""Embed a data set on a Ray cluster with an embedkit encoder; write Parquet shards.

:func:`embed` maps any embedkit encoder over a Ray Dataset with Ray Data's
``map_batches`` and an actor pool: each actor receives the encoder once (its model is
loaded once per actor, never per batch) and turns batches of the ``column`` into
vectors, which Ray writes as Parquet shards of ``label`` + ``vector`` (a fixed-size
float32 list) with the encoder's name and the dimension in the schema metadata (the
layout of :mod:`embedkit.io._parquet`). The vectors are the single-process encoder's:
the same object does the work, only in several processes.

The encoders it knows, recognised by what they can do:

============================  ===================  ================================
encoder                       column holds          call in each actor
============================  ===================  ================================
``SentenceEncoder``           str                  ``encoder.encode(texts).vectors``
``ImageEmbedder``             uint8 image arrays    ``encoder.embed(images).vectors``
``ImageTrainer`` (fitted)     uint8 image arrays    ``encoder.embed(images).vectors``
``Doc2Vec`` (fitted)          str or token lists    ``encoder.infer_many(docs).vectors``
============================  ===================  ================================

The same call runs on a real cluster: connect with ``ray.init(address="ray://head:10001")``
(or ``address="auto"`` on a cluster node) instead of the local ``ray.init(num_cpus=2)``,
and write to storage every node sees (``output="s3://bucket/emb"``, a shared file system).

Ray must be started first (here a local cluster; ``tests/test_scale.py`` and notebook
07 run this)::

    ek.scale.local_cluster(num_cpus=2)       # or ray.init(address=...) on a cluster
    enc = ek.train.SentenceEncoder()
    out = ek.scale.embed(["A cat sat.", "Stocks fell."], enc, "emb/")
    ek.load(out, format="parquet").shape     # (2, 384)
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._deps import require
from ..io._parquet import to_table

__all__ = ["actor_cpus", "embed", "encode_values", "encoder_kind"]


def encoder_kind(encoder: Any) -> str:
    """``"documents"``, ``"sentences"`` or ``"images"``: which call turns values into vectors.

    >>> class Texts:
    ...     def encode(self, texts): ...
    >>> encoder_kind(Texts())
    'sentences'
    """
    if hasattr(encoder, "infer_many"):
        return "documents"
    if hasattr(encoder, "encode"):
        return "sentences"
    if hasattr(encoder, "embed"):
        return "images"
    raise TypeError(
        f"{type(encoder).__name__} is not an embedkit encoder: expected a SentenceEncoder, "
        "an ImageEmbedder or ImageTrainer, or a fitted Doc2Vec"
    )


def encode_values(encoder: Any, values: Any, kind: str | None = None) -> np.ndarray:
    """The vectors of one batch of values, float32 (n, dim), as the encoder makes them."""
    kind = kind or encoder_kind(encoder)
    if kind == "documents":
        from ..train.corpus import tokenize

        docs = [tokenize(v) if isinstance(v, str) else [str(t) for t in v] for v in values]
        return np.asarray(encoder.infer_many(docs).vectors, dtype=np.float32)
    if kind == "sentences":
        return np.asarray(encoder.encode([str(v) for v in values]).vectors, dtype=np.float32)
    images = np.stack([np.asarray(v) for v in values])
    return np.asarray(encoder.embed(images).vectors, dtype=np.float32)


class _Portable:
    """An encoder on its way to the actors: its class and attributes, no thread state.

    Observers (a dashboard) and the stop event stay behind; a sentence model is loaded
    by each actor from its name (installed on every node), while an image backbone is
    built here first, so that random or local weights travel with it and every actor
    computes the same vectors as this process. A fitted Doc2Vec travels with its model.
    """

    def __init__(self, encoder: Any, kind: str) -> None:
        if kind == "images" and hasattr(encoder, "_backbone"):
            encoder._backbone()
        # the last result (embeddings_) is not needed to encode: it may be big, and its
        # encoder reference holds a lock
        skip = {"observers", "_stop_event", "embeddings_"}
        skip |= {"_loaded"} if kind == "sentences" else set()
        self.cls = type(encoder)
        self.state = {k: v for k, v in vars(encoder).items() if k not in skip}
        self.name, self.kind = encoder_name(encoder), kind

    def restore(self) -> Any:
        import threading

        encoder = object.__new__(self.cls)
        encoder.__dict__.update(self.state)
        encoder.observers = []
        encoder._stop_event = threading.Event()
        if self.kind == "sentences":
            encoder._loaded = None
        return encoder


def encoder_name(encoder: Any) -> str:
    """What the schema metadata says made the vectors: the encoder's repr."""
    return repr(encoder)


class _EncodeBatches:
    """The actor: loads the model once in ``__init__``, encodes a batch per call."""

    def __init__(
        self, portable: _Portable, kind: str, column: str, label: str, keep: Any, threads: int = 1
    ) -> None:
        if kind != "documents":  # torch encoders: one thread per reserved CPU
            import torch

            torch.set_num_threads(int(threads))
        self.encoder, self.kind, self.column = portable.restore(), kind, column
        self.label_column, self.keep, self.name = label, list(keep), portable.name
        if kind == "sentences" and hasattr(self.encoder, "load_model"):
            self.encoder.load_model()
        elif kind == "images" and hasattr(self.encoder, "_backbone"):
            self.encoder._backbone()

    def __call__(self, batch: dict[str, np.ndarray]) -> Any:
        labels = [str(x) for x in batch[self.label_column]]
        vectors = encode_values(self.encoder, batch[self.column], self.kind)
        meta = {c: list(batch[c]) for c in self.keep} if self.keep else None
        return to_table(labels, vectors, self.name, meta)


def _as_dataset(data: Any, column: str, label_column: str, blocks: int) -> Any:
    """A Ray Dataset from a Ray Dataset, a DataFrame, a list of values or an image set."""
    ray = require("ray", extra="ray", purpose="embedding on a Ray cluster")
    import pandas as pd

    if isinstance(data, ray.data.Dataset):
        return data
    if hasattr(data, "images") and hasattr(data, "labels"):  # ek.datasets.digits()
        names = list(getattr(data, "names", range(len(data.images))))
        target = getattr(data, "target_names", None)
        classes = np.asarray(data.labels)
        if target is not None and classes.dtype.kind in "iu":
            classes = np.asarray(target, dtype=object)[classes]
        data = pd.DataFrame(
            {label_column: [str(n) for n in names], column: list(data.images), "class": classes}
        )
    if not isinstance(data, pd.DataFrame):
        values = list(data)
        data = pd.DataFrame({label_column: [str(i) for i in range(len(values))], column: values})
    elif label_column not in data.columns:
        data = data.assign(**{label_column: [str(i) for i in range(len(data))]})
    rows = data.to_dict("records")  # arrays in rows become a tensor column
    return ray.data.from_items(rows, override_num_blocks=min(blocks, max(len(rows), 1)))


def embed(
    data: Any,
    encoder: Any,
    output: str | os.PathLike[str],
    *,
    column: str | None = None,
    label_column: str = "label",
    keep: Sequence[str] = (),
    batch_size: int = 256,
    actors: int = 2,
    workers: int | None = None,
    num_gpus: float | None = None,
    rows_per_file: int | None = None,
    progress: bool = True,
) -> Path | str:
    """Embed ``data`` with ``encoder`` on the Ray cluster; write Parquet shards to ``output``.

    Parameters
    ----------
    data : ray.data.Dataset, pandas.DataFrame, list, or an image data set
        A Ray Dataset (``ray.data.read_parquet``, ``read_images``, ``from_pandas``, ...)
        with ``label_column`` and ``column``; a DataFrame or a list of texts, token lists
        or images (labels "0", "1", ... unless the frame has ``label_column``); or an
        image set such as ``ek.datasets.digits()`` (its names, images and classes).
    encoder
        A ``SentenceEncoder``, ``ImageEmbedder``, fitted ``ImageTrainer`` or fitted
        ``Doc2Vec``; each actor gets a copy and loads its model once.
    output : str or path-like
        A folder (or ``s3://...``) that every node can write to; Ray writes the shards.
    column : str, optional
        The values to embed. Default: ``"text"`` for text encoders, ``"image"`` for
        image ones (the column name of ``ray.data.read_images``).
    label_column : str
        Unique labels of the rows.
    keep : sequence of str
        Other columns copied into the shards (metadata: text, class, ...).
    batch_size : int
        Rows per call of an actor.
    actors : int
        Size of the actor pool (one model per actor).
    workers : int, optional
        Threads in each actor (torch's thread count), as ``workers`` means in every
        embedkit trainer. Default: the cluster's CPUs shared among the actors, at least 1
        (one actor on a 2-CPU machine uses both, as the single-process encoder does; with
        one thread it took 68 % longer); 1 with ``num_gpus``. The CPUs Ray reserves for
        the pool leave one free for the tasks that read and write (with every CPU held by
        actors, a ``read_parquet`` data set never gets read): :func:`actor_cpus`.
    num_gpus : float, optional
        GPUs per actor (on a cluster with GPUs; the encoder's ``device="auto"`` uses them).
    rows_per_file : int, optional
        At least this many rows per shard file (Ray's ``min_rows_per_file``).
    progress : bool
        Ray Data's progress bars (they show in the notebook).

    Returns
    -------
    Path or str
        ``output`` (a ``Path`` for a local folder): read it back with
        ``ek.load(output, format="parquet")``, :func:`embedkit.scale.read_shards`, or build
        a :class:`embedkit.scale.ShardedIndex` from it.
    """
    ray = require("ray", extra="ray", purpose="embedding on a Ray cluster")
    if not ray.is_initialized():
        raise RuntimeError(
            "Ray is not started: call ray.init(num_cpus=2, include_dashboard=False) for a "
            "local cluster, or ray.init(address=...) to join a real one"
        )
    for name, value in (("batch_size", batch_size), ("actors", actors), ("workers", workers)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    kind = encoder_kind(encoder)
    column = column or ("image" if kind == "images" else "text")
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = bool(progress)
    ctx.execution_options.preserve_order = True
    with _ray_data_logs(progress):
        cpus = float(ray.cluster_resources().get("CPU", 1))
        if workers is None:
            workers = 1 if num_gpus else max(1, int(cpus) // actors)
        return _run(ray, data, encoder, kind, output, column, label_column, keep, batch_size,
                    actors, workers, actor_cpus(cpus, actors, workers), num_gpus,
                    rows_per_file)  # fmt: skip


def actor_cpus(cluster_cpus: float, actors: int, workers: int) -> float:
    """The CPUs Ray reserves for each actor: its threads, leaving one CPU for reading.

    Ray Data reads (``read_parquet``, ``read_images``) and writes in tasks of one CPU
    each; a pool that reserved every CPU would wait for input forever. So the pool
    reserves at most ``cluster_cpus - 1`` in all (actors run their threads regardless).

    >>> actor_cpus(2, actors=2, workers=1), actor_cpus(2, 1, 2), actor_cpus(64, 4, 8)
    (0.5, 1.0, 8.0)
    """
    return round(min(float(workers), max(cluster_cpus - 1.0, 0.0) / actors), 4)


@contextlib.contextmanager
def _ray_data_logs(progress: bool) -> Iterator[None]:
    """Without progress, Ray Data's own log lines (start, plan, "bars disabled") go too."""
    logger = logging.getLogger("ray.data")
    level = logger.level
    if not progress:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _run(
    ray: Any,
    data: Any,
    encoder: Any,
    kind: str,
    output: Any,
    column: str,
    label_column: str,
    keep: Sequence[str],
    batch_size: int,
    actors: int,
    workers: int,
    num_cpus: float,
    num_gpus: float | None,
    rows_per_file: int | None,
) -> Path | str:
    n_blocks = max(2 * actors, 1)
    ds = _as_dataset(data, column, label_column, n_blocks)
    for needed in (column, label_column, *keep):
        if needed not in ds.columns():
            raise ValueError(f"the data set has no column {needed!r}; it has {ds.columns()}")
    mapped = ds.map_batches(
        _EncodeBatches,
        fn_constructor_args=(
            _Portable(encoder, kind),
            kind,
            column,
            label_column,
            tuple(keep),
            workers,
        ),
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=num_cpus,
        num_gpus=num_gpus,
    )
    # each block carries its schema (label, vector[dim], the metadata: encoder, dim),
    # which Ray's Parquet writer keeps
    kwargs: dict[str, Any] = {}
    if rows_per_file:
        kwargs["min_rows_per_file"] = int(rows_per_file)
    mapped.write_parquet(str(output), **kwargs)
    return str(output) if "://" in str(output) else Path(output)
