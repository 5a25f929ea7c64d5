"""compare(): Procrustes alignment, Jaccard@k neighbour overlap, linked projectors, table."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import special_ortho_group

import embedkit as ek
from embedkit.widgets.compare import SORTS, Comparison, compare

XSS = "<img src=x onerror=alert(1)>"


# a recording comm stands in for the kernel (tests/conftest.py): a unit test has none
pytestmark = pytest.mark.usefixtures("recording_comm")


@pytest.fixture(scope="module")
def words(glove):
    return glove[:5000]


@pytest.fixture(scope="module")
def rotated(words):
    q = special_ortho_group.rvs(words.dim, random_state=1).astype(np.float32)
    order = words.labels[::-1]  # another row order, and 3x the scale: still identical
    return ek.Embeddings(order, 3.0 * words[order].vectors @ q)


def test_rotated_copy_compares_as_identical(words, rotated):
    c = compare(words, rotated, k=10, names=("GloVe", "rotated"))
    o = c.overlap
    assert len(o) == 5000 and o.attrs["shared"] == 5000
    assert (o["jaccard"] == 1.0).all()
    assert o["shift"].abs().max() < 1e-4  # same place after alignment
    assert (o["only_a"].map(len) == 0).all() and (o["only_b"].map(len) == 0).all()
    assert repr(c) == (
        "Comparison(GloVe vs rotated: 5,000 shared labels, 5,000 compared, k=10, "
        "mean Jaccard 1.000)"
    )
    np.testing.assert_allclose(c.coords_a, c.coords_b, atol=1e-4)  # one joint layout
    assert list(o.columns[:3]) == ["label", "jaccard", "shift"]


def test_a_real_difference_is_found(words):
    """Swap the vectors of a few words: exactly those lose their neighbourhoods."""
    swapped = {"king": "coffee", "paris": "guitar", "computer": "river"}
    labels = words.labels
    vecs = words.to_numpy()
    for x, y in swapped.items():
        i, j = words.index(x), words.index(y)
        vecs[[i, j]] = vecs[[j, i]]
    other = ek.Embeddings(labels, vecs)
    c = compare(words, other, k=10, projectors=False)
    o = c.overlap
    moved = set(swapped) | set(swapped.values())
    assert set(o["label"].head(6)) == moved  # most changed first
    assert o["jaccard"].head(6).max() <= 0.1
    assert (o["jaccard"].iloc[6:] >= 0.5).all()
    assert o["jaccard"].is_monotonic_increasing
    king = o.set_index("label").loc["king"]
    assert king["neighbours_a"] == words.neighbours("king", k=10)["label"].tolist()
    assert king["neighbours_b"] == other.neighbours("king", k=10)["label"].tolist()
    manual = len(set(king["neighbours_a"]) & set(king["neighbours_b"])) / len(
        set(king["neighbours_a"]) | set(king["neighbours_b"])
    )
    assert king["jaccard"] == manual
    # the words that moved most after the alignment are the swapped ones too
    assert set(c.sorted_table("moved most after alignment")["label"].head(6)) == moved


def test_matches_evaluate_neighbour_overlap(words):
    from embedkit import evaluate

    rng = np.random.default_rng(0)
    noisy = ek.Embeddings(words.labels[:2000], words.vectors[:2000] + rng.normal(
        scale=0.3, size=(2000, 50)))  # fmt: skip
    ours = compare(words, noisy, k=5, projectors=False).overlap.set_index("label")["jaccard"]
    ref = evaluate.neighbour_overlap(words, noisy, k=5).set_index("label")["jaccard"]
    assert ours.sort_index().round(12).equals(ref.sort_index().round(12))


def test_partial_vocabulary_max_words_and_names(words):
    b = ek.Embeddings([*words.labels[1000:3000], "only-in-b"], words.vectors[1000:3001])
    c = compare(words, b, k=5, names=("full", "part"), max_words=300, projectors=False)
    assert c.overlap.attrs["shared"] == 2000 and len(c.overlap) == 300
    assert set(c.overlap["label"]) == set(words.labels[1000:1300])  # the first shared, A order
    assert c.coords_a.shape == (2000, 2)
    assert "only in part" in c.table.value and "only in full" in c.table.value


def test_table_sorting_filter_and_escaping():
    rng = np.random.default_rng(0)
    labels = [XSS, *(f"w{i}" for i in range(59))]
    a = ek.Embeddings(labels, rng.normal(size=(60, 6)))
    b = ek.Embeddings(labels, a.vectors + rng.normal(scale=0.8, size=(60, 6)))
    c = compare(a, b, k=5, names=("<A>", "B"), projectors=False)
    for by in SORTS:
        assert len(c.sorted_table(by)) == 60
    assert c.sorted_table("label")["label"].is_monotonic_increasing
    assert c.sorted_table("least changed (Jaccard ↓)")["jaccard"].is_monotonic_decreasing
    c.sort_menu.value = "label"
    c.rows_slider.value = 60
    assert "&lt;img src=x onerror=alert(1)&gt;" in c.table.value and "<img" not in c.table.value
    c.filter_box.value = "W1"
    assert list(c.picker.options) == sorted(x for x in labels if "w1" in x)
    bundle = c._repr_mimebundle_()
    html = (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]
    assert "&lt;A&gt;" in html and "<img" not in html and "<A>" not in html
    with pytest.raises(ValueError, match="unknown sort"):
        c.sorted_table("size")
    ax = c.plot(n=5)
    assert ax.get_title().startswith("<A> vs B (aligned): 5 most changed labels")
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_linked_projectors(words):
    sub = words[:1500]
    q = special_ortho_group.rvs(50, random_state=2).astype(np.float32)
    c = compare(sub, ek.Embeddings(sub.labels, sub.vectors @ q), k=5)
    pa, pb = c.projectors
    assert repr(pa) == "Projector(1,500 points, coordinates, cosine k=5)"
    pa.select(["king", "president"])  # a lasso in A selects the same words in B
    assert pb.selected == ["king", "president"]
    c.picker.options = ("paris",)
    c.picker.value = "paris"  # choosing a row highlights it and its neighbours in both
    o = c.overlap.set_index("label").loc["paris"]
    assert [sub.labels[i] for i in pa._highlight.tolist()] == ["paris", *o["neighbours_a"]]
    assert [sub.labels[i] for i in pb._highlight.tolist()] == ["paris", *o["neighbours_b"]]
    with pytest.raises(KeyError, match="not among the compared"):
        c.show("no-such-word")


def test_errors(words):
    with pytest.raises(TypeError, match="two embedkit"):
        compare(words, words.vectors)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="names must differ"):
        compare(words, words, names=("x", "x"))
    with pytest.raises(ValueError, match="k must be a positive integer"):
        compare(words, words, k=0)
    tiny = ek.Embeddings(["the", ",", "."], np.eye(3))
    with pytest.raises(ValueError, match="share 3 labels; k=10 needs more than 10"):
        compare(words, tiny)
    other = ek.Embeddings(["zz1", "zz2"], np.eye(2))
    with pytest.raises(ValueError, match="0 are shared"):
        compare(words, other)
    assert isinstance(compare(words[:50], words[:50], k=3, projectors=False), Comparison)
