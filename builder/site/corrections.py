"""The site-wide list of corrections (更正记录, corrections/): every cell a maintainer corrected by hand, in
every record, newest first: its body and year (linked to their pages), the cell's name in the template
(wording.cell_name, its record path as the name's title), the value now and what extraction reads there,
and the commit that set it with its date (history.corrections, which the report pages show too:
ReportView.changes). A correction whose commit cannot be told (not committed yet, a cut history) comes
last, saying so.

The page is plain HTML in Markdown, not a verbatim block: the search index holds its text, so a search for
a body or a cell finds its corrections. Only the records that have corrections are read (a report's
`correction.extracted` findings name its corrected cells).
"""
from __future__ import annotations

from typing import Any, Sequence

import jinja2

from .page_cache import SiteWriter
from .views import ReportView, agency_url, correction_rows

PAGE = "corrections.md"


def correction_list(views: Sequence[ReportView]) -> list[dict[str, Any]]:
    """Every corrected cell of these reports as views.correction_rows gives it (with its body's page),
    newest first: by the date of its commit, then the report's year, latest first; those without a
    commit last; then by body and the template's order."""
    rows = []
    for v in sorted(views, key=lambda v: (v.body, v.brief.year)):
        if any(f.rule == "correction.extracted" and f.path for f in v.outcome.findings):
            for row in correction_rows(v.record, v.outcome.findings, v.changes, v.url):
                rows.append({**row, "body": v.body, "body_url": agency_url(v.body), "repository": v.links[0]})
    return sorted(rows, key=lambda r: (r["change"].date if r["change"] else "", r["year"]), reverse=True)


def corrections_page(env: jinja2.Environment, writer: SiteWriter, views: Sequence[ReportView]) -> None:
    """Write the page (corrections.md), made again at every build: it reads the records with corrections
    alone, and is written only when its text changed."""
    rows = correction_list(views)
    writer.text(PAGE, env.get_template("corrections.md.j2").render(rows=rows, bodies=len({r["body"] for r in rows})))
