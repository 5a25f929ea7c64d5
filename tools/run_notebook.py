"""Execute tutorial notebooks in place and save them without widget state.

Widget state (the projector's binary buffers) would make a saved notebook several
megabytes; the outputs keep their PNG and text fallbacks, which is what GitHub and
nbval see. Usage: ``.venv/bin/python tools/run_notebook.py notebooks/01-*.ipynb``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"{path}: {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        run(Path(arg))
