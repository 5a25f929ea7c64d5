"""Gallery: pick an image, see its nearest images with scores and class labels.

Neighbours are computed in Python in the embedding space (the real metric). Each
neighbour shows its thumbnail (PNG bytes in an ``ipywidgets.Image``), rank, score and
class; a neighbour of another class than the query is marked with a red frame and
"✗". Labels and classes are untrusted text and go into ``ipywidgets.Label`` (plain
text, never HTML). A "neighbours" button under each image makes it the query.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> imgs = np.zeros((4, 8, 8), np.uint8)
>>> emb = ek.Embeddings(["a", "b", "c", "d"], [[1, 0], [1, .1], [0, 1], [.1, 1]],
...                     metadata={"class": ["x", "x", "y", "x"]}, images=imgs)
>>> g = Gallery(emb, query="d", k=2)
>>> g
Gallery(4 images, query='d' (class x), k=2, cosine, 1 wrong-class)
>>> g.results[["label", "class", "same_class"]].values.tolist()
[['c', 'y', False], ['b', 'x', True]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..search import check_metric
from ._serialize import png_bytes

if TYPE_CHECKING:
    from ..vectors import Embeddings

WRONG = "2px solid #d62728"
RIGHT = "2px solid #dddddd"


def thumbnail_png(image: np.ndarray, display: int = 64) -> bytes:
    """PNG bytes of a uint8 thumbnail, enlarged by whole pixels (crisp) up to ``display``.

    >>> thumbnail_png(np.zeros((8, 8), np.uint8))[:4]
    b'\\x89PNG'
    """
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[2] == 2:  # grey + alpha
        img = img[:, :, 0]
    factor = max(1, display // max(img.shape[0], img.shape[1]))
    if factor > 1:
        img = np.repeat(np.repeat(img, factor, axis=0), factor, axis=1)
    return png_bytes(img)


class Gallery:
    """Browse image embeddings: an image and its ``k`` nearest images.

    Parameters
    ----------
    emb : Embeddings
        Must carry thumbnails (``emb.images``), e.g. from ``ImageEmbedder.embed``.
    query : int or str
        Row index or label of the first image shown.
    k : int
        Neighbours shown (a slider changes it).
    metric : {"cosine", "euclidean", "dot"}
    class_column : str
        Metadata column holding the class ("class" for embedkit's image embeddings);
        without it no neighbour is marked.
    columns : int
        Images per row of the grid.
    display : int
        Approximate on-screen size of each thumbnail in pixels.
    """

    def __init__(
        self,
        emb: Embeddings,
        query: int | str = 0,
        k: int = 8,
        metric: str = "cosine",
        class_column: str = "class",
        columns: int = 4,
        display: int = 64,
    ) -> None:
        if emb.images is None:
            raise ValueError(
                "Gallery needs embeddings with images (thumbnails); emb.images is None"
            )
        if len(emb) < 2:
            raise ValueError(f"Gallery needs at least 2 images, got {len(emb)}")
        self.emb = emb
        self.images: np.ndarray = emb.images
        self.metric = check_metric(metric)
        self.columns = int(columns)
        self.display = int(display)
        meta = emb.metadata
        self.classes: np.ndarray | None = None
        if meta is not None and class_column in meta.columns:
            self.classes = meta[class_column].astype(str).to_numpy()
        self.k = max(1, min(int(k), len(emb) - 1))
        self.results = pd.DataFrame()
        self._build()
        self.show(query)

    # ----------------------------------------------------------------- widgets
    def _build(self) -> None:
        import ipywidgets as w

        n = len(self.emb)
        self.index_box = w.BoundedIntText(value=0, min=0, max=n - 1, description="index")
        self.label_box = w.Text(value="", description="label", continuous_update=False)
        self.k_slider = w.IntSlider(value=self.k, min=1, max=min(64, n - 1), description="k")
        self.status = w.Label(value="")
        self.query_image = w.Image(format="png")
        self.query_text = w.Label(value="")
        self.grid = w.GridBox(
            [], layout=w.Layout(grid_template_columns=f"repeat({self.columns}, auto)")
        )
        self.index_box.observe(lambda ch: self._pick(ch["new"]), names="value")
        self.label_box.observe(lambda ch: self._pick(ch["new"]), names="value")
        self.k_slider.observe(self._on_k, names="value")
        query = w.VBox([w.Label(value="query"), self.query_image, self.query_text])
        controls = w.HBox([self.index_box, self.label_box, self.k_slider])
        self.widget = w.VBox([controls, self.status, w.HBox([query, self.grid])])

    def _cell(self, row: int, caption: str, wrong: bool) -> Any:
        import ipywidgets as w

        img = w.Image(value=thumbnail_png(self.images[row], self.display), format="png")
        button = w.Button(description="neighbours", layout=w.Layout(width="auto"))
        button.on_click(lambda _b, r=row: self.show(r))
        border = WRONG if wrong else RIGHT
        return w.VBox(
            [img, w.Label(value=caption), button],
            layout=w.Layout(border=border, padding="2px", margin="2px"),
        )

    def _on_k(self, change: dict[str, Any]) -> None:
        self.k = int(change["new"])
        self.show(self.query)

    def _pick(self, value: Any) -> None:
        """A control changed: show that image, or say why not (no exception in a callback)."""
        if value == "" or value == self.query or value == self.emb.labels[self.query]:
            return
        try:
            self.show(value)
        except (KeyError, IndexError) as exc:
            self.status.value = f"not shown: {exc.args[0] if exc.args else exc}"

    # ----------------------------------------------------------------- logic
    def _row(self, query: int | str) -> int:
        if isinstance(query, (int, np.integer)) and not isinstance(query, bool):
            if not 0 <= int(query) < len(self.emb):
                raise IndexError(f"image index {query} out of range 0..{len(self.emb) - 1}")
            return int(query)
        return self.emb.index(str(query))

    def _class(self, row: int) -> str | None:
        return None if self.classes is None else str(self.classes[row])

    def neighbours(self, query: int | str, k: int | None = None) -> pd.DataFrame:
        """Nearest images of ``query``: rank, label, row, score, class, same_class."""
        row = self._row(query)
        k = self.k if k is None else max(1, min(int(k), len(self.emb) - 1))
        label = self.emb.labels[row]
        near = self.emb.neighbours(label, k=k, metric=self.metric)
        rows = [self.emb.key_to_index[lab] for lab in near["label"]]
        out = pd.DataFrame({"label": near["label"].to_numpy(), "row": rows,
                            "score": near["score"].to_numpy()}, index=near.index)  # fmt: skip
        if self.classes is not None:
            out["class"] = self.classes[rows]
            out["same_class"] = out["class"].to_numpy() == self.classes[row]
        return out

    def show(self, query: int | str) -> Gallery:
        """Make ``query`` (row index or label) the shown image and list its neighbours."""
        row = self._row(query)
        self.results = self.neighbours(row)
        self.query = row
        label = self.emb.labels[row]
        cls = self._class(row)
        self.query_image.value = thumbnail_png(self.images[row], 2 * self.display)
        self.query_text.value = label if cls is None else f"{label} (class {cls})"
        cells = []
        rows = self.results["row"].to_numpy()
        scores = self.results["score"].to_numpy()
        for rank, nb, score in zip(self.results.index, rows, scores, strict=True):
            nb_cls = self._class(int(nb))
            wrong = nb_cls is not None and nb_cls != cls
            mark = "✗ " if wrong else ""
            cls_txt = "" if nb_cls is None else f" {mark}class {nb_cls}"
            cells.append(self._cell(int(nb), f"{rank}. {score:.3f}{cls_txt}", wrong))
        self.grid.children = cells
        self.status.value = self._status()
        self.index_box.value = row
        self.label_box.value = label
        return self

    @property
    def n_wrong(self) -> int:
        """Neighbours of another class than the query (0 without classes)."""
        if self.classes is None or self.results.empty:
            return 0
        return int((~self.results["same_class"]).sum())

    def _status(self) -> str:
        marked = "" if self.classes is None else f", {self.n_wrong} of another class (✗)"
        return f"{len(self.results)} nearest images by {self.metric}{marked}"

    # ----------------------------------------------------------------- display
    def __repr__(self) -> str:
        label = self.emb.labels[self.query]
        cls = self._class(self.query)
        about = "" if cls is None else f" (class {cls})"
        wrong = "" if self.classes is None else f", {self.n_wrong} wrong-class"
        return (
            f"Gallery({len(self.emb)} images, query={label!r}{about}, k={self.k}, "
            f"{self.metric}{wrong})"
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        return data
