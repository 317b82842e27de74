"""The compare pages (比较): one page (compare/) whose script reads a data file per year
(compare/YEAR.json) to show any cell of the template across the bodies of a comparable group (with the
group's median and totals per province, city and level), and 2–4 bodies side by side across years.

A year's file holds the template's cells once (path and label, in the template's order) and, per body,
its cells' values and statuses as arrays indexed by that list: compact, and rewritten only when one of
the year's reports, or what the agencies file says of its body, changed (page_cache.SiteWriter.page),
and then joined from each report's entry as it was last made (kept beside the page cache, by the report's
key): a report added to thousands makes its own entry, not its year's.
Each status is one letter (STATUS_CODES): a blank, unread or not applicable cell is null with its own
letter, never 0.
"""
from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any, Sequence

import jinja2

from ..data import downloads
from .page_cache import SiteWriter
from ..store.files import _key
from ..store.versions import render_version
from ..store.sealed import load_cache, save_cache
from ..index.bodies import published_as
from .views import KEY_FIGURES, city, province

# models.Record.status's six statuses, one letter each in a year's file (documented in the file itself)
STATUS_CODES = {"printed": "p", "blank": "b", "not_applicable": "n", "unread": "u", "inferred": "i",
                "corrected": "c"}
STATUS_NAMES = {"printed": "印发", "blank": "未填报", "not_applicable": "不适用", "unread": "未能识别",
                "inferred": "推算", "corrected": "人工更正"}
# the figures the side-by-side view shows for 主要数字: the body page's (views.KEY_FIGURES)
KEY_CELLS = tuple(path for _, path in KEY_FIGURES)
DEFAULT_CELL = "applications.new[6]"


def compare_path(year: int) -> str:
    """Where a year's data file is, under content/."""
    return f"compare/{year}.json"


def body_lines(reports: Sequence[tuple[Any, Any, str]]) -> list[tuple[str, str]]:
    """Each report's entry of its year's file, as (body's name, one line of compact JSON). reports:
    (downloads.Prepared, scores.Agency, page URL from the site root). An entry is {"name" (as the report
    was published), "id" (the body's, downloads.BODY_ID: the same under all its names), "body" (the name of
    its body's page, its present name; the side-by-side view follows a body by its id), "group",
    "region", "province", "city", "level", "url", "values": [number | null per cell], "status": one
    letter per cell, "flagged": [the place of each cell a finding flags: a number printed that its table
    contradicts, shown with its mark]}; the status is models.Record.status's (a cell the report's template
    edition lacks is null and not applicable), the flags the report page's (downloads.flags)."""
    plan = downloads._cells_plan()
    out = []
    for (_, name, _, cells), (p, agency, url) in zip(downloads.report_cells([p for p, _, _ in reports], own=False),
                                                      reports):
        values: list[Any] = [None] * len(plan)
        status = ["n"] * len(plan)
        flagged = []
        for cell, value, state, rules in cells:
            values[cell - 1], status[cell - 1] = value, STATUS_CODES[state]
            if rules:
                flagged.append(cell - 1)
        body = {"name": name, "id": downloads.row_body_id(p), "body": agency.name if published_as(name, agency.name)
                else name, "group": agency.group, "region": agency.region or "",
                "province": province(agency.region), "city": city(agency.region),
                "level": agency.level or "未分级", "url": url, "values": values, "status": "".join(status),
                "flagged": flagged}
        out.append((name, json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)))
    return out


def year_json(year: int, bodies: Sequence[tuple[str, str]]) -> str:
    """A year's file from its reports' entries (body_lines): {"year", "statuses": {letter: status},
    "cells": [[path, label]] (every cell of both template editions, in the template's order), "bodies":
    [entry, by the body's name]} as compact JSON, one body per line (a diff of two builds stays readable)."""
    head = json.dumps({"year": year, "statuses": {code: state for state, code in STATUS_CODES.items()},
                       "cells": [[path, label] for _, path, label in downloads._cells_plan()]},
                      ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = [line for _, line in sorted(bodies, key=lambda b: b[0])]
    return head + ',"bodies":[\n' + ",\n".join(lines) + "\n]}\n"


def _year_file(year: int, members: Sequence[Any], state: Path | None) -> str:
    """A year's file, each report's entry taken from `state` (a sealed cache: entry by the report's key
    and URL, store.sealed.save_cache) when this code made it, else made; `state` is rewritten with this
    year's entries. members: site.ReportView."""
    kept = load_cache(state) if state is not None else None
    known = kept["bodies"] if isinstance(kept, dict) and kept.get("version") == render_version() else {}
    keys = [_key(v.key, v.url) for v in members]
    entries = {k: tuple(known[k]) for k in keys if _entry(known.get(k))}
    todo = [(k, v) for k, v in zip(keys, members) if k not in entries]
    entries.update(zip((k for k, _ in todo), body_lines([(v.prepared, v.agency, v.url[:-3] + "/") for _, v in todo])))
    if state is not None and (todo or len(known) != len(keys)):
        save_cache(state, {"version": render_version(), "bodies": {k: entries[k] for k in keys}})
    return year_json(year, [entries[k] for k in keys])


def _entry(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(x, str) for x in value)


def compare_pages(env: jinja2.Environment, writer: SiteWriter, views: Sequence[Any]) -> None:
    """The compare page and a data file per year. views: site.ReportView (brief, agency, prepared, key,
    url); a year's file is made again only when the key of one of its reports changed."""
    years: dict[int, list[Any]] = {}
    for v in views:
        years.setdefault(v.brief.year, []).append(v)
    # each year's entries, kept beside the page cache: a report added rewrites its year's file from the
    # others' kept lines and its own
    state = writer.cache.path and writer.cache.path.with_name("compare-bodies")
    for year, members in sorted(years.items()):
        members.sort(key=lambda v: v.brief.agency)
        writer.page(compare_path(year), _key("compare", year, [(v.key, v.url) for v in members]),
                    partial(_year_file, year, members, state and state / f"{year}.json"))
    if state is not None and state.is_dir():  # a year no report has any more
        for old in state.glob("*.json"):
            if not old.stem.isdigit() or int(old.stem) not in years:
                old.unlink()
    shown = sorted(years, reverse=True)  # the page itself changes with the years alone (and the code: the cache's)
    writer.page("compare/index.md", _key("compare", shown), lambda: env.get_template("compare.md.j2").render(
        years=shown, statuses=STATUS_NAMES, key_cells=KEY_CELLS, default_cell=DEFAULT_CELL))
