"""Two powers of the Projector kept out of ``projector.py``: typed sentences and a tab.

**Typed sentences.** When the shown :class:`~embedkit.Embeddings` know their encoder
(``SentenceEncoder.encode`` output, or ``encoder=``), the view's search box gets a
*Sentence* mode: the text goes to Python, is encoded, and the answer lists its nearest
neighbours in the original space (the projector's metric) and where it would sit on the
map (:mod:`._placement` states the rule). Protocol: the view asks
``{type: "sentence", req, text}``; Python answers ``{type: "reply", req, text, metric,
k, items, xy, rule, note, encoder}`` or ``{error}``; ``show_sentence`` commands
``{type: "show_sentence", ...answer}``. The ``_encoder`` trait holds the encoder's name
("" when there is none), so that the view offers the mode only when it can work.

**A tab of its own.** ``in_tab`` (synced) says the projector lives in its own JupyterLab
main-area tab. The views ask embedkit's JupyterLab extension (``js/src/plugin.ts``) to
open one full-size view of the same widget model there (still linked to the kernel);
the notebook's views fold into a one-line placeholder meanwhile, and closing the tab
sets ``in_tab`` back to False, which unfolds them.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> emb = ek.Embeddings(["ab", "ba", "cc"], [[1, 0, 0], [1, 1, 0], [0, 0, 1]],
...                     encoder=lambda ts: [[t.count(c) for c in "abc"] for t in ts])
>>> p = ek.Projector(emb, k=2)
>>> p._encoder
'<lambda>'
>>> ans = p.sentence_neighbours("a b")
>>> [row[1] for row in ans["items"]], ans["rule"], ans["metric"]
(['ba', 'ab'], 'pca', 'cosine')
>>> p.in_tab
False
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets as t

from .. import search
from ..encoders import EncoderError, encoder_name
from ._placement import Placement

if TYPE_CHECKING:
    from ..vectors import Embeddings

MAX_TEXT = 2000  # characters of a typed sentence (longer is refused, not cut)


class ProjectorExtras(t.HasTraits):
    """Mixed into :class:`~embedkit.widgets.projector.Projector` (before ``AnyWidget``)."""

    _encoder = t.Unicode("").tag(sync=True)
    in_tab = t.Bool(False, help="shown in its own JupyterLab tab").tag(sync=True)
    _self_id = t.Unicode("").tag(sync=True)  # the widget model's id, for the tab's view

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._placement: tuple[Any, Placement] | None = None
        self._ever_drawn = False
        self._self_id = str(getattr(self, "model_id", "") or "")
        self.on_msg(self._on_extras_msg)  # type: ignore[attr-defined]

    # ------------------------------------------------------------ the shown embeddings
    @property
    def emb(self) -> Embeddings:
        """The embeddings shown (their encoder decides whether sentences can be typed)."""
        return self._shown

    @emb.setter
    def emb(self, value: Embeddings) -> None:
        self._shown = value
        self._placement = None
        timeline = getattr(self, "timeline", None)
        enc = value.encoder
        self._encoder = "" if enc is None or timeline is not None else encoder_name(enc)

    # ------------------------------------------------------------ typed sentences
    def sentence_neighbours(self, text: str) -> dict[str, Any]:
        """Encode ``text``, search its ``k`` nearest rows in the original space (the
        projector's metric) and place it on the map: the answer the view shows.

        Returns ``{"text", "metric", "k", "items": [[row, label, score], ...], "xy":
        [x, y], "rule": "pca" | "neighbours", "note", "encoder"}``. Raises
        :class:`~embedkit.encoders.EncoderError` without an encoder (or with a
        timeline), ``ValueError`` for empty or over-long text.
        """
        if not isinstance(text, str) or not text.strip():
            raise ValueError("type a sentence first")
        if len(text) > MAX_TEXT:
            raise ValueError(f"the sentence has {len(text):,} characters; at most {MAX_TEXT:,}")
        if not self._encoder:
            why = "a training timeline" if getattr(self, "timeline", None) else "no encoder"
            raise EncoderError(f"this projector has {why}: typed sentences cannot be searched")
        emb = self.emb
        vector = emb.encode([text.strip()])
        metric, k = str(getattr(self, "metric", "cosine")), int(getattr(self, "k", 10))
        norms = emb.norms if metric in ("cosine", "euclidean") else None
        idx, val = search.topk(emb.vectors, vector, min(k, len(emb)), metric=metric, norms=norms)
        keep = idx[0] >= 0
        rows, scores = idx[0][keep].tolist(), val[0][keep].tolist()
        place = self._place()
        xy = place.xy(vector[0], rows, scores)
        labels = emb.labels
        items = [[int(j), labels[j], float(s)] for j, s in zip(rows, scores, strict=True)]
        return {
            "text": text.strip(), "metric": metric, "k": k, "items": items,
            "xy": [float(xy[0]), float(xy[1])], "rule": place.rule,
            "note": place.describe(len(rows), str(getattr(self, "method", ""))),
            "encoder": self._encoder,
        }  # fmt: skip

    def show_sentence(self, text: str) -> dict[str, Any]:
        """Make every view show ``text``'s neighbours and mark where it sits (as typing
        it in Sentence mode does); returns the answer (see :meth:`sentence_neighbours`)."""
        answer = self.sentence_neighbours(text)
        self.send({"type": "show_sentence", **answer})  # type: ignore[attr-defined]
        return answer

    def _place(self) -> Placement:
        coords = getattr(self, "coords", None)
        if self._placement is None or self._placement[0] is not coords:
            method = str(getattr(self, "method", ""))
            metric = str(getattr(self, "metric", "cosine"))
            seed = int(getattr(self, "_seed", 0))
            place = Placement(self.emb.vectors, np.asarray(coords), method, metric, seed)
            self._placement = (coords, place)
        return self._placement[1]

    # ------------------------------------------------------------ a tab of its own
    def open_tab(self) -> None:
        """Move the projector into its own JupyterLab main-area tab (full size, dockable
        beside the notebook, still linked to the kernel); the notebook keeps a one-line
        placeholder. Needs JupyterLab with embedkit's extension (installed with the
        package). Not displayed yet in this kernel: it is displayed here first (the
        output becomes the placeholder)."""
        if self.in_tab:
            self.send({"type": "activate_tab"})  # type: ignore[attr-defined]
        self.in_tab = True
        if not self._ever_drawn:
            from IPython.display import display

            display(self)

    def close_tab(self) -> None:
        """Close the tab: the projector shows in the notebook again."""
        self.in_tab = False

    # ------------------------------------------------------------ messages
    def _on_extras_msg(self, widget: Any, content: Any, buffers: list[Any]) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "drawn":
            self._ever_drawn = True
        if kind != "sentence":
            return
        start = time.perf_counter()
        try:
            reply = self.sentence_neighbours(content.get("text"))
        except (ValueError, KeyError, TypeError, OSError) as err:  # EncoderError is a ValueError
            reply = {"error": str(err).strip("'\"")}
        times = getattr(self, "request_times", {})
        times.setdefault("sentence", []).append(time.perf_counter() - start)
        if "req" in content:
            self.send({"type": "reply", "req": content["req"], **reply})  # type: ignore[attr-defined]
