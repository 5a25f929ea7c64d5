"""The prebuilt labextension in real JupyterLab + Chromium, with NO usable kernel.

JupyterLab runs with ``--KernelSpecManager.allowed_kernelspecs=nokernel`` (no kernelspec is
allowed, so nothing can answer; ``nokernel_lab`` from conftest): a saved notebook holds a
snapshot output made by ``Projector.to_static()`` and is rendered by the MIME renderer from
the saved data alone; a projector export (``emb.to_projector(dir)``) opens from the file
browser in the document viewer, laid out by PCA in the page. Checks read what a user sees
(DOM text, pixels).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import embedkit as ek
from embedkit.widgets.projector import Projector

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS = "<img src=x onerror=alert(1)>"
VIEW = "document.querySelectorAll('.embedkit-projector')[0].__embedkitView"


def _emb() -> tuple[ek.Embeddings, np.ndarray]:
    rng = np.random.default_rng(0)
    labels = [f"w{i:03d}" for i in range(299)] + [XSS]
    groups = np.arange(300) % 4
    vectors = rng.normal(size=(4, 16))[groups] + 0.6 * rng.normal(size=(300, 16))
    meta = {"group": [f"g{g}" for g in groups]}
    coords = np.c_[np.arange(300) % 20, np.arange(300) // 20].astype("float32")
    return ek.Embeddings(labels, vectors, metadata=meta), coords


@pytest.fixture(scope="module")
def nolab(nokernel_lab: Any, ui: Any) -> Any:
    emb, coords = _emb()
    server = nokernel_lab
    snap = Projector(emb, method=coords, color="group", k=5).to_static()
    output = ui.display_output(snap._repr_mimebundle_())
    ui.write_output_notebook(server.root / "snapshot.ipynb", [("p.to_static()", [output])])
    # PCA of these vectors is the grid itself (tiny noise elsewhere breaks cosine ties)
    grid = np.zeros((300, 6), dtype=np.float32)
    grid[:, 0], grid[:, 1], grid[:, 2] = coords[:, 0] * 1.5, coords[:, 1], 1.0
    grid[:, 3:] = 0.01 * np.random.default_rng(1).normal(size=(300, 3))
    server.grid = ek.Embeddings(emb.labels, grid, metadata=emb.metadata)
    server.grid.to_projector(server.root / "export")
    big = server.root / "big"
    big.mkdir()
    (big / "vectors.tsv").write_text("0.5\t1.5\n" * 6000, encoding="utf-8")
    server.emb = emb
    return server


@pytest.fixture(scope="module")
def page(nolab: Any, browser: Any, ui: Any) -> Iterator[Any]:
    pg = ui.open_page(browser, nolab, "snapshot.ipynb")
    pg.wait_for_selector(".jp-Notebook", timeout=60_000)
    ui.no_kernel(pg)
    pg.locator(".embedkit-projector[data-drawn='1']").wait_for(timeout=60_000)
    yield pg
    ui.screenshot(pg, "labextension-snapshot")
    pg.close()


def point(page: Any, i: int) -> tuple[float, float]:
    proj = page.locator(".embedkit-projector").first
    proj.scroll_into_view_if_needed()
    x, y = page.evaluate(f"i => {VIEW}.screenPosition(i)", i)
    box = proj.locator("canvas").first.bounding_box()
    return box["x"] + x, box["y"] + y


def pixels(page: Any) -> np.ndarray:
    import matplotlib.image as mpimg

    png = page.locator(".embedkit-projector canvas").first.screenshot()
    return mpimg.imread(io.BytesIO(png), format="png")[:, :, :3]


def test_snapshot_draws_without_a_kernel(page: Any) -> None:
    status = page.locator("#jp-main-statusbar").inner_text()
    assert "Idle" not in status and "Busy" not in status  # no kernel behind this page
    img = pixels(page)
    drawn = img.min(axis=2) < 0.9
    assert drawn.sum() > 300 * 10, f"only {drawn.sum()} non-background pixels"
    assert len({tuple(c) for c in np.round(img[drawn] * 8).astype(int)}) >= 4
    names = page.locator(".embedkit-projector .ek-legend-name").all_inner_texts()
    assert names == ["g0", "g1", "g2", "g3"]
    # the renderer, not the PNG fallback, won the output
    assert page.locator(".jp-OutputArea-output img").count() == 0


def test_hover_shows_label_and_field(page: Any) -> None:
    page.mouse.move(*point(page, 47))
    tip = page.locator(".embedkit-projector .ek-tooltip")
    tip.locator(".ek-label").get_by_text("w047", exact=True).wait_for(timeout=10_000)
    assert tip.locator(".ek-field").all_inner_texts() == ["group: g3"]


def test_xss_label_stays_text(page: Any, ui: Any) -> None:
    page.mouse.move(*point(page, 299))
    label = page.locator(".embedkit-projector .ek-tooltip .ek-label")
    label.get_by_text(XSS, exact=True).wait_for(timeout=10_000)
    assert label.inner_text() == XSS
    assert page.locator("img[src='x']").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []
    ui.screenshot(page, "labextension-xss")


def test_search_finds_labels(page: Any) -> None:
    page.mouse.move(5, 5)
    page.locator(".embedkit-projector .ek-search").fill("w01")
    page.locator(".embedkit-projector .ek-count").get_by_text("10 matches").wait_for(timeout=10_000)
    shown = page.locator(".embedkit-projector .ek-match").all_inner_texts()
    assert shown == [f"w01{d}" for d in range(10)]
    page.locator(".embedkit-projector .ek-search").fill("")


def test_click_lists_the_stored_neighbours(page: Any, nolab: Any, ui: Any) -> None:
    expected = nolab.emb.neighbours("w047", k=5)
    rows = page.locator(".embedkit-projector .ek-nbr .ek-label")
    ui.click_point(page, point, 47, "w047", rows, 5, page.locator(".embedkit-projector").first)
    assert rows.all_inner_texts() == expected["label"].tolist()
    scores = [float(s) for s in page.locator(".ek-nbr .ek-score").all_inner_texts()]
    assert np.allclose(scores, expected["score"].to_numpy(), atol=1e-3)
    head = page.locator(".embedkit-projector .ek-nbr-head").inner_text()
    assert "w047" in head and "cosine" in head and "k=5" in head
    ui.screenshot(page, "labextension-neighbours")


def test_projector_export_opens_in_the_viewer(nolab: Any, browser: Any, ui: Any) -> None:
    pg = ui.open_page(browser, nolab, "export/vectors.tsv")
    try:
        pg.locator(".embedkit-projector[data-drawn='1']").wait_for(timeout=60_000)
        note = pg.locator(".embedkit-snapshot .ek-note").inner_text()
        assert "300 vectors × 6 dimensions" in note and "metadata.tsv" in note
        img = pixels(pg)
        assert (img.min(axis=2) < 0.9).sum() > 300 * 10
        for i in (47, 299):
            pg.mouse.move(*point(pg, i))
            label = pg.locator(".embedkit-projector .ek-tooltip .ek-label")
            label.get_by_text(nolab.emb.labels[i], exact=True).wait_for(timeout=10_000)
        tip = pg.locator(".embedkit-projector .ek-tooltip .ek-field").all_inner_texts()
        assert tip == ["group: g3"]
        assert pg.locator("img[src='x']").count() == 0 and pg.dialogs == []
        expected = nolab.grid.neighbours("w047", k=10)  # cosine, original 6-d space
        rows = pg.locator(".embedkit-projector .ek-nbr .ek-label")
        ui.click_point(pg, point, 47, "w047", rows, 10, pg.locator(".embedkit-projector").first)
        scores = [float(s) for s in pg.locator(".ek-nbr .ek-score").all_inner_texts()]
        assert np.allclose(scores, expected["score"].to_numpy(), atol=2e-3)
        assert rows.first.inner_text() == expected["label"].iloc[0]
        pg.mouse.move(5, 5)
        pg.locator(".embedkit-projector .ek-search").fill("w29")
        pg.locator(".embedkit-projector .ek-count").get_by_text("9 matches").wait_for(
            timeout=10_000
        )
        ui.screenshot(pg, "labextension-tsv")
    finally:
        pg.close()


def test_large_export_points_to_ek_load(nolab: Any, browser: Any, ui: Any) -> None:
    pg = ui.open_page(browser, nolab, "big/vectors.tsv")
    try:
        err = pg.locator(".embedkit-snapshot .ek-error")
        err.wait_for(timeout=60_000)
        text = err.inner_text()
        assert "6,000 rows" in text and "ek.load(" in text
    finally:
        pg.close()
