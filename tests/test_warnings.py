"""embedkit's warnings are seen under the default filters of Python and IPython.

``pytest.warns`` sees every warning whatever the filters, so these tests run a fresh
interpreter (no ``-W`` flag, no ``PYTHONWARNINGS``) and read its stderr, as a user would.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import embedkit.errors as W

PACKAGE = Path(W.__file__).parent

TRIGGERS = {
    "MemoryWarning": (
        "from embedkit.train.corpus import MemoryEstimate\n"
        "MemoryEstimate(parts={'vectors': 10**15}, available=10**9).warn_if_too_large('fit')\n"
    ),
    "CorpusWarning": (
        "from embedkit.train.corpus import check_corpus\ncheck_corpus(iter([['a', 'b'], ['c']]))\n"
    ),
}


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_warning_is_shown_by_plain_python(name: str) -> None:
    res = subprocess.run(
        [sys.executable, "-c", TRIGGERS[name]],
        capture_output=True, text=True, env=_clean_env(), timeout=120, check=True,
    )  # fmt: skip
    assert f"{name}:" in res.stderr, res.stderr


@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_warning_is_shown_by_ipython(name: str) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "IPython", "--no-banner", "--quick", "-c", TRIGGERS[name]],
        capture_output=True, text=True, env=_clean_env(), timeout=120, check=True,
    )  # fmt: skip
    assert f"{name}:" in res.stdout + res.stderr, res.stdout + res.stderr


def test_warning_points_at_the_users_line() -> None:
    code = (
        "import warnings\n"
        "warnings.simplefilter('always')\n"
        "from embedkit.train.corpus import MemoryEstimate\n"
        "MemoryEstimate(parts={'v': 10**15}, available=10**9).warn_if_too_large('fit')\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_clean_env(),
        timeout=120, check=True,
    )  # fmt: skip
    assert "<string>:4: MemoryWarning" in res.stderr, res.stderr


def test_every_embedkit_warning_is_a_user_warning() -> None:
    for name in W.__all__:
        cls = getattr(W, name)
        assert issubclass(cls, UserWarning), name
        assert not issubclass(cls, ResourceWarning | DeprecationWarning), name


def test_every_warn_call_names_an_embedkit_category() -> None:
    """A bare ``warnings.warn(msg)`` or a stdlib category would dodge the rule above."""
    bad = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "warnings.warn"):
                continue
            if path.name == "errors.py":  # the helper itself passes its category through
                continue
            category = node.args[1] if len(node.args) > 1 else None
            for kw in node.keywords:
                if kw.arg == "category":
                    category = kw.value
            if category is None or ast.unparse(category).split(".")[-1] not in W.__all__:
                bad.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not bad, f"warnings.warn without an embedkit warning category: {bad}"
