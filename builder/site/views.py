"""What a page shows of a report: the Jinja2 environment, safe names for pages and links, each
cell with its status, the template's tables as rows, and a report's view (its record, score, body).

Every template renders with autoescaping on: a report is untrusted input. Text from a report goes into
raw HTML blocks (escaped), so Markdown never interprets it either.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup

from ..data import downloads
from ..record.characters import name_key
from ..record.models import Finding, Record, flagged_cells, get_path, iter_cells, lacking_cells
from ..record.outcome import Brief, Outcome
from ..index.bodies import published_as
from ..index.scores import INDICATORS, NO_REGION, Agency, Score
from ..index.standing import OVERALL, Standing, position
from ..record.template import EDITIONS, REVIEW_ROWS
from ..index.wording import as_extracted, cell_name, describe, extracted_value
from .search_index import name_exact, name_words

# the opening of a report's narrative its page shows under the title (this many characters)
LEDE_EXCERPT = 120
FORMATS = {"text": "文本", "html": "网页", "pdf": "PDF", "pdf-ocr": "扫描 PDF（OCR 识别）", "docx": "Word 文档"}


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("builder.site", "templates"),
        autoescape=True,  # every template: report text is untrusted
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # a build's templates do not change under it: not stat()ed at every page
    )
    env.filters["mdtext"] = md_text
    env.filters["title"] = page_title
    env.filters["paragraphs"] = paragraphs
    env.filters["name_exact"] = name_exact  # search_entry front matter
    env.filters["name_words"] = name_words
    env.filters["yaml_text"] = yaml_text
    env.filters["num"] = lambda v: "—" if v is None else (f"{v:.15g}" if isinstance(v, float) else str(v))
    return env


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md_text(text: Any) -> Markup:
    """Text for a Markdown line (a heading): HTML-escaped, and Markdown's punctuation backslashed."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False)))


def page_title(text: str) -> str:
    """A page title for front matter: themes put it in <title> and headers unescaped, so the
    characters of markup are replaced by their full-width forms; JSON-quoted for YAML."""
    return Markup(json.dumps(str(text).translate(str.maketrans("<>&\"'", "＜＞＆＂＇")), ensure_ascii=False))


# refused raw in a YAML file, or read as a line break
_YAML_UNREADABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def yaml_text(text: Any) -> Markup:
    """Text as a YAML scalar of front matter, as it is: a JSON string (quotes, backslashes and control
    characters escaped), which YAML reads, with the characters YAML refuses in a file escaped too; every
    other character itself (Jinja's tojson writes a character beyond the BMP as two surrogates, which YAML
    does not read back)."""
    return Markup(_YAML_UNREADABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(str(text), ensure_ascii=False)))


# a narrative as a reader should see it: what converters add (Markdown emphasis, list markers) left out,
# and a paragraph that the source broke across lines (a PDF's line ends) joined again
_LIST_MARKER = re.compile(r"^(?:[-*+•·▪●]\s*)+")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_STRAY_EMPHASIS = re.compile(r"\*\*|__")
_ENUMERATOR = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+[、.．)）]|"
                         r"[一二三四五六七八九十]+是)")
_SENTENCE_END = tuple("。！？；：.!?;:”’）)」』…")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff“”‘’（），、。；：]")


def paragraphs(text: str | None) -> list[str]:
    """A narrative's paragraphs for a page: each line of the record's text without Markdown emphasis
    (**…**) or a list marker (- • ·) that a converter put there; a line that stops mid-sentence (no
    closing punctuation, not a numbered heading such as （一）主动公开情况) is joined with the next unless
    that one opens a numbered point (一是, （二）, 3.). The record keeps the text as read."""
    out: list[str] = []
    open_sentence = False
    for line in (text or "").split("\n"):
        line = _STRAY_EMPHASIS.sub("", _EMPHASIS.sub(r"\2", _LIST_MARKER.sub("", line.strip()))).strip()
        if not line:
            open_sentence = False
            continue
        if open_sentence and not _ENUMERATOR.match(line):
            glue = "" if _CJK_CHAR.match(out[-1][-1]) and _CJK_CHAR.match(line[0]) else " "
            out[-1] += glue + line
        else:
            out.append(line)
        last = out[-1]
        heading = _ENUMERATOR.match(last) is not None and len(last) <= 40
        open_sentence = len(last) >= 15 and not heading and not last.endswith(_SENTENCE_END)
    return out


_SLUG_KEEP = frozenset("-_（）·")
_RESERVED = frozenset({"index", "readme", "404", "search", "assets", "sitemap"})
SLUG_BYTES = 120  # a page's file name within every file system's limit (255 bytes), with room for suffixes


@lru_cache(maxsize=65536)
def slug(name: str) -> str:
    """A name as one component of a page's path and link: the name itself when it is made of letters
    and digits (any script) and - _ （ ） ·, not a name MkDocs or the site reserves (index, README, ...) and
    not long; otherwise what is left of it, shortened, with ~ and a digest of the whole name, so that
    no two names share a page, and no name escapes its folder (.., /), breaks a link (#, %, ?, .md) or a
    file system (a line break, a name over 255 bytes)."""
    kept = "".join(c for c in name if c.isalnum() or c in _SLUG_KEEP)
    if kept == name and kept.lower() not in _RESERVED and len(kept.encode()) <= SLUG_BYTES:
        return kept
    short = kept.encode()[:60].decode(errors="ignore")
    return f"{short}~{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


def report_url(report: Record | Brief) -> str:
    """The page of a report, relative to the site root (stable, readable: /reports/2023/巴州区/)."""
    return f"reports/{report.year}/{slug(report.agency)}.md"


DOWNLOAD_SUFFIXES = (".pdf", ".docx", ".doc", ".txt")  # served as a PDF, a Word file or plain text: kept


def source_download(report: Record | Brief, source: Path) -> str:
    """Where a report's source file is offered for download, relative to the site root. A source is a
    download, never a page: its own extension is kept only when MkDocs copies such a file as it is and a
    browser takes it as a PDF, a Word file or plain text (DOWNLOAD_SUFFIXES); any other (.md, .markdown,
    .html, .htm, .mht, .text, ...) gets .txt after it, since MkDocs would render a Markdown file as a page
    (its scripts run on the site's origin, its images break the strict build) and a browser would run a
    web page's scripts there."""
    ext = source.suffix.lower()
    if ext not in DOWNLOAD_SUFFIXES:
        ext += ".txt"
    return f"downloads/{report.year}/{slug(report.agency)}{ext}"


def agency_url(agency: str) -> str:
    """The page of a body, by the name it is shown under (`ReportView.body`), relative to the site root."""
    return f"agencies/{slug(agency)}.md"


@dataclass
class CellView:
    value: Any
    state: str  # a cell status (models.Record.status): printed | blank | not_applicable | unread | inferred | corrected
    finding: bool
    title: str  # its story: its status and findings; "" for a number printed without a finding
    extracted: str | None = None  # a corrected cell: what extraction reads there (10, 空白, 未能识别)
    notes: tuple[str, ...] = ()  # the words of the findings that flag it (its title holds them too)

    @property
    def css(self) -> str:
        """Its classes: cell-STATUS for a cell marked (cell-inferred, cell-unread, ...), cell-finding for
        one with a finding; none for a number the report printed, the unmarked cell (a report page holds
        some 200, and the class was a tenth of its bytes)."""
        marks = [] if self.state == "printed" else [f"cell-{self.state.replace('_', '-')}"]
        return " ".join(marks + ["cell-finding"] * self.finding)

    @property
    def text(self) -> str:
        v = self.value
        if v is None:
            return _EMPTY_TEXT.get(self.state, "—")
        return f"{v:.15g}" if isinstance(v, float) else str(v)

    def td(self, colspan: int = 1) -> Markup:
        """The cell as HTML: a number, or what stands in its place (— blank, 不适用, 未能识别), its status as
        a class (css: none for a number printed without a finding), its story as a title (made here rather
        than in the template: a report page has hundreds); a corrected cell shows what extraction read
        beside the correction."""
        span = f' colspan="{colspan}"' if colspan > 1 else ""
        title = f' title="{_attribute(self.title)}"' if self.title else ""
        was = f'<span class="cell-was">提取：{_attribute(self.extracted)}</span>' if self.extracted else ""
        css = self.css
        classes = f' class="{css}"' if css else ""
        return Markup(f'<td{classes}{title}{span}>{self.text}{was}</td>')


@lru_cache(maxsize=4096)
def _attribute(text: str) -> str:
    return html.escape(text, quote=True)


# what each cell status means to a reader (the legend and each cell's title say it)
_STATE_TITLE = {"printed": "报告印发的数字", "inferred": "推算值：报告此处空白（或数字被拆成几段印出），由表内勾稽关系唯一确定",
                "corrected": "人工更正：维护者按报告原文更正", "blank": "未填报：报告此处空白",
                "not_applicable": "不适用：报告标明此项不适用（“/”“—”“不适用”）或所用模板无此项",
                "unread": "未能识别：报告此处可能印有数字，但未能可靠读取或定位；待维护者核对，不计入机关的扣分"}
_EMPTY_TEXT = {"blank": "—", "not_applicable": "不适用", "unread": "未能识别", "corrected": "—"}


@dataclass(frozen=True)
class RecordCells:
    """A record's cells at hand for a page of some hundreds of them: every cell's value, and its status
    by models.Record.status's precedence (the lists, then a cell its edition lacks, then the value),
    worked out once for the record rather than cell by cell."""
    values: dict[str, Any]
    listed: dict[str, str]
    lacking: frozenset[str]

    @classmethod
    def of(cls, record: Record) -> "RecordCells":
        return cls(dict(iter_cells(record)), record.listed_statuses(), lacking_cells(record.template, record.applications_edition))

    def status(self, path: str) -> str:
        return downloads.cell_status(self.listed, self.lacking, path, self.values[path])


def cell(record: Record, path: str, flagged: dict[str, list[str]], at: RecordCells | None = None,
         extracted: dict[str, Finding] | None = None) -> CellView:
    """A cell of a report page: its value, status, the findings about it (flagged: see _flagged) and,
    when corrected, what extraction reads there (extracted: see _extracted); `at`: the record's
    RecordCells, when the caller makes many of its cells."""
    if at is None:
        value, state = get_path(record, path), record.status(path)
    else:
        value, state = at.values[path], at.status(path)
    # a printed number without a finding, most cells of a page, needs no story (the legend says it)
    title = "" if state == "printed" and path not in flagged else \
        _STATE_TITLE[state] + ("；" + "；".join(flagged[path]) if path in flagged else "")
    was = (extracted or {}).get(path) if state == "corrected" else None
    if was is not None:
        title += f"；自动提取{as_extracted(was)}"
    return CellView(value, state, path in flagged, title, extracted_value(was) if was is not None else None,
                    tuple(flagged.get(path, ())))


def _tds(cells: list[CellView], colspan: int = 1) -> Markup:
    return Markup("".join(c.td(colspan) for c in cells))


def _flagged(findings: Iterable[Finding]) -> dict[str, list[str]]:
    """The cells findings flag (models.flagged_cells: a finding about a whole row marks each of its cells),
    each with the findings' words (shown on the cell itself)."""
    flagged = flagged_cells((f.severity, f.path, f) for f in findings)
    return {path: [describe(f) for f in fs] for path, fs in flagged.items()}


def _extracted(findings: Iterable[Finding]) -> dict[str, Finding]:
    """The corrected cells with what extraction reads in each (`correction.extracted` findings)."""
    return {f.path: f for f in findings if f.rule == "correction.extracted" and f.path}


@dataclass(frozen=True)
class Marked:
    """What every table of a report's pages is made from, worked out once for the pages made of it (its
    report page and its body's page), not once a table: its cells (RecordCells), the cells its findings
    flag with their words (_flagged), the corrected cells with what extraction read (_extracted). Held
    only while those pages are made (some hundreds of values a report)."""
    at: RecordCells
    flagged: dict[str, list[str]]
    extracted: dict[str, Finding]

    @classmethod
    def of(cls, record: Record, findings: Iterable[Finding]) -> "Marked":
        findings = list(findings)
        return cls(RecordCells.of(record), _flagged(findings), _extracted(findings))


def application_rows(record: Record, flagged: dict[str, list[str]],
                     extracted: dict[str, Finding] | None = None, at: RecordCells | None = None) -> list[dict]:
    """Section 三 as the record's table 三 prints it (Record.applications_edition; the 2019 edition: one
    （六）其他处理 row):
    group labels spanning their rows. `at`: the record's RecordCells, when the caller has them."""
    at = at or RecordCells.of(record)
    rows, opened = [], set()
    sizes = {}
    template_rows = EDITIONS[record.applications_edition].applications
    for r in template_rows:
        sizes[r.group] = sizes.get(r.group, 0) + 1
    outcome_rows = sum(1 for r in template_rows if r.path.startswith("applications.outcomes"))
    for r in template_rows:
        lead = []
        if not r.group:
            lead.append({"text": r.label, "colspan": 3, "rowspan": 1})
        else:
            if "三" not in opened:
                opened.add("三")
                lead.append({"text": "三、本年度办理结果", "colspan": 1, "rowspan": outcome_rows})
            if r.group.startswith("三、"):
                lead.append({"text": r.label, "colspan": 2, "rowspan": 1})
            else:
                if r.group not in opened:
                    opened.add(r.group)
                    lead.append({"text": r.group, "colspan": 1, "rowspan": sizes[r.group]})
                lead.append({"text": r.label, "colspan": 1, "rowspan": 1})
        cells = [cell(record, f"{r.path}[{i}]", flagged, at, extracted) for i in range(7)]
        rows.append({"lead": lead, "cells": cells, "tds": _tds(cells)})
    return rows


def article20_rows(record: Record, flagged: dict[str, list[str]],
                   extracted: dict[str, Finding] | None = None, at: RecordCells | None = None) -> list[dict]:
    """Section 二 as the record's template edition prints it: a heading (第二十条第（X）项) and its column
    labels above its items, each item's cells (a one-cell item spans the three columns, a two-cell item
    leaves the third empty)."""
    out, last, at = [], None, at or RecordCells.of(record)
    for item in EDITIONS[record.template].article20:
        if item.item != last:
            out.append({"heading": item.item, "columns": [c for _, c in item.columns]})
            last = item.item
        cells = [cell(record, p, flagged, at, extracted) for p in item.paths]
        tds = _tds(cells, 3 if len(cells) == 1 else 1)
        unit = record.article20.procurement_amount_unit
        if unit and item.paths[-1] == "article20.procurement_amount" and cells[-1].value is not None:
            # the amount with the unit the report prints it in (元 or 万元)
            tds = _tds(cells[:-1]) + Markup(str(cells[-1].td()).replace("</td>", html.escape(unit) + "</td>"))
        out.append({"label": item.label, "cells": cells,
                    "tds": tds + (Markup("<td></td>") if len(cells) == 2 else Markup(""))})
    return out


def review_cells(record: Record, flagged: dict[str, list[str]],
                 extracted: dict[str, Finding] | None = None, at: RecordCells | None = None) -> list[CellView]:
    at = at or RecordCells.of(record)
    return [cell(record, f"{r.path}[{i}]", flagged, at, extracted) for r in REVIEW_ROWS for i in range(5)]


def correction_rows(record: Record, findings: Iterable[Finding], changes: dict[str, Any],
                    url: str = "") -> list[dict]:
    """A report's hand corrections for its page, its body's and the list of them all: each cell's name (and
    record path), value now, what extraction reads there, and the commit that set it (history.Change, or
    None if unknown)."""
    return [{"name": cell_name(f.path) or f.path, "path": f.path, "value": get_path(record, f.path),
             "extracted": extracted_value(f), "change": changes.get(f.path), "year": record.year,
             "agency": record.agency, "url": url}
            for f in _extracted(findings).values()]


# the figures a body's page compares across years, and the compare page's side-by-side view shows: label, cell
KEY_FIGURES = (("本年新收申请", "applications.new[6]"), ("上年结转", "applications.carried_over[6]"),
               ("办理结果总计", "applications.outcomes.total[6]"), ("予以公开", "applications.outcomes.disclosed[6]"),
               ("部分公开", "applications.outcomes.partially_disclosed[6]"), ("结转下年度", "applications.carried_forward[6]"),
               ("行政复议", "review_litigation.review[4]"),
               ("行政诉讼（直接起诉）", "review_litigation.litigation_direct[4]"),
               ("行政诉讼（复议后起诉）", "review_litigation.litigation_after_review[4]"))


def key_figures(record: Record, findings: Iterable[Finding], marked: Marked | None = None) -> list[tuple[str, CellView]]:
    """The KEY_FIGURES of a record: (label, the cell as its report page's tables show it: its status, and
    the mark and words of the findings that flag it). `marked`: Marked.of(record, findings), if at hand."""
    m = marked or Marked.of(record, findings)
    return [(label, cell(record, path, m.flagged, m.at, m.extracted)) for label, path in KEY_FIGURES]


@dataclass
class ReportView:
    outcome: Outcome
    url: str
    download: str | None
    agency: Agency
    score: Score | None = None                  # None until made (or taken from the page cache)
    key: str = ""                               # digest of everything its page is made from
    prepared: downloads.Prepared | None = None  # its rows of the downloads
    changes: dict[str, Any] = field(default_factory=dict)  # corrected path → history.Change | None
    standing: Standing | None = None            # its ranks and its group's quartiles (standing.py)
    page_key: str = ""                          # key and standing: everything its rows in lists and downloads show
    own_key: str = ""                           # what its own pages show: all but its standing (standing_texts)
    links: tuple[str, str] = ("", "")           # (repository, site) URLs: summary.site_settings
    tables: Any = None                          # provenance.Provenance: its tables' images (a PDF source)
    body: str = ""                              # the name its body's page is shown under (`bodies`)
    brief: Brief = field(init=False)            # the outcome's: asked for some 30 times a report in a build

    def __post_init__(self) -> None:
        self.brief = self.outcome.brief

    @property
    def record(self) -> Record:  # read only when a page of this report is made again
        return self.outcome.record

    @property
    def province(self) -> str:
        return province(self.agency.region)

    @property
    def published_as(self) -> str | None:
        """The name the report was published under when it is not its body page's (a former name)."""
        return published_as(self.brief.agency, self.body)


def bodies(views: Iterable[ReportView]) -> dict[str, list[ReportView]]:
    """The reports of each body (by its id, scores.Agency.body_id: every name it published under, and every
    spelling `characters.name_key` folds, such as 平潭综合实验区（公安局） and 平潭综合实验区(公安局)), so it has
    one page, under the name its newest report prints (the latest year; of one year, the report's name),
    or its present name when that report was published under a former one. Sets each view's `body` to
    that name."""
    groups: dict[str, list[ReportView]] = {}
    for v in views:
        groups.setdefault(v.agency.body_id, []).append(v)
    out: dict[str, list[ReportView]] = {}
    for members in groups.values():
        newest = max(members, key=lambda v: (v.brief.year, v.brief.agency))
        name = newest.agency.name if published_as(newest.brief.agency, newest.agency.name) else newest.brief.agency
        for v in members:
            v.body = name
        out[name] = members
    return out


@dataclass(frozen=True)
class FormerPage:
    """A name some bodies' reports were published under that is not the name of their page: where its old
    address leads. `bodies`: (the page's name, the years published under this name, its reports' views)."""
    name: str
    bodies: tuple[tuple[str, tuple[int, ...], tuple[ReportView, ...]], ...]


def former_pages(by_body: dict[str, list[ReportView]]) -> dict[str, FormerPage]:
    """By the page address (agency_url) of each name a body published under besides its page's name: the
    bodies that did (usually one; two when a name passed from one body to another). An address that is
    another body's page is that page (which then notes its namesake), otherwise a page of its own
    leading to the bodies, so that an old name's address does not go missing."""
    names: dict[str, dict[str, list[ReportView]]] = {}
    for body, reports in by_body.items():
        for v in reports:
            if published_as(v.brief.agency, body) and agency_url(v.brief.agency) != agency_url(body):
                names.setdefault(agency_url(v.brief.agency), {}).setdefault(body, []).append(v)
    out = {}
    for url, holders in names.items():
        first = min((v.brief.agency for vs in holders.values() for v in vs), key=name_key)
        out[url] = FormerPage(first, tuple((body, tuple(sorted({v.brief.year for v in vs})), tuple(vs))
                                           for body, vs in sorted(holders.items())))
    return out


def render(env: jinja2.Environment, template: str, /, **context: Any) -> str:
    """A template rendered (and compiled only when some page needs it)."""
    return env.get_template(template).render(**context)


_PROVINCE = re.compile(r"^.+?(?:省|自治区|特别行政区|市)")
_CITY = re.compile(r"^.+?(?:市|自治州|地区|盟)")
_DISTRICT = re.compile(r"^.+?(?:区|县|旗)")


def province(region: str | None) -> str:
    """The province-level part of a region (四川省达州市 → 四川省, 北京市朝阳区 → 北京市)."""
    m = _PROVINCE.match(region or "")
    return m.group(0) if m else (region or NO_REGION)


def city(region: str | None) -> str:
    """The city-level part of a region within its province (四川省达州市通川区 → 达州市, 北京市海淀区
    → 海淀区: a municipality's districts stand where a province's cities do); 省级机关 for a body of
    the province itself."""
    rest = (region or "")[len(province(region)):]
    m = _CITY.match(rest) or _DISTRICT.match(rest)
    return m.group(0) if m else "省级机关"


def region_url(name: str) -> str:
    return f"regions/{slug(name)}.md"


STATUS_TEXT = {"scored": "计分", "small": "样本过小，不计分", "not_applicable": "不适用", "missing": "缺失"}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def rank_span(standing: Standing | None, key: str) -> str:
    """The ranks a report's interval allows: "2–5", or "3" when it is one rank; "" when it is not ranked."""
    if standing is None or key not in standing.ranges:
        return ""
    best, worst = standing.ranges[key]
    return str(best) if best == worst else f"{best}–{worst}"


def rank_text(standing: Standing | None, key: str) -> str:
    """第 3 名（按 95% 区间：第 2–5 名；共 12）: a rank with the range its intervals allow, or 不排名."""
    if standing is None or key not in standing.ranks:
        return "不排名"
    return f"第 {standing.ranks[key]} 名（按 95% 区间：第 {rank_span(standing, key)} 名；共 {standing.ranked[key]}）"


def _peers(peer: tuple[float, float, float, int] | None) -> str:
    return f"{_pct(peer[0])} / {_pct(peer[1])} / {_pct(peer[2])}（{peer[3]} 份）" if peer else "—"


def indicator_rows(s: Score) -> list[dict]:
    """What a page shows of each indicator of a report from its own score: value, its counts, interval,
    status; "ranked" says whether its rank and quartiles (standing_texts: they depend on the other
    reports of its group) are shown. All text, escaped by Jinja."""
    rows = []
    for ind in INDICATORS:
        v = s.values[ind.key]
        rate = v.denominator is not None and ind.denominator
        rows.append({
            "ind": ind, "status": v.status, "status_text": STATUS_TEXT[v.status], "ranked": v.scored,
            "value": _pct(v.value) if v.value is not None else "—",
            "counts": f"{v.numerator:g} / {v.denominator:g}" if rate else "—",
            "interval": f"{_pct(v.low)}–{_pct(v.high)}" if rate and v.low is not None else "—",
            "note": v.note,
        })
    return rows


def overall_row(s: Score) -> dict:
    """The overall score as a page shows it from the report's own score: score, interval, and why it is
    not ranked (its rank, quartiles and sensitivity are standing_texts)."""
    return {"value": _pct(s.overall), "ranked": s.overall is not None, "reason": s.reason,
            "interval": f"{_pct(s.low)}–{_pct(s.high)}" if s.overall is not None else "—"}


def standing_texts(s: Score, standing: Standing) -> dict[str, str]:
    """What a page shows of a report's standing in its group, by slot: "KEY.rank" (第 3 名（按 95%
    区间：第 2–5 名；共 12）, or 不排名), "KEY.peers" (the group's P25 / median / P75 and how many),
    "KEY.position" (where the report's value stands among them) for each indicator key and "overall",
    and "overall.sensitivity" (its best and worst rank under the alternative weights). These change
    whenever a report joins or leaves its group, so pages do not print them: each report's texts are
    one small file of the static API (data_api.standing_json) that its pages load."""
    texts = {}
    for ind in INDICATORS:
        v, peer = s.values[ind.key], standing.peers.get(ind.key)
        texts[f"{ind.key}.rank"] = rank_text(standing, ind.key)
        texts[f"{ind.key}.peers"] = _peers(peer)
        texts[f"{ind.key}.position"] = position(v.value, peer, ind.higher_better) if peer and v.scored else "—"
    sens = standing.sensitivity_range
    texts[f"{OVERALL}.rank"] = rank_text(standing, OVERALL)
    texts[f"{OVERALL}.peers"] = _peers(standing.peers.get(OVERALL))
    texts[f"{OVERALL}.sensitivity"] = ("第 {} 名".format(sens[0]) if sens[0] == sens[1]
                                       else f"第 {sens[0]}–{sens[1]} 名") if sens else "—"
    return texts
