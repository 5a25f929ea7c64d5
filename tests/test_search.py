"""Exact search against a brute-force reference and against gensim itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from embedkit import Embeddings, search
from embedkit.analogy import analogy_topk


def brute(matrix, queries, k, metric, exclude=None):
    m = matrix.astype(np.float64)
    q = queries.astype(np.float64)
    if metric == "cosine":
        n = np.linalg.norm(m, axis=1)
        n[n == 0] = np.inf
        s = (q / np.linalg.norm(q, axis=1, keepdims=True)) @ m.T / n
    elif metric == "dot":
        s = q @ m.T
    else:
        s = -np.linalg.norm(q[:, None, :] - m[None, :, :], axis=2)
    if exclude is not None:
        for i, ex in enumerate(exclude):
            s[i, list(ex)] = -np.inf
    order = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(s, order, axis=1)


# multiples of 1/8 in [-10, 10]: exact in float32, and no squares that underflow
# (float32 norms of vectors near 1e-22 lose precision in gensim and here alike)
finite = st.integers(-80, 80).map(lambda x: np.float32(x / 8))


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    n=st.integers(1, 300),
    d=st.integers(1, 8),
    k=st.integers(1, 12),
    metric=st.sampled_from(search.METRICS),
    budget=st.sampled_from([64, 4096, search.DEFAULT_BUDGET]),
)
def test_topk_matches_brute_force(data, n, d, k, metric, budget):
    matrix = data.draw(arrays(np.float32, (n, d), elements=finite))
    queries = data.draw(arrays(np.float32, (3, d), elements=finite))
    if metric == "cosine":
        queries[np.linalg.norm(queries, axis=1) == 0] = 1.0
    exclude = [data.draw(st.lists(st.integers(0, n - 1), max_size=3)) for _ in range(3)]
    idx, val = search.topk(matrix, queries, k, metric=metric, exclude=exclude, budget_bytes=budget)
    _, ref_val = brute(matrix, queries, k, metric, exclude)
    kk = min(k, n)
    assert idx.shape == (3, kk)
    for i in range(3):
        valid = np.isfinite(ref_val[i])
        got = val[i][valid]
        want = -ref_val[i][valid] if metric == "euclidean" else ref_val[i][valid]
        # scores agree (ties may order labels differently, scores cannot differ)
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-3)
        assert not set(idx[i][valid].tolist()) & set(exclude[i])
        assert (idx[i][~valid] == -1).all()


def test_two_stage_selection_on_large_blocks():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(50_000, 16)).astype(np.float32)
    queries = rng.normal(size=(7, 16)).astype(np.float32)
    idx, val = search.topk(matrix, queries, 25, metric="dot")
    ref_idx, ref_val = brute(matrix, queries, 25, "dot")
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(val, ref_val, rtol=1e-5)


def test_memory_stays_within_budget(monkeypatch):
    """Every score block respects the budget, whatever the number of queries."""
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(20_000, 8)).astype(np.float32)
    queries = rng.normal(size=(5_000, 8)).astype(np.float32)
    budget = 4 * 2**20
    seen = []
    real_offer = search._Best.offer

    def spy(self, block, q0, r0):
        seen.append(block.nbytes)
        return real_offer(self, block, q0, r0)

    monkeypatch.setattr(search._Best, "offer", spy)
    idx, _ = search.topk(matrix, queries, 5, metric="cosine", budget_bytes=budget)
    assert idx.shape == (5_000, 5)
    # every worker thread holds one block at a time: all of them within the budget
    assert seen and max(seen) * search._threads() <= budget


def test_neighbours_equal_gensim_most_similar(glove, glove_kv):
    for word in ["king", "paris", "computer", "running", "frog"]:
        ours = glove.neighbours(word, k=10)
        ref = glove_kv.most_similar(word, topn=10)
        assert ours.label.tolist() == [w for w, _ in ref]
        np.testing.assert_allclose(ours.score, [s for _, s in ref], atol=2e-6)


def test_batched_neighbours_equal_single(glove):
    words = ["france", "germany", "apple", "microsoft"]
    batch = glove.neighbours(words, k=5)
    for w in words:
        assert batch.loc[w].label.tolist() == glove.neighbours(w, k=5).label.tolist()


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogy_equals_gensim(glove, glove_kv, method):
    ref_fn = glove_kv.most_similar if method == "3cosadd" else glove_kv.most_similar_cosmul
    for a, b, c in [
        ("man", "king", "woman"),
        ("france", "paris", "germany"),
        ("big", "bigger", "small"),
    ]:
        ours = glove.analogy(a, b, c, k=5, method=method)
        ref = ref_fn(positive=[b, c], negative=[a], topn=5)
        assert ours.label.tolist() == [w for w, _ in ref]
        np.testing.assert_allclose(ours.score, [s for _, s in ref], rtol=1e-5)
    assert glove.analogy("man", "king", "woman", k=1).label.iloc[0] == "queen"


def test_analogy_inputs_never_returned():
    emb = Embeddings(list("abcd"), [[1, 0], [1, 1], [0, 1], [0.1, 1]])
    res = emb.analogy("a", "b", "c", k=3)
    assert res.label.tolist() == ["d"]


def test_batched_analogy_memory_bound():
    rng = np.random.default_rng(0)
    emb = Embeddings([f"w{i}" for i in range(3000)], rng.normal(size=(3000, 10)))
    a, b, c = (rng.integers(0, 3000, 500) for _ in range(3))
    small_budget = analogy_topk(emb, a, b, c, 3, budget_bytes=100_000)
    big_budget = analogy_topk(emb, a, b, c, 3)
    np.testing.assert_array_equal(small_budget[0], big_budget[0])


def test_ann_index_recall_and_exclusion():
    pytest.importorskip("faiss", reason="faiss-cpu is part of embedkit[ann]")
    from embedkit.search_ann import build_index, recall_at_k

    rng = np.random.default_rng(0)
    emb = Embeddings([f"w{i}" for i in range(5000)], rng.normal(size=(5000, 16)))
    words = [f"w{i}" for i in range(0, 5000, 50)]
    exact = emb.neighbours(words, k=10)
    approx = emb.neighbours(words, k=10, index="hnsw")
    assert "w0" not in approx.loc["w0"].label.tolist()
    rec = recall_at_k(
        exact.label.to_numpy().reshape(-1, 10), approx.label.to_numpy().reshape(-1, 10)
    )
    assert rec >= 0.95
    assert emb.ann_index() is emb.ann_index()  # cached
    with pytest.raises(ValueError, match="built for 'cosine'"):
        emb.neighbours("w1", metric="dot", index=build_index(emb, "cosine"))
    with pytest.raises(ValueError, match="unknown index kind"):
        emb.neighbours("w1", index="annoy")


def test_peak_memory_within_budget_whatever_the_number_of_queries():
    """tracemalloc sees numpy's allocations: the whole search stays inside the budget."""
    import tracemalloc

    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(40_000, 16)).astype(np.float32)
    norms = search.row_norms(matrix)
    budget = 8 * 2**20
    for n_queries in (10, 3_000):
        queries = rng.normal(size=(n_queries, 16)).astype(np.float32)
        tracemalloc.start()
        search.topk(matrix, queries, 10, norms=norms, budget_bytes=budget)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak <= budget, f"{n_queries} queries peaked at {peak:,} bytes"


def test_threads_and_block_sizes_give_the_same_answer():
    """Rows split among threads, small or large blocks: one answer, ties to the lower row."""
    rng = np.random.default_rng(3)
    matrix = rng.integers(-3, 4, size=(30_000, 6)).astype(np.float32)  # many exact ties
    queries = rng.integers(-3, 4, size=(300, 6)).astype(np.float32)
    exclude = [rng.integers(0, 30_000, 3).tolist() for _ in range(300)]
    runs = [
        search.blocked_topk(30_000, 300, 7, search._scorer(matrix, queries, "dot", None),
                            exclude=exclude, budget_bytes=budget, threads=threads)
        for threads, budget in [(1, search.DEFAULT_BUDGET), (2, search.DEFAULT_BUDGET), (2, 2**16)]
    ]  # fmt: skip
    for idx, val in runs[1:]:
        np.testing.assert_array_equal(idx, runs[0][0])
        np.testing.assert_array_equal(val, runs[0][1])
    idx, val = runs[0]
    ref = queries @ matrix.T
    for i, ex in enumerate(exclude):
        ref[i, ex] = -np.inf
    # best first, and among equal scores the lower row first
    order = np.lexsort((np.arange(30_000)[None, :].repeat(300, 0), -ref), axis=1)[:, :7]
    np.testing.assert_array_equal(idx, order)
