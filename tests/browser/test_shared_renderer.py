"""Many projectors on one page share ONE WebGL context (js/src/renderer.ts).

Chromium keeps at most 16 WebGL contexts alive on a page; a 17th makes it drop the oldest,
whose plot then stops redrawing. Each projector used to create its own context. Now
embedkit's JupyterLab extension makes the page's WebGL context and renderer when
JupyterLab is idle after start (js/src/plugin.ts, `warmUp` in js/src/renderer.ts), and
every projector draws with it. The renderer's animation-frame loop runs only while a
projector is on the page. The notebook here shows 18 projectors in one cell, the last one
taller than the others (the shared renderer's canvas must grow to it), then moves the
points of the FIRST one from Python: it must redraw; then closes them all: the loop stops.
Checks read what a user sees (canvas pixels) and count the canvases that got a WebGL
context while the cell ran (``getContext`` wrapped in the page before it runs).

The extension also parks a plot on the renderer (``park`` in js/src/renderer.ts) and sizes
the renderer for a projector in the notebook on screen, so the first projector neither
makes a plot nor grows the renderer's canvas in its first frame (in Chromium with software
WebGL: 100-150 ms and 40-130 ms of it). The first projector must take that plot, another
must be parked for the next one, and a parked plot must not keep the renderer's loop on.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "shared-renderer.ipynb"
PLOTS = 18
CELLS = [
    f"""import numpy as np
import embedkit as ek
from IPython.display import display
n = 40
emb = ek.Embeddings([f"w{{i}}" for i in range(n)], np.random.default_rng(0).normal(size=(n, 8)))
grid = np.c_[np.arange(n) % 8, np.arange(n) // 8].astype("float32")  # 8 columns, 5 rows
ps = [ek.Projector(emb, method=grid, labels=False, height=200) for _ in range({PLOTS - 1})]
ps.append(ek.Projector(emb, method=grid, labels=False, height=600))
display(*ps)""",
    "ps[0].set_layout(np.c_[grid[:, 0], -grid[:, 1]] * [1, 0.2])  # squashed to a band",
    "for p in ps:\n    p.close()",
]

SHARED = "globalThis[Symbol.for('embedkit.sharedRenderer.regl-scatterplot-1')]"
RENDERER = f"!!{SHARED}"
LOOPING = f"() => !!{SHARED} && {SHARED}.looping"  # its animation-frame loop runs
PARKING = "globalThis[Symbol.for('embedkit.parkedPlot.regl-scatterplot-1')]"
PARKED = f"() => !!({PARKING} && {PARKING}.plot)"  # a plot is parked for the next projector
BEFORE: dict[str, bool] = {}  # the page before the cell ran

# Counts the canvases that get a WebGL context (regl may ask a canvas more than once).
COUNT_CONTEXTS = """() => {
  const seen = new WeakSet();
  window.__webglCanvases = 0;
  const orig = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
    const ctx = orig.call(this, kind, ...rest);
    if (ctx && String(kind).startsWith("webgl") && !seen.has(this)) {
      seen.add(this);
      window.__webglCanvases++;
    }
    return ctx;
  };
}"""


@pytest.fixture(scope="module")
def page(lab: Any, browser: Any, ui: Any) -> Iterator[Any]:
    ui.write_notebook(lab.root / NOTEBOOK, CELLS)
    pg = ui.open_notebook(browser, lab, NOTEBOOK)
    # made by the JupyterLab extension once the page is idle, before any projector
    pg.wait_for_function(f"() => {RENDERER}", polling=100, timeout=30_000)
    pg.wait_for_timeout(500)  # the warm-up plot drew and went
    # the renderer owns the page's one WebGL context (its canvas, with regl on it)
    BEFORE["context"] = pg.evaluate(f"() => !!{SHARED}.regl && !!{SHARED}.canvas")
    BEFORE["looping"] = pg.evaluate(LOOPING)
    pg.wait_for_function(PARKED, polling=100, timeout=30_000)
    # mark the parked plot's canvas: the first projector must show that very canvas
    pg.evaluate(f"() => {{ {PARKING}.plot.canvas.dataset.parked = 'yes'; }}")
    BEFORE["renderer_width"] = pg.evaluate(f"() => {SHARED}.canvas.width / devicePixelRatio")
    pg.evaluate(COUNT_CONTEXTS)
    ui.run_cell(pg, 0)
    for n in range(PLOTS):
        plot(pg, n).and_(pg.locator("[data-drawn='1']")).wait_for(timeout=60_000)
    yield pg
    ui.screenshot(pg, "shared-renderer")
    pg.close()


def plot(page: Any, n: int) -> Any:
    return page.locator(".embedkit-projector").nth(n)


def inked_rows(page: Any, n: int) -> np.ndarray:
    """Per pixel row of projector ``n``'s canvas: whether any point is drawn there."""
    import matplotlib.image as mpimg

    png = plot(page, n).locator("canvas").first.screenshot()
    img = mpimg.imread(io.BytesIO(png), format="png")[:, :, :3]
    return np.asarray((img.min(axis=2) < 0.8).any(axis=1))


def test_eighteen_projectors_use_one_webgl_context(page: Any) -> None:
    assert page.locator(".embedkit-projector").count() == PLOTS
    # no projector made a context of its own: all drew with the one renderer made at
    # start, whose loop ran only once projectors were on the page
    assert page.evaluate("window.__webglCanvases") == 0
    assert BEFORE["context"] is True and BEFORE["looping"] is False
    assert page.evaluate(LOOPING) is True


def test_the_first_projector_takes_the_parked_plot(page: Any) -> None:
    taken = [plot(page, n).locator("canvas[data-parked='yes']").count() for n in range(PLOTS)]
    assert taken == [1] + [0] * (PLOTS - 1)
    # with its accessible name, in place of the view's own canvas, and drawn
    canvas = plot(page, 0).locator("canvas[data-parked='yes']")
    assert canvas.get_attribute("role") == "img"
    assert "40 points" in (canvas.get_attribute("aria-label") or "")
    assert inked_rows(page, 0).any()
    # the renderer was already as wide as the plot: no growth in the first frame
    width = plot(page, 0).locator(".ek-canvas-wrap").evaluate("e => e.clientWidth")
    assert BEFORE["renderer_width"] >= width > 300
    # and another plot is parked when the page is idle again, for the next projector
    page.wait_for_function(PARKED, polling=100, timeout=30_000)
    assert page.evaluate(f"() => {PARKING}.plot.canvas.isConnected") is False


def test_the_tall_projector_draws_over_its_whole_height(page: Any) -> None:
    rows = inked_rows(page, PLOTS - 1)
    inked = np.flatnonzero(rows)
    assert len(rows) > 500 and len(inked) > 0
    # five grid rows spread over the plot: points near its top AND near its bottom, i.e.
    # the shared canvas (first sized for 200 px plots) grew to this plot's height
    assert inked.min() < 0.25 * len(rows) and inked.max() > 0.75 * len(rows)


def span(rows: np.ndarray) -> int:
    """Pixel rows from the highest drawn point to the lowest (0: nothing drawn)."""
    inked = np.flatnonzero(rows)
    return int(inked.max() - inked.min()) if len(inked) else 0


def test_the_first_projector_still_redraws(page: Any, ui: Any) -> None:
    before = span(inked_rows(page, 0))
    ui.run_cell(page, 1)
    page.wait_for_timeout(500)
    after = span(inked_rows(page, 0))
    # the grid's five rows spread over the plot; squashed, they make a thin band
    assert before > 3 * after > 0, (before, after)


def test_the_loop_stops_when_the_projectors_go(page: Any, ui: Any) -> None:
    assert page.evaluate(LOOPING) is True
    ui.run_cell(page, 2)  # closes every projector: their views and plots go
    page.wait_for_function(f"() => !({SHARED} && {SHARED}.looping)", polling=100, timeout=10_000)
    assert page.evaluate(f"() => {RENDERER}")  # the renderer stays for the next projector
    assert page.evaluate(PARKED) is True  # and so does the parked plot, off the loop
