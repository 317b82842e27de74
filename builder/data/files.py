"""The downloads as files under downloads/data/: each table split by report year and gzip-compressed
(disclosure-index-cells-2023.csv.gz), the SQLite file holding every table (data_sqlite), the
Frictionless descriptor (datapackage.json, a resource per table whose `path` lists its years' files)
and the record's JSON Schema.

A year's files are made from that year's reports alone (ranks are within a group and year), under a
key of what they are made from: adding a 2023 report writes the 2023 files again and leaves the other
years' bytes as they were. gzip at level 6 without a time stamp: the same rows give the same bytes,
and a file whose bytes did not change is not written (SiteWriter). The data's version and date, which
change with every report, are in datapackage.json, the SQLite file's about table and api/v1/index.json,
not in the yearly files.

The cells table (some two hundred lines per report, 100 MB a year at 10,000 reports) is written in
blocks, so that adding a report costs its block, not its year: a year's file is a multi-member gzip
(RFC 1952: members one after another read as their data joined), a member holding the header line
(alone: a reader that stops after the first member shows a header and no rows, never some rows
silently), then a member per block of consecutive reports (blocks()). The blocks' boundaries are
content-defined, by each report's identity, so a report added changes its own block alone, and a
block's key is a digest of what its lines are made of (its reports' rows without their ranks, which
move for the whole group when a report joins it). The file lies in content/, kept between deploy runs
and not trusted: the unchanged blocks' compressed bytes are copied from it only when its sha256 is
the one sealed beside the SQLite file's state (download-blocks.json, store.sealed.save_cache, with the
index of its blocks: key, offset, length, and the digest of this code), else the file is made from
nothing; the same rows give the same bytes either way. The JSON and reports tables are made whole:
every report's entry holds its ranks, which move for most of a group when a report joins it, so their
blocks would nearly all change.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import downloads
from .sqlite import code_version, write_sqlite
from .downloads import COVERAGE_COLUMNS, SCORE_COLUMNS, About, Column, Joined, Prepared, Share, own_row, row_identity
from ..store.files import _key
from ..store.sealed import load_cache, save_cache
from ..index.scores import METHOD_VERSION
from ..index.wording import cell_name

FOLDER = "downloads/data"
GZIP_LEVEL = 6  # tables made whole (the cells table at 1,000 reports took 0.34 s to 1.72 MB; level 1: 0.11 s, 2.34 MB)
SQLITE = "disclosure-index.sqlite"


@dataclass(frozen=True)
class Table:
    """A table of the downloads, written as a file per report year."""
    name: str                         # its resource in datapackage.json (and its SQLite table)
    stem: str                         # a year's file is {stem}-{year}{suffix}
    suffix: str
    description: str                  # for the data page, in Chinese
    make: Callable[[Joined], Iterable[bytes]]  # a year's file (uncompressed, in pieces) from that year's rows, scores, coverage
    columns: Sequence[Column] = ()    # for datapackage.json (none: not a table of the package)
    key: tuple[str, ...] = ()         # its primary key
    of_reports: bool = False          # each row belongs to a row of the reports table (a foreign key)
    # a table whose lines are made of each report's own columns (not its ranks) is written in blocks of
    # reports (made_in_blocks): its header line, and a report's lines from its row
    header: Callable[[], bytes] | None = None
    lines: Callable[[Sequence[Prepared]], Iterable[bytes]] | None = None
    title: str = ""                   # its name on the data page, in Chinese

    def file(self, year: int) -> str:
        return f"{self.stem}-{year}{self.suffix}"


TABLES: tuple[Table, ...] = (
    Table("reports", "disclosure-index", ".csv.gz",
          "CSV：每个机关每个年度一行，每个单元格一列，各指标的数值、分子、分母与组内名次",
          lambda j: [downloads.to_csv(j.rows)], downloads.columns(), ("agency", "year"), title="报告表（CSV）"),
    Table("cells", "disclosure-index-cells", ".csv.gz",
          "CSV 长表：每份报告的每个单元格一行（机关、年度、路径、模板名称、数值、状态）",
          lambda j: downloads.cells_csv_chunks(j.rows), downloads.cell_columns(), ("agency", "year", "path"), True,
          downloads.cells_csv_header, downloads.cells_csv_lines, title="单元格长表（CSV）"),
    Table("scores", "disclosure-index-scores", ".csv.gz",
          "CSV 长表：指数得分，每份报告每项指标一行（含分子、分母、区间、名次与名次范围）",
          lambda j: [downloads.scores_csv(j.scores)], [Column(n, t, d, None) for n, t, d in SCORE_COLUMNS],
          ("agency", "year", "indicator"), True, title="得分长表（CSV）"),
    Table("coverage", "coverage", ".csv.gz", "CSV：覆盖与及时性，每个地区、机关、年度一行",
          lambda j: [downloads.coverage_csv(j.coverage)], COVERAGE_COLUMNS, ("region", "body", "year"),
          title="覆盖与及时性（CSV）"),
    Table("json", "disclosure-index", ".json.gz", "JSON：全部记录、核对发现、得分与名次",
          lambda j: [downloads.to_json(j.rows)], title="全部记录（JSON）"),
)

WHOLE: dict[str, str] = {  # the files that are not split by year: name → description
    SQLITE: "SQLite 数据库（全部年度）：reports、cells（单元格长表）、scores（得分长表）、coverage（覆盖与及时性）、"
            "findings、columns、about 等表，可直接用 Datasette 或任何 SQLite 客户端打开",
    "datapackage.json": "Frictionless 数据包描述：各表的列、类型、主键，每个表按年度分成的文件，数据版本、日期与许可",
    "record.schema.json": "记录格式的 JSON Schema（由数据模型生成）",
}


def gz(pieces: Iterable[bytes] | bytes) -> bytes:
    """gzip without a time stamp or a file name, compressed piece by piece as the pieces are made: the
    same bytes in give the same bytes out."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=GZIP_LEVEL, mtime=0) as f:
        for piece in [pieces] if isinstance(pieces, bytes) else pieces:
            f.write(piece)
    return buffer.getvalue()


# A table written in blocks (the cells table): a block ends after a report whose identity's digest is 0
# modulo BLOCK, and each block is a gzip member compressed at BLOCK_LEVEL. Measured on a year of 3,345
# reports (as at 10,000): one gzip stream at level 6, 6.16 MB in 3.1 s; in blocks of 16 at level 7,
# 5.97 MB (201 blocks; at level 6 some 6 % more than one stream: each block starts with no history), and one report
# added in 0.05 s (median of 20). The block that holds a new report averages 2 × BLOCK - 1 reports:
# blocks of 32 are some 3 % smaller and twice as slow to add to.
BLOCK = 16
BLOCK_LEVEL = 7


def blocks(rows: Sequence[Prepared]) -> list[tuple[str, list[Prepared]]]:
    """The rows (a year's, in the table's order) in blocks of consecutive reports, each with its key.
    A block ends after a report whose identity (its row's agency and year) has a sha256 that is 0
    modulo BLOCK: the boundaries depend on the reports at them alone, so a report added, changed or
    removed changes its own block (adding one at a boundary splits a block in two, removing it joins
    two). A block's key is a digest of its reports' own rows (downloads.own_row: without their ranks,
    which change whenever a report joins the group), the code that makes the lines and the zlib and
    level that compress them: the same key, the same compressed bytes."""
    seed = repr((code_version(), zlib.ZLIB_RUNTIME_VERSION, BLOCK_LEVEL)).encode()
    out: list[tuple[str, list[Prepared]]] = []
    digest, block = hashlib.sha256(seed), []
    for n, p in enumerate(rows, 1):
        block.append(p)
        digest.update(own_row(p).encode("utf-8") + b"\n")  # a row is JSON on one line
        if n == len(rows) or _boundary(p):
            out.append((digest.hexdigest(), block))
            digest, block = hashlib.sha256(seed), []
    return out


def _boundary(p: Prepared) -> bool:
    """Whether a block ends after this report: its row begins ["agency",year, (downloads.columns)."""
    end = row_identity(p.row)[2]
    return int.from_bytes(hashlib.sha256(p.row[1:end].encode("utf-8")).digest()[:8], "big") % BLOCK == 0


def member(data: bytes) -> bytes:
    """One gzip member (RFC 1952) of these bytes, without a time stamp or a file name: a file of such
    members one after another reads as their data joined (Python's gzip, zcat, pandas, frictionless)."""
    return gzip.compress(data, BLOCK_LEVEL, mtime=0)


Index = list[tuple[str, int, int]]  # a file's blocks: (key, offset, length of its gzip member)


def in_blocks(header: bytes, made: Sequence[tuple[str, Callable[[], bytes]]],
              old: tuple[bytes, Index] | None = None) -> tuple[bytes, Index]:
    """A multi-member gzip file: a member holding `header`, then a member per block (key, its bytes
    uncompressed); a block whose key `old` (a file's bytes and its index) holds is copied from it,
    the others compressed. Returns the file's bytes and its index."""
    have = {key: (at, length) for key, at, length in old[1]} if old else {}
    parts, index = [member(header)], []
    at = len(parts[0])
    for key, make in made:
        if key in have:
            start, length = have[key]
            part = old[0][start:start + length]
        else:
            part = member(make())
        parts.append(part)
        index.append((key, at, len(part)))
        at += len(part)
    return b"".join(parts), index


def made_in_blocks(target: Path, rel: str, t: Table, rows: Sequence[Prepared], kept: dict[str, Any]) -> bytes:
    """A year's file of a table written in blocks (t.header, t.lines; rows: its reports in order): made
    from the blocks of the file at `target` when its sha256 is the one `kept` (rel → [sha256, index],
    sealed by the build that wrote it) holds, else from nothing; adding a report compresses its block
    alone. The same rows give the same bytes either way. `kept` is updated with the file made."""
    header, lines = t.header, t.lines
    if header is None or lines is None:
        raise ValueError(f"the table {t.name} is not written in blocks")
    old = None
    entry = kept.get(rel)
    if entry is not None and target.is_file():
        data = target.read_bytes()
        if hashlib.sha256(data).hexdigest() == entry[0]:
            old = (data, [(key, at, length) for key, at, length in entry[1]])
    data, index = in_blocks(header(), [(key, lambda b=b: b"".join(lines(b))) for key, b in blocks(rows)], old)
    kept[rel] = [hashlib.sha256(data).hexdigest(), index]
    return data


@dataclass
class Written:
    """What the data page lists: each year's files by table (name, size in bytes), and the whole files."""
    years: dict[int, dict[str, tuple[str, int]]]
    whole: list[tuple[str, str, int]]


def write_downloads(page: Callable[[str, str, Callable[[], bytes]], None], out: Path, state: Path | None,
                    shares: Sequence[Share], coverage: Sequence[Any], about: About) -> Written:
    """Write every download through `page` (SiteWriter.page: a file is made only when its key changed).
    shares: each report's (downloads.Share), in the tables' order: a year's files are keyed by its
    reports' rank_key, and only a year whose files are made again has its rows with ranks and its
    scores made; coverage: coverage.Entry; state: the SQLite file's sealed state
    (data_sqlite.write_sqlite); the indexes of the files written in blocks are sealed beside it
    (download-blocks.json; None: no cache, those files made from nothing)."""
    by_year: dict[int, list[Share]] = {}
    for s in shares:
        by_year.setdefault(s.year, []).append(s)
    covered: dict[int, list[Any]] = {}
    shown = [repr(e) for e in coverage]  # what the coverage files are made from
    by_shown: dict[int, list[str]] = {}
    for e, text in zip(coverage, shown):  # a year the registries list may have no report yet
        covered.setdefault(e.year, []).append(e)
        by_shown.setdefault(e.year, []).append(text)
    years: dict[int, dict[str, tuple[str, int]]] = {}
    sealed = state and state.with_name("download-blocks.json")  # the files written in blocks: their indexes
    kept = load_cache(sealed) if sealed is not None else None
    files: dict[str, Any] = kept["files"] if isinstance(kept, dict) and kept.get("code") == code_version() else {}
    before = dict(files)
    for year in sorted(by_year.keys() | covered.keys()):
        made: list[Joined] = []  # the year's rows with ranks and scores, made by the first of its files made

        def joined(year: int = year, made: list[Joined] = made) -> Joined:
            if not made:
                mine = by_year.get(year, [])
                made.append(Joined([s.ranked() for s in mine], [r for s in mine for r in s.scores()],
                                   covered.get(year, [])))
            return made[0]

        reported = year in by_year
        for t in TABLES:
            if t.name == "coverage" and year not in covered or t.name != "coverage" and not reported:
                continue
            made_of = by_shown[year] if t.name == "coverage" else [s.rank_key for s in by_year[year]]
            rel = f"{FOLDER}/{t.file(year)}"
            page(rel, _key(code_version(), t.name, year, made_of),
                 lambda t=t, joined=joined, rel=rel: made_in_blocks(out / rel, rel, t, joined().rows, files)
                 if t.lines is not None else gz(t.make(joined())))
            years.setdefault(year, {})[t.name] = (t.file(year), (out / rel).stat().st_size)
    made_files = {f"{FOLDER}/{name}" for y in years.values() for name, _ in y.values()}
    files = {rel: entry for rel, entry in files.items() if rel in made_files}  # a year gone: its index too
    if sealed is not None and files != before:
        save_cache(sealed, {"code": code_version(), "files": files})
    whole_key = _key(code_version(), about, [s.rank_key for s in shares], shown)
    write_sqlite(page, out, f"{FOLDER}/{SQLITE}", whole_key, state, shares, about, coverage)
    page(f"{FOLDER}/datapackage.json", _key(code_version(), about, sorted(
        (y, sorted(name for name, _ in files.values())) for y, files in years.items())),
         lambda: datapackage(about, years))
    page(f"{FOLDER}/record.schema.json", _key(code_version(), "schema"), downloads.schema_json)
    return Written(years, [(name, description, (out / FOLDER / name).stat().st_size)
                           for name, description in WHOLE.items()])


_FRICTIONLESS_TYPES = {"integer": "integer", "real": "number", "text": "string", "date": "date", "number": "number"}


def datapackage(about: About, years: dict[int, dict[str, tuple[str, int]]]) -> bytes:
    """datapackage.json (Frictionless Data Package v1): a tabular resource per table, its `path` the list
    of its years' gzip-compressed CSV files (a multipart resource: each file has the header row, which
    readers skip after the first), their columns and keys, the data's version, date and license;
    generated from the same column definitions as the files. A table with no file yet is left out."""
    def resource(t: Table) -> dict | None:
        paths = [files[t.name][0] for _, files in sorted(years.items()) if t.name in files]
        if not paths or not t.columns:
            return None
        schema: dict[str, Any] = {
            "fields": [{"name": c.name, "type": _FRICTIONLESS_TYPES[c.type], "description": c.description,
                        **({"title": cell_name(c.path)} if c.path else {})} for c in t.columns],
            "missingValues": [""], "primaryKey": list(t.key)}
        if t.of_reports and any("reports" in files for files in years.values()):
            schema["foreignKeys"] = [{"fields": ["agency", "year"],
                                      "reference": {"resource": "reports", "fields": ["agency", "year"]}}]
        return {"name": t.name, "path": paths, "profile": "tabular-data-resource", "format": "csv",
                "compression": "gz", "mediatype": "text/csv", "encoding": "utf-8-sig", "schema": schema}

    descriptor = {
        "profile": "tabular-data-package", "name": "disclosure-index", "title": downloads.TITLE,
        "description": "各级政府机关政府信息公开工作年度报告（国办公开办函〔2021〕30号模板）的数字，逐份报告、逐个单元格，"
                       "每个单元格标明状态。每个表按报告年度分成 gzip 压缩的 CSV 文件（path 列出各年度的文件，"
                       "每个文件都有表头）；全部年度的各表另见 SQLite 文件 disclosure-index.sqlite。",
        "version": about.version, "method_version": METHOD_VERSION,
        "created": f"{about.date}T00:00:00Z" if about.date else None,
        "licenses": [downloads.LICENSE], "citation": about.citation(),
        "keywords": ["政府信息公开", "年度报告", "open government"],
        "resources": [r for r in (resource(t) for t in TABLES) if r],
    }
    if descriptor["created"] is None:
        del descriptor["created"]
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
