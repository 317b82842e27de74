"""Records on disk: each report's YAML record lives beside its source file under reports/."""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
import stat
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import ValidationError

from ..store.owned import special_kind
from .models import Record, get_path, lacking_cells
from .template import EDITIONS

SOURCE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm", ".doc", ".mht", ".mhtml")
RECORD_SUFFIX = ".yaml"


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


_MAX_NODES = 1_000_000  # a record has about 400 values; aliases may not expand a document beyond this


class Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """YAML read by the core schema of YAML 1.2, not YAML 1.1's implicit conversions: `01234` is text, not
    668 (octal); `yes`, `no`, `on` are text, not booleans; `1:30` is text, not 90 (sexagesimal); a date is a
    plain `YYYY-MM-DD` (an impossible one is an error); a key given twice is an error naming it and its
    lines; aliases may not expand beyond _MAX_NODES values ("billion laughs"). The resolvers are Python
    even under libyaml, so replacing them keeps libyaml's speed. Every scalar this reads as other than
    text, PyYAML's writer (YAML 1.1) quotes: what the builder writes reads back the same."""

    yaml_implicit_resolvers: dict = {}

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, f"expected a mapping, found {node.id}",
                                                    node.start_mark)
        data = super().construct_mapping(node, deep)
        if len(data) < len(node.value):  # a key given twice: find it (keys are constructed, and cached, by now)
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                key = self.constructed_objects.get(key_node, key_node.value)
                first = seen.setdefault(key, key_node)
                if first is not key_node:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r} (first at line {first.start_mark.line + 1}, "
                                    f"again at line {key_node.start_mark.line + 1})", key_node.start_mark)
        return data

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value = node.value
        if not isinstance(value, str) or len(value) > 40 or not _INT.match(value):
            raise yaml.constructor.ConstructorError(None, None, f"not a decimal integer: {value[:40]!r}",
                                                    node.start_mark)
        return int(value)

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> bool:
        value = self.construct_scalar(node)
        if value.lower() not in ("true", "false"):
            raise yaml.constructor.ConstructorError(None, None, f"not true or false: {value[:40]!r}",
                                                    node.start_mark)
        return value.lower() == "true"

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> dt.date:
        value = self.construct_scalar(node)
        try:
            if not _DATE.match(value):
                raise ValueError("not a date written YYYY-MM-DD")
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(None, None, f"{value[:40]!r} is not a date: {exc}",
                                                    node.start_mark) from None


_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
for _tag, _regexp, _first in (
        ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
        ("tag:yaml.org,2002:int", _INT.pattern, list("-+0123456789")),
        # a dot, and an exponent only with its sign: nothing PyYAML's YAML 1.1 writer would leave unquoted
        ("tag:yaml.org,2002:float", r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+][0-9]+)?"
                                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+.0123456789")),
        ("tag:yaml.org,2002:timestamp", _DATE.pattern, list("0123456789"))):
    Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)
for _tag, _method in (("tag:yaml.org,2002:int", Loader.construct_yaml_int),
                      ("tag:yaml.org,2002:bool", Loader.construct_yaml_bool),
                      ("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)):
    Loader.add_constructor(_tag, _method)


class _AliasLoader(Loader):
    """Loader for a document with aliases (a `*` in its text): counts what they expand to."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            self._aliased = True  # a node met twice: an alias
        return super().construct_object(node, deep)

    def construct_document(self, node: yaml.Node) -> Any:
        self._aliased = False
        data = super().construct_document(node)
        if self._aliased:
            _bounded(node)
        return data


def _bounded(root: yaml.Node) -> None:
    """ConstructorError if a document's aliases expand it beyond _MAX_NODES values (or into a loop)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if done:
            open_.discard(id(node))
            sizes[id(node)] = size = 1 + sum(sizes[id(c)] for c in children)
            if size > _MAX_NODES:
                raise yaml.constructor.ConstructorError(
                    None, None, f"aliases expand the document beyond {_MAX_NODES:,} values", node.start_mark)
            continue
        if id(node) in open_:
            raise yaml.constructor.ConstructorError(None, None, "an alias refers to itself", node.start_mark)
        open_.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)


def load_yaml(text: str) -> Any:
    """YAML text as data (safe: no tags run code; YAML 1.2 core scalars, see Loader), with libyaml's
    speed when it is there."""
    return yaml.load(text, Loader=_AliasLoader if "*" in text else Loader)


def shown(path: str | Path) -> str:
    """A file's name as messages give it: relative to the working directory (the repository, when the
    builder runs there) if it is under it."""
    p = Path(path)
    try:
        return p.absolute().relative_to(Path.cwd()).as_posix() if p.is_absolute() else p.as_posix()
    except ValueError:
        return p.as_posix()


def yaml_problem(path: str | Path, exc: yaml.YAMLError) -> str:
    """A YAML error as `FILE:LINE: what`."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x) \
        if isinstance(exc, yaml.MarkedYAMLError) else str(exc)
    return f"{shown(path)}:{mark.line + 1 if mark else 1}: not readable as YAML: {what or exc}"


def loc_path(loc: tuple) -> str:
    """A pydantic error location as a record path: ('applications', 'new', 0) → applications.new[0]."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def path_loc(path: str) -> tuple:
    """A record path as a location (the inverse of loc_path): applications.new[0] → ('applications', 'new', 0)."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"\.|\[|\]\.?", path) if part)


def node_line(text: str, loc: tuple) -> int:
    """The line (1-based) of the YAML key or item a pydantic error location names: as deep as the
    location can be followed (the key of a mapping, the item of a list)."""
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError:
        return 1
    line = 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)),
                         None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def load_record(path: str | Path) -> Record:
    """Read and validate a YAML record; RecordError names the file, and the line and cell of every
    error (`reports/2023/x.yaml:12: applications.new[0]: ...`). A record that is not a regular file
    (a symbolic link, a FIFO, a device) is refused unread."""
    problem = unsafe_file(path)
    if problem:
        raise RecordError(path, f"{shown(path)}: {problem}")
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise RecordError(path, yaml_problem(path, exc)) from exc
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        raise RecordError(path, f"{shown(path)}: not readable as YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RecordError(path, f"{shown(path)}:1: not a record: the YAML is not a mapping")
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{shown(path)}:{node_line(text, e['loc'])}: {loc_path(e['loc'])}: {_message(e)}"
            for e in exc.errors())
        raise RecordError(path, f"schema errors: {problems}") from exc
    dropped = record.dropped_cells()
    if dropped and dropped[0].startswith("applications."):  # table 三's （六）其他处理 written both ways
        raise RecordError(path, f"{shown(path)}:{node_line(text, path_loc(dropped[0]))}: {dropped[0]}: a row of "
                                "（六）其他处理 as the 2021 edition prints it (three rows), in a record that holds the "
                                "2019 edition's one row (applications.outcomes.other.undivided): table 三 prints it "
                                "one way or the other; keep the one the report prints")
    if dropped:
        raise RecordError(path, f"{shown(path)}:{node_line(text, path_loc(dropped[0]))}: {dropped[0]}: a key of the 2019 "
                                "edition of the template, in a record that says template: \"2021\" (set "
                                "template: \"2019\" if the report follows that edition)")
    absent = _absent_cells(data)
    if absent:
        lines = text.count("\n") + 1
        raise RecordError(path, f"{shown(path)}:{lines}: the record ends without {len(absent)} of its cells or lists "
                                f"(first: {absent[0]}): a truncated record? The builder writes every key, "
                                "null or [] when empty")
    return record


def _absent_cells(data: dict) -> list[str]:
    """The cell paths a record's data does not hold at all (a null is held): a record cut short is an
    error, never read as if every missing cell had been corrected to blank."""
    # the lists that say what a person corrected, and (in records with a template edition, written since
    # the lists of unread and not-applicable cells exist) those lists too
    absent = [key for key in _LISTS + (_LATER_LISTS if "template" in data else ()) if key not in data]
    # the cells only the other template edition has are not written (models.Record.dump)
    lacking = lacking_cells(data["template"]) if data.get("template") in EDITIONS else lacking_cells("2021")
    for path, keys, size in _cell_layout():
        if path in lacking or f"{path}[0]" in lacking:
            continue
        obj: Any = data
        for key in keys:
            obj = obj.get(key, _ABSENT) if type(obj) is dict else _ABSENT
        if obj is _ABSENT or (size and not (type(obj) is list and len(obj) >= size)):
            absent.append(path)
    return absent


@functools.lru_cache(maxsize=1)
def _cell_layout() -> tuple[tuple[str, tuple[str, ...], int], ...]:
    """Each row or field of the record as (path, keys to it, cells in it or 0 for a single value)."""
    from .models import _cell_plan

    out = []
    for base, paths, fields in _cell_plan():
        if fields:  # an item of 二: a value per field
            out += [(path, tuple(path.split(".")), 0) for path in paths]
        else:       # a row of 三 or 四: a list of its cells
            out.append((base, tuple(base.split(".")), len(paths)))
    return tuple(out)


_ABSENT = object()
_LISTS = ("narrative", "inferred", "corrected")
_LATER_LISTS = ("unread", "not_applicable")


def _message(error: dict) -> str:
    msg = error["msg"].removeprefix("Value error, ")
    if error.get("type") in ("int_type", "string_type", "float_type", "bool_type", "date_type", "literal_error",
                             "int_parsing", "date_from_datetime_parsing", "date_parsing", "list_type", "model_type",
                             "dict_type"):
        shown_input = repr(error.get("input"))
        msg += f" (found {shown_input[:60]})" if "found" not in msg and "input" in error else ""
    return msg


def record_path(source: Path) -> Path:
    """Where a source file's record lives: beside it, same name, .yaml."""
    return source.with_suffix(RECORD_SUFFIX)


def unsafe_file(path: str | Path) -> str | None:
    """Why a file under reports/ must not be read (a symbolic link, a FIFO, a device, a socket), or
    None for a regular file or none at all. Not following links is the rule, in or out of the
    repository: a link's target is never read or published, and a FIFO never blocks a build."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return f"cannot be examined ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"a symbolic link (to {target[:200]!r}): refused, links are not followed under reports/"
    kind = "a directory" if stat.S_ISDIR(mode) else special_kind(mode)
    return f"{kind}: refused, reports/ holds only regular files"


REGISTRY_FOLDER = "registry"  # reports/registry/ holds the registries (index/registry.py), never a report
_NOT_RECORDS = ("agencies.yaml",)  # YAML files directly under reports/ that are not records


def scan_reports(reports_dir: Path) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """The source files under reports_dir, what was refused there, and the orphaned records, from one
    reading of it (a folder listed once, a file never opened; refused_files and orphaned_records can
    share one: `scanned`).

    Refused, never opened: symbolic links (to files or folders, in or out of the repository) and special
    files (FIFOs, sockets, devices); a report whose record beside it is such a file (its record would be
    read or written through it); two sources that would share one record (巴州区.txt and 巴州区.md: one
    body's correction would be published as the other's number); a report under reports/registry/ (its
    record would be read as a registry). Orphaned: a record (NAME.yaml) with no source NAME.* beside it,
    as a source renamed or deleted without its record leaves one (its corrections read by nothing)."""
    found, refused, orphans = [], [], []
    if os.path.islink(reports_dir):
        return [], [(str(reports_dir), unsafe_file(reports_dir) or "a symbolic link: refused")], []
    registry = os.path.join(str(reports_dir), REGISTRY_FOLDER)
    stack = [str(reports_dir)]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            refused.append((folder, f"cannot be listed ({exc.strerror or exc})"))
            continue
        names, here, stems = set(), [], set()
        for entry in entries:
            stem, suffix = os.path.splitext(entry.name)
            if suffix.lower() in SOURCE_SUFFIXES and not entry.name.startswith("."):
                stems.add(stem)
            if entry.is_symlink() or not (entry.is_dir(follow_symlinks=False)
                                          or entry.is_file(follow_symlinks=False)):
                refused.append((entry.path, unsafe_file(entry.path) or "not a regular file: refused"))
            elif entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                names.add(entry.name)
                if not entry.name.startswith(".") and suffix.lower() in SOURCE_SUFFIXES:
                    here.append(entry.path)
        if folder == registry or folder.startswith(registry + os.sep):
            refused += [(s, f"a report under reports/{REGISTRY_FOLDER}/, which holds the registries (REGION.yaml) "
                            "only: refused; move it under reports/YEAR/") for s in here]
            continue
        orphans += [e.path for e in entries if e.name in names and e.name.endswith(RECORD_SUFFIX) and e.name[0] != "."
                    and not (folder == str(reports_dir) and e.name in _NOT_RECORDS)
                    and e.name[:-len(RECORD_SUFFIX)] not in stems]
        by_stem: dict[str, list[str]] = {}
        for source in here:
            by_stem.setdefault(os.path.splitext(os.path.basename(source))[0], []).append(source)
        bad = {os.path.join(folder, e.name) for e in entries if e.name not in names}
        for source in here:
            record = os.path.splitext(source)[0] + RECORD_SUFFIX
            twins = sorted(os.path.basename(s) for s in by_stem[os.path.splitext(os.path.basename(source))[0]])
            if record in bad:
                refused.append((source, f"its record {os.path.basename(record)} is not a regular file: "
                                        "the report is refused"))
            elif len(twins) > 1:
                refused.append((source, f"{' and '.join(twins)} would share one record, "
                                        f"{os.path.basename(record)}: one record per source; rename one of them"))
            else:
                found.append(source)
    found.sort(key=lambda s: s.split(os.sep))
    refused.sort(key=lambda r: r[0].split(os.sep))
    orphans.sort(key=lambda s: s.split(os.sep))
    return found, refused, orphans


def find_sources(reports_dir: Path) -> Iterator[Path]:
    """Every report source file under reports/, in a stable order (by path components); never a
    symbolic link or a special file (see refused_files)."""
    found, _, _ = scan_reports(reports_dir)
    return (Path(s) for s in found)


def refused_files(reports_dir: Path, scanned: tuple | None = None) -> list[tuple[Path, str]]:
    """What find_sources leaves out under reports/ because it must not be read: (path, why). `scanned`:
    scan_reports(reports_dir), when the caller has it."""
    _, refused, _ = scanned or scan_reports(reports_dir)
    return [(Path(p), why) for p, why in refused]


def orphaned_records(reports_dir: Path, scanned: tuple | None = None) -> list[tuple[Path, str]]:
    """Records under reports/ with no source beside them (a source renamed, moved or deleted without its
    record, or a record renamed): (path, why), the why naming the corrections the record holds, which no
    build reads any more. `scanned`: scan_reports(reports_dir), when the caller has it."""
    _, _, orphans = scanned or scan_reports(reports_dir)
    out = []
    for path in map(Path, orphans):
        try:
            record = load_record(path)
        except RecordError:
            held = "it cannot be read as a record either"
        else:
            held = ("it holds the corrections " + ", ".join(
                f"{p} = {get_path(record, p)!r}" for p in record.corrected)) if record.corrected \
                else "it holds no correction"
        out.append((path, f"a record with no source file {path.stem}.* beside it (its source renamed, moved or "
                          f"deleted?): no build reads it; {held}. Move it with its source (git mv both), or "
                          "delete it"))
    return out

