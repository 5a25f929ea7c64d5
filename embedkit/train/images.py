"""Image embeddings with torchvision: extract with a backbone, or train one on your images.

:class:`ImageEmbedder` runs any torchvision classification model (ResNet, VGG, ...) or a
small ResNet and returns penultimate-layer features as :class:`~embedkit.Embeddings`
with thumbnails in ``images`` and the class of each image in ``metadata["class"]``.
:class:`ImageTrainer` trains (or fine-tunes) a backbone on labelled images with light
augmentation, reporting loss and accuracy per epoch to any observer (the dashboard).

Examples
--------
>>> import embedkit as ek
>>> d = ek.datasets.digits()
>>> emb = ImageEmbedder("small", device="cpu").embed(d.images[:20], classes=d.labels[:20])
>>> emb.shape, emb.images.shape, emb.metadata["class"].tolist()[:3]
((20, 128), (20, 8, 8), [0, 1, 2])
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from . import _image_fit as R
from . import _vision as V
from .base import EpochResult, Trainer, renamed
from .params import check_positive_int

if TYPE_CHECKING:
    from ..vectors import Embeddings

import torch  # after _vision, which names the extra when torch is missing
from torch import nn

__all__ = ["ImageEmbedder", "ImageTrainer", "WeightsUnavailableError"]

WeightsUnavailableError = V.WeightsUnavailableError
_EVENT_EVERY = 0.5  # seconds between progress ("batch") events


def _preprocess_for(backbone: str, weights: Any, image_size: int | None) -> V.Preprocess | None:
    """The weights' own preprocessing for pretrained weights, else None (decided per input)."""
    if weights is None or V._is_path(weights) or image_size is not None:
        return None
    return V.Preprocess.from_weights(V.weights_enum(backbone, weights))


def _make_embeddings(s: V.ImageSet, vectors: np.ndarray, thumb: int) -> Embeddings:
    from ..vectors import Embeddings

    meta = None if s.classes is None else pd.DataFrame({"class": s.classes})
    return Embeddings(s.names, vectors, metadata=meta, images=V.thumbnails(s.images, thumb))


def _features(
    model: nn.Module,
    pre: V.Preprocess,
    images: np.ndarray,
    device: torch.device,
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Penultimate features of every image, batched, in eval mode under inference_mode."""
    was_training = model.training
    model.eval()
    out = []
    try:
        with torch.inference_mode():
            for i in range(0, len(images), batch_size):
                x = pre(V.to_float(images[i : i + batch_size]).to(device))
                out.append(model(x).float().cpu().numpy())
                if on_batch is not None:
                    on_batch(min(i + batch_size, len(images)))
    finally:
        model.train(was_training)
    return np.concatenate(out).reshape(len(images), -1)


def _check_batch_size(batch_size: Any) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    return batch_size


class _Extractor(Trainer):
    """What embedder and trainer share: device, preprocessing, batched feature extraction."""

    backbone: str
    weights: Any
    image_size: int | None
    batch_size: int
    thumbnail_size: int
    model_: nn.Module | None = None

    def _backbone(self) -> nn.Module:
        return self._check_fitted("model_")

    def _pre(self, images: np.ndarray) -> V.Preprocess:
        fixed = _preprocess_for(self.backbone, self.weights, self.image_size)
        return fixed or V.Preprocess(V.auto_size(images.shape, self.image_size))

    def _load_size(self) -> int:
        fixed = _preprocess_for(self.backbone, self.weights, self.image_size)
        return fixed.resize or fixed.size if fixed else (self.image_size or 128)

    def _extract(self, s: V.ImageSet, device: torch.device, epoch: int) -> np.ndarray:
        model = self._backbone()
        n, t0, last = len(s.images), time.perf_counter(), [time.perf_counter()]

        def on_batch(done: int) -> None:
            now = time.perf_counter()
            if now - last[0] >= _EVENT_EVERY or done == n:
                last[0] = now
                self._emit(epoch, None, done / max(now - t0, 1e-9), "images/s",
                           stage="embed", progress=done / n)  # fmt: skip

        size = _check_batch_size(self.batch_size)
        return _features(model, self._pre(s.images), s.images, device, size, on_batch)

    @renamed(labels="classes")
    def embed(self, data: Any, classes: Any = None) -> Embeddings:
        """Embeddings of images: a uint8 array (n, h, w[, c]), a list of paths, or a data set.

        ``classes`` (one class per image) go to ``metadata["class"]``; a data set such as
        ``ek.datasets.digits()`` brings its own. Grey and RGBA images become RGB. Rows are
        labelled by file name (paths, data sets) or ``img_00000``, ``img_00001``, ...
        """
        model = self._backbone()
        s = V.as_image_set(data, classes, size=self._load_size())
        device = next(iter(model.parameters())).device
        return _make_embeddings(s, self._extract(s, device, 0), self.thumbnail_size)


class ImageEmbedder(_Extractor):
    """Image embeddings from a torchvision backbone's penultimate layer.

    Parameters
    ----------
    backbone : str
        ``"small"`` (a compact ResNet) or any torchvision classification model name
        (``"resnet18"``, ``"resnet50"``, ``"vgg16"``, ...). ResNets give the global pooled
        features (``fc`` replaced by Identity), VGGs the classifier's last hidden layer.
    weights : None, "DEFAULT", a torchvision weights name, or a path
        None: random initialisation. "DEFAULT": torchvision's pretrained weights (from
        the torch hub cache, downloaded when online; offline it fails at once with
        :class:`WeightsUnavailableError`). A path: a local state dict, loaded with
        ``torch.load(weights_only=True)`` (the classifier head is ignored).
    device : str
        "auto" (CUDA when present), "cpu", "cuda", ...
    batch_size : int
    image_size : int, optional
        Model input side. Default: the pretrained weights' own preprocessing (resize and
        centre crop), else the image side clipped to 32-224 (8×8 digits -> 32×32).
    thumbnail_size : int
        Largest side of the thumbnails kept in ``Embeddings.images``.
    observers
        Receive progress events (``stage="embed"``).

    Examples
    --------
    >>> emb = ImageEmbedder("resnet18", device="cpu").embed(np.zeros((2, 8, 8), np.uint8))
    >>> emb.shape
    (2, 512)
    """

    param_choices: ClassVar[dict[str, tuple[str, ...]]] = {"device": ("auto", "cpu", "cuda")}
    epochs = 1
    unit = "images/s"

    def __init__(
        self,
        backbone: str = "resnet18",
        weights: Any = None,
        device: str = "auto",
        batch_size: int = 64,
        image_size: int | None = None,
        thumbnail_size: int = 64,
        observers: Iterable[Any] = (),
    ) -> None:
        super().__init__(observers)
        self.backbone = backbone
        self.weights = weights
        self.device = device
        self.batch_size = _check_batch_size(batch_size)
        self.image_size = image_size
        self.thumbnail_size = thumbnail_size
        V.check_backbone(backbone, weights, device)  # fails at once; builds nothing

    def _params_changed(self, names: set[str]) -> None:
        # checked now (a bad value raises and is undone by set_params); the backbone is
        # built again on the next embed, from the parameters as they are then
        V.check_backbone(self.backbone, self.weights, self.device)
        _check_batch_size(self.batch_size)
        self.__dict__.pop("model_", None)

    def _backbone(self) -> nn.Module:
        """The backbone, built on first use (nothing is loaded or downloaded in ``__init__``)."""
        if getattr(self, "model_", None) is None:
            model, self.head_name_, self.dim_ = V.build_backbone(self.backbone, self.weights)
            self.device_ = V.pick_device(self.device)
            self.model_ = model.to(self.device_).eval()
        assert self.model_ is not None
        return self.model_

    @renamed(labels="classes")
    def embed(self, data: Any, classes: Any = None) -> Embeddings:
        self._backbone()
        s = V.as_image_set(data, classes, size=self._load_size())
        out: list[Embeddings] = []

        def step(epoch: int) -> EpochResult:  # one pass through the trainers' one loop
            out.append(_make_embeddings(s, self._extract(s, self.device_, 1), self.thumbnail_size))
            return EpochResult(loss=None, items=len(s.images))

        self._run_epochs(step)
        return out[0]

    embed.__doc__ = _Extractor.embed.__doc__

    def __repr__(self) -> str:
        w = "random" if self.weights is None else str(self.weights)
        built = f", dim={self.dim_}, {self.device_}" if getattr(self, "model_", None) else ""
        return f"ImageEmbedder({self.backbone!r}, weights={w}{built})"


class ImageTrainer(_Extractor):
    """Train (or fine-tune) an image backbone on labelled images; embeddings from its features.

    Supervised classification with cross-entropy (label smoothing 0.1), AdamW and a
    one-cycle learning rate; light augmentation (rotation ±10°, shifts ±12%, scale ±8%)
    suits digits and most photos. After ``fit``, ``embeddings_`` holds the penultimate
    features of the training images; :meth:`embed` embeds new ones.

    Parameters
    ----------
    backbone : str
        ``"small"`` (compact ResNet, fast on CPU) or a torchvision model name.
    epochs, seed, batch_size, weight_decay
        Training settings.
    learning_rate : float, optional
        Peak of the one-cycle schedule; ``None`` picks 2e-3 from scratch, 5e-4 from
        pretrained weights.
    augment : bool
        Random rotation/shift/scale of each training image.
    weights, image_size, device, thumbnail_size
        As in :class:`ImageEmbedder` (weights: where training starts).
    workers : int, optional
        torch threads while training (in each Ray worker too); runs with the same seed
        and thread count on CPU give identical results (deterministic algorithms are
        switched on meanwhile).
    track : bool, int or list of str, optional
        Record a timeline in ``timeline_``: the features of the fixed sample of up to 512
        training images that the health figure already computes each epoch (``True``:
        all of them, an int: the first that many, or a list of their names), with their
        ``class`` as metadata, and ``settling`` in ``history_`` (see
        :mod:`embedkit.train.tracking`).
    distributed : int or ray.train.ScalingConfig, optional
        Train on a Ray cluster with Ray Train (``TorchTrainer``, DDP; ``embedkit[ray]``)
        instead of in this process: a number of workers (one CPU each, or one GPU each
        with ``device="cuda"``), or a ``ScalingConfig`` for full control. Every batch is
        shared among the workers; history, events, probes and :meth:`stop` are as in one
        process, and the trained network ends up here (:mod:`embedkit.train._ray`).
        Start Ray first (``ek.scale.local_cluster()`` or ``ray.init(address=...)``)::

            ek.scale.local_cluster(num_cpus=2)
            tr = ImageTrainer("small", image_size=16, distributed=2).fit(ek.datasets.digits())

    Examples
    --------
    >>> import embedkit as ek
    >>> d = ek.datasets.digits()
    >>> tr = ImageTrainer("small", epochs=1, batch_size=32, image_size=16).fit(d.images[:64],
    ...                                                                       d.labels[:64])
    >>> tr.history_.columns.tolist()
    ['epoch', 'loss', 'images_per_sec', 'elapsed', 'accuracy', 'mean_cosine']
    >>> tr.embeddings_.shape
    (64, 128)
    """

    param_choices: ClassVar[dict[str, tuple[str, ...]]] = {
        "backbone": ("small", "resnet18", "resnet34", "vgg11"),
        "device": ("auto", "cpu", "cuda"),
    }
    unit = "images/s"
    uses_torch = True

    def __init__(
        self,
        backbone: str = "resnet18",
        epochs: int = 8,
        seed: int = 1,
        learning_rate: float | None = None,
        batch_size: int = 64,
        augment: bool = True,
        weights: Any = None,
        image_size: int | None = None,
        weight_decay: float = 5e-4,
        device: str = "auto",
        workers: int | None = None,
        thumbnail_size: int = 64,
        track: Any = None,
        distributed: Any = None,
        observers: Iterable[Any] = (),
    ) -> None:
        super().__init__(observers)
        self.track = track
        self.distributed = distributed
        self.backbone = backbone
        self.epochs = epochs
        self.seed = seed
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.augment = augment
        self.weights = weights
        self.image_size = image_size
        self.weight_decay = weight_decay
        self.device = device
        self.workers = workers
        self.thumbnail_size = thumbnail_size

    def _check(self) -> None:
        from ._ray import check_distributed

        check_positive_int(self, "epochs")
        check_distributed(self.distributed)
        _check_batch_size(self.batch_size)
        lr = self.learning_rate
        if lr is not None and not (isinstance(lr, int | float) and lr > 0):
            raise ValueError(f"learning_rate must be a positive number or None, got {lr!r}")

    @renamed(labels="classes")
    def fit(self, data: Any, classes: Any = None, validation: Any = None) -> ImageTrainer:
        """Train on labelled images: a data set (``digits()``, ``image_folder()``) or
        ``fit(images, classes)``. ``validation`` (a data set or an ``(images, classes)``
        pair) adds ``val_accuracy`` (accuracy of the classifier head) to every epoch.
        """
        self._check()
        s = V.as_image_set(data, classes, size=self._load_size())
        if s.classes is None:
            raise ValueError(
                "ImageTrainer needs a class per image: fit(images, classes) or a data set"
            )
        self.classes_, y = np.unique(s.classes, return_inverse=True)
        if len(self.classes_) < 2 or len(y) < 2:
            raise ValueError(
                f"need at least 2 images of 2 classes; got {len(self.classes_)} class(es)"
            )
        val = None
        if validation is not None:
            pair = isinstance(validation, tuple) and len(validation) == 2
            vdata, vclasses = validation if pair else (validation, None)
            val = V.as_image_set(vdata, vclasses, size=self._load_size())
        y = np.asarray(y, dtype=np.int64)
        with R.reproducible(int(self.seed)) as gen:
            run = None
            if self.distributed is not None:  # Ray Train workers (embedkit/train/_ray.py)
                from ._ray import RayRun

                run = RayRun(self, s, y, val)
                run.start()
            step = run.step if run else self._epoch_step(s, y, val, gen)

            def end() -> None:
                try:
                    if run is not None:
                        run.close()  # the workers stop; a failure among them raises here
                finally:
                    self.embeddings_ = _make_embeddings(
                        s, self._extract(s, self.device_, self.epochs_done_), self.thumbnail_size
                    )

            self._run_epochs(step, current=self._sample_features(s), end=end)
        return self

    def _sample_features(self, s: V.ImageSet) -> Callable[[], Embeddings]:
        """The features of a fixed sample of up to 512 training images, as they are now.

        What the loop's health figure (``mean_cosine``) is computed on after each epoch: a
        forward pass over 512 images, a few percent of an epoch on digits.
        """
        from ..vectors import Embeddings

        rng = np.random.default_rng(0)
        rows = np.sort(rng.choice(len(s.images), size=min(512, len(s.images)), replace=False))
        images = s.images[rows]
        names = [s.names[r] for r in rows]
        meta = None if s.classes is None else pd.DataFrame({"class": np.asarray(s.classes)[rows]})

        def current() -> Embeddings:
            feats = _features(
                self._backbone(), self._pre(images), images, self.device_, self.batch_size
            )
            return Embeddings(names, feats, metadata=meta)

        return current

    def _setup(self, device: str | None = None) -> nn.Module:
        """The network: backbone (``model_``) and classifier head (``head_``), on ``device_``."""
        model, self.head_name_, self.dim_ = V.build_backbone(self.backbone, self.weights)
        self.device_ = V.pick_device(device or self.device)
        self.head_ = nn.Linear(self.dim_, len(self.classes_))
        self.model_ = model
        return nn.Sequential(model, self.head_).to(self.device_)

    def _recipe(self, net: nn.Module, images: np.ndarray, device: torch.device) -> R.Recipe:
        """Optimiser, schedule, loss and inputs for ``net`` (shared with the Ray workers)."""
        return R.Recipe.build(
            net,
            lr=self.learning_rate or (2e-3 if self.weights is None else 5e-4),
            weight_decay=self.weight_decay,
            epochs=self.epochs,
            n_batches=R.n_batches(len(images), self.batch_size),
            pre=self._pre(images),
            augment=self.augment,
            device=device,
        )

    def _epoch_step(
        self, s: V.ImageSet, y: np.ndarray, val: V.ImageSet | None, gen: Any
    ) -> Callable[[int], EpochResult]:
        """The one-epoch step for the shared loop (model, optimiser and schedule built here)."""
        r = self._recipe(self._setup(), s.images, self.device_)
        n, targets = len(y), torch.from_numpy(y)
        n_batches = R.n_batches(n, self.batch_size)

        def step(epoch: int) -> EpochResult:
            r.net.train()
            t0 = last = time.perf_counter()
            total, correct = 0.0, 0
            for b, idx in enumerate(R.epoch_batches(n, n_batches, gen), 1):
                loss, right = R.train_batch(r, s.images, targets, idx, gen)
                total, correct = total + loss, correct + right
                if time.perf_counter() - last >= _EVENT_EVERY and b < n_batches:
                    last = time.perf_counter()
                    done = (epoch - 1 + b / n_batches) / self.epochs
                    rate = b * self.batch_size / max(last - t0, 1e-9)
                    self._emit(epoch, None, rate, self.unit, stage="batch", progress=done)
            metrics = self._metrics(correct / n, val, r.pre)
            return EpochResult(loss=total / n, items=n, metrics=metrics)

        return step

    def _metrics(
        self, accuracy: float, val: V.ImageSet | None, pre: V.Preprocess
    ) -> dict[str, float]:
        """An epoch's own metrics: training accuracy, and ``val_accuracy`` with validation."""
        metrics = {"accuracy": accuracy}
        if val is not None:
            metrics["val_accuracy"] = self._accuracy(val, pre)
        return metrics

    def _accuracy(self, val: V.ImageSet, pre: V.Preprocess) -> float:
        if val.classes is None:
            raise ValueError("validation data needs classes")
        feats = _features(self._backbone(), pre, val.images, self.device_, self.batch_size)
        with torch.inference_mode():
            pred = self.head_(torch.from_numpy(feats).to(self.device_)).argmax(1).cpu().numpy()
        return float(np.mean(self.classes_[pred] == np.asarray(val.classes)))

    def predict(self, data: Any) -> np.ndarray:
        """Class of each image by the trained classifier head."""
        model = self._backbone()
        s = V.as_image_set(data, size=self._load_size())
        feats = _features(model, self._pre(s.images), s.images, self.device_, self.batch_size)
        with torch.inference_mode():
            pred = self.head_(torch.from_numpy(feats).to(self.device_)).argmax(1).cpu().numpy()
        return np.asarray(self.classes_[pred])

    def _save_state(self, folder: Path) -> None:
        """``model.pt``: a torchvision-style state dict, backbone and classifier head.

        ``ImageEmbedder(backbone, weights=folder / "model.pt", image_size=...)`` loads it.
        """
        state = dict(self._backbone().state_dict())
        state.update({f"{self.head_name_}.{k}": v for k, v in self.head_.state_dict().items()})
        torch.save(state, folder / "model.pt")
        classes = [c.item() if isinstance(c, np.generic) else c for c in self.classes_]
        (folder / "classes.json").write_text(json.dumps(classes), encoding="utf-8")

    def _load_state(self, folder: Path) -> None:
        self.classes_ = np.asarray(json.loads((folder / "classes.json").read_text("utf-8")))
        model, self.head_name_, self.dim_ = V.build_backbone(self.backbone, None)
        state = torch.load(folder / "model.pt", map_location="cpu", weights_only=True)
        head = {
            k.split(".", 1)[1]: state.pop(k)
            for k in list(state)
            if k.startswith(f"{self.head_name_}.")
        }
        model.load_state_dict(state)
        self.head_ = nn.Linear(self.dim_, len(self.classes_))
        self.head_.load_state_dict(head)
        self.device_ = V.pick_device(self.device)
        self.model_ = model.to(self.device_).eval()
        self.head_.to(self.device_)

    def __repr__(self) -> str:
        return f"ImageTrainer({self.backbone!r}, epochs={self.epochs}, seed={self.seed})"
