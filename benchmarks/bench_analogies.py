"""Analogy and word-pair evaluation: embedkit against gensim on GloVe 6B 50d (400k words).

Runs gensim's ``evaluate_word_analogies`` on the full Google set (19,544 questions,
restrict_vocab=300,000) and ``embedkit.evaluate.analogies`` on the same vectors in one
process, checks that accuracy and every section's counts are identical, and prints
the times and the ratio (target: embedkit at least 8x faster). Then the same for
``evaluate_word_pairs`` on WordSim-353 and SimLex-999.

Wall times on a shared machine are noisy: the load average and the CPU time of each
run are printed too. Usage: ``python benchmarks/bench_analogies.py [--quick]``
(``--quick`` uses the first 100 questions of each section).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from _machine import describe
from gensim.test.utils import datapath

from embedkit import datasets, evaluate


def timed(fn, *args, **kwargs):
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - w, time.process_time() - c


def questions_file(quick: bool) -> str:
    if not quick:
        return datapath("questions-words.txt")
    qs = datasets.google_analogies().groupby("section", sort=False).head(100)
    lines = []
    for section, group in qs.groupby("section", sort=False):
        lines.append(f": {section}")
        lines += [" ".join(r) for r in group[["a", "b", "c", "expected"]].itertuples(index=False)]
    path = Path(tempfile.mkdtemp()) / "questions.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def bench_analogies(emb, kv, path: str) -> float:
    ours, ek_wall, ek_cpu = timed(evaluate.analogies, emb, path)
    print(f"embedkit  {ek_wall:7.1f} s wall  {ek_cpu:7.1f} s CPU   {ours!r}")
    (score, sections), g_wall, g_cpu = timed(kv.evaluate_word_analogies, path)
    print(f"gensim    {g_wall:7.1f} s wall  {g_cpu:7.1f} s CPU   accuracy={score:.4f}")
    again, ek_wall2, ek_cpu2 = timed(evaluate.analogies, emb, path)
    print(f"embedkit  {ek_wall2:7.1f} s wall  {ek_cpu2:7.1f} s CPU   (second run)")
    theirs = {
        s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
        for s in sections[:-1]
    }
    for result in (ours, again):
        mine = {r.section: (r.correct, r.total) for r in result.sections.itertuples()}
        assert mine == theirs, f"per-section counts differ:\n{mine}\n{theirs}"
        assert result.accuracy == score, (result.accuracy, score)
    total = sum(t for _, t in theirs.values())
    print(f"identical: accuracy {score:.4f} over {total:,} questions, all {len(theirs)} sections")
    ek_mean, ek_cpu_mean = (ek_wall + ek_wall2) / 2, (ek_cpu + ek_cpu2) / 2
    ratio = g_wall / ek_mean
    print(
        f"analogies: gensim {g_wall:.1f} s / embedkit {ek_mean:.1f} s (mean of 2 runs) = "
        f"{ratio:.1f}x wall (target >= 8x); CPU time {g_cpu:.1f} s / {ek_cpu_mean:.1f} s = "
        f"{g_cpu / ek_cpu_mean:.1f}x"
    )
    return ratio


def bench_word_pairs(emb, kv) -> None:
    for name, fname in (("wordsim353", "wordsim353.tsv"), ("simlex999", "simlex999.txt")):
        (pearson, spearman, oov), g_wall, _ = timed(kv.evaluate_word_pairs, datapath(fname))
        ours, ek_wall, _ = timed(evaluate.word_pairs, emb, name)
        same = (ours.pearson, ours.spearman) == (pearson.statistic, spearman.statistic)
        assert same and abs(100 * ours.oov_ratio - oov) < 1e-9, (ours, pearson, spearman, oov)
        print(
            f"word pairs {name:10s}: spearman {ours.spearman:.4f} pearson {ours.pearson:.4f} "
            f"oov {oov:.1f}% identical; gensim {g_wall:.2f} s, embedkit {ek_wall:.2f} s "
            f"({g_wall / ek_wall:.1f}x)"
        )


def main() -> int:
    print(describe())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 questions per section")
    args = parser.parse_args()
    logging.getLogger("gensim").setLevel(logging.WARNING)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    emb, wall, _ = timed(datasets.glove)
    print(f"datasets.glove(): {emb!r} in {wall:.2f} s")
    kv = emb.to_gensim()
    emb.norms  # noqa: B018 - both libraries cache their norms before timing
    kv.fill_norms()
    ratio = bench_analogies(emb, kv, questions_file(args.quick))
    bench_word_pairs(emb, kv)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if ratio < 8:
        print("note: below the 8x target in this run (see load average: shared machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
