"""The builder's files on disk: written whole or not at all, stamped (size and times) and digested, so
that a build can tell what changed since the last one and what other code made."""
from __future__ import annotations

import functools
import gc
import hashlib
import os
import stat
import time
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar


T = TypeVar("T")



def file_stamp(path: Path | str, inputs: bool = False) -> tuple[int, ...] | None:
    """A file's size and modification time (what the builder's caches take to mean "unchanged"),
    or None if it is not there (or cannot be looked up). With `inputs`, also its change time (st_ctime_ns), which every write
    sets, even one that puts the size and modification time back as they were (cp -p, tar, rsync -a,
    touch -r, or two saves within one tick of a coarse clock): for the files a build reads (sources,
    records, the agencies file). Not for the pages it writes, which a restored cache gives new change
    times (they would all be taken for changed)."""
    try:
        st = os.stat(path)
    except OSError:  # not there, or not a name the file system takes (a record's name one byte too long)
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns) if inputs else (st.st_size, st.st_mtime_ns)



def file_sha256(path: Path) -> str:
    """A file's sha256 (hex), read in pieces (a release's SQLite file is 60 MB at 10,000 reports)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def files_digest(paths: Iterable[Path], seed: str = "", named: bool = True) -> str:
    """sha256 (hex) of `seed` and each file's bytes in turn, each preceded by its name when `named`: what
    makes a version of the code (extractor, pages, images), so that what other code made is made again."""
    digest = hashlib.sha256(seed.encode())
    for path in paths:
        digest.update((path.name.encode() if named else b"") + path.read_bytes())
    return digest.hexdigest()



def without_gc(fn: Callable[..., T]) -> Callable[..., T]:
    """Run fn with the cyclic garbage collector paused. A build makes hundreds of thousands of
    long-lived objects (outcomes, pages' inputs, cache entries) and no garbage cycles to speak of:
    collecting while they are made takes about as long as making them."""
    @functools.wraps(fn)
    def paused(*args: Any, **kwargs: Any) -> T:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return paused



def same_stamp(recorded: Any, now: Any) -> bool:
    """Whether a file's stamp now (plain(file_stamp(...))) is the one recorded when it was written: a file
    that is not there (None) is never the same, even where None was recorded (a file gone when its
    cache was saved is made again, not taken as made)."""
    return now is not None and recorded == now


def plain(value: Any) -> Any:
    """A value as it reads back from a JSON cache (tuples as lists), for comparing with what was stored."""
    if isinstance(value, (tuple, list)):  # a file's stamp (two or three numbers) is most of them: one call each
        return [plain(v) if isinstance(v, (tuple, list)) else v for v in value]
    return value


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, then renamed over it (a build
    killed halfway, or a disk that fills up, leaves the old file, never a truncated one). OSError names
    `path` (a full disk's error would otherwise name no file)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    # a short name of its own: the file's may be near the 255 bytes a file system allows a name
    tmp = path.with_name(f".{hashlib.blake2b(path.name.encode(), digest_size=6).hexdigest()}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        if exc.filename is None or exc.filename == str(tmp):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    finally:
        if tmp.exists():
            tmp.unlink()


def write_changed(path: Path, content: str | bytes) -> bool:
    """Write a file (whole or not at all: write_atomically) unless it already holds exactly this (UTF-8
    for text); whether it was written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)  # a build killed halfway leaves the old file, never half of one
    return True


# A folder's change time is recorded only once it is this much in the past: a file system may stamp two
# changes within one tick of its clock (a few milliseconds; a second or two on some) with the same time,
# and a change right after the record would then leave the folder looking as recorded (git's "racily
# clean" entries). A folder changed since is read next time, as one not recorded.
SETTLED_NS = 1_000_000_000


def settled(st: os.stat_result) -> list[int] | None:
    """[inode, change time in ns] of a folder's lstat(), to be recorded and compared next time, or None
    when its change time is not SETTLED_NS in the past (nor in the future): then it is not recorded."""
    return [st.st_ino, st.st_ctime_ns] if st.st_ctime_ns < time.time_ns() - SETTLED_NS else None


def prune_tree(top: Path, kept: set[str], others: tuple[str, ...] = (),
               seen: dict[str, list] | None = None) -> tuple[int, dict[str, list]]:
    """Remove every file under the folder `top` whose path under it (posix) is not in `kept`, every folder
    under which nothing is kept, and the folders left empty, but for the names `others` at its top; never
    through a link (a link is removed as a file, never followed). Returns (how many files were removed,
    what each folder that holds something kept was left as: its path under `top` → [inode, change time
    in ns, a digest of the names kept in it, and at the top of `others`]).

    `seen` is what the last prune returned. A folder it describes as it still is (the same inode, so not
    a folder put back from an archive; the same change time, which every entry added to it, removed or
    renamed in it sets, and so does setting its times back; the same names to keep) holds nothing to
    remove and is not read: an addition to a site of 100,000 reports reads the folders that changed,
    not its 140,000. Without `seen` (a first build, a cache from other code) every folder is read. A
    folder is described only when each name kept in it is a real file or folder, and holds no other:
    store.owned.problems lists only the folders not as described (what it looks for, a link or a
    special file, can enter a folder only by changing its change time); only once its change time is
    settled (SETTLED_NS); and only when each folder it holds is described too (the check goes from a
    described folder only into the folders described in it)."""
    root, seen = str(top), seen or {}
    files_in: dict[str, set[str]] = {}  # a folder → the names of the files kept in it
    folders_in: dict[str, set[str]] = {"": set()}  # a folder → the names of its folders that hold something kept
    named: set[str] = set()  # the folders already named in the one holding them
    for path in kept:
        folder, _, name = path.rpartition("/")
        files_in.setdefault(folder, set()).add(name)
        while folder and folder not in named:  # the folder, and each one holding it, named in its parent
            named.add(folder)
            folders_in.setdefault(folder, set())
            parent, _, child = folder.rpartition("/")
            folders_in.setdefault(parent, set()).add(child)
            folder = parent
    removed, now, present = 0, {}, []
    for folder in sorted(folders_in, key=lambda f: f.count("/") + bool(f)):  # a folder after the one holding it
        path = f"{root}/{folder}" if folder else root
        try:
            st = os.lstat(path)
        except OSError:  # not there (what is kept in it was not made), or removed as a link by its parent's reading
            continue
        if not stat.S_ISDIR(st.st_mode):
            continue  # a file where a folder is expected: its parent's reading removed it, or it is the top's
        files, folders = files_in.get(folder, set()), folders_in[folder]
        names = sorted(files) + ["/"] + sorted(folders) + (["/"] + sorted(others) if not folder else [])
        digest = hashlib.blake2b("\0".join(names).encode("utf-8"), digest_size=8).hexdigest()
        present.append(folder)
        if seen.get(folder) == [st.st_ino, st.st_ctime_ns, digest]:
            now[folder] = seen[folder]
            continue
        left, plain_files = False, True
        with os.scandir(path) as entries:
            for entry in list(entries):
                if not folder and entry.name in others:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in folders:
                        left = True
                        continue
                    removed += _remove_tree(entry.path)
                elif entry.name in files:
                    left = True
                    plain_files = plain_files and entry.is_file(follow_symlinks=False)
                else:  # a file, or a link to anything
                    os.unlink(entry.path)
                    removed += 1
        if folder and not left and not os.listdir(path):
            os.rmdir(path)
            present.pop()
            continue
        stamp = settled(os.lstat(path)) if plain_files else None  # a kept name a link: read again
        if stamp is not None:  # else read next time
            now[folder] = [*stamp, digest]
    # a folder left unrecorded leaves every folder holding it unrecorded too: store.owned.problems goes
    # from a recorded folder only into the folders recorded in it
    for folder in present:
        if folder not in now:
            while folder:
                folder = folder.rpartition("/")[0]
                now.pop(folder, None)
    return removed, now


def _remove_tree(top: str) -> int:
    """Remove the folder `top` and all it holds, never through a link (a link is removed, not followed):
    how many files (and links) were removed."""
    removed = 0
    for folder, dirs, files in os.walk(top, topdown=False, followlinks=False):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            os.unlink(os.path.join(folder, name))
            removed += 1
        os.rmdir(folder)
    return removed


def _key(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
