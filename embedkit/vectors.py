"""The central data type: labelled vectors with queries (neighbours, analogies).

Only numpy and pandas are imported here; gensim, torch and widgets come in lazily.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> emb = ek.Embeddings(["a", "b", "c"], np.eye(3, dtype=np.float32))
>>> emb
Embeddings(3 labels × 3 dims)
>>> "a" in emb, emb["b"].tolist()
(True, [0.0, 1.0, 0.0])
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import encoders, search
from ._rows import as_float32_matrix, check_finite, check_labels

if TYPE_CHECKING:
    from gensim.models import KeyedVectors


class UnknownLabelError(KeyError):
    """A label is not in the embeddings; the message suggests close labels."""

    def __init__(self, label: object, suggestions: Sequence[str] = ()) -> None:
        self.label = label
        self.suggestions = list(suggestions)
        hint = f"; did you mean {', '.join(map(repr, self.suggestions))}?" if suggestions else ""
        super().__init__(f"{label!r} is not in the embeddings{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


class Embeddings:
    """Labelled vectors: words, documents, images, users or items.

    Parameters
    ----------
    labels : sequence of str
        One unique label per row.
    vectors : array-like, shape (n, d)
        Stored as a C-contiguous float32 matrix (a torch tensor is accepted).
    metadata : pandas.DataFrame, optional
        One row per vector (counts, text, class, ...).
    images : array-like of uint8, shape (n, h, w[, c]), optional
        Thumbnails, for image embeddings.
    encoder : callable, optional
        What made the vectors from text (texts -> (n, d) array): then a string that is not
        a label is encoded and searched (``emb.neighbours("a typed sentence")``).
        ``SentenceEncoder.encode`` sets it; see :mod:`embedkit.encoders`.

    Examples
    --------
    >>> import numpy as np
    >>> emb = Embeddings(["x", "y"], np.array([[1, 0], [1, 1]]))
    >>> emb.vectors.dtype, emb.shape
    (dtype('float32'), (2, 2))
    >>> emb.similarity("x", "y")
    0.7071...
    """

    def __init__(
        self,
        labels: Iterable[Any],
        vectors: Any,
        metadata: pd.DataFrame | Mapping[str, Sequence[Any]] | None = None,
        images: np.ndarray | None = None,
        *,
        encoder: encoders.Encoder | None = None,
    ) -> None:
        vecs = as_float32_matrix(vectors)
        labs = [str(x) for x in labels]
        check_labels(labs, vecs.shape[0])
        check_finite(vecs, labs)
        self._labels = labs
        self._vectors = vecs
        self._metadata = self._check_metadata(metadata, len(labs))
        self._images = self._check_images(images, len(labs))
        self._index: dict[str, int] | None = None
        self._norms: np.ndarray | None = None
        self._ann: dict[tuple[str, str], Any] = {}
        self._encoder = encoders.check_encoder(encoder)

    # ----------------------------------------------------------------- construction
    @staticmethod
    def _check_metadata(metadata: Any, n: int) -> pd.DataFrame | None:
        if metadata is None:
            return None
        df = pd.DataFrame(metadata)
        if len(df) != n:
            raise ValueError(f"metadata has {len(df)} rows for {n} vectors; they must match")
        return df.reset_index(drop=True)

    @staticmethod
    def _check_images(images: Any, n: int) -> np.ndarray | None:
        if images is None:
            return None
        arr = np.asarray(images)
        if arr.ndim not in (3, 4) or arr.shape[0] != n:
            raise ValueError(f"images must have shape ({n}, h, w[, c]); got {arr.shape}")
        if arr.dtype != np.uint8:
            raise ValueError(f"images must be uint8 thumbnails; got dtype {arr.dtype}")
        return arr

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any]) -> Embeddings:
        """Build from ``{label: vector}``.

        >>> Embeddings.from_dict({"a": [1, 2], "b": [3, 4]}).labels
        ['a', 'b']
        """
        labels = list(mapping)
        if not labels:
            raise ValueError("cannot build Embeddings from an empty mapping")
        return cls(labels, np.vstack([np.asarray(mapping[k], dtype=np.float32) for k in labels]))

    @classmethod
    def from_gensim(cls, kv: Any) -> Embeddings:
        """Build from a gensim ``KeyedVectors`` (or a model with ``.wv``), keeping counts."""
        kv = getattr(kv, "wv", kv)
        labels = [str(k) for k in kv.index_to_key]
        meta = None
        if "count" in getattr(kv, "expandos", {}):
            counts = kv.expandos["count"]
            if len(counts) == len(labels) and np.any(counts):
                meta = pd.DataFrame({"count": np.asarray(counts, dtype=np.int64)})
        return cls(labels, kv.vectors, metadata=meta)

    def to_gensim(self) -> KeyedVectors:
        """Return a gensim ``KeyedVectors`` with the same labels and vectors."""
        from gensim.models import KeyedVectors

        kv = KeyedVectors(self.dim, count=0, dtype=np.float32)
        kv.index_to_key = list(self._labels)
        kv.key_to_index = dict(self.key_to_index)
        kv.vectors = self._vectors.copy()
        if self._metadata is not None and "count" in self._metadata:
            kv.expandos["count"] = self._metadata["count"].to_numpy()
        return kv

    def to_numpy(self) -> np.ndarray:
        """The float32 matrix (a copy)."""
        return self._vectors.copy()

    def to_dataframe(self) -> pd.DataFrame:
        """One row per label: metadata columns then ``dim_0 .. dim_{d-1}``.

        >>> Embeddings(["a"], [[1, 2]]).to_dataframe()
               dim_0  dim_1
        label
        a        1.0    2.0
        """
        dims = pd.DataFrame(
            self._vectors, columns=[f"dim_{i}" for i in range(self.dim)], index=self._labels
        )
        if self._metadata is not None:
            meta = self._metadata.set_axis(self._labels)
            dims = pd.concat([meta, dims], axis=1)
        dims.index.name = "label"
        return dims

    # ----------------------------------------------------------------- properties
    @property
    def labels(self) -> list[str]:
        """The labels, in row order (a copy)."""
        return list(self._labels)

    @property
    def vectors(self) -> np.ndarray:
        """The float32 matrix, shape (n, d); read-only view."""
        view = self._vectors.view()
        view.flags.writeable = False
        return view

    @property
    def metadata(self) -> pd.DataFrame | None:
        """Per-row metadata (a DataFrame aligned with the rows), or None."""
        return self._metadata

    @property
    def images(self) -> np.ndarray | None:
        """Thumbnails (uint8, shape (n, h, w[, c])), or None."""
        return self._images

    @property
    def encoder(self) -> encoders.Encoder | None:
        """What encodes text into this space (kept by slicing and by ``.npz``), or None."""
        return self._encoder

    def encode(self, texts: str | Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` (float32, one row per text) from :attr:`encoder`.

        >>> emb = Embeddings(["a"], [[1, 0]], encoder=lambda t: [[len(s), 0] for s in t])
        >>> emb.encode(["xyz"]).tolist()
        [[3.0, 0.0]]
        """
        return encoders.encode_texts(self._encoder, texts, self.dim)

    @property
    def dim(self) -> int:
        """Number of dimensions."""
        return int(self._vectors.shape[1])

    @property
    def shape(self) -> tuple[int, int]:
        """``(n, d)``."""
        return (int(self._vectors.shape[0]), int(self._vectors.shape[1]))

    @property
    def norms(self) -> np.ndarray:
        """Euclidean norm of each row, computed once and cached."""
        if self._norms is None:
            self._norms = search.row_norms(self._vectors)
        return self._norms

    @property
    def key_to_index(self) -> dict[str, int]:
        """``{label: row}``, built once on first use."""
        if self._index is None:
            self._index = {lab: i for i, lab in enumerate(self._labels)}
        return self._index

    # ----------------------------------------------------------------- container
    def __len__(self) -> int:
        return len(self._labels)

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __contains__(self, label: object) -> bool:
        return isinstance(label, str) and label in self.key_to_index

    def __repr__(self) -> str:
        return f"Embeddings({len(self):,} labels × {self.dim} dims)"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """In JupyterLab: the interactive projector (PCA), with text and PNG fallbacks."""
        from .widgets.projector import mimebundle

        return mimebundle(self)

    def _repr_html_(self) -> str:
        from ._html import embeddings_html

        return embeddings_html(self)

    def index(self, label: str) -> int:
        """Row of ``label``; an unknown label raises ``KeyError`` with close matches."""
        try:
            return self.key_to_index[label]
        except (KeyError, TypeError):
            raise UnknownLabelError(label, self.suggest(str(label))) from None

    def suggest(self, label: str, n: int = 3) -> list[str]:
        """Labels close to ``label``: spelling neighbours, earlier rows first.

        Rows are usually in frequency order, so among the closest spellings the
        more frequent labels come first. Fast at 400k labels: a length and
        first-letter prefilter, then difflib.

        >>> Embeddings(["paris", "london", "parrot"], np.eye(3)).suggest("pariss")
        ['paris']
        """
        low = label.lower()
        exact = [lab for lab in self._labels if lab.lower() == low and lab != label]
        size = len(label)
        pool = [
            lab for lab in self._labels if abs(len(lab) - size) <= 2 and lab[:1].lower() == low[:1]
        ]
        close = difflib.get_close_matches(label, pool[:50_000], n=max(10, n), cutoff=0.6)
        order = self.key_to_index
        best = [c for c in close if difflib.SequenceMatcher(None, label, c).ratio() >= 0.75]
        rest = [c for c in close if c not in best]
        ranked = sorted(best, key=order.__getitem__) + rest
        return list(dict.fromkeys(exact + ranked))[:n]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self._vectors[self.index(key)].copy()
        if isinstance(key, slice):
            return self._subset(range(len(self))[key])
        if isinstance(key, (list, tuple, np.ndarray, pd.Index, pd.Series)):
            return self._subset([self.index(k) for k in key])
        raise TypeError(
            f"index with a label, a list of labels or a slice, not {type(key).__name__}"
        )

    def _subset(self, rows: Sequence[int]) -> Embeddings:
        rows = list(rows)
        meta = None if self._metadata is None else self._metadata.iloc[rows]
        imgs = None if self._images is None else self._images[rows]
        labels = [self._labels[i] for i in rows]
        return Embeddings(labels, self._vectors[rows], meta, imgs, encoder=self._encoder)

    # ----------------------------------------------------------------- queries
    def _query_matrix(self, query: Any) -> tuple[np.ndarray, list[str], list[list[int]], bool]:
        """Turn a label, labels, a vector or a matrix into (queries, names, exclusions, single).

        A string that is not a label is encoded when an encoder is known (no exclusion)."""
        single = isinstance(query, str)
        if single or (
            isinstance(query, (list, tuple)) and query and all(isinstance(q, str) for q in query)
        ):
            texts = [query] if single else list(query)
            known = self.key_to_index
            if self._encoder is None or all(q in known for q in texts):
                rows = [self.index(q) for q in texts]
                return self._vectors[rows], texts, [[r] for r in rows], single
            new = [q for q in texts if q not in known]
            coded = dict(zip(new, self.encode(new), strict=True))
            vecs = [self._vectors[known[q]] if q in known else coded[q] for q in texts]
            excl = [[known[q]] if q in known else [] for q in texts]
            return np.vstack(vecs).astype(np.float32), texts, excl, single
        if hasattr(query, "detach"):
            query = query.detach().cpu().numpy()
        arr = np.asarray(query, dtype=np.float32)
        single = arr.ndim == 1
        if single:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise ValueError(
                f"query must be a label, labels, a vector or a matrix; got shape {arr.shape}"
            )
        if arr.shape[1] != self.dim:
            raise ValueError(
                f"query vector has dimension {arr.shape[1]} but the embeddings have {self.dim}"
            )
        names = [str(i) for i in range(arr.shape[0])]
        return arr, names, [[] for _ in range(arr.shape[0])], single

    def neighbours(
        self,
        query: Any,
        k: int = 10,
        metric: str = "cosine",
        *,
        restrict_vocab: int | None = None,
        exclude: Iterable[str] = (),
        index: Any = None,
    ) -> pd.DataFrame:
        """The ``k`` nearest labels to a label, a list of labels, a vector or a matrix.

        With an :attr:`encoder`, a string that is not a label is text: it is encoded and
        its neighbours searched (``emb.neighbours("a typed sentence")``); without one an
        unknown string raises :class:`UnknownLabelError` with close labels.
        ``emb.neighbours(emb.encode(text))`` encodes even a string that is a label.
        Scores are cosine similarity, dot product, or euclidean distance (smaller is
        nearer). A query label is excluded from its own answer; a query vector is not.
        One query gives a DataFrame indexed by ``rank`` (1..k) with ``label`` and
        ``score``; several give a ``(query, rank)`` index. ``index="hnsw"`` answers
        from an approximate HNSW index (built once and cached; needs
        ``embedkit[ann]``), or pass one from :func:`embedkit.search_ann.build_index`.

        Examples
        --------
        >>> emb = Embeddings(["a", "b", "c"], [[1, 0], [0.9, 0.1], [0, 1]])
        >>> emb.neighbours("a", k=2)
             label     score
        rank
        1        b  0.993884
        2        c  0.000000
        """
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k <= 0:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        q, names, excl, single = self._query_matrix(query)
        for lab in exclude:
            r = self.index(lab)
            for e in excl:
                e.append(r)
        if isinstance(index, str):
            index = self.ann_index(metric, kind=index)
        if index is not None:
            if getattr(index, "metric", metric) != metric:
                raise ValueError(f"the index was built for {index.metric!r}, not {metric!r}")
            idx, val = index.search(q, k, exclude=excl)
        else:
            norms = self.norms if metric in ("cosine", "euclidean") else None
            idx, val = search.topk(
                self._vectors,
                q,
                k,
                metric=search.check_metric(metric),
                norms=norms,
                exclude=excl,
                rows=restrict_vocab,
            )
        return self._result_frame(idx, val, names, single, metric)

    def _result_frame(
        self, idx: np.ndarray, val: np.ndarray, names: list[str], single: bool, metric: str
    ) -> pd.DataFrame:
        keep = idx >= 0
        labs = self._labels
        flat = idx[keep].tolist()
        ranks = np.broadcast_to(np.arange(1, idx.shape[1] + 1), idx.shape)[keep]
        frame = {"label": [labs[j] for j in flat], "score": val[keep].astype(np.float64)}
        if single:
            out = pd.DataFrame(frame, index=pd.Index(ranks, name="rank"))
        else:
            qnames = np.broadcast_to(np.asarray(names, dtype=object)[:, None], idx.shape)[keep]
            index = pd.MultiIndex.from_arrays([qnames, ranks], names=["query", "rank"])
            out = pd.DataFrame(frame, index=index)
        out.attrs["metric"] = metric
        return out

    def ann_index(self, metric: str = "cosine", kind: str = "hnsw", **params: Any) -> Any:
        """The approximate index for ``metric``, built on first use and cached."""
        if kind != "hnsw":
            raise ValueError(f"unknown index kind {kind!r}; choose 'hnsw'")
        key = (kind, metric)
        if key not in self._ann:
            from .search_ann import build_index

            self._ann[key] = build_index(self, metric, **params)
        return self._ann[key]

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two labels.

        >>> Embeddings(["a", "b"], [[1, 0], [0, 2]]).similarity("a", "b")
        0.0
        """
        va, vb = self._vectors[self.index(a)], self._vectors[self.index(b)]
        denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
        return float(np.dot(va, vb) / denom) if denom else 0.0

    def analogy(
        self,
        a: str,
        b: str,
        c: str,
        k: int = 5,
        method: str = "3cosadd",
        *,
        restrict_vocab: int | None = None,
    ) -> pd.DataFrame:
        """``a : b :: c : ?`` — e.g. ``analogy("man", "king", "woman")`` → queen.

        ``method="3cosadd"`` ranks by cos(x, b − a + c) on unit vectors (gensim's
        ``most_similar(positive=[b, c], negative=[a])``); ``"3cosmul"`` is Levy and
        Goldberg's multiplicative form (gensim's ``most_similar_cosmul``). The three
        inputs are never returned, as in the analogy benchmark.

        Examples
        --------
        >>> emb = Embeddings(["man", "king", "woman", "queen", "apple"],
        ...                  [[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [1, 0, 1]])
        >>> emb.analogy("man", "king", "woman", k=2)
              label     score
        rank
        1     queen  0.958569
        2     apple  0.397052
        """
        from .analogy import analogy_topk

        rows = [self.index(x) for x in (a, b, c)]
        idx, val = analogy_topk(
            self,
            np.array([rows[0]]),
            np.array([rows[1]]),
            np.array([rows[2]]),
            k,
            method=method,
            rows=restrict_vocab,
        )
        out = self._result_frame(idx, val, [f"{a} : {b} :: {c} : ?"], True, "cosine")
        out.attrs["method"] = method
        return out

    # ----------------------------------------------------------------- I/O and display
    def save(self, path: str | Path, format: str | None = None, **options: Any) -> Path:
        """Write any format ``ek.load`` reads (:func:`embedkit.io.save` lists them).

        ``format=None`` goes by the name: ``.npz`` or none, ``.txt`` (word2vec), ``.bin``,
        ``.vec``, an existing folder (projector); GloVe needs ``format="glove"``.

        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "v.txt"
        >>> Embeddings(["a"], [[0.5, 2]]).save(p).read_text()
        '1 2\\na 0.5 2.0\\n'
        """
        from .io._save import save

        return save(self, path, format, **options)

    def to_projector(self, directory: str | Path, **kwargs: Any) -> Path:
        """Write TensorFlow Embedding Projector files (``vectors.tsv``, ``metadata.tsv``)."""
        from .io._save import to_projector

        return to_projector(self, directory, **kwargs)

    def plot(self, method: str = "pca", **kwargs: Any) -> Any:
        """A static matplotlib scatter of a 2D projection (for PDFs and saved outputs)."""
        from .plot import plot_embeddings

        return plot_embeddings(self, method=method, **kwargs)
