"""Projector without a browser: trait state, binary buffers and the custom-message protocol.

Messages from the front end are fed to the widget the way ipywidgets delivers them
(``Widget._handle_msg`` with a comm message), and replies are read from a recording comm
that replaces the kernel's (the only stand-in here: there is no kernel in a unit test).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ipywidgets.widgets.widget import _remove_buffers

import embedkit as ek
from embedkit.widgets import projector as projector_mod
from embedkit.widgets._serialize import array_to_wire, png_bytes, wire_to_array
from embedkit.widgets.projector import Projector, link, mimebundle
from embedkit.widgets.snapshot import snapshot

XSS = "<img src=x onerror=alert(1)>"


# a recording comm stands in for the kernel (tests/conftest.py): a unit test has none
pytestmark = pytest.mark.usefixtures("recording_comm")


def front(widget: Projector, content: dict, buffers: list | None = None) -> None:
    """Deliver a custom message from the front end, as the comm would."""
    data = {"method": "custom", "content": content}
    widget._handle_msg({"content": {"data": data}, "buffers": buffers or []})


def replies(widget: Projector) -> list[tuple[dict, list]]:
    out = []
    for data, buffers in widget.comm.sent:
        if data.get("method") == "custom" and data["content"].get("type") == "reply":
            out.append((data["content"], buffers))
    return out


@pytest.fixture
def emb() -> ek.Embeddings:
    rng = np.random.default_rng(0)
    labels = [f"word{i}" for i in range(60)] + ["Paris", "paris", XSS]
    vectors = rng.normal(size=(len(labels), 6)).astype(np.float32)
    meta = pd.DataFrame(
        {"kind": ["a", "b", "c"] * 21, "count": np.arange(63), "note": ["x" * 300] * 63}
    )
    return ek.Embeddings(labels, vectors, metadata=meta)


@pytest.fixture
def coords(emb: ek.Embeddings) -> np.ndarray:
    return np.random.default_rng(1).normal(size=(len(emb), 2))


ROOT = Path(__file__).resolve().parents[1]


def test_repr_and_traits(emb: ek.Embeddings, coords: np.ndarray) -> None:
    p = Projector(emb, method=coords, color="kind", k=5, metric="euclidean")
    assert repr(p) == "Projector(63 points, coordinates, euclidean k=5, color='kind')"
    assert (p.k, p.metric, p.method) == (5, "euclidean", "coordinates")
    assert p.coords.dtype == np.float32 and p.coords.shape == (63, 2)


def test_state_sends_binary_float32_not_lists(emb: ek.Embeddings, coords: np.ndarray) -> None:
    p = Projector(emb, method=coords, color="count")
    state, paths, buffers = _remove_buffers(p.get_state())
    assert ["_xy", "buffer"] in paths and ["_color", "values", "buffer"] in paths
    xy = np.frombuffer(bytes(buffers[paths.index(["_xy", "buffer"])]), dtype=np.float32)
    np.testing.assert_array_equal(xy.reshape(-1, 2), coords.astype(np.float32))
    assert state["_xy"] == {"dtype": "float32", "shape": [63, 2]}
    assert ["_map_labels", "order", "buffer"] in paths  # the label rows are bytes too
    assert ["_map_labels", "text_utf8"] in paths  # and the label text: one UTF-8 buffer
    text = bytes(buffers[paths.index(["_map_labels", "text_utf8"])]).decode().split("\0")
    assert text[:2] == ["word0", "word1"] and len(text) == 63 and "text" not in state["_map_labels"]
    text = json.dumps({k: v for k, v in state.items() if k != "_map_labels"})
    assert "word1" not in text  # no other labels, no coordinates in the JSON part
    assert str(float(coords[0, 0]))[:8] not in text
    assert state["_color"]["kind"] == "continuous" and state["_color"]["max"] == "62"


def test_label_text_with_a_nul_keeps_the_json_list(coords: np.ndarray) -> None:
    # the text buffer joins labels with "\0", so a label holding one travels as the list
    odd = ek.Embeddings([f"w{i}" for i in range(62)] + ["a\0b"], np.eye(63, 4))
    state, paths, _ = _remove_buffers(Projector(odd, method=coords).get_state())
    assert ["_map_labels", "text_utf8"] not in paths
    assert state["_map_labels"]["text"][-1] == "a\0b" and len(state["_map_labels"]["text"]) == 63


def test_categorical_colour_and_legend(emb: ek.Embeddings, coords: np.ndarray) -> None:
    p = Projector(emb, method=coords, color="kind")
    enc = p._color
    assert [x["name"] for x in enc["legend"]] == ["a", "b", "c"]
    assert enc["codes"][:4].tolist() == [0, 1, 2, 0]


def test_many_categories_grouped_as_other(emb: ek.Embeddings, coords: np.ndarray) -> None:
    p = Projector(emb, method=coords, color=[f"c{i % 30}" for i in range(63)])
    names = [x["name"] for x in p._color["legend"]]
    assert len(names) == 20 and names[-1] == "(other: 11 values)"
    assert p._color["codes"].max() == 19


def test_hover_replies_with_label_fields_and_no_image(emb: ek.Embeddings, coords) -> None:
    p = Projector(emb, method=coords)
    front(p, {"type": "hover", "i": 62, "req": 7})
    ((reply, _),) = replies(p)
    assert reply["req"] == 7 and reply["label"] == XSS and reply["image"] is None
    fields = dict(reply["fields"])
    assert fields["kind"] == "c" and fields["count"] == "62"
    assert len(fields["note"]) == 200 and fields["note"].endswith("…")


def test_hover_image_is_png_data_url() -> None:
    images = np.random.default_rng(0).integers(0, 255, size=(4, 8, 8), dtype=np.uint8)
    emb = ek.Embeddings(list("abcd"), np.eye(4), images=images)
    p = Projector(emb, method=np.eye(4)[:, :2])
    front(p, {"type": "hover", "i": 2, "req": 1})
    ((reply, _),) = replies(p)
    assert reply["image"].startswith("data:image/png;base64,")
    import base64
    import io

    import matplotlib.image as mpimg

    png = base64.b64decode(reply["image"].split(",", 1)[1])
    decoded = mpimg.imread(io.BytesIO(png), format="png")
    np.testing.assert_allclose(decoded * 255, images[2], atol=0.5)


def test_search_substring_and_regex(emb: ek.Embeddings, coords: np.ndarray) -> None:
    p = Projector(emb, method=coords)
    front(p, {"type": "search", "query": "PARIS", "regex": False, "req": 1})
    front(p, {"type": "search", "query": r"^word1\d$", "regex": True, "req": 2})
    front(p, {"type": "search", "query": "(", "regex": True, "req": 3})
    (r1, b1), (r2, b2), (r3, b3) = replies(p)
    assert r1["count"] == 2 and [s[1] for s in r1["shown"]] == ["Paris", "paris"]
    assert np.frombuffer(bytes(b1[0]), dtype=np.uint32).tolist() == [60, 61]
    hits = np.frombuffer(bytes(b2[0]), dtype=np.uint32)
    assert r2["count"] == 10 and [emb.labels[i] for i in hits] == [f"word1{d}" for d in range(10)]
    assert "invalid regex '('" in r3["error"] and b3 == []


@pytest.mark.parametrize("metric", ["euclidean", "cosine", "dot"])
def test_click_gives_neighbours_of_the_original_space(emb: ek.Embeddings, coords, metric) -> None:
    clicked: list[str] = []
    p = Projector(emb, method=coords, k=4, metric=metric)
    p.on_click(clicked.append)
    front(p, {"type": "neighbours", "i": 3, "req": 9})
    ((reply, _),) = replies(p)
    expected = emb.neighbours("word3", k=4, metric=metric)
    assert [it[1] for it in reply["items"]] == expected["label"].tolist()
    np.testing.assert_allclose([it[2] for it in reply["items"]], expected["score"])
    assert [it[0] for it in reply["items"]] == [emb.index(x) for x in expected["label"]]
    assert (reply["label"], reply["metric"], reply["k"], clicked) == ("word3", metric, 4, ["word3"])


def test_k_larger_than_the_vocabulary_lists_everything_else() -> None:
    emb = ek.Embeddings(["a", "b", "c"], [[1, 0], [0.9, 0.1], [0, 1]])
    p = Projector(emb, method=[[0, 0], [1, 0], [0, 1]], k=10)
    assert [it[1] for it in p.neighbours(0)["items"]] == ["b", "c"]


def test_lasso_selection_reaches_python(emb: ek.Embeddings, coords: np.ndarray) -> None:
    p = Projector(emb, method=coords)
    seen: list[list[str]] = []
    changes: list[list[str]] = []
    p.on_select(seen.append)
    p.observe(lambda ch: changes.append(ch["new"]), names="selected")
    rows = np.array([62, 0, 5], dtype=np.uint32)
    front(p, {"type": "select"}, [memoryview(rows.tobytes())])
    assert p.selected == [XSS, "word0", "word5"] == seen[0] == changes[0]
    assert p.selected_indices.tolist() == [62, 0, 5]
    front(p, {"type": "select"}, [memoryview(b"")])
    assert p.selected == [] and seen[-1] == []


def test_python_select_and_highlight_update_views(emb: ek.Embeddings, coords) -> None:
    p = Projector(emb, method=coords)
    p.comm.sent.clear()
    p.select(["Paris", "word2"])
    p.highlight("paris")
    updates = [(d["state"], b) for d, b in p.comm.sent if d.get("method") == "update"]
    sel = next(b for s, b in updates if "_selected_idx" in s)
    hl = next(b for s, b in updates if "_highlight" in s)
    assert np.frombuffer(bytes(sel[0]), dtype=np.uint32).tolist() == [60, 2]
    assert np.frombuffer(bytes(hl[0]), dtype=np.uint32).tolist() == [61]
    with pytest.raises(KeyError, match="did you mean"):
        p.highlight(["Pariss"])


def test_bad_messages_answer_with_errors(emb: ek.Embeddings, coords: np.ndarray) -> None:
    p = Projector(emb, method=coords)
    front(p, {"type": "hover", "i": 10_000, "req": 1})
    front(p, {"type": "neighbours", "i": "3", "req": 2})
    front(p, {"type": "search", "query": 5, "req": 3})
    front(p, {"type": "no-such-thing", "req": 4})
    errors = [r["error"] for r, _ in replies(p)]
    assert errors == [
        "point index 10000 is out of range 0..62",
        "point index '3' is out of range 0..62",
        "search query must be text",
    ]
    with pytest.raises(ValueError, match="beyond 62"):
        p._on_select_msg({}, [memoryview(np.array([99], dtype=np.uint32).tobytes())])


def test_bad_arguments_say_what_is_wrong(emb: ek.Embeddings, coords: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"shape \(63, 2\) for 63 points; got \(63, 3\)"):
        Projector(emb, method=np.zeros((63, 3)))
    with pytest.raises(ValueError, match="NaN or infinite values at rows \\[4\\]"):
        Projector(emb, method=np.where(np.arange(63)[:, None] == 4, np.nan, coords))
    with pytest.raises(ValueError, match="unknown projection method 'mds'"):
        Projector(emb, method="mds")
    with pytest.raises(ValueError, match="color='genre' is not a metadata column; columns: 'kind'"):
        Projector(emb, method=coords, color="genre")
    with pytest.raises(ValueError, match="unknown metric 'manhattan'"):
        Projector(emb, method=coords, metric="manhattan")
    with pytest.raises(ValueError, match="k must be a positive integer"):
        Projector(emb, method=coords, k=0)
    with pytest.raises(TypeError, match=r"needs an embedkit\.Embeddings or Timeline, not ndarray"):
        Projector(np.zeros((3, 2)))  # type: ignore[arg-type]


def test_linked_projectors_mirror_selection_and_hover(emb: ek.Embeddings, coords) -> None:
    other = emb[["Paris", "word1", "word0"]]
    a = Projector(emb, method=coords)
    b = Projector(other, method=np.eye(3)[:, :2])
    link(a, b)
    assert a._track_hover and b._track_hover
    a.select(["word0", "word7", "Paris"])
    assert b.selected == ["word0", "Paris"] and a.selected == ["word0", "word7", "Paris"]
    b.comm.sent.clear()
    front(a, {"type": "hovered", "i": 1})  # word1 -> row 1 of b
    front(a, {"type": "hovered", "i": 9})  # word9 is not in b: clear
    focus = [d["content"] for d, _ in b.comm.sent if d.get("method") == "custom"]
    assert focus == [{"type": "focus", "i": 1}, {"type": "focus", "i": -1}]


def test_drawn_reports_are_kept(emb: ek.Embeddings, coords: np.ndarray) -> None:
    p = Projector(emb, method=coords)
    front(p, {"type": "drawn", "ms": 12.5})
    assert p.render_times == [12.5] and "drawn" in p.request_times


def test_mimebundle_has_widget_html_and_png(emb: ek.Embeddings, coords) -> None:
    emb = emb[[XSS, *emb.labels[:62]]]
    mime, _ = mimebundle(emb, method=coords)
    assert mime["text/plain"] == "Embeddings(63 labels × 6 dims)"
    assert "application/vnd.jupyter.widget-view+json" in mime
    assert "&lt;img src=x" in mime["text/html"] and XSS not in mime["text/html"]
    assert mime["image/png"].startswith(b"\x89PNG")
    tiny = mimebundle(ek.Embeddings(["a"], [[1.0, 2.0]]))
    assert set(tiny) == {"text/plain", "text/html"}


def test_static_png_draws_points(emb: ek.Embeddings, coords: np.ndarray) -> None:
    import io

    import matplotlib.image as mpimg

    p = Projector(emb, method=coords, color="kind")
    mime, _ = p._repr_mimebundle_()
    img = mpimg.imread(io.BytesIO(mime["image/png"]), format="png")
    assert img.shape == (360, 480, 3)
    assert (img.min(axis=2) < 0.9).sum() >= 63  # every point is at least one coloured pixel


def test_wire_round_trip_and_errors() -> None:
    arr = np.arange(6, dtype=np.uint32).reshape(3, 2)
    np.testing.assert_array_equal(wire_to_array(array_to_wire(arr, "uint32")), arr)
    with pytest.raises(ValueError, match="unsupported dtype 'int8'"):
        array_to_wire(arr, "int8")
    with pytest.raises(ValueError, match="6 values for shape \\[4\\]"):
        wire_to_array({**array_to_wire(arr, "uint32"), "shape": [4]})
    with pytest.raises(ValueError, match="needs buffer, dtype and shape"):
        wire_to_array({"dtype": "float32"})
    with pytest.raises(ValueError, match="must be uint8"):
        png_bytes(np.zeros((2, 2)))


def test_the_esm_is_the_small_loader_and_the_model_carries_the_bundle() -> None:
    text = projector_mod.BUNDLE.read_text(encoding="utf-8")
    assert re.search(r"export\s*\{[^}]*createProjectorView", text)
    loader = projector_mod.LOADER.read_text(encoding="utf-8")
    # the kernel's module is a few hundred bytes: the extension's copy of the view code
    # (registered under this build's id), else the full module from the model's `_bundle`
    assert len(loader) < 2_000 and "_bundle" in loader
    build = re.search(r'BUILD_ID = "([0-9a-f]{16})"', (ROOT / "js/src/buildid.ts").read_text())
    assert build and build.group(1) in loader
    p = Projector(ek.Embeddings(["a", "b"], np.eye(2)), method=np.eye(2))
    assert p._esm == loader
    assert p._bundle == text
    assert "_bundle" in p.get_state()  # synced: a page without the extension needs it


def test_front_end_sources_never_write_html() -> None:
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "js" / "src"
    sources = sorted(src.glob("*.ts"))
    assert len(sources) >= 5
    for path in sources:
        code = path.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert sink not in code, f"{path.name} uses {sink}"


def test_default_layout_is_pca_from_embedkit_project(emb: ek.Embeddings) -> None:
    from embedkit import project

    p = Projector(emb)
    assert p.method == "pca" and repr(p).startswith("Projector(63 points, pca, cosine k=10")
    np.testing.assert_array_equal(p.coords, project.layout(emb, method="pca", seed=0))


def test_set_layout_and_set_color_update_the_views(emb: ek.Embeddings, coords) -> None:
    p = Projector(emb, method=coords, color="kind")
    p.comm.sent.clear()
    p.set_layout(coords[:, ::-1])
    p.set_color(None)
    p.set_color("count")
    updates = [(d["state"], b) for d, b in p.comm.sent if d.get("method") == "update"]
    _, xy_buffers = next((s, b) for s, b in updates if "_xy" in s)
    got = np.frombuffer(bytes(xy_buffers[0]), dtype=np.float32).reshape(-1, 2)
    np.testing.assert_array_equal(got, coords[:, ::-1].astype(np.float32))
    colours = [s["_color"] for s, _ in updates if "_color" in s]
    assert colours[0] is None and colours[1]["kind"] == "continuous"
    assert repr(p).endswith("color='count')")
    with pytest.raises(ValueError, match="shape \\(63, 2\\) for 63 points"):
        p.set_layout(coords[:5])
    p.comm.sent.clear()
    p.set_layout("pca")
    (state,) = [d["state"] for d, _ in p.comm.sent if d.get("method") == "update"]
    assert state["method"] == "pca" and "_xy" in state and p.method == "pca"


def test_layout_kwargs_reach_embedkit_project(emb: ek.Embeddings) -> None:
    from embedkit import project

    p = Projector(emb, method="pca", layout_kwargs={"normalize": True})
    expected = project.layout(emb, "pca", seed=0, normalize=True)
    np.testing.assert_array_equal(p.coords, expected)
    assert not np.array_equal(p.coords, project.layout(emb, "pca", seed=0))


def test_static_png_subsamples_large_layouts() -> None:
    import io

    import matplotlib.image as mpimg

    from embedkit.widgets import _projector_data as pdata

    n = pdata.PNG_MAX_POINTS * 3  # every 3rd row is drawn: 0, 3, ..., n - 3
    xy = np.zeros((n, 2), dtype=np.float32)
    xy[1::3] = [5.0, 5.0]  # never drawn: rows 1, 4, 7, ...
    xy[-3] = [10.0, 10.0]  # drawn, at the other corner
    codes = {"kind": "categorical", "codes": np.zeros(n, dtype=np.float32)}
    img = mpimg.imread(io.BytesIO(pdata.static_png(xy, codes)), format="png")
    drawn = img.min(axis=2) < 0.9
    assert drawn.sum() == 2 * 4  # the two drawn positions, 2 x 2 pixels each


def test_repr_counts_with_thousands_separator_and_singular() -> None:
    big = ek.Embeddings([f"w{i}" for i in range(2000)], np.eye(2000, 3))
    assert repr(Projector(big, method=np.zeros((2000, 2)))) == (
        "Projector(2,000 points, coordinates, cosine k=10)"
    )
    one = ek.Embeddings(["only"], [[1.0, 2.0]])
    assert repr(Projector(one, method=[[0, 0]])) == "Projector(1 point, coordinates, cosine k=10)"


def test_map_labels_order_switch_and_importance(emb: ek.Embeddings, coords) -> None:
    p = Projector(emb, method=coords)
    labels = p._map_labels
    assert labels["order"].dtype == np.uint32 and labels["order"].tolist() == list(range(63))
    assert labels["text"] == emb.labels and labels["max"] == 300
    assert Projector(emb, method=coords, labels=False)._map_labels is None
    assert Projector(emb, method=coords, labels=12)._map_labels["max"] == 12
    ranked = Projector(emb, method=coords, importance="count")._map_labels
    assert ranked["order"][:3].tolist() == [62, 61, 60] and ranked["text"][0] == XSS
    values = np.zeros(63)
    values[[5, 7]] = [2, 1]
    given = Projector(emb, method=coords, importance=values)._map_labels["order"]
    assert given[:3].tolist() == [5, 7, 0]  # higher first, ties in row order
    with pytest.raises(ValueError, match="not a metadata column"):
        Projector(emb, method=coords, importance="nope")
    with pytest.raises(ValueError, match="importance has 2 values for 63"):
        Projector(emb, method=coords, importance=[1, 2])
    with pytest.raises(ValueError, match="labels must be True, False or a whole number"):
        Projector(emb, method=coords, labels="yes")


def blobs(per: int = 30) -> ek.Embeddings:
    """Four clearly separated groups: every k-means run on any machine finds them."""
    rng = np.random.default_rng(5)
    centres = np.eye(4, 16) * 10
    vecs = np.concatenate([c + 0.2 * rng.normal(size=(per, 16)) for c in centres])
    labels = [f"{g}{i}" for g in "abcd" for i in range(per)]
    return ek.Embeddings(labels, vecs)


def test_clusters_are_exact_on_separated_blobs() -> None:
    emb = blobs()
    p = Projector(emb, method=np.zeros((120, 2)) + np.arange(120)[:, None], color="clusters",
                  clusters=4)  # fmt: skip
    enc = p._color
    assert repr(p).endswith("color='clusters')") and enc["kind"] == "categorical"
    codes = enc["codes"].astype(int)
    groups = [set(codes[i * 30 : (i + 1) * 30].tolist()) for i in range(4)]
    assert all(len(g) == 1 for g in groups) and len(set.union(*groups)) == 4
    for g, item in zip("abcd", (enc["legend"][codes[i * 30]] for i in range(4)), strict=True):
        names = item["name"].split(", ")
        assert len(names) == 3 and all(n.startswith(g) for n in names)  # named by its members


def test_clusters_structure_on_glove(glove: ek.Embeddings) -> None:
    emb = glove[:2000]
    enc = Projector(emb, method=np.zeros((2000, 2)), color="clusters")._color
    codes = enc["codes"].astype(int)
    assert len(enc["legend"]) == 20  # sqrt(2000 / 2) capped at 20
    assert sorted(set(codes.tolist())) == list(range(20))  # every point assigned, none empty
    sizes = np.bincount(codes)
    assert (np.diff(sizes) <= 0).all()  # numbered largest first
    assert all(len(item["name"].split(", ")) == 3 for item in enc["legend"])
    members = {lab: c for lab, c in zip(emb.labels, codes, strict=True)}
    for c, item in enumerate(enc["legend"]):  # named by its own members
        assert all(members[w] == c for w in item["name"].split(", "))


def test_clusters_arguments_and_set_color(emb: ek.Embeddings, coords) -> None:
    p = Projector(emb, method=coords, color="clusters", clusters=3)
    assert len(p._color["legend"]) == 3
    p.set_color("clusters", clusters=5)
    assert len(p._color["legend"]) == 5 and p.color == "clusters"
    with pytest.raises(ValueError, match="clusters must be from 2 to 20"):
        Projector(emb, method=coords, color="clusters", clusters=1)
    with_column = ek.Embeddings(["a", "b", "c"], np.eye(3), metadata={"clusters": ["x", "y", "x"]})
    enc = Projector(with_column, method=np.eye(3)[:, :2], color="clusters")._color
    assert [x["name"] for x in enc["legend"]] == ["x", "y"]  # a column of that name wins


# ------------------------------------------------------------------ live t-SNE / UMAP


@pytest.fixture
def words(glove: ek.Embeddings) -> ek.Embeddings:
    return glove[:400]


def _xy_updates(p: Projector) -> list[np.ndarray]:
    out = []
    for d, b in p.comm.sent:
        if d.get("method") == "update" and "_xy" in d["state"]:
            out.append(np.frombuffer(bytes(b[0]), dtype=np.float32).reshape(-1, 2))
    return out


def test_live_umap_shows_the_start_at_once_then_frames_then_the_result(words, monkeypatch):
    import threading

    from embedkit import project

    go, real = threading.Event(), project.layout
    monkeypatch.setattr(project, "layout", lambda *a, **kw: go.wait(30) and real(*a, **kw))
    p = Projector(words, method="umap", layout_kwargs={"n_epochs": 30, "every": 0, "n_jobs": 1})
    start = project.pca_layout(words, normalize=True)
    assert p.method == "umap" and repr(p).startswith("Projector(400 points, umap, cosine")
    assert p.layout_running and p.layout_status["state"] == "running"
    np.testing.assert_array_equal(p._xy, start)  # the cell returned, the start is shown
    go.set()
    assert p.wait_layout(timeout=120) is p and not p.layout_running
    status = p.layout_status
    assert status["state"] == "done" and status["step"] == status["total"] == 30
    frames = _xy_updates(p)
    assert len(frames) >= 3  # the graph, epochs, the result
    np.testing.assert_array_equal(frames[-1], p.coords)
    assert not np.allclose(p.coords, start)


def _run_until(p: Projector, step: int) -> None:
    deadline = time.monotonic() + 60
    while p.layout_status.get("step", 0) < step and time.monotonic() < deadline:
        time.sleep(0.02)


def test_stop_keeps_the_current_layout_from_python_and_from_the_view(words) -> None:
    kw = {"perplexity": 10, "every": 0, "n_iter": 100_000}
    p = Projector(words, method="tsne", layout_kwargs=kw)
    _run_until(p, 20)
    p.stop_layout()
    assert not p.layout_running
    status = p.layout_status
    assert status["state"] == "stopped" and 20 <= status["step"] < status["total"]
    np.testing.assert_array_equal(_xy_updates(p)[-1], p.coords)
    # the view's Stop button: a message, seen by the thread at its next frame
    p.set_layout("tsne", **kw)
    _run_until(p, 10)
    front(p, {"type": "stop_layout"})
    p.wait_layout(timeout=30)
    assert p.layout_status["state"] == "stopped" and p.method == "tsne"


def test_errors_in_the_layout_thread_are_shown_and_raised(words, monkeypatch) -> None:
    from embedkit import project

    def broken(*args, **kwargs):
        raise RuntimeError("the graph broke")

    monkeypatch.setattr(project, "layout", broken)
    p = Projector(words, method="umap")
    with pytest.raises(RuntimeError, match="the graph broke"):
        p.wait_layout(timeout=30)
    status = p.layout_status
    assert status["state"] == "error" and status["error"] == "RuntimeError: the graph broke"
    with pytest.raises(ValueError, match="perplexity=30 needs more than 90 points"):
        Projector(words[:50], method="tsne")  # checked in the cell, not in the thread


def test_live_layout_snapshot_and_blocking_mode(words) -> None:
    p = Projector(words, method="tsne", layout_kwargs={"perplexity": 10, "n_iter": 100_000})
    _run_until(p, 10)
    p.stop_layout()
    snap = ek.snapshot(p)
    np.testing.assert_array_equal(snap.coords, p.coords)  # what is shown is what is saved
    q = Projector(words[:200], method="tsne", live=False, layout_kwargs={"perplexity": 10,
                  "n_iter": 20, "early_exaggeration_iter": 10})  # fmt: skip
    assert q.layout_status == {} and not q.layout_running and q.coords.shape == (200, 2)


def test_static_pictures_draw_the_top_labels_without_overlap() -> None:
    """The PNG fallbacks (live projector, snapshot, timeline) carry map labels: dark text
    pixels appear only with labels on, and the placement keeps boxes apart."""
    import io

    import matplotlib.image as mpimg

    from embedkit.widgets import _projector_data as pdata

    def pixels(png: bytes) -> np.ndarray:
        return mpimg.imread(io.BytesIO(png), format="png")[:, :, :3]

    def changed(a: bytes, b: bytes) -> int:  # pixels that differ: the labels' text
        return int((np.abs(pixels(a) - pixels(b)).max(axis=2) > 0.2).sum())

    xy = np.array([[-1, -1], [1, 1], [0, 0], [-0.5, 0.6]], dtype=np.float32)
    words = ["alpha", "beta", "gamma", "<b>delta</b>"]
    plain = pdata.static_png(xy, None)
    assert changed(plain, pdata.static_png(xy, None, labels=(np.arange(4), words))) > 60
    emb = ek.Embeddings(words, np.eye(4) + 0.1)
    bare, named = snapshot(emb, method=xy, labels=False), snapshot(emb, method=xy)
    assert changed(bare.png(), named.png()) > 60
    # greedy placement: importance order first, a box that would overlap is dropped
    px, py = np.array([10.0, 14.0, 10.0, 300.0]), np.array([20.0, 22.0, 60.0, 20.0])
    assert pdata.place_labels(px, py, ["one", "two", "three", "cut"], (200, 100)) == [0, 2]
