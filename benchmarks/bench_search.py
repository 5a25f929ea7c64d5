"""Neighbour queries: embedkit vs gensim ``most_similar`` on GloVe 6B 50d (400k words).

Targets (issue 14): one query at least 1.3x gensim's; 1,000 queries in one call at least
10x 1,000 gensim calls (for 1,000 frequent words, and for 1,000 words spread over the
whole vocabulary); search memory bounded by the block budget (256 MB) whatever the
number of queries (peak measured with tracemalloc, which sees numpy's allocations).

gensim and embedkit run alternately (``--rounds``, default 5) and the median of the
paired ratios is printed with their spread; the same neighbours are checked. Needs a
quiet machine: the CPU, BLAS kernel and load average are printed first.

    .venv/bin/python benchmarks/bench_search.py [--rounds N]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from _machine import alternate, describe, ratio_with_margin

import embedkit as ek


def per_call(fn, items) -> float:
    t = time.perf_counter()
    for x in items:
        fn(x)
    return (time.perf_counter() - t) / len(items)


def once(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def breakdown(emb, words, rounds: int) -> None:
    """Where one query's time goes, gensim's way and embedkit's (median per query)."""
    from gensim import matutils

    from embedkit import search

    V, norms = emb.vectors, emb.norms
    qs = [V[emb.index(w)] / np.linalg.norm(V[emb.index(w)]) for w in words]
    dists = (V @ qs[0]) / norms
    found = search.topk(V, qs[0][None, :], 11, norms=norms)
    parts = {
        "matrix-vector product (numpy, BLAS threads)": lambda q: V @ q,
        "  + divide by norms (gensim)": lambda q: (V @ q) / norms,
        "gensim argsort(topn=11) of 400k scores": lambda q: matutils.argsort(
            dists, topn=11, reverse=True
        ),
        "embedkit blocked search (product + top-k)": lambda q: search.topk(
            V, q[None, :], 11, norms=norms
        ),
        "embedkit result DataFrame": lambda q: emb._result_frame(
            found[0][:, 1:], found[1][:, 1:], ["q"], True, "cosine"
        ),
    }
    for name, fn in parts.items():
        t = np.median([per_call(fn, qs) for _ in range(rounds)])
        print(f"  {name:45s} {t * 1e3:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (median)")
    args = parser.parse_args()
    print(describe())
    emb = ek.datasets.glove()
    kv = emb.to_gensim()
    kv.fill_norms()
    _ = emb.norms
    frequent = emb.labels[1000:2000]
    spread = emb.labels[::400][:1000]

    single = alternate(
        {
            "gensim": lambda: per_call(lambda w: kv.most_similar(w, topn=10), frequent[:200]),
            "embedkit": lambda: per_call(lambda w: emb.neighbours(w, k=10), frequent[:200]),
        },
        args.rounds,
    )
    g, e = np.median(single["gensim"]), np.median(single["embedkit"])
    print(
        f"one query (200 words, k=10): gensim {g * 1e3:.2f} ms, embedkit {e * 1e3:.2f} ms; "
        f"speed-up {ratio_with_margin(single['gensim'], single['embedkit'])} (target >= 1.3x)"
    )

    breakdown(emb, frequent[:200], args.rounds)

    for name, words in (("frequent", frequent), ("spread", spread)):
        many = alternate(
            {
                "gensim": lambda w=words: once(lambda: [kv.most_similar(x, topn=10) for x in w]),
                "embedkit": lambda w=words: once(lambda: emb.neighbours(w, k=10)),
            },
            max(1, args.rounds // 2),
        )
        print(
            f"1,000 {name} words: gensim {np.median(many['gensim']):.2f} s (1,000 calls), "
            f"embedkit {np.median(many['embedkit']):.3f} s (one call); speed-up "
            f"{ratio_with_margin(many['gensim'], many['embedkit'])} (target >= 10x)"
        )

    ours = emb.neighbours(spread[:100], k=10)
    same = sum(
        ours.loc[w].label.tolist() == [x for x, _ in kv.most_similar(w, topn=10)]
        for w in spread[:100]
    )
    print(f"same neighbours as gensim: {same}/100 queries")

    rng = np.random.default_rng(0)
    queries = rng.normal(size=(20_000, emb.dim)).astype(np.float32)
    tracemalloc.start()
    emb.neighbours(queries, k=10)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"20,000 queries: peak extra memory {peak / 2**20:.0f} MB "
        f"(matrix itself {emb.vectors.nbytes / 2**20:.0f} MB, block budget 256 MB)"
    )


if __name__ == "__main__":
    main()
