"""The transparency index: its indicators, their formulas, directions, minimum sizes, weights and
treatment of missing data, and the publication deadlines it holds reports to.

This module is the one definition: the scores are computed from it, and the methodology page
(方法说明) is generated from it, so the two cannot drift apart. builder/index/standing.py ranks reports
by these scores (rank ranges, sensitivity to the weights, peer quartiles).

Every indicator of a report has a status:
- scored: it counts in the overall score and is ranked;
- small: a rate whose denominator is below MIN_N: shown with its n, neither scored nor ranked;
- not_applicable: the printed figures say it does not apply (no request handled, no case decided);
- missing: a cell it needs is blank or unread: the report's overall score is not computed and the
  report is not ranked (missing data never helps, OVERALL_RULE).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..record.characters import name_key
from .bodies import Claims, FormerName, body_id, id_problem, name_adapter, parse_former_names
from ..record.checks import equations
from ..record.models import Record, get_path, iter_cells

METHOD_VERSION = "2.1"
CHANGELOG: tuple[tuple[str, str], ...] = (
    ("1.0", "首版：完整性、内部一致性、及时性、公开率、复议诉讼维持率；缺失指标不计入总分。"),
    ("2.0", "“复议诉讼维持率”（1 − 结果纠正 ÷ 总计，含尚未审结）改为“纠正率”（结果纠正 ÷ 已审结，越低越好）；"
            "每个比率给出分子、分母与 95% Wilson 区间，分母小于最小样本量的比率只显示、不计分、不排名；"
            "总分要求每项适用的指标齐全，否则不排名并说明原因；内部一致性改为以全部适用等式为分母"
            "（空白单元格使等式无法核验，计为不成立）；及时性以发布日期（posted_on，其次落款日期 published_on）为证据，"
            "日期不明计 0 分，不优于逾期；排名给出区间无法区分的名次范围、不同权重下的名次范围与组内四分位数。"),
    ("2.1", "公开率：办理结果的“总计”列印为 0 而各类申请人列或各项办理结果有办结的申请时，表内矛盾，公开率记为缺失（报告不排名并写明原因），"
            "不再记为“本年没有办结的申请”而不适用：印错的 0 不应使报告免于计算公开率。"),
)

# 《中华人民共和国政府信息公开条例》（国令第711号，2019年5月15日起施行）第四十九条
ARTICLE_49 = ("县级以上人民政府部门应当在每年1月31日前向本级政府信息公开工作主管部门提交本行政机关上一年度"
              "政府信息公开工作年度报告并向社会公布。县级以上地方人民政府的政府信息公开工作主管部门应当在每年"
              "3月31日前向社会公布本级政府上一年度政府信息公开工作年度报告。")
# 《中华人民共和国政府信息公开条例》（国令第492号，2008年5月1日起施行）第三十一条：reports for 2008–2018
ARTICLE_31_2007 = "各级行政机关应当在每年3月31日前公布本行政机关的政府信息公开工作年度报告。"
LATE_DAYS_TO_ZERO = 90  # a report this many days late or more scores 0 on timeliness, as does an undated one
MIN_N = 10              # a rate whose denominator is below this is shown but neither scored nor ranked
Z95 = 1.959963984540054  # the normal quantile of a two-sided 95% interval


@dataclass(frozen=True)
class Agency:
    """What the agencies file says of a reporting body (reports/agencies.yaml)."""

    name: str
    region: Optional[str] = None  # e.g. 四川省达州市
    level: Optional[str] = None   # 省级 | 市级 | 县级 | 乡级
    kind: Optional[str] = None    # government (人民政府) | department (政府部门及其他机关)
    id: Optional[str] = None      # its 统一社会信用代码 or an id of ours, when the file gives one (bodies.py)
    former: tuple[FormerName, ...] = ()  # the names it published under before, with their years

    @property
    def body_id(self) -> str:
        """Its stable id: the one given, else derived from the first name it is known by (bodies.body_id)."""
        return body_id(self.name, self.id, self.former)

    @property
    def group(self) -> str:
        """The comparable group it is ranked in."""
        kind = {"government": "人民政府", "department": "部门"}.get(self.kind or "", "机关")
        return f"{self.level or '未分级'}{kind}"


# --- deadlines --------------------------------------------------------------------------------

DEADLINE_RULES = (
    ("2018 年度及以前的报告（原条例第三十一条）", "各级行政机关：次年3月31日前"),
    ("government", "县级以上地方人民政府：次年3月31日前"),
    ("department", "县级以上人民政府部门：次年1月31日前"),
    (None, "机关类别不明：按较宽的次年3月31日计"),
)


def deadline_for(kind: Optional[str], year: int) -> tuple[dt.date, str]:
    """The publication deadline of a body's report for `year` and the rule (Chinese) that gives it.

    kind: "government" | "department" | None (unknown). Reports for 2019 onwards: 条例（国令第711号）
    第四十九条, 31 January of the next year for a department, 31 March for a people's government; a body of
    unknown kind has the later date. Reports for 2018 and before were due under the 2007 条例 第三十一条:
    31 March for every body."""
    if year <= 2018:
        return dt.date(year + 1, 3, 31), "原条例第三十一条：各级行政机关次年3月31日前"
    if kind == "department":
        return dt.date(year + 1, 1, 31), DEADLINE_RULES[2][1]
    if kind == "government":
        return dt.date(year + 1, 3, 31), DEADLINE_RULES[1][1]
    return dt.date(year + 1, 3, 31), DEADLINE_RULES[3][1]


@dataclass(frozen=True)
class Publication:
    """Whether a report was published on time: state "on_time" | "late" | "unknown" (no date at all),
    days_late (>0 when late, 0 on time, None unknown), the deadline and its rule, the date used and which
    field it came from ("posted_on" | "published_on" | None)."""

    state: str
    days_late: Optional[int]
    due: dt.date
    rule: str
    date: Optional[dt.date] = None
    evidence: Optional[str] = None

    @property
    def text(self) -> str:
        """In Chinese, as pages show it: 按期 / 逾期 N 天 / 日期不明."""
        return {"on_time": "按期", "late": f"逾期 {self.days_late} 天", "unknown": "日期不明"}[self.state]


def publication_status(kind: Optional[str], year: int, date: Optional[dt.date],
                       evidence: Optional[str] = None) -> Publication:
    """On time, late by N days, or unknown, for a body of `kind` (see deadline_for) reporting on `year`
    and published on `date` (None: unknown). The coverage registry calls this for reports listed by a
    publisher whose file is not in the repository."""
    due, rule = deadline_for(kind, year)
    if date is None:
        return Publication("unknown", None, due, rule)
    late = (date - due).days
    return Publication("late" if late > 0 else "on_time", max(0, late), due, rule, date, evidence)


def publication(record: Record, agency: Agency) -> Publication:
    """A report's publication against its deadline: the best evidence is the date the publisher posted it
    (source.posted_on), else the date the report prints (source.published_on); neither is unknown."""
    src = record.source
    date, evidence = (src.posted_on, "posted_on") if src.posted_on else (src.published_on, "published_on")
    return publication_status(agency.kind, record.year, date, evidence if date else None)


def deadline(record: Record, agency: Agency) -> tuple[dt.date, str]:
    """The publication deadline (条例第四十九条) of this report and which rule gave it."""
    return deadline_for(agency.kind, record.year)


# --- one indicator of one report ---------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    """One indicator of one report. value: the indicator as named (a rate in %, or timeliness points);
    numerator/denominator: the counts of a rate (None for timeliness); low/high: its 95% Wilson interval
    in % (timeliness: the value itself); status: scored | small | not_applicable | missing; note: why,
    in Chinese (the reason a value is missing, or what a timeliness value rests on)."""

    status: str
    value: Optional[float] = None
    numerator: Optional[float] = None
    denominator: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None
    note: str = ""

    @property
    def scored(self) -> bool:
        return self.status == "scored"

    def to_data(self) -> list:
        return [self.status, self.value, self.numerator, self.denominator, self.low, self.high, self.note]


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion successes/n, in % (0–100); n > 0. (Wilson 1927; for
    n = 0 there is no interval: the caller says the rate does not apply.)"""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def rate(numerator: float, denominator: float) -> Value:
    """A rate in % with its counts and interval; `small` when the denominator is below MIN_N."""
    if denominator <= 0:
        return Value("not_applicable", numerator=numerator, denominator=denominator, note="分母为 0")
    numerator = min(numerator, denominator)  # a report's own imbalance never makes a rate above 100%
    low, high = wilson(numerator, denominator)
    status = "scored" if denominator >= MIN_N else "small"
    return Value(status, 100 * numerator / denominator, numerator, denominator, low, high,
                 "" if status == "scored" else f"分母 {denominator:g} 小于最小样本量 {MIN_N}")


def _cells(record: Record, paths: list[str]) -> tuple[Optional[list], str]:
    """The values at paths, or None and why (Chinese) when one is blank, unread or not applicable."""
    out = []
    for p in paths:
        value = get_path(record, p)
        if value is None:
            return None, {"unread": "未能识别", "not_applicable": "不适用"}.get(record.status(p, value), "未填报")
        out.append(value)
    return out, ""


def _missing(why: str, paths: str) -> Value:
    if why == "不适用":
        return Value("not_applicable", note=f"{paths}标为不适用")
    return Value("missing", note=f"{paths}{why}")


# --- the indicators ----------------------------------------------------------------------------

def _present(record: Record) -> tuple[int, int]:
    """(cells the report printed, cells it could have printed): cells unread by the builder or marked not
    applicable are in neither, so only what the report itself left blank counts against it."""
    excluded = set(record.unread) | set(record.not_applicable)
    # the cells of the report's own template edition (models.iter_cells own=True): a 2019 report is not
    # charged for the 2021 edition's cells, nor a 2021 report for the 2019 edition's
    cells = [(path, v) for path, v in iter_cells(record, own=True) if path not in excluded or path in record.corrected]
    printed = sum(1 for path, v in cells if v is not None and path not in record.inferred)
    return printed, len(cells)


def completeness(record: Record, agency: Agency) -> Value:
    printed, total = _present(record)
    return rate(printed, total)


def consistency(record: Record, agency: Agency) -> Value:
    values = dict(iter_cells(record))
    excluded = (set(record.unread) | set(record.not_applicable)) - set(record.corrected)
    inferred = set(record.inferred)
    applicable = balanced = 0
    for eq in equations(record.applications_edition):  # the arithmetic of the report's own table 三
        paths = eq.paths
        if excluded and not excluded.isdisjoint(paths):
            continue  # a cell the builder could not read, or that does not apply: not the report's doing
        applicable += 1
        vals = [values[p] for p in paths]
        if None in vals or inferred and not inferred.isdisjoint(paths):
            continue  # a blank (or a blank the arithmetic filled) leaves the equation unverified
        balanced += sum(vals[:len(eq.lhs)]) == sum(vals[len(eq.lhs):])
    return rate(balanced, applicable)


UNDATED_NOTE = "日期不明（既无发布日期也无落款日期），计 0 分，不优于逾期"  # a timeliness Value's note when undated
UNDATED_SHOWN = "日期不明，按方法计 0 分"  # what a page prints beside such a 0: unknown is not late
UNDATED_RULE = (
    "日期不明不等于逾期：我们不知道这份报告何时公布。按本方法它的及时性计 0 分（缺少公布的证据不能得分），"
    f"排名等页面在这个 0 旁写明“{UNDATED_SHOWN}”，而不是把它显示成逾期。")


def undated(value: Value) -> bool:
    """Whether a timeliness value is the 0 of a report with no date at all (not a late one)."""
    return value.note == UNDATED_NOTE


def timeliness(record: Record, agency: Agency) -> Value:
    pub = publication(record, agency)
    field_name = {"posted_on": "发布日期", "published_on": "落款日期"}.get(pub.evidence or "", "")
    if pub.state == "unknown":
        return Value("scored", 0.0, low=0.0, high=0.0, note=UNDATED_NOTE)
    points = 100.0 if pub.state == "on_time" else max(0.0, 100 * (1 - pub.days_late / LATE_DAYS_TO_ZERO))
    return Value("scored", points, low=points, high=points,
                 note=f"{pub.text}（{field_name} {pub.date.isoformat()}，期限 {pub.due.isoformat()}）")


def disclosure(record: Record, agency: Agency) -> Value:
    paths = ["applications.outcomes.disclosed[6]", "applications.outcomes.partially_disclosed[6]",
             "applications.outcomes.total[6]"]
    total, _ = _cells(record, paths[2:])
    if total is not None and total[0] == 0:
        # the 总计 column says none were handled: so must the applicant columns of (七) 总计, or the
        # table contradicts itself and a mistaken 0 would spare the report its 公开率
        handled = sum(x for x in (get_path(record, "applications.outcomes.total") or [])[:6] if x)
        if handled:
            return Value("missing", note=f"办理结果总计列印为 0，而各类申请人列共办结 {handled:g} 件：表内矛盾，无法计算")
        # nor may the outcome rows (予以公开, 不予公开, ...) show requests handled, in either column
        rows = [v for p, v in iter_cells(record, own=True) if p.startswith("applications.outcomes.")
                and not p.startswith("applications.outcomes.total[") and v]
        if rows:
            return Value("missing", note="办理结果总计列印为 0，而各项办理结果印有办结的申请：表内矛盾，无法计算")
        _, why = _cells(record, [f"applications.outcomes.total[{k}]" for k in range(6)])
        if why:  # not applicable only when the applicant columns, too, are printed 0
            return _missing(why, "办理结果总计的各类申请人列")
        return Value("not_applicable", numerator=0, denominator=0, note="本年没有办结的申请")
    got, why = _cells(record, paths)
    if got is None:
        return _missing(why, "办理结果的总计列")
    return rate(got[0] + got[1], got[2])


REVIEW_PATHS = ("review_litigation.review", "review_litigation.litigation_direct",
                "review_litigation.litigation_after_review")


def corrected(record: Record, agency: Agency) -> Value:
    got, why = _cells(record, [f"{row}[{c}]" for row in REVIEW_PATHS for c in range(3)])
    if got is None:
        return _missing(why, "行政复议、行政诉讼的结果维持、结果纠正、其他结果")
    decided, corrected_ = sum(got), sum(got[1::3])
    if decided == 0:
        return Value("not_applicable", numerator=0, denominator=0, note="本年没有审结的行政复议、行政诉讼案件")
    return rate(corrected_, decided)


@dataclass(frozen=True)
class Indicator:
    """One indicator: `higher_better` says its direction; `points` turns a value into 0–100 where more is
    better (a rate where less is better counts 100 − rate). `numerator`/`denominator` name a rate's counts
    ("" for timeliness)."""

    key: str
    name: str
    weight: float
    higher_better: bool
    numerator: str
    denominator: str
    formula: str     # in words and record fields, as the methodology page prints it
    missing: str     # when it is missing or does not apply, and what that means
    compute: Callable[[Record, Agency], Value]

    def points(self, x: Optional[float]) -> Optional[float]:
        return None if x is None else (x if self.higher_better else 100 - x)

    def point_interval(self, v: Value) -> tuple[float, float]:
        """The value's interval in points (more is better)."""
        lo, hi = self.points(v.low), self.points(v.high)
        return (lo, hi) if self.higher_better else (hi, lo)

    @property
    def direction(self) -> str:
        return "越高越好" if self.higher_better else "越低越好"


INDICATORS: tuple[Indicator, ...] = (
    Indicator("completeness", "完整性", 0.20, True, "报告印发的数字单元格", "应填数字单元格",
              "报告印发（含人工更正）的数字单元格数 ÷ 模板全部数字单元格数（第二部分 6 项 10 格、第三部分 25 行 × 7 列、"
              "第四部分 15 格，共 200 格；采用 2019 年版格式的报告按该版的单元格计，第二部分 8 项 22 格、第三部分 23 行 × 7 列，"
              "共 198 格，2021 年版独有的单元格不计）× 100。推算值不计为印发；未能识别（unread）和不适用（not_applicable）的单元格"
              "既不计入分子也不计入分母：只有报告本身未填报的单元格扣分，本站未能读取的不算在机关头上。",
              "不会缺失：报告未填报的单元格越多，得分越低。", completeness),
    Indicator("consistency", "内部一致性", 0.25, True, "已核验且成立的等式", "适用的勾稽等式",
              "表内勾稽等式中，所涉单元格全部为报告印发数字、且等式成立的等式数 ÷ 适用的等式数 × 100。等式包括：每行六类申请人之和"
              "等于总计（applications.*[0..5] → [6]），各办理结果之和等于（七）总计，本年新收 + 上年结转 = 办理结果总计 + "
              "结转下年度（每列），行政复议、行政诉讼各部分之和等于总计（2019 年版格式的报告，各办理结果含其单独一行的（六）其他处理）。涉及未能识别或不适用单元格的等式不适用；"
              "涉及空白（含推算值）单元格的等式无法核验，计为不成立：留空不会提高一致性。",
              "不会缺失。", consistency),
    Indicator("timeliness", "及时性", 0.15, True, "", "",
              "以发布日期（source.posted_on，发布平台所示日期）为证据，没有时以报告落款日期（source.published_on），"
              f"对照公布期限（见下文）：按期为 100；逾期按天线性递减，逾期 {LATE_DAYS_TO_ZERO} 天及以上为 0。"
              "两个日期都没有的为“日期不明”，计 0 分：不优于任何逾期的报告。",
              "不会缺失：日期不明计 0 分。", timeliness),
    Indicator("disclosure", "公开率", 0.25, True, "予以公开 + 部分公开", "办理结果总计",
              "（予以公开 + 部分公开）÷ 办理结果总计，均取“总计”列"
              "（applications.outcomes.disclosed[6] + partially_disclosed[6]）÷ outcomes.total[6] × 100。",
              "办理结果总计（“总计”列与各类申请人列）都印为 0 且各项办理结果均无办结的申请时不适用；“总计”列印为 0 而申请人各列"
              "或各项办理结果有办结的申请时，表内矛盾，缺失；相关单元格空白或未能识别时缺失。", disclosure),
    Indicator("corrected", "纠正率", 0.15, False, "结果纠正", "已审结案件",
              "行政复议、未经复议直接起诉、复议后起诉三部分合计：结果纠正 ÷ 已审结（结果维持 + 结果纠正 + 其他结果，"
              "不含尚未审结）× 100，即 review_litigation.*[1] ÷ Σ review_litigation.*[0..2]。"
              "纠正率越低，说明机关的信息公开决定被复议机关或法院纠正得越少；计入总分时按 100 − 纠正率计。",
              "三部分的结果维持、结果纠正、其他结果均印为数字且合计为 0（没有审结的案件）时不适用；其中任何一格空白或未能识别时缺失"
              "（空白不是 0）。",
              corrected),
)


@dataclass(frozen=True)
class Score:
    """A report's indicators (key → Value) and overall score: `overall` 0–100 or None when the report is
    not ranked, `reason` (Chinese) saying why; low/high: the overall's interval (the weighted mean of the
    scored indicators' interval ends, in points)."""

    values: dict[str, Value]
    overall: Optional[float]
    reason: str = ""
    low: Optional[float] = None
    high: Optional[float] = None

    def to_data(self) -> list:
        return [{k: v.to_data() for k, v in self.values.items()}, self.overall, self.reason, self.low, self.high]

    @classmethod
    def from_data(cls, data: list) -> "Score":
        values, overall, reason, low, high = data
        return cls({str(k): Value(*v) for k, v in values.items()}, overall, reason, low, high)


def weighted(values: dict[str, Value], weights: dict[str, float]) -> Optional[float]:
    """The weighted mean of the scored indicators' points (None if none is scored)."""
    parts = [(ind.points(values[ind.key].value), weights[ind.key]) for ind in INDICATORS if values[ind.key].scored]
    total = sum(w for _, w in parts)
    return sum(p * w for p, w in parts) / total if total else None


BASE_WEIGHTS = {ind.key: ind.weight for ind in INDICATORS}


def score(record: Record, agency: Agency) -> Score:
    """The report's indicators and overall score (OVERALL_RULE)."""
    values = {ind.key: ind.compute(record, agency) for ind in INDICATORS}
    missing = [f"{ind.name}（{values[ind.key].note}）" for ind in INDICATORS if values[ind.key].status == "missing"]
    if missing:
        return Score(values, None, "缺少指标：" + "；".join(missing))
    overall = weighted(values, BASE_WEIGHTS)
    if overall is None:
        return Score(values, None, "没有可计分的指标")
    ends = [(ind.point_interval(values[ind.key]), ind.weight) for ind in INDICATORS if values[ind.key].scored]
    total = sum(w for _, w in ends)
    return Score(values, overall, "", sum(lo * w for (lo, _), w in ends) / total,
                 sum(hi * w for (_, hi), w in ends) / total)


OVERALL_RULE = (
    "总分为计分指标得分的加权平均（“越低越好”的指标按 100 − 数值计入）。只要有一项适用的指标缺失（所需单元格空白或未能识别），"
    "该报告就没有总分、不参加总分排名，页面写明缺的是哪一项：缺失的数据不会让报告得分更高或排名更前。"
    f"分母小于最小样本量（{MIN_N}）的比率只显示、不计分；报告的数字表明不适用的指标（如没有办结的申请、没有审结的案件）"
    "也不计分。这两种情况下该指标的权重不计入分母，其余指标按原权重加权平均。")
def basis(s: Score) -> Optional[tuple[int, int]]:
    """How many indicators a report's overall score rests on (those scored), of how many the index has;
    None when it has no overall score."""
    if s.overall is None:
        return None
    return sum(v.scored for v in s.values.values()), len(INDICATORS)


def basis_text(s: Score) -> str:
    """The basis as pages print it after the overall score: （3/5 项）; "" without an overall score."""
    b = basis(s)
    return f"（{b[0]}/{b[1]} 项）" if b else ""


BASIS_RULE = (
    f"每个总分后注明它依据的指标数，如“100.0（3/{len(INDICATORS)} 项）”：{len(INDICATORS)} 项指标中有 3 项计分、计入总分，"
    "其余的不适用（如本年没有办结的申请、没有审结的案件）或样本过小，不计入。依据的指标越少，总分说明的越少："
    f"一份没有收到任何申请的报告可能只凭完整性、内部一致性与及时性得到 100.0 分，它与依据全部 {len(INDICATORS)} 项得到的 100.0 分"
    "名次相同，含义并不相同。")
MISSING_RULE = (
    "缺失数据不占便宜：把报告中任何一个印发的数字去掉（改为空白），该报告的任何一项得分、总分和排名都不会因此提高。"
    "完整性的分母固定，去掉数字只会减少分子；内部一致性的分母是全部适用等式，空白使等式无法核验、计为不成立；"
    "及时性中日期不明计 0 分；公开率、纠正率所需单元格空白时缺失，报告即不参加总分排名。")


AGENCY_KINDS = ("government", "department")
AGENCY_LEVELS = ("省级", "市级", "县级", "乡级")
AGENCY_KEYS = ("region", "level", "kind", "id", "former_names")


class Agencies(dict):
    """The agencies file as present name → Agency. A record names its body as the report prints it;
    the file may spell the same name with other widths or spacing (（ and (, a stray space): a name is
    found under any spelling with the same `characters.name_key`, and a former name (Agency.former) finds
    its body: `resolve` by the report's year, `agencies[name]` and `get` when one body ever held it."""

    def __init__(self, entries: dict[str, "Agency"]):
        super().__init__(entries)
        self._by_key = {name_key(k): v for k, v in entries.items()}
        self.claims = Claims((k, v.former) for k, v in entries.items())

    def resolve(self, name: str, year: Optional[int] = None) -> Optional["Agency"]:
        """The body that published under `name` in `year` (bodies.Claims.resolve), None if none is known."""
        body = self.claims.resolve(name, year)
        return None if body is None else self._by_key[name_key(body)]

    def __missing__(self, name: str) -> "Agency":
        found = self.resolve(name)
        if found is None:
            raise KeyError(name)
        return found

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[name]
        except KeyError:
            return default


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

    from ..record.files import load_yaml, node_line, shown, unsafe_file, yaml_problem

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
            name_adapter().validate_python(name)
        except ValueError as exc:
            raise wrong("the name is not a valid agency name: " + "; ".join(
                e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None
        info = info if info is not None else {}
        if not isinstance(info, dict):
            raise wrong(f"expected region, level ({'/'.join(AGENCY_LEVELS)}) and kind ({'/'.join(AGENCY_KINDS)}), "
                        f"got {str(info)[:100]!r}")
        former, problems = parse_former_names(info["former_names"]) if "former_names" in info else ([], [])
        if problems:
            raise wrong(problems[0][1], *problems[0][0])
        if info.get("id") is not None and id_problem(info["id"]):
            raise wrong(f"id: {id_problem(info['id'])}", "id")
        for key, value in info.items():
            allowed = {"level": AGENCY_LEVELS, "kind": AGENCY_KINDS}.get(key)
            if key not in AGENCY_KEYS:
                raise wrong(f"unknown key {str(key)[:40]!r} (expected {', '.join(AGENCY_KEYS)})", key)
            if value is None or key in ("id", "former_names"):
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
        out[name] = Agency(name, info.get("region"), info.get("level"), info.get("kind"), info.get("id"),
                           tuple(former))
    agencies = Agencies(out)
    for body, former, what in agencies.claims.overlaps():
        raise AgenciesError(shown(p), node_line(text, (body, "former_names", out[body].former.index(former))),
                            f"entry {body[:100]!r}: {what}")
    ids: dict[str, str] = {}
    for name, agency in out.items():
        other = ids.setdefault(agency.body_id, name)
        if other != name:
            raise AgenciesError(shown(p), node_line(text, (name,)), f"entry {name[:100]!r}: its id {agency.body_id} is "
                                f"also {other!r}'s{'' if agency.id else ' (both are first known by one name: give one of them an id of its own)'}")
    return agencies


NO_REGION = "未注明地区"
