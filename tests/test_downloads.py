"""The downloads are derived from the records: every cell of every record, nothing else."""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import tempfile

import pytest

from builder.data import downloads
from builder.data.files import TABLES, datapackage, gz
from builder.data.sqlite import to_sqlite
from builder.record.models import Record, iter_cells
from builder.pipeline import process_all
from builder.index.scores import Agency, load_agencies, score
from builder.record.template import edition_only
from builder.index.standing import standings
from builder.record.files import find_sources
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
            assert row[downloads.sql_name(path)] == ("" if value is None else str(value)), path
        assert row["inferred"] == ";".join(r.record.inferred)
        assert row["peer_group"] == r.agency.group and row["body_id"] == r.agency.body_id
    # identity (body_id too) and source, the 2021 edition's 200 cells, the 2019 edition's own cells and the unit of its
    # 采购总金额, status lists and findings, each indicator's value and status (a rate also its numerator
    # and denominator), the overall score, why not ranked, the method's version, the ranks; status lists:
    # inferred, corrected, unread, not applicable and flagged, then the template and the findings' count
    only_2019 = len(edition_only("2019")) + 1
    rates = sum(1 for i in downloads.INDICATORS if i.denominator)
    assert len(table[0]) == len(downloads.columns()) == (12 + 200 + only_2019 + 7 + 2 * len(downloads.INDICATORS)
                                                         + 2 * rates + 3 + len(downloads.INDICATORS) + 1)


def test_json_round_trips_the_records(rows):
    data = json.loads(downloads.to_json(rows))
    for item, r in zip(data["reports"], rows):
        assert Record.model_validate(item["record"]) == r.record
        assert item["scores"]["overall"] == (round(r.score.overall, 2) if r.score.overall is not None else None)
        assert item["scores"]["not_ranked_reason"] == (r.score.reason or None)
    assert any(item["scores"]["overall"] is None for item in data["reports"])  # 海坛片区 2024: not ranked
    # the terms, not the version and date (every new report changes them; a year's file is not rewritten)
    assert {k: data[k] for k in downloads.terms()} == downloads.terms() and data["license"] == "CC-BY-4.0"
    assert "version" not in data and "date" not in data


def _about(rows) -> downloads.About:
    return downloads.About.of([downloads.prepare(r) for r in rows])


def test_sqlite_holds_the_same_table(rows, tmp_path):
    path = tmp_path / "d.sqlite"
    path.write_bytes(to_sqlite(downloads._prepared(rows), _about(rows)))
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    got = db.execute('SELECT * FROM reports ORDER BY id').fetchall()
    assert len(got) == COMMITTED
    for row, r in zip(got, rows):
        for p, value in iter_cells(r.record):
            assert row[downloads.sql_name(p)] == value, p
    for table, cols in (("reports", downloads.columns()), ("cells", downloads.cell_columns())):
        documented = [name for (name,) in db.execute("SELECT name FROM columns WHERE table_name = ?", (table,))]
        assert sorted(documented) == sorted(c.name for c in cols)
        # SQL-friendly: every column can be named unquoted (no keyword such as GROUP, no dots or brackets)
        for c in cols:
            db.execute(f"SELECT {c.name} FROM {table} LIMIT 1").fetchall()
    about = dict(db.execute("SELECT key, value FROM about").fetchall())
    assert about["license"] == "CC-BY-4.0" and about["version"].startswith(about["date"].replace("-", "."))


@pytest.fixture(scope="module")
def long_rows(rows):
    placed = standings((k, r.record.year, r.agency.group, r.score) for k, r in enumerate(rows))
    return [row for k, r in enumerate(rows)
            for row in downloads.score_rows(r.record.agency, r.record.year, r.agency.group, r.score, placed[k],
                                            body_id=r.agency.body_id)]


def test_a_share_makes_the_rows_the_joined_downloads_hold_and_the_version_is_theirs(rows):
    """site._data hands each report over as a downloads.Share whose rows are made when a file needs them,
    and makes the data's version from the rows' ranked JSON arrays and the records' dates (the rule of
    About.of: the newest date a record holds), without reading any row's JSON."""
    placed = standings((k, r.record.year, r.agency.group, r.score) for k, r in enumerate(rows))
    prepared = downloads._prepared(rows)
    ranked = downloads.with_ranks(prepared, [placed[k].ranks for k in range(len(rows))])
    about = downloads.About.made(
        downloads.newest_date(d for r in rows for d in (r.record.source.published_on, r.record.source.posted_on)),
        (downloads.ranked_row(p, placed[k].ranks) for k, p in enumerate(prepared)))
    assert about == downloads.About.of(ranked) and about.date
    assert any(placed[k].ranks for k in range(len(rows)))  # some ranks are filled, not all null
    for k, r in enumerate(rows):
        share = downloads.Share(r.record.agency, r.record.year, "key", "rank key", prepared[k], r.agency.group,
                                r.score, placed[k])
        assert share.ranked() == ranked[k]
        assert share.scores() == downloads.score_rows(r.record.agency, r.record.year, r.agency.group, r.score,
                                                      placed[k], body_id=r.agency.body_id)
    with pytest.raises(ValueError):
        downloads.ranked_row(ranked[0], placed[0].ranks)  # a row ranked twice


def test_downloads_are_byte_identical_when_rebuilt(rows, long_rows):
    prepared, about = downloads._prepared(rows), _about(rows)
    for t in TABLES:
        assert gz(t.make(downloads.Joined(rows, long_rows))) == gz(t.make(downloads.Joined(rows, long_rows))), t.name
    assert to_sqlite(prepared, about, long_rows) == to_sqlite(prepared, about, long_rows)


def test_every_download_names_the_method_version(rows, long_rows):
    from builder.index.scores import METHOD_VERSION
    for t in TABLES:
        if t.name in ("cells", "coverage"):
            continue  # the record's cells, the registry: not the index (datapackage.json names it)
        assert METHOD_VERSION in b"".join(t.make(downloads.Joined(rows, long_rows))).decode("utf-8-sig"), t.name
    with tempfile.NamedTemporaryFile(suffix=".sqlite") as f:
        f.write(to_sqlite(downloads._prepared(rows), _about(rows), long_rows))
        f.flush()
        db = sqlite3.connect(f.name)
        assert db.execute("SELECT value FROM about WHERE key = 'method_version'").fetchone() == (METHOD_VERSION,)
        assert {v for (v,) in db.execute("SELECT DISTINCT method_version FROM scores")} == {METHOD_VERSION}
    assert METHOD_VERSION in datapackage(_about(rows), {}).decode("utf-8")


def test_the_long_table_of_scores_has_a_row_per_report_and_indicator(rows, long_rows):
    table = list(csv.DictReader(io.StringIO(downloads.scores_csv(long_rows).decode("utf-8-sig"))))
    assert list(table[0]) == [name for name, _, _ in downloads.SCORE_COLUMNS]
    assert len(table) == len(rows) * (len(downloads.INDICATORS) + 1)
    row = {(t["agency"], t["indicator"]): t for t in table}
    bz = row[("巴州区", "corrected")]
    assert (bz["numerator"], bz["denominator"], bz["status"], bz["rankable"], bz["rank"]) == ("4", "14", "scored", "1", "1")
    small = row[("攀枝花市西区人民政府办公室", "disclosure")]  # 1 request: shown, not ranked
    assert (small["value"], small["numerator"], small["denominator"], small["status"], small["rankable"], small["rank"]) \
        == ("100.0", "1", "1", "small", "0", "")
    with tempfile.NamedTemporaryFile(suffix=".sqlite") as f:
        f.write(to_sqlite(downloads._prepared(rows), _about(rows), long_rows))
        f.flush()
        db = sqlite3.connect(f.name)
        assert db.execute("SELECT COUNT(*) FROM scores").fetchone() == (len(table),)
        assert db.execute("SELECT numerator, denominator, rank FROM scores WHERE agency = '巴州区' AND "
                          "indicator = 'disclosure'").fetchone() == (97, 123, 1)


def test_every_column_is_documented():
    for c in downloads.columns() + downloads.cell_columns():
        assert c.description and c.type in ("integer", "real", "text", "date", "number")
        assert re.fullmatch(r"[a-z][a-z0-9_]*", c.name), c.name  # ASCII snake_case
    names = [c.name for c in downloads.columns()]
    assert names.index("applications_new_0") < names.index("review_litigation_review_0")
    assert len(set(names)) == len(names)
