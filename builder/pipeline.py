"""The whole path for one report, and for all of reports/: source → record → findings.

A committed record is authoritative: a person may have corrected it. Extraction runs again
only when the source's bytes or the extractor changed, and then the cells a person corrected
are carried over. A cell that differs from what extraction reads, and is not yet listed under
`corrected`, is a hand correction: `build` lists it. One bad report never stops the others:
each outcome carries its own error.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from . import __version__
from .checks import check_across_years, check_record
from .extract import extract
from .infer import infer
from .models import Finding, Record, get_path, iter_cells, set_path
from .records import RecordError, find_sources, load_record, record_path, to_yaml
from .sources import ReportError, read_source

PARALLEL_FROM = 64  # below this many reports, starting worker processes costs more than it saves

# the modules whose code decides what a record holds
_EXTRACTION_MODULES = ("sources.py", "read_html.py", "read_docx.py", "read_pdf.py", "read_ocr.py", "cells.py",
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


@dataclass
class Outcome:
    source: Path
    record: Record | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # why this report could not become a record
    extracted: bool = False   # extraction ran (rather than the committed record standing)
    written: bool = False     # its record file was (re)written

    @property
    def failed(self) -> bool:
        return self.record is None or any(f.severity == "error" for f in self.findings)


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


def record_digest(record: Record) -> str:
    """sha256 of a record's content, its own digest field left out."""
    data = record.dump()
    data["source"]["digest"] = None
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
    return outcome


def _process_one(args: tuple[Path, Path, bool, Path | None]) -> Outcome:
    source, root, write, cache_dir = args
    return process(source, root, write, Cache(cache_dir))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


def _state_key(source: Path) -> tuple:
    """What an outcome depends on: the source file, its record file, and the extractor."""
    return _stamp(source), _stamp(record_path(source)), extractor_version()


def _load_state(state_file: Path | None) -> dict:
    if state_file is None or not state_file.exists():
        return {}
    try:
        with state_file.open("rb") as f:
            state = pickle.load(f)
        return state if isinstance(state, dict) else {}
    except Exception:  # a stale or damaged state is rebuilt, never trusted
        return {}


def process_all(reports_dir: Path, root: Path, write: bool = False, progress=None,
                cache_dir: Path | None = None, jobs: int | None = None,
                state_file: Path | None = None) -> list[Outcome]:
    """Every report under reports_dir, in parallel over the machine's cores when there are many.

    With a state file, a report whose source and record files are as they were at the last run
    (size and modification time) and whose extractor is the same keeps its outcome without being
    read again: adding one report to thousands processes one."""
    sources = list(find_sources(reports_dir))
    state = _load_state(state_file)
    keys = {s: _state_key(s) for s in sources}
    known = {s: state[str(s)][1] for s in sources if str(s) in state and state[str(s)][0] == keys[s]}
    todo = [s for s in sources if s not in known]
    jobs = jobs or os.cpu_count() or 1
    tasks = [(s, root, write, cache_dir) for s in todo]
    if jobs > 1 and len(tasks) >= PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results: Iterable[Outcome] = pool.map(_process_one, tasks, chunksize=max(1, len(tasks) // (jobs * 8)))
            fresh = list(progress(results, total=len(tasks)) if progress else results)
    else:
        fresh = [_process_one(t) for t in (progress(tasks) if progress else tasks)]
    by_source = {**known, **{o.source: o for o in fresh}}
    outcomes = [by_source[s] for s in sources]
    if state_file is not None:
        state_file.parent.mkdir(parents=True, exist_ok=True)
        with state_file.open("wb") as f:  # before the across-year findings, which depend on the others
            pickle.dump({str(o.source): (_state_key(o.source), o) for o in outcomes}, f,
                        protocol=pickle.HIGHEST_PROTOCOL)
    outcomes = [copy.copy(o) for o in outcomes]
    good = [o for o in outcomes if not o.failed]
    by_record = {id(o.record): o for o in good}
    for record, finding in check_across_years([o.record for o in good]):
        owner = by_record[id(record)]
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
