"""What became of one report: its record and findings, or why it could not be read (Outcome); what
lists need of it without reading the record (Brief); the digest that tells a record as the builder wrote
it from one a person edited (record_digest), and the digest of what a report's pages are made from
(outcome_key)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .models import Finding, Record


@dataclass(frozen=True)
class Brief:
    """What lists of reports need of a record, without reading the record."""
    agency: str
    year: int
    published_on: dt.date | None
    posted_on: dt.date | None = None  # when the publisher posted it (the coverage pages' first evidence)
    template: str = "2021"            # the template edition the report follows (lists say so beside a 2019 one)



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
        self.stamp: tuple | None = None  # the source's and record's size and time it stands for (state file)
        self.digests: tuple[str, str] | None = None  # sha256 of the source and record bytes it stands for
        self.brief: Brief | None = None
        self._json: str | None = None
        self.record = record

    @property
    def record(self) -> Record | None:
        if self._record is None:
            self._record = self.read_record()  # parsed once, then kept
        return self._record

    def read_record(self) -> Record | None:
        """The record, not kept parsed when its JSON text is kept: a pass over every report that needs
        each record once (the static API's files, made from nothing) would otherwise leave every record
        parsed in memory (some 18 KB each, 180 MB at 10,000 reports)."""
        if self._record is None and self._json is not None:
            return Record.model_validate_json(self._json)
        return self._record

    @record.setter
    def record(self, value: Record | None) -> None:
        self._record, self._json = value, None
        self.brief = None if value is None else Brief(value.agency, value.year, value.source.published_on,
                                                       value.source.posted_on, value.template)

    @property
    def failed(self) -> bool:
        return self.brief is None or any(f.severity == "error" for f in self.findings)

    def __copy__(self) -> "Outcome":
        new = Outcome.__new__(Outcome)
        new.__dict__.update(self.__dict__)
        return new

    def __getstate__(self) -> dict:  # to worker processes and back: the record as JSON text
        state = dict(self.__dict__)
        if self._record is not None:
            state["_json"], state["_record"] = self._json or self._record.model_dump_json(), None
        return state

    def to_data(self) -> dict:
        """The outcome as plain data for the state file (JSON), its record as JSON text."""
        b = self.brief
        return {"findings": [f.model_dump() for f in self.findings], "error": self.error,
                "key": self.key, "json": self._json or (self._record.model_dump_json() if self._record else None),
                "brief": [b.agency, b.year, *(d.isoformat() if d else None for d in (b.published_on, b.posted_on)),
                          b.template] if b else None}

    @classmethod
    def from_data(cls, source: Path, data: dict) -> "Outcome":
        """An outcome read back from the state file; ValueError (or TypeError, KeyError) if it is not one."""
        new = cls(source, findings=[Finding.model_validate(f) for f in data["findings"]], error=data["error"])
        new.key, new._json = data["key"], data["json"]
        if data["brief"] is not None:
            agency, year, published, posted, template = data["brief"]
            if not isinstance(agency, str) or not isinstance(year, int) or new._json is None \
                    or template not in ("2021", "2019"):
                raise ValueError("not an outcome")
            new.brief = Brief(agency, year, *(dt.date.fromisoformat(d) if d else None for d in (published, posted)),
                              template)
        return new

    def __repr__(self) -> str:
        return f"Outcome({self.source}, {self.brief}, error={self.error!r}, findings={len(self.findings)})"



def outcome_key(record: Record, findings: list[Finding]) -> str:
    """sha256 of a record as it stands and of its findings: what a report's pages are made from."""
    data = {"record": record.dump(), "findings": [f.model_dump() for f in findings]}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()



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
