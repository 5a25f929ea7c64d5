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

SKIPGRAM_BELOW = 50_000_000
"""``sg="auto"`` trains skip-gram on corpora under this many tokens, CBOW above.

Measured on the 450,000-token Wikipedia sample (``ek.datasets.wiki_sample()``): CBOW with
gensim's defaults leaves the space collapsed (mean cosine 0.9+, WordSim353 near 0) while
skip-gram learns (WordSim353 0.2-0.3). CBOW is the faster choice once there is data
enough, as in the word2vec paper's billion-token runs.
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
