"""A large cache of entries by key kept as sealed shards: a build that changes a few entries writes
again only the shards that hold them.

The builder's per-report caches (each report's outcome in the state file, each report's score and
download parts in the page cache) hold some 5–8 KB per report: at 10,000 reports, writing one whole
cache file again (serialising, sealing, writing 50–80 MB) took longer than the work of adding the
report itself. Here the entries are spread over `SHARDS` files by a digest of their key (the same key
always lands in the same shard, whatever else the cache holds), each one a sealed cache file of its own
(store.sealed.save_cache: JSON, never code; a shard that is missing, damaged, from other code or not sealed on
this machine is as if empty, and what it held is made again).

A shard is written again only when the set of its keys changed or one of its entries is not the one
it holds (the caller says which: see `ShardedCache.save`).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .sealed import load_cache, save_cache

SHARDS = 32  # at 10,000 reports, some 300 per shard: a few MB


def shard_of(key: str, count: int = SHARDS) -> int:
    """The shard (0 ≤ n < count) an entry's key belongs to: a digest, never Python's salted hash()."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "big") % count


class ShardedCache:
    """Entries by key in `count` sealed files beside `path` ({stem}.NN.json), with a version: a shard
    written by another version (or not sealed here) is ignored."""

    def __init__(self, path: Path, version: str, count: int = SHARDS):
        self.path, self.version, self.count = path, version, count
        self._held: list[set[str] | None] = [None] * count  # each shard's keys as loaded (None: not usable)

    def file(self, n: int) -> Path:
        return self.path.with_name(f"{self.path.stem}.{n:02d}{self.path.suffix}")

    def load(self) -> dict[str, Any]:
        """Every entry of every usable shard, as JSON data (lists for tuples)."""
        out: dict[str, Any] = {}
        for n in range(self.count):
            data = load_cache(self.file(n))
            if not (isinstance(data, dict) and data.get("version") == self.version
                    and isinstance(data.get("entries"), dict)):
                continue
            entries = {k: v for k, v in data["entries"].items() if shard_of(k, self.count) == n}
            self._held[n] = set(entries) if len(entries) == len(data["entries"]) else None
            out.update(entries)
        return out

    def save(self, entries: Mapping[str, Any], encode: Callable[[Any], Any],
             changed: Iterable[str] = ()) -> int:
        """Write the shards whose entries differ from those loaded: a key added or gone, or a key in
        `changed` (an entry made again under the same key); encode(value) gives an entry's JSON data.
        Returns the number of shards written."""
        keys: list[list[str]] = [[] for _ in range(self.count)]
        for k in entries:
            keys[shard_of(k, self.count)].append(k)
        dirty = {shard_of(k, self.count) for k in changed}
        written = 0
        for n, own in enumerate(keys):
            if n not in dirty and self._held[n] is not None and self._held[n] == set(own):
                continue
            save_cache(self.file(n), {"version": self.version, "entries": {k: encode(entries[k]) for k in own}})
            self._held[n] = set(own)
            written += 1
        return written
