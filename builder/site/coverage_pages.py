"""The coverage pages (覆盖与及时性): a summary across regions (coverage/), and for each region with a
registry a page listing its years (coverage/REGION/) and a page per year listing every body
(coverage/REGION/YEAR/): its report (linked to its page), listed by its publisher only (linked to the
original), or not found; on time, late by N days, or date unknown (builder/index/coverage.py).

A region without a registry knows only the reports it has (nothing can be found missing there): the
summary counts those regions a row per province, so that no page grows with the number of regions."""
from __future__ import annotations

from functools import partial
from typing import Iterable

import jinja2

from ..index.coverage import EVIDENCE, Entry, lapses, tally
from .page_cache import SiteWriter
from ..store.files import _key
from ..index.scores import ARTICLE_49
from . import views as page_views
from .views import agency_url, province, slug

LAPSES = "coverage/lapses"  # 逾期与缺失: a page, split by province past LAPSES_PAGE_ROWS bodies
LAPSES_PAGE_ROWS = 1000

KINDS = {"government": "人民政府", "department": "部门"}
EVIDENCE_NAMES = {"posted_on": "发布日期", "registry": "登记表", "published_on": "落款日期"}


def coverage_pages(env: jinja2.Environment, writer: SiteWriter, entries: Iterable[Entry],
                   bodies_with_pages: dict[str, str], registered: set[str]) -> None:
    """Write the coverage pages for these entries: pages of their own for the regions in `registered`
    (those with a registry), a row per province of the summary for the others. A body with a page of its
    own (a report in the repository) is linked to it: `bodies_with_pages` gives, by its id (Entry.body_id),
    the name each body's page is shown under (views.bodies), so a name the registry spells otherwise, or a
    body's former name, finds it."""
    by_region: dict[str, list[Entry]] = {}
    by_province: dict[str, list[Entry]] = {}
    entries_list = list(entries)
    for e in entries_list:
        if e.region in registered:
            by_region.setdefault(e.region, []).append(e)
        else:
            by_province.setdefault(province(e.region), []).append(e)
    regions = []
    for region, members in sorted(by_region.items()):
        base = f"coverage/{slug(region)}"
        years: dict[int, list[Entry]] = {}
        for e in members:
            years.setdefault(e.year, []).append(e)
        for year, rows in sorted(years.items()):
            rows.sort(key=lambda e: (e.kind != "government", e.body))
            linked = sorted((e.body, bodies_with_pages[e.body_id]) for e in rows if e.body_id in bodies_with_pages)
            writer.page(f"{base}/{year}.md", _key("coverage", region, year, rows,
                                                 linked),
                        partial(page_views.render, env, "coverage_year.md.j2", region=region, year=year, entries=rows,
                                tally=tally(rows), kinds=KINDS, evidence_names=EVIDENCE_NAMES, agency_url=agency_url,
                                pages=dict(linked), depth="../../../"))
        summary = [(year, tally(rows)) for year, rows in sorted(years.items(), reverse=True)]
        writer.page(f"{base}/index.md", _key("coverage", region, summary), partial(
            page_views.render, env, "coverage_region.md.j2", region=region, years=summary, depth="../../"))
        regions.append({"region": region, "url": f"{slug(region)}/", "first": min(years), "last": max(years),
                        "tally": tally(members)})
    _lapses_pages(env, writer, entries_list, pages=bodies_with_pages, registered=registered)
    others = [{"province": name, "regions": len({e.region for e in members}), "first": min(e.year for e in members),
               "last": max(e.year for e in members), "tally": tally(members)}
              for name, members in sorted(by_province.items())]
    writer.text("coverage/index.md", env.get_template("coverage_index.md.j2").render(
        regions=regions, others=others, article_49=ARTICLE_49, evidence=EVIDENCE))


def _lapses_pages(env: jinja2.Environment, writer: SiteWriter, entries: list[Entry], pages: dict[str, str],
                  registered: set[str]) -> None:
    """逾期与缺失 (coverage/lapses/): every body late or without a report found, across the years
    (coverage.lapses), the newest lapse first; a page per province when they are many."""
    from .list_pages import _split

    rows = [{"lapses": b, "province": province(b.region), "page": pages.get(b.body_id),
             "coverage": f"coverage/{slug(b.region)}/" if b.region in registered else None}
            for b in lapses(entries)]
    for page in _split(rows, ["province"], LAPSES_PAGE_ROWS, LAPSES):
        shown = [] if page.children else page.rows
        writer.page(page.rel, _key("lapses", page.path, page.children, [
            (r["lapses"], r["page"], r["coverage"]) for r in shown]), partial(  # a dataclass: its repr is its fields
            page_views.render, env, "coverage_lapses.md.j2", rows=shown, count=len(page.rows), path=page.path,
            children=page.children, kinds=KINDS, agency_url=agency_url, depth=page.depth))
