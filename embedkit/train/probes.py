"""Per-epoch probes: small evaluations a trainer runs after every epoch.

A probe takes the current :class:`~embedkit.Embeddings` and returns named numbers; they
land in the trainer's ``history_`` and in each :class:`~embedkit.train.TrainingEvent`'s
``metrics`` (so the dashboard charts them live). Give a trainer ``probes=[...]`` with:

- ``"wordsim353"`` or ``"simlex999"``: Spearman correlation with human word-pair scores
  (:func:`embedkit.evaluate.word_pairs`), metric ``wordsim353_spearman``;
- ``"analogy"``: accuracy on a fixed random subset of the Google analogy questions whose
  words are all in the vocabulary (:func:`embedkit.evaluate.analogies`);
- a :class:`WordPairsProbe` or :class:`AnalogyProbe` with your own settings;
- any callable ``f(emb) -> float`` (named after the function) or ``-> dict[str, float]``.

Examples
--------
>>> import embedkit as ek
>>> emb = ek.Embeddings(["a", "b", "c"], [[1, 0], [1, 1], [0, 1]])
>>> probes = make_probes([lambda e: len(e), CallableProbe(lambda e: e.dim, name="dim")])
>>> run_probes(probes, emb)
{'<lambda>': 3.0, 'dim': 2.0}
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..vectors import Embeddings


class Probe:
    """Base class: ``probe(emb) -> dict[str, float]``; ``name`` prefixes the metric names."""

    name: str = "probe"

    def __call__(self, emb: Embeddings) -> dict[str, float]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class WordPairsProbe(Probe):
    """Spearman correlation with human similarity scores, e.g. WordSim353.

    The probe gives NaN while no pair has both words in the vocabulary.

    Parameters
    ----------
    pairs : {"wordsim353", "simlex999"}, path or pandas.DataFrame
        A bundled data set, a file, or a frame with columns word1, word2, score.
    name : str, optional
        Metric prefix; default the data set name (``wordsim353_spearman``).
    restrict_vocab : int or None
        As in :func:`embedkit.evaluate.word_pairs`.

    Examples
    --------
    >>> import embedkit as ek, pandas as pd
    >>> emb = ek.Embeddings(["a", "b", "c"], [[1, 0], [1, 1], [0, 1]])
    >>> pairs = pd.DataFrame({"word1": ["a", "a"], "word2": ["b", "c"], "score": [9.0, 1.0]})
    >>> WordPairsProbe(pairs, name="toy")(emb)
    {'toy_spearman': 1.0}
    """

    def __init__(
        self, pairs: Any = "wordsim353", name: str | None = None, restrict_vocab: int | None = None
    ) -> None:
        self.pairs = pairs
        self.restrict_vocab = restrict_vocab
        self.name = name or (pairs if isinstance(pairs, str) and "/" not in pairs else "pairs")

    def __call__(self, emb: Embeddings) -> dict[str, float]:
        from ..evaluate import word_pairs

        key = f"{self.name}_spearman"
        try:
            result = word_pairs(emb, self.pairs, restrict_vocab=self.restrict_vocab)
        except ValueError as exc:
            if "no pair" in str(exc):  # no pair in the vocabulary: nothing to measure yet
                return {key: math.nan}
            raise
        return {key: float(result.spearman)}


class AnalogyProbe(Probe):
    """Analogy accuracy on a fixed subset of questions whose four words are in the vocabulary.

    The subset is drawn once per vocabulary (``n`` questions, ``seed``), so every epoch
    answers the same questions and the curve is comparable epoch to epoch.

    Parameters
    ----------
    questions : None (Google set), a path or a DataFrame
        As in :func:`embedkit.evaluate.analogies`.
    n : int
        Questions per evaluation (fewer if fewer are covered).
    restrict_vocab : int or None
        Candidates are the first ``restrict_vocab`` labels (gensim's rule).
    name : str
        Metric name.
    seed : int
        For drawing the subset.

    Examples
    --------
    >>> import embedkit as ek, numpy as np, pandas as pd
    >>> emb = ek.Embeddings(["a", "b", "c", "d"], np.eye(4) + 0.1)
    >>> qs = pd.DataFrame({"section": ["s"], "a": ["a"], "b": ["b"], "c": ["c"], "expected": ["d"]})
    >>> AnalogyProbe(qs, name="toy")(emb)
    {'toy': 1.0}
    """

    def __init__(
        self,
        questions: Any = None,
        n: int = 1000,
        restrict_vocab: int | None = 30_000,
        name: str = "analogy",
        seed: int = 0,
    ) -> None:
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        self.questions = questions
        self.n = n
        self.restrict_vocab = restrict_vocab
        self.name = name
        self.seed = seed
        self._cache: tuple[tuple[int, str, str], pd.DataFrame] | None = None

    def _subset(self, emb: Embeddings) -> pd.DataFrame:
        labels = emb.labels
        key = (len(labels), labels[0], labels[-1])
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        from ..evaluate import _questions

        qs, _ = _questions(self.questions)
        rows = labels if self.restrict_vocab is None else labels[: self.restrict_vocab]
        known = {w.upper() for w in rows}
        cols = qs[["a", "b", "c", "expected"]].apply(lambda col: col.str.upper().isin(known))
        covered = qs[cols.all(axis=1).to_numpy()]
        if len(covered) > self.n:
            pick = np.random.default_rng(self.seed).choice(len(covered), self.n, replace=False)
            covered = covered.iloc[np.sort(pick)]
        covered = covered.reset_index(drop=True)
        self._cache = (key, covered)
        return covered

    def __call__(self, emb: Embeddings) -> dict[str, float]:
        from ..evaluate import analogies

        subset = self._subset(emb)
        if subset.empty:  # no question has all four words in the vocabulary
            return {self.name: math.nan}
        result = analogies(emb, subset, restrict_vocab=self.restrict_vocab)
        return {self.name: float(result.accuracy)}


class CallableProbe(Probe):
    """Wrap ``fn(emb) -> float | dict[str, float]``; a float is named ``name``."""

    def __init__(self, fn: Callable[[Any], Any], name: str | None = None) -> None:
        if not callable(fn):
            raise TypeError(f"a probe must be callable, got {type(fn).__name__}")
        self.fn = fn
        self.name = str(name or getattr(fn, "__name__", None) or type(fn).__name__)

    def __call__(self, emb: Embeddings) -> dict[str, float]:
        value = self.fn(emb)
        if isinstance(value, dict):
            return {str(k): float(v) for k, v in value.items()}
        if isinstance(value, int | float | np.number):
            return {self.name: float(value)}
        raise TypeError(
            f"probe {self.name!r} returned {type(value).__name__}; expected a number or a "
            "dict of numbers"
        )


_NAMED: dict[str, Callable[[], Probe]] = {
    "wordsim353": lambda: WordPairsProbe("wordsim353"),
    "simlex999": lambda: WordPairsProbe("simlex999"),
    "analogy": lambda: AnalogyProbe(),
}


def make_probes(spec: Any) -> list[Probe]:
    """Probes from names, :class:`Probe` objects and callables (one, or a list of them).

    >>> make_probes(["wordsim353", "analogy"])
    [WordPairsProbe(name='wordsim353'), AnalogyProbe(name='analogy')]
    >>> make_probes("nope")
    Traceback (most recent call last):
    ...
    ValueError: unknown probe 'nope'; use one of analogy, simlex999, wordsim353, ...
    """
    if spec is None:
        return []
    items: Iterable[Any] = [spec] if isinstance(spec, str | Probe) or callable(spec) else spec
    out: list[Probe] = []
    for item in items:
        if isinstance(item, Probe):
            out.append(item)
        elif isinstance(item, str):
            if item not in _NAMED:
                raise ValueError(
                    f"unknown probe {item!r}; use one of {', '.join(sorted(_NAMED))}, a Probe "
                    "or a callable emb -> float"
                )
            out.append(_NAMED[item]())
        elif callable(item):
            out.append(CallableProbe(item))
        else:
            raise TypeError(f"a probe must be a name, a Probe or a callable, not {item!r}")
    return out


def run_probes(probes: Iterable[Probe], emb: Embeddings) -> dict[str, float]:
    """Run every probe on ``emb`` and merge their metrics (an error names the probe)."""
    metrics: dict[str, float] = {}
    for probe in probes:
        try:
            metrics.update(probe(emb))
        except Exception as exc:
            raise RuntimeError(f"probe {probe.name!r} failed: {exc}") from exc
    return metrics
