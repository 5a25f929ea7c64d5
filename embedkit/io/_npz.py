"""embedkit's ``.npz`` format: plain numpy arrays plus a JSON manifest, never pickle.

Layout: ``vectors`` (float32, n × d), ``labels`` (see strings below), optional
``images`` (uint8), one or more arrays per metadata column (``meta<i>...``), and
``__embedkit__``, a JSON manifest with the format version and, per column, its name,
kind and dtype. Strings are a numpy unicode array when that is compact (it pads every
entry to the longest), otherwise UTF-8 bytes: joined by newlines, or, when a string
holds a newline, concatenated with character offsets beside them.
Missing values in string columns are recorded in a small code array (None, NaN, NA).

Examples
--------
>>> import tempfile, pathlib, pandas as pd
>>> from embedkit import Embeddings
>>> emb = Embeddings(["a", "b"], [[1, 2], [3, 4]], metadata=pd.DataFrame({"n": [1, 2]}))
>>> path = save_npz(emb, pathlib.Path(tempfile.mkdtemp()) / "emb.npz")
>>> back = read_npz(path)
>>> back.labels, back.metadata["n"].tolist()
(['a', 'b'], [1, 2])
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..encoders import encoder_config, warn_unsaved
from ..errors import EmbedkitWarning, warn
from ._common import FormatError, Parts, atomic_writer

if TYPE_CHECKING:
    from ..vectors import Embeddings

FORMAT_NAME = "embedkit.Embeddings"
FORMAT_VERSION = 1
_MANIFEST = "__embedkit__"
_MISSING = {1: None, 2: float("nan"), 3: pd.NA, 4: pd.NaT}


# ----------------------------------------------------------------------------- strings
def _missing_code(v: Any) -> int:
    if v is None:
        return 1
    if v is pd.NA:
        return 3
    if v is pd.NaT:
        return 4
    if isinstance(v, float) and v != v:
        return 2
    return 0


def _encode_strings(values: list[str], key: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """Store ``values`` under ``key``; returns how (for the manifest).

    ``unicode``: a numpy ``<U`` array, when padding to the longest costs little.
    ``utf8-lines``: UTF-8 of the values joined by newlines (none holds one).
    ``utf8``: UTF-8 of the values concatenated, plus character offsets.
    """
    joined = "\n".join(values)  # one pass in C instead of per-string Python checks
    has_newline = joined.count("\n") != max(len(values) - 1, 0)
    total = len(joined) - max(len(values) - 1, 0)
    longest = max(map(len, values), default=0)
    trailing_nul = "\x00\n" in joined or joined.endswith("\x00")
    if not trailing_nul and longest * len(values) <= 4 * total + 65536:
        arrays[key] = np.array(values, dtype=f"<U{max(longest, 1)}")
        return {"encoding": "unicode"}
    if not has_newline:
        arrays[key] = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
        return {"encoding": "utf8-lines", "count": len(values)}
    arrays[key] = np.frombuffer("".join(values).encode("utf-8"), dtype=np.uint8)
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([len(v) for v in values], out=offsets[1:])
    arrays[key + "_offsets"] = offsets
    return {"encoding": "utf8"}


def _decode_strings(z: Any, key: str, info: dict[str, Any]) -> list[str]:
    encoding = info.get("encoding")
    if encoding == "unicode":
        arr = z[key]
        if arr.dtype.kind != "U":
            raise ValueError(f"array {key!r} should hold text, not {arr.dtype}")
        return list(arr.tolist())
    text = z[key].tobytes().decode("utf-8")
    if encoding == "utf8-lines":
        values = text.split("\n") if info["count"] else []
        if len(values) != info["count"]:
            raise ValueError(f"{key!r} holds {len(values)} strings, not {info['count']}")
        return values
    if encoding != "utf8":
        raise ValueError(f"unknown string encoding {encoding!r}")
    off = z[key + "_offsets"].tolist()
    return [text[off[i] : off[i + 1]] for i in range(len(off) - 1)]


# ----------------------------------------------------------------------------- columns
def _encode_column(col: pd.Series, key: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.asarray(col.cat.codes)
        arrays[key] = codes
        cats = _encode_column(pd.Series(dtype.categories), key + "c", arrays)
        return {"kind": "categorical", "ordered": bool(dtype.ordered), "categories": cats}
    if isinstance(dtype, pd.DatetimeTZDtype):
        arrays[key] = col.dt.tz_convert(None).to_numpy()
        return {"kind": "datetime_tz", "tz": str(dtype.tz)}
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
        arrays[key] = col.to_numpy()
        return {"kind": "numpy", "dtype": dtype.str}
    if isinstance(dtype, pd.StringDtype) or dtype == np.dtype(object):
        return _encode_text_column(col, key, arrays)
    np_dtype = getattr(dtype, "numpy_dtype", None)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and np_dtype is not None:
        mask = col.isna().to_numpy()
        fill = False if np_dtype.kind == "b" else 0
        arrays[key] = col.to_numpy(dtype=np_dtype, na_value=fill)
        arrays[key + "_mask"] = mask
        return {"kind": "masked", "dtype": dtype.name}
    raise ValueError(
        f"metadata column {col.name!r} has dtype {dtype}, which the .npz format cannot store "
        "without pickle; convert it (e.g. to str) first"
    )


def _encode_text_column(col: pd.Series, key: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    values = col.to_numpy(dtype=object)
    codes = np.fromiter((_missing_code(v) for v in values), dtype=np.int8, count=len(values))
    present = values[codes == 0]
    if any(not isinstance(v, str) for v in present):
        warn(
            f"metadata column {col.name!r} holds non-text objects; they are stored as text",
            EmbedkitWarning,
        )
    texts = ["" if c else str(v) for v, c in zip(values, codes, strict=True)]
    info: dict[str, Any] = {"kind": "text", **_encode_strings(texts, key, arrays)}
    if codes.any():
        arrays[key + "_missing"] = codes
    dtype = col.dtype
    if isinstance(dtype, pd.StringDtype):
        info["dtype"] = "string"
        info["storage"] = dtype.storage
        info["na"] = "NA" if dtype.na_value is pd.NA else "nan"
    else:
        info["dtype"] = "object"
    return info


def _decode_column(z: Any, key: str, info: dict[str, Any]) -> pd.Series:
    kind = info.get("kind")
    if kind == "numpy":
        return pd.Series(z[key].astype(np.dtype(info["dtype"]), copy=False))
    if kind == "datetime_tz":
        return pd.Series(z[key]).dt.tz_localize("UTC").dt.tz_convert(info["tz"])
    if kind == "masked":
        arr = pd.array(z[key], dtype=info["dtype"])
        arr[z[key + "_mask"].astype(bool)] = pd.NA
        return pd.Series(arr)
    if kind == "categorical":
        cats = _decode_column(z, key + "c", info["categories"])
        cat = pd.Categorical.from_codes(z[key], categories=pd.Index(cats), ordered=info["ordered"])
        return pd.Series(cat)
    if kind == "text":
        return _decode_text_column(z, key, info)
    raise ValueError(f"unknown column kind {kind!r}")


def _decode_text_column(z: Any, key: str, info: dict[str, Any]) -> pd.Series:
    values: list[Any] = _decode_strings(z, key, info)
    if key + "_missing" in z.files:
        codes = z[key + "_missing"]
        for i in np.flatnonzero(codes).tolist():
            values[i] = _MISSING[int(codes[i])]
    if info.get("dtype") == "string":
        na = pd.NA if info.get("na") == "NA" else np.nan
        return pd.Series(values, dtype=pd.StringDtype(info.get("storage"), na_value=na))
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return pd.Series(out, dtype=object)


# ----------------------------------------------------------------------------- public
def save_npz(emb: Embeddings, path: str | Path, *, compressed: bool = False) -> Path:
    """Write ``emb`` (labels, vectors, metadata, images) to an ``.npz`` file without pickle.

    Parameters
    ----------
    emb : Embeddings
        Metadata columns may be numeric, bool, text (object or pandas string; None
        and NaN kept apart), categorical, datetime (with or without time zone),
        timedelta or nullable (``Int64``, ``boolean``...); other dtypes raise
        ``ValueError`` naming the column. Objects that are not text are stored as
        text, with a warning.
    path : str or path-like
        ``.npz`` is appended when missing, as numpy does.
    compressed : bool
        Use ``np.savez_compressed`` (smaller, slower).

    Returns
    -------
    Path
        The file written. It appears only when complete (written beside, then renamed).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from embedkit import Embeddings
    >>> meta = pd.DataFrame({"genre": pd.Categorical(["a", "b"]), "note": ["x", None]})
    >>> emb = Embeddings(["u1", "u2"], [[1, 0], [0, 1]], metadata=meta)
    >>> path = save_npz(emb, pathlib.Path(tempfile.mkdtemp()) / "users")
    >>> path.name
    'users.npz'
    >>> read_npz(path).metadata.equals(meta)
    True
    """
    target = Path(path)
    if target.suffix.lower() != ".npz":
        target = target.with_name(target.name + ".npz")
    arrays: dict[str, np.ndarray] = {"vectors": np.ascontiguousarray(emb.vectors)}
    manifest: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "n": len(emb),
        "dim": emb.dim,
        "labels": _encode_strings(emb.labels, "labels", arrays),
        "images": emb.images is not None,
    }
    if emb.images is not None:
        arrays["images"] = emb.images
    manifest["metadata"] = None if emb.metadata is None else _encode_metadata(emb.metadata, arrays)
    encoder = getattr(emb, "encoder", None)
    manifest["encoder"] = encoder_config(encoder)  # a model name, or null
    warn_unsaved(encoder, "npz")
    arrays[_MANIFEST] = np.array(json.dumps(manifest, ensure_ascii=False))
    with atomic_writer(target) as f:
        saver: Any = np.savez_compressed if compressed else np.savez
        saver(f, **arrays)
    return target


def _encode_metadata(meta: pd.DataFrame, arrays: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    names = list(meta.columns)
    if len(set(names)) != len(names):
        raise ValueError(f"metadata has duplicate column names: {names}")
    columns = []
    for i, name in enumerate(names):
        if isinstance(name, bool) or not isinstance(name, (str, int)):
            raise ValueError(f"metadata column names must be str or int, not {name!r}")
        info = _encode_column(meta.iloc[:, i], f"meta{i}", arrays)
        columns.append({"name": name, **info})
    return columns


def read_npz(path: str | Path) -> Parts:
    """The labels, vectors, metadata and images of a file written by :func:`save_npz`.

    numpy is never allowed to unpickle. :func:`embedkit.io.load_npz` makes
    ``Embeddings`` of them.

    Raises
    ------
    FormatError
        Not a zip, truncated, a foreign ``.npz`` (no embedkit manifest), a newer
        format version, object (pickled) arrays, or shapes that disagree.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "plain.npz"
    >>> np.savez(p, x=np.zeros(3))
    >>> read_npz(p)
    Traceback (most recent call last):
    ...
    embedkit.io.FormatError: ...plain.npz: not an embedkit .npz file ...
    """
    p = Path(path)
    try:
        z = np.load(p, allow_pickle=False)
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as e:
        raise FormatError(p, f"not a readable .npz file ({e})") from None
    if not isinstance(z, np.lib.npyio.NpzFile):
        raise FormatError(p, "this is a single .npy array, not an embedkit .npz file")
    with z:
        try:
            manifest = _read_manifest(p, z)
            labels = _decode_strings(z, "labels", manifest["labels"])
            vectors = z["vectors"]
            images = z["images"] if manifest.get("images") else None
            meta = _decode_metadata(z, manifest.get("metadata"), len(labels))
        except FormatError:
            raise
        except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile, EOFError) as e:
            raise FormatError(p, f"corrupt embedkit .npz file: {e}") from None
    _check_shapes(p, manifest, labels, vectors)
    return Parts(labels, vectors, meta, images)


def read_encoder(path: str | Path) -> dict[str, Any] | None:
    """The encoder a file written by :func:`save_npz` names (JSON), or None."""
    p = Path(path)
    with np.load(p, allow_pickle=False) as z:
        found = _read_manifest(p, z).get("encoder")
    return found if isinstance(found, dict) else None


def _read_manifest(path: Path, z: Any) -> dict[str, Any]:
    if _MANIFEST not in z.files:
        shown = ", ".join(z.files[:8])
        raise FormatError(
            path,
            f"not an embedkit .npz file (no {_MANIFEST!r} manifest; arrays: {shown}); "
            "for plain arrays use Embeddings(labels, vectors)",
        )
    manifest = json.loads(str(z[_MANIFEST][()]))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise FormatError(path, "the manifest does not describe embedkit Embeddings")
    version = manifest.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise FormatError(
            path,
            f"format version {version!r} is newer than this embedkit reads "
            f"({FORMAT_VERSION}); upgrade embedkit",
        )
    return manifest


def _decode_metadata(z: Any, columns: Any, n: int) -> pd.DataFrame | None:
    if columns is None:
        return None
    data = {}
    for i, info in enumerate(columns):
        col = _decode_column(z, f"meta{i}", info)
        if len(col) != n:
            raise ValueError(f"metadata column {info['name']!r} has {len(col)} rows for {n}")
        data[info["name"]] = col
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def _check_shapes(path: Path, manifest: dict[str, Any], labels: list[str], vectors: Any) -> None:
    n, dim = manifest.get("n"), manifest.get("dim")
    if vectors.ndim != 2 or vectors.shape != (n, dim) or len(labels) != n:
        raise FormatError(
            path,
            f"the manifest promises {n} × {dim} but the file holds vectors of shape "
            f"{vectors.shape} and {len(labels)} labels",
        )
    if vectors.dtype != np.float32:
        raise FormatError(path, f"vectors should be float32, not {vectors.dtype}")
