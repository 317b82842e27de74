"""When and in which commit each hand correction of a record was made, from the repository's git history.

A correction is data a maintainer typed (a record's `corrected:` list and the values it names); the site
shows, beside each corrected cell, the commit that set the value it has now. This module reads the
history of a record file only (`git log` and `git show`, never a checkout), a bounded number of commits
per record, and parses each old version with the records' own strict YAML loader: an old version is as
untrusted as the current one. Outside a git repository, or where the history is cut (a shallow clone),
a correction's commit is unknown, never guessed.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..record.files import load_yaml, path_loc

MAX_COMMITS = 50  # commits of one record file looked through for its corrections
_TIMEOUT = 20     # seconds for one git command


@dataclass(frozen=True)
class Change:
    """The commit that set a corrected value: its short hash, its date (YYYY-MM-DD) and subject."""
    commit: str
    date: str
    subject: str


def git(root: Path, *args: str, timeout: float = _TIMEOUT) -> str | None:
    """What `git -C root ARGS` prints (UTF-8), or None when git is missing, fails (not a repository) or
    runs past `timeout` seconds."""
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.decode("utf-8", "replace") if out.returncode == 0 else None


@lru_cache(maxsize=8)
def _shallow(root: Path) -> bool:
    return (git(root, "rev-parse", "--is-shallow-repository") or "").strip() != "false"


def _value(data: Any, path: str) -> tuple[bool, Any]:
    """(listed under corrected, value at path) in one version of a record's data."""
    if not isinstance(data, dict):
        return False, None
    node: Any = data
    for part in path_loc(path):
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False, None
    corrected = data.get("corrected")
    return isinstance(corrected, list) and path in corrected, node


def corrections(root: Path, record_file: Path, paths: list[str]) -> dict[str, Change | None]:
    """For each corrected path of a record file: the commit since which the file has listed the path
    under `corrected:` with the value it has now (walking back from the newest commit that touched
    the file), or None when that cannot be told (no repository, the file not committed yet, the
    history cut short, or older than MAX_COMMITS commits of the file). Uncommitted edits count as
    not yet made: the newest committed version is the starting point."""
    out: dict[str, Change | None] = {p: None for p in paths}
    if not paths:
        return out
    try:
        rel = record_file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return out
    log = git(root, "log", f"-n{MAX_COMMITS}", "--format=%H%x1f%cs%x1f%s", "--", rel)
    if not log:
        return out
    commits = [line.split("\x1f", 2) for line in log.splitlines() if line.count("\x1f") == 2]
    versions: list[tuple[Change, Any]] = []
    for sha, date, subject in commits:
        text = git(root, "show", f"{sha}:{rel}")
        try:
            data = load_yaml(text) if text is not None else None
        except yaml.YAMLError:
            data = None
        versions.append((Change(sha[:10], date, subject[:200]), data))
    complete = len(commits) < MAX_COMMITS and not _shallow(root)
    for path in paths:
        listed, now = _value(versions[0][1], path)
        if not listed:
            continue  # the correction is not committed yet
        since = versions[0][0]
        for change, data in versions[1:]:
            was_listed, was = _value(data, path)
            if not (was_listed and was == now):
                break
            since = change
        else:
            if not complete:  # the history may go on before the oldest commit seen
                continue
        out[path] = since
    return out
