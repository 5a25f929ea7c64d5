"""Real JupyterLab + Debian Chromium (Playwright) for the browser tests.

One JupyterLab server per session, bound to 127.0.0.1 on a free port with a random token,
in a temporary directory with its own settings (news and update checks off) and data dir
(so only this venv's kernel and extensions are found). Test modules write their notebook
into ``lab.root`` and open it with :func:`open_notebook`. The labextension tests share a
second server, ``nokernel_lab``, that has no usable kernel (saved outputs only).

Without /usr/bin/chromium the tests skip in a quick local run and fail inside ``make test``
(``EMBEDKIT_REQUIRE_ALL=1``, see the root ``conftest.py``; the Makefile's ``chromium``
target installs it). Screenshots go to ``$EMBEDKIT_ARTIFACTS`` (default
``build/browser-artifacts``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
GL_ARGS = [  # WebGL through SwiftShader (CPU), which works headless without a GPU
    "--no-sandbox",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
]
ARTIFACTS = Path(os.environ.get("EMBEDKIT_ARTIFACTS", "build/browser-artifacts"))
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"{CHROMIUM} is missing: run `make chromium` (apt-get install -y chromium)"
    pytest.skip(reason)  # a failure inside `make test` (root conftest.py)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Lab:
    url: str
    token: str
    root: Path

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"


def write_notebook(path: Path, cells: list[str]) -> None:
    """Write a notebook of code cells (nbformat 4, python3 kernel)."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": src,
            }
            for src in cells
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _wait_for_server(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not answer in {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A JupyterLab server for the whole session (127.0.0.1, random port and token)."""
    _require_chromium()
    with start_lab(tmp_path_factory.mktemp("lab")) as server:
        yield server


@contextlib.contextmanager
def start_lab(
    base: Path, extra_args: tuple[str, ...] = (), settings_extra: dict[str, Any] | None = None
) -> Iterator[Lab]:
    """Run JupyterLab in ``base`` (notebooks in ``base/notebooks``) until the block ends;
    ``extra_args`` go to ``jupyter lab`` (e.g. :data:`NO_KERNEL`), ``settings_extra`` are
    more user settings (file name -> value, as :data:`LAB_SETTINGS`)."""
    root, settings, data = base / "notebooks", base / "settings", base / "data"
    for d in (root, settings, data):
        d.mkdir()
    for rel, value in {**LAB_SETTINGS, **(settings_extra or {})}.items():
        target = settings / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_DATA_DIR": str(data),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "MPLBACKEND": "Agg",
    }
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.extension_manager=readonly",
        *extra_args,
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI runners
        cmd.append("--allow-root")
    log = base / "lab.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(f"{url}/api/status?token={token}", proc, log)
        yield Lab(url, token, root)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


NO_KERNEL = ("--KernelSpecManager.allowed_kernelspecs=nokernel",)
# every cell attached to the page, so each output renders without scrolling to it
ALL_CELLS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


@pytest.fixture(scope="session")
def nokernel_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A JupyterLab server with NO usable kernel (no kernelspec is allowed), every
    notebook cell attached to the page: for the labextension's kernel-less renderers."""
    _require_chromium()
    with start_lab(tmp_path_factory.mktemp("nokernel"), NO_KERNEL, ALL_CELLS) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    _require_chromium()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=GL_ARGS)
        yield b
        b.close()


def open_page(browser: Any, lab: Lab, path: str) -> Any:
    """Open ``path`` (a notebook or any file) in JupyterLab; returns the page, not waiting.

    The page records every JavaScript dialog in ``page.dialogs`` (and dismisses it: a
    dialog from ``alert`` means script from the data ran), every uncaught error in
    ``page.errors``, and console lines (errors included) in ``page.console_messages``.
    """
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.dialogs, page.errors, page.console_messages = [], [], []

    def on_dialog(dialog: Any) -> None:
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_error(err: Any) -> None:
        page.errors.append(str(err))
        page.console_messages.append(f"pageerror: {err}")

    page.on("dialog", on_dialog)
    page.on("console", lambda m: page.console_messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", on_error)
    page.goto(lab.notebook_url(path))
    return page


def open_notebook(browser: object, lab: Lab, name: str) -> object:
    """Open ``name`` in JupyterLab and wait for the kernel to be idle; returns the page
    (recording dialogs and errors as :func:`open_page` does)."""
    page = open_page(browser, lab, name)
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    wait_idle(page)
    return page


def no_kernel(page: Any, timeout: float = 60_000) -> None:
    """Answer JupyterLab's kernel dialog with "No Kernel" (on a server without kernels it
    always asks, late on a loaded machine; the dialog would catch clicks meant for the page)."""
    button = page.locator(".jp-Dialog").get_by_role("button", name="No Kernel")
    button.wait_for(timeout=timeout)
    button.click()
    button.wait_for(state="detached", timeout=timeout)


def display_output(data: dict[str, Any]) -> dict[str, Any]:
    """A saved ``display_data`` output of a MIME bundle (``image/png`` as bytes or text)."""
    data = dict(data)
    if isinstance(data.get("image/png"), bytes):
        data["image/png"] = base64.b64encode(data["image/png"]).decode("ascii")
    return {"output_type": "display_data", "metadata": {}, "data": data}


def write_output_notebook(path: Path, cells: list[tuple[str, list[dict[str, Any]]]]) -> None:
    """Write a saved notebook of code cells, each (source, outputs), as if it had run."""
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": i + 1, "outputs": outputs,
             "source": source}
            for i, (source, outputs) in enumerate(cells)
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    path.write_text(json.dumps(nb, separators=(",", ":")), encoding="utf-8")


def wait_idle(page: object, timeout: float = 60_000) -> None:
    """Wait until the status bar reads ``| Idle`` (kernel started and not busy)."""
    page.locator("#jp-main-statusbar").get_by_text("| Idle").wait_for(timeout=timeout)  # type: ignore[attr-defined]


def run_all(page: object) -> None:
    """Run every cell (JupyterLab's own command) and wait for the kernel to settle."""
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    wait_idle(page)


def run_cell(page: object, index: int) -> str:
    """Run cell ``index`` and return the text of its output."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)  # type: ignore[attr-defined]
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")  # type: ignore[attr-defined]
    page.wait_for_timeout(200)  # type: ignore[attr-defined]
    wait_idle(page)
    return str(cell.locator(".jp-OutputArea").inner_text())


def run_code(page: object, index: int, code: str) -> str:
    """Replace the source of cell ``index`` with ``code``, run it, return its output text."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)  # type: ignore[attr-defined]
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+A")  # type: ignore[attr-defined]
    page.keyboard.insert_text(code)  # type: ignore[attr-defined]
    page.keyboard.press("Control+Enter")  # type: ignore[attr-defined]
    page.wait_for_timeout(200)  # type: ignore[attr-defined]
    wait_idle(page)
    return str(cell.locator(".jp-OutputArea").inner_text())


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def click_point(
    page: Any, point: Any, i: int, label: str, rows: Any, n_rows: int, scope: Any
) -> None:
    """Click point ``i`` (at ``point(page, i)``) until ``n_rows`` neighbour rows show.

    The view learns the pointer position from mouse moves drawn on the next frame; on
    a loaded machine with software WebGL a click can arrive first and hit nothing. So
    hover until the tooltip names the point, then click, and try again (3 times) if the
    click was lost — a person would click again too.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        xy = point(page, i)
        page.mouse.move(*xy)
        with contextlib.suppress(PlaywrightTimeout):
            scope.locator(".ek-tooltip .ek-label").get_by_text(label, exact=True).wait_for(
                timeout=5_000
            )
        page.mouse.click(*xy)
        try:
            rows.nth(n_rows - 1).wait_for(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


@pytest.fixture(scope="session")
def ui() -> SimpleNamespace:
    """The helpers above, for test modules (``--import-mode=importlib`` cannot import
    conftest by name)."""
    return SimpleNamespace(
        write_notebook=write_notebook, open_notebook=open_notebook, wait_idle=wait_idle,
        run_all=run_all, run_cell=run_cell, run_code=run_code, screenshot=screenshot,
        start_lab=start_lab, click_point=click_point, open_page=open_page, no_kernel=no_kernel,
        display_output=display_output, write_output_notebook=write_output_notebook,
    )  # fmt: skip
