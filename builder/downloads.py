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
from .scores import INDICATORS, METHOD_VERSION, Agency, Score
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
        Column("posted_on", "text", "发布平台所示的发布日期（YYYY-MM-DD），及时性的首要依据；没有为空",
               lambda r: r.record.source.posted_on.isoformat() if r.record.source.posted_on else None),
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
        what = "得分（0–100）" if not ind.denominator else f"（%，{ind.direction}）= {ind.numerator} ÷ {ind.denominator}"
        cols += [Column(f"score_{ind.key}", "real", f"指标“{ind.name}”{what}，无数值为空",
                        lambda r, k=ind.key: _round(r.score.values[k].value)),
                 Column(f"{ind.key}_status", "text", f"指标“{ind.name}”的状态：scored 计分，small 分母小于最小样本量，"
                        "not_applicable 不适用，missing 缺失", lambda r, k=ind.key: r.score.values[k].status)]
        if ind.denominator:
            cols += [Column(f"{ind.key}_numerator", "real", f"指标“{ind.name}”的分子：{ind.numerator}",
                            lambda r, k=ind.key: r.score.values[k].numerator),
                     Column(f"{ind.key}_denominator", "real", f"指标“{ind.name}”的分母：{ind.denominator}",
                            lambda r, k=ind.key: r.score.values[k].denominator)]
    cols.append(Column("score_overall", "real", "总分（0–100），不排名时为空", lambda r: _round(r.score.overall)))
    cols.append(Column("not_ranked_reason", "text", "不排名的原因（有总分时为空）", lambda r: r.score.reason or None))
    cols.append(Column("method_version", "text", "指数方法版本（见方法说明的修订记录）", lambda r: METHOD_VERSION))
    return cols


# the long table of scores: one row per report and indicator (and one for the overall score)
SCORE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("agency", "text", "报告机关"),
    ("year", "integer", "报告年度"),
    ("group", "text", "可比组（行政层级 + 机关类别）"),
    ("indicator", "text", "指标键（completeness、consistency、timeliness、disclosure、corrected）或 overall（总分）"),
    ("value", "real", "数值：比率为百分数，及时性与总分为 0–100 的得分；无数值为空"),
    ("numerator", "real", "比率的分子（及时性、总分为空）"),
    ("denominator", "real", "比率的分母（及时性、总分为空）"),
    ("interval_low", "real", "95% 区间下限（比率为 Wilson 区间，总分为各指标区间的加权平均）"),
    ("interval_high", "real", "95% 区间上限"),
    ("status", "text", "scored 计分 | small 分母小于最小样本量 | not_applicable 不适用 | missing 缺失；总分行为 ranked 或 not_ranked"),
    ("rankable", "integer", "1 参加排名，0 不参加"),
    ("rank", "integer", "组内名次（1 为最好，同分同名次）"),
    ("rank_best", "integer", "95% 区间无法区分时的最好名次"),
    ("rank_worst", "integer", "95% 区间无法区分时的最差名次"),
    ("ranked_in_group", "integer", "组内参加该项排名的报告数"),
    ("sensitivity_best", "integer", "总分行：备选权重下的最好名次"),
    ("sensitivity_worst", "integer", "总分行：备选权重下的最差名次"),
    ("note", "text", "说明：缺失、不适用或样本过小的原因，及时性的依据，不排名的原因"),
    ("method_version", "text", "指数方法版本"),
)


def score_rows(agency: str, year: int, group: str, score: Score, standing: Any) -> list[tuple]:
    """A report's rows of the long table of scores (SCORE_COLUMNS), its standing from builder/standing.py."""
    out = []
    for ind in INDICATORS:
        v = score.values[ind.key]
        best, worst = standing.ranges.get(ind.key, (None, None))
        out.append((agency, year, group, ind.key, _round(v.value), v.numerator, v.denominator, _round(v.low),
                    _round(v.high), v.status, int(ind.key in standing.ranks), standing.ranks.get(ind.key), best, worst,
                    standing.ranked.get(ind.key), None, None, v.note or None, METHOD_VERSION))
    best, worst = standing.ranges.get("overall", (None, None))
    sens = standing.sensitivity_range or (None, None)
    out.append((agency, year, group, "overall", _round(score.overall), None, None, _round(score.low),
                _round(score.high), "ranked" if score.overall is not None else "not_ranked",
                int(score.overall is not None), standing.ranks.get("overall"), best, worst,
                standing.ranked.get("overall"), sens[0], sens[1], score.reason or None, METHOD_VERSION))
    return out


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
        "scores": {**{k: {"value": _round(v.value), "numerator": v.numerator, "denominator": v.denominator,
                          "low": _round(v.low), "high": _round(v.high), "status": v.status}
                      for k, v in row.score.values.items()},
                   "overall": _round(row.score.overall), "not_ranked_reason": row.score.reason or None},
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


def scores_csv(score_rows: Sequence[tuple]) -> bytes:
    """The long table of scores (SCORE_COLUMNS) as CSV, with a BOM for spreadsheet programs."""
    lines = [_csv_line([name for name, _, _ in SCORE_COLUMNS])]
    lines += [_csv_line([csv_text(v) for v in row]) for row in score_rows]
    return "".join(lines).encode("utf-8-sig")


def to_csv(rows: Sequence[Row | Prepared]) -> bytes:
    header = _csv_line([c.name for c in _columns()])
    # the BOM lets spreadsheet programs read the Chinese
    return (header + "".join(p.csv for p in _prepared(rows))).encode("utf-8-sig")


def to_json(rows: Sequence[Row | Prepared]) -> bytes:
    """{"schema": 1, "method_version": ..., "reports": [...]}, one report per line (diffs stay readable)."""
    entries = ",\n".join(p.json for p in _prepared(rows))
    return ('{"schema":1,"method_version":' + json.dumps(METHOD_VERSION) + ',"reports":[\n' + entries + ("\n" if entries else "") + "]}\n").encode("utf-8")


def to_sqlite(rows: Sequence[Row | Prepared], score_rows: Sequence[tuple] = ()) -> bytes:
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
        db.execute(f"CREATE TABLE scores ({', '.join(f'{chr(34)}{n}{chr(34)} {t.upper()}' for n, t, _ in SCORE_COLUMNS)})")
        db.executemany(f"INSERT INTO scores VALUES ({', '.join('?' for _ in SCORE_COLUMNS)})", score_rows)
        db.execute("CREATE TABLE columns (name TEXT PRIMARY KEY, type TEXT, description TEXT)")
        db.executemany("INSERT INTO columns VALUES (?, ?, ?)", [(c.name, c.type, c.description) for c in cols])
        db.execute("CREATE TABLE score_columns (name TEXT PRIMARY KEY, type TEXT, description TEXT)")
        db.executemany("INSERT INTO score_columns VALUES (?, ?, ?)", SCORE_COLUMNS)
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('method_version', ?)", (METHOD_VERSION,))
        db.commit()
        db.close()
        return path.read_bytes()


def schema_json() -> bytes:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2).encode("utf-8")


# each file made from (every report's prepared rows, the long table of scores)
FILES: dict[str, tuple[str, Callable[[Sequence[Row | Prepared], Sequence[tuple]], bytes]]] = {
    "disclosure-index.csv": ("CSV：每个机关每个年度一行，每个单元格一列，各指标的数值、分子、分母（UTF-8，带 BOM）",
                             lambda rows, scores: to_csv(rows)),
    "disclosure-index-scores.csv": ("CSV：指数得分长表，每份报告每项指标一行（含分子、分母、区间、名次与名次范围）",
                                    lambda rows, scores: scores_csv(scores)),
    "disclosure-index.json": ("JSON：全部记录、核对发现与得分", lambda rows, scores: to_json(rows)),
    "disclosure-index.sqlite": ("SQLite 数据库：reports、findings、scores（得分长表）、columns、score_columns、meta 六张表",
                                to_sqlite),
    "record.schema.json": ("记录格式的 JSON Schema（由数据模型生成）", lambda rows, scores: schema_json()),
}
