"""What a benchmark ran on: CPU model, BLAS library and kernel, thread counts, load.

Every benchmark prints :func:`describe` first, so that a ratio quoted elsewhere names the
machine it was measured on (a ratio holds on one CPU and BLAS kernel only until it is
measured on another). ``OPENBLAS_CORETYPE`` switches the OpenBLAS kernel for a one-off
measurement by hand (with ``OPENBLAS_L2_SIZE`` unset in the same command), never in
tests or CI.
"""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Callable, Sequence


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas() -> str:
    import numpy  # noqa: F401  (loads numpy's BLAS so that threadpoolctl sees it)
    from threadpoolctl import threadpool_info

    parts = []
    for info in threadpool_info():
        arch = info.get("architecture") or "?"
        lib = os.path.basename(info["filepath"])
        parts.append(
            f"{info['internal_api']} {info.get('version') or ''} kernel {arch} "
            f"{info['num_threads']} threads ({info['user_api']}, {lib})"
        )
    return "; ".join(parts) or "no BLAS found by threadpoolctl"


def describe() -> str:
    """One block of text naming the machine, the BLAS kernel and the load."""
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    lines = [
        f"cpu: {cpu_model()}, {os.cpu_count()} cores; load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"blas: {blas()}",
    ]
    if env:
        lines.append(f"env: {env}")
    try:
        import sys

        if "torch" in sys.modules:
            import torch

            lines.append(f"torch {torch.__version__}: {torch.get_num_threads()} threads")
    except ImportError:
        pass
    return "\n".join(lines)


def alternate(sides: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run each side ``rounds`` times, alternating which goes first; the measured values."""
    out: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            out[name].append(sides[name]())
    return out


def ratio_with_margin(ours: Sequence[float], theirs: Sequence[float]) -> str:
    """Median ratio of paired runs and its spread (min-max of the paired ratios)."""
    pairs = [o / t for o, t in zip(ours, theirs, strict=True)]
    return (
        f"median {statistics.median(pairs):.3f} (paired ratios {min(pairs):.3f}-{max(pairs):.3f}, "
        f"{len(pairs)} alternating rounds)"
    )


if __name__ == "__main__":
    print(describe())
