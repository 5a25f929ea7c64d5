"""Every trainer with no argument but its tutorial data: does it learn something sensible?

A user who reads no docstring gets the defaults. This trains each trainer on the data of
its tutorial with no other argument and prints what it learnt, the health figure
(``mean_cosine``, the mean pairwise cosine of 1,000 rows; above 0.8 the space has
collapsed) and the seconds it took:

- Word2Vec, FastText, GloVe on the Wikipedia sample: WordSim353 Spearman (GloVe target
  >= 0.30) and the neighbours of *war*;
- Doc2Vec on the Lee background corpus: Spearman against the human ratings of the 50
  test documents (inferred);
- ImageTrainer on the digits (first 1,400 train, rest test): kNN accuracy of the
  embeddings (5 neighbours);
- MatrixFactorization (explicit) and Item2Vec on MovieLens (random 80/20 split): test
  RMSE and precision@10.

Run: ``python benchmarks/bench_defaults.py [--only word2vec,glove,...]``
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

from _machine import describe

import embedkit as ek


def _health(trainer: ek.train.Trainer) -> str:
    return f"mean cosine {float(trainer.history_['mean_cosine'].iloc[-1]):.3f}"


def words(name: str) -> str:
    docs = ek.datasets.wiki_sample()
    trainer = getattr(ek.train, name)().fit(docs)
    rho = ek.evaluate.word_pairs(trainer.embeddings_, "wordsim353").spearman
    war = trainer.embeddings_.neighbours("war", k=4)["label"].tolist()
    target = " (target >= 0.30)" if name == "GloVe" else ""
    return f"{trainer!r}: WordSim353 {rho:.3f}{target}, {_health(trainer)}, war -> {war}"


def doc2vec() -> str:
    lee = ek.datasets.lee()
    d2v = ek.train.Doc2Vec().fit(lee.background)
    rho = ek.evaluate.document_similarity(d2v.infer_many(lee.test), lee.similarity).spearman
    return f"{d2v!r}: Lee Spearman {rho:.3f}, {_health(d2v)}"


def images() -> str:
    d = ek.datasets.digits()
    tr = ek.train.ImageTrainer().fit(d.images[:1400], d.labels[:1400])
    emb = tr.embed(d.images, classes=d.labels)
    acc = ek.evaluate.knn_accuracy(emb, "class", k=5, test=range(1400, len(d.images)))
    return f"{tr!r}: kNN accuracy {acc.accuracy:.3f}, {_health(tr)}"


def items() -> str:
    ratings, movies = ek.datasets.movielens()
    train, test = ek.evaluate.split(ratings, seed=0)
    mf = ek.train.MatrixFactorization().fit(train, items=movies)
    i2v = ek.train.Item2Vec().fit(train, items=movies)
    rmse = ek.evaluate.rmse(mf, test).rmse
    p_mf = ek.evaluate.ranking(mf, test).precision
    return (
        f"{mf!r}: test RMSE {rmse:.3f}, precision@10 {p_mf:.3f}, {_health(mf)}\n"
        f"{i2v!r}: {_health(i2v)}"
    )


CASES: dict[str, Callable[[], str]] = {
    "word2vec": lambda: words("Word2Vec"),
    "fasttext": lambda: words("FastText"),
    "glove": lambda: words("GloVe"),
    "doc2vec": doc2vec,
    "images": images,
    "items": items,
}


def main() -> None:
    print(describe())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(CASES))
    args = parser.parse_args()
    warnings.simplefilter("ignore", ek.errors.CorpusWarning)  # the sample's long article
    for name in args.only.split(","):
        t0 = time.perf_counter()
        line = CASES[name]()
        print(f"{line}  [{time.perf_counter() - t0:.0f} s]", flush=True)


if __name__ == "__main__":
    main()
