"""ImageTrainer in one process against two Ray Train workers (DDP) on the same 2 cores.

The target of bench_images.py, trained both ways: ImageTrainer on a stratified half of
sklearn's digits (898 images), then kNN (k=5, cosine) of the held-out half against the
training half on the trained backbone's features. Goal: the same quality both ways
(kNN >= 0.98). One process trains with ``workers=2`` torch threads; the distributed
run with ``distributed=2`` (two Ray Train workers of one CPU and one thread each, every
batch of 64 shared between them, gradients averaged by DDP over gloo) on a local Ray
cluster of 2 CPUs (its start is not counted).

Printed for each: the whole ``fit`` (wall), the epochs alone (the loop's ``elapsed``
after the last epoch: training, probes and events), the fixed cost (fit minus epochs:
for Ray, starting the Train controller and the workers, which import torch and Ray
Train, and stopping them; for both, the final feature extraction), and the kNN accuracy.

On a shared machine the load average printed first says how far to trust the times.
Run: ``.venv/bin/python benchmarks/bench_ray_train.py [--epochs 8] [--rounds 1]``
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
from _machine import describe
from sklearn.model_selection import train_test_split

import embedkit as ek
from embedkit.train.images import ImageTrainer


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(args: argparse.Namespace, d: ek.datasets.Digits, distributed: int | None) -> dict:
    rows = np.arange(len(d))
    train, test = train_test_split(rows, test_size=0.5, stratify=d.labels, random_state=0)
    train, test = np.sort(train), np.sort(test)
    tr = ImageTrainer(
        args.backbone, epochs=args.epochs, seed=0, image_size=args.image_size, device="cpu",
        workers=None if distributed else 2, distributed=distributed,
    )  # fmt: skip
    t0 = time.perf_counter()
    tr.fit(d.images[train], d.labels[train])
    fit = time.perf_counter() - t0
    mask = np.zeros(len(d), bool)
    mask[test] = True
    emb = tr.embed(d.images, classes=d.labels)
    acc = ek.evaluate.knn_accuracy(emb, "class", k=5, test=mask).accuracy
    epochs = float(tr.history_["elapsed"].iloc[-1])
    return {"fit": fit, "epochs": epochs, "knn": acc, "loss": tr.history_["loss"].iloc[-1]}


def main() -> None:
    print(describe())
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backbone", default="small")
    p.add_argument("--image-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--rounds", type=int, default=1, help="alternating rounds (best of)")
    args = p.parse_args()
    # Ray Train 2.60 deep-copies Ray Data's context at every fit, which warns about
    # three deprecated fields from ray.data.context: Ray's own doing, not ours
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="ray.data.context")
    t0 = time.perf_counter()
    ek.scale.local_cluster(num_cpus=2)
    print(f"local Ray cluster (2 CPUs) started in {time.perf_counter() - t0:.1f} s")
    d = ek.datasets.digits()
    best: dict[str, dict] = {}
    runs = [("one process, 2 threads", None), ("Ray Train, 2 workers", 2)]
    for r in range(args.rounds):  # alternate which runs first: no order bias
        for name, dist in runs if r % 2 == 0 else runs[::-1]:
            out = run(args, d, dist)
            if name not in best or out["fit"] < best[name]["fit"]:
                best[name] = out
    what = f"{args.backbone}, {args.image_size}px, {args.epochs} epochs, 898 digits"
    print(f"ImageTrainer ({what}; {load()}; best of {args.rounds})")
    for name, o in best.items():
        print(
            f"    {name:24s} fit {o['fit']:6.1f} s  epochs {o['epochs']:6.1f} s  "
            f"fixed {o['fit'] - o['epochs']:5.1f} s  last loss {o['loss']:.3f}  "
            f"kNN {o['knn']:.4f} ({'MET' if o['knn'] >= 0.98 else 'NOT MET'} >= 0.98)"
        )
    one, two = best[runs[0][0]], best[runs[1][0]]
    print(f"    epochs time, 2 workers / one process: {two['epochs'] / one['epochs']:.2f}; "
          f"whole fit: {two['fit'] / one['fit']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
