"""The API reference (``docs/api``, built by ``make docs``) covers every public module.

The pages are written by hand (one ``automodule`` each, nothing generated), so a new
public module or trainer must get a line there, or be named internal here with a reason.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api"

# Public-looking modules that have no page of their own, and where they are documented.
NOT_ON_A_PAGE = {
    "embedkit.vectors": "Embeddings is documented as embedkit.Embeddings (api/embedkit.rst)",
    "embedkit.analogy": "the arithmetic behind Embeddings.analogy and evaluate.analogies",
    "embedkit.plot": "behind Embeddings.plot()",
    "embedkit.interactions": "input checks and the recommender base of train/items.py",
    "embedkit.train.params": "parameter checks for trainer authors (docs/architecture.md)",
    "embedkit.train.glove": "GloVe is documented through embedkit.train.words.__all__",
    "embedkit.train.sentences": "SentenceEncoder is documented through train.documents",
}


def _public_modules() -> set[str]:
    found = set()
    for path in (ROOT / "embedkit").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not any(p.startswith("_") for p in parts):
            found.add(".".join(parts))
    return found


def _documented() -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in API.glob("*.rst"))
    return set(re.findall(r"^\.\. automodule:: (\S+)", text, flags=re.M))


def test_every_public_module_has_an_api_page():
    missing = _public_modules() - _documented() - NOT_ON_A_PAGE.keys()
    assert not missing, f"add to docs/api/*.rst (or NOT_ON_A_PAGE): {sorted(missing)}"


def test_api_pages_name_real_modules():
    stale = (_documented() | NOT_ON_A_PAGE.keys()) - _public_modules()
    assert not stale, f"docs/api or NOT_ON_A_PAGE names modules that are gone: {sorted(stale)}"


def test_every_trainer_is_in_the_trainer_table():
    init = (ROOT / "embedkit" / "train" / "__init__.py").read_text(encoding="utf-8")
    lazy = re.search(r"_LAZY = \{(.*?)\}", init, flags=re.S)
    assert lazy is not None
    trainers = re.findall(r'"(\w+)":', lazy.group(1))
    table = (API / "train.rst").read_text(encoding="utf-8")
    missing = [t for t in trainers if not re.search(rf"~\w+\.{t}$", table, flags=re.M)]
    assert not missing, f"add to the trainer table in docs/api/train.rst: {missing}"


def test_tutorials_in_the_docs_are_the_notebooks():
    """docs/tutorials is a link to notebooks/, so a new tutorial is in the docs at once."""
    link = ROOT / "docs" / "tutorials"
    assert link.is_symlink() and link.resolve() == (ROOT / "notebooks").resolve()
