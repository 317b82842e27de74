"""The builder's caches under .cache/: data only, sealed.

A cache is JSON (data, never code: no pickle), and carries a MAC (keyed BLAKE2b) made with a key kept
outside the repository (CACHE_KEY_FILE). A cache that a pull request commits, or a person edits, or a
build cut short, fails the seal and is rebuilt; it is never trusted over a committed record."""
from __future__ import annotations

import functools
import hashlib
import hmac
import os
from pathlib import Path
from typing import Any

import orjson

from .files import without_gc, write_atomically


CACHE_KEY_FILE = Path(os.environ.get("DISCLOSURE_INDEX_CACHE_KEY",
                                     Path.home() / ".cache" / "disclosure-index" / "cache-key"))



KEY_BYTES = 32  # a key file shorter than this (left empty by a full disk or a kill) is replaced, never used


@functools.lru_cache(maxsize=1)
def _cache_key() -> bytes:
    """This machine's key for sealing caches (CACHE_KEY_FILE), made on first use: 32 random bytes. A key
    file shorter than KEY_BYTES (cut short when it was made) is replaced by a new key, so that no cache is
    ever sealed with a short or empty key; a home that cannot be written seals for this process only."""
    try:
        key = CACHE_KEY_FILE.read_bytes()
        if len(key) >= KEY_BYTES:
            return key
    except OSError:
        pass
    key = os.urandom(KEY_BYTES)
    try:
        CACHE_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        tmp = CACHE_KEY_FILE.with_name(f".{CACHE_KEY_FILE.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
            f.flush()
            os.fsync(f.fileno())
        if _usable(CACHE_KEY_FILE):  # another build made a whole key first: take it
            os.unlink(tmp)
            return CACHE_KEY_FILE.read_bytes()
        os.replace(tmp, CACHE_KEY_FILE)  # whole, or not at all
    except OSError:
        pass  # a read-only home: caches are sealed for this process only
    return key


def _usable(path: Path) -> bool:
    try:
        return len(path.read_bytes()) >= KEY_BYTES
    except OSError:
        return False


def _mac(data: bytes) -> bytes:
    """The keyed BLAKE2b of data (a MAC: RFC 7693 keyed mode), as hex."""
    return hashlib.blake2b(data, key=_cache_key()[:64], digest_size=32).hexdigest().encode("ascii")



def seal(data: bytes) -> bytes:
    """Data with its MAC on a first line of its own."""
    return _mac(data) + b"\n" + data



def unseal(sealed: bytes) -> bytes | None:
    """The data of sealed data, or None if its seal is not this machine's (made elsewhere, edited, cut)."""
    mac, _, data = sealed.partition(b"\n")
    return data if hmac.compare_digest(mac, _mac(data)) else None



@without_gc
def load_cache(path: Path) -> Any:
    """A cache file of the builder's own as data, or None if it is missing, damaged or not sealed here."""
    try:
        data = unseal(path.read_bytes())
        return None if data is None else orjson.loads(data)
    except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
        return None



def load_records(path: Path) -> dict[str, dict[str, list]]:
    """A sealed cache of folder records (store.files.prune_tree's, by the tree they are of), or {} when
    it is missing, not sealed here or not such a mapping."""
    data = load_cache(path)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        return {}
    return data


def save_cache(path: Path, data: Any) -> None:
    """Write a cache file whole or not at all (a build stopped halfway leaves the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, seal(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)))
