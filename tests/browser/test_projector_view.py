"""The projector view without Jupyter: a plain page on 127.0.0.1 loads the built bundle and
drives ``createProjectorView`` with ``localBackend`` (answers from data in the page). This
is the path a kernel-less renderer takes; it proves the drawing code needs no widget
transport. Neighbours come from a table Python computed with ``emb.neighbours``.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import embedkit as ek
from embedkit.widgets.projector import BUNDLE

pytestmark = [pytest.mark.browser]

XSS = "<img src=x onerror=alert(1)>"
PAGE = """<!doctype html><meta charset="utf-8"><title>projector view</title>
<div id="root" style="width:900px"></div>
<script type="module">
import { createProjectorView, localBackend } from "./projector.js";
const d = await (await fetch("data.json")).json();
const backend = localBackend({
  labels: d.labels, fields: d.fields,
  neighbours: { k: d.k, metric: "cosine", indices: Uint32Array.from(d.nbr_idx),
                scores: Float32Array.from(d.nbr_score) },
});
window.view = createProjectorView(document.getElementById("root"),
  { xy: Float32Array.from(d.xy), method: "grid", metric: "cosine", k: d.k, height: 400 },
  backend);
</script>
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def emb() -> ek.Embeddings:
    rng = np.random.default_rng(3)
    labels = [f"item{i:03d}" for i in range(199)] + [XSS]
    return ek.Embeddings(labels, rng.normal(size=(200, 12)), metadata={"half": ["a", "b"] * 100})


@pytest.fixture(scope="module")
def page(
    browser: Any, emb: ek.Embeddings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("view")
    (root / "projector.js").write_bytes(BUNDLE.read_bytes())
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    table = emb.neighbours(emb.labels, k=4)
    data = {
        "labels": emb.labels,
        "fields": {"half": emb.metadata["half"].tolist()},
        "xy": np.c_[np.arange(200) % 20, np.arange(200) // 20].ravel().tolist(),
        "k": 4,
        "nbr_idx": [emb.index(x) for x in table["label"]],
        "nbr_score": table["score"].tolist(),
    }
    (root / "data.json").write_text(json.dumps(data), encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pg = browser.new_page(viewport={"width": 1000, "height": 600})
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
    pg.wait_for_selector(".embedkit-projector[data-drawn='1']", timeout=30_000)
    yield pg
    pg.close()
    server.shutdown()


def point(page: Any, i: int) -> tuple[float, float]:
    x, y = page.evaluate("i => window.view.screenPosition(i)", i)
    box = page.locator("canvas").first.bounding_box()
    return box["x"] + x, box["y"] + y


def test_hover_xss_label_is_text(page: Any) -> None:
    page.mouse.move(*point(page, 199))
    label = page.locator(".ek-tooltip .ek-label")
    label.get_by_text(XSS, exact=True).wait_for(timeout=10_000)
    assert page.locator(".ek-tooltip .ek-field").all_inner_texts() == ["half: b"]
    assert page.locator("img").count() == 0 and page.dialogs == []


def test_search_and_neighbours_from_page_data(page: Any, emb: ek.Embeddings) -> None:
    page.locator(".ek-search").fill("item01")
    page.locator(".ek-count").get_by_text("10 matches").wait_for(timeout=10_000)
    assert sorted(page.evaluate("() => window.view.selection()")) == list(range(10, 20))
    page.locator(".ek-regex input").check()
    page.locator(".ek-search").fill("(")
    page.locator(".ek-count.ek-error").get_by_text("invalid regex").wait_for(timeout=10_000)
    page.mouse.move(*point(page, 42))  # hover first: the view reads the pointer per frame
    page.locator(".ek-tooltip .ek-label").get_by_text("item042", exact=True).wait_for(
        timeout=10_000
    )
    page.mouse.click(*point(page, 42))
    rows = page.locator(".ek-nbr .ek-label")
    rows.nth(3).wait_for(timeout=10_000)
    assert rows.all_inner_texts() == emb.neighbours("item042", k=4)["label"].tolist()


def test_sentence_mode_without_a_kernel_says_so(page: Any) -> None:
    """A saved view of embeddings with an encoder offers Sentence mode, and says a kernel is
    needed to encode (nothing fails silently)."""
    page.evaluate(
        """async () => {
      const { createProjectorView, localBackend } = await import("./projector.js");
      const el = document.createElement("div");
      el.id = "nokernel";
      el.style.width = "700px";
      document.body.append(el);
      const data = { xy: Float32Array.from([0, 0, 1, 1, 2, 0]), method: "pca", metric: "cosine",
                     k: 2, height: 200, encoder: "all-MiniLM-L6-v2" };
      window.view2 = createProjectorView(el, data, localBackend({ labels: ["a", "b", "c"] }));
      await window.view2.ready;
    }"""
    )
    root = page.locator("#nokernel .embedkit-projector")
    count = root.locator(".ek-count")
    root.locator(".ek-search").fill("zzz")  # Labels mode: no match, offered as a sentence
    root.locator(".ek-count .ek-as-sentence").click()
    count.get_by_text("need a running kernel").wait_for(timeout=10_000)
    root.locator(".ek-search").press("Enter")
    assert "need a running kernel" in count.inner_text()
    assert root.get_attribute("data-sentence") == "error"
    assert root.get_attribute("data-search-mode") == "sentence"


def test_the_worker_builds_the_same_spatial_index(page: Any) -> None:
    # From WORKER_FROM points the hover/lasso index is built in a worker (js/src/spatial.ts)
    # from the source of the same function; it must give the very bytes the page builds.
    same, worker = page.evaluate("""async () => {
      const m = await import("./projector.js");
      const n = m.WORKER_FROM + 1234;
      const x = new Float32Array(n), y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = Math.sin(i * 12.9898) * 1e3;
        y[i] = Math.cos(i * 78.233);
      }
      const there = new Uint8Array(await m.spatialIndexSoon(x, y));
      const here = new Uint8Array(m.spatialIndex(x, y));
      const state = globalThis[Symbol.for("embedkit.spatialIndexWorker.kdbush-4")];
      return [there.length === here.length && there.every((b, i) => b === here[i]),
              state.worker instanceof Worker];
    }""")
    assert worker and same


def test_the_first_frame_renders_the_points_once(browser: Any, page: Any) -> None:
    # regl-scatterplot sets its size one animation frame after it is made, then asks for a
    # redraw; a first draw made before that rendered every point twice (at 100,000 points
    # in software WebGL, a second full render before the frame was on screen). Each render
    # ends in one copy (drawImage) into the view's scatter canvas: count them.
    fresh = browser.new_page(viewport={"width": 1000, "height": 600})
    fresh.add_init_script("""(() => {
      const draw = CanvasRenderingContext2D.prototype.drawImage;
      window.__copies = new Map();
      CanvasRenderingContext2D.prototype.drawImage = function (...args) {
        window.__copies.set(this.canvas, (window.__copies.get(this.canvas) || 0) + 1);
        return draw.apply(this, args);
      };
    })()""")
    try:
        fresh.goto(page.url)
        fresh.wait_for_selector(".embedkit-projector[data-drawn='1']", timeout=30_000)
        copies = fresh.evaluate("""async () => {
          for (let i = 0; i < 10; i++) await new Promise((r) => requestAnimationFrame(r));
          return window.__copies.get(document.querySelector(".ek-canvas-wrap canvas")) || 0;
        }""")
        assert copies == 1
        # a resize still redraws (the view follows its size)
        fresh.evaluate("document.getElementById('root').style.width = '700px'")
        fresh.wait_for_function(
            "window.__copies.get(document.querySelector('.ek-canvas-wrap canvas')) >= 2",
            timeout=10_000,
        )
    finally:
        fresh.close()


def test_a_view_destroyed_at_once_still_settles(page: Any) -> None:
    # destroyed after its first draw began but before the plot's first animation frame
    # (a task, not a frame, later): the plot never publishes `init`, for which that draw
    # waits; `ready` must settle all the same
    outcome = page.evaluate("""async () => {
      const m = await import("./projector.js");
      const el = document.createElement("div");
      el.style.width = "400px";
      document.body.appendChild(el);
      const v = m.createProjectorView(el, { xy: Float32Array.of(0, 0, 1, 1), method: "grid",
        metric: "cosine", k: 1, height: 200 }, m.localBackend({ labels: ["a", "b"] }));
      await new Promise((r) => setTimeout(r, 0));
      v.destroy();
      const late = new Promise((r) => setTimeout(() => r("still waiting"), 3000));
      const out = await Promise.race([v.ready.then(() => "settled"), late]);
      el.remove();
      return out;
    }""")
    assert outcome == "settled"
