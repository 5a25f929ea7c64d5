"""A sharded faiss IVF-PQ index over Parquet shards, with its inverted lists on disk.

:meth:`ShardedIndex.build` never holds the whole matrix in memory:

1. one pass over the shards writes the labels (an Arrow column, looked up by id), the
   vectors (``vectors.npy``, for the exact re-rank; optional) and keeps a seeded random
   training sample;
2. a faiss ``index_factory`` index (``OPQ{m},IVF{nlist},PQ{m}``; the string is reported)
   is trained on the sample;
3. every shard is added to a copy of the trained index (as Ray tasks when Ray is
   running, else one after another), each written as a small block;
4. the blocks are merged into one ``OnDiskInvertedLists`` file (``lists.ivfdata``),
   which queries memory-map.

Parameters follow faiss's guidelines ("Guidelines to choose an index", faiss wiki):
``nlist`` a power of two near ``4·sqrt(n)`` with at least 39 training points per list,
``train_size = min(n, 40·nlist)`` (faiss asks for 39 to 256 per list), PQ with
``m = dim/4`` sub-quantizers of 8 bits (at most 64, a divisor of ``dim``; fewer bits
when the sample is too small for 256 codes), and ``nprobe = max(32, nlist/64)``
(recall@10 0.997 at 2M rows, bench_scale.py; :func:`index_parameters`). With ``rerank``
(20 by default) the top ``rerank·k`` PQ candidates are scored exactly from the stored
vectors, so the reported scores are exact and the recall is that of the candidate lists,
not of the PQ codes.

OPQ (``opq=True``, a rotation that balances variance across sub-quantizers) is off by
default: measured here, training ``OPQ32,IVF1024,PQ32`` on 65,536 128-d vectors took
381 s on the shared 2 cores against 132 s for ``IVF4096,PQ16`` on twice the sample, and
the exact re-rank already recovers what the PQ codes lose.

Measured by ``benchmarks/bench_scale.py`` (numbers and the 100M × 384 estimate derived
from them are in the README, "Scaling out").

Examples
--------
>>> import tempfile
>>> import numpy as np
>>> import embedkit as ek
>>> from embedkit.scale import write_shards
>>> rng = np.random.default_rng(0)
>>> emb = ek.Embeddings([f"w{i}" for i in range(3000)], rng.normal(size=(3000, 16)))
>>> shards = write_shards(emb, tempfile.mkdtemp(), rows_per_shard=1000)
>>> index = ShardedIndex.build(shards, tempfile.mkdtemp(), use_ray=False)
>>> index.factory, index.nprobe
('IVF64,PQ4x6', 32)
>>> found = index.neighbours("w7", k=3)
>>> found.columns.tolist(), found.index.name, found.attrs
(['label', 'score'], 'rank', {'metric': 'cosine', 'exact': True})
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._deps import require
from ..io._parquet import iter_parquet, parquet_files, parquet_info
from ..search import check_metric
from ..vectors import UnknownLabelError

__all__ = ["ShardedIndex", "index_parameters"]

_FORMAT_VERSION = 1
_TAKE_FROM = 256  # labels_of: more ids than this use Arrow's take


def index_parameters(n: int, dim: int) -> dict[str, Any]:
    """nlist, PQ size, OPQ, nprobe and the training-sample size for ``n`` vectors of ``dim``.

    Examples
    --------
    >>> p = index_parameters(2_000_000, 128)
    >>> p["factory"], p["nprobe"], p["train_size"]
    ('IVF4096,PQ32', 64, 163840)
    >>> index_parameters(100_000_000, 384)["factory"]
    'IVF32768,PQ64'
    """
    if n < 1 or dim < 1:
        raise ValueError(f"need at least one vector of dimension >= 1, got {n} × {dim}")
    nlist = 2 ** round(math.log2(max(4 * math.sqrt(n), 1)))
    nlist = max(1, min(nlist, 2 ** int(math.log2(max(n // 39, 1)))))
    m = max((c for c in range(1, min(64, max(dim // 4, 1)) + 1) if dim % c == 0), default=1)
    opq = False
    train_size = min(n, 40 * nlist)
    # 8-bit codes need 256·39 training points; fewer points get fewer bits
    nbits = max(4, min(8, int(math.log2(max(train_size // 39, 16)))))
    return {
        "nlist": nlist,
        "m": m,
        "nbits": nbits,
        "opq": opq,
        "nprobe": min(nlist, max(32, nlist // 64)),
        "train_size": train_size,
        "factory": _factory(m, nlist, opq, nbits),
    }


def _factory(m: int, nlist: int, opq: bool, nbits: int = 8) -> str:
    bits = "" if nbits == 8 else f"x{nbits}"
    return f"{f'OPQ{m},' if opq else ''}IVF{nlist},PQ{m}{bits}"


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence faiss's C++ prints ("resizing ...", the on-disk file name) on fd 1."""
    fd = 1  # where the C library writes, whatever sys.stdout is (a kernel's stream)
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _faiss() -> Any:
    return require("faiss", extra="ray", purpose="the sharded index")


def _prepare(x: np.ndarray, metric: str) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float32)
    if metric == "cosine":
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        x = x / np.where(norms == 0, 1.0, norms)
    return np.ascontiguousarray(x, dtype=np.float32)


def _add_shard(
    trained: str, shard: str, first_id: int, metric: str, out: str, threads: int = 1
) -> int:
    """Add one shard's vectors (ids from ``first_id``) to a copy of the trained index."""
    faiss = _faiss()
    faiss.omp_set_num_threads(threads)
    index = faiss.read_index(trained)
    n = 0
    for part in iter_parquet(shard, batch_rows=65536, columns=[]):
        x = _prepare(part.vectors, metric)
        index.add_with_ids(x, np.arange(first_id + n, first_id + n + len(x), dtype=np.int64))
        n += len(x)
    faiss.write_index(index, out)
    return n


class ShardedIndex:
    """An IVF-PQ index on disk over Parquet shards; queried like ``Embeddings.neighbours``.

    Open a built one with ``ShardedIndex(path)``; build one with :meth:`build`.
    Attributes: ``factory`` (the faiss index string), ``metric``, ``nlist``, ``nprobe``
    (lists visited per query; settable), ``rerank`` (candidates per result scored
    exactly, 0 for PQ scores), ``size``, ``dim``, ``info`` (everything, build time
    included).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        faiss = _faiss()
        pa = require("pyarrow", extra="ray")
        self.path = Path(path)
        self.info: dict[str, Any] = json.loads((self.path / "index.json").read_text())
        with _quiet_stdout():
            self._index = faiss.read_index(
                str(self.path / "index.faiss"), faiss.IO_FLAG_ONDISK_SAME_DIR
            )
        self._ivf = faiss.extract_index_ivf(self._index)
        with pa.memory_map(str(self.path / "labels.arrow")) as source:
            self._labels = pa.ipc.open_file(source).read_all().column("label")
        vec = self.path / "vectors.npy"
        self._vectors = np.load(vec, mmap_mode="r") if vec.exists() else None
        self.metric: str = self.info["metric"]
        self.factory: str = self.info["factory"]
        self.nlist: int = self.info["nlist"]
        self.size: int = self.info["rows"]
        self.dim: int = self.info["dim"]
        self.rerank: int = 20 if self._vectors is not None else 0
        self.nprobe = int(self.info["nprobe"])

    # ------------------------------------------------------------------ building
    @classmethod
    def build(
        cls,
        source: str | os.PathLike[str],
        path: str | os.PathLike[str],
        metric: str = "cosine",
        *,
        nlist: int | None = None,
        m: int | None = None,
        opq: bool | None = None,
        nprobe: int | None = None,
        train_size: int | None = None,
        keep_vectors: bool = True,
        use_ray: bool | None = None,
        seed: int = 0,
    ) -> ShardedIndex:
        """Build the index of the Parquet shards in ``source`` into the folder ``path``.

        Parameters
        ----------
        source : str or path-like
            Parquet shards (``label`` + ``vector``), e.g. from :func:`embedkit.scale.embed`.
        path : str or path-like
            The index folder (created; its files are replaced).
        metric : {"cosine", "euclidean", "dot"}
        nlist, m, opq, nprobe, train_size : optional
            Override :func:`index_parameters` (chosen from the data size).
        keep_vectors : bool
            Store the vectors (``vectors.npy``, 4·dim bytes a row) for the exact re-rank
            and for queries by label.
        use_ray : bool, optional
            Add the shards as Ray tasks; default: when Ray is running.
        seed : int
            Seed of the training sample (and of faiss's k-means).
        """
        faiss = _faiss()
        metric = check_metric(metric)
        t0 = time.perf_counter()
        meta = parquet_info(source)
        n, dim = int(meta["rows"]), int(meta["dim"])
        p = index_parameters(n, dim)
        p.update({k: v for k, v in dict(nlist=nlist, m=m, opq=opq, nprobe=nprobe).items() if v})
        if train_size:
            p["train_size"] = min(n, int(train_size))
        p["factory"] = _factory(p["m"], p["nlist"], p["opq"], p["nbits"])
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        work = out / "_build"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()

        files, sample = cls._first_pass(source, out, n, dim, p["train_size"], keep_vectors, seed)
        t_pass = time.perf_counter()
        kind = faiss.METRIC_L2 if metric == "euclidean" else faiss.METRIC_INNER_PRODUCT
        index = faiss.index_factory(dim, p["factory"], kind)
        ivf = faiss.downcast_index(faiss.extract_index_ivf(index))
        ivf.cp.seed, ivf.cp.niter = seed, 10  # 10 k-means rounds, as faiss's own IVF default
        ivf.do_polysemous_training = False  # seconds of annealing, unused by these queries
        index.train(_prepare(sample, metric))
        del sample
        trained = str(work / "trained.index")
        faiss.write_index(index, trained)
        t_train = time.perf_counter()

        blocks = cls._add_all(trained, files, metric, work, use_ray)
        t_add = time.perf_counter()
        with _quiet_stdout():
            cls._merge(index, blocks, out)
        shutil.rmtree(work, ignore_errors=True)
        info = {
            "format_version": _FORMAT_VERSION,
            "metric": metric,
            "rows": n,
            "dim": dim,
            "encoder": meta["encoder"],
            **p,
            "shards": len(files),
            "vectors_kept": keep_vectors,
            "seconds": {
                "read": round(t_pass - t0, 2),
                "train": round(t_train - t_pass, 2),
                "add": round(t_add - t_train, 2),
                "merge": round(time.perf_counter() - t_add, 2),
            },
        }
        (out / "index.json").write_text(json.dumps(info, indent=1))
        return cls(out)

    @staticmethod
    def _first_pass(
        source: Any, out: Path, n: int, dim: int, train_size: int, keep: bool, seed: int
    ) -> tuple[list[tuple[str, int]], np.ndarray]:
        """Labels (Arrow), vectors (.npy) and a seeded sample, in one streamed pass."""
        pa = require("pyarrow", extra="ray")
        chosen = np.sort(np.random.default_rng(seed).choice(n, size=train_size, replace=False))
        sample = np.empty((train_size, dim), np.float32)
        files: list[tuple[str, int]] = []
        seen, taken, labels_seen = 0, 0, set[str]()
        check_all = n <= 1_000_000  # a set of every label costs ~100 bytes a row
        sch = pa.schema([pa.field("label", pa.string())])
        vec_file = open(out / "vectors.npy", "wb") if keep else None  # noqa: SIM115
        try:
            if vec_file is not None:
                np.lib.format.write_array_header_1_0(
                    vec_file, {"descr": "<f4", "fortran_order": False, "shape": (n, dim)}
                )
            with (
                pa.OSFile(str(out / "labels.arrow"), "wb") as sink,
                pa.ipc.new_file(sink, sch) as writer,
            ):
                for f in parquet_files(source):
                    files.append((str(f), seen))
                    for part in iter_parquet(f, batch_rows=65536, columns=[]):
                        dup = labels_seen.intersection(part.labels) if check_all else ()
                        if dup or len(set(part.labels)) != len(part.labels):
                            raise ValueError(f"duplicate labels in {f}: {sorted(dup)[:5]}")
                        if check_all:
                            labels_seen.update(part.labels)
                        writer.write_table(pa.table({"label": part.labels}, schema=sch))
                        if vec_file is not None:
                            vec_file.write(part.vectors.astype("<f4").tobytes())
                        rows = chosen[(chosen >= seen) & (chosen < seen + len(part.labels))]
                        sample[taken : taken + len(rows)] = part.vectors[rows - seen]
                        taken += len(rows)
                        seen += len(part.labels)
        finally:
            if vec_file is not None:
                vec_file.close()
        return files, sample

    @staticmethod
    def _add_all(
        trained: str, files: list[tuple[str, int]], metric: str, work: Path, use_ray: bool | None
    ) -> list[str]:
        blocks = [str(work / f"block-{i:05d}.index") for i in range(len(files))]
        jobs = [(trained, f, first, metric, b) for (f, first), b in zip(files, blocks, strict=True)]
        ray: Any = None
        if use_ray is not False:
            try:
                ray = importlib.import_module("ray")
            except ImportError:
                if use_ray:
                    raise
        if ray is not None and (use_ray or ray.is_initialized()):
            task = ray.remote(num_cpus=1)(_add_shard)
            ray.get([task.remote(*job) for job in jobs])
        else:
            threads = os.cpu_count() or 1
            for job in jobs:
                _add_shard(*job, threads=threads)
        return blocks

    @staticmethod
    def _merge(index: Any, blocks: Sequence[str], out: Path) -> None:
        """Merge the blocks' inverted lists into ``lists.ivfdata`` (on disk, memory-mapped)."""
        faiss = _faiss()
        ivf = faiss.extract_index_ivf(index)
        opened = [faiss.read_index(b, faiss.IO_FLAG_MMAP) for b in blocks]
        lists = faiss.InvertedListsPtrVector()
        for blk in opened:
            lists.push_back(faiss.extract_index_ivf(blk).invlists)
        target = out / "lists.ivfdata"
        target.unlink(missing_ok=True)
        ondisk = faiss.OnDiskInvertedLists(ivf.nlist, ivf.code_size, str(target))
        ntotal = ondisk.merge_from_multiple(lists.data(), lists.size(), False, False)
        ivf.ntotal = index.ntotal = int(ntotal)
        ivf.replace_invlists(ondisk, True)
        ondisk.this.disown()
        faiss.write_index(index, str(out / "index.faiss"))
        del opened

    # ------------------------------------------------------------------ querying
    @property
    def nprobe(self) -> int:
        """Inverted lists visited per query: more means better recall, slower queries."""
        return int(self._ivf.nprobe)

    @nprobe.setter
    def nprobe(self, value: int) -> None:
        self._ivf.nprobe = int(value)

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        exact = f"exact re-rank of {self.rerank}·k" if self.rerank else "PQ scores"
        return (
            f"ShardedIndex({self.size:,} × {self.dim}, {self.metric}, {self.factory!r}, "
            f"nprobe={self.nprobe}, {exact})"
        )

    def label_id(self, label: str) -> int:
        """The row id of ``label`` (a scan of the label column)."""
        pc = require("pyarrow.compute", extra="ray")
        i = int(pc.index(self._labels, label).as_py())
        if i < 0:
            raise UnknownLabelError(f"{label!r} is not in the index")
        return i

    def labels_of(self, ids: Sequence[int] | np.ndarray) -> list[str]:
        """The labels of row ids, read from the memory-mapped Arrow column.

        A few ids are read one by one (16 µs for 10 at 2M rows); Arrow's ``take`` over
        the column's chunks costs ~4.5 ms whatever the count, so it serves only long lists.
        """
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) and (ids.min() < 0 or ids.max() >= self.size):
            raise IndexError(f"row ids must be in [0, {self.size}), got {ids.min()}..{ids.max()}")
        if len(ids) > _TAKE_FROM:
            return self._labels.take(ids).to_pylist()
        column = self._labels
        return [column[int(i)].as_py() for i in ids]

    def vectors_of(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Stored vectors of row ids (needs ``keep_vectors=True`` at build time)."""
        if self._vectors is None:
            raise ValueError("this index was built with keep_vectors=False")
        ids = np.asarray(ids, dtype=np.int64)
        order = np.argsort(ids)
        out = np.empty((len(ids), self.dim), np.float32)
        out[order] = self._vectors[ids[order]]
        return out

    def neighbours(self, query: Any, k: int = 10, *, rerank: int | None = None) -> pd.DataFrame:
        """The ``k`` nearest rows to a label, labels, a vector or a matrix.

        The same DataFrame as ``Embeddings.neighbours``: one query is indexed by
        ``rank`` with ``label`` and ``score``, several by ``(query, rank)``;
        ``attrs["metric"]`` names the metric and ``attrs["exact"]`` says whether the
        scores were recomputed exactly (``rerank > 0``) or are PQ estimates. A query
        label is left out of its own answer.
        """
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        q, names, own, single = self._queries(query)
        rerank = self.rerank if rerank is None else int(rerank)
        want = k + 1 if any(o >= 0 for o in own) else k
        dist, ids = self._index.search(_prepare(q, self.metric), max(want, rerank * want))
        idx = np.full((len(q), k), -1, np.int64)
        val = np.full((len(q), k), np.nan, np.float64)
        for row in range(len(q)):
            cand = ids[row][(ids[row] >= 0) & (ids[row] != own[row])]
            if rerank and len(cand):
                score = self._exact(q[row], cand)
                order = np.argsort(score if self.metric == "euclidean" else -score, kind="stable")
                cand, score = cand[order], score[order]
            else:
                keep = (ids[row] >= 0) & (ids[row] != own[row])
                score = dist[row][keep].astype(np.float64)
                if self.metric == "euclidean":
                    score = np.sqrt(np.maximum(score, 0))
            idx[row, : min(k, len(cand))] = cand[:k]
            val[row, : min(k, len(cand))] = score[:k]
        return self._frame(idx, val, names, single, rerank > 0)

    def _queries(self, query: Any) -> tuple[np.ndarray, list[str], list[int], bool]:
        if isinstance(query, str):
            i = self.label_id(query)
            return self.vectors_of([i]), [query], [i], True
        if isinstance(query, (list, tuple)) and query and all(isinstance(x, str) for x in query):
            ids = [self.label_id(x) for x in query]
            return self.vectors_of(ids), list(query), ids, False
        arr = np.asarray(query, dtype=np.float32)
        single = arr.ndim == 1
        arr = arr[None, :] if single else arr
        if arr.ndim != 2 or arr.shape[1] != self.dim:
            raise ValueError(f"query must be a label, labels, or vectors of dimension {self.dim}")
        return arr, [str(i) for i in range(len(arr))], [-1] * len(arr), single

    def _exact(self, q: np.ndarray, ids: np.ndarray) -> np.ndarray:
        v = self.vectors_of(ids).astype(np.float64)
        q = q.astype(np.float64)
        if self.metric == "euclidean":
            return np.sqrt(((v - q) ** 2).sum(axis=1))
        dots = v @ q
        if self.metric == "dot":
            return dots
        norms = np.linalg.norm(v, axis=1) * max(float(np.linalg.norm(q)), 1e-30)
        return dots / np.where(norms == 0, 1.0, norms)

    def _frame(
        self, idx: np.ndarray, val: np.ndarray, names: list[str], single: bool, exact: bool
    ) -> pd.DataFrame:
        keep = idx >= 0
        labels = self.labels_of(idx[keep])
        ranks = np.broadcast_to(np.arange(1, idx.shape[1] + 1), idx.shape)[keep]
        frame = {"label": labels, "score": val[keep]}
        if single:
            out = pd.DataFrame(frame, index=pd.Index(ranks, name="rank"))
        else:
            qn = np.broadcast_to(np.asarray(names, dtype=object)[:, None], idx.shape)[keep]
            out = pd.DataFrame(
                frame, index=pd.MultiIndex.from_arrays([qn, ranks], names=["query", "rank"])
            )
        out.attrs["metric"] = self.metric
        out.attrs["exact"] = exact
        return out

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """A seeded uniform sample of ``n`` row ids (sorted): what a projector draws."""
        n = min(int(n), self.size)
        return np.sort(np.random.default_rng(seed).choice(self.size, size=n, replace=False))
