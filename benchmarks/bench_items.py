"""Recommendations on MovieLens ml-latest-small: embedkit against the baselines and `implicit`.

One seeded random 80/20 split; every model is scored by the same embedkit functions
(`embedkit.evaluate.rmse` and `.ranking`, k=10, items seen in training excluded).
Prints: the baselines; explicit MF RMSE against user+item biases; implicit BPR
precision@10 against popularity and against the `implicit` library's ALS and BPR
(target: >= 0.95x either); seconds per epoch; `recommend` latency for one user and for
all users in a batch.

    .venv/bin/python benchmarks/bench_items.py
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit's advice

import time

import numpy as np
import pandas as pd
from _machine import alternate, describe, ratio_with_margin

import embedkit as ek
from embedkit import evaluate as ev
from embedkit.train import MatrixFactorization

K = 10
SEED = 0
ROUNDS = 3  # alternating BPR fits of embedkit and implicit (median)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def per_epoch(model) -> float:
    el = model.history_["elapsed"].to_numpy()
    return float(np.diff(np.concatenate([[0.0], el])).mean())


def main() -> None:
    print(describe())
    ratings, _ = ek.datasets.movielens()
    train, test = ev.split(ratings, test=0.2, seed=SEED)
    print(f"MovieLens ml-latest-small: {len(ratings):,} ratings; split {test.attrs['split']}")
    print("(Harper & Konstan 2015; GroupLens terms: research use, no redistribution)\n")

    base = ev.baselines(train, test, k=K)
    print("baselines:")
    print(base.drop(columns="split").round(4).to_string(), "\n")

    mf, t_mf = timed(lambda: MatrixFactorization(kind="explicit", seed=SEED).fit(train))
    bpr, t_bpr = timed(lambda: MatrixFactorization(kind="implicit", seed=SEED).fit(train))
    peers = {}
    for name, params in {
        "implicit ALS": ("als", {"factors": 64, "iterations": 15, "regularization": 0.05}),
        "implicit BPR": ("bpr", {"factors": 64, "iterations": 100}),
    }.items():
        peers[name] = timed(lambda p=params: ev.ImplicitLibrary(p[0], **p[1]).fit(train))

    rmse_mf = ev.rmse(mf, test).rmse
    rmse_bias = float(base.loc["user+item biases", "rmse"])
    print(f"explicit MF   : {ev.rmse(mf, test)}")
    print(f"  vs biases   : {rmse_bias:.4f}  -> MF/biases = {rmse_mf / rmse_bias:.4f} "
          f"(target < 1: {'met' if rmse_mf < rmse_bias else 'NOT met'})")  # fmt: skip
    print(f"  {per_epoch(mf):.2f} s/epoch, {t_mf:.1f} s for {len(mf.history_)} epochs\n")

    models = {"embedkit BPR": bpr, **{n: m for n, (m, _) in peers.items()}}
    table = ev.compare_recommenders(models, test, k=K)
    table.loc["popularity"] = base.loc["popularity"]
    p = table[f"precision@{K}"]
    print(table.drop(columns=["rmse", "split"]).round(4).to_string())
    print(f"(split: {test.attrs['split']}, k={K})")
    pop, mine = float(p["popularity"]), float(p["embedkit BPR"])
    print(f"BPR / popularity     = {mine / pop:.3f} (target > 1: {'met' if mine > pop else 'NOT'})")
    best = 0.0
    for name in peers:
        ratio = mine / float(p[name])
        best = max(best, ratio)
        print(f"BPR / {name:<14} = {ratio:.3f}")
    print(f"target >= 0.95x the implicit library's BPR or ALS: {'met' if best >= 0.95 else 'NOT'}")
    times = {"embedkit BPR": t_bpr, **{n: t for n, (_, t) in peers.items()}}
    print("fit seconds: " + ", ".join(f"{n} {t:.1f}" for n, t in times.items()))
    print(
        f"s/epoch: embedkit BPR {per_epoch(bpr):.2f} ({len(bpr.history_)} epochs, "
        f"{bpr.negatives} negatives per positive), implicit ALS "
        f"{peers['implicit ALS'][1] / 15:.2f} (15), implicit BPR "
        f"{peers['implicit BPR'][1] / 100:.2f} (100)\n"
    )

    # BPR train time against implicit's CPU BPR: same data and factors, alternating runs
    # (embedkit's first fit above compiled its loop; implicit needs no compilation)
    fits = {
        "implicit BPR": lambda: ev.ImplicitLibrary("bpr", factors=64, iterations=100),
        "embedkit BPR": lambda: MatrixFactorization(kind="implicit", seed=SEED),
    }
    precision: dict[str, list[float]] = {name: [] for name in fits}

    def fit_timed(name: str) -> float:
        model, seconds = timed(lambda: fits[name]().fit(train))
        precision[name].append(
            float(ev.compare_recommenders({name: model}, test, k=K)[f"precision@{K}"].iloc[0])
        )
        return seconds

    runs = alternate({name: lambda n=name: fit_timed(n) for name in fits}, ROUNDS)
    for name in fits:
        print(f"{name}: fit median {np.median(runs[name]):.2f} s over {ROUNDS} runs, "
              f"precision@{K} {np.median(precision[name]):.4f}")  # fmt: skip
    ours_p, theirs_p = np.median(precision["embedkit BPR"]), np.median(precision["implicit BPR"])
    print(
        f"BPR train time embedkit / implicit: "
        f"{ratio_with_margin(runs['embedkit BPR'], runs['implicit BPR'])} (target <= 1.0) at "
        f"precision@{K} {ours_p:.4f} vs {theirs_p:.4f} "
        f"({'>=' if ours_p >= theirs_p else '<'}, target >=)\n"
    )

    users = ratings["user"].unique().tolist()
    one = []
    for u in users[:50]:
        _, t = timed(lambda u=u: mf.recommend(u, k=K))
        one.append(t)
    (_, _, _), t_all = timed(lambda: mf.top_k(users, k=K))
    print(f"recommend(user, k={K}): median {1e3 * float(np.median(one)):.2f} ms per call")
    print(f"top_k(all {len(users)} users, k={K}) in one batch: {1e3 * t_all:.1f} ms "
          f"({1e6 * t_all / len(users):.0f} us per user)")  # fmt: skip
    pd.set_option("display.width", 120)


if __name__ == "__main__":
    main()
