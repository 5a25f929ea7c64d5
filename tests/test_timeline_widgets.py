"""A training Timeline in the Projector and in kernel-less snapshots (Python side): the
frames travel once as float32 bytes, the epoch is a trait Python and the view both set,
neighbours come from the shown epoch's vectors, snapshots store every frame with per-frame
neighbours at a stated size, and bad timelines or epochs fail with a message that names
the valid range. The browser side is tests/browser/test_timeline_browser.py.

The timelines hold real GloVe rows whose noise shrinks epoch by epoch (as a space that
learns), laid out by one PCA fitted on the last epoch.
"""

from __future__ import annotations

import base64
import io
import json
import time

import numpy as np
import pandas as pd
import pytest
import traitlets

import embedkit as ek
from embedkit.timeline import Timeline
from embedkit.widgets import _timeline_data as tdata
from embedkit.widgets.projector import Projector
from embedkit.widgets.snapshot import MIME_TYPE, snapshot, timeline_bytes_per_row_epoch

pytestmark = pytest.mark.usefixtures("recording_comm")
XSS = "<img src=x onerror=alert(1)>"


def make_timeline(glove: ek.Embeddings, n: int = 300, t: int = 5, seed: int = 0) -> Timeline:
    labels = [*glove.labels[1000 : 1000 + n - 1], XSS]
    base = glove.vectors[1000 : 1000 + n]
    rng = np.random.default_rng(seed)
    vectors = np.stack(
        [
            base + rng.normal(size=base.shape) * base.std() * 1.5 * (1 - f / (t - 1))
            for f in range(t)
        ]
    ).astype(np.float32)
    last = vectors[-1] - vectors[-1].mean(axis=0)
    axes = np.linalg.svd(last, full_matrices=False)[2][:2].T
    coords = np.stack([(v - vectors[-1].mean(axis=0)) @ axes for v in vectors])
    metrics = pd.DataFrame(
        {
            "epoch": range(1, t + 1),
            "loss": np.linspace(5, 1, t),
            "settling": [np.nan, *np.linspace(0.3, 0.9, t - 1)],
            "words_per_sec": 1e5,
            "note": "x",
        }
    )
    meta = pd.DataFrame({"class": [f"c{i % 3}" for i in range(n)], "count": np.arange(n)})
    return Timeline(labels, epochs=range(1, t + 1), vectors=vectors, coords=coords,
                    metrics=metrics, metadata=meta)  # fmt: skip


@pytest.fixture(scope="module")
def tl(glove: ek.Embeddings) -> Timeline:
    return make_timeline(glove)


def decode(a: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(a["b64"]), dtype=a["dtype"]).reshape(a["shape"])


def front(widget: Projector, content: dict) -> None:
    data = {"method": "custom", "content": content}
    widget._handle_msg({"content": {"data": data}, "buffers": []})


def test_projector_sends_all_frames_once_as_float32(tl: Timeline) -> None:
    p = Projector(tl, color="class", k=4)
    assert repr(p) == (
        "Projector(300 points, timeline of 5 epochs (1..5) at epoch 5, cosine k=4, color='class')"
    )
    assert p.epoch == 5 and p.method == "timeline" and p.emb.labels == tl.labels
    assert p._frames.dtype == np.float32 and p._frames.shape == (5, 300, 2)
    assert p._frames.nbytes == 5 * 300 * 2 * 4  # 12 KB: 8 bytes per row per epoch
    np.testing.assert_array_equal(p.coords, tl.coords[-1])
    assert p._epochs == [1, 2, 3, 4, 5]
    # the numbers per epoch: loss and settling (NaN -> None); no epoch, throughput or text
    assert p._metrics["columns"] == ["loss", "settling"]
    assert p._metrics["values"][0] == [5.0, None] and p._metrics["values"][4] == [1.0, 0.9]
    state = p.get_state()
    assert state["_frames"]["shape"] == [5, 300, 2] and state["_frames"]["dtype"] == "float32"
    assert bytes(state["_frames"]["buffer"]) == tl.coords.astype(np.float32).tobytes()


def test_neighbours_are_those_of_the_shown_epoch(tl: Timeline) -> None:
    p = Projector(tl, k=5)
    i = tl.labels.index(XSS)
    for epoch in (1, 5):
        want = tl.frame(epoch).neighbours(XSS, k=5)
        got = p.neighbours(i, epoch=epoch)
        assert got["epoch"] == epoch and [x[1] for x in got["items"]] == want["label"].tolist()
        np.testing.assert_allclose([x[2] for x in got["items"]], want["score"], rtol=1e-5)
    first = [x[1] for x in p.neighbours(i, epoch=1)["items"]]
    assert first != [x[1] for x in p.neighbours(i)["items"]]  # the space learned
    p.epoch = 1
    assert [x[1] for x in p.neighbours(i)["items"]] == first
    np.testing.assert_array_equal(p.coords, tl.coords[0])


def test_front_end_asks_at_its_epoch_and_moves_the_python_epoch(tl: Timeline) -> None:
    p = Projector(tl, k=3)
    p.comm.sent.clear()
    front(p, {"type": "neighbours", "i": 7, "epoch": 2, "req": 1})
    (reply,) = [d["content"] for d, _ in p.comm.sent if d.get("method") == "custom"]
    assert reply["epoch"] == 2 and reply["req"] == 1
    assert [x[1] for x in reply["items"]] == tl.frame(2).neighbours(tl.labels[7], k=3)[
        "label"
    ].tolist()
    front(p, {"type": "neighbours", "i": 7, "epoch": 99, "req": 2})
    last = [d["content"] for d, _ in p.comm.sent if d.get("method") == "custom"][-1]
    assert last["error"] == "epoch 99 is not in the timeline; its epochs are 1..5"
    # the slider moves: the view sets the trait
    p._handle_msg({"content": {"data": {"method": "update", "state": {"epoch": 3}}},
                   "buffers": []})  # fmt: skip
    assert p.epoch == 3
    np.testing.assert_array_equal(p.coords, tl.coords[2])


def test_epoch_out_of_range_names_the_valid_range(tl: Timeline) -> None:
    p = Projector(tl)
    with pytest.raises(
        traitlets.TraitError, match=r"epoch 0 is not in the timeline; its epochs are 1\.\.5"
    ):
        p.epoch = 0
    assert p.epoch == 5
    with pytest.raises(ValueError, match=r"epoch 6 is not in the timeline; its epochs are 1\.\.5"):
        p.neighbours(0, epoch=6)
    gappy = Timeline(tl.labels, epochs=[2, 4, 6, 8, 10], vectors=tl.vectors, coords=tl.coords,
                     metrics=tl.metrics)  # fmt: skip
    with pytest.raises(traitlets.TraitError, match="its epochs are 2, 4, 6, 8, 10"):
        Projector(gappy).epoch = 3
    plain = Projector(tl.frame(5), method=tl.coords[-1])
    with pytest.raises(traitlets.TraitError, match="no timeline"):
        plain.epoch = 2
    with pytest.raises(ValueError, match="no timeline to play"):
        plain.play()


def test_bad_timelines_fail_clearly(tl: Timeline) -> None:
    def bad(**change) -> Timeline:
        kw = dict(epochs=tl.epochs, vectors=tl.vectors, coords=tl.coords, metrics=tl.metrics)
        kw.update(change)
        return Timeline(tl.labels, **kw)

    short = bad()
    short.metrics = tl.metrics.iloc[:4]  # a timeline changed after it was made
    with pytest.raises(ValueError, match=r"metrics has 4 rows for 5 epochs"):
        Projector(short)
    with pytest.raises(ValueError, match=r"epochs must increase; got \[1, 3, 2, 4, 5\]"):
        Projector(bad(epochs=[1, 3, 2, 4, 5]))
    nan = tl.coords.copy()
    nan[3, 17, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite values \(first at epoch 4, row 17\)"):
        Projector(bad(coords=nan))
    with pytest.raises(ValueError, match=r"coords must have shape \(5, 300, 2\)"):
        Timeline(tl.labels, epochs=tl.epochs, vectors=tl.vectors, coords=tl.coords[:, :10])
    with pytest.raises(TypeError, match="pass the timeline once"):
        Projector(tl, timeline=tl)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected an embedkit Timeline, not dict"):
        tdata.check_timeline({})
    with pytest.raises(ValueError, match="frame_ms must be an integer from 20 to 60000"):
        Projector(tl, frame_ms=5)
    p = Projector(tl)
    with pytest.raises(ValueError, match="layout is its aligned coordinates"):
        p.set_layout("pca")
    other = Timeline(tl.labels[::-1], epochs=tl.epochs, vectors=tl.vectors, coords=tl.coords)
    with pytest.raises(ValueError, match="tracks other rows"):
        p.set_timeline(other)


def test_embeddings_with_a_timeline_supply_metadata(tl: Timeline, glove) -> None:
    rows = tl.labels[:-1]
    extra = ek.Embeddings(
        [XSS, *reversed(rows), "spare"],
        np.ones((len(rows) + 2, 3)),
        metadata={"tag": ["x", *[f"t{i}" for i in range(len(rows))], "s"]},
    )
    p = Projector(extra, timeline=tl, color="tag")
    assert p.emb.labels == tl.labels and p.emb.metadata["tag"].iloc[-1] == "x"
    with pytest.raises(ValueError, match="1 tracked labels are not in emb"):
        Projector(extra[list(rows)], timeline=tl)


def test_set_timeline_grows_and_play_is_a_command(tl: Timeline) -> None:
    def upto(t: int) -> Timeline:
        return Timeline(tl.labels, epochs=tl.epochs[:t], vectors=tl.vectors[:t],
                        coords=tl.coords[:t], metrics=tl.metrics.iloc[:t])  # fmt: skip

    p = Projector(upto(2))
    p.epoch = 1
    p.set_timeline(upto(3))
    assert p.epoch == 3 and p._frames.shape == (3, 300, 2) and p._epochs == [1, 2, 3]
    p.comm.sent.clear()
    p.play()
    assert [d["content"] for d, _ in p.comm.sent] == [{"type": "play"}]


def test_fallback_png_is_small_multiples(tl: Timeline) -> None:
    import matplotlib.image as mpimg

    mime, _ = Projector(tl, color="class")._repr_mimebundle_()
    img = mpimg.imread(io.BytesIO(mime["image/png"]), format="png")
    assert img.shape[1] > 2.4 * img.shape[0]  # three panels side by side
    assert tdata.shown_frames(5) == [0, 2, 4]


def test_snapshot_stores_every_frame_and_per_frame_neighbours(tl: Timeline) -> None:
    snap = snapshot(tl, color="class")
    assert repr(snap) == "Snapshot(300 points, timeline of 5 epochs (1..5), cosine k=5)"
    p = json.loads(json.dumps(snap._repr_mimebundle_()[MIME_TYPE]))  # as saved in a notebook
    t = p["timeline"]
    assert p["version"] == 1 and p["method"] == "timeline" and p["labels"][-1] == XSS
    assert t["epochs"] == [1, 2, 3, 4, 5] and t["frame"] == 4
    np.testing.assert_array_equal(decode(t["xy"]), tl.coords)
    np.testing.assert_array_equal(decode(p["xy"]), tl.coords[-1])  # readers of one layout
    assert t["metrics"]["columns"] == ["loss", "settling"]
    nb = t["neighbours"]
    idx, scores = decode(nb["indices"]), decode(nb["scores"])
    assert idx.dtype == np.uint16 and scores.dtype == np.float16
    assert idx.shape == scores.shape == (5, 300, 5) and nb["k"] == 5
    for f, epoch in enumerate(tl.epochs):
        want = tl.frame(int(epoch)).neighbours(XSS, k=5)
        assert [tl.labels[j] for j in idx[f, -1]] == want["label"].tolist()
        np.testing.assert_allclose(scores[f, -1], want["score"], atol=1e-3)
    assert [x["name"] for x in p["color"]["legend"]] == ["c0", "c1", "c2"]


def test_snapshot_size_per_1000_rows_per_epoch(glove: ek.Embeddings) -> None:
    """The documented size: (8 + 4k) bytes per row per epoch before base64."""
    small = snapshot(make_timeline(glove, n=1000, t=2))
    big = snapshot(make_timeline(glove, n=1000, t=6))
    per_epoch = (big.nbytes() - small.nbytes()) / 4  # bytes per epoch for 1,000 rows
    assert per_epoch == pytest.approx(1000 * timeline_bytes_per_row_epoch(5), rel=0.01)
    assert per_epoch / 1e3 == pytest.approx(37.3, abs=0.1)  # KB, as the docs say
    k10 = snapshot(make_timeline(glove, n=1000, t=6), k=10).nbytes()
    k10_small = snapshot(make_timeline(glove, n=1000, t=2), k=10).nbytes()
    assert (k10 - k10_small) / 4 / 1e3 == pytest.approx(64.0, abs=0.1)


def test_snapshot_of_a_projector_samples_and_refuses(tl: Timeline) -> None:
    snap = Projector(tl, color="class", metric="euclidean", k=3).to_static(max_points=100)
    p = snap.payload
    assert p["metric"] == "euclidean" and p["color"]["column"] == "class" and p["k"] == 3
    assert decode(p["timeline"]["xy"]).shape == (5, 100, 2)
    assert decode(p["timeline"]["neighbours"]["indices"]).max() < 100
    assert p["subsample"].startswith("showing 100 of 300 points")
    assert snapshot(tl, k=0).payload["timeline"]["neighbours"] is None

    class Untracked:  # a trainer fitted without track=
        timeline_ = None

        def fit(self) -> None: ...

        def get_params(self) -> dict:
            return {}

    with pytest.raises(ValueError, match="has no timeline to store: fit it with track="):
        snapshot(Untracked())


def test_snapshot_pngs_name_the_epochs(tl: Timeline) -> None:
    png = snapshot(tl).png()
    assert png[:4] == b"\x89PNG" and len(png) < 150_000


# ------------------------------------------------------------------ real trainers
@pytest.fixture(scope="module")
def docs() -> list[list[str]]:
    from gensim.test.utils import datapath
    from gensim.utils import simple_preprocess

    with open(datapath("lee_background.cor"), encoding="latin-1") as fh:
        return [simple_preprocess(line) for line in fh][:60]


def doc2vec(**kw):
    from embedkit.train.documents import Doc2Vec

    params = dict(vector_size=8, min_count=2, epochs=3, deterministic=True, track=True)
    params.update(kw)
    return Doc2Vec(**params)


def test_snapshot_of_a_trainer_stores_its_timeline(docs) -> None:
    d2v = doc2vec().fit(docs)
    snap = ek.snapshot(d2v)
    t = snap.payload["timeline"]
    assert t["epochs"] == [1, 2, 3] and t["xy"]["shape"] == [3, 60, 2]
    np.testing.assert_array_equal(decode(t["xy"]), d2v.timeline_.coords)
    assert "settling" in t["metrics"]["columns"]
    assert repr(snap) == "Snapshot(60 points, timeline of 3 epochs (1..3), cosine k=5)"
    assert repr(Projector(d2v.timeline_)).startswith("Projector(60 points, timeline of 3 epochs")
    with pytest.raises(ValueError, match="has no timeline to store: fit it with track="):
        ek.snapshot(doc2vec(track=None).fit(docs))


def test_dashboard_map_grows_while_training_and_stop_keeps_it(docs) -> None:
    from embedkit.widgets.dashboard import TrainingDashboard

    d2v = doc2vec(epochs=400)
    dash = TrainingDashboard(d2v, docs)
    live = dash.live_map
    assert live.projector is None and "track=True" in live.note.value
    assert live.box in dash.widget.children
    dash.start()
    try:  # never leave the background run going (it would train into later tests)
        end = time.monotonic() + 120
        while live.projector is None or len(live.projector._epochs) < 3:
            assert time.monotonic() < end, "the map did not follow the epochs"
            time.sleep(0.05)
        seen = len(live.projector._epochs)
        assert dash.running
    finally:
        dash.stop()
        dash.wait(120)
    assert dash.state == "stopped"
    frames = live.projector._epochs
    assert live.projector.epoch == frames[-1]  # the map shows the newest epoch
    assert seen <= len(frames) == dash.epoch < 400  # the frames so far, kept
    assert frames == d2v.timeline_.epochs.tolist() == list(range(1, dash.epoch + 1))
    np.testing.assert_array_equal(live.projector._frames, d2v.timeline_.coords)
    assert f"{dash.epoch} epochs" in live.note.value


def test_nbconvert_shows_the_small_multiples(tl: Timeline) -> None:
    import matplotlib.image as mpimg
    import nbconvert
    import nbformat

    bundle = snapshot(tl, color="class")._repr_mimebundle_()
    png = base64.b64encode(bundle["image/png"]).decode("ascii")
    out = nbformat.v4.new_output(
        "display_data",
        data={MIME_TYPE: bundle[MIME_TYPE], "image/png": png, "text/plain": bundle["text/plain"]},
    )
    cell = nbformat.v4.new_code_cell("ek.snapshot(tl)", outputs=[out], execution_count=1)
    nb = nbformat.v4.new_notebook(cells=[cell])
    nbformat.validate(nb)
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    assert f'src="data:image/png;base64,{png}"' in html
    assert XSS not in html  # the payload is not pasted into the page
    img = mpimg.imread(io.BytesIO(bundle["image/png"]), format="png")
    assert img.shape[1] > 2.4 * img.shape[0]  # first, middle and last epoch side by side
