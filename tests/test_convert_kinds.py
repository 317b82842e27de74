"""Reports as crawlers and PDF-to-Markdown converters write them (tests/fixtures/convert-kinds/, made by
tests/fixtures/make_convert_kinds.py from a seed): numbers broken over lines, joined only where exactly
one joining agrees with the row's total; converter Markdown with dropped labels, doubled section
numbers, table 二 as running text, table 四 under a generic or another table's header. Each reads back
to its seed's golden record cell by cell; what cannot be placed with certainty is unread with a
finding, never a wrong number."""
from __future__ import annotations

import sys

import pytest
import yaml

from builder.extract.cells import classify
from builder.extract.to_record import balances, covers
from builder.record.models import iter_cells
from builder.pipeline import extract_file
from builder.extract.rows import Run, join_pieces
from builder.index.wording import describe
from conftest import GOLDEN, ROOT
from golden import differences, golden_cells, load_golden

KINDS = ROOT / "tests" / "fixtures" / "convert-kinds"
NAMES = sorted(p.name[: -len(".expect.yaml")] for p in KINDS.glob("*.expect.yaml"))


def source(name: str):
    return next(p for p in KINDS.glob(name + ".*") if not p.name.endswith(".yaml"))


def expectation(name: str) -> tuple[dict, dict]:
    """The kind's expectations and its golden record: the seed's, with the cells it prints otherwise
    (`printed`) and the cells that cannot be read with certainty (`unread`, null) set."""
    expect = yaml.safe_load((KINDS / f"{name}.expect.yaml").read_text(encoding="utf-8"))
    gold = load_golden(GOLDEN / "2023" / f"{expect['seed']}.gold.yaml")
    changes = {**expect["printed"], **{p: None for p in expect["unread"]}}
    for path, value in changes.items():
        base, _, index = path.partition("[")
        *parents, last = base.split(".")
        node = gold
        for part in parents:
            node = node[part]
        if index:
            node[last][int(index[:-1])] = value
        else:
            node[last] = value
    return expect, gold


@pytest.fixture(scope="module")
def results() -> dict:
    return {name: extract_file(source(name)) for name in NAMES}


def test_there_is_a_fixture_of_each_kind():
    assert NAMES == sorted(["split-one", "split-two", "split-none", "md-doubled", "md-dropped-labels",
                            "md-dropped-unplaceable", "md-html-dropped-labels", "md-docling", "md-heading-in-table", "md-table2-prose",
                            "md-mineru-repeated-heading", "md-mineru-lost-row",
                            "md-generic-header", "md-other-header", "md-other-header-rows"])


@pytest.mark.parametrize("name", NAMES)
def test_each_kind_reads_to_the_golden_record_cell_by_cell(results, name):
    expect, gold = expectation(name)
    record, findings = results[name]
    assert differences(record, gold) == []
    assert sorted(record.inferred) == sorted(expect["inferred"])
    assert sorted(record.unread) == sorted(expect["unread"])
    assert record.source.format == "text"
    assert not [f for f in findings if f.severity == "error"]


@pytest.mark.parametrize("name", NAMES)
def test_no_wrong_number_every_cell_gold_or_unread_with_a_finding(results, name):
    expect, gold = expectation(name)
    record, findings = results[name]
    printed = {**golden_cells(load_golden(GOLDEN / "2023" / f"{expect['seed']}.gold.yaml")), **expect["printed"]}
    reasons = [f.path for f in findings if f.path]
    for path, value in iter_cells(record):
        if value is None and printed[path] is not None:
            assert path in record.unread and any(covers(f, path) for f in reasons), path
        elif value is not None:
            assert (printed[path] is not None and float(value) == float(printed[path])) or (
                printed[path] is None and path in record.inferred), (path, value, printed[path])


def test_a_number_joined_from_pieces_is_inferred_with_a_finding(results):
    record, findings = results["split-one"]
    assert record.applications.new == [55, 4, 5, 0, 0, 0, 64]
    joined = [f for f in findings if f.rule == "extract.pieces_joined"]
    assert [f.path for f in joined] == ["applications.new[6]"] and joined[0].severity == "info"
    assert "拼接后为 64" in describe(joined[0]) and "只有这一种拼接" in describe(joined[0])


@pytest.mark.parametrize("name, words", [("split-two", "不止一种"), ("split-none", "没有任何")])
def test_pieces_that_join_in_two_ways_or_none_leave_the_row_unread(results, name, words):
    record, findings = results[name]
    unjoined = [f for f in findings if f.rule == "extract.pieces_unjoined"]
    assert len(unjoined) == 1 and unjoined[0].severity == "warning"
    assert words in describe(unjoined[0])
    assert not record.inferred


def _run(text: str) -> Run:
    return Run([], [classify(t) for t in text.split()])


def test_joining_rules():
    review = lambda v: all(balances(v[k:k + 5]) for k in (0, 5, 10))  # noqa: E731
    # a row with the right number of pieces is never joined, even when it breaks its total
    same = join_pieces(_run("1 2 3 0 0 0 7"), 7, balances)
    assert [c.value for c in same.cells] == [1, 2, 3, 0, 0, 0, 7] and same.unjoined == -1 and not same.joined
    # 162 printed as 1 | 62 in the first column: joined
    row = join_pieces(_run("1 62 3 0 0 0 0 165"), 7, balances)
    assert [c.value for c in row.cells] == [162, 3, 0, 0, 0, 0, 165] and row.joined == (0,)
    # a piece 0 begins no number: 0|5 is not 05
    assert join_pieces(_run("0 5 5 0 0 0 0 10"), 7, balances).unjoined == 0
    # "05" printed after a 1 keeps its 0: 1|05 is 105
    assert [c.value for c in join_pieces(_run("1 05 0 0 0 0 0 105"), 7, balances).cells][0] == 105
    # two numbers broken in one row: 1|2 and 1|5, the one way that agrees
    two = join_pieces(_run("1 2 3 0 0 0 0 1 5"), 7, balances)
    assert [c.value for c in two.cells] == [12, 3, 0, 0, 0, 0, 15] and two.joined == (0, 6)
    # more extra pieces than broken numbers leave: not taken for pieces (the row is placed, or not, as it is)
    many = join_pieces(_run("2 1 1 0 0 0 0 4 1 0 0"), 7, balances)
    assert many.unjoined == -1 and len(many.cells) == 11
    # table 四's row of 15: every group's total must agree
    rl = join_pieces(_run("1 2 0 0 0 12 1 1 0 0 2 0 0 0 0 0"), 15, review)
    assert [c.value for c in rl.cells] == [12, 0, 0, 0, 12, 1, 1, 0, 0, 2, 0, 0, 0, 0, 0] and rl.joined == (0,)
    assert join_pieces(_run("1 2 0 0 0 13 1 1 0 0 2 0 0 0 0 0"), 15, review).unjoined == 0
    # words and marks are not pieces of a number
    assert join_pieces(Run([], [classify(t) for t in ["1", "62", "/", "0", "0", "0", "0", "163"]]), 7,
                       balances).unjoined == -1


def test_a_markdown_file_is_a_report_source(tmp_path):
    from builder.add_report import add_report
    from builder.pipeline import process
    from builder.record.files import find_sources

    add_report(source("md-doubled"), tmp_path)
    added = list(find_sources(tmp_path / "reports"))
    assert [p.relative_to(tmp_path).as_posix() for p in added] == ["reports/2023/达州市通川区.md"]
    outcome = process(added[0], tmp_path)
    assert outcome.record is not None and outcome.record.applications.new == [55, 4, 5, 0, 0, 0, 64]


def _every_break():
    """(name, text) for the seed's crawler export with one number of two digits or more broken at each
    place it can be broken."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from make_convert_kinds import cell_lines, seed_record

    lines = cell_lines(seed_record()).split("\n")
    for k, line in enumerate(lines):
        if line.isdigit() and len(line) > 1:
            for cut in range(1, len(line)):
                yield f"{line[:cut]}|{line[cut:]}@{k}", "\n".join(lines[:k] + [line[:cut], line[cut:]] + lines[k + 1:])


BREAKS = dict(_every_break())


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_any_number_broken_anywhere_gives_no_wrong_number(name, tmp_path):
    """Every cell of the seed's export with any one number broken: the printed number, or joined to it and
    listed as inferred, or unread with a finding; never another number."""
    expect = yaml.safe_load((KINDS / "split-one.expect.yaml").read_text(encoding="utf-8"))
    want = golden_cells(load_golden(GOLDEN / "2023" / f"{expect['seed']}.gold.yaml"))
    path = tmp_path / "report.txt"
    path.write_text(BREAKS[name], encoding="utf-8")
    record, findings = extract_file(path)
    reasons = [f.path for f in findings if f.path]
    for cell, value in iter_cells(record):
        if value is None:
            assert want[cell] is None or (cell in record.unread and any(covers(f, cell) for f in reasons)), cell
        else:
            assert want[cell] is not None and float(value) == float(want[cell]), (cell, value, want[cell])
    joined = [f.path for f in findings if f.rule == "extract.pieces_joined"]
    assert record.inferred == joined and len(joined) <= 1


def test_a_number_repeated_over_a_merged_cell_is_read_once_and_only_then():
    from builder.extract.cells import NUM, to_lines
    from builder.extract.rows import run_values

    def run_of(text: str) -> Run:
        return Run(["行政许可"], [c for ln in to_lines(text) for c in ln.cells if c.kind == NUM])

    assert [c.value for c in run_values(run_of("| 行政许可 | 136302 | 136302 | 136302 |"), 1)] == [136302]
    assert run_values(run_of("| 行政许可 | 136302 | 136303 | 136302 |"), 1) is None  # not one number
    assert run_values(run_of("行政许可\n5\n5\n5"), 1) is None  # one cell per line: three cells, not a span
    assert run_values(run_of("行政许可 5 5 5"), 1) is None  # numbers after a label with single spaces
    assert [c.value for c in run_values(run_of("| 规章 | 0 | 0 | 0 |"), 3)] == [0, 0, 0]


@pytest.mark.parametrize("row", ["一、本年新收政府信息公开申请数量 55 4 5 0 0 0 6 4",
                                 "一、本年新收政府信息公开申请数量\t55\t4\t5\t0\t0\t0\t6\t4"])
def test_a_number_broken_into_two_tokens_of_one_line_is_joined(row, tmp_path):
    from conftest import REPORTS

    text = (REPORTS / "2023" / "达州市通川区.txt").read_text(encoding="utf-8")
    printed = "一、本年新收政府信息公开申请数量\t55\t4\t5\t0\t0\t0\t64"
    assert printed in text
    path = tmp_path / "report.txt"
    path.write_text(text.replace(printed, row), encoding="utf-8")
    record, findings = extract_file(path)
    assert record.applications.new == [55, 4, 5, 0, 0, 0, 64] and record.inferred == ["applications.new[6]"]
    assert [f.rule for f in findings if f.rule.startswith("extract.")] == ["extract.pieces_joined"]


def test_a_number_of_table_four_in_pieces_is_joined_when_every_group_agrees(tmp_path):
    from conftest import REPORTS

    text = (REPORTS / "2023" / "达州市通川区.txt").read_text(encoding="utf-8")
    printed = "2\t1\t0\t1\t4\t3\t1\t1\t3\t8\t0\t0\t0\t0\t0"
    assert printed in text
    path = tmp_path / "report.txt"
    # 行政复议 printed as 12 0 0 0 12, its 12 broken into 1 and 2 (1 2 0 0 0 12: only 12 agrees)
    path.write_text(text.replace(printed, "1\t2\t0\t0\t0\t12\t3\t1\t1\t3\t8\t0\t0\t0\t0\t0"), encoding="utf-8")
    record, findings = extract_file(path)
    assert record.review_litigation.review == [12, 0, 0, 0, 12]
    assert record.review_litigation.litigation_direct == [3, 1, 1, 3, 8]
    assert record.inferred == ["review_litigation.review[0]"]
    # 1 2 1 0 1 14: 12 1 0 1 14 and 1 2 10 1 14 both agree; 1 2 0 0 0 13: none does. The table is unread
    path.write_text(text.replace(printed, "1\t2\t1\t0\t1\t14\t3\t1\t1\t3\t8\t0\t0\t0\t0\t0"), encoding="utf-8")
    assert extract_file(path)[0].review_litigation.review == [None] * 5
    path.write_text(text.replace(printed, "1\t2\t0\t0\t0\t13\t3\t1\t1\t3\t8\t0\t0\t0\t0\t0"), encoding="utf-8")
    record, findings = extract_file(path)
    assert [v for row in ("review", "litigation_direct", "litigation_after_review")
            for v in getattr(record.review_litigation, row)] == [None] * 15
    assert len([p for p in record.unread if p.startswith("review_litigation")]) == 15
    assert [f.rule for f in findings if f.path == "review_litigation"] == ["extract.pieces_unjoined"]
