"""ImageTrainer's training recipe, shared by its in-process step and its Ray Train workers.

One recipe, two places that run it: :class:`~embedkit.train.images.ImageTrainer` trains
an epoch in this process, and :mod:`embedkit.train._ray` trains the same epoch on
several Ray Train workers, each on its share of every batch. Both build the network,
the optimiser and the schedule here and train batches with :func:`train_batch`, so the
two paths cannot drift apart: cross-entropy with label smoothing 0.1, AdamW, a
one-cycle learning rate over all the planned batches, light augmentation.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from . import _vision as V

__all__ = ["Recipe", "epoch_batches", "reproducible", "train_batch"]


@contextlib.contextmanager
def reproducible(seed: int) -> Iterator[torch.Generator]:
    """Seeded, deterministic torch (global RNG and the algorithms switch restored after)."""
    before_det = torch.are_deterministic_algorithms_enabled()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)
        try:
            yield torch.Generator().manual_seed(seed)
        finally:
            torch.use_deterministic_algorithms(before_det)


@dataclass
class Recipe:
    """What one training run needs beyond the network: optimiser, schedule, loss, inputs."""

    net: nn.Module
    opt: torch.optim.Optimizer
    sched: Any
    pre: V.Preprocess
    augment: bool
    device: torch.device
    lossf: nn.Module

    @classmethod
    def build(
        cls,
        net: nn.Module,
        *,
        lr: float,
        weight_decay: float,
        epochs: int,
        n_batches: int,
        pre: V.Preprocess,
        augment: bool,
        device: torch.device,
    ) -> Recipe:
        """AdamW and a one-cycle schedule over ``epochs * n_batches`` steps for ``net``."""
        opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=opt.param_groups[0]["lr"], total_steps=epochs * n_batches
        )
        lossf = nn.CrossEntropyLoss(label_smoothing=0.1)
        return cls(net, opt, sched, pre, augment, device, lossf)


def n_batches(n: int, batch_size: int) -> int:
    """Batches in one epoch of ``n`` images."""
    return math.ceil(n / batch_size)


def epoch_batches(n: int, batches: int, gen: torch.Generator) -> list[np.ndarray]:
    """One epoch's batches: a seeded permutation of ``range(n)`` in ``batches`` parts."""
    return np.array_split(torch.randperm(n, generator=gen).numpy(), batches)


def train_batch(
    r: Recipe, images: np.ndarray, targets: torch.Tensor, idx: np.ndarray, gen: torch.Generator
) -> tuple[float, int]:
    """One optimiser step on ``images[idx]``: (loss × images, correctly classified)."""
    x = r.pre.geometry(V.to_float(images[idx]))
    if r.augment:
        x = V.augment(x, gen, degrees=10.0, shift=0.12)
    logits = r.net(r.pre.normalize(x).to(r.device))
    t = targets[idx].to(r.device)
    loss = r.lossf(logits, t)
    r.opt.zero_grad(set_to_none=True)
    loss.backward()
    r.opt.step()
    r.sched.step()
    return float(loss.detach()) * len(idx), int((logits.argmax(1) == t).sum())
