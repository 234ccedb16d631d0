"""Executors for sweeps: a local process pool (default), Dask distributed, or serial.

Each backend is a context manager yielding a standard :class:`concurrent.futures.Executor`,
so :func:`sim.experiments.runner.run_sweep` does not care where runs happen.
Dask is optional (``pip install aisim[dask]``); its client hands out a real executor.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from sim.errors import UserError
from sim.pool import DEFAULT_PRELOAD, default_workers, process_pool, quiet_fork_warning, stop_process_pool

BACKENDS = ("process", "dask", "serial")


class BackendError(UserError):
    """A backend cannot be used (missing package, unreachable scheduler)."""


class SerialExecutor(Executor):
    """Runs each task in the calling thread when submitted (no processes; easy to debug)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Run ``fn`` now and return a finished Future holding its result or exception."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


def sweep_process_pool(workers: int) -> ProcessPoolExecutor:
    """The shared local pool (:func:`sim.pool.process_pool`), preloading the sweep runner too."""
    return process_pool(workers, preload=(*DEFAULT_PRELOAD, "sim.experiments.runner"))


@contextlib.contextmanager
def open_executor(
    backend: str = "process", workers: int | None = None, scheduler: str | None = None
) -> Iterator[Executor]:
    """An executor for ``backend``; shuts it down on exit (quickly if interrupted).

    Args:
        workers: processes (process backend) or local Dask workers (default: one per core).
        scheduler: a Dask scheduler address like ``tcp://10.0.0.5:8786``; without it Dask
            starts a local cluster on this machine.
    """
    workers = workers or default_workers()
    if backend == "serial":
        yield SerialExecutor()
        return
    if backend == "process":
        pool = sweep_process_pool(workers)
        try:
            with quiet_fork_warning():
                yield pool
        except BaseException:
            stop_process_pool(pool)
            raise
        else:
            pool.shutdown(wait=True)
        return
    if backend == "dask":
        with dask_client(workers, scheduler) as client:
            yield client.get_executor()
        return
    raise BackendError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")


@contextlib.contextmanager
def dask_client(workers: int, scheduler: str | None = None, processes: bool = True):
    """A Dask client on ``scheduler``, or on a local cluster of ``workers`` single-threaded processes."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise BackendError("the dask backend needs Dask: pip install 'aisim[dask]'") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:  # ValueError: an address Dask cannot parse
            raise BackendError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=None)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
