"""Typed sentences and the projector's own tab, in real JupyterLab and Chromium.

The notebook's embeddings know a small bag-of-words encoder (fast and exact, so the view's
answer can be compared with ``emb.neighbours`` printed by the kernel). The layout is PCA,
so a typed sentence is placed by the PCA projection: typing a row's own text must put the
marker on that row's point.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "sentences.ipynb"
CELLS = [
    """import json
import numpy as np
import embedkit as ek
WORDS = "river flood water rain fire smoke heat ash bank money market stock".split()
def bag(texts):
    out = np.full((len(texts), len(WORDS)), 0.01, np.float32)
    for r, text in enumerate(texts):
        for w in text.lower().split():
            if w in WORDS:
                out[r, WORDS.index(w)] += 1
    return out
rng = np.random.default_rng(0)
texts = [" ".join(rng.choice(WORDS[4 * (i % 3): 4 * (i % 3) + 4], 3)) for i in range(60)]
emb = ek.Embeddings([f"d{i:02d}" for i in range(60)], bag(texts), metadata={"text": texts},
                    encoder=bag)
p = ek.Projector(emb, k=5)
p""",
    """print("NEAR", json.dumps(emb.neighbours("river flood", k=5)["label"].tolist()))
print("TEXT7", json.dumps(texts[7]))""",
    "pass  # the tests type their code here",
]


@pytest.fixture(scope="module")
def page(lab: Any, browser: Any, ui: Any) -> Iterator[Any]:
    ui.write_notebook(lab.root / NOTEBOOK, CELLS)
    pg = ui.open_notebook(browser, lab, NOTEBOOK)
    ui.run_all(pg)
    pg.locator(".jp-Notebook .embedkit-projector[data-drawn='1']").wait_for(timeout=60_000)
    yield pg
    ui.screenshot(pg, "sentence-tab-final")
    pg.close()


def printed(page: Any, key: str) -> Any:
    text = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea").inner_text()
    line = next(x for x in text.splitlines() if x.startswith(key + " "))
    return json.loads(line[len(key) + 1 :])


def test_typed_sentence_lists_kernel_neighbours_and_marks_its_place(page: Any, ui: Any) -> None:
    view = page.locator(".jp-Notebook .embedkit-projector").first
    view.locator(".ek-mode-sentence").click()
    assert view.get_attribute("data-search-mode") == "sentence"
    box = view.locator(".ek-search")
    box.fill("river flood")
    box.press("Enter")
    view.and_(page.locator("[data-sentence='shown']")).wait_for(timeout=30_000)
    labels = view.locator(".ek-nbr .ek-label").all_inner_texts()
    assert labels == printed(page, "NEAR")
    head = view.locator(".ek-nbr-head").inner_text()
    assert head.startswith("Nearest to the sentence river flood") and "cosine, k=5" in head
    assert "PCA projection" in view.locator(".ek-place-rule").inner_text()
    assert view.locator(".ek-query-marker .ek-query-text").inner_text() == "river flood"
    # a row's own text is placed on that row's point (PCA: the same projection)
    box.fill(printed(page, "TEXT7"))
    box.press("Enter")
    view.locator(".ek-query-text").get_by_text(printed(page, "TEXT7"), exact=True).wait_for()
    at = [float(v) for v in view.get_attribute("data-sentence-at").split(",")]
    js = "el => el.__embedkitView.screenPosition(7)"
    x, y = view.evaluate(js)
    assert abs(at[0] - x) < 1.5 and abs(at[1] - y) < 1.5
    # Labels mode: no label matches, so the text is offered as a sentence
    view.locator(".ek-mode-labels").click()
    box.fill("smoke over the bank")
    offer = view.locator(".ek-count .ek-as-sentence")
    offer.wait_for(timeout=10_000)
    offer.click()
    view.locator(".ek-query-text").get_by_text("smoke over the bank").wait_for(timeout=30_000)
    assert view.get_attribute("data-search-mode") == "sentence"
    ui.screenshot(page, "sentence-search")


def test_tab_opens_full_size_and_clicks_reach_the_kernel(page: Any, ui: Any) -> None:
    inline = page.locator(".jp-Notebook .embedkit-projector").first
    inline.locator(".ek-tab-button").click()
    tab = page.locator(".ek-tab-panel .embedkit-projector")
    tab.and_(page.locator("[data-drawn='1']")).wait_for(timeout=60_000)
    inline.locator(".ek-tab-placeholder").wait_for(state="visible", timeout=10_000)
    panel = page.locator(".ek-tab-panel").bounding_box()
    wrap = tab.locator(".ek-canvas-wrap").bounding_box()
    assert panel["height"] > 700 and wrap["height"] > panel["height"] - 120  # fills the tab
    canvas = tab.locator("canvas").first.bounding_box()
    assert abs(canvas["height"] - wrap["height"]) < 2 and canvas["width"] > 250

    def point(pg: Any, i: int) -> tuple[float, float]:
        x, y = tab.evaluate("(el, i) => el.__embedkitView.screenPosition(i)", i)
        return canvas["x"] + x, canvas["y"] + y

    rows = tab.locator(".ek-nbr .ek-label")
    ui.click_point(page, point, 12, "d12", rows, 5, tab)
    assert tab.locator(".ek-nbr-head").inner_text().startswith("Neighbours of d12")
    out = ui.run_code(page, 2, 'print("IN_TAB", p.in_tab); p.close_tab()')
    assert "IN_TAB True" in out
    page.locator(".ek-tab-panel").wait_for(state="detached", timeout=10_000)
    inline.locator(".ek-tab-placeholder").wait_for(state="hidden", timeout=10_000)
    ui.run_code(page, 2, "p.open_tab()")  # from Python, the same tab again
    tab.and_(page.locator("[data-drawn='1']")).wait_for(timeout=60_000)
    ui.screenshot(page, "projector-tab")
    page.locator(".ek-tab-panel .ek-tab-button").click()  # "↩ Notebook"
    page.locator(".ek-tab-panel").wait_for(state="detached", timeout=10_000)
    assert ui.run_code(page, 2, "print(p.in_tab)").strip() == "False"
    assert page.errors == []
