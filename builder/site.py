"""Stage 5: records → the site's Markdown pages in content/ (MkDocs turns them into site/).

Every page is rendered with Jinja2 with autoescaping on: a report is untrusted input. Text
from a report goes into raw HTML blocks (escaped), so Markdown never interprets it either.
A page file is written only when its content changed, and pages of reports that are gone
are removed; the output depends on the records alone (no clock), so builds are reproducible.
With a page cache (.cache/pages.json), a page whose inputs did not change is not even rendered:
adding one report to thousands renders its pages, its body's page, its year's rankings and lists.
"""
from __future__ import annotations

import gc
import hashlib
import html
import json
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple

import jinja2
from markupsafe import Markup

from . import __version__, downloads
from .models import Finding, Record, get_path, iter_cells
from .pipeline import Brief, Outcome, outcome_key
from .records import file_stamp, load_cache, plain, save_cache, without_gc, write_atomically
from .scores import ARTICLE_49, INDICATORS, OVERALL_RULE, Agencies, Agency, Score, deadline, load_agencies, score
from .template import APPLICATION_COLUMNS, APPLICATION_ROWS, ARTICLE20_ITEMS, REVIEW_COLUMNS, REVIEW_ROWS
from .wording import SEVERITY, cell_name, describe

# a report is one entry of the search index: its name, region and the opening of its narrative (this many
# characters); not its tables, its whole prose, nor the template's headings every report repeats: the
# index must stay small at tens of thousands of pages
SEARCH_EXCERPT = 120
GENERATED = ("index.md", "issues.md", "methodology.md", "data.md", "reports", "agencies", "rankings", "downloads",
             "regions", "issues")
FORMATS = {"text": "文本", "html": "网页", "pdf": "PDF", "pdf-ocr": "扫描 PDF（OCR 识别）", "docx": "Word 文档"}


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("builder", "templates"),
        autoescape=True,  # every template: report text is untrusted
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["mdtext"] = md_text
    env.filters["title"] = page_title
    env.filters["num"] = lambda v: "—" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
    return env


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md_text(text: Any) -> Markup:
    """Text for a Markdown line (a heading): HTML-escaped, and Markdown's punctuation backslashed."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False)))


def page_title(text: str) -> str:
    """A page title for front matter: themes put it in <title> and headers unescaped, so the
    characters of markup are replaced by their full-width forms; JSON-quoted for YAML."""
    return Markup(json.dumps(str(text).translate(str.maketrans("<>&\"'", "＜＞＆＂＇")), ensure_ascii=False))


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


def agency_url(agency: str) -> str:
    return f"agencies/{slug(agency)}.md"


@dataclass
class CellView:
    value: Any
    state: str  # a cell status (models.Record.status): printed | blank | not_applicable | unread | inferred | corrected
    finding: bool
    title: str

    @property
    def css(self) -> str:
        return f"cell-{self.state.replace('_', '-')}" + (" cell-finding" if self.finding else "")

    @property
    def text(self) -> str:
        v = self.value
        if v is None:
            return _EMPTY_TEXT.get(self.state, "—")
        return f"{v:g}" if isinstance(v, float) else str(v)

    def td(self, colspan: int = 1) -> str:
        """The cell as HTML: a number, or what stands in its place (— blank, 不适用, 未能识别), its status as
        a class, its story as a title (made here rather than in the template: a report page has hundreds)."""
        span = f' colspan="{colspan}"' if colspan > 1 else ""
        return f'<td class="{self.css}" title="{_attribute(self.title)}"{span}>{self.text}</td>'


@lru_cache(maxsize=4096)
def _attribute(text: str) -> str:
    return html.escape(text, quote=True)


# what each cell status means to a reader (the legend and each cell's title say it)
_STATE_TITLE = {"printed": "报告印发的数字", "inferred": "推算值：报告此处空白，由表内勾稽关系唯一确定",
                "corrected": "人工更正：维护者按报告原文更正", "blank": "未填报：报告此处空白",
                "not_applicable": "不适用：报告标明此项不适用（“/”“—”“不适用”）或所用模板无此项",
                "unread": "未能识别：报告此处可能印有数字，但未能可靠读取或定位；待维护者核对，不计入机关的扣分"}
_EMPTY_TEXT = {"blank": "—", "not_applicable": "不适用", "unread": "未能识别", "corrected": "—"}


def cell(record: Record, path: str, flagged: dict[str, list[str]], values: dict[str, Any] | None = None) -> CellView:
    value = values[path] if values is not None else get_path(record, path)
    state = record.status(path, value)
    title = _STATE_TITLE[state] + ("；" + "；".join(flagged[path]) if path in flagged else "")
    return CellView(value, state, path in flagged, title)


def _tds(cells: list[CellView], colspan: int = 1) -> Markup:
    return Markup("".join(c.td(colspan) for c in cells))


def _flagged(findings: Iterable[Finding]) -> dict[str, list[str]]:
    """The cells findings concern, each with the findings' words (shown on the cell itself)."""
    out: dict[str, list[str]] = {}
    for f in findings:
        if f.path and f.severity in ("warning", "error"):
            paths = [f.path] if "[" in f.path else [f.path] + [f"{f.path}[{i}]" for i in range(7)]
            for p in paths:  # a finding about a whole row marks each of its cells
                out.setdefault(p, []).append(describe(f))
    return out


def application_rows(record: Record, flagged: dict[str, list[str]]) -> list[dict]:
    """Section 三 as the template prints it: group labels spanning their rows."""
    values = dict(iter_cells(record))
    rows, opened = [], set()
    sizes = {}
    for r in APPLICATION_ROWS:
        sizes[r.group] = sizes.get(r.group, 0) + 1
    outcome_rows = sum(1 for r in APPLICATION_ROWS if r.path.startswith("applications.outcomes"))
    for r in APPLICATION_ROWS:
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
        cells = [cell(record, f"{r.path}[{i}]", flagged, values) for i in range(7)]
        rows.append({"lead": lead, "cells": cells, "tds": _tds(cells)})
    return rows


def article20_rows(record: Record, flagged: dict[str, list[str]]) -> list[dict]:
    out, last = [], None
    for item in ARTICLE20_ITEMS:
        if item.item != last:
            out.append({"heading": item.item, "columns": [c for _, c in item.columns]})
            last = item.item
        paths = [f"{item.path}.{f}" if f else item.path for f, _ in item.columns]
        cells = [cell(record, p, flagged) for p in paths]
        out.append({"label": item.label, "cells": cells, "tds": _tds(cells, 3 if len(cells) == 1 else 1)})
    return out


def review_cells(record: Record, flagged: dict[str, list[str]]) -> list[CellView]:
    return [cell(record, f"{r.path}[{i}]", flagged) for r in REVIEW_ROWS for i in range(5)]


@dataclass
class ReportView:
    outcome: Outcome
    url: str
    download: str | None
    agency: Agency
    score: Score | None = None                  # None until made (or taken from the page cache)
    key: str = ""                               # digest of everything its page is made from
    prepared: downloads.Prepared | None = None  # its rows of the downloads

    @property
    def brief(self) -> Brief:
        return self.outcome.brief

    @property
    def record(self) -> Record:  # read only when a page of this report is made again
        return self.outcome.record

    @property
    def province(self) -> str:
        return province(self.agency.region)


@lru_cache(maxsize=1)
def render_version() -> str:
    """A digest of the code and templates that make pages: a page cached by another is made again."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for path in sorted([*(here / "templates").glob("*.j2"), *(here / n for n in _RENDER_MODULES)]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


_RENDER_MODULES = ("site.py", "scores.py", "wording.py", "downloads.py", "models.py", "template.py")


def _key(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def report_key(o: Outcome, info: Agency) -> str:
    """What a report's pages and download rows are made from: its record and findings (the
    across-year ones come after the outcome's own key), and what the agencies file says of it."""
    own = o.key or outcome_key(o.record, o.findings)
    later = [(f.rule, f.path, f.severity, f.message) for f in o.findings if f.rule.startswith("across_years.")]
    return _key(own, later, info.name, info.region, info.level, info.kind)


class PageCache:
    """What each page was last made from (sealed JSON under .cache/), so a page whose inputs are
    unchanged is not rendered again, and each report's score and download rows are kept: adding one
    report to thousands renders what it affects. A cache from other code is ignored, never trusted."""

    def __init__(self, path: Path | None):
        self.path = path
        self.pages: dict[str, str] = {}
        self.reports: dict[str, tuple[Score, downloads.Prepared]] = {}
        self.directory: tuple[Any, dict[str, Agency]] = (None, {})  # the agencies file, by size and time
        self.groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # sets of pages made from one key
        data = load_cache(path) if path is not None else None  # None unless sealed by this machine's builder
        if isinstance(data, dict) and data.get("version") == render_version():
            try:
                self.pages = {str(k): (str(key), stamp) for k, (key, stamp) in data["pages"].items()}
                self.reports = {str(k): (Score(dict(values), overall), downloads.Prepared(row, csv, js, tuple(
                    tuple(f) for f in found))) for k, (values, overall, row, csv, js, found) in data["reports"].items()}
                stamp, entries = data["directory"]
                self.directory = (stamp, Agencies({n: Agency(n, *info) for n, info in entries.items()}))
                self.groups = {str(k): (key, [tuple(p) for p in pages]) for k, (key, pages) in data["groups"].items()}
            except (ValueError, TypeError, KeyError):  # not what this builder writes: rebuilt
                self.pages, self.reports, self.directory, self.groups = {}, {}, (None, {}), {}

    def agencies(self, path: Path) -> dict[str, Agency]:
        """The agencies file, read again only when it changed."""
        stamp = plain(file_stamp(path))
        if stamp is None or stamp != self.directory[0]:
            self.directory = (stamp, load_agencies(path))
        return self.directory[1]

    def save(self, writer: "SiteWriter", reports: dict[str, tuple[Score, downloads.Prepared]]) -> None:
        if self.path is not None:
            stamp, agencies = self.directory
            save_cache(self.path, {
                "version": render_version(), "groups": writer.groups,
                # each page with the size and time its file had when made: a file changed since is made again
                "pages": {rel: (key, file_stamp(os.path.join(writer.out, rel))) for rel, key in writer.keys.items()},
                "reports": {k: (score.values, score.overall, p.row, p.csv, p.json, p.findings)
                            for k, (score, p) in reports.items()},
                "directory": (stamp, {a.name: (a.region, a.level, a.kind) for a in agencies.values()})})


class SiteWriter:
    """Writes files under content/ only when they change, and remembers what it wrote."""

    def __init__(self, out: Path, cache: PageCache | None = None):
        self.out = out
        self.cache = cache or PageCache(None)
        self.written = 0
        self.kept: set[str] = set()  # the files this build produces, as paths under out
        self.keys: dict[str, str] = {}  # page → what it was made from, in this build
        self.groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # see unchanged()

    def fresh(self, rel: str, key: str) -> bool:
        """Whether a page was last made from this key and its file is as it was written then (same size
        and time: a page edited or damaged since is made again)."""
        cached = self.cache.pages.get(rel)
        return cached is not None and cached[0] == key and cached[1] == plain(file_stamp(os.path.join(self.out, rel)))

    def stale(self, rel: str, key: str) -> bool:
        """Claim a page for this build; True if it must be made (its inputs changed, or its file did)."""
        self.keys[rel] = key
        self.kept.add(os.path.join(self.out, rel))
        return not self.fresh(rel, key)

    def unchanged(self, name: str, key: str) -> bool:
        """Whether a set of pages (a year's rankings) was made from this key last time and is all still
        there; if so, its pages are claimed as they stand. Otherwise the caller makes them and
        remember()s them under this key."""
        self.groups[name] = (key, [])
        old = self.cache.groups.get(name)
        if old is None or old[0] != key or not all(self.fresh(rel, page_key) for rel, page_key in old[1]):
            return False
        for rel, page_key in old[1]:
            self.stale(rel, page_key)
        self.groups[name] = old
        return True

    def remember(self, name: str, rels: list[str]) -> None:
        self.groups[name] = (self.groups[name][0], [(rel, self.keys[rel]) for rel in rels])

    def page(self, rel: str, key: str, make: Callable[[], str | bytes]) -> None:
        """A page made by make(), unless it was last made from the same key and is still there."""
        if self.stale(rel, key):
            self.text(rel, make())

    def text(self, rel: str, content: str | bytes) -> None:
        self.kept.add(os.path.join(self.out, rel))
        self.written += _write(self.out / rel, content)

    def prune(self) -> None:
        """Remove generated files that no report produces any more, and folders left empty."""
        for name in GENERATED:
            target = os.path.join(self.out, name)
            if os.path.isfile(target) and target not in self.kept:
                os.unlink(target)
            for folder, dirs, files in os.walk(target, topdown=False):
                for f in files:
                    if os.path.join(folder, f) not in self.kept:
                        os.unlink(os.path.join(folder, f))
                if not os.listdir(folder):
                    os.rmdir(folder)


def _write(path: Path, content: str | bytes) -> bool:
    """Write a file unless it already holds exactly this; whether it was written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)  # a build killed halfway leaves the old page, never half a page
    return True


@without_gc
def build_site(outcomes: list[Outcome], root: Path, out_dir: Path, cache_file: Path | None = None) -> int:
    """Write the site's pages for these outcomes into out_dir; returns the files (re)written. With a
    cache file, pages whose inputs did not change since the last build are not rendered again."""
    env = _env()
    cache = PageCache(cache_file)
    writer = SiteWriter(out_dir, cache)
    agencies = cache.agencies(root / "reports" / "agencies.yaml")
    good = sorted((o for o in outcomes if not o.failed), key=lambda o: (o.brief.agency, o.brief.year))
    failed = sorted((o for o in outcomes if o.failed), key=lambda o: str(o.source))
    views = []
    for o in good:
        info = agencies.get(o.brief.agency, Agency(o.brief.agency))
        key = report_key(o, info)
        s, prepared = cache.reports.get(key, (None, None))
        ext = o.source.suffix.lower()
        if ext in (".html", ".htm"):  # a saved web page is offered as text, never served as a page
            ext += ".txt"
        download = f"downloads/{o.brief.year}/{slug(o.brief.agency)}{ext}"
        # the record's key holds the source's sha256: the copy is made again when the file changes
        writer.page(download, _key(str(o.source), o.key or file_stamp(o.source)), o.source.read_bytes)
        views.append(ReportView(o, report_url(o.brief), download, info, s, key, prepared))

    by_agency: dict[str, list[ReportView]] = {}
    for v in views:
        by_agency.setdefault(v.brief.agency, []).append(v)
    _agency_pages(writer, out_dir, by_agency)
    made = {v.key: (v.score, v.prepared) for v in views}
    years = sorted({v.brief.year for v in views})
    _rankings(env, writer, views, years)
    _regions(env, writer, by_agency)
    _issues(env, writer, views, failed, years, root)
    writer.text("methodology.md", env.get_template("methodology.md.j2").render(
        indicators=INDICATORS, overall_rule=OVERALL_RULE, article_49=ARTICLE_49))

    prepared_rows = [v.prepared for v in views]
    files = []
    for name, (description, make) in downloads.FILES.items():
        rel = f"downloads/data/{name}"
        writer.page(rel, _key(name, [v.key for v in views]), partial(make, prepared_rows))
        files.append((name, description, _size((out_dir / rel).stat().st_size)))
    writer.text("data.md", env.get_template("data.md.j2").render(
        files=files, columns=downloads.columns(), count=len(views)))

    newest = sorted(views, key=lambda v: (v.brief.published_on is not None,
                                          v.brief.published_on or v.brief.year, v.brief.agency),
                    reverse=True)
    provinces = Counter(reports[0].province for reports in by_agency.values())
    writer.text("index.md", env.get_template("index.md.j2").render(
        views=views, newest=newest[:20], agencies=len(by_agency), years=years, failed=failed,
        provinces=sorted(provinces.items()), region_url=region_url))
    writer.prune()
    cache.save(writer, made)
    return writer.written


PARALLEL_PAGES = 256  # from this many report pages to make, they are made by a process per core


@dataclass
class AgencyJob:
    """An agency's pages to make: its reports' (with which of them to render), and its own."""
    agency: str
    reports: list[ReportView]
    render: list[bool]
    render_agency: bool


def _agency_pages(writer: SiteWriter, out_dir: Path, by_agency: dict[str, list[ReportView]]) -> None:
    """Every agency's report pages and agency page, those whose inputs changed made again (over
    the machine's cores when there are many), and each report's score and download rows."""
    jobs = []
    for agency, reports in sorted(by_agency.items()):
        reports.sort(key=lambda v: v.brief.year)
        render = [writer.stale(v.url, v.key) for v in reports]
        render_agency = writer.stale(agency_url(agency), _key([v.key for v in reports]))
        if any(render) or render_agency or any(v.score is None for v in reports):
            jobs.append(AgencyJob(agency, reports, render, render_agency))
    work = partial(_make_agency_pages, out_dir)
    cores = os.cpu_count() or 1
    if cores > 1 and sum(sum(job.render) for job in jobs) >= PARALLEL_PAGES:
        with ProcessPoolExecutor(max_workers=cores, initializer=gc.enable) as pool:
            results = list(pool.map(work, jobs, chunksize=max(1, len(jobs) // (cores * 8))))
    else:
        results = [work(job) for job in jobs]
    for job, (made, written) in zip(jobs, results):
        for v, (s, prepared) in zip(job.reports, made):
            v.score, v.prepared = s, prepared
        writer.written += written


def _make_agency_pages(out_dir: Path, job: AgencyJob) -> tuple[list[tuple[Score, downloads.Prepared]], int]:
    """Make one agency's pages (in a worker process or not); its reports' scores and download rows,
    and how many files were written."""
    env, written = _env(), 0
    for v, render in zip(job.reports, job.render):
        if v.score is None:
            v.score = score(v.record, v.agency)
            v.prepared = downloads.prepare(downloads.Row(v.record, v.agency, v.score, tuple(v.outcome.findings)))
        if render:
            written += _write(out_dir / v.url, _render_report(env, v))
    if job.render_agency:
        written += _write(out_dir / agency_url(job.agency), _render_agency(env, job.agency, job.reports))
    return [(v.score, v.prepared) for v in job.reports], written


def _render(env: jinja2.Environment, template: str, /, **context: Any) -> str:
    """A template rendered (and compiled only when some page needs it)."""
    return env.get_template(template).render(**context)


def _render_report(env: jinja2.Environment, v: ReportView) -> str:
    flagged = _flagged(v.outcome.findings)
    findings = [f for f in v.outcome.findings if f.severity != "info"]
    due, rule = deadline(v.record, v.agency)
    return _render(env, "report.md.j2",
        r=v.record, url=v.url, download=v.download, formats=FORMATS,
        a20=article20_rows(v.record, flagged), apps=application_rows(v.record, flagged),
        applicant_columns=APPLICATION_COLUMNS, review=_tds(review_cells(v.record, flagged)),
        review_columns=REVIEW_COLUMNS, findings=[(f, describe(f), SEVERITY[f.severity], cell_name(f.path))
                                                 for f in findings],
        agency_url=agency_url(v.record.agency), states=_STATE_TITLE, info=v.agency,
        scores=[(ind, v.score.values[ind.key]) for ind in INDICATORS],
        overall=v.score.overall, due=due, due_rule=rule, excerpt=SEARCH_EXCERPT,
        depth="../../../")  # /reports/YEAR/AGENCY/ → the site root


def _render_agency(env: jinja2.Environment, agency: str, reports: list[ReportView]) -> str:
    carry = [(v, f, describe(f)) for v in reports for f in v.outcome.findings
             if f.rule.startswith("across_years.")]
    columns = [key_figures(v.record) for v in reports]
    return _render(env, "agency.md.j2",
        agency=agency, reports=reports, carry=carry, columns=columns, info=reports[0].agency,
        chart=Markup(trend_chart([v.record.year for v in reports], [c[0][1] for c in columns],
                                 [c[3][1] for c in columns])),
        depth="../../")


# --- pages that list many reports: split so that none grows without bound --------------------------

RANKING_PAGE_ROWS = 1000  # a ranking table longer than this is split: by comparable group, then province
RANKING_TOP = 100  # a group split by province shows its best this many on its own page
ISSUES_PAGE_REPORTS = 500  # a year's findings on more reports than this are split by province
REGION_PAGE_BODIES = 1000  # a province with more bodies than this is listed a page per city
_PROVINCE = re.compile(r"^.+?(?:省|自治区|特别行政区|市)")
_CITY = re.compile(r"^.+?(?:市|自治州|地区|盟)")
_DISTRICT = re.compile(r"^.+?(?:区|县|旗)")
NO_REGION = "未注明地区"


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


class ListPage(NamedTuple):
    rel: str                               # the page's file under content/
    depth: str                             # from the page back to the site root
    path: tuple[str, ...]                  # the key values that led to it
    rows: list[dict]                       # every row under it
    children: list[tuple[str, str, int]]   # its child pages: (value, link, rows), if it is split


def _split(rows: list[dict], keys: list[str], limit: int, base: str) -> Iterable[ListPage]:
    """The pages of a long list whose first page is base.md: a list no longer than `limit`, or with
    no key left to split by, is one page holding every row; a longer one is split by the next key
    into child pages base/VALUE.md (and so on down)."""
    def walk(path: tuple[str, ...], rows: list[dict], keys: list[str]) -> Iterable[ListPage]:
        rel, depth = "/".join([base, *map(slug, path)]) + ".md", "../" * (base.count("/") + 1 + len(path))
        if len(rows) <= limit or not keys:
            yield ListPage(rel, depth, path, rows, [])
            return
        parts: dict[str, list[dict]] = {}
        for row in rows:
            parts.setdefault(row[keys[0]], []).append(row)
        yield ListPage(rel, depth, path, rows,
                       [(value, f"{slug(value)}/", len(part)) for value, part in sorted(parts.items())])
        for value, part in sorted(parts.items()):
            yield from walk(path + (value,), part, keys[1:])
    yield from walk((), rows, keys)


def _rankings(env: jinja2.Environment, writer: SiteWriter, views: list[ReportView], years: list[int]) -> None:
    """A year's ranking pages; a year none of whose reports changed keeps its pages without ranking it again."""
    for year in years:
        members = [v for v in views if v.brief.year == year]
        if writer.unchanged(f"rankings/{year}", _key(years, [v.key for v in members])):
            continue
        rows = ranking_rows(members, group_ranks(members))
        made = []
        for page in _split(rows, ["group", "province"], RANKING_PAGE_ROWS, f"rankings/{year}"):
            # a page split into groups links to them; one split within a group also shows its top rows
            top = page.rows[:RANKING_TOP] if page.children and page.path else [] if page.children else page.rows
            writer.page(page.rel, _key(year, years, page.path, [r["id"] for r in page.rows], page.children), partial(
                _render, env, "rankings.md.j2", year=year, years=years, path=page.path, rows=top,
                count=len(page.rows), children=page.children, indicators=INDICATORS,
                groups=sorted({r["group"] for r in page.rows}), depth=page.depth, top=RANKING_TOP))
            made.append(page.rel)
        writer.remember(f"rankings/{year}", made)
    writer.text("rankings/index.md", env.get_template("rankings_index.md.j2").render(
        years=[(y, sum(v.brief.year == y for v in views)) for y in reversed(years)]))



def _regions(env: jinja2.Environment, writer: SiteWriter, by_agency: dict[str, list[ReportView]]) -> None:
    """The directory of every reporting body: a page per province (per city in a province of more
    than REGION_PAGE_BODIES bodies), bodies listed by region."""
    places: dict[str, list[dict]] = {}
    for agency, reports in by_agency.items():
        v = reports[0]
        places.setdefault(v.province, []).append({
            "region": v.agency.region or NO_REGION, "agency": agency, "url": agency_url(agency),
            "reports": len(reports), "city": city(v.agency.region)})
    for name, bodies in places.items():
        bodies.sort(key=lambda b: (b["region"], b["agency"]))
        for page in _split(bodies, ["city"], REGION_PAGE_BODIES, region_url(name).removesuffix(".md")):
            writer.page(page.rel, _key(name, page.path, page.rows, page.children), partial(
                _render, env, "region.md.j2", name=" · ".join((name, *page.path)),
                bodies=[] if page.children else page.rows, count=len(page.rows), children=page.children,
                depth=page.depth))
    writer.text("regions/index.md", env.get_template("regions_index.md.j2").render(
        places=[(name, region_url(name).removeprefix("regions/"), len(bodies))
                for name, bodies in sorted(places.items())]))


def _issues(env: jinja2.Environment, writer: SiteWriter, views: list[ReportView], failed: list[Outcome],
            years: list[int], root: Path) -> None:
    """数据问题: the reports that could not be read, then every report's findings, a page per year."""
    counts = []
    for year in years:
        rows = [{"view": v, "province": v.province,
                 "items": [(f, describe(f), SEVERITY[f.severity]) for f in v.outcome.findings if f.severity != "info"]}
                for v in views if v.brief.year == year]
        rows = [r for r in rows if r["items"]]
        counts.append((year, len(rows)))
        for page in _split(rows, ["province"], ISSUES_PAGE_REPORTS, f"issues/{year}"):
            writer.page(page.rel, _key(year, page.path, [r["view"].key for r in page.rows], page.children), partial(
                _render, env, "issues.md.j2", year=year, path=page.path, rows=[] if page.children else page.rows,
                children=page.children, depth=page.depth))
    writer.text("issues/index.md", env.get_template("issues_index.md.j2").render(
        counts=counts, reports=len(views),
        failed=[(o, _relative(o.source, root), o.error or "; ".join(
            describe(f) for f in o.findings if f.severity == "error")) for o in failed]))


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def group_ranks(views: list[ReportView]) -> dict[int, dict[str, int]]:
    """Each report's rank within its comparable group and year, per indicator and overall
    (1 is best; equal scores share a rank; a missing score has no rank)."""
    out: dict[int, dict[str, int]] = {id(v): {} for v in views}
    groups: dict[tuple[int, str], list[ReportView]] = {}
    for v in views:
        groups.setdefault((v.brief.year, v.agency.group), []).append(v)
    for members in groups.values():
        for key in [ind.key for ind in INDICATORS] + ["overall"]:
            scored = [(v.score.overall if key == "overall" else v.score.values[key], v) for v in members]
            scored = sorted(((value, v) for value, v in scored if value is not None), key=lambda p: -p[0])
            for k, (value, v) in enumerate(scored):
                # the rank of a score is one more than the number of better scores
                rank = k + 1 if k == 0 or scored[k - 1][0] != value else out[id(scored[k - 1][1])][key]
                out[id(v)][key] = rank
    return out


def ranking_rows(views: list[ReportView], ranks: dict[int, dict[str, int]]) -> list[dict]:
    rows = []
    for v in views:
        r = ranks[id(v)]
        rows.append({"agency": v.brief.agency, "url": v.url, "region": v.agency.region, "group": v.agency.group,
                     "province": v.province, "scores": [(v.score.values[i.key], r.get(i.key)) for i in INDICATORS],
                     "overall": v.score.overall, "rank": r.get("overall"),
                     "id": f"{v.key}:{sorted(r.items())}"})  # all a row shows: its report's inputs and ranks
    rows.sort(key=lambda row: (row["overall"] is None, -(row["overall"] or 0), row["agency"]))
    return rows


def trend_chart(years: list[int], received: list[Any], disclosed: list[Any]) -> str:
    """A small SVG chart of applications received and disclosed per year (blank years left out)."""
    width, height, pad = 520, 200, 36
    values = [v for v in received + disclosed if v is not None]
    top = max(values + [1])
    step = (width - 2 * pad) / max(1, len(years))
    parts = [f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" aria-label="历年收到与公开的申请">',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" class="axis"/>']
    for k, year in enumerate(years):
        x = pad + k * step
        for j, (series, css) in enumerate(((received, "bar-received"), (disclosed, "bar-disclosed"))):
            v = series[k]
            if v is None:
                continue
            h = (height - 2 * pad) * v / top
            parts.append(f'<rect class="{css}" x="{x + 8 + j * step * 0.4:.1f}" y="{height - pad - h:.1f}" '
                         f'width="{step * 0.35:.1f}" height="{h:.1f}"><title>{year} 年：{v}</title></rect>')
            parts.append(f'<text x="{x + 8 + j * step * 0.4 + step * 0.17:.1f}" y="{height - pad - h - 4:.1f}" '
                         f'class="bar-label">{v}</text>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - pad + 16}" class="year-label">{year}</text>')
    parts.append(f'<text x="{pad}" y="16" class="legend"><tspan class="legend-received">■ 本年新收申请</tspan>'
                 f'<tspan dx="12" class="legend-disclosed">■ 予以公开</tspan></text></svg>')
    return "".join(parts)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def key_figures(record: Record) -> list[tuple[str, Any]]:
    """The figures an agency page compares across years."""
    a, rl = record.applications, record.review_litigation
    return [("本年新收申请", a.new[6]), ("上年结转", a.carried_over[6]), ("办理结果总计", a.outcomes.total[6]),
            ("予以公开", a.outcomes.disclosed[6]), ("部分公开", a.outcomes.partially_disclosed[6]),
            ("结转下年度", a.carried_forward[6]), ("行政复议", rl.review[4]),
            ("行政诉讼（直接起诉）", rl.litigation_direct[4]), ("行政诉讼（复议后起诉）", rl.litigation_after_review[4])]



SEARCH_TERMS = ("政府信息公开", "依申请公开", "主动公开", "行政复议", "行政诉讼", "年度报告", "不予公开",
                "部分公开", "予以公开", "无法提供", "不予处理", "行政规范性文件", "行政许可", "行政处罚", "行政强制")


def write_search_dictionary(path: Path, outcomes: list[Outcome]) -> None:
    """jieba's user dictionary for the search index: agency names and the template's terms stay
    whole words, so a search for 巴州区 or 行政复议 finds them."""
    words = sorted({o.brief.agency for o in outcomes if not o.failed} | set(SEARCH_TERMS))
    text = "".join(f"{w} 100000 n\n" for w in words if " " not in w)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
