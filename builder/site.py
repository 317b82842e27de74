"""Stage 5: records → the site's Markdown pages in content/ (MkDocs turns them into site/).

Every page is rendered with Jinja2 with autoescaping on: a report is untrusted input. Text
from a report goes into raw HTML blocks (escaped), so Markdown never interprets it either.
A page file is written only when its content changed, and pages of reports that are gone
are removed; the output depends on the records alone (no clock), so builds are reproducible.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup

from . import downloads
from .models import Finding, Record, get_path
from .pipeline import Outcome, safe_name
from .scores import ARTICLE_49, INDICATORS, OVERALL_RULE, Agency, Score, deadline, load_agencies, score
from .template import APPLICATION_COLUMNS, APPLICATION_ROWS, ARTICLE20_ITEMS, REVIEW_COLUMNS, REVIEW_ROWS
from .wording import SEVERITY, cell_name, describe

# the search index holds a report's name, region, headings and the opening of its narrative (this many
# characters), not its tables nor all its prose: the index must stay small at tens of thousands of pages
SEARCH_EXCERPT = 120
GENERATED = ("index.md", "issues.md", "methodology.md", "data.md", "reports", "agencies", "rankings", "downloads")
FORMATS = {"text": "文本", "html": "网页", "pdf": "PDF", "pdf-ocr": "扫描 PDF（OCR 识别）", "docx": "Word 文档"}


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


def slug(agency: str) -> str:
    return safe_name(agency)


def report_url(record: Record) -> str:
    """The page of a report, relative to the site root (stable, readable: /reports/2023/巴州区/)."""
    return f"reports/{record.year}/{slug(record.agency)}.md"


def agency_url(agency: str) -> str:
    return f"agencies/{slug(agency)}.md"


@dataclass
class CellView:
    value: Any
    state: str  # printed | inferred | corrected | missing
    finding: bool
    title: str

    @property
    def css(self) -> str:
        return f"cell-{self.state}" + (" cell-finding" if self.finding else "")

    @property
    def text(self) -> str:
        v = self.value
        return "—" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


_STATE_TITLE = {"printed": "报告印发的数字", "inferred": "推算值：报告此处空白，由表内勾稽关系唯一确定",
                "corrected": "人工更正：维护者按报告原文更正", "missing": "未印：报告此处空白或无法辨认"}


def cell(record: Record, path: str, flagged: dict[str, list[str]]) -> CellView:
    value = get_path(record, path)
    if path in record.corrected:
        state = "corrected"
    elif path in record.inferred:
        state = "inferred"
    elif value is None:
        state = "missing"
    else:
        state = "printed"
    title = _STATE_TITLE[state] + ("；" + "；".join(flagged[path]) if path in flagged else "")
    return CellView(value, state, path in flagged, title)


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
        cells = [cell(record, f"{r.path}[{i}]", flagged) for i in range(7)]
        rows.append({"lead": lead, "cells": cells})
    return rows


def article20_rows(record: Record, flagged: dict[str, list[str]]) -> list[dict]:
    out, last = [], None
    for item in ARTICLE20_ITEMS:
        if item.item != last:
            out.append({"heading": item.item, "columns": [c for _, c in item.columns]})
            last = item.item
        paths = [f"{item.path}.{f}" if f else item.path for f, _ in item.columns]
        out.append({"label": item.label, "cells": [cell(record, p, flagged) for p in paths]})
    return out


def review_cells(record: Record, flagged: dict[str, list[str]]) -> list[CellView]:
    return [cell(record, f"{r.path}[{i}]", flagged) for r in REVIEW_ROWS for i in range(5)]


@dataclass
class ReportView:
    outcome: Outcome
    record: Record
    url: str
    download: str | None
    agency: Agency
    score: Score


class SiteWriter:
    """Writes files under content/ only when they change, and remembers what it wrote."""

    def __init__(self, out: Path):
        self.out = out
        self.written = 0
        self.kept: set[Path] = set()

    def text(self, rel: str, content: str) -> None:
        self._put(rel, content.encode("utf-8"))

    def copy(self, rel: str, source: Path) -> None:
        self._put(rel, source.read_bytes())

    def text_bytes(self, rel: str, data: bytes) -> None:
        self._put(rel, data)

    def _put(self, rel: str, data: bytes) -> None:
        path = self.out / rel
        self.kept.add(path)
        if path.exists() and path.read_bytes() == data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written += 1

    def prune(self) -> None:
        """Remove generated files that no report produces any more."""
        for name in GENERATED:
            target = self.out / name
            if target.is_file() and target not in self.kept:
                target.unlink()
            elif target.is_dir():
                for path in sorted(target.rglob("*"), reverse=True):
                    if path.is_file() and path not in self.kept:
                        path.unlink()
                    elif path.is_dir() and not any(path.iterdir()):
                        path.rmdir()


def build_site(outcomes: list[Outcome], root: Path, out_dir: Path) -> int:
    """Write the site's pages for these outcomes into out_dir; returns the files (re)written."""
    env = _env()
    writer = SiteWriter(out_dir)
    agencies = load_agencies(root / "reports" / "agencies.yaml")
    good = sorted((o for o in outcomes if not o.failed), key=lambda o: (o.record.agency, o.record.year))
    failed = sorted((o for o in outcomes if o.failed), key=lambda o: str(o.source))
    views = []
    for o in good:
        ext = o.source.suffix.lower()
        if ext in (".html", ".htm"):  # a saved web page is offered as text, never served as a page
            ext += ".txt"
        download = f"downloads/{o.record.year}/{slug(o.record.agency)}{ext}"
        writer.copy(download, o.source)
        info = agencies.get(o.record.agency, Agency(o.record.agency))
        views.append(ReportView(o, o.record, report_url(o.record), download, info, score(o.record, info)))

    ranks = group_ranks(views)
    page = env.get_template("report.md.j2")
    for v in views:
        flagged = _flagged(v.outcome.findings)
        findings = [f for f in v.outcome.findings if f.severity != "info"]
        due, rule = deadline(v.record, v.agency)
        writer.text(v.url, page.render(
            r=v.record, url=v.url, download=v.download, formats=FORMATS,
            a20=article20_rows(v.record, flagged), apps=application_rows(v.record, flagged),
            applicant_columns=APPLICATION_COLUMNS, review=review_cells(v.record, flagged),
            review_columns=REVIEW_COLUMNS, findings=[(f, describe(f), SEVERITY[f.severity], cell_name(f.path))
                                                     for f in findings],
            agency_url=agency_url(v.record.agency), states=_STATE_TITLE, info=v.agency,
            scores=[(ind, v.score.values[ind.key]) for ind in INDICATORS],
            overall=v.score.overall, due=due, due_rule=rule,
            excerpt=SEARCH_EXCERPT,
            depth="../../../"))  # /reports/YEAR/AGENCY/ → the site root

    by_agency: dict[str, list[ReportView]] = {}
    for v in views:
        by_agency.setdefault(v.record.agency, []).append(v)
    agency_page = env.get_template("agency.md.j2")
    for agency, reports in sorted(by_agency.items()):
        reports.sort(key=lambda v: v.record.year)
        carry = [(v, f, describe(f)) for v in reports for f in v.outcome.findings
                 if f.rule.startswith("across_years.")]
        columns = [key_figures(v.record) for v in reports]
        writer.text(agency_url(agency), agency_page.render(
            agency=agency, reports=reports, carry=carry, columns=columns, info=reports[0].agency,
            chart=Markup(trend_chart([v.record.year for v in reports], [c[0][1] for c in columns],
                                     [c[3][1] for c in columns])),
            depth="../../"))

    years = sorted({v.record.year for v in views})
    ranking = env.get_template("rankings.md.j2")
    for year in years:
        rows = ranking_rows([v for v in views if v.record.year == year], ranks)
        writer.text(f"rankings/{year}.md", ranking.render(
            year=year, years=years, rows=rows, indicators=INDICATORS,
            groups=sorted({r["group"] for r in rows}), depth="../../"))
    writer.text("rankings/index.md", env.get_template("rankings_index.md.j2").render(
        years=[(y, sum(v.record.year == y for v in views)) for y in reversed(years)]))
    writer.text("methodology.md", env.get_template("methodology.md.j2").render(
        indicators=INDICATORS, overall_rule=OVERALL_RULE, article_49=ARTICLE_49))

    rows = [downloads.Row(v.record, v.agency, v.score, tuple(v.outcome.findings)) for v in views]
    files = []
    for name, (description, make) in downloads.FILES.items():
        data = make(rows)
        writer.text_bytes(f"downloads/data/{name}", data)
        files.append((name, description, _size(len(data))))
    writer.text("data.md", env.get_template("data.md.j2").render(
        files=files, columns=downloads.columns(), count=len(views)))

    newest = sorted(views, key=lambda v: (v.record.source.published_on is not None,
                                          v.record.source.published_on or v.record.year, v.record.agency),
                    reverse=True)
    writer.text("index.md", env.get_template("index.md.j2").render(
        views=views, newest=newest[:20], agencies=sorted(by_agency), years=years,
        failed=failed, agency_url=agency_url))
    writer.text("issues.md", env.get_template("issues.md.j2").render(
        views=[(v, [(f, describe(f), SEVERITY[f.severity]) for f in v.outcome.findings if f.severity != "info"])
               for v in views],
        failed=[(o, _relative(o.source, root), o.error or "; ".join(
            describe(f) for f in o.findings if f.severity == "error")) for o in failed]))
    writer.prune()
    return writer.written


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def group_ranks(views: list[ReportView]) -> dict[int, dict[str, int]]:
    """Each report's rank within its comparable group and year, per indicator and overall
    (1 is best; equal scores share a rank; a missing score has no rank)."""
    out: dict[int, dict[str, int]] = {id(v): {} for v in views}
    groups: dict[tuple[int, str], list[ReportView]] = {}
    for v in views:
        groups.setdefault((v.record.year, v.agency.group), []).append(v)
    keys = [ind.key for ind in INDICATORS] + ["overall"]
    for members in groups.values():
        for key in keys:
            def value(v: ReportView) -> float | None:
                return v.score.overall if key == "overall" else v.score.values[key]
            scored = sorted((v for v in members if value(v) is not None), key=lambda v: -value(v))
            for v in scored:
                out[id(v)][key] = 1 + sum(1 for w in scored if value(w) > value(v))
    return out


def ranking_rows(views: list[ReportView], ranks: dict[int, dict[str, int]]) -> list[dict]:
    rows = []
    for v in views:
        r = ranks[id(v)]
        rows.append({"agency": v.record.agency, "url": v.url, "region": v.agency.region, "group": v.agency.group,
                     "scores": [(v.score.values[i.key], r.get(i.key)) for i in INDICATORS],
                     "overall": v.score.overall, "rank": r.get("overall")})
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
    words = sorted({o.record.agency for o in outcomes if not o.failed} | set(SEARCH_TERMS))
    text = "".join(f"{w} 100000 n\n" for w in words if " " not in w)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
