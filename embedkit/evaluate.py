"""Evaluate embeddings: analogies, word-pair similarity, kNN accuracy, overlap, documents.

``analogies`` and ``word_pairs`` reproduce gensim's ``evaluate_word_analogies`` and
``evaluate_word_pairs`` exactly (same vocabulary restriction, case folding, skipping and
arithmetic), but answer all analogy questions in one blocked, memory-bounded search.
Every result states its metric and coverage, renders as a small table in a notebook,
and plots itself with matplotlib.

Examples
--------
>>> import embedkit as ek
>>> emb = ek.Embeddings(["man", "king", "woman", "queen", "apple"],
...                     [[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [1, 0, 1]])
>>> qs = pd.DataFrame([["royal", "man", "king", "woman", "queen"]],
...                   columns=["section", "a", "b", "c", "expected"])
>>> analogies(emb, qs)
AnalogyResult(method='3cosadd', accuracy=1.0000, correct=1/1, skipped=0, coverage=100.0%, \
restrict_vocab=300000)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import datasets, search
from ._results import (
    AnalogyResult,
    CorrelationResult,
    DocumentSimilarityResult,
    KnnResult,
    WordPairsResult,
)

if TYPE_CHECKING:
    from .vectors import Embeddings

__all__ = [
    "AnalogyResult",
    "CorrelationResult",
    "DocumentSimilarityResult",
    "KnnResult",
    "WordPairsResult",
    "analogies",
    "confusion",
    "document_similarity",
    "knn_accuracy",
    "neighbour_overlap",
    "word_pairs",
]

_QUESTION_COLUMNS = ["section", "a", "b", "c", "expected"]
_PAIRS = {"wordsim353": datasets.wordsim353, "simlex999": datasets.simlex999}


def _vocab(emb: Embeddings, restrict_vocab: int | None, case_insensitive: bool) -> dict[str, int]:
    """gensim's ``ok_vocab``: first ``restrict_vocab`` labels; with case folding the
    first (most frequent) row of each upper-cased form wins."""
    labels = emb.labels[:restrict_vocab]
    if not case_insensitive:
        return {lab: i for i, lab in enumerate(labels)}
    upper = [lab.upper() for lab in labels]
    return dict(zip(reversed(upper), range(len(upper) - 1, -1, -1), strict=True))


def _check_restrict(restrict_vocab: int | None) -> int | None:
    if restrict_vocab is not None and (isinstance(restrict_vocab, bool) or restrict_vocab <= 0):
        raise ValueError(
            f"restrict_vocab must be a positive integer or None, got {restrict_vocab!r}"
        )
    return restrict_vocab


# ----------------------------------------------------------------------------- analogies
def _questions(questions: Any) -> tuple[pd.DataFrame, str]:
    if questions is None:
        return datasets.google_analogies(), "Google analogy set"
    if isinstance(questions, pd.DataFrame):
        missing = [c for c in _QUESTION_COLUMNS if c not in questions.columns]
        if missing:
            raise ValueError(
                f"questions DataFrame lacks columns {missing}; need {_QUESTION_COLUMNS}"
            )
        df = questions[_QUESTION_COLUMNS].reset_index(drop=True)
        return df.astype({c: str for c in _QUESTION_COLUMNS}), "DataFrame"
    if isinstance(questions, (str, os.PathLike)):
        return datasets.load_analogies(questions), str(questions)
    raise TypeError(
        f"questions must be None, a path or a DataFrame, not {type(questions).__name__}"
    )


def _gensim_pick(cands: np.ndarray, labels: list[str], ignore: set[str], fold: bool) -> int:
    """gensim's choice among its top 5: the first whose (upper-cased) form is not an input.

    Returns the row, or -1 when there is no candidate; like gensim, when every candidate
    is a case variant of an input the last one stands (it can only match ``expected``
    when ``expected`` is itself an input).
    """
    picked = -1
    for r in cands:
        if r < 0:
            break
        picked = int(r)
        if (labels[r].upper() if fold else labels[r]) not in ignore:
            break
    return picked


def analogies(
    emb: Embeddings,
    questions: Any = None,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
    method: str = "3cosadd",
    dummy4unknown: bool = False,
) -> AnalogyResult:
    """Accuracy on ``a : b :: c : expected`` questions, exactly as gensim computes it.

    Parameters
    ----------
    emb : Embeddings
    questions : None, path or DataFrame
        None is the Google set (19,544 questions); a path is a file with ``: section``
        headers and ``a b c expected`` lines; a DataFrame has columns section, a, b, c,
        expected.
    restrict_vocab : int or None
        Only the first ``restrict_vocab`` labels are known words and candidates (gensim's
        rule; rows are usually sorted by frequency).
    case_insensitive : bool
        Compare upper-cased words; the most frequent case variant stands for a word.
    method : {"3cosadd", "3cosmul"}
        3CosAdd is gensim's ``most_similar(positive=[b, c], negative=[a])``.
    dummy4unknown : bool
        Count questions with unknown words as wrong instead of skipping them.

    Returns
    -------
    AnalogyResult
    """
    _check_restrict(restrict_vocab)
    qs, source = _questions(questions)
    if qs.empty:
        raise ValueError(f"no analogy questions in {source}")
    vocab = _vocab(emb, restrict_vocab, case_insensitive)
    words = qs[["a", "b", "c", "expected"]].to_numpy(dtype=object)
    if case_insensitive:
        words = np.array([[w.upper() for w in row] for row in words], dtype=object)
    get = vocab.get
    idx = np.array([[get(w, -1) for w in row] for row in words], dtype=np.int64).reshape(-1, 4)
    known: np.ndarray = np.asarray((idx >= 0).all(axis=1))
    counted = np.ones(len(qs), dtype=bool) if dummy4unknown else known
    if not counted.any():
        raise ValueError(
            f"none of the {len(qs)} questions in {source} has all four words among the first "
            f"{restrict_vocab} labels (case_insensitive={case_insensitive})"
        )
    picked = _predict(emb, words, idx, known, method, restrict_vocab, case_insensitive)
    labels = emb.labels
    keys = [None if r < 0 else labels[r] for r in picked]
    folded = [k.upper() if k is not None and case_insensitive else k for k in keys]
    correct = np.array([k == e for k, e in zip(folded, words[:, 3], strict=True)]) & known
    preds = qs.loc[known].reset_index(drop=True)
    preds["predicted"] = [k for k, ok in zip(keys, known, strict=True) if ok]
    preds["correct"] = correct[known]
    return AnalogyResult.tabulate(
        qs["section"], correct & counted, counted, known, preds,
        method=method, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
    )  # fmt: skip


def _predict(
    emb: Embeddings,
    words: np.ndarray,
    idx: np.ndarray,
    known: np.ndarray,
    method: str,
    restrict_vocab: int | None,
    fold: bool,
) -> np.ndarray:
    """Row of gensim's answer for each known question (-1 elsewhere), all in one search."""
    from .analogy import analogy_topk

    answered = np.flatnonzero(known)
    a, b, c = (idx[answered, j] for j in range(3))
    top, _ = analogy_topk(emb, a, b, c, 5, method=method, rows=restrict_vocab)
    labels = emb.labels
    picked = np.full(len(idx), -1, dtype=np.int64)
    for row, cands in zip(answered, top, strict=True):
        picked[row] = _gensim_pick(cands, labels, set(words[row, :3]), fold)
    return picked


# ----------------------------------------------------------------------------- correlations
def _correlate(
    kind: type[CorrelationResult],
    source: str,
    pairs: pd.DataFrame,
    oov_ratio: float,
    settings: dict[str, Any],
) -> CorrelationResult:
    from scipy import stats

    if len(pairs) < 2:
        raise ValueError(f"{source}: need at least 2 known pairs to correlate, got {len(pairs)}")
    gold = pairs["gold"].to_numpy(np.float64)
    model = pairs["model"].to_numpy(np.float64)
    pearson = stats.pearsonr(gold, model)
    spearman = stats.spearmanr(gold, model)
    return kind(
        source=source,
        pearson=float(pearson[0]),
        pearson_pvalue=float(pearson[1]),
        spearman=float(spearman[0]),
        spearman_pvalue=float(spearman[1]),
        oov_ratio=oov_ratio,
        pairs=pairs,
        settings=settings,
    )


def _gensim_cosine(u: np.ndarray, v: np.ndarray) -> float:
    """gensim's ``similarity``: ``dot(unitvec(u), unitvec(v))`` with its float64 BLAS."""
    from scipy.linalg import blas

    def unit(x: np.ndarray) -> np.ndarray:
        x64 = x.astype(np.float64)
        n = blas.dnrm2(x64)
        return blas.dscal(1.0 / n, x64).astype(x.dtype) if n > 0 else x

    return float(np.dot(unit(u), unit(v)))


def _pairs_frame(pairs: Any) -> tuple[pd.DataFrame, str]:
    if isinstance(pairs, str) and pairs in _PAIRS:
        return _PAIRS[pairs](), pairs
    if isinstance(pairs, pd.DataFrame):
        missing = [c for c in ("word1", "word2", "score") if c not in pairs.columns]
        if missing:
            raise ValueError(f"pairs DataFrame lacks columns {missing}; need word1, word2, score")
        return pairs[["word1", "word2", "score"]].reset_index(drop=True), "DataFrame"
    if isinstance(pairs, (str, os.PathLike)):
        if not os.path.isfile(pairs):
            raise FileNotFoundError(
                f"word pairs {str(pairs)!r}: not a file nor one of {sorted(_PAIRS)}"
            )
        return datasets.load_word_pairs(pairs), str(pairs)
    raise TypeError(f"pairs must be a name, a path or a DataFrame, not {type(pairs).__name__}")


def word_pairs(
    emb: Embeddings,
    pairs: Any = "wordsim353",
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
    dummy4unknown: bool = False,
) -> CorrelationResult:
    """Correlation of cosine similarity with human word-pair scores (gensim's figures).

    Parameters
    ----------
    pairs : "wordsim353", "simlex999", a path or a DataFrame (word1, word2, score)
    restrict_vocab, case_insensitive
        As in :func:`analogies`.
    dummy4unknown : bool
        Give pairs with an unknown word similarity 0 instead of skipping them.

    Examples
    --------
    >>> import embedkit as ek
    >>> emb = ek.Embeddings(["a", "b", "c"], [[1, 0], [1, 1], [0, 1]])
    >>> df = pd.DataFrame({"word1": ["a", "a", "b"], "word2": ["b", "c", "x"],
    ...                    "score": [8.0, 1.0, 5.0]})
    >>> r = word_pairs(emb, df)
    >>> r.spearman, r.oov_ratio
    (1.0, 0.333...)
    """
    _check_restrict(restrict_vocab)
    frame, source = _pairs_frame(pairs)
    vocab = _vocab(emb, restrict_vocab, case_insensitive)
    vectors = emb.vectors
    rows: list[tuple[str, str, float, float]] = []
    oov = 0
    for w1, w2, score in frame.itertuples(index=False):
        k1, k2 = (w.upper() for w in (w1, w2)) if case_insensitive else (w1, w2)
        if k1 not in vocab or k2 not in vocab:
            oov += 1
            if dummy4unknown:
                rows.append((w1, w2, float(score), 0.0))
            continue
        rows.append((w1, w2, float(score), _gensim_cosine(vectors[vocab[k1]], vectors[vocab[k2]])))
    if not rows:
        raise ValueError(
            f"no pair in {source} has both words among the first {restrict_vocab} labels"
        )
    used = pd.DataFrame(rows, columns=["word1", "word2", "gold", "model"])
    settings = {"restrict_vocab": restrict_vocab, "case_insensitive": case_insensitive}
    return _correlate(WordPairsResult, source, used, oov / len(frame), settings)


def document_similarity(
    emb: Embeddings, gold: Any, labels: Sequence[str] | None = None
) -> CorrelationResult:
    """Correlate the model's pairwise cosine similarities with a human similarity matrix.

    Uses the upper triangle (without the diagonal) of ``gold``, shape (n, n), against
    the same pairs of ``emb`` rows (or of ``labels``, in that order) — the Lee corpus
    benchmark for document embeddings.

    >>> import embedkit as ek
    >>> emb = ek.Embeddings(["d0", "d1", "d2"], [[1, 0], [1, 1], [0.2, 1]])
    >>> gold = np.array([[1, .8, .1], [.8, 1, .9], [.1, .9, 1]])
    >>> round(document_similarity(emb, gold).spearman, 6)
    1.0
    """
    mat = np.asarray(gold, dtype=np.float64)
    sub = emb if labels is None else emb[list(labels)]
    n = len(sub)
    if mat.ndim != 2 or mat.shape != (n, n):
        raise ValueError(
            f"gold must be a square ({n}, {n}) matrix for {n} documents; got {mat.shape}"
        )
    if not np.isfinite(mat[np.triu_indices(n, 1)]).all():
        raise ValueError("gold similarity matrix holds NaN or infinite values above the diagonal")
    norms = np.where(sub.norms == 0, 1.0, sub.norms)
    unit = sub.vectors.astype(np.float64) / norms[:, None]
    i, j = np.triu_indices(n, 1)
    model = (unit @ unit.T)[i, j]
    sub_labels = sub.labels
    pairs = pd.DataFrame(
        {"doc1": [sub_labels[x] for x in i], "doc2": [sub_labels[x] for x in j],
         "gold": mat[i, j], "model": model}
    )  # fmt: skip
    return _correlate(DocumentSimilarityResult, "similarity matrix", pairs, 0.0, {"documents": n})


# ----------------------------------------------------------------------------- kNN, overlap
def _row_labels(emb: Embeddings, labels: Any) -> np.ndarray:
    if isinstance(labels, str):
        if emb.metadata is None or labels not in emb.metadata.columns:
            cols = [] if emb.metadata is None else list(emb.metadata.columns)
            raise KeyError(f"no metadata column {labels!r}; columns are {cols}")
        labels = emb.metadata[labels]
    arr = np.asarray(labels)
    if arr.ndim != 1 or len(arr) != len(emb):
        raise ValueError(f"labels must hold one class per row ({len(emb)}); got shape {arr.shape}")
    return arr


def _test_rows(test: Any, n: int) -> np.ndarray:
    arr = np.asarray(test)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ValueError(f"a boolean test mask must have length {n}; got shape {arr.shape}")
        arr = np.flatnonzero(arr)
    arr = arr.astype(np.int64).ravel()
    if arr.size == 0 or arr.size >= n or arr.min() < 0 or arr.max() >= n:
        raise ValueError(f"test must select between 1 and {n - 1} of the {n} rows")
    return np.unique(arr)


def knn_accuracy(
    emb: Embeddings, labels: Any, k: int = 5, metric: str = "cosine", test: Any = None
) -> KnnResult:
    """Classify rows by a majority vote of their ``k`` nearest neighbours.

    ``labels`` is one class per row or the name of a metadata column. With ``test=None``
    every row is classified by all the others (leave-one-out); otherwise ``test`` (a
    boolean mask or row indices) is classified by the remaining rows. Ties go to the
    smallest class, as in scikit-learn's ``KNeighborsClassifier``.

    >>> import embedkit as ek
    >>> emb = ek.Embeddings(list("abcd"), [[1, 0], [1, .1], [0, 1], [.1, 1]])
    >>> knn_accuracy(emb, ["x", "x", "y", "y"], k=1)
    KnnResult(accuracy=1.0000, k=1, metric='cosine', mode='leave-one-out', n_test=4, n_train=4)
    """
    y = _row_labels(emb, labels)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    classes, codes = np.unique(y, return_inverse=True)
    n = len(emb)
    if test is None:
        mode, test_rows, pool = "leave-one-out", np.arange(n), np.arange(n)
        exclude: list[list[int]] | None = [[i] for i in range(n)]
    else:
        mode, test_rows = "held-out", _test_rows(test, n)
        pool, exclude = np.setdiff1d(np.arange(n), test_rows), None
    matrix = emb.vectors if mode == "leave-one-out" else emb.vectors[pool]
    norms = emb.norms[pool] if metric in ("cosine", "euclidean") else None
    idx, _ = search.topk(
        matrix, emb.vectors[test_rows], k, metric=metric, norms=norms, exclude=exclude
    )
    votes = np.zeros((len(test_rows), len(classes)), dtype=np.int64)
    valid = idx >= 0
    np.add.at(votes, (np.nonzero(valid)[0], codes[pool[idx[valid]]]), 1)
    pred = votes.argmax(axis=1)
    hit = pred == codes[test_rows]
    per = pd.DataFrame({"label": classes[codes[test_rows]], "hit": hit})
    per_class = per.groupby("label", sort=True)["hit"].agg(n="size", accuracy="mean").reset_index()
    return KnnResult(
        accuracy=float(hit.mean()), k=int(k), metric=metric, mode=mode,
        n_test=len(test_rows), n_train=len(pool), per_class=per_class, predicted=classes[pred],
    )  # fmt: skip


def confusion(
    emb: Embeddings, labels: Any, k: int = 5, metric: str = "cosine", test: Any = None
) -> pd.DataFrame:
    """Confusion table of :func:`knn_accuracy`: true class (rows) by predicted class (columns).

    Same arguments and modes (leave-one-out, or held-out with ``test``); counts of test
    rows, with every class as both a row and a column.

    >>> import embedkit as ek
    >>> emb = ek.Embeddings(list("abcd"), [[1, 0], [1, .1], [0, 1], [.1, 1]])
    >>> confusion(emb, ["x", "x", "y", "x"], k=1).values.tolist()
    [[2, 1], [1, 0]]
    """
    y = _row_labels(emb, labels)
    result = knn_accuracy(emb, y, k=k, metric=metric, test=test)
    rows = np.arange(len(emb)) if test is None else _test_rows(test, len(emb))
    classes = np.unique(y)
    true = pd.Categorical(y[rows], categories=classes)
    pred = pd.Categorical(result.predicted, categories=classes)
    table = pd.crosstab(true, pred, rownames=["true"], colnames=["predicted"], dropna=False)
    table.attrs.update({"k": result.k, "metric": metric, "mode": result.mode})
    return table


def neighbour_overlap(
    emb_a: Embeddings,
    emb_b: Embeddings,
    k: int = 10,
    labels: Sequence[str] | None = None,
    metric: str = "cosine",
) -> pd.DataFrame:
    """Jaccard@k of each label's ``k`` nearest neighbours in two embeddings.

    Both neighbour sets are searched within the vocabulary the two share (so the
    comparison is fair), excluding the label itself. Returns a DataFrame with columns
    label, jaccard (1 = identical neighbourhoods); ``.attrs`` records k, metric and the
    shared vocabulary size.

    >>> import embedkit as ek
    >>> a = ek.Embeddings(list("abcd"), [[1, 0], [1, .1], [0, 1], [.1, 1]])
    >>> neighbour_overlap(a, a, k=1)["jaccard"].tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    in_b = emb_b.key_to_index
    shared = [lab for lab in emb_a.labels if lab in in_b]
    if len(shared) < 2:
        raise ValueError(f"the two embeddings share {len(shared)} labels; need at least 2")
    pos = {lab: i for i, lab in enumerate(shared)}
    queries = shared if labels is None else list(labels)
    missing = [lab for lab in queries if lab not in pos]
    if missing:
        raise KeyError(f"labels not in both embeddings: {missing[:5]}")
    q = np.array([pos[lab] for lab in queries], dtype=np.int64)
    k = min(k, len(shared) - 1)
    sets = []
    for emb in (emb_a, emb_b):
        rows = np.array([emb.key_to_index[lab] for lab in shared], dtype=np.int64)
        sub = emb.vectors[rows]
        idx, _ = search.topk(sub, sub[q], k, metric=metric, norms=emb.norms[rows],
                             exclude=[[int(i)] for i in q])  # fmt: skip
        sets.append(idx)
    jac = [
        len(set(x) & set(y)) / len(set(x) | set(y)) for x, y in zip(sets[0], sets[1], strict=True)
    ]
    out = pd.DataFrame({"label": queries, "jaccard": jac})
    out.attrs.update({"k": k, "metric": metric, "shared_vocabulary": len(shared)})
    return out


# ----------------------------------------------------------------------------- recommendations
# Splits, RMSE, ranking metrics and baselines for recommenders live in embedkit.recommend.
from .recommend import (  # noqa: E402
    Biases,
    GlobalMean,
    ImplicitLibrary,
    Popularity,
    RankingResult,
    RmseResult,
    Split,
    baselines,
    compare_recommenders,
    ranking,
    rmse,
    split,
)

__all__ += [
    "Biases",
    "GlobalMean",
    "ImplicitLibrary",
    "Popularity",
    "RankingResult",
    "RmseResult",
    "Split",
    "baselines",
    "compare_recommenders",
    "ranking",
    "rmse",
    "split",
]
