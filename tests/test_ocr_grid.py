"""Scanned tables read cell by cell from their ruling lines (builder/read/ocr_grid.py, read_ocr_page.py):
a lone digit is read, a cell without ink is blank, ink that cannot be read for certain is unread,
and a page fed in sideways or upside down is read upright and said to be turned."""
from __future__ import annotations

import numpy as np
import pytest

from builder.record.models import iter_cells
from builder.read.ocr_text import cell_text
from conftest import GOLDEN, REAL_LAYOUT_SCANS, ROOT
from golden import differences, golden_cells, load_golden

cv2 = pytest.importorskip("cv2", reason="the OCR extra is not installed (make test installs it)")
from builder.read import ocr_grid  # noqa: F401


# --- the grid, on drawn images (no OCR) -------------------------------------------------------

XS, YS = [40, 200, 300, 400, 500], [30, 70, 110, 150]


def drawn_table(sides: bool = True) -> np.ndarray:
    """A 3-row, 4-column ruled table: column 0 of rows 1-2 merged downwards, a lone "1" in row 0
    column 2, speckle in row 0 column 3, rows 1-2 column 3 printed blank, a bar in the others."""
    img = np.full((200, 560), 255, np.uint8)
    for y in YS:
        cv2.line(img, (XS[0], y), (XS[-1], y), 0, 1) if y != YS[2] else cv2.line(img, (XS[1], y), (XS[-1], y), 0, 1)
    for k, x in enumerate(XS):
        if sides or 0 < k < len(XS) - 1:
            cv2.line(img, (x, YS[0]), (x, YS[-1]), 0, 1)
    cv2.line(img, (350, 45), (350, 56), 0, 2)                        # the lone "1" (12 px high)
    for dx, dy in ((430, 40), (470, 60), (445, 52)):                 # specks, one pixel each
        img[dy, dx] = 0
    for r in range(3):
        for c in (0, 1, 2):
            if (r, c) not in ((0, 2), (2, 0)):
                x, y = XS[c] + 20, YS[r] + 15
                cv2.rectangle(img, (x, y), (x + 30, y + 10), 0, -1)  # a word or a number
    return img


def shape(table: ocr_grid.Table) -> list[list[str]]:
    """Each row's cells: "-" merged from above, "ink" or "blank"."""
    return [["-" if c is None else ("ink" if c.lines else "blank") for c in row] for _, row in table.rows()]


def test_a_ruled_table_is_cut_into_cells_with_merges_lone_digits_and_blanks():
    (table,) = ocr_grid.tables(drawn_table())
    assert table.xs == XS and table.ys == YS
    assert shape(table) == [["ink", "ink", "ink", "blank"],
                            ["ink", "ink", "ink", "blank"],
                            ["-", "ink", "ink", "blank"]]
    lone = next(c for c in table.cells if (c.top, c.left) == (0, 2))
    x0, y0, x1, y1 = lone.lines[0]
    assert x0 <= 350 <= x1 and y0 <= 50 <= y1


def test_a_table_without_side_borders_keeps_its_outer_columns():
    (table,) = ocr_grid.tables(drawn_table(sides=False))
    assert table.xs[0] <= XS[0] + 1 and table.xs[-1] >= XS[-1] - 1
    assert shape(table)[0] == ["ink", "ink", "ink", "blank"]


@pytest.mark.parametrize("degrees", [0.8, -2.5])
def test_a_skewed_page_is_straightened_by_its_rules(degrees):
    img = drawn_table()
    m = cv2.getRotationMatrix2D((280, 100), degrees, 1.0)
    skewed = cv2.warpAffine(img, m, (560, 200), borderValue=255)
    angle = ocr_grid.skew(skewed)
    assert angle == pytest.approx(-degrees, abs=0.15)
    (table,) = ocr_grid.tables(ocr_grid.rotate(skewed, angle))
    assert shape(table) == [["ink", "ink", "ink", "blank"], ["ink", "ink", "ink", "blank"], ["-", "ink", "ink", "blank"]]


def test_two_numbers_far_apart_in_one_cell_are_flagged():
    # a rule between two value cells that the scan lost: the two digits must not be read as one number
    img = drawn_table()
    img[YS[1] + 1:YS[2], XS[2] - 1:XS[2] + 2] = 255      # rows 1's rule between columns 1 and 2 erased
    (table,) = ocr_grid.tables(img)
    merged = next(c for c in table.cells if c.top == 1 and c.left == 1)
    assert merged.right == 3 and merged.gapped
    assert not any(c.gapped for c in table.cells if c is not merged)


def number_in_cell(decimal: bool = False, noise: bool = True) -> np.ndarray:
    """A ruled cell (rules at x 0/160, y 0/60) holding "0" (or "1.5", its decimal point a 2 x 2 dot) and,
    with `noise`, what a JPEG-compressed, speckled scan leaves inside it: blobs bigger than _clean's
    specks, a chain of them from the top corner down to the number, and a piece of the left rule inside
    the trimmed border."""
    img = np.full((61, 161), 255, np.uint8)
    cv2.rectangle(img, (0, 0), (160, 60), 0, 1)
    if decimal:
        cv2.line(img, (66, 24), (66, 38), 0, 2)                     # "1"
        cv2.rectangle(img, (72, 36), (73, 37), 0, -1)               # "."
        cv2.ellipse(img, (82, 31), (5, 7), 0, 0, 360, 0, 2)         # "5" (a round stroke will do)
    else:
        cv2.ellipse(img, (80, 31), (5, 7), 0, 0, 360, 0, 2)         # "0", 17 px high
    if noise:
        for x, y in ((6, 5), (9, 10), (11, 15), (14, 20), (120, 8), (140, 50), (30, 45)):
            img[y:y + 4, x:x + 4] = 0                               # blobs of 4 x 4
        for k, y in enumerate(range(12, 48, 9)):                    # a piece of the left rule, skewed:
            img[y:y + 9, 3 + k % 2] = 0                             # no run tall enough to be a rule
    return img


@pytest.mark.parametrize("decimal", [False, True])
def test_noise_neither_joins_lines_nor_widens_the_box_of_a_number(decimal):
    (table,) = ocr_grid.tables(np.pad(number_in_cell(decimal), 20, constant_values=255))
    (cell,) = table.cells
    ys, xs = np.nonzero(number_in_cell(decimal, noise=False)[2:-2, 2:-2] < 128)  # the print alone
    # one line of print, boxed as the print alone is (its decimal point kept): the noise joined nothing to it
    assert cell.lines == [(22 + xs.min(), 22 + ys.min(), 22 + xs.max() + 1, 22 + ys.max() + 1)]


def test_a_digit_printed_against_the_rule_stays_print():
    # "12" printed tight against the cell's left rule: the "1" touches the trimmed border, and is no rule
    img = np.full((61, 161), 255, np.uint8)
    cv2.rectangle(img, (0, 0), (160, 60), 0, 1)
    img[23:32, 3] = img[32:40, 4] = 0                               # "1", 17 px high, against the border
    cv2.ellipse(img, (12, 31), (5, 7), 0, 0, 360, 0, 2)             # "2" (a round stroke will do)
    (table,) = ocr_grid.tables(np.pad(img, 20, constant_values=255))
    (cell,) = table.cells
    assert [line[0] for line in cell.lines] == [20 + 3]             # the line begins with the "1"


def test_a_labels_second_line_is_print_beside_a_run_of_touching_characters():
    # a wrapped label: its first line's characters touch (one wide piece of ink), its second line's do not
    img = np.full((61, 161), 255, np.uint8)
    cv2.rectangle(img, (0, 0), (160, 60), 0, 1)
    cv2.rectangle(img, (20, 12), (55, 26), 0, -1)                   # line 1: a run of touching characters
    for x in (20, 34, 48):
        cv2.rectangle(img, (x, 34), (x + 8, 44), 0, 1)              # line 2: three characters apart
    (table,) = ocr_grid.tables(np.pad(img, 20, constant_values=255))
    (cell,) = table.cells
    assert [(y0 - 20, y1 - 20) for _, y0, _, y1 in cell.lines] == [(12, 27), (34, 45)]


# --- a cell's readings → its text (no OCR) -----------------------------------------------------

def test_a_cell_is_a_number_only_when_read_for_certain():
    assert cell_text([]) == ""                                          # no ink: blank
    assert cell_text([[("1", 0.99)]]) == "1"
    assert cell_text([[("0", 0.65)]]) == "?"                            # unsure
    assert cell_text([[("0", 0.65)], [("Q", 0.5)], [("0", 0.99)]]) == "0"  # confirmed by another crop
    assert cell_text([[("Q", 0.6)], [("0", 0.99)]]) == "?"              # the print itself was not read as digits
    assert cell_text([[("1953.86", 0.8)], [("195386", 0.99)]]) == "?"   # smoothing erased the point
    assert cell_text([[("8", 0.95)], [("0", 0.95)]]) == "?"             # two readings disagree
    assert cell_text([[("1O", 0.99)]]) == "?"                           # a letter among digits
    assert cell_text([[("", 0.0)]]) == "?"                              # ink read as nothing
    assert cell_text([[("3 5", 0.99)]]) == "?"                          # two numbers, or one?
    wrapped = [[("（二）部分公开（区分处理的，只计这一情", 0.98), ("形，不计其他情形）", 0.97)]]
    assert cell_text(wrapped) == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"  # a wrapped label


# --- a scan with a page sideways and a page upside down (OCR: read once) ----------------------

@pytest.fixture(scope="module")
def turned(turned_scan):
    return turned_scan


def test_every_cell_of_the_turned_scan_is_the_printed_one(turned):
    record, findings = turned
    gold = load_golden(GOLDEN / "2023" / "川汇区政府办公室.gold.yaml")
    assert record.source.format == "pdf-ocr"
    got = dict(iter_cells(record))
    for path, want in golden_cells(gold).items():
        if want is None:  # printed blank: read as blank (filled only by the arithmetic, and marked)
            assert got[path] is None or path in record.inferred, path
            assert path not in record.unread, path
        else:
            assert got[path] is not None and float(got[path]) == float(want), f"{path}: {got[path]}, printed {want}"
    assert differences(record, gold) == []
    assert record.unread == []


def test_the_turned_pages_are_read_and_said_to_be_turned(turned):
    record, findings = turned
    said = sorted(f.message for f in findings if f.rule == "read.page_turned")
    assert len(said) == 2
    assert "page 2" in said[0] and "90°" in said[0] and "sideways" in said[0]
    assert "page 3" in said[1] and "180°" in said[1] and "upside down" in said[1]
    assert all(f.severity == "info" for f in findings if f.rule == "read.page_turned")
    # section 三 is on the sideways page and the upside-down one; section 四 on the upside-down one
    assert record.source.pages.applications == [2, 3]
    assert record.source.pages.review_litigation == [3]


# --- a real report's layout, scanned: one rendering JPEG-encoded twice (OCR: read once) ---------

REAL_GOLD = ROOT / "tests" / "real" / "pingtan" / "2024-平潭综合实验区.gold.yaml"


@pytest.mark.parametrize("quality", [75, 35])
def test_both_encodings_of_a_real_layouts_scan_read_every_cell_as_printed(real_layout_scans, quality):
    record, findings = real_layout_scans[quality]
    gold = load_golden(REAL_GOLD)
    assert record.source.format == "pdf-ocr"
    assert differences(record, gold) == []
    assert record.unread == []
    assert not [f for f in findings if f.rule.startswith("extract.")]


def test_a_cells_reading_does_not_hang_on_the_crops_read_with_it():
    # the recogniser pads each image of a batch to the widest: a lone digit's reading must not depend on
    # which other crops of its page it is read with (compression noise anywhere changes them)
    pytest.importorskip("rapidocr", reason="the OCR extra is not installed (make test installs it)")
    import pypdfium2

    from builder.read.ocr import DPI, _engine
    from builder.read.ocr_page import recognise

    page = pypdfium2.PdfDocument(REAL_LAYOUT_SCANS[35])[1]
    gray = np.array(page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L"))
    gray = ocr_grid.rotate(gray, ocr_grid.skew(gray))
    level = ocr_grid.paper(gray)
    table = max(ocr_grid.tables(gray), key=lambda t: len(t.cells))          # table 三
    lines = [line for c in table.cells for line in c.lines]
    crops = [ocr_grid.clean_crop(gray, line, level, (4, 8)) for line in lines]
    engine = _engine()
    together = recognise(engine, crops)
    digits = [k for k, (text, _) in enumerate(together) if text.isdigit()]
    assert len(digits) > 100
    wide = crops[0][:, :1].repeat(8 * crops[0].shape[0], axis=1)              # paper, eight heights wide
    for k in digits[:12]:
        for alone_or_not in (recognise(engine, [crops[k]])[0], recognise(engine, [crops[k], wide])[0]):
            assert alone_or_not[0] == together[k][0]
            assert alone_or_not[1] == pytest.approx(together[k][1], abs=1e-3)
