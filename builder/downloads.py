"""The data set as downloads: CSV (one row per agency-year, every cell a column), JSON, SQLite and
the JSON Schema, all derived from the records and their column documentation, never written twice."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .models import Finding, Record, iter_cells, json_schema
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
        cols.append(Column(path, kind, cell_name(path) + "（报告未印为空）", None))
    cols += [
        Column("inferred", "text", "推算出的单元格路径，以分号分隔（报告空白、由勾稽关系唯一确定）",
               lambda r: ";".join(r.record.inferred)),
        Column("corrected", "text", "人工更正的单元格路径，以分号分隔", lambda r: ";".join(r.record.corrected)),
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


def table(rows: list[Row]) -> tuple[list[Column], list[list[Any]]]:
    cols = columns()
    out = []
    for row in rows:
        cells = dict(iter_cells(row.record))
        out.append([cells[c.name] if c.get is None else c.get(row) for c in cols])
    return cols, out


def to_csv(rows: list[Row]) -> bytes:
    cols, data = table(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.name for c in cols])
    for values in data:
        w.writerow(["" if v is None else v for v in values])
    return buf.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read the Chinese


def to_json(rows: list[Row]) -> bytes:
    payload = {
        "schema": 1,
        "reports": [{
            "record": r.record.dump(),
            "agency_info": {"region": r.agency.region, "level": r.agency.level, "kind": r.agency.kind},
            "findings": [f.model_dump(exclude_none=True) for f in r.findings],
            "scores": {**{k: _round(v) for k, v in r.score.values.items()}, "overall": _round(r.score.overall)},
        } for r in rows],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


def to_sqlite(rows: list[Row]) -> bytes:
    cols, data = table(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.sqlite"
        db = sqlite3.connect(path)
        quoted = ", ".join(f'"{c.name}" {c.type.upper()}' for c in cols)
        db.execute(f"CREATE TABLE reports (id INTEGER PRIMARY KEY, {quoted})")
        marks = ", ".join("?" for _ in cols)
        db.executemany(f"INSERT INTO reports ({', '.join(chr(34) + c.name + chr(34) for c in cols)}) "
                       f"VALUES ({marks})", data)
        db.execute("CREATE TABLE findings (report_id INTEGER REFERENCES reports(id), rule TEXT, severity TEXT, "
                   "path TEXT, printed REAL, expected REAL, message TEXT)")
        db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)", [
            (k + 1, f.rule, f.severity, f.path, f.printed, f.expected, f.message)
            for k, r in enumerate(rows) for f in r.findings])
        db.execute("CREATE TABLE columns (name TEXT PRIMARY KEY, type TEXT, description TEXT)")
        db.executemany("INSERT INTO columns VALUES (?, ?, ?)", [(c.name, c.type, c.description) for c in cols])
        db.commit()
        db.execute("VACUUM")
        db.close()
        return path.read_bytes()


def schema_json() -> bytes:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2).encode("utf-8")


FILES: dict[str, tuple[str, Callable[[list[Row]], bytes]]] = {
    "disclosure-index.csv": ("CSV：每个机关每个年度一行，每个单元格一列（UTF-8，带 BOM）", to_csv),
    "disclosure-index.json": ("JSON：全部记录、核对发现与得分", to_json),
    "disclosure-index.sqlite": ("SQLite 数据库：reports、findings、columns 三张表", to_sqlite),
    "record.schema.json": ("记录格式的 JSON Schema（由数据模型生成）", lambda rows: schema_json()),
}
