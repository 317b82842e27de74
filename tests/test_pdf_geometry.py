"""Tables read by their geometry (builder/read/pdf_tables.py, builder/read/pdf_turn.py): the PDF kinds of
tests/fixtures/make_pdf_kinds.py read back to the seeds' golden records, blank cells kept blank,
a number between two columns left unread, a sideways page read upright, （六）其他处理 printed as one
row kept as printed; and the column placement on hand-made characters, so it is tested without
reportlab or a Chinese font."""
from __future__ import annotations

import hashlib

import pytest
import yaml

from builder.extract.to_record import extract
from builder.extract.infer import infer
from builder.record.models import iter_cells
from builder.read.pdf_tables import APPLICATION_HEADERS, REVIEW_HEADERS, TableState, read_rows
from builder.read.pdf import pdf_to_text
from builder.read.text import SourceText
from builder.read.sources import read_source
from conftest import GOLDEN, ROOT
from golden import differences, load_golden

KINDS = ROOT / "tests" / "fixtures" / "pdf-kinds"
NAMES = ("no-side-borders", "horizontal-rules", "no-rules", "sideways-ccw", "sideways-cw", "other-one-row")


def expectation(name: str) -> tuple[dict, dict]:
    """(what the fixture was made with, the golden record with its blanked, unread and not applicable
    cells null and the cells it prints otherwise set)."""
    expect = yaml.safe_load((KINDS / f"{name}.expect.yaml").read_text(encoding="utf-8"))
    gold = load_golden(GOLDEN / "2023" / f"{expect['seed']}.gold.yaml")
    cells = {p: None for p in expect["blank"] + expect["unread"] + expect.get("not_applicable", [])}
    for path, value in {**cells, **expect.get("printed", {})}.items():
        base, _, index = path.partition("[")
        *parents, last = base.split(".")
        obj = gold
        for part in parents:
            obj = obj[part]
        obj.setdefault(last, [None] * 7)[int(index[:-1])] = value  # a row of the other edition: made here
    return expect, gold


def record_of(name: str):
    path = KINDS / f"{name}.pdf"
    data = path.read_bytes()
    notes: list = []
    text = pdf_to_text(data, notes)
    extraction = extract(SourceText(str(path), hashlib.sha256(data).hexdigest(), "pdf", text, tuple(notes)))
    infer(extraction.record)
    return text, extraction


@pytest.mark.parametrize("name", NAMES)
def test_each_kind_reads_to_the_golden_record_cell_by_cell(name):
    expect, gold = expectation(name)
    _, extraction = record_of(name)
    record = extraction.record
    assert differences(record, gold) == []
    cells = dict(iter_cells(record))
    for path in expect["blank"]:  # printed blank: null, or filled by the arithmetic and listed as such
        assert cells[path] is None or path in record.inferred, path
    for path in expect["unread"]:  # a number whose column is not certain: unread, never placed
        assert cells[path] is None and path in record.unread, path
    for path in expect.get("printed", {}):  # printed in the other edition's shape: kept as printed
        assert record.status(path) == "printed", path
    for path in expect.get("not_applicable", []):  # the rows that shape does not print: not applicable
        assert record.status(path) == "not_applicable", path
    assert set(record.inferred) <= {p for p, v in iter_cells(record) if v is not None}


def _value_cells(text: str, label: str, width: int = 7) -> list[str]:
    line = next(line for line in text.split("\n") if label in line.split("\t"))
    return line.split("\t")[-width:]


@pytest.mark.parametrize("name", ("horizontal-rules", "no-rules", "sideways-cw"))
def test_blank_cells_keep_their_place_in_the_row(name):
    from builder.record.template import APPLICATION_ROWS

    expect, gold = expectation(name)
    text, _ = record_of(name)
    labels = {row.path: row.label for row in APPLICATION_ROWS}
    rows = {line.split("\t")[-8]: line.split("\t")[-7:] for line in text.split("\n") if line.count("\t") >= 7}
    checked = 0
    for path in expect["blank"]:
        row, _, index = path.partition("[")
        if labels.get(row) not in rows:
            continue  # without rules, a label wrapped in its cell is not on its numbers' line
        cells = rows[labels[row]]
        assert cells[int(index[:-1])] == "", (path, cells)
        assert all(c.isdigit() or c == "" for c in cells)
        checked += 1
    assert checked >= 3


def test_a_number_between_two_columns_makes_its_row_unread():
    expect, _ = expectation("no-rules")
    text, extraction = record_of("no-rules")
    assert _value_cells(text, "1.属于国家秘密") == ["?"] * 7
    assert set(expect["unread"]) <= set(extraction.record.unread)
    assert any(f.path and expect["unread"][0].startswith(f.path) for f in extraction.findings)


def test_no_side_borders_keeps_the_first_and_last_columns():
    text, _ = record_of("no-side-borders")
    gold = load_golden(GOLDEN / "2023" / "达州市通川区.gold.yaml")
    assert _value_cells(text, "一、本年新收政府信息公开申请数量") == [str(v) for v in gold["applications"]["new"]]
    assert _value_cells(text, "规章", 3) == [str(gold["article20"]["regulations"][k])
                                            for k in ("issued", "repealed", "in_force")]


@pytest.mark.parametrize("name,turn", [("sideways-ccw", "counter-clockwise"), ("sideways-cw", "clockwise")])
def test_a_sideways_page_is_read_upright_and_noted(name, turn):
    source = read_source(KINDS / f"{name}.pdf")
    assert [(n.rule, n.page, n.severity) for n in source.notes] == [("read.page_turned", 3, "info")]
    assert f"turned 90° {turn}" in source.notes[0].message and "page 3" in source.notes[0].message
    page = source.text.split("\n\f\n")[2].splitlines()
    assert page[-1] == "- 3 -"  # the page number, printed upright beside the turned table, read apart
    rows = [line.split("\t")[-7:] for line in page if line.count("\t") >= 7]
    assert sum(1 for cells in rows if all(c.isdigit() or c == "" for c in cells)) == 25  # every row of 三


def test_upright_pages_have_no_notes():
    notes: list = []
    pdf_to_text((ROOT / "tests" / "fixtures" / "pdf" / "达州市通川区.pdf").read_bytes(), notes)
    assert notes == []


# --- placement on hand-made characters ------------------------------------------------------

def chars(text: str, x: float, top: float, size: float = 8.0) -> list[dict]:
    """pdfplumber-like characters of `text` from x, one `size` wide each (a space is a gap)."""
    out = []
    for k, ch in enumerate(text):
        if ch != " ":
            x0 = x + k * size
            out.append({"text": ch, "x0": x0, "x1": x0 + size, "top": top, "bottom": top + size,
                        "doctop": top, "upright": True, "size": size, "fontname": "F",
                        "matrix": (1, 0, 0, 1, x0, 0), "object_type": "char", "y0": 0, "y1": size})
    return out


def header(names, centres, top: float, size: float = 6.0) -> list[dict]:
    return [c for name, x in zip(names, centres) for c in chars(name, x - size / 2 * len(name), top, size)]


CENTRES = [250 + 45 * k for k in range(7)]


def rows_of(*lines) -> list[list[str]]:
    page = header(APPLICATION_HEADERS, CENTRES, 100)
    for k, line in enumerate(lines):
        page += [c for text, x in line for c in chars(text, x, 120 + 15 * k)]
    return [r.cells for r in read_rows(page, [], TableState())]


def at(col: int, text: str) -> tuple[str, float]:
    """`text` centred in value column `col`."""
    return text, CENTRES[col] - 4 * len(text)


def test_numbers_are_placed_by_their_position_not_their_count():
    cells = rows_of([("一、本年新收", 60), at(0, "41"), at(1, "7"), at(3, "3"), at(6, "51")])
    assert cells == [["一、本年新收", "41", "7", "", "3", "", "", "51"]]


def test_numbers_separated_by_single_spaces_in_one_string_are_placed_by_position():
    # one string: "41 7 2" with single spaces, standing under the first three columns
    line = "41" + " " * 4 + "7" + " " * 4 + "2"
    page = header(APPLICATION_HEADERS, [254 + 48 * k for k in range(7)], 100) + chars("二、上年结转", 60, 120) + \
        chars(line, 250, 120)
    (cells,) = [r.cells for r in read_rows(page, [], TableState())]
    assert cells == ["二、上年结转", "41", "7", "2", "", "", "", ""]


def test_a_number_on_a_column_boundary_is_not_guessed():
    between = (CENTRES[1] + CENTRES[2]) / 2 - 4
    cells = rows_of([("一、本年新收", 60), at(0, "4"), ("9", between)])
    assert cells == [["一、本年新收"] + ["?"] * 7]


def test_two_numbers_in_one_column_are_not_guessed():
    cells = rows_of([("一、本年新收", 60), at(0, "4"), ("1", CENTRES[2] - 10), ("2", CENTRES[2] + 2)])
    assert cells == [["一、本年新收"] + ["?"] * 7]


def test_the_columns_carry_over_to_the_next_page_and_stop_at_prose():
    state = TableState()
    read_rows(header(APPLICATION_HEADERS, CENTRES, 100), [], state)
    page2 = [c for text, x in [("（七）总计", 60), at(0, "5"), at(6, "5")] for c in chars(text, x, 50)]
    assert [r.cells for r in read_rows(page2, [], state)] == [["（七）总计", "5", "", "", "", "", "", "5"]]
    prose = chars("存在的主要问题：一是公开内容的深度有待加强；二是解读形式较为单一，政策解读的数量和质量有待提高。", 60, 80) + chars("2", 280, 95) + \
        chars("3", 400, 95) + chars("说明", 60, 95)
    assert read_rows(prose, [], state) == [] and state.columns is None
    assert read_rows(chars("- 2 -", 280, 800), [], TableState()) == []


def test_review_headers_wrapped_in_two_lines_give_fifteen_columns():
    centres = [60 + 33 * k for k in range(15)]
    page = []
    for name, x in zip(REVIEW_HEADERS * 3, centres):
        if name == "总计":
            page += chars(name, x - 8, 104)
        else:
            page += chars(name[:2], x - 8, 100) + chars(name[2:], x - 8, 109)
    values = [str(k % 4) for k in range(15)]
    page += [c for v, x in zip(values, centres) for c in chars(v, x - 4, 130)]
    assert [r.cells for r in read_rows(page, [], TableState())] == [values]


def test_a_number_with_a_footnote_marker_keeps_its_row_and_column():
    """41① under a column is a value (its marker is left out of the number by extract/cells.py); such a
    line was once no row at all, the row lost."""
    assert rows_of([("一、本年新收", 60), at(0, "41①")]) == [["一、本年新收", "41①", "", "", "", "", "", ""]]
    assert rows_of([("一、本年新收", 60), at(0, "41⑴"), at(6, "51²")]) == [
        ["一、本年新收", "41⑴", "", "", "", "", "", "51²"]]
