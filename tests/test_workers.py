"""Bounded worker processes (builder/read/workers.py): each task's answer or the limit it went over, workers
reused from task to task and replaced when stopped, the tasks queued behind a stopped one run by another."""
from __future__ import annotations

import os
import time

import pytest

from builder.read import workers
from builder.read.text import LimitError, ReportError


class Picky(Exception):
    """An exception pickle cannot rebuild (its constructor does not take its args)."""

    def __init__(self, a, b):
        super().__init__(f"{a} and {b}")


def task(kind: str):
    if kind == "slow":
        time.sleep(600)
    if kind == "crash":
        os._exit(3)
    if kind == "greedy":
        return bytearray(5 * 10 ** 9)  # over the default 4,096 MB the worker is capped at
    if kind == "bug":
        raise RuntimeError("a bug")
    if kind == "picky":
        raise Picky("this", "that")
    if kind == "unsendable":
        return lambda: None
    return kind, os.getpid()


def test_each_task_is_answered_or_stopped_with_its_limit_and_the_others_run():
    tasks = ["a", "slow", "b", "crash", "c", "greedy", "bug", "picky", "unsendable", "d"]
    t0 = time.perf_counter()
    answers = {t: (status, value) for t, status, value in workers.run_bounded(task, tasks, 2, seconds=2)}
    assert time.perf_counter() - t0 < 30
    assert sorted(answers) == sorted(tasks)
    for name in "abcd":
        assert answers[name][0] == workers.OK and answers[name][1][0] == name
    assert answers["slow"] == (workers.TIME, None)
    assert answers["crash"] == (workers.CRASHED, 3)
    assert answers["greedy"] == (workers.MEMORY, None)
    status, exc = answers["bug"]
    assert status == workers.ERROR and isinstance(exc, RuntimeError) and workers.describe(exc) == "RuntimeError: a bug"
    status, exc = answers["picky"]
    assert status == workers.ERROR and workers.describe(exc) == "Picky: this and that"
    status, exc = answers["unsendable"]
    assert status == workers.ERROR and "cannot be sent back" in workers.describe(exc)
    # never in the build's own process; reused from task to task (two workers, ten tasks, two killed)
    pids = {value[1] for status, value in answers.values() if status == workers.OK}
    assert os.getpid() not in pids and len(pids) <= 4


def test_why_stopped_names_the_limit(monkeypatch):
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_MEMORY_MB", "300")
    assert workers.why_stopped(workers.TIME, None, 2) == \
        "reading it took longer than the limit of 2 seconds (DISCLOSURE_INDEX_MAX_SECONDS)"
    assert workers.why_stopped(workers.MEMORY, None, 2, work="rendering its tables") == \
        "rendering its tables needed more memory than the limit of 300 MB (DISCLOSURE_INDEX_MAX_MEMORY_MB)"
    assert workers.why_stopped(workers.CRASHED, -11, 2) == \
        "the reader stopped while reading this file (exit code -11: out of memory, or a crash in a library)"
    with pytest.raises(ValueError):
        workers.why_stopped(workers.OK, None, 2)


def test_bounded_call_returns_raises_again_or_names_the_limit(monkeypatch):
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_SECONDS", "2")
    assert workers.bounded_call("x.txt", task, "a")[0] == "a"
    with pytest.raises(RuntimeError, match="a bug"):
        workers.bounded_call("x.txt", task, "bug")
    with pytest.raises(LimitError, match=r"x.txt: reading it took longer than the limit of 2 seconds"):
        workers.bounded_call("x.txt", task, "slow")
    with pytest.raises(LimitError, match="DISCLOSURE_INDEX_MAX_MEMORY_MB"):
        workers.bounded_call("x.txt", task, "greedy")
    with pytest.raises(ReportError, match="exit code 3"):
        workers.bounded_call("x.txt", task, "crash")
