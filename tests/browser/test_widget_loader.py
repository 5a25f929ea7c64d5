"""The projector's small anywidget module in real JupyterLab and Chromium (js/src/loader.ts).

``Projector._esm`` is a module of a few hundred bytes. Its view code (~240 KB) is either the
copy embedkit's JupyterLab extension loads when JupyterLab is idle and registers on the page
under the build's id, or, where that copy is missing (another front end, an older or newer
extension: another id), the full module that every model carries (``_bundle``), imported
once per page. Importing the full module when the model arrived took 20-40 ms of a first
frame in Chromium here; the small one 2-6 ms.

The module also has anywidget's ``initialize``: when the model arrives (the kernel's
comm_open, 50-150 ms before the display message), the widget fits the points, makes
regl-scatterplot's rows, decodes the labels and asks the worker for the spatial index; the
first view of that model takes them (``first`` in its data), later views make their own.

Checks: the extension registered its copy before any projector; with it, projectors draw
and no large module is imported; without it (the registration removed, as in a front end
without the extension), projectors still draw, and the full module is imported exactly once
for two of them. Module imports are seen by wrapping ``URL.createObjectURL`` (anywidget
and the loader import modules from blob URLs) and reading the blobs' sizes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "widget-loader.ipynb"
SETUP = """import numpy as np
import embedkit as ek
xy = np.random.default_rng(0).standard_normal((500, 2)).astype("float32")
emb = ek.Embeddings([f"p{i}" for i in range(500)], xy)"""
SHOW = "ek.Projector(emb, method=xy, height=240)"
TWICE = """p = ek.Projector(emb, method=xy, height=240)
display(p)
display(p)"""
CELLS = [SETUP, SHOW, SHOW, SHOW, TWICE]

# the page's registered widget modules (symbols "embedkit.widget.<build id>")
REGISTERED = """() => Object.getOwnPropertySymbols(globalThis)
  .map((s) => s.description || "").filter((d) => d.startsWith("embedkit.widget."))"""
UNREGISTER = """() => { for (const s of Object.getOwnPropertySymbols(globalThis))
  if ((s.description || "").startsWith("embedkit.widget.")) delete globalThis[s]; }"""
# the sizes of the blobs turned into URLs from now on (anywidget's and the loader's imports)
WATCH_BLOBS = """() => {
  window.__blobs = [];
  if (window.__blobsWrapped) return;
  window.__blobsWrapped = true;
  const orig = URL.createObjectURL;
  URL.createObjectURL = (b) => {
    if (b instanceof Blob) window.__blobs.push(b.size);
    return orig(b);
  };
}"""


@pytest.fixture(scope="module")
def page(lab: Any, browser: Any, ui: Any) -> Iterator[Any]:
    ui.write_notebook(lab.root / NOTEBOOK, CELLS)
    pg = ui.open_notebook(browser, lab, NOTEBOOK)
    ui.run_cell(pg, 0)
    yield pg
    ui.screenshot(pg, "widget-loader")
    pg.close()


def drawn(page: Any, cell: int) -> Any:
    root = page.locator(".jp-Notebook .jp-Cell").nth(cell).locator(".embedkit-projector")
    return root.and_(page.locator("[data-drawn='1']"))


def test_the_extension_registers_its_copy_of_the_view_code(page: Any) -> None:
    page.wait_for_function(f"() => ({REGISTERED})().length === 1", polling=100, timeout=30_000)
    (name,) = page.evaluate(REGISTERED)
    assert len(name) == len("embedkit.widget.") + 16


def test_with_the_extension_no_large_module_is_imported(page: Any, ui: Any) -> None:
    page.evaluate(WATCH_BLOBS)
    ui.run_cell(page, 1)
    drawn(page, 1).wait_for(timeout=60_000)
    blobs = page.evaluate("window.__blobs")
    assert blobs and max(blobs) < 2_000, blobs  # the loader (and no 240 KB view module)


def test_without_the_extension_the_full_module_is_imported_once(page: Any, ui: Any) -> None:
    page.evaluate(UNREGISTER)
    assert page.evaluate(REGISTERED) == []
    page.evaluate(WATCH_BLOBS)
    ui.run_cell(page, 2)
    ui.run_cell(page, 3)
    drawn(page, 2).wait_for(timeout=60_000)
    drawn(page, 3).wait_for(timeout=60_000)
    large = [b for b in page.evaluate("window.__blobs") if b > 100_000]
    assert len(large) == 1, page.evaluate("window.__blobs")  # the model's `_bundle`, once
    assert len(page.evaluate(REGISTERED)) == 1  # kept for the page's next projectors
    # both views work: each says how many points it shows
    for cell in (2, 3):
        root = page.locator(".jp-Notebook .jp-Cell").nth(cell).locator(".embedkit-projector")
        assert "500 points" in (root.locator("canvas").first.get_attribute("aria-label") or "")


# per view of cell `cell`: [it took the prepared first draw, its fit is that one, drawn]
FIRSTS = """(cell) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')[cell]
  .querySelectorAll('.embedkit-projector')].map((root) => {
    const v = root.__embedkitView;
    const first = v.data.first;
    const took = !!first && v.fit === first.fit && first.xy === v.xy;
    return [!!first, took, root.dataset.drawn === '1'];
  })"""


def test_the_first_view_of_a_model_takes_what_its_initialize_prepared(page: Any, ui: Any) -> None:
    # cell 1's projector (with the extension's copy) took it, and so did cells 2 and 3's
    # (without it: the model's initialize ran once the full module was imported)
    for cell in (1, 2, 3):
        assert page.evaluate(FIRSTS, cell) == [[True, True, True]], cell
    # one model shown twice: the first view takes the prepared draw, the second makes its own
    ui.run_cell(page, 4)
    cell = page.locator(".jp-Notebook .jp-Cell").nth(4)
    views = cell.locator(".embedkit-projector[data-drawn='1']")
    views.nth(1).wait_for(timeout=60_000)
    assert sorted(page.evaluate(FIRSTS, 4)) == [[False, False, True], [True, True, True]]
    for k in range(2):
        label = views.nth(k).locator("canvas").first.get_attribute("aria-label") or ""
        assert "500 points" in label
