"""Report pages as real portals serve them (tests/fixtures/page-kinds/, made by tests/fixtures/make_page_kinds.py
from a seed): section 四 under headings worded otherwise and among sections of the report's own (a 信息处理费
table before or after it, sections numbered 一 … 七), （六）其他处理 printed in the other edition's shape, a row
not printed, rows printed blank, 本年增/减 in words, a covering letter's title, a page with a title alone. Each
reads to its seed's record cell by cell, every cell with the status its kind gives it: a row printed blank
or not printed is blank (never unread), the other edition's cells are not applicable."""
from __future__ import annotations


import pytest
import yaml

from builder.pipeline import extract_file
from builder.read.text import ReportError
from builder.record.files import load_record, to_yaml
from builder.record.models import iter_cells
from conftest import GOLDEN, ROOT
from golden import golden_cells, load_golden

KINDS = ROOT / "tests" / "fixtures" / "page-kinds"
NAMES = sorted(p.name[: -len(".expect.yaml")] for p in KINDS.glob("*.expect.yaml"))
EDITIONS = ROOT / "tests" / "fixtures" / "editions"


def expectation(name: str) -> tuple[dict, dict]:
    """The kind's expectations and the cells it prints: its seed's golden cells, with the cells it prints
    otherwise (`printed`) and those it prints blank, does not print, marks not applicable or leaves unread
    (null) set."""
    expect = yaml.safe_load((KINDS / f"{name}.expect.yaml").read_text(encoding="utf-8"))
    gold_file = GOLDEN / "2023" / f"{expect['seed']}.gold.yaml"
    gold = load_golden(gold_file if gold_file.exists() else EDITIONS / f"{expect['seed']}.gold.yaml")
    cells = golden_cells(gold)
    cells.update(expect["printed"])
    cells.update({p: None for key in ("blank", "not_applicable", "unread") for p in expect[key]})
    return expect, {"cells": cells, "agency": gold["agency"], "year": gold["year"]}


@pytest.fixture(scope="module")
def results() -> dict:
    out = {}
    for name in NAMES:
        try:
            out[name] = extract_file(KINDS / f"{name}.html")
        except ReportError as exc:
            out[name] = exc
    return out


def test_there_is_a_fixture_of_each_kind():
    assert NAMES == sorted(["heading-law-review", "heading-applied", "fee-table-before-four", "fee-table-after-four",
                            "numbered-to-seven", "other-one-row", "no-regulations-row", "letter-title", "title-only",
                            "blank-rows-2019", "signed-words-2019", "other-three-rows-2019"])


@pytest.mark.parametrize("name", NAMES)
def test_each_kind_reads_to_its_seed_cell_by_cell_with_each_cell_s_status(results, name):
    expect, gold = expectation(name)
    result = results[name]
    if "refused" in expect:
        assert isinstance(result, ReportError) and expect["refused"] in result.reason
        return
    assert not isinstance(result, ReportError), result.reason
    record, findings = result
    assert (record.agency, record.year, record.template) == (gold["agency"], gold["year"], expect["template"])
    got = dict(iter_cells(record))
    wrong = [f"{p}: {got[p]!r}, printed {v!r}" for p, v in gold["cells"].items()
             if not (got[p] == v or (v is None and p in record.inferred))]
    assert wrong == []
    assert sorted(record.unread) == sorted(expect["unread"])
    assert {p: record.status(p) for p in expect["blank"]} == dict.fromkeys(expect["blank"], "blank")
    assert {p: record.status(p) for p in expect["not_applicable"]} == dict.fromkeys(expect["not_applicable"],
                                                                                     "not_applicable")
    assert set(expect["findings"]) <= {f.rule for f in findings}
    assert not [f for f in findings if f.severity == "error"]


def test_a_row_not_printed_is_said_in_a_finding_of_its_own(results):
    record, findings = results["no-regulations-row"]
    said = [f for f in findings if f.rule == "extract.row_not_printed"]
    assert [(f.path, f.severity) for f in said] == [("article20.regulations", "info")]
    assert not [f for f in findings if f.rule == "extract.row_missing"]


def test_table_three_in_the_other_edition_s_shape_keeps_its_rows_and_their_arithmetic(results, tmp_path):
    record, findings = results["other-one-row"]
    assert record.applications_edition == "2019"
    # the one row is written in the record (a 2021 record writes no other 2019 key), its three rows are not
    dumped = record.dump()["applications"]["outcomes"]["other"]
    assert dumped["undivided"] == [1, 0, 0, 0, 0, 0, 1] and dumped["misc"] == [None] * 7
    assert "licensing_previous" not in record.dump()["article20"]
    # its （七）总计 adds the one row: no imbalance is found
    assert not [f for f in findings if f.rule.startswith("applications.")]
    record, findings = results["other-three-rows-2019"]
    assert record.applications_edition == "2021" and record.applications.outcomes.other.undivided == [None] * 7
    assert not [f for f in findings if f.rule.startswith("applications.")]
    # each record is written and read back as it is, its cells' statuses with it
    for name in ("other-one-row", "other-three-rows-2019"):
        record = results[name][0]
        path = tmp_path / f"{name}.yaml"
        path.write_text(to_yaml(record), encoding="utf-8")
        again = load_record(path)
        assert again.dump() == record.dump()
        assert {p: again.status(p) for p, _ in iter_cells(again)} == {p: record.status(p) for p, _ in iter_cells(record)}


def test_the_downloads_and_the_page_give_table_three_as_printed(results):
    """The cells table of the downloads gives each cell of a table 三 in the other edition's shape its record's
    status (the one row printed, the three rows not applicable, or the other way round), and the report's page
    prints the rows table 三 prints."""
    from builder.data import downloads
    from builder.index.scores import Agency, score
    from builder.site.views import application_rows

    for name, three in (("other-one-row", False), ("other-three-rows-2019", True)):
        record, findings = results[name]
        agency = Agency(record.agency)
        rows = [downloads.prepare(downloads.Row(record, agency, score(record, agency), tuple(findings)))]
        plan = downloads._cells_plan()
        (_, _, _, cells), = downloads.report_cells(rows, own=False)
        assert {plan[cell - 1][1]: status for cell, _, status, _ in cells} == {
            p: record.status(p) for p, _ in iter_cells(record)}
        labels = [lead["text"] for row in application_rows(record, {}) for lead in row["lead"]]
        assert "（六）其他处理" in labels and ("3.其他" in labels) == three
