"""Word2Vec and FastText: embedkit (per-epoch calls, tqdm observer) vs plain gensim.

Both sides train the same gensim model class with the same parameters on the same
corpus (the offline Wikipedia sample, about 450,000 tokens); embedkit additionally runs
one ``train()`` call per epoch, reports each epoch to a tqdm observer (with the health
figure ``mean_cosine`` computed on 1,000 rows) and snapshots the vectors at the end; both
sides are timed from the start of training to its very end, FastText's end-of-training
rebuild of the word vectors included on both. Throughput is corpus words per second of
training (vocabulary building excluded on both sides). Runs alternate and the median of each side is
compared: the target is embedkit >= 0.95x gensim.

It also checks that the per-epoch calls change nothing: with one worker the vectors are
bit-for-bit those of one gensim call, and the WordSim353 Spearman is the same.

Timings on a shared machine are noisy (one epoch takes about a second): rounds
alternate between the two sides (and who goes first) and medians are compared. One
worker thread is the default because it is the least disturbed by other load; with
``--workers 2`` on a busy 2-core machine the spread between runs of the *same* code is
over 10%. The time embedkit spends outside gensim's ``train()`` calls is printed too.

Run: ``python benchmarks/bench_word2vec.py [--rounds 5] [--epochs 5]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import warnings
from typing import Any

import numpy as np
from _machine import describe

import embedkit as ek
from embedkit.train import TqdmObserver
from embedkit.train.words import FastText, Word2Vec


def plain_gensim(cls_name: str, params: dict[str, Any], docs: list[list[str]]) -> float:
    """Words/sec of one plain gensim ``train()`` call over all epochs."""
    import gensim.models

    cls = getattr(gensim.models, cls_name)
    extra = {"compute_loss": True} if cls_name == "Word2Vec" else {}
    model = cls(**params, **extra)
    model.build_vocab(docs)
    t0 = time.perf_counter()
    _, raw = model.train(docs, total_examples=model.corpus_count, epochs=model.epochs, **extra)
    return raw / (time.perf_counter() - t0)


OVERHEAD: list[float] = []


class Span:
    """Wall time from the run's start (``on_start``) to its very end (``on_end``).

    ``on_end`` comes after the end-of-training work (FastText's rebuild of every word
    vector from its n-grams, the final snapshot), which gensim's single ``train()`` call
    pays too: both sides are timed over the same work.
    """

    def on_start(self, trainer: Any) -> None:
        self.t0 = time.perf_counter()

    def on_end(self, trainer: Any) -> None:
        self.seconds = time.perf_counter() - self.t0


def through_embedkit(cls: type, params: dict[str, Any], docs: list[list[str]]) -> float:
    """Words/sec of an embedkit fit with a tqdm observer (start of training to its end)."""
    bar = TqdmObserver(file=io.StringIO())  # a real tqdm bar, written to a buffer
    span = Span()
    trainer = cls(**params, observers=[bar, span]).fit(docs)
    hist = trainer.history_
    per_epoch = trainer.model_.corpus_total_words
    elapsed = span.seconds
    in_gensim = float((per_epoch / hist["words_per_sec"]).sum())  # time inside train() calls
    OVERHEAD.append((elapsed - in_gensim) / elapsed)
    return per_epoch * len(hist) / elapsed


def compare(name: str, cls: type, params: dict[str, Any], docs: list[list[str]], rounds: int):
    ours, theirs = [], []
    OVERHEAD.clear()
    for r in range(rounds):  # alternate sides and who goes first: load hits both alike
        if r % 2:
            ours.append(through_embedkit(cls, params, docs))
            theirs.append(plain_gensim(name, params, docs))
        else:
            theirs.append(plain_gensim(name, params, docs))
            ours.append(through_embedkit(cls, params, docs))
    med_o, med_t = statistics.median(ours), statistics.median(theirs)
    paired = statistics.median(o / t for o, t in zip(ours, theirs, strict=True))
    print(
        f"{name:9s} gensim {med_t:>10,.0f} words/s   embedkit {med_o:>10,.0f} words/s   "
        f"ratio of medians {med_o / med_t:.3f}, median paired ratio {paired:.3f}, best-of "
        f"ratio {max(ours) / max(theirs):.3f} ({rounds} alternating rounds)"
    )
    print(
        f"{'':9s} time outside gensim's train() calls (embedkit's own per-epoch work): "
        f"median {100 * statistics.median(OVERHEAD):.2f}% of the training loop"
    )
    return med_o / med_t


def same_result_check(docs: list[list[str]], epochs: int) -> None:
    """One worker: per-epoch calls equal one gensim call bit for bit (vectors, Spearman)."""
    from gensim.models import Word2Vec as GensimWord2Vec

    sample = docs[:40]
    trainer = Word2Vec(vector_size=50, sg=1, epochs=epochs, deterministic=True).fit(sample)
    assert trainer.sg_ == 1
    ref = GensimWord2Vec(sample, compute_loss=True, **trainer.gensim_params())
    equal = np.array_equal(trainer.model_.wv.vectors, ref.wv.vectors)
    s_ours = ek.evaluate.word_pairs(trainer.embeddings_).spearman
    s_ref = ek.evaluate.word_pairs(ek.Embeddings.from_gensim(ref.wv)).spearman
    print(
        f"per-epoch calls vs one gensim call (1 worker, {epochs} epochs): vectors identical "
        f"{equal}; WordSim353 Spearman {s_ours:.4f} vs {s_ref:.4f}"
    )


def main() -> None:
    print(describe())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ek.train.corpus.CorpusWarning)  # the sample's long article
    docs = ek.train.check_corpus(ek.datasets.wiki_sample())
    n_tokens = sum(map(len, docs))
    print(f"corpus: Wikipedia sample, {len(docs)} documents, {n_tokens:,} tokens")
    common = {"vector_size": 100, "window": 5, "min_count": 5, "epochs": args.epochs}
    common["workers"] = args.workers
    ft_params = {**common, "sg": 0, "bucket": 500_000}
    ratios = {
        "Word2Vec": compare("Word2Vec", Word2Vec, {**common, "sg": 0}, docs, args.rounds),
        "FastText": compare("FastText", FastText, ft_params, docs, max(3, args.rounds - 2)),
    }
    same_result_check(docs, args.epochs)
    for name, ratio in ratios.items():
        verdict = "OK" if ratio >= 0.95 else "BELOW TARGET (machine load? rerun)"
        print(f"{name}: embedkit/gensim words/sec = {ratio:.3f}  target >= 0.95  {verdict}")


if __name__ == "__main__":
    main()
