"""A local Ray cluster for a laptop, a notebook or the tests: every server on 127.0.0.1.

``ray.init(num_cpus=2, include_dashboard=False)`` starts a local cluster, but Ray's
servers then listen on every network interface (they are meant to be reached by other
nodes). :func:`local_cluster` starts the same cluster with every server bound to the
loopback address, without the dashboard, and with the workers' log lines kept out of
the notebook. On a real cluster, replace it with ``ray.init(address=...)``.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from .._deps import require

__all__ = ["local_cluster"]

# Ray's switch for single-machine use (as on macOS and Windows): node address 127.0.0.1,
# so that its gRPC servers bind the loopback interface only. Read when ray is imported.
_LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


def local_cluster(num_cpus: int = 2, **options: Any) -> Any:
    """Start (or reuse) a local Ray cluster bound to 127.0.0.1; returns ray's context.

    Parameters
    ----------
    num_cpus : int
        CPUs Ray may schedule on (2 on a 2-core machine).
    **options
        More ``ray.init`` keywords (``object_store_memory``, ``num_gpus``, ...).

    Raises
    ------
    RuntimeError
        The cluster did not come up on 127.0.0.1 (it is shut down again).
    """
    os.environ[_LOOPBACK_ENV] = "0"  # for the processes Ray starts
    ray = require("ray", extra="ray", purpose="a local Ray cluster")
    from ray._private import ray_constants

    if ray.is_initialized():
        return ray.get_runtime_context()
    # read at each call by ray's node-address lookup (ray may have been imported before)
    ray_constants.ENABLE_RAY_CLUSTER = False
    kwargs: dict[str, Any] = {
        "num_cpus": num_cpus,
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.ERROR,
        "configure_logging": True,
    }
    kwargs.update(options)
    for attempt in range(3):
        try:
            context = ray.init(**kwargs)
            break
        except Exception as err:  # ray waits 30 s for its raylet; a busy machine can miss it
            ray.shutdown()
            if attempt == 2 or "timed out during startup" not in str(err):
                raise
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    if context.address_info.get("node_ip_address") != "127.0.0.1":
        ray.shutdown()
        raise RuntimeError(
            f"the local cluster did not bind 127.0.0.1 ({context.address_info}); it was shut down"
        )
    return ray.get_runtime_context()
