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
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from _machine import describe
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
    print(describe())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    texts = lee_sentences(args.n)
    t = time.perf_counter()
    enc = SentenceEncoder(batch_size=args.batch_size, device="cpu").load_model()
    print(f"model load ({enc.source_}): {time.perf_counter() - t:.1f} s")
    model = enc.model_
    log = ListObserver()
    enc.add_observer(log)
    model.encode(texts[:128], batch_size=args.batch_size)  # warm up both paths
    enc.encode(texts[:128])

    def timed(fn: Any) -> tuple[float, float]:
        """(sentences per wall second, sentences per CPU second of this process)."""
        w, c = time.perf_counter(), time.process_time()
        fn()
        return len(texts) / (time.perf_counter() - w), len(texts) / (time.process_time() - c)

    def direct_call() -> None:
        model.encode(texts, batch_size=args.batch_size, show_progress_bar=False)

    def our_call() -> None:
        enc.encode(texts)

    direct: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    for i in range(args.rounds):  # alternate who goes first, so a load trend hits both
        if i % 2:
            ours.append(timed(our_call))
            direct.append(timed(direct_call))
        else:
            direct.append(timed(direct_call))
            ours.append(timed(our_call))
    n_batches = sum(e.stage == "batch" for e in log.events) // (args.rounds + 1)
    print(f"{len(texts)} sentences, batch size {args.batch_size}, {args.rounds} rounds")
    for name, runs in (
        ("sentence-transformers encode", direct),
        ("embedkit SentenceEncoder", ours),
    ):
        wall = [r[0] for r in runs]
        shown = ", ".join(f"{r:.1f}" for r in wall)
        print(
            f"{name:29s} wall: best {max(wall):7.1f}, median {statistics.median(wall):7.1f} "
            f"sentences/s (runs {shown}); per CPU second: "
            f"median {statistics.median(r[1] for r in runs):.1f}"
        )
    print(f"progress events per embedkit run: {n_batches} batch + 1 epoch")

    def ratio(k: int, pick: Any) -> float:
        return float(pick([r[k] for r in ours]) / pick([r[k] for r in direct]))

    print(
        f"ratio embedkit / sentence-transformers: wall best-of {ratio(0, max):.3f}x, "
        f"wall median {ratio(0, statistics.median):.3f}x, "
        f"CPU-time median {ratio(1, statistics.median):.3f}x (target >= 0.95x; on a busy "
        "machine the CPU-time ratio is the robust one)"
    )


if __name__ == "__main__":
    main()
