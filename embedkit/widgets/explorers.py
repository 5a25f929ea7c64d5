"""Neighbour and analogy explorers (ipywidgets), and ``explore``: both beside a projector.

Every answer is computed in Python in the original space (``emb.neighbours`` and
``emb.analogy``), kept as a DataFrame in ``.results`` and shown as an escaped HTML
table with similarity bars. Unknown words show close matches instead of a traceback.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> emb = ek.Embeddings(["cat", "dog", "car"], [[1, 0.1], [0.9, 0.2], [0, 1]])
>>> nx = NeighboursExplorer(emb, k=2)
>>> nx.query("cat")["label"].tolist()
['dog', 'car']
>>> nx
NeighboursExplorer(3 labels, k=2, cosine, query='cat')
>>> nx.query("cta").empty, nx.suggestions
(True, ['cat', 'car'])

Embeddings that know their encoder answer a typed sentence too:

>>> bag = lambda texts: [[t.count("cat"), t.count("car")] for t in texts]
>>> nx = NeighboursExplorer(ek.Embeddings(["cat", "dog", "car"], [[1, 0.1], [0.9, 0.2], [0, 1]],
...                                       encoder=bag), k=1)
>>> nx.query("a car on the road")["label"].tolist()
['car']
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import numpy as np
import pandas as pd

from ..encoders import EncoderError, encoder_name
from ..search import check_metric
from ..vectors import UnknownLabelError
from ._tables import Completer, message_html, parse_expression, results_html

if TYPE_CHECKING:
    from ..vectors import Embeddings

N_OPTIONS = 20  # completions offered in a text box (never the whole vocabulary)
TYPING_PAUSE = 0.4
"""Seconds without a keystroke before a typed sentence (not a label) is encoded: an encoder
is called once per pause, not once per character."""


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"label": pd.Series([], dtype=object), "score": pd.Series([], dtype=float)},
                        index=pd.Index([], name="rank", dtype=np.int64))  # fmt: skip


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    return int(k)


class _Box(w.VBox):
    """A VBox that can be told what to do when a result is picked (explore links it)."""

    def _setup(self, emb: Embeddings) -> None:
        from ..vectors import Embeddings

        if not isinstance(emb, Embeddings):
            raise TypeError(f"{type(self).__name__} needs an embedkit.Embeddings, "
                            f"not {type(emb).__name__}")  # fmt: skip
        self.emb = emb
        self.completer = Completer(emb.labels)
        self.results = _empty()
        self.suggestions: list[str] = []
        self.message = ""
        self._pick_callbacks: list[Callable[[str], Any]] = []
        self._result_callbacks: list[Callable[[list[str]], Any]] = []
        self.picker = w.Select(options=[], rows=6, description="show", layout={"width": "20em"})
        self.picker.observe(self._on_pick, names="value")
        self.output = w.HTML()

    def _combobox(self, placeholder: str, width: str = "14em") -> w.Combobox:
        box = w.Combobox(placeholder=placeholder, ensure_option=False, continuous_update=True,
                         layout={"width": width})  # fmt: skip
        box.observe(lambda ch: self._complete(ch["owner"], ch["new"]), names="value")
        return box

    def _complete(self, box: w.Combobox, text: str) -> None:
        """Offer the top prefix matches (a few, never the whole vocabulary)."""
        box.options = tuple(self.completer.complete(text.strip(), N_OPTIONS)) if text else ()

    def on_pick(self, callback: Callable[[str], Any]) -> None:
        """Call ``callback(label)`` when a result is chosen in the ``show`` list."""
        self._pick_callbacks.append(callback)

    def on_results(self, callback: Callable[[list[str]], Any]) -> None:
        """Call ``callback(labels)`` after every answer (an empty list after an error)."""
        self._result_callbacks.append(callback)

    def _on_pick(self, change: dict[str, Any]) -> None:
        if change["new"]:
            for cb in self._pick_callbacks:
                cb(change["new"])

    def _show(self, frame: pd.DataFrame, caption: str, metric: str) -> pd.DataFrame:
        self.results, self.suggestions, self.message = frame, [], ""
        self.output.value = results_html(frame, metric, caption)
        self.picker.options = tuple(frame["label"])
        self.picker.value = None
        for cb in self._result_callbacks:
            cb(list(frame["label"]))
        return frame

    def _fail(self, text: str, suggestions: list[str]) -> pd.DataFrame:
        self.results, self.suggestions, self.message = _empty(), suggestions, text
        self.output.value = message_html(text, suggestions)
        self.picker.options = ()
        for cb in self._result_callbacks:
            cb([])
        return self.results

    def _unknown(self, err: UnknownLabelError) -> pd.DataFrame:
        return self._fail(f"{err.label!r} is not in the embeddings.", err.suggestions)

    @property
    def html(self) -> str:
        """The HTML now shown (escaped results or a message)."""
        return str(self.output.value)


class NeighboursExplorer(_Box):
    """Type a word, see its ``k`` nearest neighbours with similarity bars.

    Parameters
    ----------
    emb : Embeddings
    k : int
        Initial number of neighbours (a slider changes it).
    metric : {"cosine", "euclidean", "dot"}
    """

    def __init__(self, emb: Embeddings, k: int = 10, metric: str = "cosine") -> None:
        super().__init__()
        self._setup(emb)
        k = _check_k(k)
        check_metric(metric)
        top = max(1, min(100, len(emb) - 1))
        self.box = self._combobox("a word or a sentence" if emb.encoder else "a word")
        self.k_slider = w.IntSlider(value=min(k, top), min=1, max=max(top, 2), description="k")
        self.metric_menu = w.Dropdown(options=["cosine", "euclidean", "dot"], value=metric,
                                      layout={"width": "8em"})  # fmt: skip
        self.last_query: str | None = None
        self._busy = False
        self._typed = 0  # keystrokes so far
        self.box.observe(self._on_text, names="value")
        self.k_slider.observe(self._rerun, names="value")
        self.metric_menu.observe(self._rerun, names="value")
        self.children = [w.HBox([self.box, self.k_slider, self.metric_menu]), self.output]

    @property
    def k(self) -> int:
        return int(self.k_slider.value)

    @property
    def metric(self) -> str:
        return str(self.metric_menu.value)

    def __repr__(self) -> str:
        q = f", query={self.last_query!r}" if self.last_query is not None else ""
        return f"NeighboursExplorer({len(self.emb):,} labels, k={self.k}, {self.metric}{q})"

    def query(self, word: str, k: int | None = None) -> pd.DataFrame:
        """Show (and return) the neighbours of ``word``; unknown words give suggestions,
        unless the embeddings know an encoder: then any text that is not a label is
        encoded and its neighbours shown (a typed sentence). Typed into the box, a sentence
        is encoded once typing pauses for :data:`TYPING_PAUSE` seconds."""
        if k is not None:
            self.k_slider.value = _check_k(k)
        self._busy = True
        try:
            self.box.value = word
        finally:
            self._busy = False
        return self._run(word)

    def _on_text(self, change: dict[str, Any]) -> None:
        word = change["new"].strip()
        self._typed += 1  # a newer keystroke cancels a sentence waiting to be encoded
        if self._busy or not word:
            return
        if word in self.emb or (not self.box.options and self.emb.encoder is None):
            self._run(word)  # a label, or an unknown word whose suggestions are cheap
        elif not self.box.options:  # a sentence being typed: encode it once typing pauses
            typed = self._typed
            timer = threading.Timer(TYPING_PAUSE, self._encode_if_current, (word, typed))
            timer.daemon = True
            timer.start()

    def _encode_if_current(self, text: str, typed: int) -> None:
        if typed == self._typed:
            self._run(text)

    def _rerun(self, change: dict[str, Any]) -> None:
        if self.last_query is not None and (
            self.last_query in self.emb or self.emb.encoder is not None
        ):
            self._run(self.last_query)

    def _run(self, word: str) -> pd.DataFrame:
        word = word.strip()
        self.last_query = word
        try:
            frame = self.emb.neighbours(word, k=min(self.k, max(1, len(self.emb) - 1)),
                                        metric=self.metric)  # fmt: skip
        except UnknownLabelError as err:
            return self._unknown(err)
        except EncoderError as err:
            return self._fail(str(err), [])
        if word in self.emb:
            return self._show(frame, f"nearest to {word} ({self.metric})", self.metric)
        how = f"{self.metric}, encoded by {encoder_name(self.emb.encoder)}"
        return self._show(frame, f"nearest to the sentence \u201c{word}\u201d ({how})", self.metric)


class AnalogyExplorer(_Box):
    """``a : b :: c : ?`` boxes and a free arithmetic box (``king - man + woman``).

    Answers are ranked by cosine; the input words are never answers (as in the
    analogy benchmark). ``solve`` and ``evaluate`` are the programmatic forms.
    """

    def __init__(self, emb: Embeddings, k: int = 10, method: str = "3cosadd") -> None:
        super().__init__()
        self._setup(emb)
        self.k = _check_k(k)
        self.a, self.b, self.c = (self._combobox(p, "9em") for p in ("a", "b", "c"))
        self.method_menu = w.Dropdown(options=["3cosadd", "3cosmul"], value=method,
                                      layout={"width": "8em"})  # fmt: skip
        self.solve_button = w.Button(description="a : b :: c : ?")
        self.expression = w.Text(placeholder="king - man + woman", continuous_update=False,
                                 layout={"width": "22em"})  # fmt: skip
        self.last_query: str | None = None
        self.solve_button.on_click(lambda _: self.solve(self.a.value, self.b.value, self.c.value))
        self.expression.observe(lambda ch: ch["new"] and self.evaluate(ch["new"]), names="value")
        row1 = w.HBox([self.a, w.Label(":"), self.b, w.Label("::"), self.c, w.Label(": ?"),
                       self.method_menu, self.solve_button])  # fmt: skip
        row2 = w.HBox([w.Label("or arithmetic"), self.expression])
        self.children = [row1, row2, self.output]

    def __repr__(self) -> str:
        q = f", query={self.last_query!r}" if self.last_query is not None else ""
        return f"AnalogyExplorer({len(self.emb):,} labels, k={self.k}, {self.method_menu.value}{q})"

    def query(self, question: Any) -> pd.DataFrame:
        """``query(("man", "king", "woman"))`` or ``query("king - man + woman")``."""
        if isinstance(question, str):
            return self.evaluate(question)
        a, b, c = question
        return self.solve(a, b, c)

    def solve(self, a: str, b: str, c: str) -> pd.DataFrame:
        """``a : b :: c : ?`` with the chosen method (``emb.analogy``)."""
        a, b, c = (str(x).strip() for x in (a, b, c))
        for box, v in zip((self.a, self.b, self.c), (a, b, c), strict=True):
            box.value = v
        self.last_query = f"{a} : {b} :: {c} : ?"
        missing = [x for x in (a, b, c) if not x]
        if missing:
            return self._fail("Fill in all three words a, b and c.", [])
        method = str(self.method_menu.value)
        try:
            frame = self.emb.analogy(a, b, c, k=self.k, method=method)
        except UnknownLabelError as err:
            return self._unknown(err)
        return self._show(frame, f"{self.last_query} ({method})", "cosine")

    def evaluate(self, expression: str) -> pd.DataFrame:
        """Rank labels by cosine to the sum of ± unit vectors (gensim's arithmetic)."""
        self.last_query = expression.strip()
        if self.expression.value != expression:
            self.expression.value = expression  # the observer calls back here once
            return self.results
        try:
            terms = parse_expression(expression, self.emb)
        except ValueError as err:
            return self._fail(str(err), [])
        try:
            rows = [self.emb.index(lab) for _, lab in terms]
        except UnknownLabelError as err:
            return self._unknown(err)
        if np.any(self.emb.norms[rows] == 0):
            return self._fail("A word in the expression has a zero vector.", [])
        signs = np.array([s for s, _ in terms], dtype=np.float64)[:, None]
        vec = (signs * (self.emb.vectors[rows] / self.emb.norms[rows][:, None])).sum(axis=0)
        if not np.any(vec):
            return self._fail("The expression adds up to the zero vector.", [])
        inputs = list(dict.fromkeys(lab for _, lab in terms))
        k = min(self.k, max(1, len(self.emb) - len(inputs)))
        frame = self.emb.neighbours(vec.astype(np.float32), k=k, exclude=inputs)
        caption = " ".join(f"{'−' if s < 0 else '+'} {lab}" for s, lab in terms).lstrip("+ ")
        return self._show(frame, f"{caption} ≈ ?", "cosine")


class Explorer(w.VBox):
    """A projector beside the neighbour and analogy explorers, linked both ways."""

    def __init__(self, projector: Any, neighbours: NeighboursExplorer,
                 analogies: AnalogyExplorer) -> None:  # fmt: skip
        self.projector, self.neighbours, self.analogies = projector, neighbours, analogies
        tabs = w.Tab(children=[w.VBox([neighbours, neighbours.picker]),
                               w.VBox([analogies, analogies.picker])])  # fmt: skip
        tabs.set_title(0, "neighbours")
        tabs.set_title(1, "analogies")
        super().__init__([projector, tabs])
        neighbours.on_results(self._highlight_with_query)
        analogies.on_results(self._highlight)
        for ex in (neighbours, analogies):
            ex.on_pick(self._focus)
        projector.on_click(self._fill)
        projector.on_select(self._fill_selection)

    def __repr__(self) -> str:
        return f"Explorer({len(self.neighbours.emb):,} labels, {self.projector!r})"

    def _highlight(self, labels: list[str]) -> None:
        self.projector.highlight(labels)

    def _highlight_with_query(self, labels: list[str]) -> None:
        q = self.neighbours.last_query
        known = [q] if labels and q in self.neighbours.emb else []
        self.projector.highlight(known + labels)

    def _focus(self, label: str) -> None:
        self.projector.focus(label)

    def _fill(self, label: str) -> None:
        self.neighbours.query(label)

    def _fill_selection(self, labels: list[str]) -> None:
        if labels:  # the box offers the selected labels, the first one is queried
            self.neighbours.query(labels[0])
            self.neighbours.box.options = tuple(labels[:N_OPTIONS])


def explore(emb: Embeddings, method: Any = "pca", k: int = 10, metric: str = "cosine",
            **projector_kwargs: Any) -> Explorer:  # fmt: skip
    """Projector + neighbours + analogies in one linked layout.

    Querying a word (or picking an answer) highlights it in the projector; clicking a
    point or a lasso selection in the projector fills the neighbour box.

    >>> import numpy as np
    >>> import embedkit as ek
    >>> emb = ek.Embeddings(list("abcd"), [[1, 0, 0], [1, 0.1, 0], [0, 1, 0], [0, 0, 1]])
    >>> ex = explore(emb, k=1)
    >>> ex.neighbours.query("a")["label"].tolist(), ex.projector._highlight.tolist()
    (['b'], [0, 1])
    """
    from .projector import Projector

    projector = Projector(emb, method=method, k=k, metric=metric, **projector_kwargs)
    return Explorer(projector, NeighboursExplorer(emb, k=k, metric=metric), AnalogyExplorer(emb))
