"""A maintainer's report added from the command line (`python -m builder add FILE`): copied into
reports/YEAR/AGENCY.EXT with its record beside it, read as `build` reads one, and refused with the
reason when it would duplicate a report, overwrite a file or break a limit."""
from __future__ import annotations

import hashlib
import os
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
    record.source.path = _relative(target, root)
    outcome = Outcome(target, record, findings, extracted=True)
    if not outcome.failed:
        record.source.digest = record_digest(record)
    try:
        _add_whole(target, data, to_yaml(record) if not outcome.failed else None)
    except FileExistsError as exc:
        raise Refused(f"{file}: {_relative(target, root)} already exists; add never writes over a file") from exc
    except OSError as exc:
        raise Refused(f"{file}: cannot write {_relative(Path(exc.filename or target), root)} "
                      f"({exc.strerror or exc}); nothing was added") from exc
    outcome.written = not outcome.failed
    return outcome


def _add_whole(target: Path, data: bytes, record_text: str | None) -> None:
    """The report at `target` and its record beside it, both whole or neither: each written to a
    temporary file first; the report then linked into place (FileExistsError if a file is there: never
    written over), the record moved beside it. A disk that fills up midway leaves nothing behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{hashlib.blake2b(target.name.encode(), digest_size=6).hexdigest()}.add.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, target)  # fails if the name is taken, where os.replace would write over it
        try:
            if record_text is not None:
                write_atomically(record_path(target), record_text)
        except BaseException:
            target.unlink()
            raise
    finally:
        tmp.unlink(missing_ok=True)
