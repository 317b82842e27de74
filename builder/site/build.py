"""Stage 5: records → the site's Markdown pages in content/ (MkDocs turns them into site/).

This module makes the pages of each report and body, the home, data and methodology pages, and
ties the build together; views.py holds what a page shows of a report (cells with their status,
safe names), list_pages.py the long lists (rankings, regions, findings), page_cache.py the cache
that lets a build render only what changed. A page file is written only when its content changed,
and pages of reports that are gone are removed; the output depends on the records alone (no
clock), so builds are reproducible.
"""
from __future__ import annotations

import datetime as dt

import gc
import multiprocessing
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

import jinja2
from markupsafe import Markup

from ..data import downloads
from ..index import history
from . import provenance
from .api import data_date, report_json_url, standing_json_url, write_api, write_standing
from ..data.files import TABLES, write_downloads
from ..index.coverage import coverage
from .coverage_pages import coverage_pages
from .accuracy import load_accuracy
from .compare_pages import compare_pages
from .feeds import SITE_NAME, added_dates, agency_feed, events, write_feeds
from .corrections import corrections_page
from .releases_pages import release_pages
from .list_pages import _issues, _rankings, _regions
from .page_cache import GENERATED, PageCache, SiteWriter, output_problems, report_key
from ..store.owned import refuse
from ..store.files import _key
from ..record.outcome import Outcome
from ..store.files import file_stamp, without_gc, write_changed
from ..record.files import record_path
from ..index.registry import load_registries, placed_bodies
from ..index.scores import (ARTICLE_31_2007, ARTICLE_49, BASIS_RULE, CHANGELOG, DEADLINE_RULES, INDICATORS,
                            LATE_DAYS_TO_ZERO, METHOD_VERSION, MIN_N, MISSING_RULE, OVERALL_RULE, UNDATED_RULE, Agency,
                            Score, publication, score)
from .home import at_a_glance, newest
from .summary import issue_url, site_settings, summary, trend_chart
from ..index.standing import ALTERNATIVE_WEIGHTS, PEER_RULE, RANK_RULE, SENSITIVITY_RULE, standings
from ..index.flags import JUMP_RULE, NARRATIVE_RULE
from ..record.template import APPLICATION_COLUMNS, EDITIONS, REVIEW_COLUMNS
from . import views as page_views
from .views import (FORMATS, LEDE_EXCERPT, FormerPage, Marked, ReportView, _env, _tds,
                    agency_url, application_rows, article20_rows, bodies, cell, city, correction_rows, former_pages,
                    indicator_rows, key_figures, overall_row, province, region_url, report_url, review_cells, slug,
                    source_download)
from ..index.wording import SEVERITY, cell_name, describe

__all__ = ["GENERATED", "build_site", "cell", "city", "province", "slug", "agency_url"]


@without_gc
def build_site(outcomes: list[Outcome], root: Path, out_dir: Path, cache_file: Path | None = None) -> int:
    """Write the site's pages for these outcomes into out_dir; returns the files (re)written. With a
    cache file, pages whose inputs did not change since the last build are not rendered again. Raises
    store.owned.Unowned, before writing anything, if out_dir or a generated path in it is not the build's
    own folder (a symbolic link, a file, a FIFO a commit put there: page_cache.output_problems)."""
    refuse(output_problems(root, out_dir, cache_file))
    env = _env()
    cache = PageCache(cache_file)
    writer = SiteWriter(out_dir, cache)
    # a wrong registry stops the build before this (cli); here one is left out rather than stop a build
    registries = load_registries(root / "reports")[0]
    # a body the agencies file lacks is placed by its region's registry (one source for each fact)
    agencies = placed_bodies(cache.agencies(root / "reports" / "agencies.yaml"), registries)
    good = sorted((o for o in outcomes if not o.failed), key=lambda o: (o.brief.agency, o.brief.year))
    failed = sorted((o for o in outcomes if o.failed), key=lambda o: str(o.source))
    views = []
    links = site_settings(root)
    for o in good:
        # the body that published under this name in this year (a former name finds it: index/bodies.py)
        info = agencies.resolve(o.brief.agency, o.brief.year) or Agency(o.brief.agency)
        corrected = [f.path for f in o.findings if f.rule == "correction.extracted" and f.path]
        changes = history.corrections(root, record_path(o.source), corrected) if corrected else {}
        key = report_key(o, info, changes)
        s, prepared = cache.reports.get(key, (None, None))
        download = source_download(o.brief, o.source)  # a download, never a page, whatever its extension
        # the record's key holds the source's sha256: the copy is made again when the file changes
        writer.page(download, _key(str(o.source), o.key or file_stamp(o.source)), o.source.read_bytes)
        views.append(ReportView(o, report_url(o.brief), download, info, s, key, prepared, changes, links=links))

    provenance.attach(views, root / provenance.CACHE, writer.page)  # each PDF table's image, cut from its page
    by_agency = bodies(views)  # a page per body, under the name its newest report prints (each view's `body`)
    formers = former_pages(by_agency)  # the addresses of the names bodies published under before
    _score_views(views)
    placed = standings(((id(v), v.brief.year, v.agency.group, v.score) for v in views), {id(v): v.key for v in views},
                       cache.path and cache.path.with_name("standings.json"))  # a group ranked before is kept
    for v in views:
        v.standing = placed[id(v)]
        # a page shows its tables' images and links to the repository; its group's ranks and quartiles
        # are loaded from its standing file (data_api.write_standing), so a new report in the group
        # rewrites those, not the pages; the rankings and downloads print them (page_key)
        v.own_key = _key(v.key, v.tables.to_data() if v.tables else None, v.links, v.body)
        v.page_key = _key(v.own_key, v.standing.to_data())
    # the report and agency pages are made by other processes while this one makes the rest (then helps)
    with _agency_pages(writer, out_dir, by_agency, formers):
        write_standing(writer, views)
        _former_name_pages(env, writer, formers, set(by_agency))
        years = sorted({v.brief.year for v in views})
        _rankings(env, writer, views, years)
        _regions(env, writer, by_agency)
        _issues(env, writer, views, failed, years, root)
        entries = coverage([(v.brief, v.url) for v in views], agencies, registries)
        shown_as = {v.agency.body_id: v.body for v in views}  # a body's id → the name its page is shown under
        coverage_pages(env, writer, entries, shown_as, {r.region for r in registries})
        writer.text("methodology.md", env.get_template("methodology.md.j2").render(**methodology_context()))

        _data(env, writer, views, root, entries)
        accuracy, missing = load_accuracy(root)  # the test run's figures, or why there are none
        writer.text("accuracy.md", env.get_template("accuracy.md.j2").render(accuracy=accuracy, missing=missing))
        compare_pages(env, writer, views)  # compare/: any template cell across a group, bodies side by side
        # feeds/: a body's, a province's and the site's Atom feeds (a deadline counts once the data is past it)
        latest = downloads.newest_date(d for v in views for d in (v.brief.posted_on, v.brief.published_on))
        stands_at = dt.date.fromisoformat(latest) if latest else dt.date(max(years, default=2020) + 1, 1, 1)
        write_feeds(writer, events(views, entries, shown_as, root, added_dates(root), stands_at), SITE_NAME,
                    {page.name: page.bodies[0][0] for page in formers.values() if len(page.bodies) == 1})
        corrections_page(env, writer, views)  # corrections/: every hand correction, newest first

        provinces = Counter(reports[0].province for reports in by_agency.values())
        glance = at_a_glance(views, entries, {r.region for r in registries}, lambda v: v.province)
        writer.text("index.md", env.get_template("index.md.j2").render(
            views=views, newest=newest(views), agencies=len(by_agency), years=years, failed=failed,
            provinces=sorted(provinces.items()), region_url=region_url, glance=glance))
    made = {v.key: (v.score, v.prepared) for v in views}
    writer.prune()
    cache.save(writer, made)
    return writer.written


def _data(env: jinja2.Environment, writer: SiteWriter, views: list[ReportView], root: Path,
          entries: list) -> None:
    """The downloads, the static API (data_api) and the data page that documents them; entries: the
    coverage (coverage.Entry)."""
    # each report's rows with its ranks, and its rows of the scores table, are made only by the files
    # made again (its year's, the SQLite rows that changed: downloads.Share); the data's version digests
    # every row with its ranks, its date (out of git) is the newest a record holds: its brief's
    about = downloads.About.made(
        data_date(root) or downloads.newest_date(d for v in views for d in (v.brief.published_on, v.brief.posted_on)),
        (downloads.ranked_row(v.prepared, v.standing.ranks) for v in views))
    shares = [downloads.Share(v.brief.agency, v.brief.year, v.key, v.page_key, v.prepared, v.agency.group, v.score,
                              v.standing) for v in views]
    cached = writer.cache.path  # the sealed states of the SQLite file and of the API's files lie beside it
    files = write_downloads(writer.page, writer.out, cached and cached.with_name("sqlite-download.json"),
                            shares, entries, about)
    write_api(writer, views, about, cached and cached.with_name("api-files.json"))
    made = release_pages(env, writer, root)  # releases/VERSION/: each data release's files and 变更说明
    writer.text("data.md", env.get_template("data.md.j2").render(releases=made,
        files=files, tables=TABLES, columns=downloads.columns(), cell_columns=downloads.cell_columns(),
        score_columns=downloads.SCORE_COLUMNS, coverage_columns=downloads.COVERAGE_COLUMNS,
        version=METHOD_VERSION, count=len(views), size=_size,
        about=about, license=downloads.LICENSE, example=views[0] if views else None,
        example_csv=max(((y, made["reports"][0]) for y, made in files.years.items() if "reports" in made),
                        default=(None, None))[1],
        example_json=report_json_url(views[0].brief.year, views[0].brief.agency) if views else None))


PARALLEL_PAGES = 256  # from this many report pages to make, they are made by a process per core


@dataclass
class AgencyJob:
    """An agency's pages to make: its reports' (with which of them to render), and its own."""
    agency: str
    reports: list[ReportView]
    render: list[bool]
    render_agency: bool
    namesake: FormerPage | None = None  # other bodies that published under this page's name (former_pages)


@contextmanager
def _agency_pages(writer: SiteWriter, out_dir: Path, by_agency: dict[str, list[ReportView]],
                  formers: dict[str, FormerPage]) -> Iterator[None]:
    """Every agency's report pages and agency page, those whose inputs changed made again. When there
    are many, a process per core but one makes them while the body of the with-statement runs (it must
    not write under reports/ or agencies/), and then this process makes those none has begun; the
    statement ends when they are all written, raising a worker's error if one failed. Otherwise they
    are made before the body runs."""
    jobs = []
    for agency, reports in sorted(by_agency.items()):
        reports.sort(key=lambda v: v.brief.year)
        render = [writer.stale(v.url, v.own_key) for v in reports]
        namesake = formers.get(agency_url(agency))
        render_agency = writer.stale(agency_url(agency), _key([v.own_key for v in reports], _former_key(namesake)))
        if any(render) or render_agency:
            jobs.append(AgencyJob(agency, reports, render, render_agency, namesake))
    cores = os.cpu_count() or 1
    if cores < 2 or sum(sum(job.render) for job in jobs) < PARALLEL_PAGES:
        writer.written += sum(_make_agency_pages(out_dir, job) for job in jobs)
        yield
        return
    size = max(1, len(jobs) // (cores * 32))  # parts small enough that the last one begun ends soon
    parts = [range(i, min(i + size, len(jobs))) for i in range(0, len(jobs), size)]
    with _pool(cores - 1, (out_dir, jobs)) as pool:
        try:
            started = [(part, pool.submit(_make_inherited_pages, part)) for part in parts]
            yield
            # the workers take the parts from the first, this process from the last: those not begun
            for part, future in reversed(started):
                writer.written += sum(_make_agency_pages(out_dir, jobs[i]) for i in part) if future.cancel() \
                    else future.result()
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the pages not begun are not made
            raise


_INHERITED: Any = None  # in a worker of _pool: what it was given


def _pool(workers: int, inherit: Any) -> ProcessPoolExecutor:
    """Worker processes, each holding `inherit` (as _INHERITED): forked where the system can, so that
    it is inherited, not pickled for each worker. Forked workers are made at the first job given the
    pool, here, with the parent's objects frozen meanwhile, so that the workers' garbage collectors do
    not walk them (the parent's is paused while it makes them, see store.files.without_gc: a walk would
    take seconds, and copy every page of the parent's memory)."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork" if fork else None),
                               initializer=_inherit, initargs=(inherit,))
    gc.freeze()
    try:
        pool.submit(int)
    finally:
        gc.unfreeze()
    return pool


def _inherit(value: Any) -> None:
    global _INHERITED
    _INHERITED = value
    gc.enable()


def _make_inherited_pages(part: range) -> int:
    out_dir, jobs = _INHERITED
    return sum(_make_agency_pages(out_dir, jobs[i]) for i in part)


def _make_agency_pages(out_dir: Path, job: AgencyJob) -> int:
    """Make one agency's pages (in a worker process or not); how many files were written."""
    env, written, marks = _env(), 0, {}

    def marked(v: ReportView) -> Marked:  # once for both of the pages a report's tables show on
        if id(v) not in marks:
            marks[id(v)] = Marked.of(v.record, v.outcome.findings)
        return marks[id(v)]

    for v, again in zip(job.reports, job.render):
        if again:
            written += write_changed(out_dir / v.url, _render_report(env, v, marked(v)))
    if job.render_agency:
        written += write_changed(out_dir / agency_url(job.agency),
                          _render_agency(env, job.agency, job.reports, marked, job.namesake))
    return written


def _score_one(v: ReportView) -> tuple[Score, downloads.Prepared]:
    s = score(v.record, v.agency)
    return s, downloads.prepare(downloads.Row(v.record, v.agency, s, tuple(v.outcome.findings)))


def _score_inherited(i: int) -> tuple[Score, downloads.Prepared]:
    return _score_one(_INHERITED[i])


def _score_views(views: list[ReportView]) -> None:
    """Score the reports whose score the page cache does not hold (by a process per core when many):
    ranks and quartiles need every report's score before any page is made."""
    todo = [v for v in views if v.score is None]
    cores = os.cpu_count() or 1
    if cores > 1 and len(todo) >= PARALLEL_PAGES:
        with _pool(cores, todo) as pool:
            made = list(pool.map(_score_inherited, range(len(todo)), chunksize=max(1, len(todo) // (cores * 8))))
    else:
        made = [_score_one(v) for v in todo]
    for v, (s, prepared) in zip(todo, made):
        v.score, v.prepared = s, prepared


def _render_report(env: jinja2.Environment, v: ReportView, m: Marked) -> str:
    flagged, extracted, at = m.flagged, m.extracted, m.at
    findings = [f for f in v.outcome.findings if f.severity != "info"]
    return page_views.render(env, "report.md.j2",
        r=v.record, url=v.url, download=v.download, formats=FORMATS, edition=EDITIONS[v.record.template],
        api_url=report_json_url(v.brief.year, v.brief.agency),
        tables=v.tables, source_url=provenance.safe_url(v.record.source.url),
        a20=article20_rows(v.record, flagged, extracted, at), apps=application_rows(v.record, flagged, extracted, at),
        applicant_columns=APPLICATION_COLUMNS, review=_tds(review_cells(v.record, flagged, extracted, at)),
        corrections=correction_rows(v.record, v.outcome.findings, v.changes),
        review_columns=REVIEW_COLUMNS, findings=[(f, describe(f), SEVERITY[f.severity], cell_name(f.path))
                                                 for f in findings],
        agency_url=agency_url(v.body), body=v.body if v.published_as else None, info=v.agency,
        scores=indicator_rows(v.score), overall=overall_row(v.score),
        standing=standing_json_url(v.brief.year, v.brief.agency),
        pub=publication(v.record, v.agency), version=METHOD_VERSION, excerpt=LEDE_EXCERPT,
        glance=summary(v.record, v.score, v.outcome.findings, m),
        fix=issue_url(*v.links, v.record, v.url.replace(".md", "/")),
        depth="../../../")  # /reports/YEAR/AGENCY/ → the site root


def _former_key(page: FormerPage | None) -> Any:
    """What a former name's page (or note) shows: each body's page name, years and report pages."""
    return page and (page.name, [(body, years, [v.url for v in vs]) for body, years, vs in page.bodies])


def _former_name_pages(env: jinja2.Environment, writer: SiteWriter, formers: dict[str, FormerPage],
                       names: set[str]) -> None:
    """A page at each former name's address that no body's page holds: it leads to the body (or bodies)
    that published under that name, so that an old name's address keeps working."""
    pages = {agency_url(name) for name in names}
    for url, page in sorted(formers.items()):
        if url not in pages:
            writer.page(url, _key("former", _former_key(page)),
                        partial(page_views.render, env, "agency_former.md.j2", page=page, agency_url=agency_url,
                                depth="../../"))


def _render_agency(env: jinja2.Environment, agency: str, reports: list[ReportView],
                   marked: Callable[[ReportView], Marked], namesake: FormerPage | None = None) -> str:
    former: dict[str, list[int]] = {}
    for v in reports:
        if v.published_as:
            former.setdefault(v.published_as, []).append(v.brief.year)
    carry = [(v, f, describe(f)) for v in reports for f in v.outcome.findings
             if f.rule.startswith("across_years.")]
    columns = [key_figures(v.record, v.outcome.findings, marked(v)) for v in reports]
    return page_views.render(env, "agency.md.j2",
        agency=agency, feed=agency_feed(agency), reports=reports, carry=carry, former=former, agency_url=agency_url,
        namesake=namesake and [(body, years) for body, years, _ in namesake.bodies if body != agency],
        columns=columns, info=reports[0].agency,
        corrections=[c for v in reports for c in correction_rows(v.record, v.outcome.findings, v.changes, v.url)],
        overall=[(v, overall_row(v.score), standing_json_url(v.brief.year, v.brief.agency)) for v in reports],
        glance=summary(reports[-1].record, reports[-1].score, reports[-1].outcome.findings, marked(reports[-1])),
        chart=Markup(trend_chart([v.record.year for v in reports],
                                 {label: [c[k][1] for c in columns] for k, label in ((0, "本年新收"), (3, "予以公开"),
                                                                                     (4, "部分公开"))},
                                 [v.score.overall for v in reports])),
        depth="../../")


def methodology_context() -> dict[str, Any]:
    """Everything the methodology page prints, from the one definition of the index."""
    return dict(indicators=INDICATORS, overall_rule=OVERALL_RULE, missing_rule=MISSING_RULE, min_n=MIN_N,
                rank_rule=RANK_RULE, sensitivity_rule=SENSITIVITY_RULE, peer_rule=PEER_RULE,
                alternatives=[name for name, _ in ALTERNATIVE_WEIGHTS], flag_rules=[JUMP_RULE, NARRATIVE_RULE],
                article_49=ARTICLE_49, article_31=ARTICLE_31_2007, deadline_rules=[r for _, r in DEADLINE_RULES],
                late_days=LATE_DAYS_TO_ZERO, version=METHOD_VERSION, changelog=CHANGELOG, basis_rule=BASIS_RULE,
                undated_rule=UNDATED_RULE)


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"
