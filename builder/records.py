"""Records on disk: each report's YAML record lives beside its source file under reports/."""
from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import yaml
from pydantic import ValidationError

from .models import Record

SOURCE_SUFFIXES = (".txt", ".text", ".pdf", ".docx", ".html", ".htm", ".doc", ".mht", ".mhtml")
RECORD_SUFFIX = ".yaml"


T = TypeVar("T")
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: much faster
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(_SafeDumper):  # type: ignore[misc, valid-type]
    pass


def _represent_list(dumper: yaml.SafeDumper, data: list) -> Any:
    flow = all(not isinstance(x, (list, dict)) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow and bool(data))


def _represent_str(dumper: yaml.SafeDumper, data: str) -> Any:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> Any:
    flow = 0 < len(data) <= 4 and all(not isinstance(v, (list, dict, str)) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(str, _represent_str)


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def to_yaml(record: Record) -> str:
    """The record as YAML: numbers in flow-style rows, text in block style. Byte for byte what
    PyYAML writes with the representers above (a test holds the two together), but a record's
    hundreds of numbers are written here directly: PyYAML's representer, in Python, takes most of
    the time a report's extraction takes."""
    data = record.dump()
    if data["source"]["published_on"] is not None:
        data["source"]["published_on"] = dt.date.fromisoformat(data["source"]["published_on"])
    lines: list[str] = []
    _emit_mapping(data, [], lines)
    return "".join(lines)


def _plain(value: Any) -> str | None:
    """A scalar written as PyYAML writes it, or None if PyYAML should write it (text)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        text = repr(value).lower()
        return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def _flow(items: list[str], opening: str, closing: str) -> str:
    return opening + ", ".join(items) + closing


def _emit_mapping(data: dict, keys: list[str], lines: list[str]) -> None:
    """The pairs of a block mapping nested under `keys`, appended to lines."""
    indent = "  " * len(keys)
    for key, value in data.items():
        line = None
        if isinstance(value, dict) and value:
            scalars = [_plain(v) for v in value.values()]
            if len(value) <= 4 and None not in scalars and not any(isinstance(v, (list, dict)) for v in value.values()):
                line = _flow([f"{k}: {s}" for k, s in zip(value, scalars)], "{", "}")
            elif all(isinstance(k, str) and k.isidentifier() for k in value):
                lines.append(f"{indent}{key}:\n")
                _emit_mapping(value, keys + [key], lines)
                continue
        elif isinstance(value, list) and value:
            scalars = [_plain(v) for v in value]
            if None not in scalars and not any(isinstance(v, (list, dict)) for v in value):
                line = _flow(scalars, "[", "]")
        elif not isinstance(value, (list, dict)):
            line = _plain(value)
        text = f"{indent}{key}: {line}\n" if line is not None else None
        if text is None or len(text) > 80 or not key.isidentifier():
            # text, empty collections, long lines (PyYAML folds at 100 columns): PyYAML writes the pair,
            # nested as deep as it stands so that its indentation and folding are the same
            nested: Any = {key: value}
            for k in reversed(keys):
                nested = {k: nested}
            text = "".join(_yaml(nested).splitlines(keepends=True)[len(keys):])
        lines.append(text)


class RecordError(Exception):
    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")


def file_stamp(path: Path | str) -> tuple[int, int] | None:
    """A file's size and modification time (what the builder's caches take to mean "unchanged"),
    or None if it is not there."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


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


# --- the builder's caches: data only, sealed ---------------------------------------------------
#
# A cache under .cache/ is JSON (data, never code: no pickle), and carries an HMAC made with a key kept
# outside the repository (CACHE_KEY_FILE). A cache that a pull request commits, or a person edits, or a
# build cut short, fails the seal and is rebuilt; it is never trusted over a committed record.

CACHE_KEY_FILE = Path(os.environ.get("DISCLOSURE_INDEX_CACHE_KEY",
                                     Path.home() / ".cache" / "disclosure-index" / "cache-key"))


@functools.lru_cache(maxsize=1)
def _cache_key() -> bytes:
    """This machine's key for sealing caches, made on first use (32 random bytes)."""
    try:
        key = CACHE_KEY_FILE.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    key = os.urandom(32)
    try:
        CACHE_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(CACHE_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
    except FileExistsError:
        return CACHE_KEY_FILE.read_bytes()  # another build made it first
    except OSError:
        pass  # a read-only home: caches are sealed for this process only
    return key


def seal(text: str) -> str:
    """Text with its HMAC-SHA256 on a first line of its own."""
    mac = hmac.new(_cache_key(), text.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{mac}\n{text}"


def unseal(sealed: str) -> str | None:
    """The text of sealed text, or None if its seal is not this machine's (made elsewhere, edited, cut)."""
    mac, _, text = sealed.partition("\n")
    expected = hmac.new(_cache_key(), text.encode("utf-8"), hashlib.sha256).hexdigest()
    return text if hmac.compare_digest(mac.encode("utf-8"), expected.encode("ascii")) else None


@without_gc
def load_cache(path: Path) -> Any:
    """A cache file of the builder's own as data, or None if it is missing, damaged or not sealed here."""
    try:
        text = unseal(path.read_text(encoding="utf-8"))
        return None if text is None else json.loads(text)
    except (OSError, ValueError):
        return None


def save_cache(path: Path, data: Any) -> None:
    """Write a cache file whole or not at all (a build stopped halfway leaves the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, seal(json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)))


def plain(value: Any) -> Any:
    """A value as it reads back from a JSON cache (tuples as lists), for comparing with what was stored."""
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    return value


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, flushed to disk, then renamed over
    it (a build killed halfway leaves the old file, never a truncated one)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def load_yaml(text: str) -> Any:
    """YAML text as data (safe: no tags run code), with libyaml's speed when it is there."""
    return yaml.load(text, Loader=_SafeLoader)


def load_record(path: str | Path) -> Record:
    """Read and validate a YAML record; RecordError names the file and every schema error."""
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RecordError(path, f"not readable as YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RecordError(path, "not a record: the YAML is not a mapping")

    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RecordError(path, f"schema errors: {problems}") from exc
    absent = _absent_cells(data)
    if absent:
        lines = Path(path).read_text(encoding="utf-8").count("\n") + 1
        raise RecordError(path, f"line {lines}: the record ends without {len(absent)} of its cells or lists "
                                f"(first: {absent[0]}): a truncated record? The builder writes every key, "
                                "null or [] when empty")
    return record


def _absent_cells(data: dict) -> list[str]:
    """The cell paths a record's data does not hold at all (a null is held): a record cut short is an
    error, never read as if every missing cell had been corrected to blank."""
    # the lists that say what a person corrected, and (in records with a template edition, written since
    # the lists of unread and not-applicable cells exist) those lists too
    absent = [key for key in _LISTS + (_LATER_LISTS if "template" in data else ()) if key not in data]
    for path, keys, size in _cell_layout():
        obj: Any = data
        for key in keys:
            obj = obj.get(key, _ABSENT) if type(obj) is dict else _ABSENT
        if obj is _ABSENT or (size and not (type(obj) is list and len(obj) >= size)):
            absent.append(path)
    return absent


@functools.lru_cache(maxsize=1)
def _cell_layout() -> tuple[tuple[str, tuple[str, ...], int], ...]:
    """Each row or field of the record as (path, keys to it, cells in it or 0 for a single value)."""
    from .models import Record, iter_cells

    rows: dict[str, int] = {}
    for path, _ in iter_cells(Record.model_construct()):
        base, _, index = path.partition("[")
        rows[base] = max(rows.get(base, 0), int(index[:-1]) + 1 if index else 0)
    return tuple((base, tuple(base.split(".")), size) for base, size in rows.items())


_ABSENT = object()
_LISTS = ("narrative", "inferred", "corrected")
_LATER_LISTS = ("unread", "not_applicable")


def record_path(source: Path) -> Path:
    """Where a source file's record lives: beside it, same name, .yaml."""
    return source.with_suffix(RECORD_SUFFIX)


def find_sources(reports_dir: Path) -> Iterator[Path]:
    """Every report source file under reports/, in a stable order (by path components)."""
    found = []
    for folder, _, files in os.walk(reports_dir):
        for name in files:
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in SOURCE_SUFFIXES:
                found.append(os.path.join(folder, name))
    found.sort(key=lambda s: s.split(os.sep))
    return (Path(s) for s in found)
