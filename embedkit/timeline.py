"""A training timeline: the vectors of a tracked set of rows at every epoch, aligned in 2D.

Any trainer given ``track=`` keeps one in ``timeline_`` (see :class:`embedkit.train.base.Trainer`).
The projector plays it (``ek.Projector(trainer.timeline_)``), a snapshot stores it for a
notebook without a kernel (``ek.snapshot(trainer.timeline_)``).

Two things make the frames readable:

- **Aligned coordinates** (:func:`aligned_coords`). Each epoch's unit-normalised vectors
  are first rotated onto the last epoch's by orthogonal Procrustes in the full dimension
  (a rotation or reflection of the whole space changes no cosine neighbour, so it is not
  learning and is taken out), then every epoch goes through *one* PCA fitted on the last
  epoch. Measured on Word2Vec (skip-gram, 50 dims, 10 epochs, the 2,000 most frequent
  words of the Wikipedia sample; ``benchmarks/bench_timeline.py --align``): a point whose
  10 neighbours stayed (Jaccard >= 0.8 between two epochs) moves per epoch, relative to
  the cloud's RMS radius, 0.049 here, 0.050 with one PCA fitted on the last epoch and no
  rotation (as good here, but a rotated or reflected frame would jump), and 0.068 when
  each epoch gets its own PCA, rotated onto the last in 2D: the top two axes of a space
  still learning swap and tilt between epochs, so unchanged points drift (+40 %); the
  last step (settling 0.91) moves points 0.027, 0.028 and 0.033. One projection also
  shows the space *forming*: early epochs sit as a small blob on the final axes and
  spread into their clusters, where a PCA per epoch would fill the same extent each time.
- **Settling** (:func:`settling`): the mean Jaccard overlap of each tracked row's 10
  nearest cosine neighbours (among the tracked rows) between consecutive epochs; 1 when
  nothing moves any more. It answers "when has it stopped moving?".

Memory: ``T × n × dim × 4`` bytes for ``T`` epochs of ``n`` rows (2,000 rows × 100 dims
is 0.8 MB per epoch); :meth:`Timeline.save` writes that plus ``T × n × 8`` bytes of
coordinates (0.41 MB per 1,000 rows per epoch at 100 dims).

This module is below ``train`` and ``widgets`` (it imports only ``vectors`` and the
``.npz`` helpers of ``io``).

Examples
--------
>>> import numpy as np
>>> vecs = np.stack([np.eye(3, dtype=np.float32) * (e + 1) for e in range(2)])
>>> tl = Timeline(["a", "b", "c"], epochs=[1, 2], vectors=vecs,
...               coords=np.zeros((2, 3, 2), np.float32))
>>> tl
Timeline(2 epochs × 3 rows × 3 dims)
>>> tl.frame(2)["b"].tolist()
[0.0, 2.0, 0.0]
>>> tl = Timeline.from_frames(["a", "b", "c"], epochs=[1, 2], vectors=vecs)
>>> tl.coords.shape, bool(np.allclose(tl.coords[0], tl.coords[1]))
((2, 3, 2), True)
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .vectors import Embeddings

__all__ = [
    "SETTLING_K",
    "SETTLING_ROWS",
    "Timeline",
    "aligned_coords",
    "neighbour_sets",
    "settling",
    "settling_rows",
]

SETTLING_K = 10
"""Neighbours compared per row by :func:`settling`."""

SETTLING_ROWS = 500
"""Rows whose neighbours :func:`settling` compares (a seeded sample above this many)."""

ALIGNMENTS = ("rotate-then-pca", "final-pca", "pca-each")
"""Ways to lay out the frames (:func:`aligned_coords`); the first is the default."""

_BLOCK = 1024  # rows per block of the n × n similarity matrix (memory bound)
_FORMAT = "embedkit.Timeline"


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (rows of zeros stay zero), float32."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return v / norms


def settling_rows(n: int) -> np.ndarray:
    """The rows whose neighbours :func:`settling` compares: all, or a seeded sample.

    Up to :data:`SETTLING_ROWS`; above, the same seeded sample for every epoch (so the
    curve has no sampling jitter between epochs), which keeps the cost per epoch at
    ``500 × n`` similarities and their top 10: the settling figure estimates the mean
    over all rows to about ±0.01 (per-row Jaccard spread about 0.2 over 500 rows).

    >>> settling_rows(4).tolist(), len(settling_rows(5000))
    ([0, 1, 2, 3], 500)
    """
    if n <= SETTLING_ROWS:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, size=SETTLING_ROWS, replace=False))


def neighbour_sets(vectors: Any, k: int = SETTLING_K, rows: Any = None) -> np.ndarray:
    """The ``k`` nearest rows by cosine (itself excluded) of each row, ``(n, k)`` indices.

    ``rows``: only these rows' neighbours (searched among all rows), ``(len(rows), k)``.
    Computed in blocks of rows, so memory stays at ``1024 × n`` scores. ``k`` is capped
    at ``n - 1``.

    >>> neighbour_sets(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]), k=1).ravel().tolist()
    [1, 0, 1]
    """
    u = _unit(np.asarray(vectors))
    n = len(u)
    k = min(int(k), n - 1)
    if k < 1:
        raise ValueError(f"neighbour sets need at least 2 rows, got {n}")
    queries = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    out = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), _BLOCK):
        block = queries[start : start + _BLOCK]
        sims = u[block] @ u.T
        sims[np.arange(len(block)), block] = -np.inf
        out[start : start + len(block)] = np.argpartition(sims, n - k, axis=1)[:, n - k :]
    return out


def _jaccard(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Per-row Jaccard overlap of two ``(n, k)`` neighbour-index sets."""
    n, k = before.shape
    columns = int(max(before.max(initial=0), after.max(initial=0))) + 1
    seen = np.zeros((min(n, _BLOCK), columns), dtype=bool)
    out = np.empty(n)
    for start in range(0, n, _BLOCK):
        b, a = before[start : start + _BLOCK], after[start : start + _BLOCK]
        rows = np.arange(len(b))[:, None]
        seen[rows, b] = True
        common = seen[rows, a].sum(axis=1)
        seen[rows, b] = False
        out[start : start + len(b)] = common / (2 * k - common)
    return out


def settling(before: Any, after: Any, k: int = SETTLING_K) -> float:
    """Mean Jaccard@``k`` of each row's cosine neighbours in ``before`` and in ``after``.

    Both are ``(n, dim)`` vectors of the same rows (e.g. consecutive epochs). 1.0 means
    every row kept its ``k`` nearest neighbours; a random reshuffle gives about
    ``k / n``. Over all rows up to :data:`SETTLING_ROWS`, a fixed seeded sample of them
    above (neighbours still searched among all rows). Rounded to 4 decimals.

    >>> a = np.array([[1.0, 0], [0.9, 0.1], [0, 1.0], [0.1, 0.9]])
    >>> settling(a, a, k=1)
    1.0
    >>> settling(a, a[[0, 2, 1, 3]], k=1)  # rows 1 and 2 swapped places
    0.0
    """
    rows = settling_rows(len(before))
    a, b = neighbour_sets(before, k, rows), neighbour_sets(after, k, rows)
    return round(float(_jaccard(a, b).mean()), 4)


def _pca_axes(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and the top two principal axes ``(d, 2)`` of ``X`` (float64, exact)."""
    x = X.astype(np.float64)
    mean = x.mean(axis=0)
    centred = x - mean
    _, vecs = np.linalg.eigh(centred.T @ centred)
    axes = np.zeros((X.shape[1], 2))
    top = vecs[:, ::-1][:, :2]
    axes[:, : top.shape[1]] = top
    return mean, axes


def _rotate_onto(X: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``X`` rotated (orthogonal Procrustes, reflections allowed) to best match ``target``."""
    u, _, vt = np.linalg.svd(X.astype(np.float64).T @ target.astype(np.float64))
    return X.astype(np.float64) @ (u @ vt)


def _fix_signs(coords: np.ndarray) -> np.ndarray:
    """Flip each axis so that the last frame's point furthest along it is positive.

    Decided on the points, not on the axes' loadings, so that a rotated copy of the same
    vectors gets the same picture.
    """
    last = coords[-1]
    for j in range(2):
        if last[np.abs(last[:, j]).argmax(), j] < 0:
            coords[..., j] *= -1
    return coords


def aligned_coords(vectors: Any, *, align: str = "rotate-then-pca") -> np.ndarray:
    """2D positions of ``(T, n, dim)`` frames, aligned so that motion means learning.

    Rows are unit-normalised first (cosine geometry, as the projector shows word
    vectors). ``align``:

    - ``"rotate-then-pca"`` (default): each frame rotated onto the last one by orthogonal
      Procrustes in the full dimension, then one PCA fitted on the last frame for all;
    - ``"final-pca"``: one PCA fitted on the last frame, applied to every frame;
    - ``"pca-each"``: a PCA per frame, rotated onto the last frame's in 2D.

    The module docstring gives the measurement behind the default. Returns float32
    ``(T, n, 2)``, rounded to 5 decimals (the same picture on every CPU).

    >>> rng = np.random.default_rng(0)
    >>> v = rng.normal(size=(1, 50, 8)).astype(np.float32)
    >>> q = np.linalg.qr(rng.normal(size=(8, 8)))[0].astype(np.float32)  # a rotation
    >>> c = aligned_coords(np.concatenate([v @ q, v]))
    >>> bool(np.allclose(c[0], c[1], atol=1e-4))
    True
    """
    frames = _unit(np.asarray(vectors, dtype=np.float32))
    if frames.ndim != 3 or frames.shape[1] < 1:
        raise ValueError(f"expected frames of shape (T, n, dim), got {frames.shape}")
    if align not in ALIGNMENTS:
        raise ValueError(f"align must be one of {', '.join(map(repr, ALIGNMENTS))}; got {align!r}")
    last = frames[-1]
    out = np.empty((*frames.shape[:2], 2))
    if align == "pca-each":
        for t, frame in enumerate(frames):
            mean, axes = _pca_axes(frame)
            out[t] = (frame - mean) @ axes
        final = out[-1] - out[-1].mean(axis=0)
        for t in range(len(out) - 1):
            centred = out[t] - out[t].mean(axis=0)
            out[t] = _rotate_onto(centred, final)
    else:
        mean, axes = _pca_axes(last)
        for t, frame in enumerate(frames):
            moved = _rotate_onto(frame, last) if align == "rotate-then-pca" else frame
            out[t] = (moved - mean) @ axes
    return np.round(_fix_signs(out), 5).astype(np.float32)


class Timeline:
    """Per-epoch vectors and aligned 2D coordinates of the tracked rows of a training run.

    Build one with :meth:`from_frames` (coordinates computed) or read one with
    :meth:`load`; trainers given ``track=`` make one in ``timeline_``.

    Attributes
    ----------
    labels : list[str]
        The ``n`` tracked rows' labels (same order in every frame).
    epochs : np.ndarray
        ``(T,)`` int, the epoch of each frame (1-based, as in ``history_``).
    vectors : np.ndarray
        ``(T, n, dim)`` float32, the tracked rows' vectors after each epoch.
    coords : np.ndarray
        ``(T, n, 2)`` float32, 2D positions aligned across epochs (motion means learning,
        not rotation or reflection); given, or computed by :func:`aligned_coords` (with
        ``align``) when first read.
    metrics : pd.DataFrame
        One row per frame: ``epoch``, ``loss`` and the epoch's metrics (e.g. ``settling``).
    metadata : pd.DataFrame or None
        Per-row metadata of the tracked rows (e.g. ``class``, ``genres``), ``n`` rows.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> start = rng.normal(size=(30, 5)).astype(np.float32)
    >>> frames = np.stack([start, start + 0.1, start + 0.1])
    >>> tl = Timeline.from_frames([f"w{i}" for i in range(30)], epochs=[1, 2, 3],
    ...                           vectors=frames)
    >>> tl.settling().tolist()
    [nan, 1.0, 1.0]
    >>> tl[-1]
    Embeddings(30 labels × 5 dims)
    """

    def __init__(
        self,
        labels: Sequence[str],
        *,
        epochs: Sequence[int],
        vectors: Any,
        coords: Any = None,
        metrics: pd.DataFrame | None = None,
        metadata: pd.DataFrame | None = None,
        align: str = "rotate-then-pca",
    ) -> None:
        self.labels = [str(x) for x in labels]
        self.epochs = np.asarray(epochs, dtype=np.int64)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, t = len(self.labels), len(self.epochs)
        if self.vectors.ndim != 3 or self.vectors.shape[:2] != (t, n):
            raise ValueError(
                f"vectors must have shape (epochs={t}, rows={n}, dim); got {self.vectors.shape}"
            )
        if align not in ALIGNMENTS:
            raise ValueError(
                f"align must be one of {', '.join(map(repr, ALIGNMENTS))}; got {align!r}"
            )
        self.align = align
        self._coords: np.ndarray | None = None
        if coords is not None:
            self.coords = coords
        if metrics is not None and len(metrics) != t:
            raise ValueError(f"metrics must have one row per epoch ({t}); got {len(metrics)}")
        if metadata is not None and len(metadata) != n:
            raise ValueError(f"metadata must have one row per label ({n}); got {len(metadata)}")
        self.metrics = (
            metrics.reset_index(drop=True)
            if metrics is not None
            else pd.DataFrame({"epoch": self.epochs})
        )
        self.metadata = metadata.reset_index(drop=True) if metadata is not None else None

    @classmethod
    def from_frames(
        cls,
        labels: Sequence[str],
        *,
        epochs: Sequence[int],
        vectors: Any,
        metrics: pd.DataFrame | None = None,
        metadata: pd.DataFrame | None = None,
        align: str = "rotate-then-pca",
    ) -> Timeline:
        """A timeline of ``(T, n, dim)`` frames, its coordinates by :func:`aligned_coords`.

        The coordinates are computed when first read (recording a run costs nothing for
        them until someone looks).
        """
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 3 or len(vectors) == 0:
            raise ValueError(f"vectors must have shape (epochs, rows, dim); got {vectors.shape}")
        return cls(
            labels, epochs=epochs, vectors=vectors, metrics=metrics, metadata=metadata,
            align=align,
        )  # fmt: skip

    @property
    def coords(self) -> np.ndarray:
        """``(T, n, 2)`` aligned positions; computed by :func:`aligned_coords` when first read."""
        if self._coords is None:
            self._coords = aligned_coords(self.vectors, align=self.align)
        return self._coords

    @coords.setter
    def coords(self, value: Any) -> None:
        coords = np.ascontiguousarray(value, dtype=np.float32)
        t, n = self.vectors.shape[:2]
        if coords.shape != (t, n, 2):
            raise ValueError(f"coords must have shape ({t}, {n}, 2); got {coords.shape}")
        self._coords = coords

    def __len__(self) -> int:
        return len(self.epochs)

    def __repr__(self) -> str:
        t, n, d = self.vectors.shape
        return f"Timeline({t} epochs × {n} rows × {d} dims)"

    def _index(self, epoch: int) -> int:
        hits = np.flatnonzero(self.epochs == int(epoch))
        if not hits.size:
            raise KeyError(
                f"epoch {epoch} is not in the timeline; it has epochs "
                f"{self.epochs.min()}..{self.epochs.max()}"
            )
        return int(hits[0])

    def frame(self, epoch: int) -> Embeddings:
        """The tracked rows' vectors after ``epoch``, as :class:`~embedkit.Embeddings`."""
        i = self._index(epoch)
        return Embeddings(self.labels, self.vectors[i], metadata=self.metadata)

    def __getitem__(self, i: int) -> Embeddings:
        """The ``i``-th frame by position (``tl[-1]`` is the last epoch); see :meth:`frame`."""
        if not isinstance(i, int | np.integer) or isinstance(i, bool):
            raise TypeError(f"index a Timeline with an int position, not {type(i).__name__}")
        epoch = self.epochs[int(i)]  # IndexError past the end, as a list
        return self.frame(int(epoch))

    def settling(self, k: int = SETTLING_K) -> pd.Series:
        """Per epoch, the mean Jaccard@``k`` of each row's neighbours with the epoch before.

        NaN at the first frame; see :func:`settling`. Indexed by epoch.
        """
        rows = settling_rows(self.vectors.shape[1])
        sets = [neighbour_sets(v, k, rows) for v in self.vectors]
        values = [np.nan] + [
            round(float(_jaccard(a, b).mean()), 4) for a, b in itertools.pairwise(sets)
        ]
        return pd.Series(values, index=pd.Index(self.epochs, name="epoch"), name="settling")

    def neighbours(self, label: str, epoch: int, k: int = 5) -> pd.DataFrame:
        """``label``'s nearest tracked rows at ``epoch`` (cosine), as in ``Embeddings``."""
        return self.frame(epoch).neighbours(label, k=k)

    # -- files ------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the timeline to an ``.npz`` file (plain arrays and JSON, no pickle).

        Size: ``T × n × (dim + 2) × 4`` bytes plus labels and metadata, so 1,000 rows
        of 100 dims take 0.41 MB per epoch. :meth:`load` reads it back.

        >>> import tempfile
        >>> tl = Timeline(["a", "b"], epochs=[1], vectors=np.ones((1, 2, 3)),
        ...               coords=np.zeros((1, 2, 2)), metadata=pd.DataFrame({"k": ["x", "y"]}))
        >>> back = Timeline.load(tl.save(Path(tempfile.mkdtemp()) / "tl.npz"))
        >>> back.labels, back.metadata["k"].tolist(), back.vectors.shape
        (['a', 'b'], ['x', 'y'], (1, 2, 3))
        """
        from .io._common import atomic_writer
        from .io._npz import _encode_metadata, _encode_strings

        target = Path(path)
        if target.suffix.lower() != ".npz":
            target = target.with_name(target.name + ".npz")
        arrays: dict[str, np.ndarray] = {
            "epochs": self.epochs, "vectors": self.vectors, "coords": self.coords,
        }  # fmt: skip
        manifest: dict[str, Any] = {"format": _FORMAT, "version": 1}
        manifest["labels"] = _encode_strings(self.labels, "labels", arrays)
        for part in ("metrics", "metadata"):
            frame = getattr(self, part)
            if frame is None:
                manifest[part] = None
                continue
            sub: dict[str, np.ndarray] = {}
            manifest[part] = _encode_metadata(frame, sub)
            arrays.update({f"{part}.{k}": v for k, v in sub.items()})
        arrays["__embedkit__"] = np.array(json.dumps(manifest, ensure_ascii=False))
        with atomic_writer(target) as f:
            saver: Any = np.savez
            saver(f, **arrays)
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Timeline:
        """A timeline written by :meth:`save` (numpy never unpickles)."""
        from .io._npz import _decode_column, _decode_strings

        with np.load(Path(path), allow_pickle=False) as z:
            files = set(z.files)
            if "__embedkit__" not in files:
                raise ValueError(f"{path} is not an embedkit timeline (no manifest)")
            manifest = json.loads(str(z["__embedkit__"]))
            if manifest.get("format") != _FORMAT:
                raise ValueError(f"{path} holds {manifest.get('format')!r}, not a timeline")
            labels = _decode_strings(z, "labels", manifest["labels"])
            frames: dict[str, pd.DataFrame | None] = {}
            for part in ("metrics", "metadata"):
                columns = manifest.get(part)
                if columns is None:
                    frames[part] = None
                    continue
                view = _Prefixed(z, f"{part}.")
                frames[part] = pd.DataFrame(
                    {c["name"]: _decode_column(view, f"meta{i}", c) for i, c in enumerate(columns)}
                )
            return cls(
                labels, epochs=z["epochs"], vectors=z["vectors"], coords=z["coords"],
                metrics=frames["metrics"], metadata=frames["metadata"],
            )  # fmt: skip


class _Prefixed:
    """The arrays of an open ``.npz`` under ``prefix``, looked up without it."""

    def __init__(self, z: Any, prefix: str) -> None:
        self._z, self._prefix = z, prefix
        self.files = [f[len(prefix) :] for f in z.files if f.startswith(prefix)]

    def __getitem__(self, key: str) -> Any:
        return self._z[self._prefix + key]
