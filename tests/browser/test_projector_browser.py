"""The Projector in real JupyterLab and Chromium: drawing, hover, search, click, lasso, XSS.

The notebook lays 300 labelled points on a 20 × 15 grid (so every point can be hovered
without overlap) over 16-dimensional clustered vectors; neighbours therefore come from the
original space, not from the grid. Every check reads what a user sees (DOM text, canvas
pixels) or what the kernel prints.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS = "<img src=x onerror=alert(1)>"
NOTEBOOK = "projector.ipynb"
CELLS = [
    """import json
import numpy as np
import embedkit as ek
from embedkit.widgets.projector import Projector
rng = np.random.default_rng(0)
XSS = "<img src=x onerror=alert(1)>"
labels = [f"w{i:03d}" for i in range(299)] + [XSS]
groups = np.arange(300) % 4
vectors = rng.normal(size=(4, 16))[groups] + 0.6 * rng.normal(size=(300, 16))
meta = {"group": [f"g{g}" for g in groups], "rank": np.arange(300)}
emb = ek.Embeddings(labels, vectors, metadata=meta)
coords = np.c_[np.arange(300) % 20, np.arange(300) // 20].astype("float32")""",
    """p = Projector(emb, method=coords, color="group", k=5)
p""",
    """print("NEIGHBOURS", json.dumps(emb.neighbours("w047", k=5)["label"].tolist()))""",
    """print("SELECTED", json.dumps(p.selected))""",
    """from sklearn.datasets import load_digits
digits = load_digits()
images = (digits.images[:100] * 255 / 16).astype("uint8")
demb = ek.Embeddings([f"digit{i}" for i in range(100)], digits.data[:100], images=images,
                     metadata={"target": digits.target[:100]})
Projector(demb, method=np.c_[np.arange(100) % 10, np.arange(100) // 10], color="target")""",
    """import ipywidgets
from embedkit.widgets.projector import link
a = Projector(emb[:100], method=coords[:100], height=300)
b = Projector(emb[50:150], method=coords[50:150], height=300)
link(a, b)
ipywidgets.HBox([a, b])""",
    """a.select(["w060", "w070", "w010"])""",
    "pass  # the last test types its code here",
]


@pytest.fixture(scope="module")
def page(lab: Any, browser: Any, ui: Any) -> Iterator[Any]:
    ui.write_notebook(lab.root / NOTEBOOK, CELLS)
    pg = ui.open_notebook(browser, lab, NOTEBOOK)
    ui.run_all(pg)
    for n in (0, 1, 2, 3):
        proj(pg, n).and_(pg.locator("[data-drawn='1']")).wait_for(timeout=60_000)
    yield pg
    ui.screenshot(pg, "projector-final")
    pg.close()


def proj(page: Any, n: int = 0) -> Any:
    """The n-th projector on the page (0: the labelled points, 1: the digits)."""
    return page.locator(".embedkit-projector").nth(n)


VIEW = "document.querySelectorAll('.embedkit-projector')[{n}].__embedkitView"


def point(page: Any, i: int, n: int = 0) -> tuple[float, float]:
    """Page coordinates of point ``i`` (asked from the view, then offset by the canvas)."""
    proj(page, n).scroll_into_view_if_needed()
    x, y = page.evaluate(f"i => {VIEW.format(n=n)}.screenPosition(i)", i)
    box = proj(page, n).locator("canvas").first.bounding_box()
    return box["x"] + x, box["y"] + y


def canvas_pixels(page: Any) -> np.ndarray:
    import matplotlib.image as mpimg

    png = proj(page).locator("canvas").first.screenshot()
    return mpimg.imread(io.BytesIO(png), format="png")[:, :, :3]


def selection(page: Any) -> list[int]:
    return sorted(page.evaluate(f"() => {VIEW.format(n=0)}.selection()"))


def test_canvas_draws_points(page: Any, ui: Any) -> None:
    img = canvas_pixels(page)
    drawn = img.min(axis=2) < 0.9  # background is white
    assert drawn.sum() > 300 * 10, f"only {drawn.sum()} non-background pixels"
    # the four groups have four palette colours
    colours = {tuple(c) for c in np.round(img[drawn] * 8).astype(int)}
    assert len(colours) >= 4
    ui.screenshot(page, "projector-drawn")


def test_hover_shows_label_and_metadata(page: Any) -> None:
    page.mouse.move(*point(page, 47))
    tip = proj(page).locator(".ek-tooltip")
    tip.locator(".ek-label").get_by_text("w047", exact=True).wait_for(timeout=10_000)
    fields = tip.locator(".ek-field").all_inner_texts()
    assert fields == ["group: g3", "rank: 47"]


def test_xss_label_is_text_and_no_dialog(page: Any, ui: Any) -> None:
    page.mouse.move(*point(page, 299))
    label = proj(page).locator(".ek-tooltip .ek-label")
    label.get_by_text(XSS, exact=True).wait_for(timeout=10_000)
    assert label.inner_text() == XSS
    assert proj(page).locator("img").count() == 0
    assert page.locator("img[src='x']").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []
    ui.screenshot(page, "projector-xss-hover")


def test_search_highlights_and_counts(page: Any, ui: Any) -> None:
    page.mouse.move(5, 5)
    before = canvas_pixels(page)
    box = proj(page).locator(".ek-search")
    box.fill("w01")
    count = proj(page).locator(".ek-count")
    count.get_by_text("10 matches").wait_for(timeout=10_000)
    assert selection(page) == list(range(10, 20))
    shown = proj(page).locator(".ek-match").all_inner_texts()
    assert shown == [f"w01{d}" for d in range(10)]
    page.wait_for_timeout(200)
    changed = np.abs(canvas_pixels(page) - before).sum(axis=2) > 0.3
    assert changed.sum() > 50, "highlighting did not change the picture"
    ui.screenshot(page, "projector-search")
    proj(page).locator(".ek-regex input").check()
    box.fill(r"^w2\d5$")
    expected = [205 + 10 * j for j in range(10)]  # w205 .. w295
    page.wait_for_function(
        "n => document.querySelector('.embedkit-projector .ek-match')?.textContent === n",
        arg="w205",
        timeout=10_000,
    )
    assert count.inner_text() == "10 matches"
    assert selection(page) == expected
    box.fill("")
    proj(page).locator(".ek-regex input").uncheck()
    # the cleared search resets the highlight when Python answers: let it land here,
    # not in the middle of the next test
    page.wait_for_function(f"() => {VIEW.format(n=0)}.selection().length === 0", timeout=10_000)


def test_click_lists_the_neighbours_python_computes(page: Any, ui: Any) -> None:
    out = page.locator(".jp-Notebook .jp-Cell").nth(2).locator(".jp-OutputArea").inner_text()
    expected = json.loads(out.split("NEIGHBOURS", 1)[1])
    rows = proj(page).locator(".ek-nbr .ek-label")
    ui.click_point(page, point, 47, "w047", rows, 5, proj(page))
    assert rows.all_inner_texts() == expected
    head = proj(page).locator(".ek-nbr-head").inner_text()
    assert "w047" in head and "cosine" in head and "k=5" in head
    scores = [float(s) for s in proj(page).locator(".ek-nbr .ek-score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    want = sorted([47, *(int(x[1:]) for x in expected)])
    for _ in range(50):  # the highlight follows the list within a frame or two
        if selection(page) == want:
            break
        page.wait_for_timeout(100)
    assert selection(page) == want
    ui.screenshot(page, "projector-neighbours")


def test_lasso_selection_reaches_the_kernel(page: Any, ui: Any) -> None:
    corners = [point(page, i) for i in (0, 19, 20, 39)]  # grid rows 0 and 1
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    pad = (xs[1] - xs[0]) / 19 / 2  # half the grid spacing
    left, right, top, bottom = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    proj(page).locator(".ek-lasso").click()
    page.mouse.move(left, top)
    page.mouse.down()
    for x, y in [(right, top), (right, bottom), (left, bottom), (left, top + 1)]:
        page.mouse.move(x, y, steps=3)  # each move costs a SwiftShader frame
    page.mouse.up()
    proj(page).locator(".ek-count").get_by_text("40 selected").wait_for(timeout=10_000)
    ui.screenshot(page, "projector-lasso")
    out = ui.run_cell(page, 3)
    selected = json.loads(out.split("SELECTED", 1)[1])
    assert sorted(selected) == [f"w{i:03d}" for i in range(40)]
    proj(page).locator(".ek-lasso").click()  # back to pan and zoom


def test_legend_names_the_groups(page: Any) -> None:
    assert proj(page).locator(".ek-legend h4").inner_text() == "group"
    assert proj(page).locator(".ek-legend-name").all_inner_texts() == ["g0", "g1", "g2", "g3"]


def test_labels_on_the_map_and_legend_click(page: Any) -> None:
    drawn = page.evaluate(f"() => {VIEW.format(n=0)}.labelsDrawn()")
    rows = [d["i"] for d in drawn]
    # row order, the first rows first; w001 would overlap w000 on the grid, so it waits
    assert rows[:3] == [0, 2, 4] and rows == sorted(rows)
    assert [d["text"] for d in drawn[:2]] == ["w000", "w002"]
    assert proj(page).get_attribute("data-labels") == str(len(drawn))
    proj(page).locator(".ek-legend-item").nth(1).click()  # g1: the rows 1, 5, 9, ...
    proj(page).locator(".ek-count").get_by_text("75 in g1").wait_for(timeout=10_000)
    assert selection(page) == list(range(1, 300, 4))
    proj(page).locator(".ek-legend-item").nth(1).click()  # again: cleared
    page.wait_for_function(f"() => {VIEW.format(n=0)}.selection().length === 0", timeout=10_000)


def test_image_embeddings_show_a_thumbnail_on_hover(page: Any, ui: Any) -> None:
    page.mouse.move(*point(page, 5, n=1))
    tip = proj(page, 1).locator(".ek-tooltip")
    tip.locator(".ek-label").get_by_text("digit5", exact=True).wait_for(timeout=10_000)
    assert tip.locator(".ek-field").all_inner_texts() == ["target: 5"]
    img = tip.locator("img")
    img.wait_for(timeout=5_000)
    assert img.get_attribute("src").startswith("data:image/png;base64,")
    page.wait_for_function(
        "el => el.complete && el.naturalWidth === 8", arg=img.element_handle(), timeout=5_000
    )
    names = proj(page, 1).locator(".ek-legend-name").all_inner_texts()
    assert names == [str(d) for d in range(10)]
    ui.screenshot(page, "projector-thumbnail")


def test_linked_projectors_side_by_side(page: Any, ui: Any) -> None:
    a, b = proj(page, 2), proj(page, 3)
    box_a, box_b = a.bounding_box(), b.bounding_box()
    assert box_a["width"] >= 360 and box_b["width"] >= 360
    assert box_b["x"] >= box_a["x"] + box_a["width"] - 1  # side by side
    ui.run_cell(page, 6)
    b.locator(".ek-count").get_by_text("2 selected").wait_for(timeout=10_000)
    assert sorted(page.evaluate(f"() => {VIEW.format(n=3)}.selection()")) == [10, 20]
    assert a.locator(".ek-count").inner_text() == "3 selected"
    ui.screenshot(page, "projector-linked")


def test_python_recolours_and_moves_the_points(page: Any, ui: Any) -> None:
    before = canvas_pixels(page)
    bx, by = point(page, 47)  # grid (7, 2)
    ui.run_code(page, 7, 'p.set_color("rank")\np.set_layout(coords[:, ::-1])')
    legend = proj(page).locator(".ek-legend")
    legend.locator(".ek-ramp").wait_for(timeout=10_000)
    assert legend.locator("h4").inner_text() == "rank"
    assert legend.locator(".ek-ramp-ends span").all_inner_texts() == ["0", "299"]
    page.wait_for_timeout(300)
    assert (np.abs(canvas_pixels(page) - before).sum(axis=2) > 0.3).sum() > 300
    x47, y47 = point(page, 47)  # now (2, 7): further left and higher up (screen y grows down)
    assert x47 < bx - 20 and y47 < by - 20
    page.mouse.move(x47, y47)
    tip = proj(page).locator(".ek-tooltip .ek-label")
    tip.get_by_text("w047", exact=True).wait_for(timeout=10_000)
    assert "points · coordinates" in proj(page).locator(".ek-status").inner_text()
    ui.screenshot(page, "projector-recoloured")
