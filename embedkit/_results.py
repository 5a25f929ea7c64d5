"""Result objects of :mod:`embedkit.evaluate`: numbers, a notebook card, a matplotlib plot.

Each result states its metric and coverage in ``__repr__`` (stable text) and in
``_repr_html_`` (a small escaped table), and draws itself with ``plot()``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd


def _table_html(title: str, facts: Sequence[tuple[str, str]], table: pd.DataFrame | None) -> str:
    """A small escaped HTML card: a title, key facts, then an optional table."""
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
        f"<td>{html.escape(v)}</td></tr>"
        for k, v in facts
    )
    body = (
        ""
        if table is None
        else table.to_html(index=False, escape=True, float_format="{:.4f}".format)
    )
    return (
        f"<div class='embedkit-result'><b>{html.escape(title)}</b><table>{rows}</table>{body}</div>"
    )


def _new_axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size)
    return ax


@dataclass(frozen=True, repr=False)
class AnalogyResult:
    """Analogy accuracy overall and per section (gensim's ``evaluate_word_analogies``).

    ``total`` counts answered questions (plus out-of-vocabulary ones when
    ``dummy4unknown``); ``skipped`` those with a word outside the first
    ``restrict_vocab`` labels; ``coverage`` is the fraction with all four words known.
    ``predictions`` holds every answered question with the model's answer.
    """

    accuracy: float
    correct: int
    total: int
    skipped: int
    sections: pd.DataFrame
    predictions: pd.DataFrame
    method: str
    restrict_vocab: int | None
    case_insensitive: bool
    coverage: float

    @classmethod
    def tabulate(
        cls,
        section: pd.Series,
        correct: np.ndarray,
        counted: np.ndarray,
        known: np.ndarray,
        predictions: pd.DataFrame,
        **settings: Any,
    ) -> AnalogyResult:
        """Count per section (in order of appearance) from per-question flags."""
        frame = pd.DataFrame(
            {"section": section, "correct": correct, "total": counted, "skipped": ~known}
        )
        sections = frame.groupby("section", sort=False)[["correct", "total", "skipped"]].sum()
        sections = sections.astype(np.int64).reset_index()
        sections["accuracy"] = sections["correct"] / sections["total"].where(sections["total"] > 0)
        n_correct, n_total = int(sections["correct"].sum()), int(sections["total"].sum())
        return cls(
            accuracy=n_correct / n_total if n_total else float("nan"),
            correct=n_correct,
            total=n_total,
            skipped=int((~known).sum()),
            sections=sections,
            predictions=predictions,
            coverage=float(known.mean()),
            **settings,
        )

    @property
    def errors(self) -> pd.DataFrame:
        """Answered questions the model got wrong: a, b, c, expected, predicted."""
        return self.predictions[~self.predictions["correct"]].reset_index(drop=True)

    @property
    def summary(self) -> pd.DataFrame:
        """Semantic, syntactic (sections named ``gram*``) and total accuracy."""
        s = self.sections
        kinds = np.where(s["section"].str.startswith("gram"), "syntactic", "semantic")
        out = s.groupby(kinds)[["correct", "total", "skipped"]].sum()
        out.loc["total"] = out.sum()
        out["accuracy"] = out["correct"] / out["total"].where(out["total"] > 0)
        return out.rename_axis("kind").reset_index()

    def __repr__(self) -> str:
        return (
            f"AnalogyResult(method={self.method!r}, accuracy={self.accuracy:.4f}, "
            f"correct={self.correct}/{self.total}, skipped={self.skipped}, "
            f"coverage={100 * self.coverage:.1f}%, restrict_vocab={self.restrict_vocab})"
        )

    def _repr_html_(self) -> str:
        facts = [
            ("metric", f"analogy accuracy ({self.method}, top-1)"),
            ("accuracy", f"{self.accuracy:.4f} ({self.correct:,} / {self.total:,})"),
            ("coverage", f"{100 * self.coverage:.1f}% ({self.skipped:,} questions skipped)"),
            ("restrict_vocab", f"{self.restrict_vocab}"),
            ("case_insensitive", f"{self.case_insensitive}"),
        ]
        return _table_html("Analogy evaluation", facts, self.sections)

    def plot(self, ax: Any = None) -> Any:
        """Horizontal bar chart of accuracy per section; returns the matplotlib Axes."""
        s = self.sections
        ax = _new_axes(ax, (6, 0.3 * len(s) + 1))
        ax.barh(s["section"], s["accuracy"].fillna(0.0), color="#4c72b0")
        ax.axvline(self.accuracy, color="#c44e52", linestyle="--", label=f"all {self.accuracy:.3f}")
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(f"accuracy ({self.method}, restrict_vocab={self.restrict_vocab})")
        ax.legend(loc="lower right")
        return ax


@dataclass(frozen=True, repr=False)
class CorrelationResult:
    """Agreement between model similarities and human judgements.

    ``pearson``/``spearman`` are the correlation coefficients with two-sided p-values in
    ``pearson_pvalue``/``spearman_pvalue``. ``oov_ratio`` is the fraction (0-1) of pairs
    with an unknown word — gensim reports the same number in percent. ``pairs`` holds
    the pairs used, with the human (``gold``) and model (``model``) similarities.
    """

    title: ClassVar[str] = "Correlation with human judgements"

    source: str
    pearson: float
    pearson_pvalue: float
    spearman: float
    spearman_pvalue: float
    oov_ratio: float
    pairs: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def n_pairs(self) -> int:
        """Number of pairs in the correlation."""
        return len(self.pairs)

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v}" for k, v in self.settings.items())
        return (
            f"{type(self).__name__}(source={self.source!r}, pearson={self.pearson:.4f}, "
            f"spearman={self.spearman:.4f}, pairs={self.n_pairs}, "
            f"oov_ratio={100 * self.oov_ratio:.1f}%{extra})"
        )

    def _repr_html_(self) -> str:
        facts = [
            ("metric", "correlation of cosine similarity with human judgements"),
            ("source", self.source),
            ("Spearman ρ", f"{self.spearman:.4f} (p = {self.spearman_pvalue:.2g})"),
            ("Pearson r", f"{self.pearson:.4f} (p = {self.pearson_pvalue:.2g})"),
            ("pairs", f"{self.n_pairs:,}"),
            ("coverage", f"{100 * (1 - self.oov_ratio):.1f}% of pairs known"),
        ]
        facts += [(k, str(v)) for k, v in self.settings.items()]
        return _table_html(self.title, facts, None)

    def plot(self, ax: Any = None) -> Any:
        """Scatter of human (x) against model (y) similarity; returns the Axes."""
        ax = _new_axes(ax, (5, 4))
        ax.scatter(self.pairs["gold"], self.pairs["model"], s=8, alpha=0.6, color="#4c72b0")
        ax.set_xlabel(f"human similarity ({self.source})")
        ax.set_ylabel("model cosine similarity")
        ax.set_title(f"Spearman {self.spearman:.3f}, Pearson {self.pearson:.3f}")
        return ax


@dataclass(frozen=True, repr=False)
class KnnResult:
    """k-nearest-neighbour classification accuracy of the embedding space.

    ``mode`` is ``"leave-one-out"`` (every row classified by the others) or
    ``"held-out"`` (test rows classified by the training rows). ``per_class`` gives
    the accuracy for each true class; ``predicted`` the predicted label per test row.
    """

    accuracy: float
    k: int
    metric: str
    mode: str
    n_test: int
    n_train: int
    per_class: pd.DataFrame
    predicted: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"KnnResult(accuracy={self.accuracy:.4f}, k={self.k}, metric={self.metric!r}, "
            f"mode={self.mode!r}, n_test={self.n_test}, n_train={self.n_train})"
        )

    def _repr_html_(self) -> str:
        facts = [
            ("metric", f"{self.k}-NN accuracy, {self.metric} similarity, majority vote"),
            ("accuracy", f"{self.accuracy:.4f}"),
            ("mode", f"{self.mode} ({self.n_test:,} test rows, {self.n_train:,} neighbours pool)"),
        ]
        return _table_html("kNN accuracy", facts, self.per_class)

    def plot(self, ax: Any = None) -> Any:
        """Bar chart of accuracy per class; returns the Axes."""
        ax = _new_axes(ax, (6, 3))
        ax.bar(self.per_class["label"].astype(str), self.per_class["accuracy"], color="#4c72b0")
        ax.axhline(self.accuracy, color="#c44e52", linestyle="--")
        ax.set_ylim(0, 1)
        ax.set_ylabel(f"{self.k}-NN accuracy ({self.mode})")
        return ax


@dataclass(frozen=True, repr=False)
class WordPairsResult(CorrelationResult):
    """Word-pair similarity result (gensim's ``evaluate_word_pairs``), see the base class."""

    title: ClassVar[str] = "Word-pair similarity"


@dataclass(frozen=True, repr=False)
class DocumentSimilarityResult(CorrelationResult):
    """Document similarity against a human similarity matrix, see the base class."""

    title: ClassVar[str] = "Document similarity"
