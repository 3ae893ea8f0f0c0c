"""Run independent parts of the diagnosis side by side.

The array reductions of :mod:`~cartera.analytics.diagnosis.grouped` are single
numpy calls, each on one core; numpy's loops, sorts and gathers and Polars' queries
release the GIL while they run, so parts that do not depend on each other (the
purchase days, the tickets, the revenue sources …) can run at once, one per core of
Polars' own thread pool.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl


def workers() -> int:
    """Return how many tasks run at once: as many as Polars has threads."""
    return pl.thread_pool_size()


def run_all(tasks: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Return the result of each task, by name, the tasks running side by side.

    Tasks start in the order given (put the longest first); an exception in one is
    raised here once the others have finished.
    """
    at_once = min(len(tasks), workers())
    if at_once <= 1:
        return {name: task() for name, task in tasks.items()}
    with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="diagnosis") as pool:
        futures = {name: pool.submit(task) for name, task in tasks.items()}
        return {name: future.result() for name, future in futures.items()}
