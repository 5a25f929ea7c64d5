"""``Embeddings.labels`` returns a copy, so code that reads labels row by row must take
the list once. Reading it per row made ``ek.Projector(glove)`` (400k words) take minutes:
each of the rows given to the view copied all 400k labels."""

from __future__ import annotations

import numpy as np
import pytest

import embedkit as ek
from embedkit.vectors import Embeddings


@pytest.fixture()
def copies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the copies of ``Embeddings.labels`` made while the test runs."""
    counted: list[int] = []
    original = Embeddings.labels

    def counting(self: Embeddings) -> list[str]:
        counted.append(1)
        return original.fget(self)  # type: ignore[attr-defined, no-any-return]

    monkeypatch.setattr(Embeddings, "labels", property(counting))
    return counted


def _words(n: int) -> ek.Embeddings:
    rng = np.random.default_rng(0)
    return ek.Embeddings([f"w{i}" for i in range(n)], rng.normal(size=(n, 4)))


def test_projector_labels_copy_the_list_a_few_times_not_per_row(copies, recording_comm):
    emb = _words(3000)
    copies.clear()
    ek.Projector(emb, labels=True)
    assert 0 < len(copies) < 20, f"{len(copies)} copies of the labels for 3,000 rows"


def test_snapshot_sample_copies_the_labels_once_per_call(copies):
    emb = _words(3000)
    copies.clear()
    ek.snapshot(emb, max_points=1000)
    assert len(copies) < 20, f"{len(copies)} copies of the labels for a 1,000-row sample"


def test_tracked_rows_copy_the_labels_once(copies):
    from embedkit.train.tracking import Tracker

    emb = _words(3000)
    copies.clear()
    tracker = Tracker(500, epochs=1)
    tracker.resolve(emb)
    assert tracker.labels[:2] == ["w0", "w1"]
    assert len(copies) < 20, f"{len(copies)} copies of the labels for 500 tracked rows"
