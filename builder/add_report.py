"""A maintainer's report added from the command line (`python -m builder add FILE`): copied into
reports/YEAR/AGENCY.EXT with its record beside it, read as `build` reads one, and refused with the
reason when it would duplicate a report, overwrite a file or break a limit."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .read import workers
from .record.characters import name_key
from .record.outcome import Outcome, record_digest
from .pipeline import _relative, extract_file, process_all
from .record.files import find_sources, record_path, to_yaml
from .store.files import write_atomically
from .read.text import LimitError, ReportError, check_size


class Refused(Exception):
    """`add` refuses a report: the message says why."""


_UNSAFE = str.maketrans({c: "" for c in '/\\:*?"<>|\t\n\r '})
_SUFFIX = {"text": ".txt", "html": ".html", "pdf": ".pdf", "pdf-ocr": ".pdf", "docx": ".docx"}


def safe_name(agency: str) -> str:
    """An agency's name as a file name: the name itself, less what file systems refuse."""
    return agency.translate(_UNSAFE).strip(".") or "unnamed"


def add_report(file: Path, root: Path, agency: str | None = None, year: int | None = None,
               cache_dir: Path | None = None) -> Outcome:
    """Copy a report into reports/YEAR/AGENCY.EXT with its record beside it; Refused on a duplicate
    (the same bytes, or the same agency and year, already present), a file over a limit or an
    unreadable report. The new file is read as `build` reads one, under the per-file limits; the
    reports already there are read through `process_all` (their records, or the extraction cache)."""
    try:
        check_size(file, file.stat().st_size)
    except LimitError as exc:
        raise Refused(str(exc)) from exc
    data = file.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    reports = root / "reports"
    for existing in find_sources(reports) if reports.exists() else ():
        if hashlib.sha256(existing.read_bytes()).hexdigest() == sha:
            raise Refused(f"{file}: the same file is already in the repository as {_relative(existing, root)}")
    try:
        record, findings = workers.bounded_call(file, extract_file, file, None, data)
    except ReportError as exc:
        raise Refused(f"{file}: {exc.reason}") from exc
    extracted = (record.agency, record.year)
    record.agency = agency.strip() if agency and agency.strip() else record.agency
    record.year = year or record.year
    # what the person set instead of what the report reads is a correction: no later extraction reverts it
    record.corrected = sorted(set(record.corrected) | {
        key for key, before in zip(("agency", "year"), extracted) if getattr(record, key) != before})
    suffix = file.suffix.lower() if file.suffix.lower() in (".txt", ".md", ".html", ".htm", ".pdf", ".docx") \
        else _SUFFIX[record.source.format]
    target = reports / str(record.year) / f"{safe_name(record.agency)}{suffix}"
    for other in process_all(reports, root, cache_dir=cache_dir) if reports.exists() else ():
        if not other.failed and (name_key(other.brief.agency), other.brief.year) == (name_key(record.agency),
                                                                                    record.year):
            raise Refused(f"{file}: {record.agency} already has a {record.year} report: "
                          f"{_relative(other.source, root)}")
    for path in (target, record_path(target)):
        if path.exists() or path.is_symlink():
            raise Refused(f"{file}: {_relative(path, root)} already exists; add never writes over a file")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "xb") as f:  # created here, or refused: never written over
            f.write(data)
    except FileExistsError as exc:
        raise Refused(f"{file}: {_relative(target, root)} already exists; add never writes over a file") from exc
    record.source.path = _relative(target, root)
    outcome = Outcome(target, record, findings, extracted=True)
    if not outcome.failed:
        record.source.digest = record_digest(record)
        write_atomically(record_path(target), to_yaml(record))
        outcome.written = True
    return outcome
