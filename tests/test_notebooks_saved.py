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


def _not_compared(cell: nbformat.NotebookNode) -> bool:
    return "NBVAL_IGNORE_OUTPUT" in cell.source or "NBVAL_SKIP" in cell.source


def test_at_most_a_tenth_of_code_cells_go_uncompared():
    """Every taught result is checked: <= 10 % of code cells escape nbval's comparison."""
    code = [
        c for p in NOTEBOOKS for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"
    ]
    ignored = sum(map(_not_compared, code))
    assert ignored <= 0.10 * len(code), f"{ignored} of {len(code)} code cells not compared"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_an_uncompared_cell_is_followed_by_a_compared_one(path):
    """What an ignored cell (a timing, a widget) taught is stated in a compared cell after it."""
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    for i, cell in enumerate(code):
        if _not_compared(cell) and "NBVAL_SKIP" not in cell.source:
            later = code[i + 1 : i + 2]
            assert later and not _not_compared(later[0]) and later[0].outputs, (
                f"{path.name}: code cell {i} is not compared and no compared cell with an "
                "output follows it"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_long_float_from_training_in_compared_outputs(path):
    """A compared text output shows no float with 7 or more significant digits.

    Those drift between CPUs and BLAS kernels (see the README's notebook conventions).
    """
    long_float = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[-+]?\d+)?")
    for i, cell in enumerate(c for c in nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "code" or _not_compared(cell):
            continue
        for out in cell.outputs:
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            for number in long_float.findall(str(text)):
                digits = re.sub(r"e.*|[-.]", "", number).strip("0")
                assert len(digits) < 7, f"{path.name} cell {i}: {number} in a compared output"
