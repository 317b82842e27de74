"""The builder's files on disk: written whole or not at all, stamped (size and times) and digested, so
that a build can tell what changed since the last one and what other code made."""
from __future__ import annotations

import functools
import gc
import hashlib
import os
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


def prune_tree(top: Path, kept: set[str], others: tuple[str, ...] = ()) -> int:
    """Remove every file under the folder `top` whose path under it (posix) is not in `kept`, and the
    folders left empty, but for the folders `others` at its top; never through a link (os.walk follows
    none; a link is removed as a file). How many files were removed."""
    # paths as strings: some 300,000 files in a site of 100,000 reports (pathlib's objects took most of the time)
    removed, root = 0, str(top)
    for folder, dirs, files in os.walk(root, topdown=False, followlinks=False):
        rel_folder = folder[len(root) + 1:].replace(os.sep, "/")
        if rel_folder.split("/", 1)[0] in others:
            continue
        prefix, left = (rel_folder + "/" if rel_folder else ""), False
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            if prefix + name not in kept:
                os.unlink(os.path.join(folder, name))
                removed += 1
            else:
                left = True
        if folder != root and not left and not os.listdir(folder):
            os.rmdir(folder)
    return removed


def _key(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
