"""Worker processes bounded in time and memory, reused from task to task.

A report's file is untrusted: reading it (extraction) or rendering its pages (provenance) runs in a
worker process forked from the build, whose address space may grow by limits.max_memory_mb past what
it inherited, which ends with the build, and which the build kills when a task runs past its time
limit. A task that hangs, crashes a C library or eats memory is stopped and answered with the limit
it went over (`why_stopped`); the other tasks go on in the other workers, or in a new one started in
place of the killed one. A task's answer is one pickled object sent back on a pipe: a worker never writes
into the build's data.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import time
from multiprocessing.connection import wait as _wait
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .limits import Limits, limits
from .text import LimitError, ReportError

IN_FLIGHT = 2  # tasks sent to a worker ahead of its answers: it never waits for the build to send the next

# how a task ends: its result, an exception it raised, or stopped (see why_stopped)
OK, ERROR, TIME, MEMORY, CRASHED = "ok", "error", "time", "memory", "crashed"


def why_stopped(status: str, value: Any, seconds: float, work: str = "reading it",
                crash: str = "the reader stopped while reading this file",
                time_limit: str = Limits.variable("max_seconds")) -> str:
    """Why a task was stopped, naming the limit: status TIME (after `seconds` of wall-clock time,
    the limit set by the variable `time_limit`), MEMORY (over limits.max_memory_mb) or CRASHED
    (`value` is the worker's exit code). `work` and `crash` word the task ("reading it", "the reader
    stopped while reading this file"). ValueError for another status."""
    if status == TIME:
        return f"{work} took longer than the limit of {seconds:g} seconds ({time_limit})"
    if status == MEMORY:
        return (f"{work} needed more memory than the limit of {limits().max_memory_mb:g} MB "
                f"({Limits.variable('max_memory_mb')})")
    if status == CRASHED:
        return f"{crash} (exit code {value}: out of memory, or a crash in a library)"
    raise ValueError(f"not a stopped task: {status}")


class TaskError(Exception):
    """An exception a task raised in a worker that cannot be sent back as itself: its kind (class
    name) and message."""

    def __init__(self, kind: str, message: str):
        self.kind, self.message = kind, message
        super().__init__(f"{kind}: {message}")

    def __reduce__(self):
        return type(self), (self.kind, self.message)


def describe(exc: BaseException) -> str:
    """An exception a task raised as "Kind: message" (the message's first 200 characters)."""
    kind, message = (exc.kind, exc.message) if isinstance(exc, TaskError) else (type(exc).__name__, str(exc))
    return f"{kind}: {message[:200]}"


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when the build that started it dies (Linux): a killed build
    leaves no worker behind holding its files and lock."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, ImportError):
        pass
    if os.getppid() != parent:  # it died before that was said
        os._exit(1)


def _address_space() -> int:
    """This process's virtual memory in bytes (Linux: /proc/self/statm), 0 where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _bound_worker(parent_end, parent: int) -> None:
    """Make this (forked) process a worker of the build: it ends with the build, and its address
    space is capped at what it inherited plus the limit, so the limit bounds the work of one file
    however large the build that forked it (table images are made late in a build of thousands)."""
    parent_end.close()  # so that the build's end closing (or dying) is an end of file here
    _die_with(parent)
    gc.enable()
    try:
        import resource
        cap = _address_space() + int(limits().max_memory_mb * 1e6)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    except (ImportError, ValueError, OSError):  # no such limit on this system
        pass


def _work(conn, parent_end, parent: int, fn: Callable[[Any], Any]) -> None:
    """A worker process: runs fn on each task sent on `conn`, one at a time, within the memory
    limit, and sends back (OK, result), (MEMORY, None) or (ERROR, the exception fn raised)."""
    _bound_worker(parent_end, parent)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the build is over, or gone
            return
        if task is None:
            return
        try:
            answer = (OK, fn(task))
        except MemoryError:
            answer = (MEMORY, None)
        except Exception as exc:  # the build decides what it means
            answer = (ERROR, _sendable(exc))
        try:
            try:
                conn.send(answer)  # pickled whole before a byte is written
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                conn.send((ERROR, TaskError("an answer that cannot be sent back", describe(exc))))
        except (OSError, ValueError):
            return


def _sendable(exc: Exception) -> Exception:
    """The exception itself if it can be pickled and read back, else a TaskError naming it."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # a class whose arguments are not its args, a traceback-holding attribute...
        return TaskError(type(exc).__name__, str(exc)[:200])
    return exc


def context():
    """The multiprocessing context workers are started in: fork where the system has it."""
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


class Worker:
    """A worker process running fn (a function of one task; module-level where processes cannot be
    forked) on the tasks sent to it, started at once."""

    def __init__(self, fn: Callable[[Any], Any], ctx=None) -> None:
        ctx = ctx or context()
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_work, args=(child, self.conn, os.getpid(), fn), daemon=True)
        self.process.start()
        child.close()
        self.tasks: list = []  # sent and not yet answered, oldest first (the worker runs them in order)
        self.started = 0.0     # when the oldest of them started (time.monotonic)

    def stop(self, kill: bool = False) -> None:
        """End the worker: asked to (it finishes the task it runs) or killed; a second stop does nothing."""
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _answer(w: Worker) -> tuple[str, Any]:
    """The answer of a worker whose pipe is ready: (status, value); CRASHED with its exit code if it died."""
    try:
        return w.conn.recv()
    except (EOFError, OSError):  # the worker died on this task
        w.process.join(5)
        return CRASHED, w.process.exitcode
    except Exception as exc:  # an answer that cannot be read back here (unpickling failed): the task's error
        return ERROR, TaskError("an answer that cannot be read back", describe(exc))


def run_bounded(fn: Callable[[Any], Any], tasks: Iterable, workers: int, seconds: float | None = None,
                first: Worker | None = None) -> Iterator[tuple[Any, str, Any]]:
    """fn(task) for each task, in `workers` reused worker processes (the first of them may be given,
    already started, running fn), yielded in the order they finish as (task, status, value):
    (OK, fn's result), (ERROR, the exception fn raised), (MEMORY, None) when fn ran out of memory under
    limits.max_memory_mb, (TIME, None) when it ran `seconds` (default limits.max_seconds) of
    wall-clock time, (CRASHED, exit code) when its worker died (a crash in a C library, out of memory).
    A worker stuck or dead is killed and replaced; the tasks sent to it after the stopped one are
    sent again to another. A task is never None (that ends a worker)."""
    seconds = limits().max_seconds if seconds is None else seconds
    ctx = context()
    pending = list(reversed(list(tasks)))
    pool = ([first] if first else []) + [Worker(fn, ctx) for _ in range(min(workers, len(pending)) - bool(first))]
    try:
        while pending or any(w.tasks for w in pool):
            for w in pool:
                while len(w.tasks) < IN_FLIGHT and pending:
                    if not w.tasks:
                        w.started = time.monotonic()
                    w.tasks.append(pending.pop())
                    w.conn.send(w.tasks[-1])
            busy = [w for w in pool if w.tasks]
            ready = _wait([w.conn for w in busy],
                          timeout=max(0.0, min(w.started + seconds for w in busy) - time.monotonic()))
            for w in busy:
                if w.conn in ready:
                    status, value = _answer(w)
                elif time.monotonic() - w.started >= seconds:
                    status, value = TIME, None
                else:
                    continue
                task = w.tasks.pop(0)
                w.started = time.monotonic()  # the next one sent starts now (it was queued behind)
                if status in (TIME, CRASHED):
                    pending.extend(reversed(w.tasks))  # sent after the stuck one: run by another worker
                    w.tasks = []
                    w.stop(kill=True)  # stuck or dead: replaced by a new worker
                    pool[pool.index(w)] = Worker(fn, ctx)
                yield task, status, value
    finally:
        for w in pool:
            w.stop(kill=bool(w.tasks))


def bounded_call(path: str | Path, fn: Callable[..., Any], *args):
    """fn(*args) for one source file, in a worker process under the per-file time and memory limits
    (builder/read/limits.py), as `build` reads each report: what `add` and `extract` use. Returns fn's
    result; raises what fn raised, or LimitError naming the file and the limit it went over, or
    ReportError when the reader crashed. Where processes cannot be forked, fn runs here, unbounded."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return fn(*args)
    seconds = limits().max_seconds
    # fn and its arguments reach the forked worker as they are (never pickled): the task is a token
    ((_, status, value),) = list(run_bounded(lambda _: fn(*args), [()], 1, seconds))
    if status == OK:
        return value
    if status == ERROR:
        raise value
    if status == CRASHED:
        raise ReportError(path, why_stopped(status, value, seconds))
    raise LimitError(path, why_stopped(status, value, seconds))
