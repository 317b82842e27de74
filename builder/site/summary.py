"""What the top of a report page and of a body page says at a glance: the applications received, the
公开率 with its counts, the review and litigation outcomes, the overall score and rank in its group
(loaded by the page from the report's standing file: it changes when another report joins the group),
how many cells are unread, inferred or corrected; the body page's chart (applications and overall
score per year); the 纠错 link that opens a prefilled issue in the repository.

Every number here is taken from the record (a cell, with its status) or from the score (scores.Value),
never recomputed: the summary shows what the tables below it show.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional
from urllib.parse import quote, urlencode

import yaml

from ..record.models import Finding, Record, iter_cells
from ..index.scores import Score
from .views import CellView, Marked, cell

# the template's cells the summary shows (2021 and 2019 editions alike): path, label
SUMMARY_CELLS = (
    ("applications.new[6]", "本年新收申请"),
    ("review_litigation.review[4]", "行政复议 总计"),
    ("review_litigation.review[1]", "行政复议 结果纠正"),
    ("review_litigation.litigation_direct[4]", "行政诉讼（未经复议直接起诉）总计"),
    ("review_litigation.litigation_direct[1]", "行政诉讼（未经复议直接起诉）结果纠正"),
    ("review_litigation.litigation_after_review[4]", "行政诉讼（复议后起诉）总计"),
    ("review_litigation.litigation_after_review[1]", "行政诉讼（复议后起诉）结果纠正"),
)


@dataclass
class Summary:
    """A report's summary: cells (path → CellView of SUMMARY_CELLS), the 公开率 (value in %, numerator,
    denominator, status; None values when the score has none), the overall score (None: not ranked, with
    reason; its rank is loaded by the page, views.standing_texts), and the counts of unread / inferred /
    corrected cells of the record."""

    cells: dict[str, CellView]
    disclosure: Optional[float]
    numerator: Optional[float]
    denominator: Optional[float]
    disclosure_status: str
    disclosure_note: str
    overall: Optional[float]
    reason: str
    unread: int
    inferred: int
    corrected: int

    def __getitem__(self, path: str) -> CellView:
        return self.cells[path]


def summary(record: Record, score: Score, findings: Iterable[Finding], marked: Marked | None = None) -> Summary:
    """The summary of one report (see Summary): cells from the record, each as its report page's tables
    show it (views.cell: its status, and the mark and words of the findings that flag it), rates from the
    score; the counts are of the cells of the report's own template edition, by their status. Its rank in
    its group is not here: pages load it (views.standing_texts). `marked`: Marked.of(record, findings), if
    at hand."""
    d = score.values["disclosure"]
    m = marked or Marked.of(record, findings)
    counts = Counter(m.at.status(path) for path, _ in iter_cells(record, own=True))
    return Summary(
        cells={path: cell(record, path, m.flagged, m.at, m.extracted) for path, _ in SUMMARY_CELLS},
        disclosure=d.value, numerator=d.numerator, denominator=d.denominator,
        disclosure_status=d.status, disclosure_note=d.note,
        overall=score.overall, reason=score.reason,
        unread=counts["unread"], inferred=counts["inferred"], corrected=counts["corrected"])


# where the repository is: one setting, in mkdocs.yml (extra.repository); the site's address (site_url)
# when it has one. Under `extra` rather than MkDocs' repo_url, so that the theme makes no request to
# GitHub's API from each reader's browser.
def site_settings(root: Path) -> tuple[str, str]:
    """(repository URL, site URL) from root/mkdocs.yml: extra.repository and site_url, "" when absent
    or when the file cannot be read (the 纠错 link is then left out)."""
    try:
        config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Lenient) or {}
    except (OSError, yaml.YAMLError):
        return "", ""
    repo = str((config.get("extra") or {}).get("repository") or "")
    return repo.rstrip("/"), str(config.get("site_url") or "").rstrip("/")


class _Lenient(yaml.SafeLoader):
    """mkdocs.yml may hold tags for MkDocs' own loader (!!python/name, ...); they read as None here, but
    !ENV as MkDocs reads it (the deploy gives site_url so: mkdocs.yml)."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """!ENV NAME: the variable's value, or None; !ENV [NAME, ..., DEFAULT]: the first variable set, else DEFAULT."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        *names, default = loader.construct_sequence(node) or [None]
    return next((os.environ[n] for n in names if os.environ.get(n)), default)


_Lenient.add_constructor("!ENV", _env)
_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def issue_url(repository: str, site: str, record: Record, page: str) -> str:
    """A link that opens a new GitHub issue about a report, its title and body filled in: the body, year,
    page address (site + page, page relative to the root: reports/2023/X/) and the source's SHA-256. "" without
    a repository. An IRI: ASCII is URL-encoded, while letters, digits, punctuation and symbols beyond ASCII
    (汉字) stay as they are, which browsers send UTF-8 encoded (a third of the bytes on every report page);
    any other character (spaces, line breaks, zero-width and control characters) is URL-encoded."""
    if not repository:
        return ""
    address = f"{site}/{page}" if site else f"/{page}"
    title = f"纠错：{record.agency} {record.year} 年度报告"
    body = (f"报告机关：{record.agency}\n报告年度：{record.year}\n页面：{address}\n"
            f"源文件 SHA-256：{record.source.sha256}\n\n"
            "哪个数字有误（表格、行、列）：\n\n报告原文印的是：\n\n本站显示的是：\n")
    return f"{repository}/issues/new?" + urlencode({"title": title, "body": body}, quote_via=_iri_quote)


# what needs a look: anything but ASCII's unreserved characters and the CJK ideographs, symbols and
# punctuation and the full-width forms (all letters, punctuation or symbols: not U+3000, a space, nor the
# combining tone marks U+302A-302F)
_TO_CHECK = re.compile(r"[^A-Za-z0-9_.~\-\u3001-\u3029\u3030-\u303f\u4e00-\u9fff\uff01-\uff60]")


def _iri_quote(text: str, safe: str = "", encoding: Any = None, errors: Any = None) -> str:
    """URL-encode text for an IRI's query (urlencode's quote_via): see issue_url."""
    def one(m: re.Match) -> str:
        c = m.group()
        return c if ord(c) > 127 and unicodedata.category(c)[0] in "LNPS" else quote(c, safe="")
    return _TO_CHECK.sub(one, text)


def _fmt(v: Any) -> str:
    return "—" if v is None else (f"{v:.15g}" if isinstance(v, float) else str(v))


def trend_chart(years: list[int], series: dict[str, list[Any]], overall: list[Optional[float]]) -> str:
    """A small SVG chart, legible from 320 px wide: per year, bars of applications (series: label →
    values per year, in the order 本年新收, 予以公开, 部分公开, each a number or a views.CellView, whose
    bar carries its finding's mark when one flags it: outlined, ⚠ in its label and title; None left
    out), and the overall score's line (0–100, right axis; None: not ranked, a gap). viewBox-scaled;
    labels sit inside their year's slot, so they do not overlap however narrow the screen."""
    width, height, left, right, top_pad, bottom = 360, 240, 8, 30, 52, 24
    plot_h = height - top_pad - bottom
    flags = {label: [isinstance(v, CellView) and v.finding for v in vs] for label, vs in series.items()}
    series = {label: [v.value if isinstance(v, CellView) else v for v in vs] for label, vs in series.items()}
    values = [v for vs in series.values() for v in vs if v is not None]
    top = max(values + [1])
    slot = (width - left - right) / max(1, len(years))
    bar = slot * 0.8 / max(1, len(series))
    css = ("bar-received", "bar-disclosed", "bar-partial")
    base = height - bottom
    parts = [f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="历年收到、公开、部分公开的申请与总分">',
             f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" class="axis"/>',
             f'<line x1="{width - right}" y1="{top_pad}" x2="{width - right}" y2="{base}" class="axis"/>',
             f'<text x="{width - right + 3}" y="{top_pad + 4}" class="score-axis">100</text>',
             f'<text x="{width - right + 3}" y="{base}" class="score-axis">0</text>']
    points = []
    for k, year in enumerate(years):
        x0 = left + k * slot + slot * 0.1
        for j, (label, vs) in enumerate(series.items()):
            v = vs[k]
            if v is None:
                continue
            h = plot_h * v / top
            x = x0 + j * bar
            flagged = flags[label][k]
            mark, why = ("⚠", "（有核对问题：与表内数字矛盾，见报告页）") if flagged else ("", "")
            parts.append(f'<rect class="{css[j % 3]}{" bar-flagged" * flagged}" x="{x:.1f}" y="{base - h:.1f}" '
                         f'width="{bar * 0.9:.1f}" height="{h:.1f}">'
                         f'<title>{year} 年{label}：{_fmt(v)}{why}</title></rect>')
            if slot >= 60 or flagged:  # a number over its bar only when the bar is wide enough for it
                parts.append(f'<text x="{x + bar * 0.45:.1f}" y="{base - h - 3:.1f}" class="bar-label'
                             f'{" bar-flag" * flagged}">{mark}{_fmt(v) if slot >= 60 else ""}</text>')
        parts.append(f'<text x="{left + k * slot + slot / 2:.1f}" y="{base + 15}" class="year-label">{year}</text>')
        if overall[k] is not None:
            points.append((left + k * slot + slot / 2, base - plot_h * overall[k] / 100, year, overall[k]))
    if len(points) > 1:
        parts.append('<polyline class="score-line" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points) + '"/>')
    for x, y, year, v in points:
        parts.append(f'<circle class="score-dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
                     f'<title>{year} 年总分：{v:.1f}</title></circle>'
                     f'<text x="{x:.1f}" y="{y - 7:.1f}" class="score-label">{v:.1f}</text>')
    names = list(series)
    gap = ' dx="8"'
    legend = "".join(f'<tspan class="legend-{c.split("-")[1]}"{gap if j else ""}>■ {names[j]}</tspan>'
                     for j, c in enumerate(css[:len(names)]))
    parts.append(f'<text x="{left}" y="14" class="legend">{legend}</text>'
                 f'<text x="{left}" y="30" class="legend"><tspan class="legend-score">● 总分（右轴 0–100）</tspan>'
                 f'</text></svg>')
    return "".join(parts)
