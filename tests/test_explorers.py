"""Neighbour and analogy explorers and the linked ``explore`` layout, without a browser.

Widget state is driven the way the front end would drive it (setting trait values,
custom messages through ``Widget._handle_msg``); messages to the front end are read from
a recording comm, the one stand-in here (a unit test has no kernel).
"""

from __future__ import annotations

import numpy as np
import pytest

import embedkit as ek
from embedkit.widgets._tables import Completer, parse_expression
from embedkit.widgets.explorers import AnalogyExplorer, NeighboursExplorer, explore

XSS = "<img src=x onerror=alert(1)>"


# a recording comm stands in for the kernel (tests/conftest.py): a unit test has none
pytestmark = pytest.mark.usefixtures("recording_comm")


@pytest.fixture(scope="module")
def words(glove):
    """The 20k most frequent GloVe words: real neighbours, fast queries."""
    return glove[:20000]


@pytest.fixture
def xss_emb() -> ek.Embeddings:
    rng = np.random.default_rng(0)
    labels = ["cat", "cats", "dog", XSS, "<b>bold</b>"]
    vecs = rng.normal(size=(5, 8)).astype(np.float32)
    vecs[3] = vecs[0] + 0.01  # the XSS label is the nearest neighbour of "cat"
    return ek.Embeddings(labels, vecs)


# ----------------------------------------------------------------- neighbours
def test_neighbours_query_equals_emb_neighbours(words):
    nx = NeighboursExplorer(words, k=7)
    got = nx.query("king")
    expected = words.neighbours("king", k=7)
    assert got["label"].tolist() == expected["label"].tolist()
    np.testing.assert_allclose(got["score"], expected["score"])
    assert nx.results is got and nx.last_query == "king"
    assert repr(nx) == "NeighboursExplorer(20,000 labels, k=7, cosine, query='king')"
    assert "queen" in nx.html and nx.html.count("<tr>") == 7
    assert list(nx.picker.options) == expected["label"].tolist()


def test_k_slider_and_metric_rerun_the_query(words):
    nx = NeighboursExplorer(words)
    nx.query("paris")
    nx.k_slider.value = 3
    assert len(nx.results) == 3
    nx.metric_menu.value = "euclidean"
    ref = words.neighbours("paris", k=3, metric="euclidean")
    assert nx.results["label"].tolist() == ref["label"].tolist()
    assert repr(nx).endswith("k=3, euclidean, query='paris')")
    assert len(nx.query("paris", k=5)) == 5


def test_typing_offers_prefix_completions_and_answers_known_words(words):
    nx = NeighboursExplorer(words)
    nx.box.value = "kin"  # a prefix of many words (and itself a word)
    opts = list(nx.box.options)
    assert 1 < len(opts) <= 20 and all(o.startswith("kin") for o in opts)
    rows = [words.index(o) for o in opts]
    assert rows == sorted(rows)  # most frequent first
    assert opts[:2] == ["king", "kind"]
    nx.box.value = "king"
    assert nx.last_query == "king" and nx.results["label"].iloc[0] == "prince"


def test_unknown_word_shows_suggestions_not_a_traceback(words):
    nx = NeighboursExplorer(words)
    out = nx.query("kingg")
    assert out.empty and list(out.columns) == ["label", "score"]
    assert "king" in nx.suggestions
    assert "is not in the embeddings" in nx.message
    assert "Did you mean" in nx.html and "<b>king</b>" in nx.html
    nx.box.value = "qqzzxq"  # nothing starts with it: the message comes while typing
    assert nx.last_query == "qqzzxq" and nx.results.empty and nx.box.options == ()


def test_labels_are_escaped_in_html(xss_emb):
    nx = NeighboursExplorer(xss_emb, k=2)
    nx.query("cat")
    assert nx.results["label"].iloc[0] == XSS
    assert "&lt;img src=x onerror=alert(1)&gt;" in nx.html
    assert "<img" not in nx.html and "<b>bold" not in nx.html
    nx.query("<b>bolt</b>")  # unknown, with an HTML-looking suggestion
    assert "&lt;b&gt;bold&lt;/b&gt;" in nx.html and "<b>bold" not in nx.html
    assert "&lt;b&gt;bolt" in nx.html


def test_bad_arguments():
    emb = ek.Embeddings(["a", "b"], np.eye(2))
    with pytest.raises(TypeError, match=r"needs an embedkit\.Embeddings"):
        NeighboursExplorer(np.eye(2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="k must be a positive integer"):
        NeighboursExplorer(emb, k=0)
    with pytest.raises(ValueError, match="metric"):
        NeighboursExplorer(emb, metric="manhattan")


def test_completer_at_full_size(glove):
    c = Completer(glove.labels)
    labels = glove.labels
    for prefix in ("paris", "QUEE", "a", "zzzzzzqq", "über"):
        brute = [lab for lab in labels if lab.lower().startswith(prefix.lower())][:20]
        assert c.complete(prefix, 20) == brute
    assert c.complete("paris", 2) == ["paris", "parish"]
    assert c.complete("", 2) == ["the", ","]


# ----------------------------------------------------------------- analogies
def test_solve_equals_emb_analogy_inputs_excluded(words):
    ax = AnalogyExplorer(words, k=5)
    got = ax.solve("man", "king", "woman")
    ref = words.analogy("man", "king", "woman", k=5)
    assert got["label"].tolist() == ref["label"].tolist()
    assert got["label"].iloc[0] == "queen"
    assert not {"man", "king", "woman"} & set(got["label"])
    assert (
        repr(ax) == "AnalogyExplorer(20,000 labels, k=5, 3cosadd, query='man : king :: woman : ?')"
    )
    ax.method_menu.value = "3cosmul"
    mul = ax.query(("man", "king", "woman"))
    assert (
        mul["label"].tolist()
        == words.analogy("man", "king", "woman", 5, "3cosmul")["label"].tolist()
    )


def test_arithmetic_box_matches_3cosadd(words):
    ax = AnalogyExplorer(words, k=5)
    ax.expression.value = "king - man + woman"  # what typing + Enter does
    ref = words.analogy("man", "king", "woman", k=5)
    assert ax.results["label"].tolist() == ref["label"].tolist()
    np.testing.assert_allclose(ax.results["score"], ref["score"], atol=1e-5)
    got = ax.query("paris - france + italy")
    assert got["label"].iloc[0] == "rome"
    assert not {"paris", "france", "italy"} & set(got["label"])
    assert "king − man + woman" not in ax.html  # the caption is the last expression
    assert "paris − france + italy" in ax.html


def test_analogy_unknown_and_malformed_inputs(words):
    ax = AnalogyExplorer(words)
    assert ax.solve("man", "kingg", "woman").empty
    assert "king" in ax.suggestions and "kingg" in ax.message
    assert ax.evaluate("king - man + wommann").empty and "woman" in ax.suggestions
    assert ax.evaluate("king - - woman").empty and "cannot parse" in ax.message
    assert ax.evaluate("king - king").empty and "zero vector" in ax.message
    assert ax.solve("man", "", "woman").empty and "all three" in ax.message


def test_parse_expression():
    vocab = {"king", "man", "woman", "x-ray", "c++", "state-of-the-art", "art"}
    assert parse_expression("king - man + woman", vocab) == [(1, "king"), (-1, "man"), (1, "woman")]
    assert parse_expression("king-man+woman", vocab) == [(1, "king"), (-1, "man"), (1, "woman")]
    assert parse_expression("x-ray - man", vocab) == [(1, "x-ray"), (-1, "man")]
    assert parse_expression("state-of-the-art-art", vocab) == [
        (1, "state-of-the-art"),
        (-1, "art"),
    ]
    assert parse_expression("c++", vocab) == [(1, "c++")]
    assert parse_expression(" -man +woman ", vocab) == [(-1, "man"), (1, "woman")]
    assert parse_expression("unknown - man", vocab) == [(1, "unknown"), (-1, "man")]
    for bad in ("", "   ", "king +", "king - - man", "+"):
        with pytest.raises(ValueError, match="cannot parse"):
            parse_expression(bad, vocab)


# ----------------------------------------------------------------- explore
def _custom(widget) -> list[dict]:
    return [d["content"] for d, _ in widget.comm.sent if d.get("method") == "custom"]


def test_explore_links_both_ways(words):
    sub = words[:3000]
    ex = explore(sub, k=5)
    p = ex.projector
    assert repr(ex) == "Explorer(3,000 labels, Projector(3,000 points, pca, cosine k=5))"
    # a neighbour query highlights the query and its neighbours in the projector
    ex.neighbours.query("king")
    shown = [sub.labels[i] for i in p._highlight.tolist()]
    assert shown == ["king", *sub.neighbours("king", k=5)["label"]]
    # picking a result focuses it in the projector
    p.comm.sent.clear()
    ex.neighbours.picker.value = "prince"
    assert {"type": "focus", "i": sub.index("prince")} in _custom(p)
    # an analogy answer is highlighted
    ex.analogies.solve("man", "king", "woman")
    assert sub.labels[int(p._highlight[0])] == "queen"
    # a click in the projector (a custom message from the front end) fills the neighbour box
    data = {"method": "custom", "content": {"type": "neighbours", "i": sub.index("paris"),
                                            "req": 1}}  # fmt: skip
    p._handle_msg({"content": {"data": data}, "buffers": []})
    assert ex.neighbours.box.value == "paris" and ex.neighbours.last_query == "paris"
    # a lasso selection offers its labels in the box and queries the first
    p.select(["london", "berlin"])
    assert ex.neighbours.last_query == "london"
    assert ex.neighbours.box.options == ("london", "berlin")
    # an unknown word clears the highlight
    ex.neighbours.query("londonn")
    assert p._highlight is None
