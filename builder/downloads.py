"""The data set as downloads: CSV (one row per agency-year, every cell a column), JSON, SQLite and
the JSON Schema, all derived from the records and their column documentation, never written twice."""
from __future__ import annotations

import csv
import io
import json
import math
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from .models import MAX_COUNT, Finding, Record, iter_cells, json_schema
from .scores import INDICATORS, Agency, Score
from .wording import cell_name


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # integer | real | text
    description: str
    get: Callable[["Row"], Any] | None  # None for a record cell: read by its path


@dataclass(frozen=True)
class Row:
    record: Record
    agency: Agency
    score: Score
    findings: tuple[Finding, ...]


def columns() -> list[Column]:
    """Every column of the table, documented; the cells follow the template's order."""
    cols = [
        Column("agency", "text", "报告机关（报告所署名称）", lambda r: r.record.agency),
        Column("year", "integer", "报告年度（报告所统计的年度）", lambda r: r.record.year),
        Column("region", "text", "地区（机关名录 reports/agencies.yaml）", lambda r: r.agency.region),
        Column("level", "text", "行政层级（省级、市级、县级、乡级）", lambda r: r.agency.level),
        Column("kind", "text", "机关类别：government 人民政府，department 部门及其他机关", lambda r: r.agency.kind),
        Column("published_on", "text", "报告落款的发布日期（YYYY-MM-DD），未印为空",
               lambda r: r.record.source.published_on.isoformat() if r.record.source.published_on else None),
        Column("source_path", "text", "源文件在仓库中的路径", lambda r: r.record.source.path),
        Column("source_sha256", "text", "源文件的 SHA-256", lambda r: r.record.source.sha256),
        Column("source_format", "text", "源文件格式：text、html、pdf、pdf-ocr、docx", lambda r: r.record.source.format),
    ]
    sample = Record.model_construct()
    for path, _ in iter_cells(sample):
        kind = "real" if path.endswith("fees_10k_yuan") else "integer"
        cols.append(Column(path, kind, cell_name(path) + "（为空时见 unread、not_applicable：否则为报告未填报）", None))
    cols += [
        Column("inferred", "text", "推算出的单元格路径，以分号分隔（报告空白、由勾稽关系唯一确定）",
               lambda r: ";".join(r.record.inferred)),
        Column("corrected", "text", "人工更正的单元格路径，以分号分隔", lambda r: ";".join(r.record.corrected)),
        Column("unread", "text", "未能识别的单元格路径，以分号分隔（报告可能印有数字，但未能可靠读取或定位；值为空）",
               lambda r: ";".join(r.record.unread)),
        Column("not_applicable", "text", "不适用的单元格路径，以分号分隔（报告标明不适用，或所用模板无此项；值为空）",
               lambda r: ";".join(r.record.not_applicable)),
        Column("template", "text", "报告所用模板版本：2021（国办公开办函〔2021〕30号）或 2019", lambda r: r.record.template),
        Column("findings", "integer", "核对问题（warning 与 error）的数量",
               lambda r: sum(f.severity != "info" for f in r.findings)),
    ]
    for ind in INDICATORS:
        cols.append(Column(f"score_{ind.key}", "real", f"指标“{ind.name}”得分（0–100），缺失为空",
                           lambda r, k=ind.key: _round(r.score.values[k])))
    cols.append(Column("score_overall", "real", "总分（0–100），缺失为空", lambda r: _round(r.score.overall)))
    return cols


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


@dataclass(frozen=True)
class Prepared:
    """One report's share of every download, made once: the site keeps it in its page cache, so
    adding one report to thousands re-serialises one report, and the files are joined from parts."""
    row: str                      # its row of the table, in columns() order (a JSON array: kept compact)
    csv: str                      # that row as a line of the CSV file
    json: str                     # its entry of the JSON file, on one line
    findings: tuple[tuple, ...]   # (rule, severity, path, printed, expected, message)


@lru_cache(maxsize=1)
def _columns() -> tuple[Column, ...]:
    return tuple(columns())


def prepare(row: Row) -> Prepared:
    cells = dict(iter_cells(row.record))
    values = tuple(cells[c.name] if c.get is None else c.get(row) for c in _columns())
    for c, v in zip(_columns(), values):
        # the record's validation keeps these out; a download never holds what a reader cannot parse
        if isinstance(v, float) and not math.isfinite(v) or isinstance(v, int) and not -MAX_COUNT <= v <= MAX_COUNT:
            raise ValueError(f"{row.record.source.path}: column {c.name}: {v!r} is not a number a download can hold")
    entry = {
        "record": row.record.dump(),
        "agency_info": {"region": row.agency.region, "level": row.agency.level, "kind": row.agency.kind},
        "findings": [f.model_dump(exclude_none=True) for f in row.findings],
        "scores": {**{k: _round(v) for k, v in row.score.values.items()}, "overall": _round(row.score.overall)},
    }
    text = tuple(c.type == "text" for c in _columns())
    return Prepared(json.dumps(values, ensure_ascii=False, separators=(",", ":"), allow_nan=False),
                    _csv_line([csv_text(v) if t else v for v, t in zip(values, text)]),
                    json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=str, allow_nan=False),
                    tuple((f.rule, f.severity, f.path, f.printed, f.expected, f.message) for f in row.findings))


def _prepared(rows: Sequence[Row | Prepared]) -> list[Prepared]:
    return [r if isinstance(r, Prepared) else prepare(r) for r in rows]


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """A text cell of the CSV file that a spreadsheet program would take for a formula (it begins with
    = + - @, a tab or a carriage return) prefixed with ' (OWASP's advice): a body's name in the data
    cannot run anything on a reader's machine. Number columns are left as they are."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA) else value


def _csv_line(values: Sequence[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["" if v is None else v for v in values])
    return buf.getvalue()


def to_csv(rows: Sequence[Row | Prepared]) -> bytes:
    header = _csv_line([c.name for c in _columns()])
    # the BOM lets spreadsheet programs read the Chinese
    return (header + "".join(p.csv for p in _prepared(rows))).encode("utf-8-sig")


def to_json(rows: Sequence[Row | Prepared]) -> bytes:
    """{"schema": 1, "reports": [...]}, one report per line (diffs of the file stay readable)."""
    entries = ",\n".join(p.json for p in _prepared(rows))
    return ('{"schema":1,"reports":[\n' + entries + ("\n" if entries else "") + "]}\n").encode("utf-8")


def to_sqlite(rows: Sequence[Row | Prepared], coverage: Sequence[Any] = ()) -> bytes:
    """The reports, their findings and the coverage (coverage.Entry) as tables, each documented in a table
    of its columns."""
    prepared = _prepared(rows)
    cols = _columns()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.sqlite"
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode = OFF")
        quoted = ", ".join(f'"{c.name}" {c.type.upper()}' for c in cols)
        db.execute(f"CREATE TABLE reports (id INTEGER PRIMARY KEY, {quoted})")
        marks = ", ".join("?" for _ in cols)
        db.executemany(f"INSERT INTO reports ({', '.join(chr(34) + c.name + chr(34) for c in cols)}) "
                       f"VALUES ({marks})", (json.loads(p.row) for p in prepared))
        db.execute("CREATE TABLE findings (report_id INTEGER REFERENCES reports(id), rule TEXT, severity TEXT, "
                   "path TEXT, printed REAL, expected REAL, message TEXT)")
        db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
                       ((k + 1, *f) for k, p in enumerate(prepared) for f in p.findings))
        db.execute("CREATE TABLE columns (name TEXT PRIMARY KEY, type TEXT, description TEXT)")
        db.executemany("INSERT INTO columns VALUES (?, ?, ?)", [(c.name, c.type, c.description) for c in cols])
        quoted = ", ".join(f'"{c.name}" {c.type.upper()}' for c in COVERAGE_COLUMNS)
        db.execute(f"CREATE TABLE coverage ({quoted})")
        db.executemany(f"INSERT INTO coverage VALUES ({', '.join('?' for _ in COVERAGE_COLUMNS)})",
                       ([c.get(e) for c in COVERAGE_COLUMNS] for e in coverage))
        db.execute("CREATE TABLE coverage_columns (name TEXT PRIMARY KEY, type TEXT, description TEXT)")
        db.executemany("INSERT INTO coverage_columns VALUES (?, ?, ?)",
                       [(c.name, c.type, c.description) for c in COVERAGE_COLUMNS])
        db.commit()
        db.close()
        return path.read_bytes()


def _iso(d: Any) -> str | None:
    return d.isoformat() if d else None


# the coverage table (builder/coverage.py): one row per region, body and year a body is expected to report in
COVERAGE_COLUMNS: tuple[Column, ...] = (
    Column("region", "text", "地区（报告登记表 reports/registry/，否则机关名录）", lambda e: e.region),
    Column("body", "text", "机关（登记表中的全称；登记表未列的，为报告所署名称）", lambda e: e.body),
    Column("kind", "text", "机关类别：government 人民政府（次年3月31日前公布），department 部门及其他机关"
                           "（次年1月31日前公布），空为不明", lambda e: e.kind),
    Column("year", "integer", "报告年度", lambda e: e.year),
    Column("state", "text", "report 本库已收录；listed 发布机关已公布、本库未收录；missing 未找到", lambda e: e.state),
    Column("report_page", "text", "本站的报告页（state 为 report 时）",
           lambda e: e.page.removesuffix(".md") + "/" if e.page else None),
    Column("url", "text", "发布机关公布的原文地址（已知时）", lambda e: e.url),
    Column("listed_as", "text", "发布机关列表中的名称（与 body 不同时）", lambda e: e.listed_as),
    Column("template", "text", "登记表所记的模板：2021、2019、pre-2019（2019 年前的自由格式）、no-text（无正文）",
           lambda e: e.template),
    Column("status", "text", "登记表状态：archived 原页面已存档；listed-only 仅见于列表", lambda e: e.status),
    Column("listings", "integer", "发布机关列出的次数（0 为未列出；多于 1 次时取最早的发布日期）", lambda e: e.listings),
    Column("date", "text", "公布日期（YYYY-MM-DD）：依次取记录的 posted_on、登记表的发布日期、报告落款日期",
           lambda e: _iso(e.date)),
    Column("evidence", "text", "公布日期的依据：posted_on、registry 或 published_on；空为日期不明", lambda e: e.evidence),
    Column("due", "text", "条例第四十九条的公布期限（YYYY-MM-DD）", lambda e: _iso(e.due)),
    Column("late_days", "integer", "逾期天数（0 为按期；空为日期不明或未找到）", lambda e: e.late_days),
    Column("timeliness", "text", "on_time 按期；late 逾期；unknown 日期不明；空为未找到", lambda e: e.timeliness),
)


def coverage_csv(coverage: Sequence[Any]) -> bytes:
    """The coverage table as CSV (UTF-8 with BOM), one row per region, body and year."""
    lines = [_csv_line([c.name for c in COVERAGE_COLUMNS])]
    lines += [_csv_line([csv_text(c.get(e)) for c in COVERAGE_COLUMNS]) for e in coverage]
    return "".join(lines).encode("utf-8-sig")


def schema_json() -> bytes:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2).encode("utf-8")


FILES: dict[str, tuple[str, Callable[..., bytes]]] = {  # each made by make(rows, coverage)
    "disclosure-index.csv": ("CSV：每个机关每个年度一行，每个单元格一列（UTF-8，带 BOM）",
                             lambda rows, coverage=(): to_csv(rows)),
    "disclosure-index.json": ("JSON：全部记录、核对发现与得分", lambda rows, coverage=(): to_json(rows)),
    "disclosure-index.sqlite": ("SQLite 数据库：reports、findings、columns、coverage、coverage_columns 五张表", to_sqlite),
    "coverage.csv": ("CSV：覆盖与及时性，每个地区、机关、年度一行（UTF-8，带 BOM）",
                     lambda rows, coverage=(): coverage_csv(coverage)),
    "record.schema.json": ("记录格式的 JSON Schema（由数据模型生成）", lambda rows, coverage=(): schema_json()),
}
