"""Saved tutorial notebooks are small, executed and numbered (no bulky widget state)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_tutorials_exist_and_are_numbered():
    names = [p.name for p in NOTEBOOKS]
    assert "01-word-vectors.ipynb" in names
    for name in names:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", name), name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_notebook_is_small_and_executed(path):
    assert path.stat().st_size < 1_500_000, f"{path.name} is {path.stat().st_size:,} bytes"
    nb = nbformat.read(path, as_version=4)
    widgets = len(str(nb.metadata.get("widgets", "")))
    assert widgets < 200_000, "large widget state: save with tools/run_notebook.py"
    code = [c for c in nb.cells if c.cell_type == "code"]
    skipped = [
        c
        for c in code
        if "NBVAL_SKIP" in c.source or "skip-execution" in c.metadata.get("tags", [])
    ]
    run = [c for c in code if c.source.strip() and c not in skipped]
    assert run and all(c.execution_count for c in run), "save it executed"
    assert not any(o.get("output_type") == "error" for c in code for o in c.outputs)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
