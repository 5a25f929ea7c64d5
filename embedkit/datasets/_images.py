"""Image data sets: scikit-learn's digits, and any folder of images read with Pillow.

:func:`image_folder` follows torchvision's ``ImageFolder`` conventions. Unreadable and
non-image files are reported (``skipped`` and one warning), never a crash halfway
through a folder. Re-exported by :mod:`embedkit.datasets`.

Examples
--------
>>> import tempfile, os
>>> from PIL import Image
>>> root = tempfile.mkdtemp()
>>> os.makedirs(f"{root}/cat"); os.makedirs(f"{root}/dog")
>>> Image.new("RGB", (40, 30), "red").save(f"{root}/cat/a.png")
>>> Image.new("L", (20, 20), 128).save(f"{root}/dog/b.jpg")
>>> folder = image_folder(root, size=16)
>>> folder
ImageFolder(2 images 16×16, 2 classes, 0 skipped)
>>> folder.images.shape, folder.labels.tolist(), folder.target_names
((2, 16, 16, 3), [0, 1], ['cat', 'dog'])
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import EmbedkitWarning, warn


# ----------------------------------------------------------------------------- digits
@dataclass(frozen=True)
class Digits:
    """Labelled 8×8 images of handwritten digits.

    Attributes
    ----------
    images : ndarray of uint8, shape (n, 8, 8)
        Grey levels 0-255 (the original 0-16 scaled), ready as thumbnails or model input.
    labels : ndarray of int64, shape (n,)
        The digit, 0-9.
    target_names : list of str
        Class names, ``target_names[label]``.
    """

    images: np.ndarray = field(repr=False)
    labels: np.ndarray = field(repr=False)
    target_names: list[str] = field(repr=False)

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @property
    def names(self) -> list[str]:
        """One display label per image, e.g. ``'7_0042'`` (class and row, unique)."""
        return [f"{self.target_names[y]}_{i:04d}" for i, y in enumerate(self.labels)]

    def flat(self) -> np.ndarray:
        """Pixels as float32 rows in 0-1, shape (n, 64)."""
        return (self.images.reshape(len(self), -1) / np.float32(255.0)).astype(np.float32)

    def __repr__(self) -> str:
        h, w = self.images.shape[1:3]
        return f"Digits({len(self)} images {h}×{w}, {len(self.target_names)} classes)"


def digits() -> Digits:
    """The UCI optical handwritten digits: 1,797 images of 8×8 pixels, 10 classes.

    Source: scikit-learn's ``load_digits`` (bundled with scikit-learn), from the UCI
    Machine Learning Repository (Alpaydin and Kaynak 1998), licence CC BY 4.0.

    >>> d = digits()
    >>> d.images.shape, d.images.dtype, int(d.images.max()), d.labels[:5].tolist()
    ((1797, 8, 8), dtype('uint8'), 255, [0, 1, 2, 3, 4])
    """
    from sklearn.datasets import load_digits

    raw = load_digits()
    images = np.rint(np.asarray(raw.images) * (255.0 / 16.0)).astype(np.uint8)
    labels = np.asarray(raw.target, dtype=np.int64)
    return Digits(images, labels, [str(t) for t in raw.target_names])


# ----------------------------------------------------------------------------- image folders
# torchvision's IMG_EXTENSIONS
IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


@dataclass(frozen=True)
class ImageFolder:
    """Images loaded from a folder, as square RGB thumbnails.

    Attributes
    ----------
    images : ndarray of uint8, shape (n, size, size, 3)
    labels : ndarray of int64, shape (n,)
        Class index; ``target_names[label]`` is the sub-folder name (all 0 for a flat folder).
    target_names : list of str
    paths : list of str
        The file of each image, relative to ``root``.
    skipped : list of (path, reason)
        Files that could not be read as images.
    """

    root: str
    images: np.ndarray = field(repr=False)
    labels: np.ndarray = field(repr=False)
    target_names: list[str] = field(repr=False)
    paths: list[str] = field(repr=False)
    skipped: list[tuple[str, str]] = field(repr=False)

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @property
    def names(self) -> list[str]:
        """One unique display label per image: its path relative to the root."""
        return list(self.paths)

    def __repr__(self) -> str:
        h, w = self.images.shape[1:3]
        return (
            f"ImageFolder({len(self)} images {h}×{w}, {len(self.target_names)} classes, "
            f"{len(self.skipped)} skipped)"
        )


def _load_one(path: str, size: int) -> np.ndarray:
    """RGB uint8 (size, size, 3): shorter side to ``size``, centre crop."""
    from PIL import Image

    with Image.open(path) as im:
        im.load()
        rgb = im.convert("RGB")
    w, h = rgb.size
    scale = size / min(w, h)
    nw, nh = max(size, round(w * scale)), max(size, round(h * scale))
    rgb = rgb.resize((nw, nh), Image.Resampling.BILINEAR, reducing_gap=None)
    left, top = (nw - size) // 2, (nh - size) // 2
    return np.asarray(rgb.crop((left, top, left + size, top + size)), dtype=np.uint8)


def load_images(
    paths: list[str], size: int = 128, names: list[str] | None = None
) -> tuple[np.ndarray, list[str], list[tuple[str, str]]]:
    """Load image files: (images (n, size, size, 3), names of those kept, skipped).

    A file Pillow cannot read is skipped with its reason; one warning lists them all.
    Raises ``ValueError`` when no file is readable.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a positive integer, got {size!r}")
    names = list(paths) if names is None else names
    out: list[np.ndarray] = []
    kept: list[str] = []
    skipped: list[tuple[str, str]] = []
    for path, name in zip(paths, names, strict=True):
        try:
            out.append(_load_one(path, size))
            kept.append(name)
        except (OSError, ValueError, SyntaxError) as exc:  # PIL raises these for bad files
            skipped.append((name, f"{type(exc).__name__}: {exc}"))
    if skipped:
        shown = "; ".join(f"{p} ({why})" for p, why in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        warn(f"skipped {len(skipped)} unreadable image file(s): {shown}{more}", EmbedkitWarning)
    if not out:
        raise ValueError(f"none of the {len(paths)} files could be read as an image")
    return np.stack(out), kept, skipped


def _listing(root: Path) -> tuple[list[tuple[Path, int]], list[str], list[tuple[str, str]]]:
    """Files with class indices (sub-folders sorted, as ImageFolder), or flat; non-images."""
    subdirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    classes = [d.name for d in subdirs] if subdirs else [root.name]
    files: list[tuple[Path, int]] = []
    other: list[tuple[str, str]] = []
    for idx, folder in enumerate(subdirs or [root]):
        walk = folder.rglob("*") if subdirs else folder.iterdir()
        for p in sorted(walk):
            if not p.is_file() or p.name.startswith("."):
                continue
            if p.suffix.lower() in IMG_EXTENSIONS:
                files.append((p, idx))
            else:
                other.append((str(p.relative_to(root)), "not an image file extension"))
    return files, classes, other


def image_folder(path: str | os.PathLike[str], size: int = 128) -> ImageFolder:
    """Read every image under ``path`` into square RGB thumbnails of ``size`` pixels.

    Class sub-folders (``root/cat/x.png``) give the labels, sorted by name as in
    torchvision's ``ImageFolder``; a folder without sub-folders is one class named after
    it. Files with other extensions and files Pillow cannot decode are listed in
    ``skipped`` (with a warning) and left out. Grey, palette and RGBA images become RGB.
    """
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"image folder not found: {root}")
    files, classes, other = _listing(root)
    if not files:
        raise ValueError(
            f"{root}: no image files ({', '.join(IMG_EXTENSIONS)}) found"
            + (f"; {len(other)} other file(s) ignored" if other else "")
        )
    rel = [str(p.relative_to(root)) for p, _ in files]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            images, kept, bad = load_images([str(p) for p, _ in files], size, names=rel)
        except ValueError:
            raise ValueError(f"{root}: none of the {len(files)} image files is readable") from None
    skipped = other + bad
    if skipped:
        shown = "; ".join(f"{p} ({why})" for p, why in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        warn(f"{root}: skipped {len(skipped)} file(s): {shown}{more}", EmbedkitWarning)
    del caught
    index = {name: i for (_, i), name in zip(files, rel, strict=True)}
    labels = np.array([index[name] for name in kept], dtype=np.int64)
    return ImageFolder(str(root), images, labels, classes, kept, skipped)
