"""Binary payloads for widgets: arrays as ``{buffer, dtype, shape}`` and small PNG images.

Arrays travel to the browser as raw bytes (a ``memoryview``), never as JSON lists;
ipywidgets lifts every ``memoryview`` out of the state into a binary buffer. PNGs are
encoded here with ``zlib`` (no imaging library needed) for hover thumbnails and the
static fallback image.

Examples
--------
>>> import numpy as np
>>> wire = array_to_wire(np.array([[1, 2], [3, 4]]), "float32")
>>> wire["dtype"], wire["shape"], wire["buffer"].nbytes
('float32', [2, 2], 16)
>>> wire_to_array(wire).tolist()
[[1.0, 2.0], [3.0, 4.0]]
>>> png_data_url(np.zeros((2, 2), dtype=np.uint8))[:22]
'data:image/png;base64,'
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import numpy as np

DTYPES = ("float32", "float64", "uint32", "int32", "uint8")


def array_to_wire(array: Any, dtype: str = "float32") -> dict[str, Any]:
    """``{"buffer": memoryview, "dtype": dtype, "shape": [...]}`` of a C-contiguous copy.

    Examples
    --------
    >>> array_to_wire([1, 2, 3], "uint32")["shape"]
    [3]
    """
    if dtype not in DTYPES:
        raise ValueError(f"unsupported dtype {dtype!r}; choose one of {', '.join(DTYPES)}")
    arr = np.ascontiguousarray(np.asarray(array), dtype=dtype)
    return {"buffer": arr.data.cast("B"), "dtype": dtype, "shape": list(arr.shape)}


def wire_to_array(wire: dict[str, Any] | None) -> np.ndarray | None:
    """Inverse of :func:`array_to_wire` (bytes, bytearray or memoryview buffers).

    Examples
    --------
    >>> wire_to_array(None) is None
    True
    """
    if wire is None:
        return None
    try:
        dtype, shape, buf = wire["dtype"], wire["shape"], wire["buffer"]
    except (KeyError, TypeError):
        raise ValueError(f"a wire array needs buffer, dtype and shape; got {wire!r}") from None
    if dtype not in DTYPES:
        raise ValueError(f"unsupported dtype {dtype!r} in a wire array")
    arr = np.frombuffer(bytes(buf), dtype=dtype)
    expected = int(np.prod(shape)) if shape else 1
    if arr.size != expected:
        raise ValueError(f"wire array has {arr.size} values for shape {shape}")
    return arr.reshape(shape)


def to_json(value: Any, widget: Any) -> Any:
    """traitlets ``to_json`` hook: numpy arrays become wire dicts, and so do the arrays in
    a dict (the one under ``"codes"`` sent as float32 ``"values"``); anything else passes
    unchanged.

    Examples
    --------
    >>> to_json({"codes": np.zeros(2, np.float32), "kind": "x"}, None)["values"]["shape"]
    [2]
    """
    if isinstance(value, np.ndarray):
        return array_to_wire(value, str(value.dtype))
    if isinstance(value, dict) and any(isinstance(v, np.ndarray) for v in value.values()):
        out = {
            k: array_to_wire(v, str(v.dtype)) if isinstance(v, np.ndarray) else v
            for k, v in value.items()
            if k != "codes"
        }
        if isinstance(value.get("codes"), np.ndarray):
            out["values"] = array_to_wire(value["codes"], "float32")
        return out
    return value


SEP = "\0"  # between two labels in a text buffer (labels_to_json)


def labels_to_json(value: Any, widget: Any) -> Any:
    r"""traitlets ``to_json`` hook of the map labels ``{"order", "text", "max"}``: the
    order array as a wire array and the text as ONE binary buffer, ``"text_utf8"`` (the
    labels in order, UTF-8, joined by ``"\0"``), instead of a JSON list of strings.

    At 100,000 labels the list cost the kernel 0.07 s (ipywidgets walks every item for
    buffers) and held the widget's first message back in transit, with the display
    message queued behind it; bytes pass through untouched. A label that itself holds
    ``"\0"`` keeps the list (``"text"``).

    Examples
    --------
    >>> wire = labels_to_json({"order": np.array([1, 0], np.uint32), "text": ["b", "é"],
    ...                        "max": 300}, None)
    >>> bytes(wire["text_utf8"]).decode().split(SEP), wire["order"]["shape"], wire["max"]
    (['b', 'é'], [2], 300)
    >>> labels_to_json({"order": np.array([0], np.uint32), "text": ["a\0b"],
    ...                 "max": 1}, None)["text"]
    ['a\x00b']
    """
    if not isinstance(value, dict):
        return value
    out = to_json({k: v for k, v in value.items() if k != "text"}, widget)
    text = list(value["text"])
    joined = SEP.join(text)
    if joined.count(SEP) == max(len(text) - 1, 0):
        out["text_utf8"] = memoryview(joined.encode("utf-8", "surrogatepass"))
    else:
        out["text"] = text
    return out


def png_bytes(image: np.ndarray) -> bytes:
    """Encode a uint8 image (h, w), (h, w, 3) or (h, w, 4) as PNG.

    Examples
    --------
    >>> png_bytes(np.full((1, 1, 3), 255, dtype=np.uint8))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    img = np.asarray(image)
    if img.dtype != np.uint8:
        raise ValueError(f"PNG images must be uint8; got {img.dtype}")
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 2:
        color_type, channels = 0, 1
    elif img.ndim == 3 and img.shape[2] in (3, 4):
        color_type, channels = (2 if img.shape[2] == 3 else 6), img.shape[2]
    else:
        raise ValueError(f"an image must be (h, w), (h, w, 3) or (h, w, 4); got {img.shape}")
    h, w = img.shape[:2]
    rows = np.ascontiguousarray(img).reshape(h, w * channels)
    raw = np.hstack([np.zeros((h, 1), dtype=np.uint8), rows]).tobytes()  # filter 0 per row

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def png_data_url(image: np.ndarray) -> str:
    """A ``data:image/png;base64,...`` URL for a uint8 image."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode("ascii")
