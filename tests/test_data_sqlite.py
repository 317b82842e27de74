"""The SQLite download updated in place (builder/data/sqlite.py): an update holds the rows of a file made
from nothing, a file altered since it was written is made again, a stopped update leaves the old file,
the statuses read through the `cells` view are the records', and the view reads cells by key."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from builder.data import sqlite as data_sqlite, downloads
from builder.data.sqlite import given, to_sqlite, write_sqlite
from builder.site.page_cache import SiteWriter
from builder.store.sealed import load_cache
from builder.index.standing import standings
from test_downloads import rows  # noqa: F401 (the committed reports' rows: a fixture)
from test_open_data import sqlite_rows

REL = "data/d.sqlite"


def ranked(rows: list[downloads.Row]) -> tuple[list[downloads.Prepared], list[tuple]]:
    """These reports' rows with their ranks among them, and their rows of the scores table (as site._data)."""
    placed = standings((k, r.record.year, r.agency.group, r.score) for k, r in enumerate(rows))
    prepared = downloads.with_ranks(downloads._prepared(rows), [placed[k].ranks for k in range(len(rows))])
    scores = [s for k, r in enumerate(rows)
              for s in downloads.score_rows(r.record.agency, r.record.year, r.agency.group, r.score, placed[k],
                                            body_id=r.agency.body_id)]
    return prepared, scores


def write(out: Path, prepared: list[downloads.Prepared], scores: list[tuple], key: str) -> SiteWriter:
    writer = SiteWriter(out)
    write_sqlite(writer.page, out, REL, key, out / "state.json", given(prepared, scores), downloads.About.of(prepared), ())
    return writer


def scratch(tmp_path: Path, prepared: list[downloads.Prepared], scores: list[tuple]) -> Path:
    path = tmp_path / "scratch.sqlite"
    path.write_bytes(to_sqlite(prepared, downloads.About.of(prepared), scores))
    return path


def ids(path: Path) -> dict[tuple[str, int], int]:
    with sqlite3.connect(path) as db:
        return {(agency, year): rid for rid, agency, year in db.execute("SELECT id, agency, year FROM reports")}


def sealed(out: Path) -> str:
    return load_cache(out / "state.json")["sha256"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_update_holds_the_rows_of_a_file_made_from_nothing(rows, tmp_path):
    """Two reports added, one whose findings changed, the others' ranks changed by the two: the updated
    file holds the rows of one made from nothing; the reports kept keep their ids, the new ones come after."""
    few = [r for r in rows if r.record.year != 2023 or r.record.agency not in ("巴州区", "达州市通川区")]
    assert len(few) == len(rows) - 2
    before, before_scores = ranked(few)
    changed = few[0].record.agency, few[0].record.year
    before[0] = dataclasses.replace(before[0], findings=before[0].findings + (
        ("made.up", "warning", None, None, None, "a finding the record has no more"),))
    write(tmp_path, before, before_scores, "one")
    target = tmp_path / REL
    first = ids(target)
    assert sealed(tmp_path) == sha256(target)

    after, after_scores = ranked(rows)
    assert write(tmp_path, after, after_scores, "two").written == 1
    assert sealed(tmp_path) == sha256(target)
    assert sqlite_rows(target) == sqlite_rows(scratch(tmp_path, after, after_scores))
    now = ids(target)
    assert {k: v for k, v in now.items() if k in first and k != changed} == \
        {k: v for k, v in first.items() if k != changed}
    assert min(now[k] for k in now.keys() - first.keys() | {changed}) > max(first.values())
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT COUNT(*) FROM findings WHERE rule = 'made.up'").fetchone() == (0,)
    assert not [p for p in target.parent.iterdir() if p != target]  # no copy left beside it


def test_an_update_that_changes_nothing_keeps_the_file(rows, tmp_path):
    prepared, scores = ranked(rows)
    write(tmp_path, prepared, scores, "one")
    target = tmp_path / REL
    stat = target.stat()
    assert write(tmp_path, prepared, scores, "two").written == 0  # another key, the same data
    assert target.stat().st_mtime_ns == stat.st_mtime_ns and sealed(tmp_path) == sha256(target)
    assert [p.name for p in target.parent.iterdir()] == ["d.sqlite"]
    # without the seal (a build without a cache) made from nothing, as it was: kept too
    writer = SiteWriter(tmp_path)
    write_sqlite(writer.page, tmp_path, REL, "three", None, given(prepared, scores), downloads.About.of(prepared), ())
    assert writer.written == 0 and target.stat().st_mtime_ns == stat.st_mtime_ns


def test_a_file_altered_since_it_was_written_is_made_again(rows, tmp_path):
    prepared, scores = ranked(rows[1:])
    write(tmp_path, prepared, scores, "one")
    target = tmp_path / REL
    with sqlite3.connect(target) as db:
        db.execute("UPDATE cell_values SET value = 999 WHERE report_id = 1 AND cell_id = 1")
    db.close()
    prepared, scores = ranked(rows)
    write(tmp_path, prepared, scores, "two")
    made = scratch(tmp_path, prepared, scores)
    assert sqlite_rows(target) == sqlite_rows(made)
    assert ids(target) == ids(made)  # numbered afresh: made from nothing, not updated
    assert sealed(tmp_path) == sha256(target)


def test_a_stopped_update_leaves_the_old_file(rows, tmp_path, monkeypatch):
    """Stopped while writing the cells (an error, or Ctrl-C): the file, its seal and its folder are as they
    were; the next build updates it."""
    prepared, scores = ranked(rows[2:])
    write(tmp_path, prepared, scores, "one")
    target = tmp_path / REL
    old, stat, seal, first = target.read_bytes(), target.stat(), sealed(tmp_path), ids(target)

    def stop(*args, **kwargs):
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr(data_sqlite, "report_cells", stop)
    prepared, scores = ranked(rows)
    with pytest.raises(KeyboardInterrupt):
        write(tmp_path, prepared, scores, "two")
    assert target.read_bytes() == old and target.stat().st_mtime_ns == stat.st_mtime_ns
    assert sealed(tmp_path) == seal and [p.name for p in target.parent.iterdir()] == ["d.sqlite"]
    monkeypatch.undo()
    write(tmp_path, prepared, scores, "two")
    assert sqlite_rows(target) == sqlite_rows(scratch(tmp_path, prepared, scores))
    assert ids(target).items() >= first.items()  # updated, not made again


def with_every_status(p: downloads.Prepared) -> downloads.Prepared:
    """A report's row with a cell blank, one not applicable, one unread and one corrected (the committed
    records have printed and inferred cells)."""
    at = {c.name: k for k, c in enumerate(downloads.columns())}
    values = json.loads(p.row)
    (k0, blank, _), (k1, na, _), (_, corrected, _), (k3, unread, _) = downloads._cells_plan()[:4]
    values[k0] = values[k1] = values[k3] = None
    values[at["not_applicable"]] = ";".join(x for x in [values[at["not_applicable"]], na] if x)
    values[at["unread"]] = ";".join(x for x in [values[at["unread"]], unread] if x)
    values[at["corrected"]] = ";".join(x for x in [values[at["corrected"]], corrected] if x)
    return dataclasses.replace(p, row=json.dumps(values, ensure_ascii=False, separators=(",", ":")))


def test_the_cells_view_gives_each_cells_status_as_text(rows, tmp_path):
    prepared, scores = ranked(rows)
    prepared[0] = with_every_status(prepared[0])
    path = scratch(tmp_path, prepared, scores)
    want = {(agency, year, plan[cell - 1][1]): (value, status, rules)
            for _, agency, year, cells in downloads.report_cells(prepared)
            for cell, value, status, rules in cells for plan in [downloads._cells_plan()]}
    with sqlite3.connect(path) as db:
        got = {(agency, year, p): (value, status, rules) for agency, year, p, value, status, rules
               in db.execute("SELECT agency, year, path, value, status, flagged_by FROM cells")}
        assert got == want
        assert {s for _, s, _ in got.values()} >= {"printed", "blank", "not_applicable", "unread", "inferred",
                                                   "corrected"}
        assert {r for _, _, r in got.values()} > {""}  # and cells findings flag, with their rules
        # stored as small integers numbering the statuses table, printed as 0
        assert db.execute("SELECT DISTINCT typeof(status_id) FROM cell_values").fetchall() == [("integer",)]
        assert db.execute("SELECT id, status FROM statuses ORDER BY id").fetchall() == \
            [(k, s) for k, (s, _) in enumerate(downloads.CELL_STATUSES)]
        assert db.execute("SELECT status_id FROM cell_values JOIN statuses s ON s.id = status_id "
                          "WHERE s.status = 'printed' LIMIT 1").fetchone() == (0,)


@pytest.mark.parametrize("where", ["path = 'applications.new[6]'", "path = 'applications.new[6]' AND year = 2023",
                                   "agency = '巴州区' AND year = 2023", "year = 2023 AND status = 'printed'"])
def test_the_cells_view_reads_cells_by_their_key(rows, tmp_path, where):
    """One cell across all bodies, a report's cells, a status's: each report's cells are looked up by
    the primary key of cell_values, never by reading every cell."""
    prepared, scores = ranked(rows)
    with sqlite3.connect(scratch(tmp_path, prepared, scores)) as db:
        plan = [step for *_, step in db.execute(f"EXPLAIN QUERY PLAN SELECT * FROM cells WHERE {where}")]
        assert any(step.startswith("SEARCH v USING PRIMARY KEY (report_id=?") for step in plan), plan
        assert not any(step.startswith("SCAN v") for step in plan), plan
        assert db.execute(f"SELECT COUNT(*) FROM cells WHERE {where}").fetchone()[0] > 0


@pytest.mark.parametrize("threshold, free", [(0.0, False), (1.0, True)])
def test_an_update_that_leaves_pages_free_is_vacuumed(rows, tmp_path, monkeypatch, threshold, free):
    """Most reports removed: the pages they held are free; above VACUUM_FREE of the file, it is vacuumed."""
    monkeypatch.setattr(data_sqlite, "VACUUM_FREE", threshold)
    prepared, scores = ranked(rows)
    write(tmp_path, prepared, scores, "one")
    prepared, scores = ranked(rows[:2])
    write(tmp_path, prepared, scores, "two")
    target = tmp_path / REL
    with sqlite3.connect(target) as db:
        assert (db.execute("PRAGMA freelist_count").fetchone()[0] > 0) == free
    assert sqlite_rows(target) == sqlite_rows(scratch(tmp_path, prepared, scores))


def test_the_scores_view_gives_the_rows_it_was_given(rows, tmp_path):
    """The scores view: each report's rows with its body, year, group and method version from its row
    of reports, in SCORE_COLUMNS order; one report's are read by the keys."""
    prepared, scores = ranked(rows)
    with sqlite3.connect(scratch(tmp_path, prepared, scores)) as db:
        cursor = db.execute("SELECT * FROM scores")
        assert [d[0] for d in cursor.description] == [name for name, _, _ in downloads.SCORE_COLUMNS]
        assert sorted(cursor, key=lambda s: s[:5]) == sorted(scores, key=lambda s: s[:5])
        plan = [step for *_, step in db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM scores WHERE agency = '巴州区' AND year = 2023")]
        assert plan[0].startswith("SEARCH r USING") and plan[1].startswith("SEARCH v USING PRIMARY KEY"), plan


def test_scores_that_name_another_group_than_the_reports_row_are_refused(rows):
    prepared, scores = ranked(rows)
    scores[0] = (*scores[0][:2], "another group", *scores[0][3:])
    with pytest.raises(ValueError, match="another group or method"):
        to_sqlite(prepared, downloads.About.of(prepared), scores)
