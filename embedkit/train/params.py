"""Parameter checks and machine-fitted defaults shared by every trainer.

Examples
--------
>>> class T:
...     epochs = 0
>>> check_positive_int(T(), "epochs")
Traceback (most recent call last):
...
ValueError: epochs must be a positive integer, got 0
>>> default_workers(None) >= 1, default_workers(3)
(True, 3)
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

SMALL_CORPUS_TOKENS = 50_000_000
"""Below this many tokens a corpus is "notebook-sized": the ``"auto"`` defaults change.

- Word2Vec ``sg="auto"`` trains skip-gram below it, CBOW above. Measured on the
  450,000-token Wikipedia sample (``ek.datasets.wiki_sample()``): CBOW leaves the space
  collapsed (mean cosine 0.92, WordSim353 0.12) while skip-gram learns (0.79, 0.22). CBOW
  is the faster choice once there is data enough, as in the word2vec paper's
  billion-token runs.
- GloVe ``window="auto"`` counts 20 words each side below it, the paper's 10 above.
  Measured on the same sample (100 dimensions, 25 epochs, the other defaults): WordSim353
  0.255 with a window of 10, 0.294 with 15, 0.32 with 20.
"""


def check_positive_int(obj: Any, name: str) -> int:
    """``obj.<name>`` as an int, or a ``ValueError`` that names it (bools are refused)."""
    value = getattr(obj, name)
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_positive(obj: Any, name: str) -> float:
    """``obj.<name>`` as a float > 0, or a ``ValueError`` that names it."""
    value = getattr(obj, name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def default_workers(workers: int | None) -> int:
    """``workers``, or the number of CPU cores this process may use when ``None``."""
    if workers:
        return int(workers)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
