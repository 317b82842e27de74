"""The compare pages (比较): one page (compare/) whose script reads a data file per year
(compare/YEAR.json) to show any cell of the template across the bodies of a comparable group (with the
group's median and totals per province, city and level), and 2–4 bodies side by side across years.

A year's file holds the template's cells once (path and label, in the template's order) and, per body,
its cells' values and statuses as arrays indexed by that list: compact, and rewritten only when one of
the year's reports, or what the agencies file says of its body, changed (page_cache.SiteWriter.page).
Each status is one letter (STATUS_CODES): a blank, unread or not applicable cell is null with its own
letter, never 0.
"""
from __future__ import annotations

import json
from functools import partial
from typing import Any, Sequence

import jinja2

from . import downloads
from .page_cache import SiteWriter, _key
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


def year_data(year: int, reports: Sequence[tuple[Any, Any, str]]) -> dict[str, Any]:
    """A year's data for the compare page. reports: (downloads.Prepared, scores.Agency, page URL from the
    site root) of each report of the year. Returns {"year", "statuses": {letter: status}, "cells":
    [[path, label]] (every cell of both template editions, in the template's order), "bodies": [{"name",
    "group", "region", "province", "city", "level", "url", "values": [number | null per cell], "status":
    one letter per cell}]}; the status is models.Record.status's (a cell the report's template edition
    lacks is null and not applicable, unless the record lists it otherwise)."""
    plan = downloads._cells_plan()
    bodies = []
    for (_, name, _, cells), (_, agency, url) in zip(downloads.report_cells([p for p, _, _ in reports], own=False),
                                                      reports):
        values: list[Any] = [None] * len(plan)
        status = ["n"] * len(plan)
        for cell, value, state in cells:
            values[cell - 1], status[cell - 1] = value, STATUS_CODES[state]
        bodies.append({"name": name, "group": agency.group, "region": agency.region or "",
                       "province": province(agency.region), "city": city(agency.region),
                       "level": agency.level or "未分级", "url": url, "values": values, "status": "".join(status)})
    bodies.sort(key=lambda b: b["name"])
    return {"year": year, "statuses": {code: state for state, code in STATUS_CODES.items()},
            "cells": [[path, label] for _, path, label in plan], "bodies": bodies}


def year_json(year: int, reports: Sequence[tuple[Any, Any, str]]) -> str:
    """year_data as compact JSON (one body per line, so a diff of two builds stays readable)."""
    data = year_data(year, reports)
    bodies = data.pop("bodies")
    head = json.dumps(data, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = [json.dumps(b, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for b in bodies]
    return head + ',"bodies":[\n' + ",\n".join(lines) + "\n]}\n"


def compare_pages(env: jinja2.Environment, writer: SiteWriter, views: Sequence[Any]) -> None:
    """The compare page and a data file per year. views: site.ReportView (brief, agency, prepared, key,
    url); a year's file is made again only when the key of one of its reports changed."""
    years: dict[int, list[Any]] = {}
    for v in views:
        years.setdefault(v.brief.year, []).append(v)
    for year, members in sorted(years.items()):
        members.sort(key=lambda v: v.brief.agency)
        writer.page(compare_path(year), _key("compare", year, [(v.key, v.url) for v in members]),
                    partial(year_json, year, [(v.prepared, v.agency, v.url[:-3] + "/") for v in members]))
    writer.text("compare/index.md", env.get_template("compare.md.j2").render(
        years=sorted(years, reverse=True), statuses=STATUS_NAMES, key_cells=KEY_CELLS, default_cell=DEFAULT_CELL))
