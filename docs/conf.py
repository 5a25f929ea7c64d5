"""Sphinx configuration for embedkit's documentation (``make docs`` -> build/docs).

Why these tools
---------------
- Sphinx with autodoc and numpydoc: embedkit's docstrings are numpydoc style (the
  scientific-Python convention of numpy, scipy, scikit-learn, pandas), so the reference
  is read from the code and cannot drift from it; ``-W`` makes a broken docstring fail
  ``make docs`` (and so ``make test``).
- pydata-sphinx-theme: the theme of that same ecosystem, so the pages look like the
  documentation a user of numpy, pandas or scikit-learn already knows.
- myst-nb, not nbsphinx: nbsphinx converts notebook markdown with the ``pandoc``
  program, which PyPI does not install onto PATH (``pypandoc-binary`` only bundles it
  inside its package); myst-nb needs no external program, renders the tutorials from
  their SAVED outputs (``nb_execution_mode = "off"``: the docs never run a notebook), and
  its MyST parser also reads the Markdown pages (``architecture.md``) as they are on
  GitHub.
- No intersphinx: the build is offline and makes no network request.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's embedkit, also without an install
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import embedkit  # noqa: E402

project = "embedkit"
author = "embedkit developers"
copyright = "embedkit developers"
version = release = embedkit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
]

root_doc = "index"
exclude_patterns = ["**/.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# -- API reference from the docstrings ------------------------------------------------
autosummary_generate = False  # module pages are written by hand: nothing is generated
# `:members:` is written on each directive: Sphinx 9.0 lets a default "members" option
# override a directive's own list of members.
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # types are in the numpydoc Parameters sections
autodoc_class_signature = "mixed"
numpydoc_show_class_members = False  # autodoc documents members; no stub pages needed
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
# PR02: a documented parameter that the signature does not have is a warning, so an error
# under -W. Keywords are renamed without aliases before 1.0 (CHANGELOG.md): a docstring
# must not go on describing the old name.
numpydoc_validation_checks = {"PR02"}

# -- Tutorials: rendered from their saved outputs, never executed ---------------------
nb_execution_mode = "off"
# Saved notebooks keep no widget state (tools/run_notebook.py drops it), so a widget
# output would render as an empty box: show its PNG / HTML / text fallback instead.
nb_mime_priority_overrides = [
    (builder, "application/vnd.jupyter.widget-view+json", None)
    for builder in ("html", "dirhtml", "singlehtml")
]
# Snapshot outputs (ek.snapshot) carry application/vnd.embedkit.projector+json, which only
# embedkit's JupyterLab extension draws. myst-nb warns about any MIME type it cannot draw,
# even when it shows a fallback, and a snapshot always carries image/png and text/plain
# (tests/test_snapshot.py): so this one kind of warning is not an error here.
suppress_warnings = ["mystnb.unknown_mime_type"]
myst_heading_anchors = 3

# -- HTML -----------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"embedkit {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False  # the notebooks are in the repository; no copies in the site


def _constructor_signature(app, what, name, obj, options, signature, return_annotation):
    """Show a trainer's ``__init__`` parameters, not ``Trainer.__new__``'s ``*args``.

    ``Trainer.__new__(cls, *args, **kwargs)`` checks renamed keywords; autodoc would
    otherwise take its signature for every trainer class.
    """
    if what != "class" or signature != "(*args, **kwargs)":
        return None
    init = inspect.signature(obj.__init__)
    params = [p.replace(annotation=p.empty) for p in list(init.parameters.values())[1:]]
    return str(init.replace(parameters=params, return_annotation=init.empty)), None


def setup(app):
    app.connect("autodoc-process-signature", _constructor_signature)
