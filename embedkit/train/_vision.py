"""torch/torchvision plumbing for image embeddings: inputs, preprocessing, backbones, weights.

Imported only by :mod:`embedkit.train.images` (never by ``import embedkit``). A backbone
is any torchvision classification model (``torchvision.models.get_model``) or
``"small"``, a compact ResNet for small images; its final ``Linear`` layer (``fc`` in a
ResNet, the last layer of ``classifier`` in a VGG) is replaced by ``Identity`` so the
model returns penultimate-layer features.

Examples
--------
>>> net, head, dim = build_backbone("small")
>>> head, dim
('fc', 128)
"""

from __future__ import annotations

import difflib
import os
import socket
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from .._deps import require

require("torch", extra="images", purpose="image embeddings")
require("torchvision", extra="images", purpose="image embeddings")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
SMALL = "small"


class WeightsUnavailableError(RuntimeError):
    """Pretrained weights are neither cached nor downloadable (offline)."""


# ----------------------------------------------------------------------------- inputs
@dataclass
class ImageSet:
    """Images (uint8, (n, h, w) or (n, h, w, c)), one name per image, classes or None."""

    images: np.ndarray
    names: list[str]
    classes: np.ndarray | None
    skipped: list[tuple[str, str]]


def check_images(arr: Any, what: str = "images") -> np.ndarray:
    """Validate an image array: uint8, shape (n, h, w) or (n, h, w, c) with c in 1-4."""
    a = np.asarray(arr)
    if a.dtype != np.uint8:
        raise ValueError(
            f"{what} must be uint8 (0-255), got dtype {a.dtype} with shape {a.shape}; "
            "scale and convert first, e.g. (x * 255).round().astype(np.uint8)"
        )
    if a.ndim not in (3, 4) or (a.ndim == 4 and a.shape[3] not in (1, 2, 3, 4)):
        raise ValueError(
            f"{what} must have shape (n, h, w) or (n, h, w, c) with c in 1-4 channels, "
            f"got shape {a.shape}"
        )
    if a.shape[0] == 0 or a.shape[1] == 0 or a.shape[2] == 0:
        raise ValueError(f"{what} is empty: shape {a.shape}")
    return a


def as_image_set(data: Any, classes: Any = None, size: int = 128) -> ImageSet:
    """Images, names and classes from an array, a list of paths, or a data set object.

    A data set is anything with ``images`` and ``labels`` (``ek.datasets.digits()``,
    ``ek.datasets.image_folder(...)``); its ``target_names`` map labels to class names.
    """
    skipped: list[tuple[str, str]] = []
    classes_given = classes
    if hasattr(data, "images") and hasattr(data, "labels"):
        images = check_images(data.images, f"{type(data).__name__}.images")
        names = list(getattr(data, "names", [f"img_{i:05d}" for i in range(len(images))]))
        classes = np.asarray(data.labels)
        target = getattr(data, "target_names", None)
        if target is not None and classes.dtype.kind in "iu":
            classes = np.asarray(target, dtype=object)[classes]
        if classes_given is None:
            classes_given = classes
        skipped = list(getattr(data, "skipped", []))
    elif _is_paths(data):
        from ..datasets._images import load_images

        images, kept, skipped = load_images([str(p) for p in data], size=size)
        names = kept
    else:
        if isinstance(data, (str, os.PathLike)):
            raise TypeError(
                f"embed() takes a list of paths, not one path ({str(data)!r}); "
                "for a folder use ek.datasets.image_folder(path)"
            )
        images = check_images(data)
        names = [f"img_{i:05d}" for i in range(len(images))]
    classes_out = None if classes_given is None else np.asarray(classes_given)
    if classes_out is not None and classes_out.shape != (len(images),):
        raise ValueError(
            f"classes must hold one class per image ({len(images)}), got shape {classes_out.shape}"
        )
    return ImageSet(images, names, classes_out, skipped)


def _is_paths(data: Any) -> bool:
    return (
        isinstance(data, (list, tuple))
        and len(data) > 0
        and all(isinstance(p, (str, os.PathLike)) for p in data)
    )


def to_float(batch: np.ndarray) -> torch.Tensor:
    """uint8 (b, h, w[, c]) -> float (b, 3, h, w) in 0-1; grey -> 3 channels, alpha dropped."""
    t = torch.from_numpy(np.ascontiguousarray(batch))
    t = t[:, None] if t.ndim == 3 else t.permute(0, 3, 1, 2)
    c = t.shape[1]
    if c in (1, 2):
        t = t[:, :1].expand(-1, 3, -1, -1)
    elif c == 4:
        t = t[:, :3]
    return t.float().div_(255.0)


# ----------------------------------------------------------------------------- preprocessing
@dataclass(frozen=True)
class Preprocess:
    """Resize (and centre-crop), then normalise: a batched ``weights.transforms()``.

    With ``resize`` set, the shorter side goes to ``resize`` and a ``size`` square is
    cropped from the centre (torchvision's ``ImageClassification``); without it the
    image is scaled to ``size`` × ``size`` (small images are upsampled bilinearly).
    """

    size: int
    resize: int | None = None
    mean: tuple[float, ...] = IMAGENET_MEAN
    std: tuple[float, ...] = IMAGENET_STD

    @classmethod
    def from_weights(cls, weights: Any) -> Preprocess:
        tf = weights.transforms()
        return cls(int(tf.crop_size[0]), int(tf.resize_size[0]), tuple(tf.mean), tuple(tf.std))

    def geometry(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        if self.resize is None:
            if (h, w) == (self.size, self.size):
                return x
            down = min(h, w) > self.size
            return F.interpolate(
                x, size=(self.size, self.size), mode="bilinear", align_corners=False,
                antialias=down,
            )  # fmt: skip
        from torchvision.transforms.v2 import functional as TF

        x = TF.resize(x, [self.resize], antialias=True)
        return TF.center_crop(x, [self.size, self.size])

    def normalize(self, x: torch.Tensor) -> torch.Tensor:
        mean = torch.tensor(self.mean, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
        std = torch.tensor(self.std, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
        return (x - mean) / std

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.normalize(self.geometry(x))


def thumbnails(images: np.ndarray, side: int) -> np.ndarray:
    """Images no larger than ``side`` pixels (downscaled with antialiasing), uint8."""
    h, w = images.shape[1:3]
    if max(h, w) <= side:
        return images
    scale = side / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    out = []
    for i in range(0, len(images), 256):
        t = torch.from_numpy(np.ascontiguousarray(images[i : i + 256]))
        t = t[:, None] if t.ndim == 3 else t.permute(0, 3, 1, 2)
        r = F.interpolate(t.float(), size=size, mode="bilinear", antialias=True)
        r = r.round().clamp(0, 255).to(torch.uint8)
        out.append((r[:, 0] if images.ndim == 3 else r.permute(0, 2, 3, 1)).numpy())
    return np.concatenate(out)


def auto_size(shape: Sequence[int], image_size: int | None) -> int:
    """Model input side: ``image_size``, else the image side clipped to 32-224."""
    if image_size is not None:
        if isinstance(image_size, bool) or int(image_size) < 8:
            raise ValueError(f"image_size must be an integer >= 8, got {image_size!r}")
        return int(image_size)
    return int(max(32, min(max(shape[1], shape[2]), 224)))


def augment(x: torch.Tensor, gen: torch.Generator, degrees: float, shift: float) -> torch.Tensor:
    """Random rotation (±degrees) and shift (± fraction of the side), black padding."""
    b = x.shape[0]
    ang = (torch.rand(b, generator=gen) * 2 - 1) * (degrees * np.pi / 180.0)
    scale = 1.0 + (torch.rand(b, generator=gen) * 2 - 1) * 0.08
    tx, ty = ((torch.rand(2, b, generator=gen) * 2 - 1) * (2 * shift)).unbind(0)
    cos, sin = torch.cos(ang) / scale, torch.sin(ang) / scale
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


# ----------------------------------------------------------------------------- backbones
class _Block(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                      nn.BatchNorm2d(cout))  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.down(x))


class SmallResNet(nn.Module):
    """A compact ResNet for small images (CIFAR-style stem): widths w, 2w, 4w; 4w features."""

    def __init__(self, num_classes: int = 10, width: int = 32) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(width), nn.ReLU(inplace=True))  # fmt: skip
        self.layer1 = _Block(width, width, 1)
        self.layer2 = _Block(width, 2 * width, 2)
        self.layer3 = _Block(2 * width, 4 * width, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc: nn.Module = nn.Linear(4 * width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return self.fc(torch.flatten(self.pool(x), 1))


def backbone_names() -> list[str]:
    """Every accepted backbone name: ``"small"`` and torchvision's classification models."""
    import torchvision

    return [SMALL, *torchvision.models.list_models(module=torchvision.models)]


def _check_name(name: str) -> None:
    valid = backbone_names()
    if name not in valid:
        close = difflib.get_close_matches(str(name), valid, n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"unknown backbone {name!r}.{hint} Valid: {', '.join(valid)} "
            "(torchvision classification models)"
        )


def _head(model: nn.Module) -> tuple[str, nn.Linear]:
    """The final Linear layer (the classifier): ``fc``, ``classifier.6``, ``heads.head``..."""
    found = [(n, m) for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    if not found:
        raise ValueError(f"{type(model).__name__} has no final Linear layer to take features from")
    return found[-1]  # type: ignore[return-value]


def _replace(model: nn.Module, name: str, new: nn.Module) -> None:
    parent, _, leaf = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, leaf, new)


def build_backbone(
    name: str, weights: Any = None, num_classes: int | None = None
) -> tuple[nn.Module, str, int]:
    """(model returning features, name of the removed head, feature dimension).

    ``weights``: None (random init), ``"DEFAULT"`` or a torchvision weights name
    (pretrained; cached or downloaded), or a path to a state dict file.
    """
    _check_name(name)
    if name == SMALL:
        if weights is not None and not _is_path(weights):
            raise ValueError(
                "backbone 'small' has no pretrained weights; use weights=None or a path"
            )
        model: nn.Module = SmallResNet()
    else:
        import torchvision

        model = torchvision.models.get_model(name, weights=None)
    head_name, head = _head(model)
    if weights is not None:
        state = load_state(weights) if _is_path(weights) else pretrained_state(name, weights)
        _load_without_head(model, state, head_name, str(weights))
    _replace(model, head_name, nn.Identity())
    return model, head_name, int(head.in_features)


def check_backbone(name: str, weights: Any, device: str) -> None:
    """Check a backbone's parameters without building it or downloading anything.

    Raises what building would raise for an unknown name, a missing weights file, an
    unknown weights name or a bad device.
    """
    _check_name(name)
    if weights is not None:
        if _is_path(weights):
            if not Path(weights).is_file():
                raise FileNotFoundError(f"weights file not found: {weights}")
        elif name == SMALL:
            raise ValueError(
                "backbone 'small' has no pretrained weights; use weights=None or a path"
            )
        else:
            weights_enum(name, weights)
    pick_device(device)


def _is_path(weights: Any) -> bool:
    if isinstance(weights, os.PathLike):
        return True
    return isinstance(weights, str) and (os.sep in weights or Path(weights).suffix != "")


def weights_enum(name: str, weights: Any) -> Any:
    """The torchvision weights enum for ``weights`` ("DEFAULT" or e.g. "IMAGENET1K_V2")."""
    import torchvision

    if name == SMALL:
        return None
    enum = torchvision.models.get_model_weights(name)
    try:
        return enum[str(weights)] if isinstance(weights, str) else enum(weights)
    except (KeyError, ValueError):
        valid = ["DEFAULT", *(w.name for w in enum)]
        raise ValueError(
            f"weights {weights!r} for {name}: not a file and not one of {valid}"
        ) from None


def load_state(path: Any) -> dict[str, torch.Tensor]:
    """A state dict from a local file, loaded with ``torch.load(weights_only=True)``."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"weights file not found: {p}")
    try:
        state = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ValueError(
            f"{p}: not a torch state dict file ({type(exc).__name__}: {exc})"
        ) from None
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f"{p}: expected a state dict (parameter name -> tensor)")
    return state


def _load_without_head(model: nn.Module, state: dict[str, Any], head: str, source: str) -> None:
    """Load everything but the classifier head; mismatching keys or shapes -> ValueError."""
    body = {k: v for k, v in state.items() if not k.startswith(head + ".")}
    own = {k: v for k, v in model.state_dict().items() if not k.startswith(head + ".")}
    missing = sorted(set(own) - set(body))
    unexpected = sorted(set(body) - set(own))
    shapes = [
        f"{k}: file {tuple(body[k].shape)} vs model {tuple(own[k].shape)}"
        for k in own
        if k in body and tuple(body[k].shape) != tuple(own[k].shape)
    ]
    if missing or unexpected or shapes:
        parts = []
        for title, keys in (("missing", missing), ("unexpected", unexpected), ("shape", shapes)):
            if keys:
                more = f" (+{len(keys) - 5} more)" if len(keys) > 5 else ""
                parts.append(f"{title} keys: {', '.join(keys[:5])}{more}")
        raise ValueError(
            f"weights {source} do not fit this architecture ({type(model).__name__}): "
            + "; ".join(parts)
        )
    model.load_state_dict(body, strict=False)


def _probe(url: str, timeout: float = 5.0) -> None:
    """Open (and close) a TCP connection to the weights server; OSError when offline."""
    u = urlparse(url)
    with socket.create_connection((u.hostname or "", u.port or 443), timeout=timeout):
        pass


def pretrained_state(name: str, weights: Any) -> dict[str, torch.Tensor]:
    """torchvision's pretrained state dict: from the torch hub cache, else downloaded.

    Offline, this fails at once (a 5 s connection probe, not a hanging download) with
    a message saying where to put the file.
    """
    enum = weights_enum(name, weights)
    cached = Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(urlparse(enum.url).path)
    if not cached.is_file():
        try:
            _probe(enum.url)
        except OSError as exc:
            raise WeightsUnavailableError(
                f"pretrained weights {name} {enum.name} are not cached at {cached} and "
                f"{urlparse(enum.url).hostname} cannot be reached ({exc}); this machine looks "
                f"offline. Download {enum.url} elsewhere and copy it to {cached}, or pass "
                "weights=<path to a state dict>, or weights=None for random initialisation."
            ) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return enum.get_state_dict(progress=False, check_hash=True)


def pick_device(device: str) -> torch.device:
    """``"auto"``: CUDA when present, else CPU; otherwise the named device."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}"
        ) from None
