"""explore() and compare() in real JupyterLab and Chromium: the neighbour and analogy
widgets answer what Python computes, labels render as text, the projector and the
explorers are linked, and the comparison shows two drawn projectors and its table.

The notebook uses the 2,000 most frequent GloVe words plus an HTML-looking label placed
right next to "king", so that it appears among king's neighbours.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS = "<img src=x onerror=alert(1)>"
NOTEBOOK = "explore.ipynb"
CELLS = [
    """import json
import numpy as np
import embedkit as ek
glove = ek.datasets.glove()
words = glove[:2000]
XSS = "<img src=x onerror=alert(1)>"
emb = ek.Embeddings(words.labels + [XSS], np.vstack([words.vectors, 1.01 * glove["king"]]))""",
    """ex = ek.explore(emb, k=5)
ex""",
    """print("EXPECTED", json.dumps({
    "paris": emb.neighbours("paris", k=5)["label"].tolist(),
    "king": emb.neighbours("king", k=5)["label"].tolist(),
    "analogy": emb.analogy("man", "king", "woman", k=10)["label"].tolist(),
}))""",
    """print("STATE", json.dumps([ex.neighbours.box.value, ex.neighbours.last_query]))""",
    """a = emb[emb.labels[:400] + [XSS]]
vecs = a.to_numpy()
vecs[[100, 200]] = vecs[[200, 100]]  # two words swap places: their neighbourhoods change
cmp = ek.compare(a, ek.Embeddings(a.labels, vecs), k=5, names=("A", "B <i>x</i>"))
cmp""",
    """print("TOP", json.dumps(cmp.overlap["label"].head(2).tolist()))""",
]


@pytest.fixture(scope="module")
def page(lab: Any, browser: Any, ui: Any) -> Iterator[Any]:
    ui.write_notebook(lab.root / NOTEBOOK, CELLS)
    pg = ui.open_notebook(browser, lab, NOTEBOOK)
    ui.run_all(pg)
    pg.locator(".embedkit-projector[data-drawn='1']").first.wait_for(timeout=60_000)
    yield pg
    ui.screenshot(pg, "explore-final")
    pg.close()


def expected(page: Any) -> dict[str, list[str]]:
    out = page.locator(".jp-Notebook .jp-Cell").nth(2).locator(".jp-OutputArea").inner_text()
    return json.loads(out.split("EXPECTED", 1)[1])


def results(page: Any, n: int) -> Any:
    """The results table of the neighbours (0) or the analogies (1) tab."""
    caption = "nearest to" if n == 0 else "≈ ?"
    return page.locator(".embedkit-results").filter(has_text=caption)


def result_labels(page: Any, n: int) -> list[str]:
    return results(page, n).locator("tr td:nth-child(2)").all_inner_texts()


def test_typing_a_word_lists_its_neighbours(page: Any, ui: Any) -> None:
    box = page.get_by_placeholder("a word")
    box.fill("par")  # completion offers known words with this prefix (a few, not 2,000)
    options = page.locator("datalist option")
    options.first.wait_for(state="attached", timeout=30_000)
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert values and len(values) <= 20 and all(v.startswith("par") for v in values)
    box.fill("paris")
    want = expected(page)["paris"]
    page.wait_for_function(
        "w => [...document.querySelectorAll('.embedkit-results td:nth-child(2)')]"
        ".map(e => e.textContent).join('|') === w",
        arg="|".join(want),
        timeout=30_000,
    )
    assert result_labels(page, 0) == want
    assert results(page, 0).get_by_text("nearest to paris (cosine)").count() == 1
    ui.screenshot(page, "explore-neighbours")


def test_html_label_is_shown_as_text(page: Any, ui: Any) -> None:
    page.get_by_placeholder("a word").fill("king")
    want = expected(page)["king"]
    assert want[0] == XSS
    results(page, 0).get_by_text(XSS, exact=True).wait_for(timeout=30_000)
    assert result_labels(page, 0) == want
    assert page.locator(".embedkit-results img").count() == 0
    assert page.locator("img[src='x']").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []
    ui.screenshot(page, "explore-xss")


def test_unknown_word_shows_close_matches(page: Any) -> None:
    page.get_by_placeholder("a word").fill("parisz")
    msg = page.locator(".embedkit-message")
    msg.wait_for(timeout=30_000)
    assert "'parisz' is not in the embeddings." in msg.inner_text()
    assert "Did you mean" in msg.inner_text() and "paris" in msg.inner_text()


def test_arithmetic_box_answers(page: Any, ui: Any) -> None:
    page.locator(".lm-TabBar-tab").get_by_text("analogies").click()
    expr = page.get_by_placeholder("king - man + woman")
    expr.fill("king - man + woman")
    expr.press("Enter")
    results(page, 1).locator("tr").first.wait_for(state="attached", timeout=30_000)
    got = result_labels(page, 1)
    assert got == expected(page)["analogy"]
    # the copy of king under an HTML label is not an input, so it ranks first, as text
    assert got[0] == XSS and not {"king", "man", "woman"} & set(got)
    ui.screenshot(page, "explore-analogy")


def test_clicking_a_point_fills_the_neighbour_box(page: Any, ui: Any) -> None:
    page.locator(".lm-TabBar-tab").get_by_text("neighbours").click()
    view = "document.querySelector('.embedkit-projector').__embedkitView"
    projector = page.locator(".embedkit-projector").first
    projector.scroll_into_view_if_needed()
    i = 700  # any point; ask the view where it is drawn
    x, y = page.evaluate(f"i => {view}.screenPosition(i)", i)
    box = projector.locator("canvas").first.bounding_box()
    # hover first: the view learns the pointer position on its next frame
    page.mouse.move(box["x"] + x, box["y"] + y)
    projector.locator(".ek-tooltip .ek-label").wait_for(timeout=10_000)
    page.mouse.click(box["x"] + x, box["y"] + y)
    label_box = page.get_by_placeholder("a word")
    page.wait_for_function(
        "() => document.querySelector('input[placeholder=\"a word\"]').value !== 'parisz'",
        timeout=30_000,
    )
    clicked = label_box.input_value()
    state = ui.run_cell(page, 3)
    box_value, last = json.loads(state.split("STATE", 1)[1])
    assert box_value == clicked == last
    assert result_labels(page, 0)  # its neighbours are listed
    ui.screenshot(page, "explore-click")


def test_compare_shows_two_projectors_and_the_table(page: Any, ui: Any) -> None:
    for n in (1, 2):  # after explore's projector: A's and B's
        page.locator(".embedkit-projector").nth(n).and_(page.locator("[data-drawn='1']")).wait_for(
            timeout=60_000
        )
    out = page.locator(".jp-Notebook .jp-Cell").nth(5).locator(".jp-OutputArea").inner_text()
    top = json.loads(out.split("TOP", 1)[1])
    table = page.locator(".embedkit-table")
    first = table.locator("tr").nth(1).locator("td").first.inner_text()
    second = table.locator("tr").nth(2).locator("td").first.inner_text()
    assert sorted([first, second]) == sorted(top)
    cell = page.locator(".jp-Notebook .jp-Cell").nth(4)
    assert cell.get_by_text("B <i>x</i>", exact=False).count() >= 1  # the name, as text
    assert cell.locator(".jp-OutputArea i").count() == 0
    assert "only in B <i>x</i>" in table.locator("tr").first.inner_text()
    assert page.locator("img[src='x']").count() == 0 and page.dialogs == []
    ui.screenshot(page, "compare")
