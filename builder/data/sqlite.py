"""The SQLite download (downloads/data/disclosure-index.sqlite): every table of the data in one file,
updated when reports are added or changed instead of made again from all of them.

Each report's share of the file (its row of `reports` with its ranks, its findings, its cells, its rows
of `score_values`) has two keys, hex digests of which the first 32 digits are kept beside the file's
sha256 in its sealed state (not in the file: its bytes depend on the rows alone, so two builds of the
same reports give the same file): its `key`, a digest of what its row but the ranks and its findings
are made from, and its `rank_key`, of what its ranks and rows of the scores table are made from
(downloads.Share). From the site these are the keys it already
has: ReportView.key (page_cache.report_key: the record and findings, which the outcome's key digests,
the agencies file's entry, which gives the region, level, kind and group, and the corrections' commits)
and ReportView.page_key (that key, the table images and links, and the report's standing.Standing:
ranks, rank ranges, how many ranked, quartiles, sensitivity). A report's row is downloads.prepare of
its record, agency entry, score (scores.score of the record and entry) and findings; its ranks and
rows of the scores table are of those and its standing: so whenever a stored row would change, its key
changes with it, given the same code, and a file made by other code (code_version: the modules that
make rows and scores) is made again. The keys cover more than the file holds (a correction's commit,
a table image), which costs a needless rewrite of a share, never a stale one. A caller without keys
(to_sqlite, the tests) gives the shares as made (given()), keyed by digests of their text. A share's
rows are made only when it is written (downloads.Share.ranked, scores), so an update costs about what
changed, not a score row of every report.
An update, in one transaction, deletes the shares whose record changed or whose report is gone and
inserts the new ones, and rewrites only the ranks and scores of a report whose ranks alone changed;
the coverage and the `about` table (version, date) are replaced whole when they changed (a row per
body and year: small). A file made from nothing goes through the same steps from an empty database,
so the two give the same rows (not the same bytes: an updated file places its rows in other pages and
numbers the reports in the order they came). When an update leaves more than a quarter of the file's
pages free (reports removed), the file is vacuumed.

The file's size: a cell is a row of `cell_values` (report_id, cell_id, value, status_id, flagged_by) in
a table without rowid, its status a small integer numbering the `statuses` table (printed is 0, which
SQLite stores in no byte), the rules of the findings that flag it NULL for nearly every cell (a byte of
the row's header), some 14 bytes a cell; the view `cells` joins them back to the body, year, path,
label and status text of the cells CSV. There is no index by cell (it took a quarter of the file):
the view loops over the reports (by the index on agency and year) and looks each one's cells up by
the primary key, so that one cell across all bodies (WHERE path = ?, with or without a year), a
report's cells (WHERE agency = ? AND year = ?) and a status's cells are read without reading every
cell (tests/test_data_sqlite.py keeps these plans). Likewise `scores` is a view: a report's rows of
`score_values` (by report and indicator) with its body, year, group and method version from its row
of `reports`, not a copy of them in each row and an index on them. 2,000 reports of the bench made
17.8 MB before, 9.2 MB now.

The file lies in content/, which is kept between deploy runs and is not trusted: it is updated only if
its bytes are those this builder last wrote (their sha256 is kept in a sealed cache under .cache/, see
store.sealed.save_cache, with the digest of this code), otherwise it is made again from nothing. The update
is made on a copy beside the file (hashed while copied: the file is read once), which then replaces it
(os.replace, SiteWriter.page), so a build stopped halfway leaves the old file; a copy the update left
unchanged is dropped and the file keeps its bytes and time.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .downloads import (CELL_STATUSES, COVERAGE_COLUMNS, SCORE_COLUMNS, About, Prepared, _cells_plan, _columns,
                        Share, cell_columns, own_row, rank_columns, report_cells, row_identity, sql_name)
from ..store.files import files_digest
from ..store.sealed import load_cache, save_cache

_SQL_TYPES = {"integer": "INTEGER", "real": "REAL", "text": "TEXT", "date": "TEXT", "number": "NUMERIC"}


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code that makes the downloads and their columns: a file another version made is made
    again (the page cache's render_version does not cover these modules)."""
    builder = Path(__file__).parent.parent
    return files_digest([builder / name for name in ("data/files.py", "data/sqlite.py", "data/downloads.py",
                                                     "data/statuses.py",
                                                     "record/models.py", "record/template.py", "index/wording.py",
                                                     "index/scores.py", "index/bodies.py")])[:16]


# a scores row (SCORE_COLUMNS) is its report's agency, year, body id and group, its own columns, and the
# method version: score_values holds its own, the view takes the others from the report's row
_SCORE_SHARED = ("agency", "year", "body_id", "peer_group")  # the reports table's columns the view shows
_SCORE_OWN = SCORE_COLUMNS[len(_SCORE_SHARED):-1]
if [n for n, _, _ in SCORE_COLUMNS[:len(_SCORE_SHARED)]] + [SCORE_COLUMNS[-1][0]] != [
        "agency", "year", "body_id", "group", "method_version"]:
    raise ImportError("data_sqlite: the scores view expects SCORE_COLUMNS to begin with agency, year, body_id, "
                      "group and end with method_version")


def _create(db: sqlite3.Connection) -> None:
    """The tables, views and indexes, and the tables that document the columns (they do not change)."""
    cols = _columns()
    db.execute(f"CREATE TABLE reports (id INTEGER PRIMARY KEY, "
               f"{', '.join(chr(34) + c.name + chr(34) + ' ' + _SQL_TYPES[c.type] for c in cols)})")
    db.execute("CREATE UNIQUE INDEX reports_agency_year ON reports (agency, year)")  # a body's report of a year
    db.execute("CREATE TABLE findings (report_id INTEGER REFERENCES reports(id), rule TEXT, severity TEXT, "
               "path TEXT, printed REAL, expected REAL, message TEXT)")
    db.execute("CREATE INDEX findings_report ON findings (report_id)")
    # cells: a view joining each report's cell values with the reports, the template's cells and the
    # statuses, the same rows as the cells CSV without a copy of each body's name, label and status per
    # cell; no index by cell: the view's "one cell across all bodies" looks each report's up by the key
    db.execute("CREATE TABLE template_cells (id INTEGER PRIMARY KEY, path TEXT UNIQUE, label TEXT, column_name TEXT)")
    db.executemany("INSERT INTO template_cells VALUES (?, ?, ?, ?)",
                   [(k, path, label, sql_name(path)) for k, (_, path, label) in enumerate(_cells_plan(), 1)])
    db.execute("CREATE TABLE statuses (id INTEGER PRIMARY KEY, status TEXT UNIQUE, name TEXT)")
    db.executemany("INSERT INTO statuses VALUES (?, ?, ?)", [(k, *s) for k, s in enumerate(CELL_STATUSES)])
    db.execute("CREATE TABLE cell_values (report_id INTEGER REFERENCES reports(id), "
               "cell_id INTEGER REFERENCES template_cells(id), value NUMERIC, "
               "status_id INTEGER REFERENCES statuses(id), flagged_by TEXT, "
               "PRIMARY KEY (report_id, cell_id)) WITHOUT ROWID")
    # CROSS JOIN: the reports are looped over outside their cells (SQLite keeps that order), so that a
    # query by cell looks each report's up by the primary key rather than read every cell (tests/test_data_sqlite.py)
    db.execute("CREATE VIEW cells AS SELECT v.report_id, r.agency, r.year, t.path, t.label, v.value, s.status, "
               "COALESCE(v.flagged_by, '') AS flagged_by "
               "FROM reports r CROSS JOIN cell_values v ON v.report_id = r.id "
               "JOIN template_cells t ON t.id = v.cell_id JOIN statuses s ON s.id = v.status_id")
    # scores: a view of each report's row per indicator with its body, year, group and method version
    # from reports (the same for all its rows), the same columns as the scores CSV
    db.execute(f"CREATE TABLE score_values (report_id INTEGER REFERENCES reports(id), "
               f"{', '.join(f'{chr(34)}{n}{chr(34)} {t.upper()}' for n, t, _ in _SCORE_OWN)}, "
               f"PRIMARY KEY (report_id, indicator)) WITHOUT ROWID")
    db.execute(f"CREATE VIEW scores AS SELECT r.agency, r.year, r.body_id, r.peer_group AS \"group\", "
               f"{', '.join(f'v.{chr(34)}{n}{chr(34)}' for n, _, _ in _SCORE_OWN)}, r.method_version "
               f"FROM reports r CROSS JOIN score_values v ON v.report_id = r.id")
    db.execute(f"CREATE TABLE coverage "
               f"({', '.join(f'{chr(34)}{c.name}{chr(34)} {_SQL_TYPES[c.type]}' for c in COVERAGE_COLUMNS)})")
    db.execute("CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT)")
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


_STATUS_IDS = {status: k for k, (status, _) in enumerate(CELL_STATUSES)}


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class Given:
    """A report's share given as made (its row with its ranks, its rows of the scores table), for a caller
    without the site's keys (to_sqlite, the tests): its keys are digests of the text (given())."""
    agency: str
    year: int
    key: str
    rank_key: str
    row: Prepared
    scored: list[tuple]

    def ranked(self) -> Prepared:
        return self.row

    def scores(self) -> list[tuple]:
        return self.scored


def given(rows: Sequence[Prepared], scores: Sequence[tuple]) -> list[Given]:
    """The reports' rows with their ranks and the scores table's rows as shares, keyed by their text: `key`
    a digest of the row but the ranks and the findings' repr, `rank_key` of the ranks and the report's
    scores rows' repr. The agency and year are read from the row's first two values (downloads.columns)."""
    if [c.name for c in _columns()[:2]] != ["agency", "year"]:
        raise ValueError("data_sqlite: the reports table must begin with agency and year")
    by_report: dict[tuple[str, int], list] = {}
    for s in scores:
        by_report.setdefault((s[0], s[1]), []).append(s)
    out = []
    for p in rows:
        agency, year, _ = row_identity(p.row)
        mine, scored = own_row(p), by_report.get((agency, year), [])
        out.append(Given(agency, year, _digest(mine, repr(p.findings)), _digest(p.row[len(mine):], repr(scored)),
                         p, scored))
    return out


Digests = dict[tuple[str, int], tuple[str, str]]  # (agency, year) → its rank_key and key (32 hex digits)


def update(db: sqlite3.Connection, shares: Sequence[Share | Given], about: About, coverage: Sequence[Any],
           held: Digests) -> Digests:
    """Bring a database made by _create (empty, or holding an earlier state) to these reports' shares
    (downloads.Share, or Given), coverage entries and about, in one transaction; returns the digests of
    the shares it now holds, to be kept for the next update. `held`: those of the shares it held ({} for
    an empty one; a report of the database that `held` lacks is written again). A report whose `key`
    changed (or that is new) is written whole and gets an id after the largest one the file held; one
    whose `rank_key` alone changed (a report joined its group) keeps its id, findings and cells, and has
    its ranks and scores rewritten. Only those shares' rows are made (Share.ranked, Share.scores)."""
    want: dict[tuple[str, int], tuple[str, str, Share | Given]] = {}
    for s in shares:
        if (s.agency, s.year) in want:  # the pipeline publishes one report per body and year (reports.duplicate)
            raise ValueError(f"two reports of {s.agency} for {s.year} in the downloads")
        want[s.agency, s.year] = (s.rank_key[:32], s.key[:32], s)
    have = {(agency, year): (rid, *held.get((agency, year), (None, None)))
            for rid, agency, year in db.execute("SELECT id, agency, year FROM reports")}
    gone = [(rid,) for key, (rid, _, record) in have.items() if key not in want or want[key][1] != record]
    fresh = [key for key in want if key not in have or have[key][2] != want[key][1]]
    ranked = [key for key in want if key in have and have[key][2] == want[key][1] and have[key][1] != want[key][0]]
    first = (db.execute("SELECT MAX(id) FROM reports").fetchone()[0] or 0) + 1  # an id is never given twice
    names = ", ".join(f'"{c.name}"' for c in _columns())
    marks = ", ".join("?" for _ in _columns())
    ranks = ", ".join(f'"{c.name}"' for c in rank_columns())
    at = {c.name: k for k, c in enumerate(_columns())}
    made = {key: (want[key][2].ranked(), want[key][2].scores()) for key in (*fresh, *ranked)}
    with db:
        db.executemany("DELETE FROM score_values WHERE report_id = ?", gone + [(have[key][0],) for key in ranked])
        for table, column in (("cell_values", "report_id"), ("findings", "report_id"), ("reports", "id")):
            db.executemany(f"DELETE FROM {table} WHERE {column} = ?", gone)
        # the rest of its row is its record's, unchanged: only the ranks are read and written (the
        # row's last values: integers or null, without commas)
        db.executemany(f"UPDATE reports SET ({ranks}) = ({', '.join('?' for _ in rank_columns())}) WHERE id = ?",
                       ((*json.loads("[" + made[key][0].row[len(own_row(made[key][0])) + 1:]), have[key][0])
                        for key in ranked))
        ids = range(first, first + len(fresh))

        def parsed() -> Iterator[tuple]:
            for key, rid in zip(fresh, ids):
                row = json.loads(made[key][0].row)
                # the scores view takes these from the report's row
                shared = (*(row[at[name]] for name in _SCORE_SHARED), row[at["method_version"]])
                if any(s[:len(_SCORE_SHARED)] + s[-1:] != shared for s in made[key][1]):
                    raise ValueError(f"{key[0]} {key[1]}: its scores name another group or method than its row")
                yield rid, *row

        db.executemany(f"INSERT INTO reports (id, {names}) VALUES (?, {marks})", parsed())
        db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
                       ((rid, *f) for key, rid in zip(fresh, ids) for f in made[key][0].findings))
        # a cell no finding flags has NULL (no byte) for its rules; the view shows it as "", as the CSV does
        db.executemany("INSERT INTO cell_values VALUES (?, ?, ?, ?, ?)",
                       ((rid, cell, value, _STATUS_IDS[status], rules or None) for rid, (_, _, _, cells)
                        in zip(ids, report_cells([made[key][0] for key in fresh]))
                        for cell, value, status, rules in cells))
        written = [*zip(fresh, ids), *((key, have[key][0]) for key in ranked)]
        db.executemany(f"INSERT INTO score_values VALUES (?, {', '.join('?' for _ in _SCORE_OWN)})",
                       ((rid, *s[len(_SCORE_SHARED):-1]) for key, rid in written for s in made[key][1]))
        # the small tables replaced whole, and only when they changed: a file nothing changed keeps its bytes
        rows_now = [tuple(c.get(e) for c in COVERAGE_COLUMNS) for e in coverage]
        if db.execute("SELECT * FROM coverage").fetchall() != rows_now:
            db.execute("DELETE FROM coverage")
            db.executemany(f"INSERT INTO coverage VALUES ({', '.join('?' for _ in COVERAGE_COLUMNS)})", rows_now)
        if dict(db.execute("SELECT key, value FROM about")) != about.fields():
            db.execute("DELETE FROM about")
            db.executemany("INSERT INTO about VALUES (?, ?)", about.fields().items())
    return {key: (ranked_digest, record) for key, (ranked_digest, record, _) in want.items()}


VACUUM_FREE = 0.25  # the share of a file's pages left free by an update above which it is vacuumed


def _make(path: Path, shares: Sequence[Share | Given], about: About, coverage: Sequence[Any],
          held: Digests | None) -> Digests:
    """Update the database at `path` (a file this code made, whose shares' digests are `held`, or with
    held=None a file to make from nothing) to these reports; vacuumed when more than VACUUM_FREE of its
    pages are then free. Returns the shares' digests (update)."""
    db = sqlite3.connect(path)
    try:
        # a copy no one reads until it is whole: a failed update drops it, so no journal and no syncs
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        if held is None:
            _create(db)
        digests = update(db, shares, about, coverage, held or {})
        free, pages = (db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("freelist_count", "page_count"))
        if free > VACUUM_FREE * pages:
            db.execute("VACUUM")
    finally:
        db.close()
    return digests


def to_sqlite(rows: Sequence[Prepared], about: About, scores: Sequence[tuple] = (),
              coverage: Sequence[Any] = ()) -> bytes:
    """The bytes of a file made from nothing with these reports (their rows with their ranks), scores
    and coverage entries (what write_sqlite writes without a file to update)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.sqlite"
        _make(path, given(rows, scores), about, coverage, None)
        return path.read_bytes()


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _copy(source: Path, to: Path) -> str:
    """Copy a file, reading it once; its sha256 (hex)."""
    digest = hashlib.sha256()
    with open(source, "rb") as f, open(to, "wb") as g:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            g.write(chunk)
    return digest.hexdigest()


def write_sqlite(page: Callable[[str, str, Callable[[], Path]], None], out: Path, rel: str, key: str,
                 state: Path | None, shares: Sequence[Share | Given], about: About, coverage: Sequence[Any]) -> None:
    """Write the file at out/rel through `page` (SiteWriter.page: made only when `key` changed), updating
    a copy of the one there when its sha256 is the one sealed in `state` by the build that wrote it with
    this code, else making it from nothing, beside it; the copy replaces the file unless it holds the
    same bytes (a file made from nothing is compared with the one there when their sizes agree). Then seal the file's sha256 in `state` (None: no cache, always made from nothing). An
    error (or a stop) on the way leaves the file and the seal as they were, and no copy."""
    target = out / rel
    kept = load_cache(state) if state is not None else None
    trusted = kept.get("sha256") if isinstance(kept, dict) and kept.get("code") == code_version() else None
    held: Digests | None = None
    if trusted:
        try:
            held = {(agency, year): (ranked, record) for agency, year, ranked, record in kept["digests"]}
        except (KeyError, TypeError, ValueError):  # not what this builder writes: made from nothing
            trusted = None
    made: list[tuple[str, Digests]] = []

    def make() -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        spare = target.with_name(f".{target.name}.{os.getpid()}.part")  # pruned if a killed build left it
        try:
            spare.unlink(missing_ok=True)
            old = _copy(target, spare) if trusted and target.is_file() else None
            if old is not None and old != trusted:  # altered since this builder wrote it: made again
                spare.unlink()
                old = None
            digests = _make(spare, shares, about, coverage, held if old is not None else None)
            made.append((_sha256(spare), digests))
            if old is None and target.is_file() and target.stat().st_size == spare.stat().st_size:
                old = _sha256(target)  # made from nothing as it was (a build without a cache)
        except BaseException:
            spare.unlink(missing_ok=True)
            raise
        if made[0][0] == old:  # nothing changed: the file keeps its bytes and time
            spare.unlink()
            return target
        return spare

    page(rel, key, make)
    if made and state is not None:
        save_cache(state, {"code": code_version(), "sha256": made[0][0],
                           "digests": [[*key, *digest] for key, digest in made[0][1].items()]})
