"""The wheel ships the prebuilt JupyterLab extension: build the wheel, install it into a
clean venv, and ask that venv's ``jupyter labextension list``.

The clean venv gets only the wheel (``--no-deps``); JupyterLab itself comes from this
environment through a ``.pth`` file placed after the clean site-packages, so the embedkit
found (package and ``share/jupyter/labextensions/embedkit``) is the one from the wheel,
under the clean venv's prefix, not this checkout.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABEXT = ROOT / "embedkit" / "labextension"

pytestmark = pytest.mark.slow


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, check=False, cwd="/", env=env
    )
    if done.returncode:
        raise AssertionError(f"{cmd} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, built_wheel: Path) -> tuple[Path, Path]:
    """(the wheel, the clean venv) with the wheel installed."""
    pytest.importorskip("hatch_jupyter_builder", reason="test extra builds the wheel offline")
    tmp = tmp_path_factory.mktemp("labwheel")
    wheel = built_wheel
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    (Path(site.strip()) / "zz_host.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return wheel, venv


def test_wheel_holds_the_labextension(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    prefix = "embedkit-0.1.0.data/data/share/jupyter/labextensions/embedkit/"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta = json.loads(zf.read(prefix + "package.json"))
    assert {prefix + "package.json", prefix + "install.json"} <= names
    assert meta["name"] == "embedkit"
    entry = meta["jupyterlab"]["_build"]["load"]
    assert prefix + entry in names
    for f in (LABEXT / "static").iterdir():  # the committed build, byte for byte
        assert prefix + "static/" + f.name in names


def test_labextension_list_shows_embedkit_enabled_ok(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, venv = installed
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_PATH": ""}  # fmt: skip
    # `jupyter labextension list`, run by the clean venv's interpreter (its sys.prefix)
    code = "import sys; from jupyterlab.labextensions import main; sys.exit(main())"
    out = run(venv / "bin" / "python", "-c", code, "list", env=env)
    out = re.sub(r"\x1b\[[0-9;]*m", "", out)  # colours off
    assert f"{venv}/share/jupyter/labextensions" in out, out
    line = next(s for s in out.splitlines() if s.strip().startswith("embedkit "))
    assert "enabled" in line and "OK" in line, out
    assert "python, embedkit" in line, out  # installed by pip (install.json)
