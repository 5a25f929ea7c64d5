"""A training timeline played in real JupyterLab + Chromium: with a kernel (the Projector
widget) and without one (a saved ``ek.snapshot(timeline)`` drawn by the labextension).

The timeline holds 200 real GloVe rows (one with an HTML-looking label) over 6 epochs,
their vectors noisy at first and the noise shrinking to none at the last epoch, so the
neighbours of a row differ between epoch 1 and epoch 6. Its 2D positions are a 20 × 10
grid, shuffled at every epoch but the last (every point can be hovered and clicked at
every epoch, and every point moves between frames). Checks read what a user sees (DOM
text, positions read back from the view) or what the kernel prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

T = 6
CODE = """import numpy as np
import pandas as pd
import embedkit as ek
from embedkit.timeline import Timeline
XSS = "<img src=x onerror=alert(1)>"
glove = ek.datasets.glove()
labels = glove.labels[400:599] + [XSS]
base = glove.vectors[400:600]
rng = np.random.default_rng(0)
T = 6
noise = [rng.normal(size=base.shape) * 1.5 * base.std() * (1 - f / (T - 1)) for f in range(T)]
vectors = np.stack([base + e for e in noise]).astype("float32")
grid = np.c_[np.arange(200) % 20, np.arange(200) // 20].astype("float32")
coords = np.stack([grid[rng.permutation(200)] for _ in range(T - 1)] + [grid])
metrics = pd.DataFrame({"epoch": range(1, T + 1), "loss": [3.0, 2.0, 1.5, 1.2, 1.0, 0.9],
                        "settling": [np.nan, 0.3, 0.5, 0.7, 0.8, 0.9]})
tl = Timeline(labels, epochs=range(1, T + 1), vectors=vectors, coords=coords, metrics=metrics,
              metadata=pd.DataFrame({"half": ["a", "b"] * 100}))"""
DASHBOARD = """from gensim.test.utils import datapath
from gensim.utils import simple_preprocess
from embedkit.train.documents import Doc2Vec
with open(datapath("lee_background.cor"), encoding="latin-1") as fh:
    docs = [simple_preprocess(line) for line in fh]
d2v = Doc2Vec(vector_size=32, min_count=2, epochs=20, deterministic=True, track=True)
dash = d2v.dashboard(docs)
dash.start()
dash"""
CELLS = [CODE, "p = ek.Projector(tl, k=5, frame_ms=250)\np", "pass  # tests type code here"]
XSS = "<img src=x onerror=alert(1)>"
ROOT = ".embedkit-projector"
VIEW = "document.querySelectorAll('.embedkit-projector')[0].__embedkitView"


@pytest.fixture(scope="module")
def tl() -> Any:
    space: dict[str, Any] = {}
    exec(CODE, space)  # the same data as the notebook's
    return space["tl"]


def expected_neighbours(tl: Any, i: int, frame: int) -> list[str]:
    from embedkit.widgets._timeline_data import frame_neighbours

    idx, _ = frame_neighbours(tl.vectors[frame], 5, "cosine", rows=[i])
    return [tl.labels[j] for j in idx[0]]


def point(page: Any, i: int) -> tuple[float, float]:
    proj = page.locator(ROOT).first
    proj.scroll_into_view_if_needed()
    x, y = page.evaluate(f"i => {VIEW}.screenPosition(i)", i)
    box = proj.locator("canvas").first.bounding_box()
    return box["x"] + x, box["y"] + y


def positions(page: Any) -> np.ndarray:
    """Every point's screen position, read back from the view."""
    return np.array(
        page.evaluate(f"() => Array.from({{length: 200}}, (_, i) => {VIEW}.screenPosition(i))")
    )


def show_frame(page: Any, f: int) -> None:
    """Move the slider to frame ``f`` as a user would, and wait until it is drawn."""
    page.locator(f"{ROOT} .ek-slider").fill(str(f))
    page.locator(f"{ROOT}[data-frame='{f}']").wait_for(timeout=20_000)


def assert_positions_follow(page: Any, tl: Any, f: int) -> None:
    """The drawn points are the frame's coordinates (screen y points down)."""
    xy = positions(page)
    assert np.corrcoef(xy[:, 0], tl.coords[f][:, 0])[0, 1] > 0.999
    assert np.corrcoef(xy[:, 1], tl.coords[f][:, 1])[0, 1] < -0.999
    # the labels on the map sit at their points of this frame (drawn right of the point)
    page.wait_for_function(
        f"""() => {{
          const v = {VIEW}, drawn = v.labelsDrawn();
          return drawn.length > 0 && drawn.every((d) => {{
            const p = v.screenPosition(d.i);
            const dx = d.box[0] - 4 - p[0], dy = d.box[1] + d.box[3] / 2 - p[1];
            return Math.abs(dx) < 1 && Math.abs(dy) < 1;
          }});
        }}""",
        timeout=10_000,
    )


def record_frames(page: Any) -> None:
    """Record every frame the view marks as drawn, in ``window.__frames``."""
    page.evaluate(
        """() => {
        const root = document.querySelector('.embedkit-projector');
        window.__frames = [];
        new MutationObserver(() => window.__frames.push(Number(root.dataset.frame)))
            .observe(root, {attributes: true, attributeFilter: ['data-frame']});
    }"""
    )


def play_to_the_end(page: Any) -> list[int]:
    record_frames(page)
    page.locator(f"{ROOT} .ek-play").click()
    page.locator(f"{ROOT}[data-playing='1']").wait_for(timeout=10_000)
    page.locator(f"{ROOT}[data-playing='0'][data-frame='{T - 1}']").wait_for(timeout=30_000)
    return list(page.evaluate("() => window.__frames"))


def check_neighbours_follow_the_epoch(page: Any, tl: Any, ui: Any) -> None:
    """A click at the last epoch, then the slider at epoch 1, then a click there."""
    proj = page.locator(ROOT).first
    rows = proj.locator(".ek-nbr .ek-label")
    head = proj.locator(".ek-nbr-head")
    show_frame(page, T - 1)
    ui.click_point(page, point, 17, tl.labels[17], rows, 5, proj)
    last = expected_neighbours(tl, 17, T - 1)
    assert rows.all_inner_texts() == last
    assert head.inner_text().endswith(f"epoch {T}")
    show_frame(page, 0)  # the listed neighbours follow the shown epoch
    first = expected_neighbours(tl, 17, 0)
    assert first != last
    head.filter(has_text="epoch 1").wait_for(timeout=20_000)
    assert rows.all_inner_texts() == first
    page.mouse.move(*point(page, 60))
    proj.locator(".ek-tooltip .ek-label").get_by_text(tl.labels[60], exact=True).wait_for(
        timeout=10_000
    )
    page.mouse.click(*point(page, 60))
    head.filter(has_text=tl.labels[60]).wait_for(timeout=20_000)
    assert head.inner_text().endswith("epoch 1")
    assert rows.all_inner_texts() == expected_neighbours(tl, 60, 0)
    assert expected_neighbours(tl, 60, 0) != expected_neighbours(tl, 60, T - 1)


def run_expect(page: Any, ui: Any, code: str, expect: str) -> str:
    """Run ``code`` in the free cell and wait until its output shows ``expect`` (on a
    loaded machine the status bar can read Idle before the cell has started)."""
    out = ui.run_code(page, 2, code)
    if expect not in out:
        output = page.locator(".jp-Cell").nth(2).locator(".jp-OutputArea")
        output.get_by_text(expect).first.wait_for(timeout=60_000)
        out = output.inner_text()
    return out


def assert_no_errors(page: Any) -> None:
    assert page.errors == [], page.errors
    assert page.dialogs == [], page.dialogs
    bad = [
        m
        for m in page.console_messages
        if "Cannot transition" in m or (m.startswith("error") and "embedkit" in m.lower())
    ]
    assert bad == [], bad
    assert page.locator("img[src='x']").count() == 0


# ------------------------------------------------------------------ with a kernel
@pytest.fixture(scope="module")
def page(lab: Any, browser: Any, ui: Any) -> Iterator[Any]:
    ui.write_notebook(lab.root / "timeline.ipynb", CELLS)
    pg = ui.open_notebook(browser, lab, "timeline.ipynb")
    ui.run_all(pg)
    pg.locator(f"{ROOT}[data-drawn='1']").wait_for(timeout=60_000)
    yield pg
    ui.screenshot(pg, "timeline-widget")
    pg.close()


def test_widget_opens_at_the_last_epoch_with_its_metrics(page: Any, tl: Any) -> None:
    proj = page.locator(ROOT).first
    assert proj.get_attribute("data-frame") == str(T - 1)
    assert proj.locator(".ek-epoch").inner_text() == f"epoch {T} / {T}"
    assert proj.locator(".ek-metrics").inner_text() == "loss 0.9 · settling 0.9"
    assert_positions_follow(page, tl, T - 1)


def test_slider_moves_the_points_and_sets_python_epoch(page: Any, tl: Any, ui: Any) -> None:
    show_frame(page, T - 1)
    before = positions(page)
    show_frame(page, 0)
    after = positions(page)
    moved = np.linalg.norm(after - before, axis=1) > 2
    assert moved.mean() > 0.9, f"only {moved.sum()} of 200 points moved"
    assert_positions_follow(page, tl, 0)
    assert page.locator(f"{ROOT} .ek-epoch").inner_text() == f"epoch 1 / {T}"
    assert page.locator(f"{ROOT} .ek-metrics").inner_text() == "loss 3"  # settling n/a
    run_expect(page, ui, 'print("EPOCH", p.epoch)', "EPOCH 1")


def test_python_sets_the_epoch(page: Any, tl: Any, ui: Any) -> None:
    run_expect(page, ui, "p.epoch = 4\nprint('SET')", "SET")
    page.locator(f"{ROOT}[data-frame='3']").wait_for(timeout=20_000)
    assert page.locator(f"{ROOT} .ek-epoch").inner_text() == f"epoch 4 / {T}"
    assert_positions_follow(page, tl, 3)


def test_play_reaches_the_last_epoch(page: Any, ui: Any) -> None:
    show_frame(page, 1)
    frames = play_to_the_end(page)
    assert frames == sorted(frames) and frames[-1] == T - 1 and {2, 3, 4} <= set(frames)
    run_expect(page, ui, 'print("EPOCH", p.epoch)', "EPOCH 6")


def test_click_lists_neighbours_at_the_shown_epoch(page: Any, tl: Any, ui: Any) -> None:
    check_neighbours_follow_the_epoch(page, tl, ui)
    assert_no_errors(page)


def test_dashboard_map_follows_a_background_run(page: Any, ui: Any) -> None:
    """A dashboard trains in its thread (the cell is free); its map gains each epoch."""
    ui.run_code(page, 2, DASHBOARD)
    live = page.locator(".jp-Cell").nth(2).locator(ROOT)
    live.wait_for(timeout=60_000)
    seen: set[str] = set()
    for _ in range(600):
        text = live.locator(".ek-epoch").text_content() or ""
        seen.add(text)
        if text == "epoch 20 / 20":
            break
        page.wait_for_timeout(100)
    assert "epoch 20 / 20" in seen
    assert len(seen) >= 3, f"the map showed only {sorted(seen)} while training"  # live
    page.locator(".jp-Cell").nth(2).locator(f"{ROOT}[data-frame='19']").wait_for(timeout=30_000)
    live.scroll_into_view_if_needed()
    ui.screenshot(page, "timeline-dashboard")
    code = "dash.wait(60)\nprint(dash.state, dash.live_map.projector._epochs[-1])"
    run_expect(page, ui, code, "finished 20")
    assert_no_errors(page)


# ------------------------------------------------------------------ without a kernel
@pytest.fixture(scope="module")
def saved(nokernel_lab: Any, browser: Any, ui: Any, tl: Any) -> Iterator[Any]:
    import embedkit as ek

    snap = ek.snapshot(tl, color="half")
    output = ui.display_output(snap._repr_mimebundle_())
    ui.write_output_notebook(nokernel_lab.root / "timeline.ipynb", [("ek.snapshot(tl)", [output])])
    pg = ui.open_page(browser, nokernel_lab, "timeline.ipynb")
    pg.wait_for_selector(".jp-Notebook", timeout=60_000)
    ui.no_kernel(pg)
    pg.locator(f"{ROOT}[data-drawn='1']").wait_for(timeout=60_000)
    yield pg
    ui.screenshot(pg, "timeline-snapshot")
    pg.close()


def test_snapshot_plays_without_a_kernel(saved: Any, tl: Any) -> None:
    status = saved.locator("#jp-main-statusbar").inner_text()
    assert "Idle" not in status and "Busy" not in status  # no kernel behind this page
    assert saved.locator(".jp-OutputArea-output img").count() == 0  # the renderer won
    assert saved.locator(f"{ROOT} .ek-epoch").inner_text() == f"epoch {T} / {T}"
    assert_positions_follow(saved, tl, T - 1)
    show_frame(saved, 0)
    assert_positions_follow(saved, tl, 0)
    assert saved.locator(f"{ROOT} .ek-metrics").inner_text() == "loss 3"
    frames = play_to_the_end(saved)
    assert frames == list(range(1, T)), frames


def test_snapshot_lists_the_stored_neighbours_of_the_shown_epoch(
    saved: Any, tl: Any, ui: Any
) -> None:
    check_neighbours_follow_the_epoch(saved, tl, ui)


def test_snapshot_html_label_is_text(saved: Any) -> None:
    saved.mouse.move(*point(saved, 199))
    label = saved.locator(f"{ROOT} .ek-tooltip .ek-label")
    label.get_by_text(XSS, exact=True).wait_for(timeout=10_000)
    assert label.inner_text() == XSS
    assert saved.locator(f"{ROOT} .ek-tooltip .ek-field").all_inner_texts() == ["half: b"]
    saved.wait_for_timeout(300)
    assert_no_errors(saved)


def test_snapshot_search_marks_stay_across_epochs(saved: Any, tl: Any) -> None:
    want = sum("an" in label for label in tl.labels)
    show_frame(saved, 0)
    saved.mouse.move(5, 5)
    saved.locator(f"{ROOT} .ek-search").fill("an")
    saved.locator(f"{ROOT} .ek-count").get_by_text(f"{want} matches").wait_for(timeout=10_000)
    assert len(saved.evaluate(f"() => {VIEW}.selection()")) == want
    show_frame(saved, T - 1)
    assert len(saved.evaluate(f"() => {VIEW}.selection()")) == want  # still marked
    saved.locator(f"{ROOT} .ek-search").fill("")
    assert_no_errors(saved)
