"""A live t-SNE in real JupyterLab + Chromium: the cell returns at once, the points move
frame by frame while the optimisation runs in the kernel's background thread, a progress
line counts the iterations, and Stop keeps the layout of that moment (in the view and in
Python). Checks read what a user sees (DOM text, positions read back from the view) or
what the kernel prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    """import embedkit as ek
emb = ek.datasets.glove()[:2000]""",
    """p = ek.Projector(emb, method="tsne", layout_kwargs={"perplexity": 20, "n_iter": 100_000})
p""",
    "pass  # tests type code here",
]
ROOT = ".embedkit-projector"
VIEW = "document.querySelectorAll('.embedkit-projector')[0].__embedkitView"
ROWS = list(range(0, 2000, 100))


@pytest.fixture(scope="module")
def page(lab: Any, browser: Any, ui: Any) -> Iterator[Any]:
    ui.write_notebook(lab.root / "live_layout.ipynb", CELLS)
    pg = ui.open_notebook(browser, lab, "live_layout.ipynb")
    ui.run_all(pg)
    pg.locator(f"{ROOT}[data-drawn='1']").wait_for(timeout=60_000)
    yield pg
    ui.screenshot(pg, "live-layout-final")
    pg.close()


def positions(page: Any) -> list[list[float]]:
    return page.evaluate(f"rows => rows.map(i => {VIEW}.screenPosition(i))", ROWS)


def step(page: Any) -> int:
    return int(page.locator(ROOT).get_attribute("data-layout-step") or 0)


def test_points_move_while_it_runs_progress_is_shown_and_stop_keeps_them(page, ui) -> None:
    root = page.locator(ROOT)
    page.locator(f"{ROOT}[data-layout-state='running']").wait_for(timeout=30_000)
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.layoutStep >= 10",
                           timeout=60_000)  # fmt: skip
    text = page.locator(".ek-live-text").inner_text()
    assert text.startswith("t-SNE: iteration ") and "of 100125" in text
    assert float(page.locator(".ek-live-progress").evaluate("b => b.value")) >= 10
    before, at = positions(page), step(page)
    page.wait_for_function(
        f"document.querySelector('{ROOT}').dataset.layoutStep >= {at + 30}", timeout=60_000
    )
    page.wait_for_timeout(600)  # the glide to the newest frame ends
    moved = positions(page)
    assert moved != before  # frames arrive and the points move
    page.locator(".ek-live-stop").click()
    page.locator(f"{ROOT}[data-layout-state='stopped']").wait_for(timeout=30_000)
    assert "stopped at iteration" in page.locator(".ek-live-text").inner_text()
    assert not page.locator(".ek-live-stop").is_visible()
    page.wait_for_timeout(700)
    kept = positions(page)
    page.wait_for_timeout(1500)
    assert positions(page) == kept  # nothing moves after Stop
    out = ui.run_code(page, 2, "s = p.layout_status\nprint('STATE', s['state'], s['step'] > 10)")
    assert "STATE stopped True" in out
    assert root.get_attribute("data-layout-state") == "stopped"
