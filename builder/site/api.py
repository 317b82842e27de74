"""The static data API: a JSON file per report at a stable address by year and body
(api/v1/reports/2023/巴州区.json), listed in api/v1/index.json, and the date the data stands at.

A report's file is its share of the JSON download (downloads.prepare: the record as the models
define it, the findings, the scores) with the address of its page and the status (models.Record.status)
of each cell whose value does not say it: every other cell, listed by template edition in the index, is
printed when it holds a number and blank when null, so that a file holds its 200 cells' statuses in a
few entries rather than 200. It is made through the page cache under the report's key, so an
incremental build writes only the files of reports that changed. The data's version and date are in the index (and every
download), not in each report's file: a new commit does not rewrite every file.

Beside it, each report's standing in its group (api/v1/standing/2023/巴州区.json: ranks, rank ranges,
quartiles, ranks under other weights, and the texts its pages show of them): the one part of a
report's pages that depends on the other reports, loaded by the pages rather than printed in them, so
that a report joining a group rewrites these small files and not the group's pages.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data.downloads import About, row_body_id
from ..index.history import git
from ..record.models import Record, _cell_plan, lacking_cells
from .page_cache import SiteWriter
from ..store.files import _key
from ..record.outcome import record_digest
from ..store.sealed import load_cache, save_cache
from ..index.scores import METHOD_VERSION
from ..record.template import EDITIONS
from .views import report_url, slug, standing_texts

if TYPE_CHECKING:
    from .views import ReportView

API = "api/v1"
API_VERSION = 1
INDEX_DESCRIPTION = (
    "reports 各项：json 为该报告的文件（record 为记录本身，findings 为核对发现，scores 为得分；status 只列出值本身不能说明"
    "状态的单元格：not_applicable 不适用、unread 未能识别、inferred 推算、corrected 人工更正；flagged 列出有核对问题的单元格"
    "及指出问题的核对规则：这些数字照报告所印，但与表内勾稽关系矛盾或无法可靠读取），standing 为其在可比组中的"
    "位置，page 为报告页面，digest 为记录的摘要，sha256 为 JSON 文件的摘要。cells 按模板版本（记录的 template）列出每个"
    "单元格的路径：一个单元格的状态为 status 中所列者，未列出的单元格 record 中有数字即 printed（印发），为 null 即 "
    "blank（报告未填报）。")


def report_json_url(year: int, agency: str) -> str:
    """A report's JSON file, relative to the site root (the same slug as its page)."""
    return f"{API}/reports/{year}/{slug(agency)}.json"


def standing_json_url(year: int, agency: str) -> str:
    """A report's standing file (standing_json), relative to the site root."""
    return f"{API}/standing/{year}/{slug(agency)}.json"


def page_url(v: "ReportView") -> str:
    """A report's page as the site serves it, relative to the site root (reports/2023/巴州区/)."""
    return report_url(v.brief).removesuffix(".md") + "/"


@lru_cache(maxsize=None)
def edition_cells(template: str, applications: str | None = None) -> tuple[str, ...]:
    """The path of every cell of a template edition's tables, in the template's order (the cells a
    report of that edition has: models.iter_cells with `own`); listed under "cells" in the index. With
    `applications`, the edition its table 三 follows (Record.applications_edition), where it differs."""
    lacking = lacking_cells(template, applications)
    return tuple(p for _, paths, _ in _cell_plan() for p in paths if p not in lacking)


def listed_statuses(record: Record) -> dict[str, str]:
    """The cells of the record's own template edition whose status its value alone does not say →
    that status (corrected, inferred, unread or not_applicable, by models.Record.status's precedence
    when a list names a cell twice), in the template's order. Every other cell is printed when it
    holds a number and blank when null (models.value_status): the rule the data page gives readers."""
    listed = record.listed_statuses()
    if not listed:
        return {}
    return {path: listed[path] for path in edition_cells(record.template, record.applications_edition)
            if path in listed}


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def report_json(v: "ReportView") -> tuple[bytes, str]:
    """One report's file and the record digest it holds. The file: {"api", "agency", "year", "page",
    "digest", "status", "record", "agency_info", "body_id", "findings", "flagged", "scores"}; "digest" is the record's
    (record.outcome.record_digest: its content, its own digest field left out); "status" maps each cell whose
    value does not say its status (listed_statuses) to not_applicable | unread | inferred | corrected:
    any other cell of the index's "cells" for the record's template edition is printed if it holds a
    number, blank if null; "flagged" maps each cell a finding flags to the findings' rules (downloads.flags:
    the report page's marks). The rest is the report's share of the JSON download (downloads.prepare),
    spliced in as prepared rather than parsed and written again."""
    record = v.outcome.read_record()  # not kept parsed: a build from nothing makes every report's file
    digest = record_digest(record)
    head = {"api": API_VERSION, "agency": v.brief.agency, "year": v.brief.year, "page": page_url(v),
            "digest": digest, "status": listed_statuses(record)}
    entry = v.prepared.json
    if not entry.startswith('{"record":'):  # downloads.prepare's entry, the record first
        raise ValueError(f"{v.brief.agency} {v.brief.year}: the prepared JSON entry is not downloads.prepare's")
    return (_dumps(head)[:-1] + "," + entry[1:] + "\n").encode("utf-8"), digest


def standing_json(v: "ReportView") -> bytes:
    """One report's standing in its year's comparable group (standing.Standing), the part of its
    pages that changes whenever a report joins or leaves the group, so that the pages need not be
    made again (their placeholders are filled from here by assets/javascripts/standing.js):
    {"api", "agency", "year", "group", "method", "ranks": {key: rank}, "ranges": {key: [best, worst]},
    "ranked": {key: how many ranked}, "peers": {key: {"p25", "median", "p75", "n"}},
    "sensitivity": {weighting: overall rank}, "text": {slot: what the page shows}}; keys are the
    indicators' (scores.INDICATORS) and "overall"; values in points (0–100); slots views.standing_texts."""
    st = v.standing
    data = {"api": API_VERSION, "agency": v.brief.agency, "year": v.brief.year, "group": v.agency.group,
            "method": METHOD_VERSION, "ranks": st.ranks, "ranges": {k: list(r) for k, r in st.ranges.items()},
            "ranked": st.ranked,
            "peers": {k: {"p25": p[0], "median": p[1], "p75": p[2], "n": p[3]} for k, p in st.peers.items()},
            "sensitivity": st.sensitivity, "text": standing_texts(v.score, st)}
    return (_dumps(data) + "\n").encode("utf-8")


def write_standing(writer: SiteWriter, views: list["ReportView"]) -> None:
    """Every report's standing file, written only when its standing or score changed: a report joining
    a group of thousands rewrites their small standing files, not their pages."""
    for v in views:
        writer.page(standing_json_url(v.brief.year, v.brief.agency), _key("standing", API_VERSION, v.page_key),
                    lambda v=v: standing_json(v))


def write_api(writer: SiteWriter, views: list["ReportView"], about: About, state: Path | None = None) -> None:
    """Every report's JSON file (made again only when the report's key changed) and the index:
    {"api", "version", "date", "license", ..., "description" (what the files hold, and how to get a
    cell's status), "cells": {edition: [cell path, in the template's order]}, "reports": [{"agency",
    "body_id" (downloads.BODY_ID), "year", "region", "json", "standing", "page", "digest", "sha256"}]}: the record's digest (as in its file) and the sha256 of the file as
    written. Those of a file made in this build are kept as it is made; those of a file the writer kept
    (its key and its size and time unchanged: SiteWriter.fresh) from `state`, a sealed cache of what
    each file was made from and held when written (store.sealed.save_cache), else from the file."""
    kept = load_cache(state) if state is not None else None
    known = kept if isinstance(kept, dict) else {}
    files: dict[str, list[str]] = {}
    entries = []
    for v in views:
        rel = report_json_url(v.brief.year, v.brief.agency)
        key = _key("api", API_VERSION, v.key)
        made: list[tuple[bytes, str]] = []

        def make(v: "ReportView" = v, made: list[tuple[bytes, str]] = made) -> bytes:
            made.append(report_json(v))
            return made[0][0]

        writer.page(rel, key, make)
        old = known.get(rel)
        if made:
            old = [key, made[0][1], hashlib.sha256(made[0][0]).hexdigest()]
        elif not (isinstance(old, list) and len(old) == 3 and old[0] == key):
            data = (writer.out / rel).read_bytes()
            old = [key, json.loads(data)["digest"], hashlib.sha256(data).hexdigest()]
        files[rel] = old
        entries.append({"agency": v.brief.agency, "body_id": row_body_id(v.prepared), "year": v.brief.year,
                        "region": v.agency.region,
                        "json": rel, "standing": standing_json_url(v.brief.year, v.brief.agency),
                        "page": page_url(v), "digest": old[1], "sha256": old[2]})
    if state is not None and files != known:
        save_cache(state, files)
    head = _dumps({"api": API_VERSION, **about.fields(), "description": INDEX_DESCRIPTION,
                   "cells": {edition: edition_cells(edition) for edition in EDITIONS}})[:-1]
    lines = ",\n".join(_dumps(e) for e in entries)
    writer.text(f"{API}/index.json", head + ',"reports":[\n' + lines + ("\n" if lines else "") + "]}\n")


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def data_date(root: Path) -> str | None:
    """The date of the newest commit that touched reports/ (YYYY-MM-DD, the committer's date), or
    None outside a git work tree or when reports/ has no commit (the caller then takes the newest date
    the records hold). Never the clock: two builds of one commit give the same files."""
    date = (git(root, "log", "-1", "--format=%cs", "--", "reports", timeout=60) or "").strip()
    return date if _DATE.match(date) else None
