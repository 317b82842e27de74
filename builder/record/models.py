"""The report record (format version 1): the one definition of the public data format.

The JSON Schema (`python -m builder schema`), the YAML records under reports/, and
every download are derived from these models. See shared/record-format.md.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache
from typing import Annotated, Any, Callable, Iterable, Iterator, Literal, Optional, TypeVar, Union

from pydantic import AfterValidator, BeforeValidator, BaseModel, ConfigDict, Field

from .characters import BIDI_CONTROLS, first_invisible

SCHEMA_VERSION = 1

MAX_COUNT = 2 ** 63 - 1  # SQLite's largest integer: a download must hold every number a record holds

Count = Annotated[Optional[int], Field(ge=0, le=MAX_COUNT, strict=True)]
"""A count printed in a table; null where the report leaves the cell blank or illegible. Strict: text
("127"), a boolean or a fraction in a count cell is an error, never converted."""

def _amount(value: Any) -> Any:
    if type(value) is int and value > MAX_COUNT:
        raise ValueError(f"{value} is beyond the largest integer a download can hold ({MAX_COUNT})")
    if value is None or type(value) is int:
        return value
    if type(value) is not float:
        raise ValueError(f"not a number: {str(value)[:40]!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return value


Amount = Annotated[Optional[Union[int, float]], Field(ge=0), BeforeValidator(_amount)]
"""An amount of money: a finite number, never text."""

_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{BIDI_CONTROLS}]")  # and the bidi controls
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # text may hold tabs and line breaks


def _no_control(value: Optional[str]) -> Optional[str]:
    found = _CONTROL.search(value) if value is not None else None
    if found and found.group() in BIDI_CONTROLS:  # it would reorder what is shown around it
        raise ValueError(f"holds a bidi control character (U+{ord(found.group()):04X})")
    if found:
        raise ValueError(f"holds a control character ({found.group()!r})")
    return value


def _url(value: Optional[str]) -> Optional[str]:
    # a bidi control or a character that shows nothing would make the address shown differ from the one opened
    hidden = first_invisible(value) if value is not None else None
    if hidden is not None:
        raise ValueError(f"holds an invisible character (U+{ord(hidden):04X}): the address shown would not be the "
                         "one opened; write it without that character")
    return _no_control(value)


def _text(value: Optional[str]) -> Optional[str]:
    if value is not None and _CONTROL_IN_TEXT.search(value):
        raise ValueError(f"holds a control character ({_CONTROL_IN_TEXT.search(value).group()!r})")
    return value


def _date(value: Any) -> Any:
    if isinstance(value, (int, float)):  # pydantic would read a number as seconds since 1970
        raise ValueError(f"not a date: {value!r} (write YYYY-MM-DD)")
    return value


Date = Annotated[Optional[dt.date], BeforeValidator(_date)]
"""A date, written YYYY-MM-DD; never a number taken for a timestamp."""
PageNumber = Annotated[int, Field(ge=1, le=100_000, strict=True)]
Url = Annotated[str, Field(max_length=2000, pattern=r"^https?://[^\s]+$"), AfterValidator(_url)]
"""A web address, http or https: no whitespace, control character or `characters.invisible` character (a
bidi control would make the address shown differ from the one opened)."""

Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_control)]
"""A one-line name (an agency, a file): no control characters (a line break, NUL), at most 200 characters."""
Text = Annotated[Optional[str], Field(max_length=200_000), AfterValidator(_text)]
"""Prose as printed: line breaks and tabs, no other control characters."""

Change = Annotated[Optional[int], Field(ge=-MAX_COUNT, le=MAX_COUNT, strict=True)]
"""A signed count: the 2019 edition's 本年增/减 (how many items were added, negative for removed)."""

Row7 = Annotated[
    list[Count],
    Field(min_length=7, max_length=7,
          description="自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计"),
]
Row5 = Annotated[
    list[Count],
    Field(min_length=5, max_length=5, description="结果维持, 结果纠正, 其他结果, 尚未审结, 总计"),
]


def _blank7() -> list[Optional[int]]:
    return [None] * 7


def _blank5() -> list[Optional[int]]:
    return [None] * 5


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


class Documents(_Model):
    """规章 or 行政规范性文件 (第二十条第（一）项)."""

    issued: Count = Field(None, description="本年制发件数")
    repealed: Count = Field(None, description="本年废止件数")
    in_force: Count = Field(None, description="现行有效件数")
    # the 2019 edition's columns (absent from a record of the 2021 edition)
    made: Count = Field(None, description="本年新制作数量 (2019 edition)")
    published: Count = Field(None, description="本年新公开数量 (2019 edition)")
    public_total: Count = Field(None, description="对外公开总数量 (2019 edition)")


class Article20(_Model):
    """二、主动公开政府信息情况 (第二十条)."""

    regulations: Documents = Field(default_factory=Documents, description="规章")
    normative_documents: Documents = Field(default_factory=Documents, description="行政规范性文件")
    licensing: Count = Field(None, description="（五）行政许可 本年处理决定数量")
    punishment: Count = Field(None, description="（六）行政处罚 本年处理决定数量")
    enforcement: Count = Field(None, description="（六）行政强制 本年处理决定数量")
    fees_10k_yuan: Amount = Field(None, description="（八）行政事业性收费 本年收费金额（万元）")
    # the 2019 edition's items (absent from a record of the 2021 edition); its 处理决定数量 of 行政许可,
    # 行政处罚 and 行政强制 are licensing, punishment and enforcement above
    licensing_previous: Count = Field(None, description="（五）行政许可 上一年项目数量 (2019 edition)")
    licensing_change: Change = Field(None, description="（五）行政许可 本年增/减 (2019 edition)")
    other_services_previous: Count = Field(None, description="（五）其他对外管理服务事项 上一年项目数量 (2019 edition)")
    other_services_change: Change = Field(None, description="（五）其他对外管理服务事项 本年增/减 (2019 edition)")
    other_services_decisions: Count = Field(None, description="（五）其他对外管理服务事项 处理决定数量 (2019 edition)")
    punishment_previous: Count = Field(None, description="（六）行政处罚 上一年项目数量 (2019 edition)")
    punishment_change: Change = Field(None, description="（六）行政处罚 本年增/减 (2019 edition)")
    enforcement_previous: Count = Field(None, description="（六）行政强制 上一年项目数量 (2019 edition)")
    enforcement_change: Change = Field(None, description="（六）行政强制 本年增/减 (2019 edition)")
    fees_previous: Count = Field(None, description="（八）行政事业性收费 上一年项目数量 (2019 edition)")
    fees_change: Change = Field(None, description="（八）行政事业性收费 本年增/减 (2019 edition)")
    procurement_projects: Count = Field(None, description="（九）政府集中采购 采购项目数量 (2019 edition)")
    procurement_amount: Amount = Field(None, description="（九）政府集中采购 采购总金额, in procurement_amount_unit "
                                                         "(2019 edition)")
    procurement_amount_unit: Optional[Literal["元", "万元"]] = Field(
        None, description="the unit the report prints with 采购总金额 (元 or 万元), null where it prints none "
                          "(2019 edition)")


class Withheld(_Model):
    """（三）不予公开."""

    state_secret: Row7 = Field(default_factory=_blank7, description="1.属于国家秘密")
    prohibited_by_law: Row7 = Field(default_factory=_blank7, description="2.其他法律行政法规禁止公开")
    security_stability: Row7 = Field(default_factory=_blank7, description="3.危及“三安全一稳定”")
    third_party_rights: Row7 = Field(default_factory=_blank7, description="4.保护第三方合法权益")
    internal_affairs: Row7 = Field(default_factory=_blank7, description="5.属于三类内部事务信息")
    process_information: Row7 = Field(default_factory=_blank7, description="6.属于四类过程性信息")
    enforcement_files: Row7 = Field(default_factory=_blank7, description="7.属于行政执法案卷")
    query_matters: Row7 = Field(default_factory=_blank7, description="8.属于行政查询事项")


class Unable(_Model):
    """（四）无法提供."""

    not_held: Row7 = Field(default_factory=_blank7, description="1.本机关不掌握相关政府信息")
    needs_creation: Row7 = Field(default_factory=_blank7, description="2.没有现成信息需要另行制作")
    unclear_after_correction: Row7 = Field(default_factory=_blank7, description="3.补正后申请内容仍不明确")


class NotProcessed(_Model):
    """（五）不予处理."""

    petition_complaint: Row7 = Field(default_factory=_blank7, description="1.信访举报投诉类申请")
    duplicate: Row7 = Field(default_factory=_blank7, description="2.重复申请")
    publication: Row7 = Field(default_factory=_blank7, description="3.要求提供公开出版物")
    mass_repeated: Row7 = Field(default_factory=_blank7, description="4.无正当理由大量反复申请")
    confirmation: Row7 = Field(default_factory=_blank7, description="5.要求行政机关确认或重新出具已获取信息")


class OtherHandling(_Model):
    """（六）其他处理."""

    no_correction: Row7 = Field(default_factory=_blank7, description="1.申请人无正当理由逾期不补正…")
    unpaid_fee: Row7 = Field(default_factory=_blank7, description="2.申请人逾期未按收费通知要求缴纳费用…")
    misc: Row7 = Field(default_factory=_blank7, description="3.其他")
    undivided: Row7 = Field(default_factory=_blank7, description="（六）其他处理, printed as one row (2019 edition; "
                                                                  "absent from a record of the 2021 edition)")


class Outcomes(_Model):
    """三、本年度办理结果."""

    disclosed: Row7 = Field(default_factory=_blank7, description="（一）予以公开")
    partially_disclosed: Row7 = Field(default_factory=_blank7, description="（二）部分公开")
    withheld: Withheld = Field(default_factory=Withheld, description="（三）不予公开")
    unable: Unable = Field(default_factory=Unable, description="（四）无法提供")
    not_processed: NotProcessed = Field(default_factory=NotProcessed, description="（五）不予处理")
    other: OtherHandling = Field(default_factory=OtherHandling, description="（六）其他处理")
    total: Row7 = Field(default_factory=_blank7, description="（七）总计")


class Applications(_Model):
    """三、收到和处理政府信息公开申请情况."""

    new: Row7 = Field(default_factory=_blank7, description="一、本年新收政府信息公开申请数量")
    carried_over: Row7 = Field(default_factory=_blank7, description="二、上年结转政府信息公开申请数量")
    outcomes: Outcomes = Field(default_factory=Outcomes, description="三、本年度办理结果")
    carried_forward: Row7 = Field(default_factory=_blank7, description="四、结转下年度继续办理")


class ReviewLitigation(_Model):
    """四、政府信息公开行政复议、行政诉讼情况."""

    review: Row5 = Field(default_factory=_blank5, description="行政复议")
    litigation_direct: Row5 = Field(default_factory=_blank5, description="行政诉讼 · 未经复议直接起诉")
    litigation_after_review: Row5 = Field(default_factory=_blank5, description="行政诉讼 · 复议后起诉")


class Narrative(_Model):
    """The report's prose sections, as printed."""

    overview: Text = Field(None, description="一、总体情况")
    problems: Text = Field(None, description="五、存在的主要问题及改进情况")
    other_matters: Text = Field(None, description="六、其他需要报告的事项")


SourceFormat = Literal["text", "pdf", "pdf-ocr", "docx", "html"]


class TablePages(_Model):
    """Which pages of the source (1-based) each table was read from."""

    article20: Optional[list[PageNumber]] = Field(None, description="二、主动公开政府信息情况")
    applications: Optional[list[PageNumber]] = Field(None, description="三、收到和处理政府信息公开申请情况")
    review_litigation: Optional[list[PageNumber]] = Field(None, description="四、行政复议、行政诉讼情况")


class Source(_Model):
    path: Annotated[str, Field(max_length=1000), AfterValidator(_no_control)] = Field(
        description="the committed source file, relative to the repository root")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="of the source file's bytes")
    format: SourceFormat
    published_on: Date = Field(None, description="the date the report prints (its signature), "
                                                              "else null")
    posted_on: Date = Field(None, description="the date the publisher posted it (portal page "
                                                           "header, crawler header, or a registry), else null")
    url: Optional[Url] = Field(None, description="where the publisher posted the original, when known")
    pages: Optional[TablePages] = Field(None, description="where the tables are in a paged source "
                                                          "(PDF, DOCX with page breaks); null for text")
    extractor: Optional[str] = Field(None, max_length=200, description="version of the builder's extraction that read it")
    digest: Optional[str] = Field(None, pattern=r"^[0-9a-f]{64}$", description="sha256 of this record as the builder last wrote it "
                                                    "(this field left out): if the record no longer matches, "
                                                    "a person edited it, and nothing they wrote is re-extracted")


# fields of a record besides its cells that a person may correct (listed under `corrected` like cells)
META_PATHS = ("agency", "year", "template", "source.published_on", "source.posted_on", "source.url")

_PATH_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*(\[\d+\])?$")


def _cell_path(path: str) -> str:
    if path not in cell_paths():
        # a typo here would quietly mark no cell (or the wrong one): it is an error
        raise ValueError(f"not a cell of the template: {path[:100]!r}"
                         + ("" if _PATH_RE.match(path) else " (cell paths are like applications.new[0] or "
                                                            "article20.licensing)"))
    return path


CellPath = Annotated[str, AfterValidator(_cell_path)]
"""The path of one numeric cell of the template (models.iter_cells)."""


def _correctable_path(path: str) -> str:
    return path if path in META_PATHS else _cell_path(path)


CorrectablePath = Annotated[str, AfterValidator(_correctable_path)]
"""A cell's path, or one of META_PATHS (fields besides the cells that a person may correct)."""

TemplateEdition = Literal["2021", "2019"]


# the statuses a record lists, in the order that decides a cell listed twice (a corrected cell is corrected)
_LISTED_STATUSES = ("corrected", "inferred", "unread", "not_applicable")


def value_status(value: Any) -> str:
    """The status of a cell no list names: blank without a value, else printed."""
    return "blank" if value is None else "printed"


class Record(_Model):
    """One annual report of one agency, as printed.

    Every numeric cell has exactly one status (shared record-format, "Additions"): printed (a
    number, listed nowhere), blank (null, listed nowhere: the report printed nothing there),
    not applicable (null, under `not_applicable`), unread (null, under `unread`: the report may
    have printed something that could not be read or placed with certainty; each has a finding),
    inferred (a number, under `inferred`), corrected (a number or null, under `corrected`)."""

    schema_version: Literal[1] = Field(SCHEMA_VERSION, alias="schema")
    template: TemplateEdition = Field("2021", description="the template edition: \"2021\" (国办公开办函〔2021〕30号) "
                                                          "or \"2019\" (used for 2019-2020 reports and some later ones)")
    agency: Name = Field(description="the reporting body, as the report names it")
    year: int = Field(ge=2000, le=2100, strict=True, description="the year the report covers")
    source: Source
    article20: Article20 = Field(default_factory=Article20)
    applications: Applications = Field(default_factory=Applications)
    review_litigation: ReviewLitigation = Field(default_factory=ReviewLitigation)
    narrative: Narrative = Field(default_factory=Narrative)
    inferred: list[CellPath] = Field(default_factory=list,
                                description="cells the builder worked out from the table's arithmetic")
    corrected: list[CorrectablePath] = Field(default_factory=list,
                                 description="cells a person corrected by hand; extraction never overwrites them")
    unread: list[CellPath] = Field(default_factory=list,
                              description="cells the report may have printed but that could not be read or placed "
                                          "with certainty (未能识别); null, each with a finding saying why")
    not_applicable: list[CellPath] = Field(default_factory=list,
                                      description="cells the report marks as not applicable (\"/\", \"—\", 不适用), "
                                                  "or that its template edition does not have; null")

    def status(self, path: str, value: Any = ...) -> str:
        """The status of one cell: printed | blank | not_applicable | unread | inferred | corrected.
        `value`: the cell's value when the caller has it at hand (else read from the record)."""
        if self.lacks(path):  # whatever a list says: the report's edition has no such cell
            return "not_applicable"
        return self.listed_status(path) or value_status(get_path(self, path) if value is ... else value)

    def listed_status(self, path: str) -> str | None:
        """The status the record's lists give one cell (the first list that holds it), or None: what
        `listed_statuses().get(path)` gives, without making the whole dict."""
        for listed in _LISTED_STATUSES:
            if path in getattr(self, listed):
                return listed
        return None

    def listed_statuses(self) -> dict[str, str]:
        """The status of every cell the record lists (corrected, inferred, unread, not_applicable), by the
        precedence `status` applies: for many cells at once, not_applicable if `lacks(path)`, then
        `listed_statuses().get(path)`, else `value_status(value)`."""
        out: dict[str, str] = {}
        for listed in reversed(_LISTED_STATUSES):
            out.update(dict.fromkeys(getattr(self, listed), listed))
        return out

    @property
    def applications_edition(self) -> str:
        """The edition table 三 follows, which decides its rows and arithmetic: the record's `template`,
        unless the record holds the other edition's （六）其他处理 (a 2021 report whose table 三 prints it as
        the 2019 edition's one row, `undivided`; a 2019 report whose table 三 prints the 2021 edition's three
        rows): a cell of it holding a number, or listed unread, inferred or corrected."""
        return applications_edition(self.template, lambda p: get_path(self, p), self.listed_status)

    def dump(self) -> dict[str, Any]:
        """The record as plain data, keys in the public format's order. The keys only the other template
        edition has are left out (a record of the 2021 edition has no 2019 keys: `template` says they are
        not applicable), but for the （六）其他处理 row its table 三 prints in the 2019 edition's shape
        (`applications_edition`); a record of the 2019 edition keeps the 2021 keys, null and listed under
        `not_applicable` where it lacks them."""
        return self.model_dump(mode="json", by_alias=True,
                               exclude=_absent_keys(self.template, self.applications_edition))

    def dropped_cells(self) -> list[str]:
        """The keys only the 2019 edition has that hold a value in a record of the 2021 edition and that
        `dump` leaves out, so a value put there (by hand) would be lost; with them, the cells of the 2021
        edition's three （六）其他处理 rows that hold a value beside the 2019 edition's one row (table 三
        prints （六） one way or the other, never both). [] for a 2019 record."""
        if self.template != "2021":
            return []
        lacking = lacking_cells("2021", self.applications_edition)
        held = [p for p in sorted(lacking) if get_path(self, p) is not None]
        return held + (["article20.procurement_amount_unit"] if self.article20.procurement_amount_unit else [])

    def lacks(self, path: str) -> bool:
        """Whether the record's tables have no such cell (it is then not applicable): a cell of table 二
        only the other template edition prints, or a （六）其他处理 cell of the shape its table 三 does not
        print (`applications_edition`)."""
        return path in lacking_cells(self.template, self.applications_edition)


# --- addressing cells by path ------------------------------------------------------------

_INDEX_RE = re.compile(r"^(.*)\[(\d+)\]$")


def get_path(model: BaseModel, path: str) -> Any:
    """The value at a dotted path such as `applications.outcomes.total[6]`."""
    m = _INDEX_RE.match(path)
    base, index = (m.group(1), int(m.group(2))) if m else (path, None)
    obj: Any = model
    for part in base.split("."):
        obj = getattr(obj, part)
    return obj if index is None else obj[index]


def set_path(model: BaseModel, path: str, value: Any) -> None:
    """Set the value at a dotted path, validating it through the model."""
    m = _INDEX_RE.match(path)
    base, index = (m.group(1), int(m.group(2))) if m else (path, None)
    parts = base.split(".")
    obj: Any = model
    for part in parts[:-1]:
        obj = getattr(obj, part)
    if index is None:
        setattr(obj, parts[-1], value)
    else:
        row = list(getattr(obj, parts[-1]))
        row[index] = value
        setattr(obj, parts[-1], row)


@lru_cache(maxsize=1)
def _cell_plan() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """The cells of both template editions as (attribute path, cell paths, fields): a cell of 二 is read as
    a field of what holds it, a row of 三 or 四 is read once and split into its columns. In the template's
    order, a 2019-only cell after the 2021 edition's (（六）其他处理 after its three sub-rows)."""
    from .template import APPLICATION_ROWS, ARTICLE20_ITEMS, ARTICLE20_ITEMS_2019, OTHER_UNDIVIDED, REVIEW_ROWS

    plan = []
    for path in dict.fromkeys(p for item in ARTICLE20_ITEMS + ARTICLE20_ITEMS_2019 for p in item.paths):
        parent, field = path.rsplit(".", 1)
        plan.append((parent, (path,), (field,)))
    rows = []
    for row in APPLICATION_ROWS:
        rows.append((row, 7))
        if row.path.endswith(".other.misc"):
            rows.append((OTHER_UNDIVIDED, 7))
    for row, size in rows + [(row, 5) for row in REVIEW_ROWS]:
        plan.append((row.path, tuple(f"{row.path}[{i}]" for i in range(size)), ()))
    return tuple(plan)


@lru_cache(maxsize=None)
def lacking_cells(template: str, applications: str | None = None) -> frozenset[str]:
    """The cells a record of this template edition does not have: those only the other edition prints;
    with `applications`, the edition its table 三 follows (Record.applications_edition), the cells of
    table 三 only the other edition of that one prints (the （六）其他处理 row or rows it does not print)."""
    from .template import EDITIONS, edition_only

    def other(key: str) -> frozenset[str]:
        return frozenset().union(*(edition_only(k) for k in EDITIONS if k != key))

    if applications is None or applications == template:
        return other(template)
    return frozenset(p for p in other(template) if not p.startswith("applications.")) | frozenset(
        p for p in other(applications) if p.startswith("applications."))


def applications_edition(template: str, value: Callable[[str], Any], listed: Callable[[str], str | None]) -> str:
    """The edition a record's table 三 follows (Record.applications_edition), from its cells' values and
    the status its lists give a cell (Record.listed_status): `template`'s, unless a cell of the other
    edition's （六）其他处理 row or rows holds a number or is listed unread, inferred or corrected."""
    other = _other_edition(template)
    for path in _other_applications(template):
        if value(path) is not None or listed(path) in ("unread", "inferred", "corrected"):
            return other
    return template


@lru_cache(maxsize=None)
def _other_edition(template: str) -> str:
    from .template import EDITIONS

    return next(k for k in EDITIONS if k != template)


@lru_cache(maxsize=None)
def _other_applications(template: str) -> tuple[str, ...]:
    """The cells of table 三 only the other edition prints (its （六）其他处理 row or rows), in a fixed order."""
    from .template import edition_only

    return tuple(sorted(p for p in edition_only(_other_edition(template)) if p.startswith("applications.")))


@lru_cache(maxsize=None)
def _absent_keys(template: str, applications: str | None = None) -> dict[str, Any]:
    """What `dump` leaves out of a record of this edition: the keys only the 2019 edition has (as a
    pydantic `exclude` tree), but for table 三's （六）其他处理 row when `applications` (the edition table
    三 follows) is the 2019 edition; nothing for a 2019 record."""
    if template == "2019":
        return {}
    from .template import edition_only

    tree: dict[str, Any] = {}
    for path in edition_only("2019"):
        if applications == "2019" and path.startswith("applications."):
            continue
        parts = _INDEX_RE.sub(r"\1", path).split(".")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = True
    if "article20" in tree:
        tree["article20"]["procurement_amount_unit"] = True
    return tree


@lru_cache(maxsize=1)
def cell_paths() -> frozenset[str]:
    """The path of every numeric cell of the template (what `inferred`, `corrected`, `unread` and
    `not_applicable` may list)."""
    return frozenset(p for _, paths, _ in _cell_plan() for p in paths)


def iter_cells(record: Record, own: bool = False) -> Iterator[tuple[str, Any]]:
    """Every numeric cell of the record as (path, value), in the template's order: of both editions, or
    with `own` only those of the record's own edition (`template`)."""
    lacking = lacking_cells(record.template, record.applications_edition) if own else frozenset()
    for base, paths, fields in _cell_plan():
        if lacking and paths[0] in lacking:
            continue
        obj: Any = record
        for part in base.split("."):
            obj = getattr(obj, part)
        if fields:
            for path, f in zip(paths, fields):
                yield path, getattr(obj, f)
        else:
            yield from zip(paths, obj)


def json_schema() -> dict[str, Any]:
    schema = Record.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


Severity = Literal["error", "warning", "info"]


class Finding(_Model):
    """One problem found in a report: by extraction (the text) or by the template's arithmetic.

    error:   the report could not be read as the template (unreadable cell, missing table);
    warning: the printed numbers break the template's arithmetic, or a cell is illegible;
    info:    worth knowing, nothing wrong with the numbers (e.g. a cell inferred).
    """

    rule: str = Field(description="which check, e.g. applications.row_total")
    severity: Severity
    path: Optional[str] = Field(None, description="the cell or row concerned, as in `inferred`")
    printed: Optional[float] = Field(None, description="the number the report printed")
    expected: Optional[float] = Field(None, description="what the arithmetic says it should be")
    message: str = Field(description="plain English; the site words it in Chinese from rule and path")


# the findings that mark the cells they concern on every screen and in every download: a number printed
# but contradicted, a cell that could not be read (an "info" finding only says how a number was read)
FLAGGING = frozenset({"warning", "error"})
_SECTIONS = frozenset({"article20", "applications", "review_litigation"})


@lru_cache(maxsize=4096)
def concerned_cells(path: Optional[str]) -> tuple[str, ...]:
    """The cells a finding about `path` concerns: the cell itself, or each cell of the row it names (a
    row of 三 or 四: applications.outcomes.total → its seven columns; an item of 二: article20.regulations
    → its cells); none for a section, a narrative or a path that holds no cell."""
    if not path or path in _SECTIONS:
        return ()
    if path in cell_paths():
        return (path,)
    return tuple(p for base, paths, _ in _cell_plan() if base == path for p in paths)


_Item = TypeVar("_Item")


def flagged_cells(findings: Iterable[tuple[str, Optional[str], _Item]]) -> dict[str, list[_Item]]:
    """The cells findings flag (severity FLAGGING, concerned_cells of their path), each with what the caller
    keeps of each finding that flags it; findings: (severity, path, what to keep). The one rule of the
    report page's tables, the summaries, compare and the downloads."""
    out: dict[str, list[_Item]] = {}
    for severity, path, item in findings:
        if severity in FLAGGING:
            for cell in concerned_cells(path):
                out.setdefault(cell, []).append(item)
    return out
