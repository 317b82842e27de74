"""A region's archive of real reports (tests/real/pingtan-archive/: a copy of the project's shared archive, 86
web pages of 平潭综合实验区 and its departments, report years 2019-2023; README.md says how they were made).
No gold records: the files themselves are the check. Every file that holds a report is read, named as its
title names its body, of the year its folder says, and dated; no cell of tables 三 and 四 is unread but in
the rows the gatherer wrote `?` in (a number the report printed that could not be placed: rightly unread),
and those are; nor of table 二. The page that holds only a title is refused with a message that says so."""
from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from builder.extract.rows import strip_numbering
from builder.pipeline import extract_file
from builder.read.sources import decode_page
from builder.read.text import ReportError
from builder.record.template import (APPLICATION_ROWS, APPLICATION_ROWS_2019, ARTICLE20_ITEMS, ARTICLE20_ITEMS_2019,
                                     REVIEW_ROWS)

ARCHIVE = Path(__file__).resolve().parent / "real" / "pingtan-archive"
PROVENANCE = list(csv.DictReader((ARCHIVE / "provenance.tsv").open(encoding="utf-8"), delimiter="\t"))
FILES = sorted(ARCHIVE.glob("20*/*.html"))
TITLE_ONLY = ARCHIVE / "2020" / "平潭综合实验区公安局.html"  # the portal's page holds the report's title alone
ROWS = {r.path: r for r in APPLICATION_ROWS + APPLICATION_ROWS_2019 + REVIEW_ROWS}
ITEMS = ARTICLE20_ITEMS + ARTICLE20_ITEMS_2019


def question_rows(path: Path) -> tuple[set[str], int, set[str]]:
    """The rows of tables 三 and 四 the gatherer wrote `?` in (their label, matched to the template's rows),
    read from the page's own table rows; how many `?` cells the page holds in all; and the cells of the rows
    of table 二 written `?` (an item's cells in either edition)."""
    page = etree.HTML(decode_page(path.read_bytes()))
    found, marks, items = set(), 0, set()
    for tr in page.iter("tr"):
        texts = [unicodedata.normalize("NFKC", "".join(td.itertext())).strip() for td in tr if td.tag in ("td", "th")]
        marks += texts.count("?")
        if "?" not in texts:
            continue
        labels = [t for t in texts[:texts.index("?")] if re.search(r"[\u4e00-\u9fff]", t)]
        named = [p for p, row in ROWS.items() if labels and row.matches(strip_numbering(labels[-1]))]
        found.update(named[:1])
        items.update(p for item in ITEMS if labels and item.matches(strip_numbering(labels[-1])) for p in item.paths)
    return found, marks, items


@pytest.fixture(scope="module")
def results() -> dict[Path, object]:
    out = {}
    for path in FILES:
        try:
            out[path] = extract_file(path)
        except ReportError as exc:
            out[path] = exc
    return out


def test_the_archive_is_whole():
    assert len(FILES) == len(PROVENANCE) == 86
    assert {(r["year"], r["body"]) for r in PROVENANCE} == {(p.parent.name, p.stem) for p in FILES}
    # the `?` cells are the gatherer's, as many as it says it wrote in each report
    for row in PROVENANCE:
        _, marks, _ = question_rows(ARCHIVE / row["year"] / f"{row['body']}.html")
        assert marks == int(row["question_mark_cells"] or 0), row["body"]


def test_the_page_with_a_title_alone_is_refused_saying_so(results):
    refused = {p: r for p, r in results.items() if isinstance(r, ReportError)}
    assert list(refused) == [TITLE_ONLY]
    assert refused[TITLE_ONLY].reason.startswith("no report text: the file holds a report's title "
                                                 "(平潭综合实验区公安局2020年政府信息公开工作年度报告)")


@pytest.mark.parametrize("path", [p for p in FILES if p != TITLE_ONLY], ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_report_is_read_named_dated_and_no_printed_cell_of_tables_three_and_four_unread(results, path):
    record, findings = results[path]
    assert not [f for f in findings if f.severity == "error"]
    # named as its title names the body (a covering letter's title too), of the year its folder says
    assert (record.agency, record.year) == (path.stem, int(path.parent.name))
    # dated: the portal's posting date (every page has one), and the report's own where it prints one
    posted = record.source.posted_on
    assert posted is not None and dt.date(record.year + 1, 1, 1) <= posted <= dt.date(record.year + 1, 12, 31)
    printed = record.source.published_on
    assert printed is None or dt.date(record.year + 1, 1, 1) <= printed <= posted
    # tables 三 and 四: unread only in the rows written `?`, and every cell of those rows unread
    marked, _, items = question_rows(path)
    unread = {p for p in record.unread if p.startswith(("applications.", "review_litigation."))}
    assert {re.sub(r"\[\d\]$", "", p) for p in unread} <= marked
    assert unread == {f"{row}[{k}]" for row in marked if row.startswith(("applications.", "review_litigation."))
                      for k in range(len(record.applications.new) if row.startswith("applications.") else 5)}
    # table 二: unread only in its rows written `?` too (a row it does not print is blank, not unread)
    assert {p for p in record.unread if p.startswith("article20.")} <= items
