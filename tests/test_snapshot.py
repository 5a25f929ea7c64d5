"""ek.snapshot / Projector.to_static: the saved payload decodes to the right data, the
neighbours are the original-space ones, the sample rule and size budget hold, bad input
fails clearly, and nbconvert's HTML export shows the PNG fallback."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

import embedkit as ek
from embedkit.widgets.projector import Projector
from embedkit.widgets.snapshot import MAX_BYTES, MIME_TYPE, snapshot

XSS = "<img src=x onerror=alert(1)>"


def decode(a: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(a["b64"]), dtype=a["dtype"]).reshape(a["shape"])


@pytest.fixture(scope="module")
def emb() -> ek.Embeddings:
    rng = np.random.default_rng(0)
    labels = [f"w{i}" for i in range(119)] + [XSS]
    meta = {"g": [f"g{i % 3}" for i in range(120)], "n": np.arange(120)}
    return ek.Embeddings(labels, rng.normal(size=(120, 8)), metadata=meta)


def test_payload_holds_points_labels_colours_neighbours(emb: ek.Embeddings) -> None:
    snap = snapshot(emb, k=4, color="g", metric="euclidean")
    p = json.loads(json.dumps(snap._repr_mimebundle_()[MIME_TYPE]))  # as saved in a notebook
    assert p["labels"] == emb.labels and p["labels"][-1] == XSS  # data, shown as text
    assert decode(p["xy"]).shape == (120, 2)
    np.testing.assert_allclose(decode(p["xy"]).reshape(-1, 2), ek.project.layout(emb, "pca"),
                               atol=1e-5)  # fmt: skip
    assert [x["name"] for x in p["color"]["legend"]] == ["g0", "g1", "g2"]
    assert decode(p["color"]["values"]).tolist() == [i % 3 for i in range(120)]
    assert p["fields"]["n"][7] == "7" and p["fields"]["g"][7] == "g1"
    nb = p["neighbours"]
    idx = decode(nb["indices"]).reshape(120, 4)
    scores = decode(nb["scores"]).reshape(120, 4)
    for i in (0, 57, 119):
        want = emb.neighbours(emb.labels[i], k=4, metric="euclidean")
        assert [emb.labels[j] for j in idx[i]] == want["label"].tolist()
        np.testing.assert_allclose(scores[i], want["score"].to_numpy(), rtol=1e-5)
    assert nb["metric"] == "euclidean" and p["subsample"] is None and p["n_total"] == 120


def test_projector_to_static_keeps_layout_colour_and_k(emb: ek.Embeddings) -> None:
    coords = np.c_[np.arange(120) % 10, np.arange(120) // 10]
    snap = Projector(emb, method=coords, color="g", k=3).to_static()
    p = snap.payload
    assert p["method"] == "coordinates" and p["k"] == 3 and p["color"]["column"] == "g"
    np.testing.assert_array_equal(decode(p["xy"]).reshape(-1, 2), coords)
    assert repr(snap) == "Snapshot(120 points, coordinates, cosine k=3)"


def test_sample_rule_is_stated_and_enforced(emb: ek.Embeddings) -> None:
    snap = snapshot(emb, k=2, max_points=50, color="g")
    bundle = snap._repr_mimebundle_()
    p = bundle[MIME_TYPE]
    assert len(p["labels"]) == 50 and p["n_total"] == 120
    assert "showing 50 of 120 points: a uniform random sample (seed 0)" in p["subsample"]
    assert p["subsample"] in bundle["text/plain"]
    assert set(p["labels"]) <= set(emb.labels)
    idx = decode(p["neighbours"]["indices"])
    assert idx.max() < 50  # neighbours among the points shown
    assert bundle["image/png"][:4] == b"\x89PNG"
    assert snapshot(emb, k=2, max_points=50).payload["labels"] == p["labels"]  # seeded


def test_size_budget_refuses_huge_outputs(emb: ek.Embeddings) -> None:
    big = ek.Embeddings([f"{'x' * 2000}{i}" for i in range(9000)], np.eye(9000, 3) + 1)
    with pytest.raises(ValueError, match=r"MB to the notebook \(budget 16 MB\).*max_points="):
        snapshot(big, k=0)
    assert MAX_BYTES == 16_000_000
    assert snapshot(emb, k=10).nbytes() < 120 * 200  # about 100 bytes a point + labels


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": -1}, "k must be an integer from 0 to 100"),
        ({"k": 2.5}, "k must be an integer"),
        ({"max_points": 0}, "max_points must be a positive integer"),
        ({"metric": "manhattan"}, "manhattan"),
        ({"color": "nope"}, "not a metadata column"),
    ],
)
def test_bad_arguments_say_what(emb: ek.Embeddings, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        snapshot(emb, **kwargs)


def test_bad_object_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"snapshot needs Embeddings, a Projector, .* not list"):
        snapshot([[1, 2]])  # type: ignore[arg-type]


def test_k_zero_stores_no_neighbours(emb: ek.Embeddings) -> None:
    assert snapshot(emb, k=0).payload["neighbours"] is None


@pytest.mark.slow
def test_nbconvert_html_shows_the_png(emb: ek.Embeddings, tmp_path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbconvert = pytest.importorskip("nbconvert")
    bundle = snapshot(emb, k=3, color="g")._repr_mimebundle_()
    png = base64.b64encode(bundle["image/png"]).decode("ascii")
    out = nbformat.v4.new_output(
        "display_data",
        data={MIME_TYPE: bundle[MIME_TYPE], "image/png": png, "text/plain": bundle["text/plain"]},
    )
    cell = nbformat.v4.new_code_cell("ek.snapshot(emb)", outputs=[out], execution_count=1)
    nb = nbformat.v4.new_notebook(cells=[cell])
    nbformat.validate(nb)
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    assert f'src="data:image/png;base64,{png}"' in html
    assert XSS not in html  # the label list (JSON payload) is not pasted into the page


def test_map_labels_in_the_payload(emb: ek.Embeddings) -> None:
    p = json.loads(json.dumps(snapshot(emb, k=2)._repr_mimebundle_()[MIME_TYPE]))
    assert p["map_labels"]["max"] == 300 and decode(p["map_labels"]["order"]).tolist() == list(
        range(120)
    )
    assert decode(p["map_labels"]["order"]).dtype == np.uint16
    ranked = snapshot(emb, k=2, importance="n", labels=7).payload["map_labels"]
    assert ranked["max"] == 7 and decode(ranked["order"])[:2].tolist() == [119, 118]
    assert "map_labels" not in snapshot(emb, k=2, labels=False).payload
    # a projector's setting is kept, a sample keeps its importance order among the rows kept
    proj = Projector(emb, method="pca", importance="n", labels=9)
    s = snapshot(proj, k=2, max_points=50)
    order = decode(s.payload["map_labels"]["order"])
    kept = [int(lab[1:]) if lab != XSS else 119 for lab in s.payload["labels"]]
    assert s.payload["map_labels"]["max"] == 9
    assert [kept[i] for i in order] == sorted(kept, reverse=True)


def test_named_clusters_in_the_payload(emb: ek.Embeddings) -> None:
    s = snapshot(emb, k=2, color="clusters", clusters=4)
    c = s.payload["color"]
    assert c["kind"] == "categorical" and c["column"] == "clusters" and len(c["legend"]) == 4
    assert sorted(set(decode(c["values"]).astype(int).tolist())) == [0, 1, 2, 3]
    assert all(len(item["name"].split(", ")) == 3 for item in c["legend"])
    live = Projector(emb, method="pca", color="clusters", clusters=3)
    assert snapshot(live, k=2).payload["color"]["legend"] == live._color["legend"]
