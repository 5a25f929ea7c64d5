"""Time the 2-D layouts (PCA, t-SNE, UMAP) on GloVe 6B 50d at 10k / 50k / 100k words.

t-SNE is measured with both implementations embedkit can use: openTSNE
(``embedkit[tsne]``; Barnes-Hut below 10,000 points, FFT-accelerated interpolation from
10,000 up) and scikit-learn's Barnes-Hut (init="pca"); the faster one is
``tsne_layout``'s default (``backend="auto"``). scikit-learn's exact t-SNE is O(n²) in
time and memory and only run at the probe size. All run single-threaded (``n_jobs=1``,
embedkit's reproducible default): on a shared 2-core machine, two threads that meet at a
barrier every iteration were several times slower than one.

Each run happens in a child process that is stopped after ``--cap`` seconds (reported as
``> cap``); once a method hits the cap, its larger sizes are skipped, and so is
everything once the total ``--budget`` is spent. The table says which.

    python benchmarks/bench_layouts.py                # ~10 minutes on 2 cores
    python benchmarks/bench_layouts.py --sizes 10000 --cap 60

``--n`` measures the live layouts instead (issue 12): t-SNE and UMAP as embedkit runs them
now (PCA start handed over at once, faiss exact neighbours, both cores, openTSNE FFT with
125 + 275 iterations, umap-learn's epochs from the PCA start, and from 10,000 points the
large-map defaults: perplexity 10; UMAP with 10 neighbours, min_dist 0, 3 negative
samples) beside the old settings (openTSNE's defaults: Annoy neighbours, 250 + 500
iterations, one thread; umap-learn seeded, one thread, spectral start). For each: seconds
to the first frame (the old ones show nothing before the end), total seconds, and
neighbour preservation: the fraction of each point's 10 cosine neighbours in the
original space that are among its 10 nearest in 2-D, over 1,000 seeded sampled points.
numba compiles before the clock.

    python benchmarks/bench_layouts.py --n 100000     # ~15 minutes on 2 cores
    python benchmarks/bench_layouts.py --n 20000 [--no-old]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _machine import describe

from embedkit import project

PROBE = 1000
FFT, BH = "t-SNE openTSNE", "t-SNE sklearn Barnes-Hut"


def glove_vectors() -> np.ndarray:
    """GloVe 6B 50d vectors, most frequent words first (offline package)."""
    import embedkit as ek

    return np.asarray(ek.datasets.glove().vectors, dtype=np.float32)


RUNNERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "PCA": lambda X: project.layout(X, "pca"),
    FFT: lambda X: project.tsne_layout(X, backend="opentsne", n_jobs=1),
    "UMAP (umap-learn, seeded)": lambda X: project.layout(X, "umap", n_jobs=1),
    BH: lambda X: project.tsne_layout(X, backend="sklearn", n_jobs=1),
    "t-SNE sklearn exact": lambda X: project.tsne_layout(X, backend="sklearn", method="exact"),
}


def _child(name: str, X: np.ndarray, out: Any) -> None:
    if name.startswith("UMAP"):  # numba compiles on first use: do that before the clock
        project.layout(X[:300], "umap", n_epochs=10)
    t0 = time.perf_counter()
    Y = RUNNERS[name](X)
    dt = time.perf_counter() - t0
    ok = Y.shape == (len(X), 2) and bool(np.isfinite(Y).all())
    out.send((dt, ok))
    out.close()


def timed(name: str, X: np.ndarray, cap: float) -> float | None:
    """Seconds for one run in a child process, or None if it was stopped at ``cap``."""
    ctx = mp.get_context("spawn")  # fork is unsafe once OpenMP (numba, BLAS) has started
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(name, X, send))
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    if proc.exitcode != 0:
        raise RuntimeError(f"{name} at {len(X)} points failed (exit code {proc.exitcode})")
    if not recv.poll(5):
        raise RuntimeError(f"{name} at {len(X)} points finished without a result")
    dt, ok = recv.recv()
    if not ok:
        raise RuntimeError(f"{name} returned a wrong layout for {len(X)} points")
    return float(dt)


def _live_child(name: str, X: np.ndarray, out: Any) -> None:
    """One live-comparison run: (first frame s, neighbour graph done s, total s, layout)."""
    if "UMAP" in name:  # numba compiles on first use: do that before the clock
        project.layout(X[:300], "umap", n_epochs=10, n_jobs=1)
        project.layout(X[:300], "umap", n_epochs=10)
        import umap

        umap.UMAP(n_epochs=10, random_state=0, n_jobs=1).fit_transform(X[:300])
    first: list[float] = []
    t0 = time.perf_counter()
    if name == "t-SNE old":
        import openTSNE

        Y = np.asarray(openTSNE.TSNE(metric="cosine", n_jobs=1, random_state=0,
                                     initialization="pca").fit(X))  # fmt: skip
    elif name == "UMAP old":
        import umap

        Y = umap.UMAP(metric="cosine", random_state=0, n_jobs=1).fit_transform(X)
    else:
        method = "tsne" if "t-SNE" in name else "umap"
        Y = project.layout(X, method, callback=lambda f: first.append(time.perf_counter() - t0)
                           if f.stage in ("init", "neighbours") else None)  # fmt: skip
    total = time.perf_counter() - t0
    first += [total, total] if not first else []
    out.send((first[0], first[1], total, np.asarray(Y, dtype=np.float32)))
    out.close()


def preserved(X: np.ndarray, Y: np.ndarray, sample: int = 1000, k: int = 10) -> float:
    """Mean fraction of the k cosine neighbours (original space) among the k nearest in 2-D,
    over ``sample`` seeded points; exact searches both."""
    from embedkit import search

    rows = np.random.default_rng(0).choice(len(X), min(sample, len(X)), replace=False)
    skip = [[int(r)] for r in rows]
    ref, _ = search.topk(X, X[rows], k, metric="cosine", exclude=skip)
    got, _ = search.topk(Y, Y[rows], k, metric="euclidean", exclude=skip)
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(ref, got, strict=True)]))


def live(n: int, cap: float, old: bool) -> None:
    """Old vs new t-SNE and UMAP at ``n`` GloVe words (see the module doc); "graph" is
    when the neighbour graph was ready (the optimisation starts)."""
    X = glove_vectors()[:n]
    ctx = mp.get_context("spawn")
    print(f"\n{'layout at ' + format(n, ','):28s} {'first frame':>12s} {'graph':>8s} "
          f"{'total':>10s} {'kept@10':>8s}", flush=True)  # fmt: skip
    names = ["t-SNE new", "UMAP new"] + (["t-SNE old", "UMAP old"] if old else [])
    for name in names:
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_live_child, args=(name, X, send))
        proc.start()
        got = recv.recv() if recv.poll(cap + (60 if "UMAP" in name else 0)) else None
        proc.join(5)
        if proc.is_alive():
            proc.terminate()
            proc.join()
        if got is None:
            print(f"{name:28s} {'-':>12s} {'-':>8s} {f'> {cap:.0f} s':>10s} {'-':>8s} (stopped)",
                  flush=True)  # fmt: skip
            continue
        first, graph, total, Y = got
        shown = f"{graph:7.1f}s" if "new" in name else f"{'-':>8s}"
        print(f"{name:28s} {first:11.2f}s {shown} {total:9.1f}s {preserved(X, Y):8.3f}",
              flush=True)  # fmt: skip


def main() -> None:
    print(describe())
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    ap.add_argument("--cap", type=float, default=150.0, help="seconds before a run is stopped")
    ap.add_argument("--budget", type=float, default=570.0, help="total seconds for all runs")
    ap.add_argument("--n", type=int, help="live layouts, old vs new settings, at n words")
    ap.add_argument("--no-old", action="store_true", help="with --n: skip the old settings")
    args = ap.parse_args()
    if args.n:
        live(args.n, max(args.cap, 400.0), not args.no_old)
        return
    X = glove_vectors()
    start = time.perf_counter()
    plan = [(name, PROBE) for name in RUNNERS]
    plan += [(name, n) for n in args.sizes for name in RUNNERS if "exact" not in name]
    results: dict[tuple[str, int], float] = {}
    capped: dict[str, float] = {}  # method -> seconds at which it was stopped
    rows: list[tuple[str, int, str]] = []
    for name, n in plan:  # size by size: the budget runs out at the large end
        left = args.budget - (time.perf_counter() - start)
        if name in capped:
            rows.append((name, n, f"skipped (> {capped[name]:.0f} s at a smaller size)"))
            continue
        cap = args.cap if name != "PCA" else max(args.cap, 60.0)
        if name.startswith("UMAP"):
            cap += 45.0  # the child compiles numba first (not timed, but inside the cap)
        if name != "PCA" and left < 10:
            rows.append((name, n, "skipped (time budget spent)"))
            continue
        limit = min(cap, max(left, 10.0)) if name != "PCA" else cap
        dt = timed(name, X[:n], limit)
        if dt is None:
            capped[name] = limit
            text = f"> {limit:.0f} s (stopped)"
        else:
            results[(name, n)] = dt
            text = f"{dt:.2f} s"
        rows.append((name, n, text))
        print(f"  {name:28s} n={n:>7,}  {text}", flush=True)
    print(f"\n{'method':28s} {'points':>8s}  time")
    for name, n, text in rows:
        print(f"{name:28s} {n:>8,}  {text}")
    common = [n for n in [PROBE, *args.sizes] if (FFT, n) in results and (BH, n) in results]
    if not common and (FFT, PROBE) in results and BH in capped:
        fast, slow = results[(FFT, PROBE)], capped[BH]
        print(f"\nt-SNE at {PROBE:,} points: sklearn Barnes-Hut stopped at {slow:.0f} s, "
              f"openTSNE {fast:.1f} s: >= {slow / fast:.1f}x -> default: openTSNE")  # fmt: skip
    if common:
        n = max(common)
        ratio = results[(BH, n)] / results[(FFT, n)]
        choice = "openTSNE" if ratio > 1 else "sklearn Barnes-Hut"
        print(f"\nt-SNE at {n:,} points: sklearn Barnes-Hut / openTSNE = {ratio:.2f}x "
              f"-> default backend: {choice}")  # fmt: skip
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
