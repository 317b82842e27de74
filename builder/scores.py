"""The transparency index: its indicators, their formulas, weights and treatment of missing data.

This module is the one definition: the scores are computed from it, and the methodology page
(方法说明) is generated from it, so the two cannot drift apart. Every indicator scores 0–100 or
is missing (None); a missing indicator is never a 0. The overall score is the weighted mean of
the indicators a report has, with the weights of the missing ones left out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Optional

from .characters import name_key
from .checks import equations
from .models import Record, iter_cells

# 《中华人民共和国政府信息公开条例》（国令第711号）第四十九条
ARTICLE_49 = ("县级以上人民政府部门应当在每年1月31日前向本级政府信息公开工作主管部门提交本行政机关上一年度"
              "政府信息公开工作年度报告并向社会公布。县级以上地方人民政府的政府信息公开工作主管部门应当在每年"
              "3月31日前向社会公布本级政府上一年度政府信息公开工作年度报告。")
LATE_DAYS_TO_ZERO = 90  # a report this many days late or more scores 0 on timeliness


@dataclass(frozen=True)
class Agency:
    """What the agencies file says of a reporting body (reports/agencies.yaml)."""

    name: str
    region: Optional[str] = None  # e.g. 四川省达州市
    level: Optional[str] = None   # 省级 | 市级 | 县级 | 乡级
    kind: Optional[str] = None    # government (人民政府) | department (政府部门及其他机关)

    @property
    def group(self) -> str:
        """The comparable group it is ranked in."""
        kind = {"government": "人民政府", "department": "部门"}.get(self.kind or "", "机关")
        return f"{self.level or '未分级'}{kind}"


def deadline(record: Record, agency: Agency) -> tuple[dt.date, str]:
    """The publication deadline (条例第四十九条) and which rule gave it."""
    if agency.kind == "government":
        return dt.date(record.year + 1, 3, 31), "县级以上地方人民政府：次年3月31日前"
    if agency.kind == "department":
        return dt.date(record.year + 1, 1, 31), "县级以上人民政府部门：次年1月31日前"
    return dt.date(record.year + 1, 3, 31), "机关类别不明：按较宽的次年3月31日计"


def _present(record: Record) -> tuple[int, int]:
    """(cells the report printed, cells it could have printed): cells unread by the builder or marked not
    applicable are in neither, so only what the report itself left blank counts against it."""
    excluded = set(record.unread) | set(record.not_applicable)
    # the cells of the report's own template edition (models.iter_cells own=True): a 2019 report is not
    # charged for the 2021 edition's cells, nor a 2021 report for the 2019 edition's
    cells = [(path, v) for path, v in iter_cells(record, own=True) if path not in excluded or path in record.corrected]
    printed = sum(1 for path, v in cells if v is not None and path not in record.inferred)
    return printed, len(cells)


def completeness(record: Record, agency: Agency) -> Optional[float]:
    printed, total = _present(record)
    return 100 * printed / total if total else None


def consistency(record: Record, agency: Agency) -> Optional[float]:
    values = dict(iter_cells(record))
    checked = balanced = 0
    for eq in equations(record.template):  # the arithmetic of the report's own edition
        vals = [values[p] for p in eq.paths]
        if any(v is None for v in vals) or any(p in record.inferred for p in eq.paths):
            continue  # an equation with a blank or inferred cell tests nothing the report printed
        checked += 1
        balanced += sum(vals[:len(eq.lhs)]) == sum(vals[len(eq.lhs):])
    return 100 * balanced / checked if checked else None


def timeliness(record: Record, agency: Agency) -> Optional[float]:
    published = record.source.published_on
    if published is None:
        return None
    due, _ = deadline(record, agency)
    late = (published - due).days
    if late <= 0:
        return 100.0
    return max(0.0, 100 * (1 - late / LATE_DAYS_TO_ZERO))


def disclosure(record: Record, agency: Agency) -> Optional[float]:
    o = record.applications.outcomes
    full, part, total = o.disclosed[6], o.partially_disclosed[6], o.total[6]
    if None in (full, part, total) or total == 0:
        return None
    return min(100.0, 100 * (full + part) / total)


def upheld(record: Record, agency: Agency) -> Optional[float]:
    rl = record.review_litigation
    rows = (rl.review, rl.litigation_direct, rl.litigation_after_review)
    if any(r[1] is None or r[4] is None for r in rows):
        return None
    cases = sum(r[4] for r in rows)
    if cases == 0:
        return None
    return max(0.0, 100 * (1 - sum(r[1] for r in rows) / cases))


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    weight: float
    formula: str   # in words and record fields, as the methodology page prints it
    missing: str   # when the indicator is missing, and what that means
    compute: Callable[[Record, Agency], Optional[float]]


INDICATORS: tuple[Indicator, ...] = (
    Indicator("completeness", "完整性", 0.20,
              "报告印发（含人工更正）的数字单元格数 ÷ 模板全部数字单元格数（第二部分 6 项 10 格、第三部分 25 行 × 7 列、"
              "第四部分 15 格，共 200 格；采用 2019 年版格式的报告按该版的单元格计，第二部分 8 项 22 格、第三部分 23 行 × 7 列，"
              "共 198 格，2021 年版独有的单元格不计）× 100。推算值不计为印发；未能识别（unread）和不适用（not_applicable）的单元格"
              "既不计入分子也不计入分母：只有报告本身未填报的单元格扣分，本站未能读取的不算在机关头上。",
              "全部单元格均未能识别或不适用时缺失；此外不会缺失：一份报告未填报的单元格越多，得分越低。", completeness),
    Indicator("consistency", "内部一致性", 0.25,
              "表内勾稽关系中，所涉单元格全部为报告印发数字的那些等式里，成立的等式所占比例 × 100。等式包括：每行六类申请人之和等于"
              "总计（applications.*[0..5] → [6]），各办理结果之和等于（七）总计，本年新收 + 上年结转 = 办理结果总计 + 结转下年度"
              "（每列），行政复议、行政诉讼各部分之和等于总计（2019 年版格式的报告，各办理结果含其单独一行的（六）其他处理）。",
              "没有任何一个等式可以检验（相关单元格空白或为推算值）时缺失。", consistency),
    Indicator("timeliness", "及时性", 0.15,
              "以报告落款日期（source.published_on）对照条例第四十九条的公布期限：按期为 100；逾期按天线性递减，"
              f"逾期 {LATE_DAYS_TO_ZERO} 天及以上为 0。",
              "报告未印日期时缺失：无法判断是否按期，不等于逾期。", timeliness),
    Indicator("disclosure", "公开率", 0.25,
              "（予以公开 + 部分公开）÷ 办理结果总计，均取“总计”列"
              "（applications.outcomes.disclosed[6] + partially_disclosed[6]）÷ outcomes.total[6] × 100。",
              "本年没有办结的申请（总计为 0）或相关单元格空白时缺失。", disclosure),
    Indicator("upheld", "复议诉讼维持率", 0.15,
              "1 − 结果纠正件数 ÷ 案件总数，合计行政复议、未经复议直接起诉、复议后起诉三部分"
              "（review_litigation.*[1] ÷ review_litigation.*[4]），× 100。",
              "本年没有行政复议和行政诉讼案件，或相关单元格空白时缺失。", upheld),
)


@dataclass(frozen=True)
class Score:
    values: dict[str, Optional[float]]
    overall: Optional[float]


def score(record: Record, agency: Agency) -> Score:
    values = {ind.key: ind.compute(record, agency) for ind in INDICATORS}
    weights = {ind.key: ind.weight for ind in INDICATORS if values[ind.key] is not None}
    if not weights:
        return Score(values, None)
    overall = sum(values[k] * w for k, w in weights.items()) / sum(weights.values())
    return Score(values, overall)


OVERALL_RULE = ("总分为报告已有各项指标得分的加权平均：缺失的指标不计入，其权重也不计入分母。"
                "所有指标均缺失时，总分缺失。排名在可比组（同一行政层级、同一机关类别）内按同一年度进行；"
                "得分缺失的报告不参加该项排名，显示为“缺失”，而不是 0 分。")


AGENCY_KINDS = ("government", "department")
AGENCY_LEVELS = ("省级", "市级", "县级", "乡级")


class Agencies(dict):
    """The agencies file as printed name → Agency. A record names its body as the report prints it;
    the file may spell the same name with other widths or spacing (（ and (, a stray space): a name is
    found under any spelling with the same `characters.name_key`."""

    def __init__(self, entries: dict[str, "Agency"]):
        super().__init__(entries)
        self._by_key = {name_key(k): v for k, v in entries.items()}

    def __missing__(self, name: str) -> "Agency":
        try:
            return self._by_key[name_key(name)]
        except KeyError:
            raise KeyError(name) from None

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[name]
        except KeyError:
            return default


@lru_cache(maxsize=1)
def _name_adapter() -> Any:
    from pydantic import TypeAdapter

    from .models import Name
    return TypeAdapter(Name)


class AgenciesError(ValueError):
    """The agencies file is wrong: `str()` is `FILE:LINE: what`, line and file also as attributes."""

    def __init__(self, file: str, line: int, problem: str):
        self.file, self.line, self.problem = file, line, problem
        super().__init__(f"{file}:{line}: {problem}")


def load_agencies(path) -> dict[str, Agency]:
    """The agencies file (reports/agencies.yaml): name → region, level, kind. AgenciesError (a
    ValueError) names the file, the line and the entry that is wrong."""
    import yaml

    from pathlib import Path

    from .records import load_yaml, node_line, shown, unsafe_file, yaml_problem

    p = Path(path)
    problem = unsafe_file(p)
    if problem:
        raise AgenciesError(shown(p), 1, problem)
    if not p.exists():
        return {}
    try:
        text = p.read_text(encoding="utf-8")
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        file, line, what = yaml_problem(p, exc).split(":", 2)
        raise AgenciesError(file, int(line), what.strip()) from exc
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        raise AgenciesError(shown(p), 1, f"not readable as YAML: {exc}") from exc
    data = data or {}
    if not isinstance(data, dict):
        raise AgenciesError(shown(p), 1, "expected a mapping of agency names to their region, level and kind")
    out: dict[str, Agency] = {}
    keys: dict[str, str] = {}
    for name, info in data.items():
        def wrong(what: str, *loc: str) -> AgenciesError:
            return AgenciesError(shown(p), node_line(text, (name, *loc)), f"entry {str(name)[:100]!r}: {what}")
        if not isinstance(name, str):
            raise wrong(f"the name is not text ({type(name).__name__}); quote it")
        try:
            _name_adapter().validate_python(name)
        except ValueError as exc:
            raise wrong("the name is not a valid agency name: " + "; ".join(
                e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None
        info = info if info is not None else {}
        if not isinstance(info, dict):
            raise wrong(f"expected region, level ({'/'.join(AGENCY_LEVELS)}) and kind ({'/'.join(AGENCY_KINDS)}), "
                        f"got {str(info)[:100]!r}")
        for key, value in info.items():
            allowed = {"level": AGENCY_LEVELS, "kind": AGENCY_KINDS}.get(key)
            if key not in ("region", "level", "kind"):
                raise wrong(f"unknown key {str(key)[:40]!r} (expected region, level and kind)", key)
            if value is None:
                continue
            if allowed is not None and value not in allowed:
                raise wrong(f"{key} must be one of {'/'.join(allowed)}, got {str(value)[:100]!r}", key)
            if not isinstance(value, str) or not value or len(value) > 200 or any(
                    ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
                raise wrong(f"{key} must be a line of text (at most 200 characters, no control characters), "
                            f"got {str(value)[:100]!r}", key)
        twin = keys.setdefault(name_key(name), name)
        if twin != name:
            raise wrong(f"names the same body as {twin!r} (they differ only in character widths, spacing or "
                        "invisible characters)")
        out[name] = Agency(name, info.get("region"), info.get("level"), info.get("kind"))
    return Agencies(out)
