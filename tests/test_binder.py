"""The Binder environment: repo2docker accepts it and pip can resolve it.

Docker is not available here, so repo2docker runs with ``--no-build`` (it still
detects the buildpack and writes the Dockerfile), and pip resolves the
requirements with ``--dry-run`` against the package index.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _names(lines: list[str]) -> set[str]:
    out = set()
    for line in lines:
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            out.add(re.split(r"[<>=\[;! ]", line)[0].lower().replace("_", "-"))
    return out


def test_binder_requirements_cover_the_package_dependencies():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = _names(meta["dependencies"])
    extras = meta["optional-dependencies"]
    for extra in ("images", "sentences", "umap", "ann", "data"):
        needed |= _names(extras[extra])
    needed |= {"jupyterlab"}
    have = _names((ROOT / "binder" / "requirements.txt").read_text().splitlines())
    assert needed <= have, f"binder/requirements.txt lacks {sorted(needed - have)}"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post = ROOT / "binder" / "postBuild"
    assert post.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert "pip install" in post.read_text()


@pytest.mark.slow
def test_repo2docker_accepts_the_repository():
    out = subprocess.run(
        [str(BIN / "repo2docker"), "--no-build", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-2000:]
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in log
    assert "./binder/postBuild" in log


@pytest.mark.slow
def test_binder_requirements_resolve():
    out = subprocess.run(
        [
            str(BIN / "python"),
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "-q",
            "-r",
            str(ROOT / "binder" / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
