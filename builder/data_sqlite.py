"""The SQLite download (downloads/data/disclosure-index.sqlite): every table of the data in one file,
updated in place when reports are added or changed instead of made again from all of them.

Each report's share of the file (its row of `reports` with its ranks, its findings, its cells, its rows
of `scores`) has two digests, kept in the table `report_digests`: of its row and scores (which change
with its ranks whenever a report joins its group) and of its record's findings and cells (which change
only with it). An update, in one transaction, deletes the shares whose record changed or whose report
is gone and inserts the new ones, and rewrites only the row and scores of a report whose ranks alone
changed; the coverage and the
`about` table (version, date) are replaced whole when they changed (a row per body and year: small), so
an update that changes nothing leaves the file's bytes as they were. A file made from nothing goes
through the same steps from an empty database, so the two give the same rows (not the same bytes:
an updated file places its rows in other pages and numbers the reports in the order they came).

The file lies in content/, which is kept between deploy runs and is not trusted: it is updated only if
its bytes are those this builder last wrote (their sha256 is kept in a sealed cache under .cache/, see
records.save_cache, with the digest of this code), otherwise it is made again from nothing. The update
is made on a copy, so a build stopped halfway leaves the old file.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from .downloads import (COVERAGE_COLUMNS, SCORE_COLUMNS, About, Prepared, _cells_plan, _columns, cell_columns,
                        rank_columns, report_cells, sql_name)
from .records import files_digest, load_cache, save_cache

_SQL_TYPES = {"integer": "INTEGER", "real": "REAL", "text": "TEXT", "date": "TEXT", "number": "NUMERIC"}


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code that makes the downloads and their columns: a file another version made is made
    again (the page cache's render_version does not cover these modules)."""
    here = Path(__file__).parent
    return files_digest([here / name for name in ("data_files.py", "data_sqlite.py", "downloads.py", "models.py",
                                                  "template.py", "wording.py", "scores.py")])[:16]


def _create(db: sqlite3.Connection) -> None:
    """The tables, views and indexes, and the tables that document the columns (they do not change)."""
    cols = _columns()
    db.execute(f"CREATE TABLE reports (id INTEGER PRIMARY KEY, "
               f"{', '.join(chr(34) + c.name + chr(34) + ' ' + _SQL_TYPES[c.type] for c in cols)})")
    db.execute("CREATE TABLE findings (report_id INTEGER REFERENCES reports(id), rule TEXT, severity TEXT, "
               "path TEXT, printed REAL, expected REAL, message TEXT)")
    db.execute("CREATE INDEX findings_report ON findings (report_id)")
    # cells: a view joining each report's cell values with the reports and the template's cells, the same
    # rows as the cells CSV without a copy of each body's name and each label per cell (a tenth of the size)
    db.execute("CREATE TABLE template_cells (id INTEGER PRIMARY KEY, path TEXT UNIQUE, label TEXT, column_name TEXT)")
    db.executemany("INSERT INTO template_cells VALUES (?, ?, ?, ?)",
                   [(k, path, label, sql_name(path)) for k, (_, path, label) in enumerate(_cells_plan(), 1)])
    db.execute("CREATE TABLE cell_values (report_id INTEGER REFERENCES reports(id), "
               "cell_id INTEGER REFERENCES template_cells(id), value NUMERIC, status TEXT, "
               "PRIMARY KEY (report_id, cell_id)) WITHOUT ROWID")
    db.execute("CREATE INDEX cell_values_cell ON cell_values (cell_id)")
    db.execute("CREATE VIEW cells AS SELECT v.report_id, r.agency, r.year, t.path, t.label, v.value, v.status "
               "FROM cell_values v JOIN reports r ON r.id = v.report_id JOIN template_cells t ON t.id = v.cell_id")
    db.execute(f"CREATE TABLE scores ({', '.join(f'{chr(34)}{n}{chr(34)} {t.upper()}' for n, t, _ in SCORE_COLUMNS)})")
    db.execute("CREATE INDEX scores_report ON scores (agency, year)")
    db.execute(f"CREATE TABLE coverage ({', '.join(f'{chr(34)}{c.name}{chr(34)} {c.type.upper()}' for c in COVERAGE_COLUMNS)})")
    db.execute("CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE report_digests (report_id INTEGER PRIMARY KEY REFERENCES reports(id), digest TEXT, "
               "record_digest TEXT)")
    db.execute("CREATE TABLE columns (table_name TEXT, name TEXT, type TEXT, description TEXT, "
               "PRIMARY KEY (table_name, name))")
    db.executemany("INSERT INTO columns VALUES (?, ?, ?, ?)",
                   [(table, c.name, c.type, c.description) for table, table_cols in
                    (("reports", cols), ("cells", cell_columns())) for c in table_cols])
    db.execute("CREATE TABLE score_columns (name TEXT PRIMARY KEY, type TEXT, description TEXT)")
    db.executemany("INSERT INTO score_columns VALUES (?, ?, ?)", SCORE_COLUMNS)
    db.execute("CREATE TABLE coverage_columns (name TEXT PRIMARY KEY, type TEXT, description TEXT)")
    db.executemany("INSERT INTO coverage_columns VALUES (?, ?, ?)",
                   [(c.name, c.type, c.description) for c in COVERAGE_COLUMNS])


def _shares(rows: Sequence[Prepared], scores: Sequence[tuple]
            ) -> dict[tuple[str, int], tuple[str, str, Prepared, list]]:
    """Each report's share by (agency, year): (the digest of its row with its ranks and its rows of the
    scores table, the digest of what its record gives: its findings and cells, its row, its rows of
    the scores table). Its ranks change whenever a report joins its group; its cells only with it."""
    at = {c.name: k for k, c in enumerate(_columns())}
    by_report: dict[tuple[str, int], list] = {}
    for s in scores:
        by_report.setdefault((s[0], s[1]), []).append(s)
    out = {}
    for p in rows:
        values = json.loads(p.row)
        key = (values[at["agency"]], values[at["year"]])
        if key in out:  # the pipeline publishes one report per body and year (reports.duplicate)
            raise ValueError(f"two reports of {key[0]} for {key[1]} in the downloads")
        own = by_report.get(key, [])
        ranked = hashlib.sha256(json.dumps([p.row, own], ensure_ascii=False, default=str).encode()).hexdigest()
        # its cells and findings come from its row's columns but the ranks (report_cells)
        own_columns = values[:len(values) - len(rank_columns())]
        record = hashlib.sha256(json.dumps([own_columns, p.findings], ensure_ascii=False, default=str).encode()).hexdigest()
        out[key] = (ranked, record, p, own)
    return out


def update(db: sqlite3.Connection, rows: Sequence[Prepared], about: About, scores: Sequence[tuple],
           coverage: Sequence[Any]) -> int:
    """Bring a database made by _create (empty, or holding an earlier state) to these reports (their rows
    with ranks), scores (SCORE_COLUMNS rows) and coverage entries, in one transaction; returns the
    number of reports whose share was (re)written. A report whose record changed (or that is new) is
    written whole and gets an id after the largest one the file held; one whose ranks alone changed (a
    report joined its group) keeps its id, findings and cells, and has its row and scores rewritten."""
    want = _shares(rows, scores)
    have = {(agency, year): (rid, ranked, record) for rid, agency, year, ranked, record in db.execute(
        "SELECT r.id, r.agency, r.year, d.digest, d.record_digest FROM reports r "
        "JOIN report_digests d ON d.report_id = r.id")}
    gone = [(rid,) for key, (rid, _, record) in have.items() if key not in want or want[key][1] != record]
    fresh = [key for key in want if key not in have or have[key][2] != want[key][1]]
    ranked = [key for key in want if key in have and have[key][2] == want[key][1] and have[key][1] != want[key][0]]
    first = (db.execute("SELECT MAX(id) FROM reports").fetchone()[0] or 0) + 1  # an id is never given twice
    names = ", ".join(f'"{c.name}"' for c in _columns())
    marks = ", ".join("?" for _ in _columns())
    with db:
        db.executemany("DELETE FROM scores WHERE (agency, year) = (SELECT agency, year FROM reports WHERE id = ?)",
                       gone + [(have[key][0],) for key in ranked])
        for table, column in (("cell_values", "report_id"), ("findings", "report_id"),
                              ("report_digests", "report_id"), ("reports", "id")):
            db.executemany(f"DELETE FROM {table} WHERE {column} = ?", gone)
        db.executemany(f"UPDATE reports SET ({names}) = ({marks}) WHERE id = ?",
                       ((*json.loads(want[key][2].row), have[key][0]) for key in ranked))
        db.executemany("UPDATE report_digests SET digest = ? WHERE report_id = ?",
                       ((want[key][0], have[key][0]) for key in ranked))
        made = [want[key][2] for key in fresh]
        ids = range(first, first + len(made))
        db.executemany(f"INSERT INTO reports (id, {names}) VALUES (?, {marks})",
                       ((rid, *json.loads(p.row)) for rid, p in zip(ids, made)))
        db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
                       ((rid, *f) for rid, p in zip(ids, made) for f in p.findings))
        db.executemany("INSERT INTO cell_values VALUES (?, ?, ?, ?)",
                       ((rid, cell, value, status) for rid, (_, _, _, cells) in zip(ids, report_cells(made))
                        for cell, value, status in cells))
        db.executemany(f"INSERT INTO scores VALUES ({', '.join('?' for _ in SCORE_COLUMNS)})",
                       (s for key in [*fresh, *ranked] for s in want[key][3]))
        db.executemany("INSERT INTO report_digests VALUES (?, ?, ?)",
                       zip(ids, (want[key][0] for key in fresh), (want[key][1] for key in fresh)))
        # the small tables replaced whole, and only when they changed: a file nothing changed keeps its bytes
        rows_now = [tuple(c.get(e) for c in COVERAGE_COLUMNS) for e in coverage]
        if db.execute("SELECT * FROM coverage").fetchall() != rows_now:
            db.execute("DELETE FROM coverage")
            db.executemany(f"INSERT INTO coverage VALUES ({', '.join('?' for _ in COVERAGE_COLUMNS)})", rows_now)
        if dict(db.execute("SELECT key, value FROM about")) != about.fields():
            db.execute("DELETE FROM about")
            db.executemany("INSERT INTO about VALUES (?, ?)", about.fields().items())
    return len(fresh) + len(ranked)


def to_sqlite(rows: Sequence[Prepared], about: About, scores: Sequence[tuple] = (), coverage: Sequence[Any] = (),
              previous: bytes | Path | None = None) -> bytes:
    """The file's bytes: `previous` (a file this code made, its bytes or its path, trusted by the caller)
    updated to these reports, or without it a file made from nothing. rows: the reports' rows with their
    ranks."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.sqlite"
        if isinstance(previous, Path):
            shutil.copyfile(previous, path)  # not read into memory: the file holds every report's cells
        elif previous is not None:
            path.write_bytes(previous)
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode = OFF")  # a copy: a failed update leaves the file it came from
        if previous is None:
            _create(db)
        update(db, rows, about, scores, coverage)
        db.close()
        return path.read_bytes()


def write_sqlite(page: Callable[[str, str, Callable[[], bytes]], None], out: Path, rel: str, key: str,
                 state: Path | None, rows: Sequence[Prepared], about: About, scores: Sequence[tuple],
                 coverage: Sequence[Any]) -> None:
    """Write the file at out/rel through `page` (SiteWriter.page: made only when `key` changed), updating
    the one there when its sha256 is the one sealed in `state` by the build that wrote it with this code,
    else making it from nothing; then seal the new file's sha256 in `state` (None: no cache, always
    made from nothing)."""
    target = out / rel
    kept = load_cache(state) if state is not None else None
    made: list[str] = []

    def make() -> bytes:
        previous = None
        if isinstance(kept, dict) and kept.get("code") == code_version() and target.is_file():
            with open(target, "rb") as f:
                if hashlib.file_digest(f, "sha256").hexdigest() == kept.get("sha256"):
                    previous = target
        data = to_sqlite(rows, about, scores, coverage, previous)
        made.append(hashlib.sha256(data).hexdigest())
        return data

    page(rel, key, make)
    if made and state is not None:
        save_cache(state, {"code": code_version(), "sha256": made[0]})
