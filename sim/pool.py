"""Local process pools for running many models: fast to start, safe to interrupt.

Used by ``aisim run`` (seeds) and ``aisim sweep`` (experiments). Workers ignore
Ctrl-C (only the parent reacts, so it can stop cleanly and keep finished work)
and exit by themselves if the parent dies, so a killed run leaves no processes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

DEFAULT_PRELOAD = ("sim.model.model", "sim.runner")


def _init_worker(parent_pid: int, setup: tuple[Callable[..., Any], tuple] | None = None) -> None:
    """Set up a worker: ignore Ctrl-C, one maths-library thread, exit when the parent is gone,
    then ``setup`` (a module-level function and its arguments) if given.

    A worker runs one model at a time, so BLAS threads would only fight the
    other workers for cores; a forked worker inherits the parent's thread pool,
    which environment variables cannot shrink any more, hence threadpoolctl.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker would inherit the parent's (sim.errors)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()
    if setup is not None:
        function, args = setup
        function(*args)


def process_pool(
    workers: int, preload: Sequence[str] = DEFAULT_PRELOAD, setup: tuple[Callable[..., Any], tuple] | None = None
) -> ProcessPoolExecutor:
    """A process pool that starts workers quickly and safely on every platform.

    On POSIX a parent with no Python threads forks (fast, and scripts need no
    ``__main__`` guard); a parent with threads uses a fork server that preloads
    ``preload``, so no threads are forked; elsewhere workers are spawned. Each
    worker keeps its maths libraries to one thread (see :func:`_init_worker`)
    and then calls ``setup`` (function, args): its arguments may include shared
    memory (``multiprocessing.RawValue``), which can be handed over only as a
    worker starts.
    """
    methods = multiprocessing.get_all_start_methods()
    context: multiprocessing.context.BaseContext
    if "fork" in methods and threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
    elif "forkserver" in methods:
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(list(preload))
        context = forkserver
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(), setup)
    )


STOP_WAIT_S = 2.0  # how long stopping a pool waits for its manager thread to notice the ended workers


def stop_process_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now (after Ctrl-C, an error or the window closing): cancel queued tasks, end its
    workers, and wait (briefly) for the pool's manager thread to finish.

    The wait matters at interpreter exit: Python 3.12.1's exit hook wakes every live pool's manager
    thread through a pipe that thread closes as it finishes, and when both happen at once the hook
    writes to the closed pipe and prints an ``OSError: [Errno 9] Bad file descriptor`` traceback
    (seen once when a benchmark closed the game's preview pools). A finished thread has closed its
    pipe already, so the hook leaves it alone.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    if manager is not None and manager is not threading.current_thread():
        manager.join(STOP_WAIT_S)


@contextlib.contextmanager
def quiet_fork_warning() -> Iterator[None]:
    """Silence Python's warning about forking a multi-threaded process, for our pools only.

    A parent that Python sees as single-threaded may still run numpy's BLAS
    threads, which re-initialise at fork; the warning would only confuse users.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork", category=DeprecationWarning)
        yield


def default_workers(jobs: int | None = None) -> int:
    """One worker per core, and no more than there are jobs."""
    cores = os.cpu_count() or 1
    return max(1, min(jobs, cores) if jobs is not None else cores)
