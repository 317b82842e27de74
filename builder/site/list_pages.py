"""The pages that list many reports: rankings, the directory of bodies by region, the findings of
each year. Each is split (by comparable group, province, city) so that no page grows without bound,
and a year none of whose reports changed keeps its ranking pages without ranking it again.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Iterable, NamedTuple

import jinja2

from .feeds import region_feed
from .page_cache import SiteWriter
from ..store.files import _key
from ..record.outcome import Outcome
from ..index.scores import AGENCY_LEVELS, INDICATORS, MIN_N, UNDATED_SHOWN, basis_text, undated
from ..index.standing import OVERALL
from . import views as page_views
from ..index.scores import NO_REGION
from .views import STATUS_TEXT, ReportView, agency_url, city, rank_span, region_url, slug
from ..index.wording import SEVERITY, describe

RANKING_PAGE_ROWS = 1000  # a ranking table longer than this is split: by comparable group, then province
RANKING_TOP = 100  # a group split by province shows its best this many on its own page
ISSUES_PAGE_REPORTS = 500  # a year's findings on more reports than this are split by province
REGION_PAGE_BODIES = 1000  # a province with more bodies than this is listed a page per city


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
        rows = ranking_rows(members)
        made = []
        for page in _split(rows, ["group", "province"], RANKING_PAGE_ROWS, f"rankings/{year}"):
            # a page split into groups links to them; one split within a group also shows its top rows
            top = page.rows[:RANKING_TOP] if page.children and page.path else [] if page.children else page.rows
            writer.page(page.rel, _key(year, years, page.path, [r["id"] for r in page.rows], page.children), partial(
                page_views.render, env, "rankings.md.j2", year=year, years=years, path=page.path, rows=top,
                grouped=grouped(top), count=len(page.rows), children=page.children, indicators=INDICATORS,
                min_n=MIN_N, undated_shown=UNDATED_SHOWN,
                groups=[g for g, _ in grouped(page.rows)], depth=page.depth, top=RANKING_TOP))
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
                page_views.render, env, "region.md.j2", name=" · ".join((name, *page.path)), feed=region_feed(name),
                bodies=[] if page.children else page.rows, count=len(page.rows), children=page.children,
                depth=page.depth))
    writer.text("regions/index.md", env.get_template("regions_index.md.j2").render(
        places=[(name, region_url(name).removeprefix("regions/"), len(bodies))
                for name, bodies in sorted(places.items())]))


def _issues(env: jinja2.Environment, writer: SiteWriter, views: list[ReportView], failed: list[Outcome],
            years: list[int], root: Path) -> None:
    """数据问题: the reports that could not be read, then every report's findings, a page per year."""
    counts = []
    by_year: dict[int, list[dict]] = {year: [] for year in years}
    for v in views:  # a report with findings to list; their sentences are made only for a page made again
        if any(f.severity != "info" for f in v.outcome.findings):
            by_year[v.brief.year].append({"view": v, "province": v.province})
    for year in years:
        rows = by_year[year]
        counts.append((year, len(rows)))
        for page in _split(rows, ["province"], ISSUES_PAGE_REPORTS, f"issues/{year}"):
            writer.page(page.rel, _key(year, page.path, [r["view"].key for r in page.rows], page.children), partial(
                _issues_page, env, year=year, path=page.path, rows=[] if page.children else page.rows,
                children=page.children, depth=page.depth))
    writer.text("issues/index.md", env.get_template("issues_index.md.j2").render(
        counts=counts, reports=len(views),
        failed=[(o, _relative(o.source, root), o.error or "; ".join(
            describe(f) for f in o.findings if f.severity == "error")) for o in failed]))


def _issues_page(env: jinja2.Environment, rows: list[dict], **context: object) -> str:
    """A page of a year's findings: each row's findings (not info) as (finding, sentence, severity word)."""
    items = [{**r, "items": [(f, describe(f), SEVERITY[f.severity]) for f in r["view"].outcome.findings
                             if f.severity != "info"]} for r in rows]
    return page_views.render(env, "issues.md.j2", rows=items, **context)


def ranking_rows(views: list[ReportView]) -> list[dict]:
    """A ranking table's rows: each indicator's value with its counts and rank (a timeliness 0 of a
    report with no date says so: scores.undated), the overall score with its rank range and how many
    indicators it rests on (scores.basis), or why the report is not ranked; by comparable group
    (group_order), and in each ranked reports first, best first."""
    rows = []
    for v in views:
        st, s = v.standing, v.score
        cells = []
        for ind in INDICATORS:
            x = s.values[ind.key]
            counts = f"{x.numerator:g}/{x.denominator:g}" if x.denominator is not None and ind.denominator else ""
            cells.append({"value": x.value, "status": x.status, "counts": counts, "rank": st.ranks.get(ind.key),
                          "range": rank_span(st, ind.key), "text": STATUS_TEXT[x.status],
                          "undated": ind.key == "timeliness" and undated(x)})
        rows.append({"agency": v.brief.agency, "edition": v.brief.template, "url": v.url, "region": v.agency.region,
                     "group": v.agency.group,
                     "province": v.province, "scores": cells, "overall": s.overall, "reason": s.reason,
                     "basis": basis_text(s), "rank": st.ranks.get(OVERALL), "range": rank_span(st, OVERALL),
                     "sensitivity": st.sensitivity_range,
                     "id": f"{v.key}:{v.page_key}"})  # all a row shows: its report's inputs and standing
    rows.sort(key=lambda row: (group_order(row["group"]), row["overall"] is None, -(row["overall"] or 0),
                               row["agency"]))
    return rows


_LEVELS = {level: k for k, level in enumerate(AGENCY_LEVELS)}
_KINDS = {"人民政府": 0, "部门": 1, "机关": 2}


def group_order(group: str) -> tuple[int, int, str]:
    """Comparable groups in the order a ranking lists them: by level (省级 … 乡级, then 未分级), a
    level's governments before its departments (scores.Agency.group names them)."""
    for level, k in _LEVELS.items():
        if group.startswith(level):
            return k, _KINDS.get(group[len(level):], 3), group
    return len(_LEVELS), _KINDS.get(group.removeprefix("未分级"), 3), group


def grouped(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """A ranking's rows under their comparable groups, in group_order (the rows are so sorted)."""
    out: list[tuple[str, list[dict]]] = []
    for row in rows:
        if not out or out[-1][0] != row["group"]:
            out.append((row["group"], []))
        out[-1][1].append(row)
    return out


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
