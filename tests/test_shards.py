"""The sharded caches (builder/store/shards.py): a change writes only the shards it touches; a shard that is
damaged, unsealed, from another version or holding a key that is not its own is not trusted."""
from __future__ import annotations

import json

from builder.store.shards import ShardedCache, shard_of


def _mtimes(cache: ShardedCache) -> dict[int, int]:
    return {n: cache.file(n).stat().st_mtime_ns for n in range(cache.count) if cache.file(n).exists()}


def test_adding_one_entry_writes_its_shard_alone(tmp_path):
    entries = {f"report-{k}": {"n": k} for k in range(200)}
    first = ShardedCache(tmp_path / "c.json", "v1", count=8)
    first.load()
    assert first.save(entries, dict) == 8  # nothing held yet: every shard is written
    again = ShardedCache(tmp_path / "c.json", "v1", count=8)
    assert again.load() == entries
    before = _mtimes(again)
    assert again.save(entries, dict) == 0  # the same keys: nothing written
    third = ShardedCache(tmp_path / "c.json", "v1", count=8)
    third.load()
    assert third.save({**entries, "report-new": {"n": -1}}, dict) == 1
    assert {n for n, t in _mtimes(third).items() if t != before[n]} == {shard_of("report-new", 8)}
    # an entry made again under the same key is written when the caller says so
    assert third.save({**entries, "report-new": {"n": -2}}, dict, changed=["report-new"]) == 1
    gone = dict(entries)
    del gone["report-7"]
    assert third.save(gone, dict) == 2  # the shard that lost report-7, and report-new's (not in `gone`)
    fourth = ShardedCache(tmp_path / "c.json", "v1", count=8)
    assert fourth.load() == gone


def test_a_shard_not_sealed_here_or_of_another_version_is_not_trusted(tmp_path):
    entries = {f"k{k}": [k] for k in range(50)}
    cache = ShardedCache(tmp_path / "c.json", "v1", count=4)
    cache.load()
    cache.save(entries, list)
    target = shard_of("k3", 4)
    body = json.loads(cache.file(target).read_text(encoding="utf-8").partition("\n")[2])
    body["entries"]["k3"] = [999]  # forged, and sealed with a made-up MAC
    cache.file(target).write_text("0" * 64 + "\n" + json.dumps(body), encoding="utf-8")
    loaded = ShardedCache(tmp_path / "c.json", "v1", count=4).load()
    assert "k3" not in loaded and all(shard_of(k, 4) != target for k in loaded)
    assert len(loaded) == 50 - sum(shard_of(k, 4) == target for k in entries)
    assert ShardedCache(tmp_path / "c.json", "v2", count=4).load() == {}  # other code's: made again
    # the damaged shard is written again by the next save, and then trusted
    reload = ShardedCache(tmp_path / "c.json", "v1", count=4)
    reload.load()
    assert reload.save(entries, list) == 1
    assert ShardedCache(tmp_path / "c.json", "v1", count=4).load() == entries


def test_a_key_in_a_shard_not_its_own_is_not_trusted(tmp_path):
    from builder.store.sealed import save_cache

    cache = ShardedCache(tmp_path / "c.json", "v1", count=4)
    stray = next(f"k{k}" for k in range(100) if shard_of(f"k{k}", 4) != 0)
    save_cache(cache.file(0), {"version": "v1", "entries": {stray: [1]}})  # sealed here, but misplaced
    assert cache.load() == {}
    assert cache.save({}, list) == 4  # nothing usable was held: each shard is written
