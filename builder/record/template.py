"""The national template (国办公开办函〔2021〕30号): its tables, rows, columns and labels, and those
of its 2019 edition (《中华人民共和国政府信息公开工作年度报告格式（试行）》, 国办公开办函〔2019〕60号,
used for the 2019 and 2020 reports and by some bodies later).

This is the one description of the template's structure. The parser finds rows by
these labels, the checks walk these rows, the pages print these labels. `EDITIONS` says which
rows each edition prints; `edition_only` which cells one edition has and the other lacks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# 三、收到和处理政府信息公开申请情况: the applicant columns, in the template's order.
APPLICATION_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
# 四、政府信息公开行政复议、行政诉讼情况: the columns of each of its three parts.
REVIEW_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
TOTAL_INDEX = -1  # the total is the last column of every row of sections 三 and 四


@dataclass(frozen=True)
class Row:
    """One row of a template table.

    path:     where its values live in the record (dots, as in `inferred` paths)
    label:    the template's own label, as the site prints it
    group:    the label of the group the row belongs to ("" for none)
    patterns: regular expressions, tried on the normalised label text, that identify the row
    """

    path: str
    label: str
    group: str
    patterns: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in _compiled(self.patterns))


@lru_cache(maxsize=None)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


def _row(path: str, label: str, group: str, *patterns: str) -> Row:
    return Row(path, label, group, patterns)


_OUT = "applications.outcomes"
# Section 三, the 25 rows in the template's order.
APPLICATION_ROWS: tuple[Row, ...] = (
    _row("applications.new", "一、本年新收政府信息公开申请数量", "", r"本年新收", r"新收.*申请"),
    _row("applications.carried_over", "二、上年结转政府信息公开申请数量", "", r"上年结转"),
    _row(f"{_OUT}.disclosed", "（一）予以公开", "三、本年度办理结果", r"予以公开"),
    _row(f"{_OUT}.partially_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
         "三、本年度办理结果", r"部分公开"),
    _row(f"{_OUT}.withheld.state_secret", "1.属于国家秘密", "（三）不予公开", r"国家秘密"),
    _row(f"{_OUT}.withheld.prohibited_by_law", "2.其他法律行政法规禁止公开", "（三）不予公开",
         r"法律行政法规禁止", r"法规禁止公开"),
    _row(f"{_OUT}.withheld.security_stability", "3.危及“三安全一稳定”", "（三）不予公开",
         r"三安全", r"一稳定", r"危及"),
    _row(f"{_OUT}.withheld.third_party_rights", "4.保护第三方合法权益", "（三）不予公开", r"第三方"),
    _row(f"{_OUT}.withheld.internal_affairs", "5.属于三类内部事务信息", "（三）不予公开", r"内部事务"),
    _row(f"{_OUT}.withheld.process_information", "6.属于四类过程性信息", "（三）不予公开", r"过程性"),
    _row(f"{_OUT}.withheld.enforcement_files", "7.属于行政执法案卷", "（三）不予公开", r"执法案卷"),
    _row(f"{_OUT}.withheld.query_matters", "8.属于行政查询事项", "（三）不予公开", r"查询事项"),
    _row(f"{_OUT}.unable.not_held", "1.本机关不掌握相关政府信息", "（四）无法提供", r"不掌握"),
    _row(f"{_OUT}.unable.needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供",
         r"另行制作", r"没有现成"),
    _row(f"{_OUT}.unable.unclear_after_correction", "3.补正后申请内容仍不明确", "（四）无法提供",
         r"补正后", r"仍不明确"),
    _row(f"{_OUT}.not_processed.petition_complaint", "1.信访举报投诉类申请", "（五）不予处理",
         r"信访", r"举报投诉"),
    _row(f"{_OUT}.not_processed.duplicate", "2.重复申请", "（五）不予处理", r"重复申请"),
    _row(f"{_OUT}.not_processed.publication", "3.要求提供公开出版物", "（五）不予处理", r"出版物"),
    _row(f"{_OUT}.not_processed.mass_repeated", "4.无正当理由大量反复申请", "（五）不予处理",
         r"大量反复"),
    _row(f"{_OUT}.not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理",
         r"确认或重新", r"重新出具"),
    _row(f"{_OUT}.other.no_correction",
         "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理",
         r"逾期不补正", r"不补正"),
    _row(f"{_OUT}.other.unpaid_fee",
         "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理",
         r"收费通知", r"缴纳费用"),
    _row(f"{_OUT}.other.misc", "3.其他", "（六）其他处理", r"^(3)?其他$"),
    _row(f"{_OUT}.total", "（七）总计", "三、本年度办理结果", r"^(七)?总[计记]$", r"^(七)?合计$"),
    _row("applications.carried_forward", "四、结转下年度继续办理", "", r"结转下年"),
)

# Labels in section 三 that head a group of rows and carry no numbers of their own.
APPLICATION_GROUP_PATTERNS = (r"本年度办理结果", r"办理结果$", r"^不予公开$", r"^无法提供$",
                              r"^不予处理$", r"^其他处理$")

# Section 四, the three parts, each a row of REVIEW_COLUMNS.
REVIEW_ROWS: tuple[Row, ...] = (
    _row("review_litigation.review", "行政复议", "", r"行政复议"),
    _row("review_litigation.litigation_direct", "行政诉讼 · 未经复议直接起诉", "行政诉讼", r"直接起诉"),
    _row("review_litigation.litigation_after_review", "行政诉讼 · 复议后起诉", "行政诉讼", r"复议后起诉"),
)


@dataclass(frozen=True)
class Article20Item:
    """One row of section 二 (第二十条): a label and the record fields of its columns."""

    path: str
    label: str
    item: str  # 第二十条第（X）项
    columns: tuple[tuple[str, str], ...]  # (field, column label)
    patterns: tuple[str, ...]

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in _compiled(self.patterns))

    @property
    def paths(self) -> tuple[str, ...]:
        """The record path of each column's cell: the item's path for "", `path.field` for a field, and
        `path` + suffix for a suffix starting with "_" (the 2019 edition's `article20.licensing_previous`)."""
        return tuple(self.path + f if f.startswith("_") else f"{self.path}.{f}" if f else self.path
                     for f, _ in self.columns)


_DOCS = (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
ARTICLE20_ITEMS: tuple[Article20Item, ...] = (
    Article20Item("article20.regulations", "规章", "第二十条第（一）项", _DOCS, (r"^规章$",)),
    Article20Item("article20.normative_documents", "行政规范性文件", "第二十条第（一）项", _DOCS,
                  (r"规范性文件",)),
    Article20Item("article20.licensing", "行政许可", "第二十条第（五）项",
                  (("", "本年处理决定数量"),), (r"^行政许可$",)),
    Article20Item("article20.punishment", "行政处罚", "第二十条第（六）项",
                  (("", "本年处理决定数量"),), (r"^行政处罚$",)),
    Article20Item("article20.enforcement", "行政强制", "第二十条第（六）项",
                  (("", "本年处理决定数量"),), (r"^行政强制$",)),
    Article20Item("article20.fees_10k_yuan", "行政事业性收费", "第二十条第（八）项",
                  (("", "本年收费金额（单位：万元）"),), (r"事业性收费",)),
)


# --- the 2019 edition (国办公开办函〔2019〕60号) ----------------------------------------------
# Its table 二 prints, for 规章 and 规范性文件, 本年新制作/本年新公开/对外公开总数量; for 行政许可, 其他对外
# 管理服务事项, 行政处罚 and 行政强制, 上一年项目数量/本年增减/处理决定数量; for 行政事业性收费, 上一年项目
# 数量/本年增减; and a row 政府集中采购 with 采购项目数量/采购总金额 (第二十条第（九）项). Its 处理决定数量 is
# the 2021 edition's 本年处理决定数量 (same record field); the rest are cells of their own.
_MADE = (("made", "本年新制作数量"), ("published", "本年新公开数量"), ("public_total", "对外公开总数量"))
_ITEMS = (("_previous", "上一年项目数量"), ("_change", "本年增/减"))
ARTICLE20_ITEMS_2019: tuple[Article20Item, ...] = (
    Article20Item("article20.regulations", "规章", "第二十条第（一）项", _MADE, (r"^规章",)),
    Article20Item("article20.normative_documents", "规范性文件", "第二十条第（一）项", _MADE,
                  (r"规范性文件",)),
    Article20Item("article20.licensing", "行政许可", "第二十条第（五）项",
                  _ITEMS + (("", "处理决定数量"),), (r"^行政许可$",)),
    Article20Item("article20.other_services", "其他对外管理服务事项", "第二十条第（五）项",
                  _ITEMS + (("_decisions", "处理决定数量"),), (r"^其他对外管理服务",)),
    Article20Item("article20.punishment", "行政处罚", "第二十条第（六）项",
                  _ITEMS + (("", "处理决定数量"),), (r"^行政处罚$",)),
    Article20Item("article20.enforcement", "行政强制", "第二十条第（六）项",
                  _ITEMS + (("", "处理决定数量"),), (r"^行政强制$",)),
    Article20Item("article20.fees", "行政事业性收费", "第二十条第（八）项", _ITEMS, (r"事业性收费",)),
    Article20Item("article20.procurement", "政府集中采购", "第二十条第（九）项",
                  (("_projects", "采购项目数量"), ("_amount", "采购总金额")), (r"集中采购",)),
)
# cells of table 二 that hold signed numbers (本年增/减: "+2", "-1") and amounts of money (not counts)
SIGNED_SUFFIX = "_change"
AMOUNT_PATHS = ("article20.fees_10k_yuan", "article20.procurement_amount")

# Its table 三 prints （六）其他处理 as one row (the 2021 edition splits it into three).
OTHER_UNDIVIDED = _row(f"{_OUT}.other.undivided", "（六）其他处理", "三、本年度办理结果", r"^其他处理$")
APPLICATION_ROWS_2019: tuple[Row, ...] = tuple(
    OTHER_UNDIVIDED if r.path.endswith(".other.no_correction") else r
    for r in APPLICATION_ROWS if not r.path.startswith(f"{_OUT}.other.") or r.path.endswith(".no_correction"))


@dataclass(frozen=True)
class Edition:
    """One edition of the template: the rows of its tables 二 and 三 (table 四 is the same in both)."""

    key: str          # as the record's `template` says it
    name: str         # as the site names it
    article20: tuple[Article20Item, ...]
    applications: tuple[Row, ...]

    @property
    def cells(self) -> frozenset[str]:
        """The paths of every numeric cell this edition prints."""
        return frozenset([p for item in self.article20 for p in item.paths]
                         + [f"{r.path}[{k}]" for r in self.applications for k in range(7)]
                         + [f"{r.path}[{k}]" for r in REVIEW_ROWS for k in range(5)])


EDITIONS: dict[str, Edition] = {
    "2021": Edition("2021", "2021 年版格式（国办公开办函〔2021〕30号）", ARTICLE20_ITEMS, APPLICATION_ROWS),
    "2019": Edition("2019", "2019 年版格式（国办公开办函〔2019〕60号）", ARTICLE20_ITEMS_2019,
                    APPLICATION_ROWS_2019),
}


@lru_cache(maxsize=None)
@lru_cache(maxsize=None)
def edition_only(key: str) -> frozenset[str]:
    """The cells edition `key` prints and the other edition lacks (not applicable in a record of the other)."""
    others = frozenset().union(*(e.cells for k, e in EDITIONS.items() if k != key))
    return EDITIONS[key].cells - others


@dataclass(frozen=True)
class Section:
    """A numbered section of the report and how its heading reads (`pattern`: its words after any number,
    since a report may number its sections otherwise: 一 … 七 with a section of its own added)."""

    key: str
    numeral: str
    title: str
    pattern: str


# a top-level heading's number: 一、 … 十、 (the template's sections are 一 … 六; some reports add one)
HEADING_NUMBER = r"^[一二三四五六七八九十]{1,2}[、.．]"
_N = HEADING_NUMBER + "?"
SECTIONS: tuple[Section, ...] = (
    Section("overview", "一", "总体情况", _N + r"总体情况"),
    Section("article20", "二", "主动公开政府信息情况", _N + r"主动公开政府信息"),
    Section("applications", "三", "收到和处理政府信息公开申请情况", _N + r"收到和处理"),
    Section("review_litigation", "四", "政府信息公开行政复议、行政诉讼情况",
            _N + r"政府信息公开行政复议|" + _N + r".{0,6}行政复议.{0,4}行政诉讼"),
    Section("problems", "五", "存在的主要问题及改进情况", _N + r"(?:政府信息公开(?:工作)?)?存在(?:的)?(?:主要)?问题"),
    Section("other_matters", "六", "其他需要报告的事项", _N + r"其他需要(?:报告|说明)"),
)
NARRATIVE_SECTIONS = ("overview", "problems", "other_matters")
