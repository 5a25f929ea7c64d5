"""The Embeddings type: construction, container protocol, queries, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import embedkit as ek
from embedkit import Embeddings, UnknownLabelError


@pytest.fixture()
def small():
    rng = np.random.default_rng(1)
    labels = ["king", "queen", "man", "woman", "paris", "france", "london", "england"]
    return Embeddings(labels, rng.normal(size=(8, 6)), metadata={"n": list(range(8))})


def test_construction_normalises_dtype_and_layout():
    vecs = np.asfortranarray(np.arange(6, dtype=np.float64).reshape(3, 2))
    emb = Embeddings([1, 2, 3], vecs)
    assert emb.vectors.dtype == np.float32
    assert emb.vectors.flags.c_contiguous
    assert emb.labels == ["1", "2", "3"]
    assert emb.shape == (3, 2) and emb.dim == 2 and len(emb) == 3
    assert repr(emb) == "Embeddings(3 labels × 2 dims)"


def test_vectors_are_read_only_and_getitem_copies(small):
    with pytest.raises(ValueError):
        small.vectors[0, 0] = 1.0
    v = small["king"]
    v[:] = 0
    assert np.any(small["king"] != 0)


def test_container_protocol(small):
    assert "king" in small and "kingg" not in small and 3 not in small
    assert list(small)[:2] == ["king", "queen"]
    sub = small[["paris", "king"]]
    assert sub.labels == ["paris", "king"]
    np.testing.assert_array_equal(sub["paris"], small["paris"])
    assert sub.metadata is not None and sub.metadata["n"].tolist() == [4, 0]
    assert small[:3].labels == ["king", "queen", "man"]
    with pytest.raises(TypeError, match="index with a label"):
        small[1.5]


def test_unknown_label_names_itself_and_suggests(small):
    with pytest.raises(KeyError) as info:
        small["kinng"]
    msg = str(info.value)
    assert "'kinng'" in msg and "king" in msg
    assert isinstance(info.value, UnknownLabelError)
    assert info.value.suggestions[0] == "king"
    with pytest.raises(KeyError, match=r"'Paris'.*'paris'"):
        small.neighbours("Paris")


def test_unknown_label_suggestions_fast_at_400k(glove):
    import time

    t = time.perf_counter()
    with pytest.raises(KeyError, match="did you mean 'paris'"):
        glove["pariss"]
    assert time.perf_counter() - t < 2.0  # generous: the prefilter keeps it ~0.1 s


@pytest.mark.parametrize(
    ("labels", "vectors", "metadata", "message"),
    [
        (["a", "a"], np.eye(2), None, "duplicate label 'a' at rows 0 and 1"),
        (["a", "b", "c"], np.eye(2), None, "3 labels for 2 vectors"),
        (["a", "b"], [[0, np.nan], [1, 1]], None, r"NaN or infinite values: row 0 \('a'\)"),
        (["a", "b"], [[0, 1], [np.inf, 1]], None, r"row 1 \('b'\)"),
        (["a"], np.ones(3), None, "2-D matrix"),
        (["a", "b"], np.eye(2), {"x": [1, 2, 3]}, "metadata has 3 rows for 2 vectors"),
        (["a"], [["x", "y"]], None, "numeric"),
    ],
)
def test_bad_construction_says_what_and_where(labels, vectors, metadata, message):
    with pytest.raises(ValueError, match=message):
        Embeddings(labels, vectors, metadata=metadata)


def test_query_errors(small):
    with pytest.raises(ValueError, match="dimension 3 but the embeddings have 6"):
        small.neighbours(np.ones(3))
    for bad_k in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="k must be a positive integer"):
            small.neighbours("king", k=bad_k)
    with pytest.raises(ValueError, match="unknown metric 'manhattan'"):
        small.neighbours("king", metric="manhattan")
    with pytest.raises(ValueError, match="all zeros"):
        small.neighbours(np.zeros(6))
    with pytest.raises(ValueError, match="unknown analogy method"):
        small.analogy("man", "king", "woman", method="3cosfoo")


def test_neighbours_single_excludes_query_and_ranks(small):
    res = small.neighbours("king", k=3)
    assert list(res.columns) == ["label", "score"]
    assert res.index.name == "rank" and res.index.tolist() == [1, 2, 3]
    assert "king" not in res.label.tolist()
    assert res.score.is_monotonic_decreasing
    assert res.attrs["metric"] == "cosine"
    # k larger than the vocabulary: every other label, once
    assert sorted(small.neighbours("king", k=50).label) == sorted(set(small.labels) - {"king"})


def test_neighbours_batched_matches_single(small):
    res = small.neighbours(["king", "paris"], k=4)
    assert res.index.names == ["query", "rank"]
    pd.testing.assert_frame_equal(res.loc["paris"], small.neighbours("paris", k=4), check_like=True)


def test_neighbours_of_vector_includes_itself_and_metrics(small):
    v = small["king"]
    assert small.neighbours(v, k=1).label.iloc[0] == "king"
    eu = small.neighbours(v, k=3, metric="euclidean")
    assert eu.label.iloc[0] == "king" and eu.score.iloc[0] == pytest.approx(0, abs=1e-3)
    assert eu.score.is_monotonic_increasing  # distances: smaller is nearer
    brute = np.linalg.norm(small.vectors - v, axis=1)
    np.testing.assert_allclose(eu.score, np.sort(brute)[:3], rtol=1e-4, atol=1e-4)
    dot = small.neighbours(v, k=2, metric="dot")
    assert dot.score.iloc[0] == pytest.approx(float(np.max(small.vectors @ v)), rel=1e-5)


def test_neighbours_matrix_query_and_exclude(small):
    res = small.neighbours(small.vectors[:2], k=2, exclude=["king"])
    assert res.index.get_level_values("query").unique().tolist() == ["0", "1"]
    assert "king" not in res.label.tolist()


def test_restrict_vocab(small):
    res = small.neighbours("england", k=10, restrict_vocab=4)
    assert set(res.label) <= {"king", "queen", "man", "woman"}


def test_similarity_is_cosine(small):
    a, b = small["paris"], small["london"]
    expect = float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
    assert small.similarity("paris", "london") == pytest.approx(expect, rel=1e-6)


def test_zero_vector_row_is_never_a_nan_neighbour():
    emb = Embeddings(["a", "zero", "b"], [[1, 0], [0, 0], [0.5, 0.5]])
    res = emb.neighbours("a", k=2)
    assert res.label.tolist() == ["b", "zero"] and np.isfinite(res.score).all()


def test_conversions_roundtrip(small):
    kv = small.to_gensim()
    assert kv.index_to_key == small.labels
    back = Embeddings.from_gensim(kv)
    np.testing.assert_array_equal(back.vectors, small.vectors)
    df = small.to_dataframe()
    assert df.index.tolist() == small.labels and "n" in df.columns
    assert Embeddings.from_dict({"x": [1, 2]}).to_numpy().tolist() == [[1.0, 2.0]]
    with pytest.raises(ValueError, match="empty"):
        Embeddings.from_dict({})


def test_from_torch_tensor():
    torch = pytest.importorskip("torch", reason="torch is part of embedkit[images]")
    emb = Embeddings(["a", "b"], torch.eye(2, requires_grad=True))
    assert emb.vectors.dtype == np.float32
    assert emb.neighbours(torch.tensor([1.0, 0.1]), k=1).label.iloc[0] == "a"


def test_images_checked():
    with pytest.raises(ValueError, match="uint8"):
        Embeddings(["a"], [[1, 2]], images=np.zeros((1, 4, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"shape \(1, h, w"):
        Embeddings(["a"], [[1, 2]], images=np.zeros((2, 4, 4), dtype=np.uint8))


def test_html_repr_escapes_labels():
    emb = Embeddings(["<img src=x onerror=alert(1)>", "b"], np.eye(2))
    out = emb._repr_html_()
    assert "<img" not in out and "&lt;img src=x" in out


PUBLIC = [
    "AnalogyExplorer", "Embeddings", "Gallery", "IndexProjector", "NeighboursExplorer",
    "Projector", "RecommendationExplorer", "TrainingDashboard", "UnknownLabelError",
    "__version__", "compare", "datasets", "evaluate", "explore", "load", "project", "scale",
    "snapshot", "tokenize", "train",
]  # fmt: skip


def test_public_surface_is_exactly_the_documented_names():
    """``__all__`` is the surface a user types: a name added or dropped must be deliberate."""
    assert sorted(ek.__all__) == sorted(PUBLIC)
    for name in PUBLIC:  # every public name resolves (lazy ones included)
        assert getattr(ek, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'not_a_thing'"):
        ek.not_a_thing  # noqa: B018
    # the renamed names of 0.2 are gone, not aliased
    assert not hasattr(ek.train, "_interactions")


def test_missing_extra_names_the_install_command():
    from embedkit._deps import MissingDependencyError, require

    with pytest.raises(MissingDependencyError, match=r"pip install 'embedkit\[umap\]'"):
        require("umap_not_installed_anywhere", extra="umap")
