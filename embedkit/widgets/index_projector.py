"""The projector over a :class:`~embedkit.scale.ShardedIndex`: a drawn sample, answers from all.

Millions of points do not fit in a browser, so :class:`IndexProjector` draws a **seeded
uniform sample** of the index's rows (``n`` rows drawn without replacement with
``numpy.random.default_rng(seed)``, the rule of :meth:`ShardedIndex.sample`), laid out
like any projector. A click asks the **index** for the neighbours among *all* its
vectors (with its metric and exact re-rank), not among the drawn points. A neighbour that
is also drawn is marked in the plot; one that is not is listed with its label and score
only (clicking it in the list shows the clicked point's answer again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..vectors import Embeddings
from .projector import Projector

if TYPE_CHECKING:
    from ..scale.index import ShardedIndex

__all__ = ["IndexProjector"]


class IndexProjector(Projector):
    """A projector drawing ``n`` sampled rows of a sharded index; clicks search all rows.

    Parameters
    ----------
    index : ShardedIndex
        Built with ``keep_vectors=True`` (the sample's vectors are read from it).
    n : int
        Rows drawn (a seeded uniform sample; all when the index is smaller).
    seed : int
        Seed of the sample (and of t-SNE / UMAP layouts).
    **kwargs
        ``method``, ``color``, ``k``, ``height``, ... as for :class:`Projector`; the metric
        is the index's.
    """

    def __init__(self, index: ShardedIndex, n: int = 5000, seed: int = 0, **kwargs: Any) -> None:
        ids = index.sample(n, seed=seed)
        emb = Embeddings(index.labels_of(ids), index.vectors_of(ids))
        self.index, self.sample_ids, self.sample_seed = index, ids, seed
        self._row_of = {label: r for r, label in enumerate(emb.labels)}
        super().__init__(emb, metric=index.metric, seed=seed, **kwargs)

    def neighbours(self, i: int, epoch: int | None = None) -> dict[str, Any]:
        """The click answer for drawn row ``i``, searched in the whole index."""
        label = self._label(int(i))
        found = self.index.neighbours(label, k=self.k)
        items = [
            [self._row_of.get(lab, int(i)), lab, float(score)]
            for lab, score in zip(found["label"], found["score"], strict=True)
        ]
        return {"i": int(i), "label": label, "metric": self.metric, "k": self.k, "items": items}

    def __repr__(self) -> str:
        return (
            f"IndexProjector({len(self.emb):,} of {len(self.index):,} points drawn "
            f"(uniform sample, seed={self.sample_seed}), {self.method}, "
            f"{self.metric} k={self.k} among all)"
        )
