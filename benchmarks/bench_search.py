"""Neighbour queries: embedkit vs gensim ``most_similar`` on GloVe 6B 50d (400k words).

Targets (issue 2): a single query no slower than gensim; 1,000 queries in one call
at least 5x faster than 1,000 gensim calls; search memory bounded by the block
budget (256 MB) whatever the number of queries (peak measured with tracemalloc,
which sees numpy's allocations).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from _machine import describe

import embedkit as ek


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    print(describe())
    emb = ek.datasets.glove()
    kv = emb.to_gensim()
    kv.fill_norms()
    _ = emb.norms
    words = emb.labels[1000:2000]

    single_g = best_of(lambda: [kv.most_similar(w, topn=10) for w in words[:50]]) / 50
    single_e = best_of(lambda: [emb.neighbours(w, k=10) for w in words[:50]]) / 50
    print(
        f"single query: gensim {single_g * 1e3:.2f} ms, embedkit {single_e * 1e3:.2f} ms, "
        f"ratio {single_g / single_e:.2f}x (target >= 1.0x)"
    )

    many_g = best_of(lambda: [kv.most_similar(w, topn=10) for w in words], repeat=1)
    many_e = best_of(lambda: emb.neighbours(words, k=10), repeat=2)
    print(
        f"1,000 queries: gensim {many_g:.2f} s (1,000 calls), embedkit {many_e:.2f} s "
        f"(one call), ratio {many_g / many_e:.1f}x (target >= 5x)"
    )

    ours = emb.neighbours(words[:20], k=10)
    same = all(
        ours.loc[w].label.tolist() == [x for x, _ in kv.most_similar(w, topn=10)]
        for w in words[:20]
    )
    print(f"same labels as gensim on 20 checked queries: {same}")

    rng = np.random.default_rng(0)
    queries = rng.normal(size=(20_000, emb.dim)).astype(np.float32)
    matrix_bytes = emb.vectors.nbytes
    tracemalloc.start()
    emb.neighbours(queries, k=10)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"20,000 queries: peak extra memory {peak / 2**20:.0f} MB "
        f"(matrix itself {matrix_bytes / 2**20:.0f} MB, block budget 256 MB)"
    )


if __name__ == "__main__":
    main()
