"""embedkit: train, inspect, project, compare and export embeddings in JupyterLab.

Examples
--------
>>> import embedkit as ek
>>> emb = ek.Embeddings(["cat", "dog"], [[1.0, 0.2], [0.9, 0.3]])
>>> round(emb.similarity("cat", "dog"), 3)
0.991
"""

from __future__ import annotations

from typing import Any

from . import datasets, evaluate
from .io import load
from .vectors import Embeddings, UnknownLabelError

__version__ = "0.1.0"

__all__ = ["Embeddings", "UnknownLabelError", "__version__", "datasets", "evaluate", "load"]


def __getattr__(name: str) -> Any:
    # heavier parts load on first use so that ``import embedkit`` stays light
    if name == "train":
        import importlib

        return importlib.import_module(".train", __name__)
    raise AttributeError(f"module 'embedkit' has no attribute {name!r}")
