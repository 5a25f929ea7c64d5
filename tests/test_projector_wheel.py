"""The built wheel ships the front-end bundle: build it, install it in a clean venv, find it.

Building uses this environment's hatchling (``--no-build-isolation``: nothing downloads);
the clean venv has no pip and no packages, the wheel is installed into it with
``pip --python`` and ``--no-deps``. The installed bundle is then located through package
metadata (no import needed), and imported with ``importlib.resources`` by putting the clean
site-packages first on the path of this interpreter (which has numpy and the rest).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "embedkit" / "static" / "projector.js"
LOADER = ROOT / "embedkit" / "static" / "projector-loader.js"

pytestmark = pytest.mark.slow


def run(*cmd: str | Path) -> str:
    """Run ``cmd`` outside the checkout (so ``-c`` code cannot import it from the cwd)."""
    done = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, check=False, cwd="/"
    )
    if done.returncode:
        raise AssertionError(f"{cmd} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


@pytest.fixture(scope="module")
def clean_install(tmp_path_factory: pytest.TempPathFactory, built_wheel: Path) -> tuple[Path, Path]:
    """(the wheel, the clean venv's python) with the wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = built_wheel
    run(sys.executable, "-m", "venv", "--without-pip", tmp / "venv")
    python = tmp / "venv" / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)
    return wheel, python


def test_wheel_contains_the_bundle(clean_install: tuple[Path, Path]) -> None:
    wheel, _ = clean_install
    with zipfile.ZipFile(wheel) as zf:
        data = zf.read("embedkit/static/projector.js")
        loader = zf.read("embedkit/static/projector-loader.js")
    assert data == BUNDLE.read_bytes()
    assert b"createProjectorView" in data and len(data) > 100_000
    assert loader == LOADER.read_bytes() and b"_bundle" in loader


def test_clean_venv_has_the_bundle_as_a_file(clean_install: tuple[Path, Path]) -> None:
    _, python = clean_install
    code = (
        "import importlib.metadata as m, importlib.util as u, json, sys\n"
        "d = m.distribution('embedkit')\n"
        "f = d.locate_file('embedkit/static/projector.js')\n"
        "print(json.dumps({'file': str(f), 'size': f.stat().st_size,"
        " 'origin': u.find_spec('embedkit').origin, 'prefix': sys.prefix}))"
    )
    info = json.loads(run(python, "-c", code))
    assert info["size"] == BUNDLE.stat().st_size
    assert info["origin"].startswith(info["prefix"])  # not this checkout
    assert not info["origin"].startswith(str(ROOT))


def test_installed_package_loads_the_bundle(clean_install: tuple[Path, Path]) -> None:
    _, python = clean_install
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    code = (
        f"import sys; sys.path.insert(0, {site!r})\n"
        "import importlib.resources as r, json\n"
        "import embedkit\n"
        "from embedkit.widgets.projector import BUNDLE, Projector\n"
        "res = r.files('embedkit').joinpath('static/projector.js')\n"
        "from embedkit.widgets.projector import _bundle_text\n"
        "print(json.dumps({'pkg': embedkit.__file__, 'bundle': str(BUNDLE),"
        " 'text': len(res.read_text(encoding='utf-8')), 'model': len(_bundle_text()),"
        " 'esm': len(str(Projector._esm))}))"
    )
    info = json.loads(run(sys.executable, "-c", code))
    assert info["pkg"].startswith(site) and info["bundle"].startswith(site)
    assert info["text"] == info["model"] == len(BUNDLE.read_text(encoding="utf-8"))
    assert info["esm"] == len(LOADER.read_text(encoding="utf-8"))
