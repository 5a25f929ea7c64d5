"""Trainers for word, document, image and user/item embeddings.

Each trainer is scikit-learn style (``fit(data)`` returns self; results in
``embeddings_`` and ``history_``) and reports per-epoch :class:`TrainingEvent` s to
observers. Heavy libraries load only when a trainer is used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .base import EpochResult, NotFittedError, Trainer
from .corpus import check_corpus, tokenize
from .events import ListObserver, TqdmObserver, TrainingEvent
from .probes import AnalogyProbe, CallableProbe, WordPairsProbe

_LAZY = {
    "Word2Vec": "embedkit.train.words",
    "FastText": "embedkit.train.words",
    "GloVe": "embedkit.train.words",
    "Doc2Vec": "embedkit.train.documents",
    "SentenceEncoder": "embedkit.train.documents",
    "ImageEmbedder": "embedkit.train.images",
    "ImageTrainer": "embedkit.train.images",
    "MatrixFactorization": "embedkit.train.items",
    "Item2Vec": "embedkit.train.items",
}

__all__ = [
    "AnalogyProbe",
    "EpochResult",
    "NotFittedError",
    "CallableProbe",
    "ListObserver",
    "TqdmObserver",
    "Trainer",
    "TrainingEvent",
    "WordPairsProbe",
    "check_corpus",
    "tokenize",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'embedkit.train' has no attribute {name!r}")
