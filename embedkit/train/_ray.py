"""ImageTrainer on several Ray Train workers (DDP), driven by the trainer's one epoch loop.

``ImageTrainer(..., distributed=2).fit(...)`` trains with Ray Train's ``TorchTrainer``:
each worker holds a copy of the network wrapped in ``DistributedDataParallel`` (gloo on
CPU, NCCL on GPU) and trains on its share of every batch, and the gradients are averaged
across workers at each step. The training itself is the in-process recipe
(:mod:`embedkit.train._image_fit`): same network, optimiser, one-cycle schedule, loss
and augmentation, and the same batches, each split across the workers (a global batch of
``batch_size`` images, so the schedule and the result match single-process training).

Epochs stay in the driver's hands, so that history, events, probes and ``stop()`` are
those of every other trainer (:meth:`Trainer._run_epochs` is the only epoch loop):

- ``fit`` starts ``TorchTrainer.fit()`` in a background thread; the workers build the
  network from the driver's initial weights and wait;
- each ``step(epoch)`` of the loop puts ``"go"`` on a control queue; rank 0 reads it and
  broadcasts it to the other workers, they train one epoch, and rank 0 puts the epoch's
  loss and accuracy (summed over all workers) and the weights on a results queue (and a
  progress note every half second, which the driver turns into batch events);
- the driver loads those weights into its own copy of the network, so that probes,
  ``current()``, ``embeddings_``, ``predict``, ``embed`` and ``save`` work on it exactly
  as after single-process training;
- ``end()`` puts ``"stop"`` (after the last epoch, a ``stop()`` or an error) and waits
  for the workers to finish: a stopped run keeps the weights of its last epoch.

Both queues are :class:`ray.util.queue.Queue` actors that take no CPU. Ray must be
started by the caller (``ek.scale.local_cluster()`` or ``ray.init(address=...)``); the
workers import embedkit, so on a real cluster it must be installed on every node.
Checked on Ray 2.60 (Ray Train V2, its default): ``ray.train.ScalingConfig``,
``ray.train.RunConfig``, ``ray.train.torch.TorchTrainer``, ``prepare_model``.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .._deps import require
from . import _image_fit as R
from . import _vision as V
from .base import EpochResult

if TYPE_CHECKING:
    from .images import ImageTrainer

__all__ = ["RayRun", "check_distributed", "scaling_config"]

_POLL = 0.5  # seconds between checks that the workers are still alive
_PROGRESS_EVERY = 0.5  # seconds between rank 0's progress notes


def check_distributed(value: Any) -> None:
    """``distributed`` is None, a positive number of workers or a ``ScalingConfig``.

    >>> check_distributed(2)
    >>> check_distributed(0)
    Traceback (most recent call last):
    ...
    ValueError: distributed must be None, a number of Ray Train workers (>= 1) or a ray.train.ScalingConfig, got 0
    """  # noqa: E501
    if value is None or hasattr(value, "num_workers"):
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            "distributed must be None, a number of Ray Train workers (>= 1) or a "
            f"ray.train.ScalingConfig, got {value!r}"
        )


def _ray() -> Any:
    """Ray, started: or an error that says how to start it."""
    ray = require("ray", extra="ray", purpose="training on several workers (distributed=)")
    require("ray.train", extra="ray", purpose="training on several workers (distributed=)")
    if not ray.is_initialized():
        raise RuntimeError(
            "ImageTrainer(distributed=...) trains on a Ray cluster, and Ray is not started "
            "in this process. Start it first: ek.scale.local_cluster(num_cpus=2) for a local "
            "cluster on this machine, or ray.init(address='auto' or 'ray://head:10001') for "
            "a real one; or set distributed=None to train in this process"
        )
    return ray


def scaling_config(distributed: Any, device: str) -> Any:
    """The ``ray.train.ScalingConfig`` for ``distributed`` (a count, or one given as is).

    A count of workers takes one CPU each, or one GPU each with ``device="cuda"`` (and
    with ``"auto"`` when the cluster has a GPU per worker); it must fit the cluster.
    """
    ray = _ray()
    from ray.train import ScalingConfig

    if not isinstance(distributed, int):
        return distributed  # the user's own ScalingConfig (GPUs, resources, ...)
    have = ray.cluster_resources()
    gpus = have.get("GPU", 0)
    use_gpu = device.startswith("cuda") or (device == "auto" and gpus >= distributed)
    kind = "GPU" if use_gpu else "CPU"
    if have.get(kind, 0) < distributed:
        raise ValueError(
            f"distributed={distributed} needs {distributed} {kind}s (one per worker); the "
            f"Ray cluster has {have.get(kind, 0):g}. Use fewer workers, start Ray with more "
            f"(ek.scale.local_cluster(num_cpus={distributed})), or pass a "
            "ray.train.ScalingConfig"
        )
    return ScalingConfig(num_workers=distributed, use_gpu=use_gpu)


class RayRun:
    """One distributed training run: start, one epoch per :meth:`step`, :meth:`close`."""

    def __init__(self, trainer: ImageTrainer, s: V.ImageSet, y: np.ndarray, val: Any) -> None:
        ray = _ray()
        from ray.util.queue import Queue

        self.trainer, self.val, self.n = trainer, val, len(y)
        self.scaling = scaling_config(trainer.distributed, trainer.device)
        # the driver's own copy of the network: on CUDA only where the driver has one
        net = trainer._setup("auto" if str(trainer.device).startswith("cuda") else None)
        self.net = net
        self.pre = trainer._pre(s.images)
        if trainer.batch_size < self.scaling.num_workers:
            raise ValueError(
                f"batch_size={trainer.batch_size} is smaller than the number of workers "
                f"({self.scaling.num_workers}): every worker needs a share of each batch"
            )
        opts = {"num_cpus": 0}
        self.control, self.results = Queue(actor_options=opts), Queue(actor_options=opts)
        self.config = {
            "images": ray.put(s.images),
            "targets": ray.put(np.asarray(y, dtype=np.int64)),
            "init": {k: v.detach().cpu() for k, v in net.state_dict().items()},
            "backbone": trainer.backbone,
            "classes": len(trainer.classes_),
            "seed": int(trainer.seed),
            "epochs": int(trainer.epochs),
            "batch_size": int(trainer.batch_size),
            "lr": trainer.learning_rate or (2e-3 if trainer.weights is None else 5e-4),
            "weight_decay": trainer.weight_decay,
            "augment": bool(trainer.augment),
            "pre": self.pre,
            "threads": trainer.workers,
            "control": self.control,
            "results": self.results,
        }
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.storage = tempfile.mkdtemp(prefix="embedkit-ray-train-")

    # -- the run's life -----------------------------------------------------------------
    def start(self) -> None:
        """Start ``TorchTrainer.fit()`` in a thread; return when every worker is ready."""
        from ray.train import RunConfig
        from ray.train.torch import TorchTrainer

        trainer = TorchTrainer(
            worker_loop,
            train_loop_config=self.config,
            scaling_config=self.scaling,
            run_config=RunConfig(name="embedkit-ImageTrainer", storage_path=self.storage),
        )

        def fit() -> None:
            try:
                trainer.fit()
            except BaseException as err:  # handed to the driver's thread in _receive
                self.error = err

        self.thread = threading.Thread(target=fit, name="embedkit-ray-train", daemon=True)
        self.thread.start()
        try:
            self._receive("ready")
        except BaseException:
            self.close()
            raise

    def step(self, epoch: int) -> EpochResult:
        """Train one epoch on the workers; the driver's network gets its weights."""
        tr = self.trainer
        self.control.put("go")
        msg = self._receive("epoch", epoch)
        self.net.load_state_dict(msg["state"])
        metrics = tr._metrics(msg["correct"] / self.n, self.val, self.pre)
        return EpochResult(loss=msg["loss"] / self.n, items=self.n, metrics=metrics)

    def close(self) -> None:
        """Tell the workers to stop and wait for them; raise their error if they failed."""
        if self.thread is not None and self.thread.is_alive():
            self.control.put("stop")
            self.thread.join()
        shutil.rmtree(self.storage, ignore_errors=True)
        err, self.error = self.error, None
        if err is not None:
            raise RuntimeError(f"training on Ray workers failed: {err}") from err

    def _receive(self, kind: str, epoch: int = 0) -> dict[str, Any]:
        """The next message of ``kind`` from rank 0 (progress notes become batch events)."""
        from ray.util.queue import Empty

        tr = self.trainer
        while True:
            try:
                msg: dict[str, Any] = self.results.get(timeout=_POLL)
            except Empty:
                if self.thread is None or not self.thread.is_alive():
                    self.close()  # raises the workers' error
                    raise RuntimeError("the Ray Train workers ended without a result") from None
                continue
            if msg["kind"] == kind:
                return msg
            if msg["kind"] == "progress" and epoch:
                done = (epoch - 1 + msg["fraction"]) / tr.epochs
                tr._emit(epoch, None, msg["rate"], tr.unit, stage="batch", progress=done)


def worker_loop(config: dict[str, Any]) -> None:
    """One Ray Train worker: build the network, then one epoch per ``"go"`` until stopped."""
    import ray
    import ray.train
    import ray.train.torch
    import torch.distributed as dist

    ctx = ray.train.get_context()
    rank, world = ctx.get_world_rank(), ctx.get_world_size()
    if config["threads"]:
        torch.set_num_threads(int(config["threads"]))
    images, targets = ray.get(config["images"]), torch.from_numpy(ray.get(config["targets"]))
    n, batches = len(targets), R.n_batches(len(targets), config["batch_size"])
    with R.reproducible(config["seed"]) as order_gen:
        model, _, dim = V.build_backbone(config["backbone"], None)
        plain = torch.nn.Sequential(model, torch.nn.Linear(dim, config["classes"]))
        plain.load_state_dict(config["init"])
        net = ray.train.torch.prepare_model(plain)  # DDP, on this worker's device
        device = ray.train.torch.get_device()
        r = R.Recipe.build(
            net, lr=config["lr"], weight_decay=config["weight_decay"], epochs=config["epochs"],
            n_batches=batches, pre=config["pre"], augment=config["augment"], device=device,
        )  # fmt: skip
        aug_gen = torch.Generator().manual_seed(config["seed"] * 1000 + rank + 1)
        results = config["results"]
        if rank == 0:
            results.put({"kind": "ready"})
        for _ in range(config["epochs"]):
            if not _go(config["control"], rank, device):
                break
            net.train()
            total = torch.zeros(2, dtype=torch.float64, device=device)  # loss sum, correct
            t0 = last = time.perf_counter()
            for b, idx in enumerate(R.epoch_batches(n, batches, order_gen), 1):
                share = np.array_split(idx, world)[rank]  # this worker's part of the batch
                loss, right = R.train_batch(r, images, targets, share, aug_gen)
                total += torch.tensor([loss, right], dtype=torch.float64, device=device)
                if rank == 0 and time.perf_counter() - last >= _PROGRESS_EVERY and b < batches:
                    last = time.perf_counter()
                    rate = b * config["batch_size"] / max(last - t0, 1e-9)
                    results.put({"kind": "progress", "fraction": b / batches, "rate": rate})
            dist.all_reduce(total)
            if rank == 0:
                state = {k: v.detach().cpu() for k, v in plain.state_dict().items()}
                loss_sum, correct = total.tolist()
                results.put({"kind": "epoch", "loss": loss_sum, "correct": correct, "state": state})


def _go(control: Any, rank: int, device: torch.device) -> bool:
    """The driver's word for the next epoch (rank 0 reads it, every worker learns it)."""
    import torch.distributed as dist

    flag = torch.zeros(1, dtype=torch.int64, device=device)
    if rank == 0:
        flag += control.get() == "go"
    dist.broadcast(flag, 0)
    return bool(flag.item())
