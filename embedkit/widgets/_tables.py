"""Pieces shared by the explorer and comparison widgets: label completion, arithmetic
parsing and escaped HTML tables. Labels are untrusted text: every one goes through
``html.escape`` before it reaches HTML.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

_TOP = chr(0x10FFFF)


class Completer:
    """Prefix completion over many labels (case-insensitive), most frequent (first rows) first.

    The sorted index is built on first use (about a second at 400k labels).

    >>> Completer(["the", "then", "Theory", "cat"]).complete("the", 2)
    ['the', 'then']
    """

    def __init__(self, labels: Sequence[str]) -> None:
        self._labels = labels
        self._keys: list[str] | None = None
        self._rows: np.ndarray | None = None

    def _build(self) -> tuple[list[str], np.ndarray]:
        if self._keys is None or self._rows is None:
            lowered = [lab.lower() for lab in self._labels]
            order = sorted(range(len(lowered)), key=lowered.__getitem__)
            self._keys = [lowered[i] for i in order]
            self._rows = np.asarray(order, dtype=np.int64)
        return self._keys, self._rows

    def complete(self, prefix: str, n: int = 20) -> list[str]:
        """Up to ``n`` labels starting with ``prefix``, in row order."""
        if not prefix:
            return list(self._labels[:n])
        keys, rows = self._build()
        low = prefix.lower()
        lo = bisect.bisect_left(keys, low)
        hi = bisect.bisect_left(keys, low + _TOP, lo)
        hits = rows[lo:hi]
        if hits.size > n:
            hits = np.partition(hits, n - 1)[:n]
        return [self._labels[int(i)] for i in np.sort(hits)]


_OPERATOR = re.compile(r"\s*([+-])\s*")


def _pieces(text: str) -> list[tuple[str, str, bool]]:
    """``(operator, term, tight)``: tight means the operator had no space on either side."""
    out: list[tuple[str, str, bool]] = []
    pos, op, tight = 0, "+", False
    stripped = text.strip()
    for m in _OPERATOR.finditer(stripped):
        term = stripped[pos : m.start()]
        if m.start() == 0:  # a leading sign
            op, pos = m.group(1), m.end()
            continue
        out.append((op, term, tight))
        op, pos = m.group(1), m.end()
        tight = m.group(0) == m.group(1)
    out.append((op, stripped[pos:], tight))
    return out


def parse_expression(text: str, vocabulary: Any) -> list[tuple[int, str]]:
    """Parse ``"king - man + woman"`` into ``[(+1, "king"), (-1, "man"), (+1, "woman")]``.

    ``+`` and ``-`` with spaces around them always separate terms. A ``-`` or ``+``
    written without spaces separates too, unless the joined text is a known label
    (``x-ray``, ``c++``): the longest known label wins. An empty term is an error.

    >>> parse_expression("king - man + woman", {"king", "man", "woman"})
    [(1, 'king'), (-1, 'man'), (1, 'woman')]
    >>> parse_expression("x-ray-man", {"x-ray", "man"})
    [(1, 'x-ray'), (-1, 'man')]
    >>> parse_expression("-a+b", {"a", "b"})
    [(-1, 'a'), (1, 'b')]
    """
    if text.strip() in vocabulary:  # the whole text is one label ("c++", "x-ray")
        return [(1, text.strip())]
    pieces = _pieces(text)
    if not text.strip() or any(not term for _, term, _ in pieces):
        raise ValueError(f"cannot parse {text!r}: write labels joined by + and -")
    terms: list[tuple[int, str]] = []
    i = 0
    while i < len(pieces):
        op, term, _ = pieces[i]
        best_j, joined = i, term
        run = term
        for j in range(i + 1, len(pieces)):
            if not pieces[j][2]:  # a spaced operator ends any possible merge
                break
            run = run + pieces[j][0] + pieces[j][1]
            if run in vocabulary:
                best_j, joined = j, run
        terms.append((-1 if op == "-" else 1, joined))
        i = best_j + 1
    return terms


def _bar_widths(scores: np.ndarray, metric: str) -> np.ndarray:
    if scores.size == 0:
        return scores
    if metric == "euclidean":  # a distance: the nearest gets the full bar
        near = max(float(scores.min()), 1e-12)
        return np.clip(near / np.maximum(scores, 1e-12), 0, 1)
    top = float(np.abs(scores).max()) or 1.0
    return np.clip(scores / top, 0, 1) if metric == "dot" else np.clip(scores, 0, 1)


def results_html(frame: pd.DataFrame, metric: str, caption: str) -> str:
    """Ranked results (``label``, ``score``) as an escaped HTML table with bars.

    >>> df = pd.DataFrame({"label": ["<b>x</b>"], "score": [0.5]}, index=[1])
    >>> "&lt;b&gt;x&lt;/b&gt;" in results_html(df, "cosine", "near <b>")
    True
    """
    widths = _bar_widths(frame["score"].to_numpy(float), metric)
    rows = []
    for rank, label, score, w in zip(frame.index, frame["label"], frame["score"], widths,
                                     strict=True):  # fmt: skip
        bar = f"<div style='background:#4c72b0;height:0.8em;width:{100 * w:.1f}%'></div>"
        rows.append(
            f"<tr><td style='text-align:right;color:#888'>{html.escape(str(rank))}</td>"
            f"<td style='padding:0 0.8em'>{html.escape(str(label))}</td>"
            f"<td style='text-align:right;font-family:monospace'>{score:.4f}</td>"
            f"<td style='width:10em'>{bar}</td></tr>"
        )
    return (
        f"<div class='embedkit-results'><div><b>{html.escape(caption)}</b></div>"
        f"<table>{''.join(rows)}</table></div>"
    )


def message_html(text: str, suggestions: Sequence[str] = ()) -> str:
    """An escaped notice, with close matches when there are some."""
    hint = ""
    if suggestions:
        hint = " Did you mean: " + ", ".join(f"<b>{html.escape(s)}</b>" for s in suggestions) + "?"
    return f"<div class='embedkit-message' style='color:#a33'>{html.escape(text)}{hint}</div>"


def frame_html(frame: pd.DataFrame, columns: Sequence[str], max_rows: int) -> str:
    """A plain escaped HTML table of some columns (lists joined by commas, floats to 2
    decimals: a shift or a score from training reads the same on every CPU)."""
    head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in columns)
    body = []
    for _, row in frame.head(max_rows).iterrows():
        cells = []
        for c in columns:
            v = row[c]
            text = ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else (
                f"{v:.2f}" if isinstance(v, float) else str(v))  # fmt: skip
            cells.append(f"<td style='text-align:left;padding-right:1em'>{html.escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table class='embedkit-table'><tr>{head}</tr>{''.join(body)}</table>"
