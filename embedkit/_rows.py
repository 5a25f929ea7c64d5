"""Checks every ``Embeddings`` runs once when built: a float32 matrix, finite values,
unique labels that match the rows (kept apart so that ``vectors.py`` stays short).

>>> check_labels(["a", "a"], 2)
Traceback (most recent call last):
...
ValueError: duplicate label 'a' at rows 0 and 1; labels must be unique
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def as_float32_matrix(vectors: Any) -> np.ndarray:
    if hasattr(vectors, "detach"):  # a torch tensor, without importing torch
        vectors = vectors.detach().cpu().numpy()
    arr = np.asarray(vectors)
    if arr.ndim != 2:
        raise ValueError(f"vectors must be a 2-D matrix (n, d); got shape {arr.shape}")
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"vectors must be numeric; got dtype {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=np.float32)


def check_finite(vectors: np.ndarray, labels: Sequence[str]) -> None:
    bad = np.flatnonzero(~np.isfinite(vectors).all(axis=1))
    if bad.size:
        shown = ", ".join(f"row {i} ({labels[i]!r})" for i in bad[:5])
        more = f" and {bad.size - 5} more" if bad.size > 5 else ""
        raise ValueError(f"vectors contain NaN or infinite values: {shown}{more}")


def check_labels(labels: list[str], n: int) -> None:
    if len(labels) != n:
        raise ValueError(f"{len(labels)} labels for {n} vectors; they must match one to one")
    if len(set(labels)) != len(labels):
        seen: dict[str, int] = {}
        for i, lab in enumerate(labels):
            if lab in seen:
                raise ValueError(
                    f"duplicate label {lab!r} at rows {seen[lab]} and {i}; labels must be unique"
                )
            seen[lab] = i
