"""Coverage and timeliness: for each region, body and year, whether its annual report is in the
repository, listed by its publisher only, or not found, and whether it was published on time.

Inputs: the reports' briefs (body, year, the dates the record holds), reports/agencies.yaml (a body's
region and kind) and the registries under reports/registry/ (what each publisher lists). Evidence of
publication, best first: the record's `source.posted_on` (the publisher's posting date), the registry's
posting date, the date the report prints (`source.published_on`). The deadline is 条例第四十九条's, by
the body's kind (scores.deadline_for): a government's own report by 31 March, a department's by 31 January
of the next year. A report with no date is "date unknown", never counted as on time.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional

from ..record.outcome import Brief
from .registry import Listing, Registry
from .bodies import published_as
from .scores import Agency, deadline_for
from .scores import NO_REGION

EVIDENCE = {"posted_on": "发布机关的发布日期（记录 source.posted_on）",
            "registry": "发布机关列表中的发布日期（报告登记表）",
            "published_on": "报告落款日期（记录 source.published_on）"}


@dataclass(frozen=True)
class Entry:
    """One body's report for one year, as coverage sees it."""

    region: str
    body: str
    kind: Optional[str]              # government | department | None (unknown)
    year: int
    state: str                       # report (in the repository) | listed (by the publisher only) | missing
    page: Optional[str]              # the report's page on the site (state report)
    url: Optional[str]               # the publisher's address for it, if known
    listed_as: Optional[str]         # the name the publisher lists it under (or the report was published
                                     # under, bodies.published_as), if not the body's
    template: Optional[str]          # the edition the registry says it follows
    status: Optional[str]            # the registry's status: archived | listed-only
    date: Optional[dt.date]          # the best evidence of its publication
    evidence: Optional[str]          # which date that is: posted_on | registry | published_on
    due: dt.date                     # 条例第四十九条's deadline for it
    late_days: Optional[int]         # days after the deadline (0: on time); None without a date
    listings: int                    # how many times the publisher lists it (0 if not)
    body_id: str = ""                # the body's id (scores.Agency.body_id), the same under all its names

    @property
    def timeliness(self) -> Optional[str]:
        """on_time | late | unknown; None for a report not found."""
        if self.state == "missing":
            return None
        if self.late_days is None:
            return "unknown"
        return "late" if self.late_days > 0 else "on_time"

    @property
    def timeliness_text(self) -> str:
        """What the coverage page says of its timeliness: 按期, 逾期 N 天, 日期不明, or — if not found."""
        return {"on_time": "按期", "late": f"逾期 {self.late_days} 天", "unknown": "日期不明",
                None: "—"}[self.timeliness]


def due_date(year: int, kind: Optional[str]) -> dt.date:
    """The deadline for a body of this kind's report on this year (scores.deadline_for: 条例第四十九条
    from the 2019 reports on, the 2007 条例 第三十一条 before; an unknown kind gets the later deadline)."""
    return deadline_for(kind, year)[0]


@dataclass
class _Body:
    region: str
    name: str
    kind: Optional[str]
    since: Optional[int] = None
    until: Optional[int] = None
    id: str = ""


def coverage(briefs: Iterable[tuple[Brief, str]], agencies: dict, registries: Iterable[Registry]) -> list[Entry]:
    """Every (region, body, year) a body is expected to report in, or has a report or listing for: its
    Entry, sorted by region, year and body. `briefs` are the readable reports' briefs, each with its
    page on the site; `agencies`: scores.Agencies (registry.placed_bodies), by which a report published
    under a former name is its body's (bodies.py: by its name and year). A body's years run from its
    registry `since` (else its first report or listing) to its `until` (else the last year of its region)."""
    bodies: dict[str, _Body] = {}  # by body id (scores.Agency.body_id)
    listings: dict[tuple[str, int], list[Listing]] = {}
    resolve = getattr(agencies, "resolve", None) or (lambda name, year=None: agencies.get(name))
    for registry in registries:
        ids = {}
        for name, info in registry.bodies.items():
            ids[name] = (resolve(name) or Agency(name)).body_id
            bodies.setdefault(ids[name], _Body(registry.region, name, info.kind, info.since, info.until, ids[name]))
        for r in registry.reports:
            listings.setdefault((ids[registry.body_of(r.body) or r.body], r.year), []).append(r)
    reports: dict[tuple[str, int], tuple[Brief, str]] = {}
    for brief, page in briefs:
        info = resolve(brief.agency, brief.year) or Agency(brief.agency)
        key = info.body_id
        if key not in bodies:
            bodies[key] = _Body(info.region or NO_REGION, info.name, info.kind, id=key)
        reports.setdefault((key, brief.year), (brief, page))
    years: dict[str, set[int]] = {}
    for key, year in [*listings, *reports]:
        years.setdefault(key, set()).add(year)
    last: dict[str, int] = {}
    for key, ys in years.items():
        region = bodies[key].region
        last[region] = max(last.get(region, 0), *ys)
    out = []
    for key, body in bodies.items():
        seen = years.get(key, set())
        first = body.since or min(seen, default=None)
        end = body.until or last.get(body.region)
        expected = set(range(first, end + 1)) if first is not None and end is not None else set()
        for year in sorted(expected | seen):
            out.append(_entry(body, year, reports.get((key, year)), listings.get((key, year), [])))
    out.sort(key=lambda e: (e.region, e.year, e.body))
    return out


def _entry(body: _Body, year: int, report: Optional[tuple[Brief, str]], listed: list[Listing]) -> Entry:
    listed = sorted(listed, key=lambda r: (r.posted is None, r.posted or dt.date.max))  # the first posting first
    first = listed[0] if listed else None
    brief, page = report if report else (None, None)
    date, evidence = None, None
    for value, source in ((brief and brief.posted_on, "posted_on"), (first and first.posted, "registry"),
                          (brief and brief.published_on, "published_on")):
        if value:
            date, evidence = value, source
            break
    due = due_date(year, body.kind)
    state = "report" if brief else "listed" if first else "missing"
    listed_as = first.listed_as if first else brief and published_as(brief.agency, body.name)
    return Entry(body.region, body.name, body.kind, year, state, page,
                 first.url if first else None, listed_as,
                 first.template if first else None, first.status if first else None,
                 date if state != "missing" else None, evidence if state != "missing" else None, due,
                 max(0, (date - due).days) if date and state != "missing" else None, len(listed), body.id)


@dataclass(frozen=True)
class Tally:
    """What a region's year (or a whole region) comes to."""

    bodies: int
    report: int
    listed: int
    missing: int
    on_time: int
    late: int
    unknown: int


def tally(entries: Iterable[Entry]) -> Tally:
    """The bodies among these entries, and how many entries are in each state and each timeliness."""
    entries = list(entries)
    count = lambda attr, value: sum(getattr(e, attr) == value for e in entries)  # noqa: E731
    return Tally(len({e.body_id or e.body for e in entries}), count("state", "report"), count("state", "listed"),
                 count("state", "missing"), count("timeliness", "on_time"), count("timeliness", "late"),
                 count("timeliness", "unknown"))


@dataclass(frozen=True)
class Lapses:
    """A body's years late or without a report found (the question a journalist asks first): late as
    (year, days late, its Entry), missing as (year, its Entry), each newest year first."""

    region: str
    body: str
    kind: Optional[str]
    late: tuple[tuple[int, int, Entry], ...]
    missing: tuple[tuple[int, Entry], ...]
    body_id: str = ""

    @property
    def newest(self) -> int:
        return max([y for y, _, _ in self.late] + [y for y, _ in self.missing])


def lapses(entries: Iterable[Entry]) -> list[Lapses]:
    """Every body that was late (published after its deadline: Entry.timeliness late) or has no report
    found for a year it was expected to report (Entry.state missing: only a region with a registry knows
    one), with those years; the body whose lapse is newest first, then the one with most lapses. A year
    whose date is unknown is neither: unknown is not late."""
    by_body: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        if e.state == "missing" or e.timeliness == "late":
            by_body.setdefault((e.region, e.body_id or e.body), []).append(e)
    out = []
    for (region, _), rows in by_body.items():
        rows.sort(key=lambda e: e.year, reverse=True)
        out.append(Lapses(region, rows[0].body, rows[0].kind,
                          tuple((e.year, e.late_days, e) for e in rows if e.state != "missing"),
                          tuple((e.year, e) for e in rows if e.state == "missing"), rows[0].body_id))
    out.sort(key=lambda b: (-b.newest, -(len(b.late) + len(b.missing)), b.region, b.body))
    return out
