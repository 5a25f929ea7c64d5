"""Inside ``make test`` a skipped test is a failure.

``make test`` installs every part (torch, faiss, Chromium, JupyterLab, the offline data), so
a test that skips there hides a missing install step. The Makefile sets
``EMBEDKIT_REQUIRE_ALL=1``; then any skip (an ``importorskip``, a missing browser) is
reported as a failure that keeps the skip's reason; only a notebook cell marked
``NBVAL_SKIP`` (Binder's online path) stays skipped. Outside it (a quick local run) skips
stay skips, and ``-rs`` lists their reasons.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

REQUIRE_ALL = os.environ.get("EMBEDKIT_REQUIRE_ALL", "") not in ("", "0")


def _nbval_skip(item: pytest.Item) -> bool:
    """A notebook cell marked ``NBVAL_SKIP`` (it needs the internet): skipped by design."""
    return type(item).__name__ == "IPyNbCell" and bool(getattr(item, "options", {}).get("skip"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail") and not _nbval_skip(item):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped inside `make test` (EMBEDKIT_REQUIRE_ALL=1): {reason}"


# Scopes that each start a local Ray cluster. Under `--dist loadscope` they share one scope
# (so one xdist worker runs them one after the other): two clusters at once on 2 cores
# took minutes to start (a 117 s fixture setup in CI), and a Ray cluster uses every core.
RAY_SCOPES = ("notebooks/07-beyond-one-machine.ipynb", "tests/test_scale.py")


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadscope`` with the Ray scopes merged into one (see ``RAY_SCOPES``)."""
    if config.getoption("dist", None) != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneRayAtATime(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return "ray" if scope in RAY_SCOPES else scope

    return OneRayAtATime(config, log)
