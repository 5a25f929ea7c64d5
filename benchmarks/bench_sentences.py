"""SentenceEncoder vs calling sentence-transformers directly (sentences/sec).

Both encode the same 2,000 sentences of the Lee news corpus (gensim test data) with
the same loaded all-MiniLM-L6-v2 model (packaged offline), the same batch size, on
the CPU. embedkit runs with an observer attached (per-batch progress events). The
runs alternate and the median of each side is compared.
Target: embedkit >= 0.95x the sentences/sec of ``SentenceTransformer.encode``.

Usage: python benchmarks/bench_sentences.py [--n 2000] [--rounds 3] [--batch-size 64]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from gensim.test.utils import datapath

from embedkit.train.events import ListObserver
from embedkit.train.sentences import SentenceEncoder


def lee_sentences(n: int) -> list[str]:
    """The first ``n`` sentences (at least 5 words) of the Lee background and test corpora."""
    out: list[str] = []
    for name in ("lee_background.cor", "lee.cor"):
        with open(datapath(name), encoding="latin-1") as fh:
            for line in fh:
                for sent in re.split(r"(?<=[.!?])\s+", line.strip()):
                    if len(sent.split()) >= 5:
                        out.append(sent)
    if len(out) < n:
        raise SystemExit(f"only {len(out)} sentences available, asked for {n}")
    return out[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    texts = lee_sentences(args.n)
    t = time.perf_counter()
    enc = SentenceEncoder(batch_size=args.batch_size, device="cpu").load()
    print(f"model load ({enc.source_}): {time.perf_counter() - t:.1f} s")
    model = enc.model_
    log = ListObserver()
    enc.add_observer(log)
    model.encode(texts[:128], batch_size=args.batch_size)  # warm up both paths
    enc.encode(texts[:128])

    direct, ours = [], []
    for _ in range(args.rounds):
        t = time.perf_counter()
        model.encode(texts, batch_size=args.batch_size, show_progress_bar=False)
        direct.append(len(texts) / (time.perf_counter() - t))
        t = time.perf_counter()
        enc.encode(texts)
        ours.append(len(texts) / (time.perf_counter() - t))
    d, o = statistics.median(direct), statistics.median(ours)
    n_batches = sum(e.stage == "batch" for e in log.events)
    print(f"{len(texts)} sentences, batch size {args.batch_size}, {args.rounds} rounds")
    print(f"sentence-transformers encode: {d:8.1f} sentences/s  (runs {direct})")
    print(f"embedkit SentenceEncoder:     {o:8.1f} sentences/s  (runs {ours})")
    print(f"progress events per run: {n_batches // (args.rounds + 1)} batch + 1 epoch")
    print(f"ratio embedkit / sentence-transformers: {o / d:.3f}x (target >= 0.95x)")


if __name__ == "__main__":
    main()
