"""embedkit: train, inspect, project, compare and export embeddings in JupyterLab.

Examples
--------
>>> import embedkit as ek
>>> emb = ek.Embeddings(["cat", "dog"], [[1.0, 0.2], [0.9, 0.3]])
>>> round(emb.similarity("cat", "dog"), 3)
0.992
"""

from __future__ import annotations

import importlib
from typing import Any

from . import datasets, evaluate
from .io import load
from .vectors import Embeddings, UnknownLabelError

__version__ = "0.1.0"

# Names that pull in widgets or heavy libraries load on first use, so that
# ``import embedkit`` stays light: name -> (module, attribute or None for the module).
_LAZY: dict[str, tuple[str, str | None]] = {
    "train": ("embedkit.train", None),
    "scale": ("embedkit.scale", None),
    "project": ("embedkit.project", None),
    "TrainingDashboard": ("embedkit.widgets.dashboard", "TrainingDashboard"),
    "Projector": ("embedkit.widgets.projector", "Projector"),
    "IndexProjector": ("embedkit.widgets.index_projector", "IndexProjector"),
    "NeighboursExplorer": ("embedkit.widgets.explorers", "NeighboursExplorer"),
    "AnalogyExplorer": ("embedkit.widgets.explorers", "AnalogyExplorer"),
    "explore": ("embedkit.widgets.explorers", "explore"),
    "compare": ("embedkit.widgets.compare", "compare"),
    "RecommendationExplorer": ("embedkit.widgets.recommend", "RecommendationExplorer"),
    "Gallery": ("embedkit.widgets.gallery", "Gallery"),
    "tokenize": ("embedkit.train.corpus", "tokenize"),
    "snapshot": ("embedkit.widgets.snapshot", "snapshot"),
}

__all__ = [
    "AnalogyExplorer",
    "Embeddings",
    "Gallery",
    "IndexProjector",
    "NeighboursExplorer",
    "Projector",
    "RecommendationExplorer",
    "TrainingDashboard",
    "UnknownLabelError",
    "__version__",
    "compare",
    "datasets",
    "evaluate",
    "explore",
    "load",
    "project",
    "scale",
    "snapshot",
    "tokenize",
    "train",
]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where the prebuilt JupyterLab extension lives (``jupyter labextension develop``)."""
    return [{"src": "labextension", "dest": "embedkit"}]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        mod = importlib.import_module(module)
        return mod if attr is None else getattr(mod, attr)
    raise AttributeError(f"module 'embedkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
