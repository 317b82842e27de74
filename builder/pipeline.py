"""The whole path for one report, and for all of reports/: source → record → findings.

One bad report never stops the others: each outcome carries its own error.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .checks import check_across_years, check_record
from .extract import extract
from .infer import infer
from .models import Finding, Record
from .records import RecordError, find_sources, load_record, record_path, to_yaml
from .sources import ReportError, read_source


@dataclass
class Outcome:
    source: Path
    record: Record | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # why this report could not become a record
    extracted: bool = False  # freshly extracted (rather than read from its committed record)

    @property
    def failed(self) -> bool:
        return self.error is not None or any(f.severity == "error" for f in self.findings)


def extract_file(path: str | Path, repo_path: str | None = None) -> tuple[Record, list[Finding]]:
    """Extract, infer and check one source file. Raises ReportError if it is not a readable report."""
    source = read_source(path)
    extraction = extract(source, repo_path=repo_path)
    record = extraction.record
    findings = extraction.findings + infer(record)
    return record, findings + check_record(record)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def process(source: Path, root: Path, write: bool = False) -> Outcome:
    """The record of one report: its committed record when that is of these very bytes, else a
    fresh extraction (written beside the source when `write`)."""
    outcome = Outcome(source)
    target = record_path(source)
    try:
        if target.exists():
            record = load_record(target)
            if record.source.sha256 == hashlib.sha256(source.read_bytes()).hexdigest():
                outcome.record = record
                outcome.findings = check_record(record)
                return outcome
        record, findings = extract_file(source, repo_path=_relative(source, root))
        outcome.record, outcome.findings, outcome.extracted = record, findings, True
        if write and not outcome.failed:
            target.write_text(to_yaml(record), encoding="utf-8")
    except (ReportError, RecordError) as exc:
        outcome.error = exc.reason
    return outcome


def process_all(reports_dir: Path, root: Path, write: bool = False, progress=None) -> list[Outcome]:
    sources = list(find_sources(reports_dir))
    iterator: Iterable[Path] = progress(sources) if progress else sources
    outcomes = [process(s, root, write) for s in iterator]
    good = [o for o in outcomes if o.record is not None and not o.failed]
    by_record = {id(o.record): o for o in good}
    for record, finding in check_across_years([o.record for o in good]):
        by_record[id(record)].findings.append(finding)
    return outcomes
