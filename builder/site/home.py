"""The home page at a glance: the reports by year and by province, the coverage of the regions that have
a registry (linked to their coverage pages), and the spread of key rates per year (P25, median, P75 of
the reports that are scored), as small inline SVG charts with the same numbers in tables.

Numbers come from the reports' scores (scores.Value) and the coverage entries (coverage.Entry); the
quartiles are standing.quartiles, the rule the rankings print."""
from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Optional

from ..index.coverage import Entry, tally
from ..index.scores import INDICATORS
from ..index.standing import quartiles
from .views import ReportView, slug

SPREAD_KEYS = ("disclosure", "corrected")  # the rates whose spread the home page shows


@dataclass
class Spread:
    """One indicator's spread in one year: the scored reports' count and P25, median, P75 (in %)."""

    year: int
    n: int
    p25: float
    median: float
    p75: float
    low: float
    high: float


def spreads(views: Iterable[ReportView], key: str) -> list[Spread]:
    """Per year (ascending), the spread of indicator `key` over the reports where it is scored; a year
    with none is left out."""
    by_year: dict[int, list[float]] = {}
    for v in views:
        value = v.score.values[key]
        if value.scored and value.value is not None:
            by_year.setdefault(v.brief.year, []).append(value.value)
    return [Spread(year, len(xs), *quartiles(xs), min(xs), max(xs)) for year, xs in sorted(by_year.items())]


def bar_chart(counts: list[tuple[str, int]], label: str, left: int = 40) -> str:
    """A horizontal bar chart (SVG, viewBox-scaled) of counts per name (left: the room for the names, in
    the viewBox's units, 10 to a character), the number at each bar's end."""
    row, width = 18, 300
    top = max([n for _, n in counts] + [1])
    height = row * len(counts) + 4
    parts = [f'<svg class="mini" viewBox="0 0 {width} {height}" role="img" aria-label="{label}">']
    for k, (name, n) in enumerate(counts):
        y = 2 + k * row
        w = (width - left - 40) * n / top
        parts.append(f'<text x="{left - 4}" y="{y + 12}" class="label-end">{html.escape(name)}</text>'
                     f'<rect class="bar" x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 6}"/>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 12}">{n}</text>')
    return "".join(parts) + "</svg>"


def box_chart(rows: list[Spread], label: str) -> str:
    """Per year a box from P25 to P75 with its median and a line from the lowest to the highest value,
    on a 0–100 scale (SVG, viewBox-scaled)."""
    row, left, width = 20, 40, 300
    span = width - left - 10
    height = row * len(rows) + 18
    x = lambda v: left + span * v / 100  # noqa: E731
    parts = [f'<svg class="mini" viewBox="0 0 {width} {height}" role="img" aria-label="{label}">']
    for k, s in enumerate(rows):
        y = 2 + k * row
        parts.append(f'<text x="{left - 4}" y="{y + 13}" class="label-end">{s.year}</text>'
                     f'<line class="whisker" x1="{x(s.low):.1f}" y1="{y + 9}" x2="{x(s.high):.1f}" y2="{y + 9}"/>'
                     f'<rect class="box" x="{x(s.p25):.1f}" y="{y + 3}" width="{max(1.0, x(s.p75) - x(s.p25)):.1f}" '
                     f'height="12"><title>{s.year} 年：P25 {s.p25:.1f}，中位数 {s.median:.1f}，P75 {s.p75:.1f}'
                     f'（{s.n} 份）</title></rect>'
                     f'<line class="median" x1="{x(s.median):.1f}" y1="{y + 3}" x2="{x(s.median):.1f}" y2="{y + 15}"/>')
    base = 2 + len(rows) * row
    for v in (0, 50, 100):
        parts.append(f'<text x="{x(v):.1f}" y="{base + 12}" text-anchor="middle">{v}</text>')
    return "".join(parts) + "</svg>"


NEWEST = 20  # the home page's 最新收录的报告
DATE_NAMES = {"posted_on": "发布日期", "published_on": "落款日期"}


def best_date(v: ReportView) -> tuple[Optional[dt.date], Optional[str]]:
    """A report's best evidence of when it was published, as scores.publication takes it: the date the
    publisher posted it (posted_on), else the date it prints (published_on); and which it is."""
    if v.brief.posted_on:
        return v.brief.posted_on, "posted_on"
    if v.brief.published_on:
        return v.brief.published_on, "published_on"
    return None, None


def newest(views: Iterable[ReportView], n: int = NEWEST) -> list[dict]:
    """The n reports published last by their best date (best_date; undated ones after, newest year first):
    each {view, date, which (发布日期 | 落款日期 | None)}."""
    rows = []
    for v in views:
        date, which = best_date(v)
        rows.append({"view": v, "date": date, "which": DATE_NAMES.get(which or "")})
    rows.sort(key=lambda r: (r["date"] is not None, r["date"] or dt.date.min, r["view"].brief.year,
                             r["view"].brief.agency), reverse=True)
    return rows[:n]


def at_a_glance(views: list[ReportView], entries: list[Entry], registered: set[str],
                province_of) -> dict:
    """What the home page shows at a glance (see the module's docstring): by_year [(year, n)],
    by_province [(name, n)] (most first), coverage [{region, url, first, last, tally}] for the regions
    with a registry, spreads [(indicator, [Spread])] and the charts as SVG text."""
    by_year = sorted(Counter(v.brief.year for v in views).items())
    by_province = sorted(Counter(province_of(v) for v in views).items(), key=lambda kv: (-kv[1], kv[0]))
    covered = []
    for region in sorted(registered):
        rows = [e for e in entries if e.region == region]
        if rows:
            covered.append({"region": region, "url": f"coverage/{slug(region)}/", "first": min(e.year for e in rows),
                            "last": max(e.year for e in rows), "tally": tally(rows)})
    names = {ind.key: ind for ind in INDICATORS}
    spread = [(names[key], spreads(views, key)) for key in SPREAD_KEYS]
    return {"by_year": by_year, "by_province": by_province, "coverage": covered,
            "spreads": [(ind, rows, box_chart(rows, f"各年度{ind.name}的分布")) for ind, rows in spread if rows],
            "year_chart": bar_chart([(str(y), n) for y, n in by_year], "各年度的报告数"),
            "province_chart": bar_chart(by_province[:12], "各省份的报告数",
                                        10 * max([len(name) for name, _ in by_province[:12]] + [3]) + 8)}


