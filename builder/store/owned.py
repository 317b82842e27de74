"""The paths the build owns: the pages it generates in content/, its caches in .cache/, the site MkDocs
writes into site/. A commit can put anything where one of them belongs: a symbolic link (`content/reports
-> ../reports`, `site -> reports`), a file where a folder belongs (`.cache`), a FIFO. The build would write
through a link, and its prune (or MkDocs' clean) would delete every file at the link's target, in the
repository or outside it.

So before a build writes anything, each such path is looked at with lstat, never followed: it must be
absent (the build makes it) or a real folder (a real file, for a generated page), and nothing under it
may be a link or a special file. Otherwise the build is refused with an error naming the path and what
it is, and nothing is written or deleted (see docs/maintainers.md, "Untrusted input")."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

WRITES = "the build writes only into folders it made"  # why a link is refused where the build writes
SHOWN = 20  # problems named in one refusal; the rest are counted


class Unowned(Exception):
    """A path the build writes into or cleans is not its own: each problem names the path and what it is."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _printable(text: str) -> str:
    """A link's target as one line of text, whatever it holds (a line break, a control character)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)[:200]


def special_kind(mode: int) -> str:
    """What a file that is neither a folder, a regular file nor a link is, by its lstat mode: a FIFO, a
    socket, a device (or "not a regular file")."""
    return ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")


def _name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _problem(path: Path, name: str, mode: int, folder: bool, why: str) -> str | None:
    """What is wrong with what lstat found at path (mode), where a folder (or a file) belongs, or None."""
    if stat.S_ISLNK(mode):
        try:
            target = _printable(os.readlink(path))
        except OSError:
            target = "?"
        return f"{name} is a symbolic link to {target}: {why}; remove the link"
    if stat.S_ISDIR(mode):
        return None if folder else f"{name} is a folder, not a file: the build writes this file itself; remove the folder"
    if stat.S_ISREG(mode):
        return None if not folder else f"{name} is a file, not a folder: the build makes this folder itself; remove the file"
    return f"{name} is {special_kind(mode)}: the build writes only into folders and files it made; remove it"


def problems(root: Path, path: Path, folder: bool = True, deep: bool = True, why: str = WRITES,
             skip: Iterable[str] = (), seen: dict[str, list] | None = None) -> list[str]:
    """What makes `path` (under root, or anywhere) not the build's own: each folder from root down to it
    a real folder, the path itself absent or a real folder (a real file when not `folder`), and, when
    `deep`, nothing under it a link or a special file (its top-level names in `skip` left out: checked on
    their own). Links are never followed: lstat, scandir without following. `why` says, in a link's
    problem, what following it would do.

    `seen`: what the last prune of `path` left (store.files.prune_tree: a folder under it → its inode,
    change time, ...). A folder below the top with the inode and change time recorded there holds what
    that prune left, real files and folders only, and is not listed: the walk goes on into the folders
    recorded in it. A link or a special file put in a folder since changed its change time."""
    root, path = Path(os.path.abspath(root)), Path(os.path.abspath(path))
    steps = [root / Path(*path.relative_to(root).parts[:k]) for k in range(1, len(path.relative_to(root).parts) + 1)] \
        if path.is_relative_to(root) and path != root else [path]
    for k, step in enumerate(steps):
        try:
            mode = os.lstat(step).st_mode
        except FileNotFoundError:
            return []  # absent: the build makes it
        except OSError as exc:
            return [f"{_name(step, root)} cannot be examined ({exc.strerror or exc})"]
        last = k == len(steps) - 1
        found = _problem(step, _name(step, root), mode, folder or not last, why)
        if found:
            return [found]
    if not (folder and deep):
        return []
    found, stack, skipped = [], [str(path)], set(skip)
    seen = seen or {}
    inside: dict[str, list[str]] = {}  # a folder recorded → the folders recorded in it
    for rel in seen:
        if rel:
            inside.setdefault(rel.rpartition("/")[0], []).append(rel)
    start = len(str(path)) + 1
    while stack:
        top = stack.pop()
        rel = top[start:]
        if rel and rel in seen:  # the top is always listed (names of later steps, `skip`)
            try:
                st = os.lstat(top)
            except OSError:
                st = None
            recorded = seen[rel]
            if st is not None and stat.S_ISDIR(st.st_mode) and isinstance(recorded, list) \
                    and recorded[:2] == [st.st_ino, st.st_ctime_ns]:
                stack += [os.path.join(str(path), child) for child in inside.get(rel, [])]
                continue
        try:
            entries = list(os.scandir(top))
        except OSError as exc:
            found.append(f"{_name(Path(top), root)} cannot be listed ({exc.strerror or exc})")
            continue
        for entry in entries:
            if top == str(path) and entry.name in skipped:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif not entry.is_file(follow_symlinks=False):  # a link (to anything) or a special file
                try:
                    mode = os.lstat(entry.path).st_mode
                except OSError:
                    continue  # gone meanwhile
                found.append(_problem(Path(entry.path), _name(Path(entry.path), root), mode, True, why) or "")
    return sorted(p for p in found if p)


def refuse(found: list[str]) -> None:
    """Raise Unowned naming these problems (the first SHOWN of them, and how many more), if any."""
    if found:
        shown = found[:SHOWN] + ([f"... and {len(found) - SHOWN} more"] if len(found) > SHOWN else [])
        raise Unowned(shown)
