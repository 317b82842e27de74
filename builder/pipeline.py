"""The whole path for one report, and for all of reports/: source → record → findings.

A committed record is authoritative: a person may have corrected it. Extraction runs again
only when the source's bytes or the extractor changed, and then the cells a person corrected
are carried over. A cell that differs from what extraction reads, and is not yet listed under
`corrected`, is a hand correction: `build` lists it. One bad report never stops the others:
each outcome carries its own error.
"""
from __future__ import annotations

import copy
import datetime as dt
import gc
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from . import __version__
from .checks import check_across_years, check_record
from .extract import extract
from .infer import infer
from .models import Finding, Record, get_path, iter_cells, set_path
from .records import (RECORD_SUFFIX, RecordError, file_stamp, find_sources, load_pickle, load_record, record_path,
                      save_pickle, to_yaml, without_gc)
from .sources import ReportError, read_source

PARALLEL_FROM = 64  # below this many reports, starting worker processes costs more than it saves

# the modules whose code decides what a record holds
_EXTRACTION_MODULES = ("sources.py", "read_html.py", "read_docx.py", "read_pdf.py", "read_ocr.py", "read_ocr_page.py",
                       "ocr_grid.py", "cells.py",
                       "extract.py", "infer.py", "checks.py", "template.py", "models.py")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """The builder's version and a digest of its extraction code: a record or cache entry made by
    another extractor is read again."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _EXTRACTION_MODULES:
        if (here / name).exists():
            digest.update(name.encode() + (here / name).read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


@dataclass(frozen=True)
class Brief:
    """What lists of reports need of a record, without reading the record."""
    agency: str
    year: int
    published_on: dt.date | None


class Outcome:
    """What became of one report: its record and findings, or why it could not be read.

    Kept between builds in the state file with its record as JSON text, parsed only when asked for:
    a build that adds one report to thousands reads one record, not all of them."""

    def __init__(self, source: Path, record: Record | None = None, findings: list[Finding] | None = None,
                 error: str | None = None, extracted: bool = False, written: bool = False):
        self.source = source
        self.findings: list[Finding] = findings if findings is not None else []
        self.error = error            # why this report could not become a record
        self.extracted = extracted    # extraction ran (rather than the committed record standing)
        self.written = written        # its record file was (re)written
        self.key: str | None = None   # digest of the record and its findings, for the site's page cache
        self.brief: Brief | None = None
        self._json: str | None = None
        self.record = record

    @property
    def record(self) -> Record | None:
        if self._record is None and self._json is not None:
            self._record = Record.model_validate_json(self._json)
        return self._record

    @record.setter
    def record(self, value: Record | None) -> None:
        self._record, self._json = value, None
        self.brief = None if value is None else Brief(value.agency, value.year, value.source.published_on)

    @property
    def failed(self) -> bool:
        return self.brief is None or any(f.severity == "error" for f in self.findings)

    def __copy__(self) -> "Outcome":
        new = Outcome.__new__(Outcome)
        new.__dict__.update(self.__dict__)
        return new

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if self._record is not None:
            state["_json"], state["_record"] = self._json or self._record.model_dump_json(), None
        return state

    def __repr__(self) -> str:
        return f"Outcome({self.source}, {self.brief}, error={self.error!r}, findings={len(self.findings)})"


def outcome_key(record: Record, findings: list[Finding]) -> str:
    """sha256 of a record as it stands and of its findings: what a report's pages are made from."""
    data = {"record": record.dump(), "findings": [f.model_dump() for f in findings]}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def extract_file(path: str | Path, repo_path: str | None = None,
                 data: bytes | None = None) -> tuple[Record, list[Finding]]:
    """Extract, infer and check one source file. Raises ReportError if it is not a readable report."""
    source = read_source(path, data)
    extraction = extract(source, repo_path=repo_path)
    record = extraction.record
    record.source.extractor = extractor_version()
    findings = extraction.findings + infer(record)
    return record, findings + check_record(record)


class Cache:
    """Extractions keyed by the source's sha256 and the extractor's version (under .cache/)."""

    def __init__(self, directory: Path | None):
        self.directory = directory

    def _path(self, sha: str) -> Path | None:
        return self.directory / f"{sha}-{extractor_version()}.json" if self.directory else None

    def get(self, sha: str) -> dict | None:
        path = self._path(sha)
        if path is None or not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, sha: str, entry: dict) -> None:
        path = self._path(sha)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _extract_cached(source: Path, repo_path: str, data: bytes, sha: str,
                    cache: Cache) -> tuple[Record, list[Finding]]:
    entry = cache.get(sha)
    if entry is None:
        try:
            record, findings = extract_file(source, repo_path, data)
        except ReportError as exc:
            cache.put(sha, {"error": exc.reason})
            raise
        cache.put(sha, {"record": record.dump(), "findings": [f.model_dump() for f in findings]})
        return record, findings
    if "error" in entry:
        raise ReportError(source, entry["error"])
    record = Record.model_validate(entry["record"])
    record.source.path = repo_path  # the same bytes may have been committed under another name
    return record, [Finding.model_validate(f) for f in entry["findings"]]


_LATER_KEYS = (("template", "2021"), ("unread", []), ("not_applicable", []))


def record_digest(record: Record) -> str:
    """sha256 of a record's content, its own digest field left out."""
    data = record.dump()
    data["source"]["digest"] = None
    # keys added to format v1 later count only when they say something, so that a record written
    # before they existed keeps its digest (and is not taken for one a person edited)
    for key, default in _LATER_KEYS:
        if data.get(key) == default:
            del data[key]
    for key in ("posted_on", "url"):
        if data["source"].get(key) is None:
            del data["source"][key]
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _hand_edits(committed: Record, fresh: Record) -> list[str]:
    """Cells where the committed record departs from what extraction reads, not yet listed."""
    read = dict(iter_cells(fresh))
    return [path for path, value in iter_cells(committed)
            if value != read[path] and path not in committed.corrected and path not in committed.inferred]


def process(source: Path, root: Path, write: bool = False, cache: Cache | None = None) -> Outcome:
    """The record of one report, per the rules in this module's docstring; written beside the
    source when `write` and it changed."""
    cache = cache or Cache(None)
    outcome = Outcome(source)
    target = record_path(source)
    repo_path = _relative(source, root)
    try:
        data = source.read_bytes()
    except OSError as exc:
        outcome.error = f"cannot read the file ({exc.strerror or exc})"
        return outcome
    sha = hashlib.sha256(data).hexdigest()
    committed = None
    if target.exists():
        try:
            committed = load_record(target)
        except RecordError as exc:
            outcome.error = exc.reason
            return outcome
    try:
        fresh, findings = _extract_cached(source, repo_path, data, sha, cache)
        outcome.extracted = True
    except ReportError as exc:
        if committed is not None and committed.source.sha256 == sha:
            # a record typed by hand for a report the extractor cannot read stands as it is
            outcome.record = committed
            outcome.findings = check_record(committed) + [Finding(
                rule="extract.unreadable", severity="info", message=f"extraction: {exc.reason}")]
            outcome.key = outcome_key(committed, outcome.findings)
            return outcome
        outcome.error = exc.reason
        return outcome
    record, notes = fresh, []
    if committed is not None:
        unchanged = committed.source.sha256 == sha
        edited = committed.source.digest != record_digest(committed)  # by a person, since last written
        unlisted = _hand_edits(committed, fresh)
        if unchanged and (committed.source.extractor == fresh.source.extractor or edited):
            # the committed record stands; cells a person changed are listed as corrected (with a
            # newer extractor a difference may be the extractor's, so it is only pointed out)
            record = committed.model_copy(deep=True)
            if committed.source.extractor == fresh.source.extractor:
                record.corrected = sorted(set(record.corrected) | set(unlisted))
                record.inferred = [p for p in record.inferred if p not in record.corrected]
            elif unlisted:
                notes.append(Finding(
                    rule="extract.review_hand_edits", severity="warning",
                    message="the record was edited by hand and the extractor has changed since: it is kept as "
                            f"it stands; these cells differ from the new extraction: {', '.join(unlisted)} "
                            "(list the ones a person corrected under `corrected`, or delete the record to re-extract)"))
        else:
            # re-read (new bytes, or a new extractor for an untouched record), keeping what a person corrected
            record = fresh.model_copy(deep=True)
            for path in committed.corrected:
                set_path(record, path, get_path(committed, path))
                if path in record.inferred:
                    record.inferred.remove(path)
            record.corrected = list(committed.corrected)
            if not unchanged and (committed.corrected or edited):
                notes.append(Finding(
                    rule="extract.source_replaced", severity="warning",
                    message=f"the source file changed and was read again; hand-corrected cells kept: "
                            f"{', '.join(committed.corrected) or 'none'}"
                            + ("; the old record also had hand edits not listed under `corrected`, which the "
                               "new file's numbers replace (the old record is in the repository's history)"
                               if edited and unlisted else "")))
    # what extraction noticed, except about cells a person has since corrected; then the arithmetic
    # of the record as it stands
    findings = [f for f in findings if f.rule.startswith(("extract.", "inference."))
                and f.path not in record.corrected] + notes + check_record(record)
    outcome.record, outcome.findings = record, findings
    if write and not outcome.failed:
        if not (committed is not None and record.source.extractor != fresh.source.extractor
                and committed.source.digest != record_digest(committed)):
            record.source.digest = record_digest(record)  # not for a hand-edited record kept as is
        text = to_yaml(record)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            outcome.written = True
    outcome.key = outcome_key(record, outcome.findings)
    return outcome


def _process_one(args: tuple[Path, Path, bool, Path | None]) -> Outcome:
    source, root, write, cache_dir = args
    return process(source, root, write, Cache(cache_dir))


def _state_key(source: Path) -> tuple:
    """What an outcome depends on: the source file, its record file, and the extractor."""
    return file_stamp(source), file_stamp(os.path.splitext(source)[0] + RECORD_SUFFIX), extractor_version()


@lru_cache(maxsize=1)
def _state_version() -> str:
    return extractor_version() + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]


def _load_state(state_file: Path | None) -> tuple[dict, dict]:
    """The last run's outcomes by source, and its across-year findings by agency."""
    if state_file is None or not state_file.exists():
        return {}, {}
    try:
        state = load_pickle(state_file)
        if isinstance(state, dict) and state.get("version") == _state_version():
            return state["outcomes"], state["across"]
    except Exception:  # a stale or damaged state is rebuilt, never trusted
        pass
    return {}, {}


def _across_years(good: list[Outcome], cached: dict) -> tuple[dict, list[tuple[str, Finding]]]:
    """The across-year findings, (source, finding), per agency; an agency whose reports are as they
    were at the last run keeps its findings without its records being read."""
    by_agency: dict[str, list[Outcome]] = {}
    for o in good:
        by_agency.setdefault(o.brief.agency, []).append(o)
    found, out = {}, []
    for agency, members in by_agency.items():
        years = {o.brief.year for o in members}
        if not any(y + 1 in years for y in years):
            continue
        keys = tuple(sorted((o.brief.year, str(o.source), o.key or "") for o in members))
        if agency in cached and cached[agency][0] == keys and all(o.key for o in members):
            pairs = cached[agency][1]
        else:
            source_of = {id(o.record): str(o.source) for o in members}
            pairs = [(source_of[id(r)], f) for r, f in check_across_years([o.record for o in members])]
        found[agency] = (keys, pairs)
        out += pairs
    return found, out


@without_gc
def process_all(reports_dir: Path, root: Path, write: bool = False, progress=None,
                cache_dir: Path | None = None, jobs: int | None = None,
                state_file: Path | None = None) -> list[Outcome]:
    """Every report under reports_dir, in parallel over the machine's cores when there are many.

    With a state file, a report whose source and record files are as they were at the last run
    (size and modification time) and whose extractor is the same keeps its outcome without being
    read again (its record is parsed only if a page needs it): adding one report to thousands
    processes one."""
    sources = list(find_sources(reports_dir))
    state, across = _load_state(state_file)
    keys = {s: _state_key(s) for s in sources}
    known = {s: state[str(s)][1] for s in sources if str(s) in state and state[str(s)][0] == keys[s]}
    todo = [s for s in sources if s not in known]
    jobs = jobs or os.cpu_count() or 1
    tasks = [(s, root, write, cache_dir) for s in todo]
    if jobs > 1 and len(tasks) >= PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=jobs, initializer=gc.enable) as pool:
            results: Iterable[Outcome] = pool.map(_process_one, tasks, chunksize=max(1, len(tasks) // (jobs * 8)))
            fresh = list(progress(results, total=len(tasks)) if progress else results)
    else:
        fresh = [_process_one(t) for t in (progress(tasks) if progress else tasks)]
    by_source = {**known, **{o.source: o for o in fresh}}
    outcomes = [by_source[s] for s in sources]
    good = [o for o in outcomes if not o.failed]
    across, found = _across_years(good, across)
    if state_file is not None:  # the outcomes before the across-year findings, which depend on the others
        save_pickle(state_file, {"version": _state_version(), "across": across, "outcomes": {
            str(o.source): (keys[o.source] if o.source in known else _state_key(o.source), o) for o in outcomes}})
    outcomes = [copy.copy(o) for o in outcomes]
    by_path = {str(o.source): o for o in outcomes}
    for source, finding in found:
        owner = by_path[source]
        owner.findings = owner.findings + [finding]
    return outcomes


class Refused(Exception):
    """`add` refuses a report: the message says why."""


_UNSAFE = str.maketrans({c: "" for c in '/\\:*?"<>|\t\n\r '})
_SUFFIX = {"text": ".txt", "html": ".html", "pdf": ".pdf", "pdf-ocr": ".pdf", "docx": ".docx"}


def safe_name(agency: str) -> str:
    """An agency's name as a file name: the name itself, less what file systems refuse."""
    return agency.translate(_UNSAFE).strip(".") or "unnamed"


def add_report(file: Path, root: Path, agency: str | None = None, year: int | None = None) -> Outcome:
    """Copy a report into reports/YEAR/AGENCY.EXT with its record beside it; Refused on a duplicate
    (the same bytes, or the same agency and year, already present) or an unreadable report."""
    data = file.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    reports = root / "reports"
    for existing in find_sources(reports) if reports.exists() else ():
        if hashlib.sha256(existing.read_bytes()).hexdigest() == sha:
            raise Refused(f"{file}: the same file is already in the repository as {_relative(existing, root)}")
    try:
        record, findings = extract_file(file, data=data)
    except ReportError as exc:
        raise Refused(f"{file}: {exc.reason}") from exc
    record.agency = agency or record.agency
    record.year = year or record.year
    suffix = file.suffix.lower() if file.suffix.lower() in (".txt", ".html", ".htm", ".pdf", ".docx") \
        else _SUFFIX[record.source.format]
    target = reports / str(record.year) / f"{safe_name(record.agency)}{suffix}"
    for existing in find_sources(reports) if reports.exists() else ():
        other = process(existing, root).record
        if other is not None and (other.agency, other.year) == (record.agency, record.year):
            raise Refused(f"{file}: {record.agency} already has a {record.year} report: "
                          f"{_relative(existing, root)}")
    if target.exists():
        raise Refused(f"{file}: {_relative(target, root)} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    record.source.path = _relative(target, root)
    outcome = Outcome(target, record, findings, extracted=True)
    if not outcome.failed:
        record.source.digest = record_digest(record)
        record_path(target).write_text(to_yaml(record), encoding="utf-8")
        outcome.written = True
    return outcome
