"""Comparing a record with a golden record, cell by cell."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from builder.record.models import Record, iter_cells


def load_golden(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def golden_cells(gold: dict[str, Any]) -> dict[str, Any]:
    """The golden record's cells, addressed by the same paths as iter_cells."""
    out = {}
    for path, _ in iter_cells(Record.model_construct()):
        obj: Any = gold
        base, _, index = path.partition("[")
        for part in base.split("."):
            obj = obj.get(part) if isinstance(obj, dict) else None
        out[path] = obj[int(index[:-1])] if index and isinstance(obj, list) else obj
    return out


def differences(record: Record, gold: dict[str, Any]) -> list[str]:
    """Every cell where the record departs from the golden record. A golden null is matched by a
    null, or by a number that the record lists as inferred."""
    got = dict(iter_cells(record))
    bad = []
    for path, want in golden_cells(gold).items():
        have = got[path]
        if want is None:
            if have is not None and path not in record.inferred:
                bad.append(f"{path}: {have!r}, golden blank and not marked inferred")
        elif have is None or float(have) != float(want):
            bad.append(f"{path}: {have!r}, golden {want!r}")
    if record.agency != gold["agency"]:
        bad.append(f"agency: {record.agency!r}, golden {gold['agency']!r}")
    if record.year != gold["year"]:
        bad.append(f"year: {record.year!r}, golden {gold['year']!r}")
    if "published_on" in gold and record.source.published_on != gold["published_on"]:
        bad.append(f"published_on: {record.source.published_on!r}, golden {gold['published_on']!r}")
    return bad
