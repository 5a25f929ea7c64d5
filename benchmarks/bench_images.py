"""Image embeddings on digits: accuracy target, training overhead, extraction speed, memory.

1. Target (issue 5): train ImageTrainer on a stratified half of sklearn's digits, embed
   all 1,797 with the trained backbone, classify the held-out half by kNN (k=5, cosine)
   against the training half. Goal: accuracy >= 0.98 and above raw-pixel kNN on the same
   split, within 2 minutes of training on 2 CPU cores. Printed: time, accuracy, baseline.
2. Training overhead: the same model, optimiser, schedule, augmentation and batches in a
   plain torch loop; ratio of epoch times (embedkit / plain, lower is better).
   Ratios use process CPU time by default (``--clock wall`` for wall time): on a shared
   machine wall time swings by 2x between identical runs, CPU time far less.
3. Extraction: ImageEmbedder images/sec against a plain torch loop over the same model,
   batch size and uint8 inputs (same resize + normalise); goal ratio >= 0.95.
4. Peak memory (max RSS, in a fresh process) for embedding 10k images.

The machine may be shared: the load average is printed with the numbers. Run:
``.venv/bin/python benchmarks/bench_images.py [--backbone small --image-size 16 --epochs 8]``
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import torch
import torch.nn.functional as F
from _machine import describe
from sklearn.model_selection import train_test_split

import embedkit as ek
from embedkit.train import _vision as V
from embedkit.train.images import ImageEmbedder, ImageTrainer

CLOCK = {"cpu": time.process_time, "wall": time.perf_counter}
clock = time.process_time  # set from --clock in main()


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def split(d: ek.datasets.Digits, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rows = np.arange(len(d))
    train, test = train_test_split(rows, test_size=0.5, stratify=d.labels, random_state=seed)
    return np.sort(train), np.sort(test)


def target(args: argparse.Namespace, d: ek.datasets.Digits) -> None:
    train, test = split(d)
    mask = np.zeros(len(d), bool)
    mask[test] = True
    raw = ek.Embeddings(d.names, d.flat())
    base = ek.evaluate.knn_accuracy(raw, d.labels, k=5, test=mask).accuracy
    tr = ImageTrainer(
        args.backbone, epochs=args.epochs, seed=0, image_size=args.image_size, device="cpu",
        workers=args.threads,
    )  # fmt: skip
    t0, c0 = time.perf_counter(), time.process_time()
    tr.fit(d.images[train], d.labels[train])
    fit_s, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    emb = tr.embed(d.images, classes=d.labels)
    acc = ek.evaluate.knn_accuracy(emb, "label", k=5, test=mask).accuracy
    epoch_s = float(np.diff(np.r_[0.0, tr.history_["elapsed"].to_numpy()]).mean())
    ok = acc >= 0.98 and acc > base and fit_s <= 120
    threads = torch.get_num_threads() if args.threads is None else args.threads
    what = f"{args.backbone}, {args.image_size}px, {args.epochs} epochs, threads={threads}"
    print(f"[1] target ({what}; {load()})")
    print(
        f"    training on {len(train)} digits: {fit_s:.1f} s wall, {fit_cpu:.1f} s CPU "
        f"({epoch_s:.2f} s/epoch wall)"
    )
    print(
        f"    kNN k=5 cosine, held-out half ({len(test)}): learned {acc:.4f}  raw pixels {base:.4f}"
    )
    print(f"    target >= 0.98, above raw, <= 120 s: {'MET' if ok else 'NOT MET'}")


def plain_training(args: argparse.Namespace, d: ek.datasets.Digits, epochs: int) -> list[float]:
    """The same training as ImageTrainer, written as a plain torch loop; epoch times."""
    import torchvision

    train, _ = split(d)
    images, y = d.images[train], torch.from_numpy(d.labels[train])
    n, bs, size = len(y), 64, args.image_size
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    if args.backbone == "small":
        body: torch.nn.Module = V.SmallResNet()
        body.fc = torch.nn.Identity()
        dim = 128
    else:
        body = torchvision.models.get_model(args.backbone, weights=None)
        dim = body.fc.in_features
        body.fc = torch.nn.Identity()
    net = torch.nn.Sequential(body, torch.nn.Linear(dim, 10))
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=5e-4)
    steps = math.ceil(n / bs)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, total_steps=epochs * steps)
    mean = torch.tensor(V.IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(V.IMAGENET_STD).view(1, 3, 1, 1)
    lossf = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    torch.use_deterministic_algorithms(True)
    times = []
    for _ in range(epochs):
        t0 = clock()
        for idx in np.array_split(torch.randperm(n, generator=gen).numpy(), steps):
            x = torch.from_numpy(images[idx]).float().div(255)[:, None].expand(-1, 3, -1, -1)
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
            x = V.augment(x, gen, 10.0, 0.12)
            loss = lossf(net((x - mean) / std), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        times.append(clock() - t0)
    torch.use_deterministic_algorithms(False)
    return times


def our_training(args: argparse.Namespace, d: ek.datasets.Digits, epochs: int) -> list[float]:
    """ImageTrainer on the same data; epoch times from its events (same clock as plain)."""
    train, _ = split(d)
    stamps: list[float] = []

    class Clock:
        def on_start(self, trainer: object) -> None:
            stamps.append(clock())

        def on_event(self, event: ek.train.TrainingEvent) -> None:
            if event.stage == "epoch":
                stamps.append(clock())

    tr = ImageTrainer(
        args.backbone, epochs=epochs, seed=0, image_size=args.image_size, device="cpu",
        workers=args.threads, observers=[Clock()],
    )  # fmt: skip
    tr.fit(d.images[train], d.labels[train])
    return np.diff(stamps).tolist()


def overhead(args: argparse.Namespace, d: ek.datasets.Digits) -> None:
    """Epoch time, ImageTrainer vs plain loop: interleaved runs, fastest epoch of each."""
    best = {"plain": math.inf, "embedkit": math.inf}
    runs = [("plain", plain_training), ("embedkit", our_training)]
    for r in range(args.rounds):  # alternate which runs first: no order bias
        for name, fn in runs if r % 2 == 0 else runs[::-1]:
            best[name] = min(best[name], *fn(args, d, args.overhead_epochs))
    ratio = best["embedkit"] / best["plain"]
    print(f"[2] training epoch on 898 digits ({args.backbone}, {args.image_size}px; {load()})")
    print(f"    embedkit {best['embedkit']:.2f} s  plain torch loop {best['plain']:.2f} s  "
          f"ratio {ratio:.3f} (fastest epoch of {args.rounds} interleaved runs each)")  # fmt: skip


def extraction(args: argparse.Namespace, d: ek.datasets.Digits) -> None:
    """ImageEmbedder vs a plain torch loop: same resnet18, batch size, uint8 inputs."""
    images = np.concatenate([d.images] * args.repeat)
    emb = ImageEmbedder("resnet18", device="cpu", batch_size=64)
    model = emb.model_
    mean = torch.tensor(V.IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(V.IMAGENET_STD).view(1, 3, 1, 1)

    def plain() -> None:
        model.eval()
        out = []
        with torch.inference_mode():
            for i in range(0, len(images), 64):
                x = torch.from_numpy(images[i : i + 64]).float().div(255)[:, None]
                x = F.interpolate(x.expand(-1, 3, -1, -1), size=(32, 32), mode="bilinear",
                                  align_corners=False)  # fmt: skip
                out.append(model((x - mean) / std).numpy())
        np.concatenate(out)

    def ours() -> None:
        emb.embed(images)

    best = {"plain": math.inf, "embedkit": math.inf}
    runs = [("plain", plain), ("embedkit", ours)]
    for r in range(args.rounds):  # interleaved, alternating order, best of rounds
        for name, fn in runs if r % 2 == 0 else runs[::-1]:
            t0 = clock()
            fn()
            best[name] = min(best[name], clock() - t0)
    rate = {k: len(images) / v for k, v in best.items()}
    ratio = rate["embedkit"] / rate["plain"]
    print(f"[3] extraction, resnet18 at 32px, batch 64, {len(images):,} digits ({load()})")
    verdict = "MET" if ratio >= 0.95 else "NOT MET"
    print(f"    plain torch {rate['plain']:,.0f} images/s  embedkit {rate['embedkit']:,.0f} "
          f"images/s  ratio {ratio:.3f} (goal >= 0.95: {verdict})")  # fmt: skip


def memory(n: int) -> None:
    """Peak memory of embedding ``n`` digits, in a fresh process (Linux /proc counters)."""
    code = textwrap.dedent(f"""
        import numpy as np, embedkit as ek
        from embedkit.train.images import ImageEmbedder

        def kb(key):
            for line in open("/proc/self/status"):
                if line.startswith(key):
                    return int(line.split()[1])

        d = ek.datasets.digits()
        imgs = np.concatenate([d.images] * (-(-{n} // len(d))))[:{n}]
        e = ImageEmbedder("resnet18", device="cpu")
        e.embed(imgs[:64])
        open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to now
        before = kb("VmRSS")
        emb = e.embed(imgs)
        print(before / 1024, kb("VmHWM") / 1024, emb.vectors.nbytes / 2**20)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, peak, vec = (float(x) for x in out.stdout.split()[:3])
    print(f"[4] memory: embedding {n:,} digits with resnet18 (512-d, batch 64): peak RSS "
          f"{peak:.0f} MB, {peak - before:+.0f} MB over the {before:.0f} MB of the loaded process "
          f"(torch + model); the vectors themselves are {vec:.0f} MB")  # fmt: skip


def main() -> None:
    print(describe())
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backbone", default="small")
    p.add_argument("--image-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    p.add_argument("--repeat", type=int, default=2, help="digits copies for extraction speed")
    p.add_argument("--rounds", type=int, default=4, help="interleaved rounds for ratios")
    p.add_argument("--overhead-epochs", type=int, default=2)
    p.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="for the ratios: process CPU time (robust on a shared machine) or wall",
    )
    p.add_argument("--memory-n", type=int, default=10_000)
    p.add_argument("--skip", default="", help="comma list of parts to skip: 1,2,3,4")
    args = p.parse_args()
    global clock
    clock = CLOCK[args.clock]
    skip = set(args.skip.split(","))
    d = ek.datasets.digits()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {os.cpu_count()} CPUs, threads {torch.get_num_threads()}, "
        f"ratios by {args.clock} time"
    )
    if "1" not in skip:
        target(args, d)
    if "2" not in skip:
        overhead(args, d)
    if "3" not in skip:
        extraction(args, d)
    if "4" not in skip:
        memory(args.memory_n)


if __name__ == "__main__":
    main()
