"""Approximate (HNSW) vs exact neighbour search on GloVe 6B 50d (400k words).

Prints recall@10 against exact search and the per-query speed-up, for faiss-cpu
HNSW (embedkit's choice) and, when installed, hnswlib with the same graph size.
Target: recall@10 >= 0.95 and >= 10x faster per query than exact search.
"""

from __future__ import annotations

import time

import numpy as np
from _machine import describe

import embedkit as ek
from embedkit import search
from embedkit.search_ann import HNSWIndex, recall_at_k


def main() -> None:
    print(describe())
    emb = ek.datasets.glove()
    rng = np.random.default_rng(0)
    rows = rng.choice(len(emb), size=1000, replace=False)
    queries = emb.vectors[rows]
    excl = [[int(r)] for r in rows]
    _ = emb.norms
    t = time.perf_counter()
    for i in range(200):  # exact, one query at a time (the interactive case)
        search.topk(emb.vectors, queries[i : i + 1], 10, norms=emb.norms, exclude=excl[i : i + 1])
    exact_single = (time.perf_counter() - t) / 200
    exact_idx, _ = search.topk(emb.vectors, queries, 10, norms=emb.norms, exclude=excl)

    t = time.perf_counter()
    index = HNSWIndex(np.asarray(emb.vectors), "cosine")
    build = time.perf_counter() - t
    t = time.perf_counter()
    approx = np.vstack([index.search(queries[i : i + 1], 10, [excl[i]])[0] for i in range(1000)])
    ann_single = (time.perf_counter() - t) / 1000
    rec = recall_at_k(exact_idx, approx)
    print(f"exact single query: {exact_single * 1e3:.2f} ms")
    print(
        f"faiss HNSW: build {build:.1f} s, query {ann_single * 1e3:.3f} ms, "
        f"recall@10 {rec:.4f}, speed-up {exact_single / ann_single:.1f}x"
    )
    try:
        import hnswlib
    except ImportError:
        print("hnswlib not installed: skipped the comparison")
        return
    t = time.perf_counter()
    h = hnswlib.Index(space="cosine", dim=emb.dim)
    h.init_index(max_elements=len(emb), M=32, ef_construction=80)
    h.add_items(np.asarray(emb.vectors))
    h.set_ef(96)
    hbuild = time.perf_counter() - t
    t = time.perf_counter()
    res = [h.knn_query(queries[i : i + 1], k=11)[0][0] for i in range(1000)]
    hq = (time.perf_counter() - t) / 1000
    happrox = np.array([[x for x in r if x != rows[i]][:10] for i, r in enumerate(res)])
    print(
        f"hnswlib: build {hbuild:.1f} s, query {hq * 1e3:.3f} ms, "
        f"recall@10 {recall_at_k(exact_idx, happrox):.4f}, speed-up {exact_single / hq:.1f}x"
    )


if __name__ == "__main__":
    main()
