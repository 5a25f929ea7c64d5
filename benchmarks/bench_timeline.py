"""What recording a timeline (``track=``) costs, and which 2D alignment reads best.

Cost: trains, at the tutorial sizes, with and without ``track=True`` (2,000 rows), in
alternating rounds, and prints the ratio of the training times (goal: at most 1.05):

- Word2Vec skip-gram, 50 dims, 5 epochs on the Wikipedia sample (notebook 02);
- the small ResNet on the digits training half, 16-pixel images (notebook 05; 3 epochs);
- explicit matrix factorisation, 64 factors, 6 epochs on MovieLens (notebook 06).

``--align``: trains Word2Vec (as above, 10 epochs, the 2,000 most frequent words) and
compares the layouts of :func:`embedkit.timeline.aligned_coords`. For each pair of
consecutive epochs the rows are split by how much their 10 nearest neighbours changed
(Jaccard >= 0.8: "still", <= 0.3: "moving"); the figures are the mean 2D displacement
per epoch of each group, relative to the cloud's RMS radius, and the displacement
between the last two epochs. Motion means learning when "still" points barely move.

Run: ``.venv/bin/python benchmarks/bench_timeline.py [--rounds 3] [--only word2vec]``
or ``.venv/bin/python benchmarks/bench_timeline.py --align``.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import embedkit as ek
from embedkit.timeline import ALIGNMENTS, _jaccard, aligned_coords, neighbour_sets
from embedkit.train.tracking import Tracker

try:
    from _machine import alternate, describe, ratio_with_margin
except ImportError:  # run from the repository root
    from benchmarks._machine import alternate, describe, ratio_with_margin


def word2vec_setup(epochs: int = 5) -> Callable[[Any], Any]:
    corpus = ek.train.check_corpus(ek.datasets.wiki_sample())

    def run(track: Any) -> Any:
        w2v = ek.train.Word2Vec(
            vector_size=50, window=5, min_count=5, sg=1, epochs=epochs, deterministic=True,
            track=track,
        )  # fmt: skip
        return w2v.fit(corpus)

    return run


def digits_setup(epochs: int = 3) -> Callable[[Any], Any]:
    from sklearn.model_selection import train_test_split

    digits = ek.datasets.digits()
    rows = np.arange(len(digits))
    train_rows, _ = train_test_split(rows, test_size=0.5, stratify=digits.labels, random_state=0)
    train_rows = np.sort(train_rows)
    train = ek.datasets.Digits(
        digits.images[train_rows], digits.labels[train_rows], digits.target_names
    )

    def run(track: Any) -> Any:
        trainer = ek.train.ImageTrainer(
            backbone="small", epochs=epochs, seed=0, image_size=16, batch_size=64,
            augment=True, device="cpu", workers=1, track=track,
        )  # fmt: skip
        return trainer.fit(train)

    return run


def movielens_setup(epochs: int = 6) -> Callable[[Any], Any]:
    from embedkit import evaluate as ev

    ratings, items = ek.datasets.movielens()
    train, test = ev.split(ratings, by="random", test=0.2, seed=0)

    def run(track: Any) -> Any:
        mf = ek.train.MatrixFactorization(
            kind="explicit", factors=64, epochs=epochs, seed=0, track=track
        )
        return mf.fit(train, items=items, validation=test)

    return run


SETUPS = {"word2vec": word2vec_setup, "digits": digits_setup, "movielens": movielens_setup}


def cost(rounds: int, only: str | None) -> None:
    for name, setup in SETUPS.items():
        if only and name != only:
            continue
        run = setup()
        run(None)  # warm-up: data loaded, libraries imported

        def timed(track: Any, run: Callable[[Any], Any] = run) -> Callable[[], float]:
            def go() -> float:
                t0 = time.perf_counter()
                trainer = run(track)
                seconds = time.perf_counter() - t0
                if track:
                    assert trainer.timeline_ is not None
                return seconds

            return go

        times = alternate({"track": timed(True), "plain": timed(None)}, rounds)
        trainer = run(True)
        tl = trainer.timeline_
        ratio = ratio_with_margin(times["track"], times["plain"])
        print(
            f"{name}: {tl!r}; plain {min(times['plain']):.2f} s, tracked "
            f"{min(times['track']):.2f} s; tracked/plain {ratio}"
        )
        print(f"  settling per epoch: {trainer.history_['settling'].tolist()}")
        work = _tracking_work(tl)
        epoch_s = float(trainer.history_["elapsed"].iloc[-1]) / len(tl)
        print(
            f"  tracking work alone: {1000 * work:.0f} ms per epoch = {100 * work / epoch_s:.1f} % "
            f"of a {epoch_s:.2f} s epoch (robust to the load: timed on its own)"
        )


def _tracking_work(tl: Any) -> float:
    """Seconds per epoch of what ``track=`` adds (copy, settling, timeline so far)."""
    frames = [ek.Embeddings(tl.labels, v) for v in tl.vectors]
    best = float("inf")
    for _ in range(3):
        tracker = Tracker(len(tl.labels), len(frames))
        t0 = time.perf_counter()
        for epoch, emb in enumerate(frames, 1):
            tracker.record(epoch, emb, 0.0, {})
        tracker.timeline(final=True)
        best = min(best, (time.perf_counter() - t0) / len(frames))
    return best


def _displacements(coords: np.ndarray, jac: list[np.ndarray]) -> dict[str, float]:
    final = coords[-1] - coords[-1].mean(axis=0)
    radius = float(np.sqrt((final**2).sum(axis=1).mean()))
    still, moving = [], []
    for t, j in enumerate(jac):
        step = np.linalg.norm(coords[t + 1] - coords[t], axis=1) / radius
        still.append(step[j >= 0.8])
        moving.append(step[j <= 0.3])
    last = np.linalg.norm(coords[-1] - coords[-2], axis=1).mean() / radius
    s, m = float(np.concatenate(still).mean()), float(np.concatenate(moving).mean())
    return {"still": s, "moving": m, "still/moving": s / m, "last step": float(last)}


def align(epochs: int = 10) -> None:
    trainer = word2vec_setup(epochs)(True)
    frames = trainer.timeline_.vectors
    sets = [neighbour_sets(v) for v in frames]
    jac = [_jaccard(a, b) for a, b in itertools.pairwise(sets)]
    print(f"{trainer.timeline_!r}; settling {trainer.history_['settling'].tolist()}")
    n_still = sum(int((j >= 0.8).sum()) for j in jac)
    n_moving = sum(int((j <= 0.3).sum()) for j in jac)
    print(f"row-epochs still (Jaccard >= 0.8): {n_still}, moving (<= 0.3): {n_moving}")
    for method in ALIGNMENTS:
        t0 = time.perf_counter()
        coords = aligned_coords(frames, align=method)
        seconds = time.perf_counter() - t0
        figures = ", ".join(f"{k} {v:.3f}" for k, v in _displacements(coords, jac).items())
        print(f"{method:>16}: {figures} ({seconds:.2f} s)")
        radii = np.sqrt(((coords - coords.mean(axis=1, keepdims=True)) ** 2).sum(-1).mean(-1))
        print(f"{'':>16}  RMS radius per epoch: {np.round(radii, 3).tolist()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=list(SETUPS))
    parser.add_argument("--align", action="store_true", help="compare the 2D alignments")
    args = parser.parse_args()
    print(describe())
    if args.align:
        align()
    else:
        cost(args.rounds, args.only)
    print(describe().splitlines()[0])


if __name__ == "__main__":
    main()
