"""The downloads are derived from the records: every cell of every record, nothing else."""
from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from builder import downloads
from builder.models import Record, iter_cells
from builder.pipeline import process_all
from builder.scores import Agency, load_agencies, score
from builder.records import find_sources
from conftest import REPORTS, ROOT

COMMITTED = len(list(find_sources(REPORTS)))  # the seeds and the 平潭 reports


@pytest.fixture(scope="module")
def rows():
    agencies = load_agencies(REPORTS / "agencies.yaml")
    out = []
    for o in process_all(REPORTS, ROOT):
        info = agencies.get(o.record.agency, Agency(o.record.agency))
        out.append(downloads.Row(o.record, info, score(o.record, info), tuple(o.findings)))
    return out


def test_csv_has_one_row_per_report_and_every_cell(rows):
    text = downloads.to_csv(rows).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(rows) == COMMITTED == 12
    for row, r in zip(table, rows):
        assert row["agency"] == r.record.agency and int(row["year"]) == r.record.year
        for path, value in iter_cells(r.record):
            assert row[path] == ("" if value is None else str(value)), path
        assert row["inferred"] == ";".join(r.record.inferred)
    assert len(table[0]) == len(downloads.columns()) == 9 + 200 + 6 + len(downloads.INDICATORS) + 1


def test_json_round_trips_the_records(rows):
    data = json.loads(downloads.to_json(rows))
    for item, r in zip(data["reports"], rows):
        assert Record.model_validate(item["record"]) == r.record
        assert item["scores"]["overall"] == round(r.score.overall, 2)


def test_sqlite_holds_the_same_table(rows, tmp_path):
    path = tmp_path / "d.sqlite"
    path.write_bytes(downloads.to_sqlite(rows))
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    got = db.execute('SELECT * FROM reports ORDER BY id').fetchall()
    assert len(got) == COMMITTED
    for row, r in zip(got, rows):
        for p, value in iter_cells(r.record):
            assert row[p] == value, p
    documented = {name for (name,) in db.execute("SELECT name FROM columns")}
    assert documented == {c.name for c in downloads.columns()}


def test_downloads_are_byte_identical_when_rebuilt(rows):
    for name, (_, make) in downloads.FILES.items():
        assert make(rows) == make(rows), name


def test_every_column_is_documented():
    for c in downloads.columns():
        assert c.description and c.type in ("integer", "real", "text")
    names = [c.name for c in downloads.columns()]
    assert names.index("applications.new[0]") < names.index("review_litigation.review[0]")
