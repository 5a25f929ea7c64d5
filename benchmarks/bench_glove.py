"""GloVe (torch): co-occurrence counting and training time, scaling, and quality.

1. Scaling: the offline Wikipedia sample (about 450,000 tokens) repeated 1x, 2x and 4x:
   counting time, non-zero co-occurrences and training time per epoch. Repeating the
   sample keeps the text real; with ``min_count`` fixed the vocabulary grows with the
   repetitions (words seen 3-4 times pass ``min_count=5`` at 2x), so the number of
   non-zero pairs grows too.
2. Quality on the 1x sample: WordSim353 Spearman of GloVe next to Word2Vec skip-gram
   trained on the same corpus with the same dimensions (the target: GloVe >= 0.25; the
   loss must fall every epoch).
3. Defaults: ``GloVe().fit(sample)`` with no argument but the data (``window``, ``x_max``
   and ``batch_size`` chosen from the corpus): the target is WordSim353
   Spearman >= 0.30 within its 25 epochs, and the values it chose are printed.

Run: ``python benchmarks/bench_glove.py [--epochs 25] [--w2v-epochs 10]``
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from _machine import describe

import embedkit as ek
from embedkit.train.corpus import CorpusWarning, count_words
from embedkit.train.glove import GloVe, cooccurrence_matrix
from embedkit.train.words import Word2Vec

GLOVE = {"vector_size": 50, "window": 10, "min_count": 5, "x_max": 5.0, "learning_rate": 0.1}


def scaling(docs: list[list[str]], epochs: int = 2) -> pd.DataFrame:
    rows = []
    for factor in (1, 2, 4):
        corpus = docs * factor
        counts = count_words(corpus)
        vocab = [w for w, c in counts.most_common() if c >= GLOVE["min_count"]]
        t0 = time.perf_counter()
        X = cooccurrence_matrix(corpus, vocab, GLOVE["window"])
        count_s = time.perf_counter() - t0
        g = GloVe(**GLOVE, epochs=epochs, deterministic=True).fit(corpus)
        per_epoch = float(g.history_["elapsed"].iloc[-1]) / epochs
        rows.append(
            {
                "scale": f"{factor}x",
                "tokens": sum(counts.values()),
                "vocabulary": len(vocab),
                "non-zero pairs": X.nnz,
                "counting s": round(count_s, 2),
                "train s/epoch": round(per_epoch, 2),
                "pairs/s": round(X.nnz / per_epoch),
            }
        )
    return pd.DataFrame(rows).set_index("scale")


def quality(docs: list[list[str]], epochs: int, w2v_epochs: int) -> None:
    def spearman(emb: ek.Embeddings) -> float:
        return float(ek.evaluate.word_pairs(emb).spearman)

    t0 = time.perf_counter()
    glove = GloVe(**GLOVE, epochs=epochs, deterministic=True, probes=[spearman]).fit(docs)
    g_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    w2v = Word2Vec(vector_size=GLOVE["vector_size"], window=5, min_count=5, sg=1,
                   epochs=w2v_epochs, workers=2).fit(docs)  # fmt: skip
    w_s = time.perf_counter() - t0
    loss = glove.history_["loss"].to_numpy()
    falls = bool((np.diff(loss) < 0).all())
    curve = glove.history_["spearman"].round(3).tolist()
    print(f"GloVe WordSim353 Spearman by epoch: {curve}")
    print(f"GloVe loss by epoch: {[round(float(x), 4) for x in loss]}  falls every epoch: {falls}")
    table = pd.DataFrame(
        [
            ("GloVe (torch)", epochs, spearman(glove.embeddings_), g_s),
            ("Word2Vec skip-gram", w2v_epochs, spearman(w2v.embeddings_), w_s),
        ],
        columns=["model", "epochs", "WordSim353 Spearman", "seconds"],
    ).set_index("model")
    print(table.round(3).to_string())
    ok = table.loc["GloVe (torch)", "WordSim353 Spearman"] >= 0.25 and falls
    print(f"GloVe Spearman >= 0.25 and loss falling: {'OK' if ok else 'BELOW TARGET'}")


def defaults(docs: list[list[str]]) -> None:
    """GloVe with no argument but the data (what a user who reads no docstring gets)."""
    t0 = time.perf_counter()
    g = GloVe().fit(docs)
    seconds = time.perf_counter() - t0
    rho = float(ek.evaluate.word_pairs(g.embeddings_).spearman)
    health = float(g.history_["mean_cosine"].iloc[-1])
    print(f"defaults: {g!r}; {seconds:.0f} s")
    print(
        f"defaults: WordSim353 Spearman {rho:.3f}, mean cosine {health:.3f}: "
        f"{'OK' if rho >= 0.30 else 'BELOW TARGET'} (target >= 0.30)"
    )


def main() -> None:
    print(describe())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--w2v-epochs", type=int, default=10)
    args = parser.parse_args()
    warnings.simplefilter("ignore", CorpusWarning)  # the sample's article over 10,000 tokens
    docs = ek.train.check_corpus(ek.datasets.wiki_sample())
    print(f"GloVe parameters: {GLOVE}")
    defaults(docs)
    print(scaling(docs).to_string())
    quality(docs, args.epochs, args.w2v_epochs)


if __name__ == "__main__":
    main()
