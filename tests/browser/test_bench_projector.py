"""The side-by-side benchmark's measuring code still measures (benchmarks/bench_projector.py).

At 1,000 points, embedkit and jupyter-scatter in one notebook of this session's JupyterLab
(one kernel, to stay quick; the benchmark itself gives each measurement a fresh one): the
first frame is found (a positive time) and the pan/zoom gestures make both the library's
redraw counter and the requestAnimationFrame counter count. Without jupyter-scatter this
skips in a quick run and fails inside ``make test`` (root conftest.py), so the benchmark
cannot rot silently.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser]

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_projector.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("_bench_projector", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclass looks its module up
    spec.loader.exec_module(mod)
    return mod


def test_benchmark_measures_both_libraries(lab: Any, browser: Any, ui: Any) -> None:
    pytest.importorskip("jscatter", reason="jupyter-scatter is in the test extra")
    bench = _bench()
    (ek_setup, ek_show), (js_setup, js_show) = (bench.cells(lib, 1000) for lib in bench.LIBS)
    ui.write_notebook(
        lab.root / "bench_projector.ipynb", [ek_setup + "\n" + js_setup, ek_show, js_show]
    )
    page = ui.open_notebook(browser, lab, "bench_projector.ipynb")
    try:
        bench.run_setup(page, ui, 0, timeout_ms=60_000)
        for index, lib in enumerate(bench.LIBS, start=1):
            run = bench.measure_cell(
                page, ui, lib, 1000, index, seconds=1.0, rest_ms=200, timeout_ms=60_000
            )
            assert run.first_frame_ms > 0, run
            assert run.draws > 0 and run.fps > 0, run  # the library redrew while panning
            assert run.ticks > 0 and run.raf_fps > 0, run
            assert run.draws <= run.ticks + 2, run  # at most one redraw per animation frame
            assert min(run.canvas) > 0, run
    finally:
        page.close()
