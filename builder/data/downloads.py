"""The data set as downloads: the columns and rows of the CSV (one row per agency-year, every cell a
column), the long cells table (one row per cell, with its status), the scores and coverage tables, JSON
and the JSON Schema, all derived from the records and their column documentation, never written twice;
data_files.py writes them as files by year with the Frictionless descriptor, data_sqlite.py the SQLite file.
Every column name is ASCII snake_case (a cell's column is its record path made SQL-friendly:
applications.new[0] → applications_new_0); the Chinese labels are in the documentation."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..record.template import AMOUNT_PATHS
from ..record.models import MAX_COUNT, Finding, Record, applications_edition, iter_cells, json_schema, lacking_cells
from .statuses import cell_status, flags, status_lists  # noqa: F401 (cell_status: the cells' statuses, here too)
from ..index.scores import INDICATORS, METHOD_VERSION, Agency, Score
from ..index.wording import cell_name


@dataclass(frozen=True)
class Column:
    name: str  # ASCII snake_case: a column name any SQL engine or data frame takes unquoted
    type: str  # integer | real | text | date (text YYYY-MM-DD) | number (an integer or a real)
    description: str
    get: Callable[["Row"], Any] | None  # None for a record cell (read by its path), and in cell_columns()
    path: str | None = None  # a record cell's path (applications.new[0]); None for other columns


def sql_name(path: str) -> str:
    """A cell path as a column name: 'applications.outcomes.total[6]' → 'applications_outcomes_total_6'."""
    return path.replace(".", "_").replace("[", "_").replace("]", "")


@dataclass(frozen=True)
class Row:
    record: Record
    agency: Agency
    score: Score
    findings: tuple[Finding, ...]

    @cached_property  # a frozen dataclass's own __dict__: made once, by the first column that reads it
    def listed(self) -> dict[str, str]:
        """The paths each of the reports table's lists holds (status_lists)."""
        return status_lists(self.record)

    @cached_property
    def flagged(self) -> dict[str, list[str]]:
        """The cells the report's findings flag, each with their rules (flags)."""
        return flags(((f.rule, f.severity, f.path) for f in self.findings), self.record.template,
                     lacking_cells(self.record.template, self.record.applications_edition))


# what the body_id columns say (the reports, scores and coverage tables, the JSON): one body under all its names;
# the cells table leaves it out (a join by agency and year gives it): it grew the compressed file by half
BODY_ID = ("机关编号：机关的统一社会信用代码，未知时为本站编号（di- 加 12 位十六进制数字，由机关最早的名称导出）；"
           "机关更名后不变，以曾用名发布的报告与现名的报告编号相同（机关名录 reports/agencies.yaml 的 id 与 former_names）")


def columns() -> list[Column]:
    """Every column of the table, documented; the cells follow the template's order."""
    cols = [
        Column("agency", "text", "报告机关（报告所署名称）", lambda r: r.record.agency),
        Column("year", "integer", "报告年度（报告所统计的年度）", lambda r: r.record.year),
        Column("body_id", "text", BODY_ID, lambda r: r.agency.body_id),
        Column("region", "text", "地区（机关名录 reports/agencies.yaml，其次报告登记表 reports/registry/）", lambda r: r.agency.region),
        Column("level", "text", "行政层级（省级、市级、县级、乡级）", lambda r: r.agency.level),
        Column("kind", "text", "机关类别：government 人民政府，department 部门及其他机关", lambda r: r.agency.kind),
        Column("peer_group", "text", "排名所用的可比组（行政层级与机关类别，如“县级人民政府”）", lambda r: r.agency.group),
        Column("published_on", "date", "报告落款的发布日期（YYYY-MM-DD），未印为空",
               lambda r: _iso(r.record.source.published_on)),
        Column("posted_on", "date", "发布平台所示的发布日期（YYYY-MM-DD），及时性的首要依据；未知为空",
               lambda r: _iso(r.record.source.posted_on)),
        Column("source_path", "text", "源文件在仓库中的路径", lambda r: r.record.source.path),
        Column("source_sha256", "text", "源文件的 SHA-256", lambda r: r.record.source.sha256),
        Column("source_format", "text", "源文件格式：text、html、pdf、pdf-ocr、docx", lambda r: r.record.source.format),
    ]
    sample = Record.model_construct()
    for path, _ in iter_cells(sample):
        kind = "real" if path in AMOUNT_PATHS else "integer"
        cols.append(Column(sql_name(path), kind, f"{cell_name(path)}（记录路径 {path}；为空时见 unread、"
                           "not_applicable（所用模板无此项的也列于此），都未列出即报告未填报；列于 flagged 的为有核对问题的数字）",
                           None, path))
        if path == "article20.procurement_amount":
            cols.append(Column("article20_procurement_amount_unit", "text",
                               "政府集中采购 采购总金额的单位（元 或 万元，报告所印；2019 年版格式）",
                               lambda r: r.record.article20.procurement_amount_unit))
    cols += [
        Column("inferred", "text", "推算出的单元格路径，以分号分隔（报告空白或数字被拆成几段印出、由勾稽关系唯一确定）",
               lambda r: r.listed["inferred"]),
        Column("corrected", "text", "人工更正的单元格路径，以分号分隔", lambda r: r.listed["corrected"]),
        Column("unread", "text", "未能识别的单元格路径，以分号分隔（报告可能印有数字，但未能可靠读取或定位；值为空）",
               lambda r: r.listed["unread"]),
        Column("not_applicable", "text", "不适用的单元格路径，以分号分隔（报告标明不适用，或所用模板无此项：2021 年版报告的"
               "2019 年版独有各列、2019 年版报告的 2021 年版独有各列；值为空）", lambda r: r.listed["not_applicable"]),
        Column("flagged", "text", "有核对问题的单元格路径，以分号分隔：报告印发的数字与本表的勾稽关系矛盾，或无法可靠读取"
               "（数字照报告所印，问题见 findings；单元格长表的 flagged_by 列出各格的核对规则）",
               lambda r: ";".join(r.flagged)),
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
    return cols + rank_columns()


def _iso(date: Any) -> str | None:
    return date.isoformat() if date else None


@dataclass(frozen=True)
class Joined:
    """What the downloads hold besides each report's own rows, made from all the reports (of a year)
    together: the rows with their ranks (with_ranks), the long table of scores (SCORE_COLUMNS rows, ranks
    being relative to a report's group and year) and the coverage (coverage.Entry, one per region, body
    and year)."""
    rows: Sequence[Row | Prepared]
    scores: Sequence[tuple] = ()
    coverage: Sequence[Any] = ()


# the long table of scores: one row per report and indicator (and one for the overall score)
SCORE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("agency", "text", "报告机关"),
    ("year", "integer", "报告年度"),
    ("body_id", "text", BODY_ID),
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


def score_rows(agency: str, year: int, group: str, score: Score, standing: Any, *, body_id: str | None) -> list[tuple]:
    """A report's rows of the long table of scores (SCORE_COLUMNS), its standing from builder/index/standing.py;
    body_id: its row's (the reports table's body_id column, row_body_id)."""
    out = []
    for ind in INDICATORS:
        v = score.values[ind.key]
        best, worst = standing.ranges.get(ind.key, (None, None))
        out.append((agency, year, body_id, group, ind.key, _round(v.value), v.numerator, v.denominator, _round(v.low),
                    _round(v.high), v.status, int(ind.key in standing.ranks), standing.ranks.get(ind.key), best, worst,
                    standing.ranked.get(ind.key), None, None, v.note or None, METHOD_VERSION))
    best, worst = standing.ranges.get("overall", (None, None))
    sens = standing.sensitivity_range or (None, None)
    out.append((agency, year, body_id, group, "overall", _round(score.overall), None, None, _round(score.low),
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


@lru_cache(maxsize=None)
def _at(name: str) -> int:
    """A column's place in the reports table (columns())."""
    return next(k for k, c in enumerate(_columns()) if c.name == name)


def prepare(row: Row) -> Prepared:
    cells = dict(iter_cells(row.record))
    base = _columns()[:-len(rank_columns())]  # the ranks depend on the other reports: see with_ranks()
    values = tuple(cells[c.path] if c.get is None else c.get(row) for c in base) + (None,) * len(rank_columns())
    for c, v in zip(_columns(), values):
        # the record's validation keeps these out; a download never holds what a reader cannot parse
        if isinstance(v, float) and not math.isfinite(v) or isinstance(v, int) and not -MAX_COUNT <= v <= MAX_COUNT:
            raise ValueError(f"{row.record.source.path}: column {c.name}: {v!r} is not a number a download can hold")
    entry = {
        "record": row.record.dump(),
        "agency_info": {"region": row.agency.region, "level": row.agency.level, "kind": row.agency.kind},
        "body_id": values[_at("body_id")],
        "findings": [f.model_dump(exclude_none=True) for f in row.findings],
        "flagged": row.flagged,
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


_DECODER = json.JSONDecoder()


def row_identity(row: str) -> tuple[str, int, int]:
    """A reports row's agency and year (its first two values: columns()) and where they end in its JSON
    text (Prepared.row), read without parsing the whole row."""
    agency, end = _DECODER.raw_decode(row, 1)
    year, end = _DECODER.raw_decode(row, end + 1)
    return agency, year, end


def row_body_id(p: Prepared) -> str:
    """A reports row's body_id (its third value: columns()), read without parsing the whole row."""
    if _at("body_id") != 2:
        raise ValueError("downloads: body_id is expected as the reports table's third column")
    return _DECODER.raw_decode(p.row, row_identity(p.row)[2] + 1)[0]


def own_row(p: Prepared) -> str:
    """A row's JSON array without its rank columns (filled or not): what the report alone gives, which
    another report joining its group does not change (with_ranks)."""
    return p.row[:-1].rsplit(",", _rank_count())[0]


@lru_cache(maxsize=1)
def _rank_count() -> int:
    return len(rank_columns())


def _prepared(rows: Sequence[Row | Prepared]) -> list[Prepared]:
    return [r if isinstance(r, Prepared) else prepare(r) for r in rows]


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """A text cell of the CSV file that a spreadsheet program would take for a formula (it begins with
    = + - @, a tab or a carriage return) prefixed with ' (OWASP's advice): a body's name in the data
    cannot run anything on a reader's machine. Number columns are left as they are."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA) else value


def _csv_line(values: Sequence[Any]) -> str:
    return _csv_lines([values])


def _csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV lines (None as an empty field, as the csv module writes it), by one writer: a file's
    thousands of rows at once."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def scores_csv(score_rows: Sequence[tuple]) -> bytes:
    """The long table of scores (SCORE_COLUMNS) as CSV, with a BOM for spreadsheet programs. Only a text
    column can hold what csv_text guards against: a row whose text columns hold none is written as it is."""
    at = _score_text()
    return _csv_lines([[name for name, _, _ in SCORE_COLUMNS],
                       *(row if not any(isinstance(row[k], str) and row[k].startswith(_FORMULA) for k in at)
                         else [csv_text(v) for v in row] for row in score_rows)]).encode("utf-8-sig")


@lru_cache(maxsize=1)
def _score_text() -> tuple[int, ...]:
    return tuple(k for k, (_, kind, _) in enumerate(SCORE_COLUMNS) if kind == "text")


def to_csv(rows: Sequence[Row | Prepared]) -> bytes:
    """The reports table; its version and date are in datapackage.json (a comment line would break CSV readers)."""
    header = _csv_line([c.name for c in _columns()])
    # the BOM lets spreadsheet programs read the Chinese
    return (header + "".join(p.csv for p in _prepared(rows))).encode("utf-8-sig")


def to_json(rows: Sequence[Row | Prepared]) -> bytes:
    """{"schema": 1, "title", "license", "license_url", "code_license", "method_version", "reports": [...]},
    one report per line (diffs of the file stay readable). The data's version and date are not in it: they
    change with every report added, and a year's file is written again only when its own reports change
    (they are in datapackage.json, the SQLite file's about table and api/v1/index.json)."""
    prepared = _prepared(rows)
    head = json.dumps({"schema": 1, **terms()}, ensure_ascii=False, separators=(",", ":"))[:-1]
    entries = ",\n".join(p.json for p in prepared)
    return (head + ',"reports":[\n' + entries + ("\n" if entries else "") + "]}\n").encode("utf-8")


# the coverage table (builder/index/coverage.py): one row per region, body and year a body is expected to report in
COVERAGE_COLUMNS: tuple[Column, ...] = (
    Column("region", "text", "地区（报告登记表 reports/registry/，否则机关名录）", lambda e: e.region),
    Column("body", "text", "机关（登记表中的全称；登记表未列的，为报告所署名称）", lambda e: e.body),
    Column("body_id", "text", BODY_ID, lambda e: e.body_id or None),
    Column("kind", "text", "机关类别：government 人民政府（次年3月31日前公布），department 部门及其他机关"
                           "（次年1月31日前公布），空为不明", lambda e: e.kind),
    Column("year", "integer", "报告年度", lambda e: e.year),
    Column("state", "text", "report 本库已收录；listed 发布机关已公布、本库未收录；missing 未找到", lambda e: e.state),
    Column("report_page", "text", "本站的报告页（state 为 report 时）",
           lambda e: e.page.removesuffix(".md") + "/" if e.page else None),
    Column("url", "text", "发布机关公布的原文地址（已知时）", lambda e: e.url),
    Column("listed_as", "text", "发布机关列表中的名称，或报告发布时所署的曾用名（与 body 不同时）", lambda e: e.listed_as),
    Column("template", "text", "登记表所记的模板：2021、2019、pre-2019（2019 年前的自由格式）、no-text（无正文）",
           lambda e: e.template),
    Column("status", "text", "登记表状态：archived 原页面已存档；listed-only 仅见于列表", lambda e: e.status),
    Column("listings", "integer", "发布机关列出的次数（0 为未列出；多于 1 次时取最早的发布日期）", lambda e: e.listings),
    Column("date", "date", "公布日期（YYYY-MM-DD）：依次取记录的 posted_on、登记表的发布日期、报告落款日期",
           lambda e: _iso(e.date)),
    Column("evidence", "text", "公布日期的依据：posted_on、registry 或 published_on；空为日期不明", lambda e: e.evidence),
    Column("due", "date", "条例第四十九条的公布期限（YYYY-MM-DD）", lambda e: _iso(e.due)),
    Column("late_days", "integer", "逾期天数（0 为按期；空为日期不明或未找到）", lambda e: e.late_days),
    Column("timeliness", "text", "on_time 按期；late 逾期；unknown 日期不明；空为未找到", lambda e: e.timeliness),
)


def coverage_csv(coverage: Sequence[Any]) -> bytes:
    """The coverage table as CSV (UTF-8 with BOM), one row per region, body and year."""
    return _csv_lines([[c.name for c in COVERAGE_COLUMNS],
                       *([csv_text(c.get(e)) for c in COVERAGE_COLUMNS] for e in coverage)]).encode("utf-8-sig")


def schema_json() -> bytes:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2).encode("utf-8")


# --- group ranks: a report's rank depends on the other reports of its group and year, so its columns
# are filled when the files are joined, not in the report's cached share (prepare() leaves them null)

def rank_columns() -> list[Column]:
    """The last columns of the reports table: the report's rank within its comparable group
    (peer_group) and year, per indicator and overall, as list_pages.group_ranks ranks them."""
    return [*(Column(f"rank_{ind.key}", "integer", f"指标“{ind.name}”在同组（peer_group）同年度中的名次"
                     "（1 为最高，同分同名次；缺失为空）", lambda r: None) for ind in INDICATORS),
            Column("rank_overall", "integer", "总分在同组（peer_group）同年度中的名次（1 为最高，同分同名次；缺失为空）",
                   lambda r: None)]


def with_ranks(rows: Sequence[Prepared], ranks: Sequence[Mapping[str, int]]) -> list[Prepared]:
    """The rows with their rank columns filled: ranks[k] maps an indicator's key (and "overall") to
    row k's rank, as list_pages.group_ranks gives it. The JSON entry gains "ranks"."""
    keys = _rank_keys()
    n, out = len(keys), []
    for p, r in zip(rows, ranks, strict=True):
        if not p.csv.endswith("," * n + "\n"):
            raise ValueError("with_ranks: a row whose ranks are already filled")
        values = [r.get(k) for k in keys]
        out.append(Prepared(ranked_row(p, r),
                            p.csv[:-(n + 1)] + "".join("," + ("" if v is None else str(v)) for v in values) + "\n",
                            p.json[:-1] + ',"ranks":' + json.dumps(dict(zip(keys, values))) + "}", p.findings))
    return out


@lru_cache(maxsize=1)
def _rank_keys() -> tuple[str, ...]:
    return tuple(c.name.removeprefix("rank_") for c in rank_columns())


def ranked_row(p: Prepared, ranks: Mapping[str, int]) -> str:
    """The row's JSON array (Prepared.row, its ranks null) with its rank columns filled, as with_ranks
    fills them (a rank is an integer: its JSON is its str()), without making its CSV line and JSON entry."""
    n = len(_rank_keys())
    if not p.row.endswith(",null" * n + "]"):
        raise ValueError("ranked_row: a row whose ranks are already filled")
    return p.row[:-(5 * n + 1)] + "".join("," + ("null" if v is None else str(v))
                                          for v in (ranks.get(k) for k in _rank_keys())) + "]"


@dataclass(frozen=True)
class Share:
    """One report's share of the downloads as site.build hands it over: its rows with their ranks and its
    rows of the scores table are made only when a file that holds them is made again (the year's files,
    the SQLite rows that changed), not for every report at every build. `key` is a hex digest of what its
    row but the ranks and its findings are made from (page_cache.report_key: the record, findings,
    agencies-file entry, corrections), `rank_key` of that and of its standing (ReportView.page_key):
    what its ranks and rows of the scores table add."""
    agency: str
    year: int
    key: str
    rank_key: str
    prepared: Prepared  # its row without ranks (prepare)
    group: str
    score: Score
    standing: Any       # standing.Standing: ranks, ranges, how many ranked, sensitivity

    def ranked(self) -> Prepared:
        """Its rows with their ranks (with_ranks), made once."""
        return self._ranked

    def scores(self) -> list[tuple]:
        """Its rows of the long table of scores (score_rows), made once."""
        return self._scores

    @cached_property  # a frozen dataclass's own __dict__: made by the first file that needs it
    def _ranked(self) -> Prepared:
        return with_ranks([self.prepared], [self.standing.ranks])[0]

    @cached_property
    def _scores(self) -> list[tuple]:
        return score_rows(self.agency, self.year, self.group, self.score, self.standing,
                          body_id=row_body_id(self.prepared))


# --- the data's license, version and date ------------------------------------------------------------

TITLE = "公开年报指数 / Disclosure Index"
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International（知识共享 署名 4.0 国际）",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
CODE_LICENSE = "MIT"


@dataclass(frozen=True)
class About:
    """The data's version and date, the same in every download. The date is the newest commit of
    reports/ (data_api.data_date), else the newest date a record holds: never the build's clock, so
    that a build is reproducible. The version is that date and a digest of the data's rows."""
    date: str | None  # YYYY-MM-DD, None when no report has a date
    digest: str       # sha256 of every row of the reports table

    @classmethod
    def of(cls, rows: Sequence[Prepared], date: str | None = None) -> "About":
        """From the rows with their ranks (the digest) and the date of reports/' newest commit, if known;
        else the newest date the rows hold (read from their JSON: a caller with the records' dates at
        hand gives newest_date of those)."""
        if date is None:
            at = [k for k, c in enumerate(_columns()) if c.type == "date"]
            date = newest_date(d for p in rows for d in (json.loads(p.row)[k] for k in at))
        return cls.made(date, (p.row for p in rows))

    @classmethod
    def made(cls, date: str | None, rows: Iterable[str]) -> "About":
        """From the date and the rows' JSON arrays with their ranks (Prepared.row, ranked_row), in order."""
        return cls(date, hashlib.sha256("\n".join(rows).encode()).hexdigest())

    @property
    def version(self) -> str:
        return f"{(self.date or '0000-00-00').replace('-', '.')}+{self.digest[:8]}"

    def citation(self) -> str:
        return (f"公开年报指数贡献者：《{TITLE}：政府信息公开工作年度报告数据》，数据版本 {self.version}"
                f"（{self.date or '日期未知'}），CC BY 4.0。")

    def fields(self) -> dict[str, str | None]:
        return {"title": TITLE, "version": self.version, "date": self.date, **terms(), "citation": self.citation()}


def newest_date(dates: Iterable[Any]) -> str | None:
    """The newest of these dates (datetime.date or YYYY-MM-DD; None left out) as YYYY-MM-DD, None if none:
    a record's dates are its source's published_on and posted_on (the reports table's date columns)."""
    return max((d if isinstance(d, str) else d.isoformat() for d in dates if d), default=None)


def terms() -> dict[str, str]:
    """What every download states besides the data's version and date: title, licenses, method version."""
    return {"title": TITLE, "license": LICENSE["name"], "license_url": LICENSE["path"], "code_license": CODE_LICENSE,
            "method_version": METHOD_VERSION}


# --- the long cells table: one row per cell of every report, with its status --------------------

def cell_columns() -> list[Column]:
    """The columns of the cells table (CSV and SQLite), documented."""
    return [
        Column("agency", "text", "报告机关（报告所署名称）", None),
        Column("year", "integer", "报告年度", None),
        Column("path", "text", "单元格在记录中的路径（如 applications.new[0]；其列名形式见 reports 表，如 applications_new_0）", None),
        Column("label", "text", "单元格在模板中的名称（如“一、本年新收政府信息公开申请数量 · 自然人”）", None),
        Column("value", "number", "单元格的数字（印发、推算或人工更正的数字）；空白、不适用、未能识别时为空", None),
        Column("status", "text", "状态：printed 印发；blank 报告未填报；not_applicable 不适用；unread 未能识别（报告可能印有数字，"
                                 "值为空）；inferred 由勾稽关系推算；corrected 人工更正", None),
        Column("flagged_by", "text", "核对问题：指出这一格有问题的核对发现的规则（如 applications.row_total：本行六类申请人"
                                     "之和与“总计”不符），以分号分隔，详见 findings；为空即没有。数字照报告所印，状态不变", None),
    ]


# models.Record.status's six statuses with their Chinese names, in the order the SQLite file numbers them
# (its statuses table: printed is 0, which SQLite stores in no byte at all)
CELL_STATUSES = (("printed", "印发"), ("blank", "未填报"), ("not_applicable", "不适用"), ("unread", "未能识别"),
                 ("inferred", "推算"), ("corrected", "人工更正"))


@lru_cache(maxsize=1)
def _cells_plan() -> tuple[tuple[int, str, str], ...]:
    """(its index in a reports row, path, template label) of every cell, in the template's order."""
    return tuple((k, c.path, cell_name(c.path)) for k, c in enumerate(_columns()) if c.path)


def report_cells(rows: Sequence[Row | Prepared], own: bool = True
                 ) -> Iterator[tuple[int, str, int, list[tuple[int, Any, str, str]]]]:
    """Per report: (its number from 1, agency, year, [(cell number from 1 in the template's order, value,
    status, the rules of the findings that flag it joined by ";" or "")]) for every cell of the report's
    template edition (a 2021 report has the 2021 edition's 200 cells, a 2019 report its own edition's;
    models.lacking_cells), or with own=False of both editions; the status is models.Record.status's, from
    the report's lists of inferred, corrected, unread and not applicable cells, the flags the report page's
    (flags)."""
    at = {c.name: k for k, c in enumerate(_columns())}
    plan = list(enumerate(_cells_plan(), 1))
    index = {path: k for k, path, _ in _cells_plan()}
    for n, p in enumerate(_prepared(rows), 1):
        values = json.loads(p.row)
        lists = {name: [x for x in values[at[name]].split(";") if x]
                 for name in ("inferred", "corrected", "unread", "not_applicable")}
        template = values[at["template"]]
        # as Record.status, by Record's own rule on the lists alone (a Record made by model_construct for
        # it took more time than the cells' statuses did)
        listed = Record.listed_statuses(SimpleNamespace(**lists))
        # the cells its edition lacks, and the （六）其他处理 row or rows its table 三 does not print
        lacking = lacking_cells(template, applications_edition(template, lambda path: values[index[path]], listed.get))
        flagged = {path: ";".join(rules) for path, rules in flags((f[:3] for f in p.findings), template, lacking).items()}
        # a cell its edition lacks is left out, or with own=False not applicable (Record.lacks)
        yield n, values[at["agency"]], values[at["year"]], [
            (cell, values[k], cell_status(listed, lacking, path, values[k]), flagged.get(path, ""))
            for cell, (k, path, _) in plan if not (own and path in lacking)]


@lru_cache(maxsize=1)
def _cells_csv_columns() -> dict[int, str]:
    """Each cell's path and label as the middle of its CSV line (quoted as the csv module would)."""
    out = {}
    for cell, (_, path, label) in enumerate(_cells_plan(), 1):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow([path, label])
        out[cell] = buf.getvalue()
    return out


def cells_csv_header() -> bytes:
    """The cells table's header line, with a UTF-8 byte order mark for spreadsheet programs."""
    return _csv_line([c.name for c in cell_columns()]).encode("utf-8-sig")


def cells_csv_lines(rows: Sequence[Row | Prepared]) -> Iterator[bytes]:
    """The cells table's lines (no header), a piece per report. Written from parts quoted once (a body's
    name once per report, a cell's path and label once), since the table has some two hundred lines per
    report. A report's lines are made of its row's own columns alone, not its ranks (own_row)."""
    middle = _cells_csv_columns()
    for _, agency, year, cells in report_cells(rows):
        head = _csv_line([csv_text(agency), year]).rstrip("\n") + ","
        yield "".join(f"{head}{middle[cell]},{'' if value is None else value},{status},{_field(rules)}\n"
                      for cell, value, status, rules in cells).encode("utf-8")


def _field(text: str) -> str:
    """A text field of a CSV line as the csv module writes it (and csv_text guards it): most are empty."""
    return _csv_line([csv_text(text)]).rstrip("\n") if text else ""


def cells_csv_chunks(rows: Sequence[Row | Prepared]) -> Iterator[bytes]:
    """The long cells table as CSV (cell_columns), in pieces: the header, then each report's lines; in
    pieces, so that a year of thousands of reports is compressed as it is made, never held whole."""
    yield cells_csv_header()
    yield from cells_csv_lines(rows)


def to_cells_csv(rows: Sequence[Row | Prepared]) -> bytes:
    """The long cells table as one CSV file's bytes (cells_csv_chunks joined)."""
    return b"".join(cells_csv_chunks(rows))
