"""embedkit's Projector beside jupyter-scatter: first frame and pan/zoom frame rate.

One run starts ONE JupyterLab (127.0.0.1, free port, random token; the browser tests'
harness, ``tests/browser/conftest.py``) and ONE headless Debian Chromium, then for each size
measures both libraries alternately (``--rounds`` rounds; which library goes first swaps
every round, as ``_machine.alternate`` does), each measurement in a fresh notebook,
kernel and page:

* **The points.** ``--sizes`` random float32 points, seeded (standard normal in 2-D), the
  same array for both. embedkit draws them as ``ek.Projector(emb, method=xy, labels=True)``
  (map labels ON, the default; the labels are ``p0``, ``p1``, ...); jupyter-scatter as
  ``jscatter.plot(x=xy[:, 0], y=xy[:, 1])``; both canvases 480 px high and as wide as
  embedkit's (its side panel takes the rest; jupyter-scatter gets ``width=`` that width).
  ``--glove`` adds a GloVe case with real words (``ek.datasets.glove()``, the first ``n``
  rows, at most 400,000, PCA coordinates computed in the setup cell, the same for both;
  the words are embedkit's map labels).
  A setup cell (imports, data) runs first and is not timed: ``import jscatter`` for one,
  ``ek.Projector`` (which imports embedkit's widget module) for the other.
* **First frame.** From the moment the measured cell is sent (``notebook:run-cell``, timed
  in the page) to the first animation frame in which the library's scatter canvas is
  *drawn*: a 2D ``drawImage`` copy of it (down-scaled to at most 400 px wide) has at least
  10 pixels that differ from its corner pixel, i.e. points are on screen, not just a
  cleared background. Both libraries draw with regl-scatterplot 1.16, which renders in its
  own WebGL context and copies each frame into the visible 2D canvas, so reading that canvas
  is reliable (no ``preserveDrawingBuffer`` needed). For embedkit the view must also have
  said it is drawn (``data-drawn="1"`` on ``.embedkit-projector``, set after the label pass
  of the first frame), so its time includes the labels. jupyter-scatter's canvas is the
  largest canvas in the cell's output. Each embedkit run prints when the cell's kernel
  messages arrived, when its view's ``render()`` began (``data-render-at``), when each
  step of the view ended (``data-phases``: sized, scatter, points, labels) and how long
  after "drawn" the pixels could be read back (the software GPU finishing the frame).
* **What each library brings to the page.** This JupyterLab has embedkit's JupyterLab
  extension, as ``pip install embedkit`` installs it; once JupyterLab is idle after start
  it makes the page's one WebGL renderer, compiles its shaders and starts the spatial
  index worker (``warmUp`` in ``js/src/renderer.ts``), which every embedkit projector
  uses, so embedkit's first frames include none of these. jupyter-scatter creates its
  context in its first frame.
* **Pan/zoom frames per second.** After the first frame, the cell's end and 1 s of rest,
  Playwright's mouse drives the same gesture cycle over the canvas centre, one event every
  16 ms plus the time Chromium takes to accept it (it waits for the page, so a slow page
  gets fewer events): 10 wheel steps in, a 20-step circular drag, 10 wheel steps out,
  repeated for ``--seconds`` (3 s, wall clock). The page counts the library's redraws:
  calls to ``drawImage`` into
  the scatter canvas (regl-scatterplot's copy of each rendered frame; one per frame at
  most) over the elapsed page time. ``requestAnimationFrame`` ticks in the same window are
  printed beside them (the browser's frame rate, whether or not the plot redrew).
* ``--trace`` records a Chromium trace of each first frame and prints how long the page's
  main thread and the GPU process's main thread ran tasks, and the display compositor's
  ``SwapBuffers`` per frame (with software GL it draws the whole composited frame; at
  100,000 points it is most of the GPU thread's time, for both libraries).
* Before measuring, both libraries draw 1,000 points once (shader compilation, module
  caches: not counted).

Chromium here renders WebGL in software (SwiftShader, no GPU), so both frame rates are low
and the first frames long; it is the same for both libraries, so the side-by-side is fair.
The medians, the ratios jupyter-scatter/embedkit (first frame: above 1 means embedkit is
faster) and embedkit/jupyter-scatter (fps: above 1 means embedkit is smoother) are printed
after the machine (``_machine.describe()``) and the load average, at the start and the end.
Issue 12 targets: first frame ratio >= 2 at 100k and 1M with labels on; fps ratio >= 1.

Run: ``python benchmarks/bench_projector.py [--sizes 100000,1000000] [--rounds 2] [--glove]
[--seconds 3] [--trace]``. Needs ``pip install jupyter-scatter`` (the ``test`` extra) and
/usr/bin/chromium (``make chromium``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LIBS = ("embedkit", "jupyter-scatter")
HEIGHT = 480
WIDTH = [0]  # jupyter-scatter's width: embedkit's canvas width, read at the warm-up (0: auto)
GLOVE_ROWS = 400_000
LABELS = [True]  # embedkit's map labels (--no-labels: False)
TRACE = [False]  # --trace: a Chromium trace of each first frame, summarised per run
PACE_S = 0.016  # between two mouse events of the gesture sequence (about 60 a second)

# Installed once per page (before the cell runs): counts drawImage calls per target canvas,
# and watches for the first drawn frame of the cell's scatter canvas.
PAGE_TOOLS = """() => {
  if (window.__bench) return;
  const orig = CanvasRenderingContext2D.prototype.drawImage;
  const draws = new WeakMap();
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    draws.set(this.canvas, (draws.get(this.canvas) || 0) + 1);
    return orig.apply(this, args);
  };
  const scratch = document.createElement("canvas");
  const sctx = scratch.getContext("2d", { willReadFrequently: true });
  // pixels of a down-scaled copy that differ from its corner pixel (0: blank or cleared)
  const inked = (canvas) => {
    if (!canvas.width || !canvas.height) return 0;
    const w = Math.min(400, canvas.width);
    const h = Math.max(1, Math.round((canvas.height * w) / canvas.width));
    scratch.width = w;
    scratch.height = h;
    sctx.clearRect(0, 0, w, h);
    orig.call(sctx, canvas, 0, 0, w, h);
    const d = sctx.getImageData(0, 0, w, h).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const diff = Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) +
        Math.abs(d[i + 2] - d[2]) + Math.abs(d[i + 3] - d[3]);
      if (diff > 24) n++;
    }
    return n;
  };
  // the largest canvas of the output that a frame was copied into (drawImage); embedkit's
  // view must also have said it is drawn (after the label pass of its first frame)
  const scatterCanvas = (out, lib) => {
    if (lib === "embedkit") {
      const root = out.querySelector(".embedkit-projector");
      if (!root || root.dataset.drawn !== "1") return null;
    }
    let best = null;
    for (const c of out.querySelectorAll("canvas")) {
      if (!draws.get(c)) continue;
      if (!best || c.width * c.height > best.width * best.height) best = c;
    }
    return best;
  };
  const bench = {
    target: null,
    result: null,
    counting: null,
    inked,
    // run cell `index` and resolve `result` at the first frame with points on screen
    runAndWatch(index, lib) {
      const nb = window.jupyterapp.shell.currentWidget.content;
      nb.activeCellIndex = index;
      const cell = nb.widgets[index].node;
      bench.result = null;
      const t0 = performance.now();
      // phases: when the kernel's messages for this cell arrive (iopub, page clock)
      const seen = {};
      const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      const onMsg = (_, msg) => {
        const type = msg.header.msg_type;
        if (!(type in seen)) seen[type] = performance.now() - t0;
      };
      kernel.iopubMessage.connect(onMsg);
      const tick = () => {
        const out = cell.querySelector(".jp-OutputArea");
        const canvas = out && scatterCanvas(out, lib);
        const px = canvas ? inked(canvas) : 0;
        if (px >= 10) {
          bench.target = canvas;
          kernel.iopubMessage.disconnect(onMsg);
          const root = out.querySelector(".embedkit-projector");
          const view = root ? Number(root.dataset.drawMs) : null;
          const render = root ? Number(root.dataset.renderAt) - t0 : null;
          const steps = root && root.dataset.phases ? JSON.parse(root.dataset.phases) : null;
          bench.result = { ms: performance.now() - t0, px, seen, render, view, steps };
        } else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      void window.jupyterapp.commands.execute("notebook:run-cell");
    },
    box() {
      bench.target.scrollIntoView({ block: "center" });
      const r = bench.target.getBoundingClientRect();
      return [r.x, r.y, r.width, r.height, bench.target.width, bench.target.height];
    },
    startCount() {
      const c = { t0: performance.now(), d0: draws.get(bench.target) || 0, ticks: 0, on: true };
      const tick = () => {
        if (!c.on) return;
        c.ticks++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      bench.counting = c;
    },
    stopCount() {
      const c = bench.counting;
      c.on = false;
      return { ms: performance.now() - c.t0, draws: (draws.get(bench.target) || 0) - c.d0,
               ticks: c.ticks };
    },
  };
  window.__bench = bench;
}"""


@dataclass
class Run:
    """One measurement of one library at one size."""

    lib: str
    n: int
    first_frame_ms: float
    draws: int  # library redraws during the gestures
    ticks: int  # requestAnimationFrame callbacks during the gestures
    seconds: float  # length of the gesture window (page clock)
    canvas: tuple[int, int]  # the scatter canvas, pixels
    view_ms: float | None = None  # embedkit: from its view's render() to drawn (data-draw-ms)
    phases: str = ""  # when the cell's kernel messages arrived (and embedkit's render began)

    @property
    def fps(self) -> float:
        return self.draws / self.seconds

    @property
    def raf_fps(self) -> float:
        return self.ticks / self.seconds


def cells(lib: str, n: int, glove: bool = False) -> list[str]:
    """The setup cell (not timed) and the measured cell for ``lib`` at ``n`` points."""
    if glove:
        data = (
            "import numpy as np\nimport embedkit as ek\n"
            f"emb = ek.datasets.glove()[:{min(n, GLOVE_ROWS)}]\n"
            "xy = np.asarray(ek.project.layout(emb, 'pca'), dtype=np.float32)\n"
        )
    else:
        data = (
            "import numpy as np\n"
            f"xy = np.random.default_rng(0).standard_normal(({n}, 2), dtype=np.float32)\n"
        )
    if lib == "embedkit":
        if not glove:
            data += "import embedkit as ek\n"
            data += "emb = ek.Embeddings([f'p{i}' for i in range(len(xy))], xy)\n"
        data += "ek.Projector  # import the widget module here, as jupyter-scatter's import\n"
        show = f"ek.Projector(emb, method=xy, labels={LABELS[0]}, height={HEIGHT})"
    else:
        data += "import jscatter\n"
        width = f", width={WIDTH[0]}" if WIDTH[0] else ""
        show = f"jscatter.plot(x=xy[:, 0], y=xy[:, 1], height={HEIGHT}{width})"
    return [data + "len(xy)", show]


def gesture_cycle() -> list[tuple[str, float, float]]:
    """One cycle of the wheel + drag sequence, relative to the canvas centre: 10 wheel steps
    in, a 20-step circular drag (radius 80 px), 10 wheel steps out; (kind, dx, dy)."""
    import math

    cycle: list[tuple[str, float, float]] = [("wheel", 0, -100)] * 10
    cycle += [("down", 0, 0)]
    cycle += [
        ("move", 80 * math.sin(2 * math.pi * k / 20), 80 * (1 - math.cos(2 * math.pi * k / 20)))
        for k in range(1, 21)
    ]
    return [*cycle, ("up", 0, 0), *[("wheel", 0, 100)] * 10]


def drive(page: Any, seconds: float) -> dict[str, float]:
    """Repeat the gesture cycle on the watched canvas for ``seconds`` (wall clock); the
    page's counts over that window (``ms``, ``draws``, ``ticks``)."""
    x, y, w, h, *_ = page.evaluate("window.__bench.box()")
    cx, cy = x + w / 2, y + h / 2
    page.mouse.move(cx, cy)
    cycle = gesture_cycle()
    page.evaluate("window.__bench.startCount()")
    end, i, down = time.monotonic() + seconds, 0, False
    while time.monotonic() < end:
        kind, dx, dy = cycle[i % len(cycle)]
        i += 1
        if kind == "wheel":
            page.mouse.wheel(dx, dy)
        elif kind == "down":
            page.mouse.down()
            down = True
        elif kind == "up":
            page.mouse.up()
            down = False
        else:
            page.mouse.move(cx + dx, cy + dy)
        time.sleep(PACE_S)
    counts = dict(page.evaluate("window.__bench.stopCount()"))
    if down:
        page.mouse.up()
    return counts


_counter = [0]
# cell {} of the open notebook has run (it has an execution count)
RAN = "window.jupyterapp.shell.currentWidget.content.widgets[{}].model.executionCount != null"


def measure(
    browser: Any,
    lab: Any,
    h: Any,
    lib: str,
    n: int,
    *,
    glove: bool = False,
    seconds: float = 3.0,
    rest_ms: float = 1000,
    timeout_ms: float = 600_000,
) -> Run:
    """One measurement in a fresh notebook (its own kernel) and page.

    ``h`` holds the harness helpers (``write_notebook``, ``open_notebook``, ``wait_idle``):
    the ``ui`` fixture in the tests, ``tests/browser/conftest.py`` itself in :func:`main`.
    """
    _counter[0] += 1
    name = f"bench-{_counter[0]}-{lib}-{n}.ipynb"
    h.write_notebook(lab.root / name, cells(lib, n, glove))
    page = h.open_notebook(browser, lab, name)
    try:
        run_setup(page, h, 0, timeout_ms)
        return measure_cell(page, h, lib, n, 1, seconds=seconds, rest_ms=rest_ms,
                            timeout_ms=timeout_ms)  # fmt: skip
    finally:
        try:
            page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        finally:
            page.close()


def run_setup(page: Any, h: Any, index: int, timeout_ms: float = 600_000) -> None:
    """Run cell ``index`` of the open notebook (not timed) and wait for the kernel."""
    page.evaluate(f"window.jupyterapp.shell.currentWidget.content.activeCellIndex = {index}")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-cell')")
    page.wait_for_function(RAN.format(index), polling=100, timeout=timeout_ms)
    h.wait_idle(page, timeout=timeout_ms)


def measure_cell(
    page: Any,
    h: Any,
    lib: str,
    n: int,
    index: int,
    *,
    seconds: float = 3.0,
    rest_ms: float = 1000,
    timeout_ms: float = 600_000,
) -> Run:
    """Time cell ``index`` (which shows ``lib``'s plot) to its first frame, then pan/zoom."""
    page.evaluate(PAGE_TOOLS)
    if TRACE[0]:
        page.context.browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    page.evaluate(f"window.__bench.runAndWatch({index}, {lib!r})")
    page.wait_for_function("window.__bench.result", polling=100, timeout=timeout_ms)
    first = page.evaluate("window.__bench.result")
    traced = trace_summary(page.context.browser.stop_tracing()) if TRACE[0] else ""
    seen = {
        k: v
        for k, v in first.get("seen", {}).items()
        if k in ("comm_open", "display_data", "execute_result")
    }
    phases = ", ".join(
        f"{k} {v / 1000:.2f} s" for k, v in sorted(seen.items(), key=lambda kv: kv[1])
    )
    if first.get("render") is not None:
        phases += f", render {first['render'] / 1000:.2f} s"
    if first.get("steps"):  # embedkit's view, after render(): sized, scatter, points, labels
        phases += (
            " (then " + ", ".join(f"{k} +{v / 1000:.2f}" for k, v in first["steps"].items()) + ")"
        )
    if first.get("render") is not None and first.get("view") is not None:
        # from the view's "drawn" to pixels read back: the GPU (SwiftShader) finishing the frame
        phases += f", on screen +{(first['ms'] - first['render'] - first['view']) / 1000:.2f} after"
    if traced:
        phases = f"{phases}\n{'':19}trace: {traced}" if phases else f"trace: {traced}"
    view_ms = first.get("view")
    page.wait_for_function(RAN.format(index), polling=100, timeout=timeout_ms)
    h.wait_idle(page, timeout=timeout_ms)
    page.wait_for_timeout(rest_ms)
    size = page.evaluate("window.__bench.box()")[4:]
    counts = drive(page, seconds)
    return Run(lib, n, float(first["ms"]), int(counts["draws"]), int(counts["ticks"]),
               counts["ms"] / 1000, (int(size[0]), int(size[1])),
               view_ms if lib == "embedkit" else None, phases)  # fmt: skip


TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "gpu", "viz"]


def trace_summary(raw: bytes) -> str:
    """Where a first frame's time went, from a Chromium trace of it (``--trace``): how long
    the page's main thread and the GPU process's main thread ran tasks, and how much of
    the latter was the display compositor's ``SwapBuffers`` (which, with software GL,
    draws the whole composited frame), per frame."""
    import json

    events = json.loads(raw)["traceEvents"]
    names = {
        (e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"
    }
    spans = [e for e in events if e.get("ph") == "X" and "dur" in e]
    if not spans:
        return "(empty trace)"
    t0 = min(e["ts"] for e in spans)
    t1 = max(e["ts"] + e["dur"] for e in spans)

    def busy(thread: str) -> float:
        total, end = 0.0, 0.0
        for e in sorted(
            (
                e
                for e in spans
                if names.get((e["pid"], e["tid"])) == thread
                and e["name"] in ("RunTask", "ThreadControllerImpl::RunTask")
            ),
            key=lambda e: e["ts"],
        ):
            if e["ts"] >= end:  # top-level tasks only
                total, end = total + e["dur"], e["ts"] + e["dur"]
        return total / 1000

    swaps = [
        e["dur"] / 1000
        for e in spans
        if e["name"] == "SkiaOutputSurfaceImplOnGpu::SwapBuffers"
        and names.get((e["pid"], e["tid"])) == "CrGpuMain"
    ]
    each = " ".join(f"{d:.0f}" for d in swaps)
    page, gpu = busy("CrRendererMain"), busy("CrGpuMain")
    return (f"{(t1 - t0) / 1000:.0f} ms traced; page main thread busy {page:.0f} ms, "
            f"GPU main thread {gpu:.0f} ms, of which SwapBuffers {sum(swaps):.0f} ms "
            f"in {len(swaps)} frames ({each} ms)")  # fmt: skip


def harness() -> Any:
    """``tests/browser/conftest.py`` as a module (its ``start_lab``, ``open_notebook``, ...)."""
    path = REPO / "tests" / "browser" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_embedkit_browser_harness", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclass looks its module up
    spec.loader.exec_module(mod)
    return mod


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def _ratio_interval(num: list[float], den: list[float], draws: int = 2000) -> tuple[float, float]:
    """A 90% interval of median(num) / median(den): rounds resampled with replacement
    (pairs kept together: one round's two runs shared the machine's state), seeded."""
    import random

    rng = random.Random(0)
    n = len(num)
    ratios = []
    for _ in range(draws):
        pick = [rng.randrange(n) for _ in range(n)]
        ratios.append(_median([num[i] for i in pick]) / _median([den[i] for i in pick]))
    ratios.sort()
    return ratios[int(0.05 * draws)], ratios[int(0.95 * draws) - 1]


def _report(label: str, runs: dict[str, list[Run]]) -> None:
    ek, js = runs["embedkit"], runs["jupyter-scatter"]
    ff = {lib: _median([r.first_frame_ms for r in rs]) for lib, rs in runs.items()}
    fps = {lib: _median([r.fps for r in rs]) for lib, rs in runs.items()}
    ff_pairs = [j.first_frame_ms / e.first_frame_ms for e, j in zip(ek, js, strict=True)]
    fps_pairs = [e.fps / j.fps if j.fps else float("inf") for e, j in zip(ek, js, strict=True)]
    print(f"  medians, {label}:")
    for lib in LIBS:
        print(f"    {lib:<16} first frame {ff[lib] / 1000:6.2f} s   pan/zoom {fps[lib]:5.1f} fps")
    ff_ratio = ff["jupyter-scatter"] / ff["embedkit"]
    fps_ratio = fps["embedkit"] / fps["jupyter-scatter"] if fps["jupyter-scatter"] else float("inf")
    print(
        f"  first frame jupyter-scatter/embedkit: {ff_ratio:.2f}x "
        f"(paired {min(ff_pairs):.2f}-{max(ff_pairs):.2f}; target >= 2)"
    )
    if len(ek) >= 4:
        lo, hi = _ratio_interval([j.first_frame_ms for j in js], [e.first_frame_ms for e in ek])
        above = sum(p > 2 for p in ff_pairs)
        print(
            f"    the ratio's 90% interval (bootstrap of the rounds): {lo:.2f}-{hi:.2f}x; "
            f"median of the pairs {_median(ff_pairs):.2f}x, {above} of {len(ff_pairs)} above 2"
        )
    print(
        f"  pan/zoom fps embedkit/jupyter-scatter: {fps_ratio:.2f} "
        f"(paired {min(fps_pairs):.2f}-{max(fps_pairs):.2f}; target >= 1)"
    )


def _load() -> str:
    load = os.getloadavg()
    text = ", ".join(f"{x:.2f}" for x in load)
    if load[0] > 0.5 * (os.cpu_count() or 1):
        text += " -- UNDER LOAD: other work shares the cores; re-measure on a quiet machine"
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        epilog="Example: python benchmarks/bench_projector.py --sizes 100000 --rounds 1",
    )
    parser.add_argument("--sizes", default="100000,1000000",
                        help="comma-separated point counts (default 100000,1000000)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternating rounds per size (default 2)")  # fmt: skip
    parser.add_argument("--glove", action="store_true",
                        help="also GloVe words, real labels (at most 400,000 rows)")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="length of the pan/zoom gesture sequence (default 3)")  # fmt: skip
    parser.add_argument("--no-labels", action="store_true",
                        help="embedkit without map labels (what labels cost)")  # fmt: skip
    parser.add_argument("--trace", action="store_true",
                        help="trace each first frame; print where it went")  # fmt: skip
    args = parser.parse_args(argv)
    LABELS[0] = not args.no_labels
    TRACE[0] = args.trace
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _machine import describe
    from playwright.sync_api import sync_playwright

    print(describe())
    print(
        "chromium: headless Debian Chromium, WebGL in software (SwiftShader): frame rates are\n"
        "low for both libraries and first frames long; same renderer for both (fair)."
    )
    on = "ON" if LABELS[0] else "OFF (--no-labels)"
    print(
        f"embedkit: ek.Projector(emb, method=xy, labels={LABELS[0]}): map labels {on}; "
        f"height {HEIGHT}"
    )
    print(f"jupyter-scatter: jscatter.plot(x, y), height {HEIGHT}, width as embedkit's canvas")
    import jscatter

    print(f"versions: jupyter-scatter {jscatter.__version__}")
    h = harness()
    cases = [(n, False) for n in sizes] + ([(n, True) for n in sizes] if args.glove else [])
    with (
        tempfile.TemporaryDirectory() as tmp,
        h.start_lab(Path(tmp)) as lab,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=h.CHROMIUM, headless=True, args=h.GL_ARGS)
        for lib in LIBS:  # warm-up, not counted; jupyter-scatter as wide as embedkit
            warm = measure(browser, lab, h, lib, 1000, seconds=0.5)
            WIDTH[0] = WIDTH[0] or warm.canvas[0]
            print(f"canvas {lib}: {warm.canvas[0]} x {warm.canvas[1]} px", flush=True)
        for n, glove in cases:
            rows = min(n, GLOVE_ROWS) if glove else n
            label = f"{rows:,} GloVe words (real labels)" if glove else f"{n:,} random points"
            print(f"\n{label}, {args.rounds} alternating round(s) (load average {_load()})")
            runs: dict[str, list[Run]] = {lib: [] for lib in LIBS}
            for r in range(args.rounds):  # who goes first swaps each round (_machine.alternate)
                for lib in LIBS if r % 2 == 0 else LIBS[::-1]:
                    run = measure(browser, lab, h, lib, n, glove=glove, seconds=args.seconds)
                    runs[lib].append(run)
                    inview = "" if run.view_ms is None else f" (view {run.view_ms / 1000:.2f} s)"
                    print(
                        f"  {lib:<16} first frame {run.first_frame_ms / 1000:6.2f} s{inview}"
                        "   pan/zoom "
                        f"{run.fps:5.1f} fps ({run.draws} redraws in {run.seconds:.1f} s; "
                        f"requestAnimationFrame {run.raf_fps:.1f}/s)"
                        + (f"\n{'':19}arrived: {run.phases}" if run.phases else ""),
                        flush=True,
                    )
            _report(label, runs)
        browser.close()
    print(f"\nload average at the end: {_load()}")


if __name__ == "__main__":
    main()
