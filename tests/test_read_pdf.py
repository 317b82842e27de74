"""The PDF reader (builder/read/pdf.py) on its own: the PDF fixtures (tests/fixtures/make_fixtures.py)
read to text that the parser turns into the seeds' golden records; pages, ruled tables, overdrawn
bold, full-width digits; the PDFs that cannot be read. Small PDFs are written by hand here, so the
tests need neither reportlab nor a Chinese font."""
from __future__ import annotations

import hashlib
import io
import re

import pytest

from builder.extract.to_record import extract
from builder.extract.infer import infer
from builder.pipeline import extract_file
from builder.read.pdf import NoTextLayer, pdf_to_text
from builder.read.text import ReportError, SourceText
from conftest import GOLDEN, REPORTS, ROOT
from golden import differences, golden_cells, load_golden

FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ("达州市通川区", "川汇区政府办公室")  # 达州: totals printed full-width; 川汇: numbers bold by overdraw
HEADER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def read(name: str) -> str:
    return pdf_to_text((FIXTURES / "pdf" / f"{name}.pdf").read_bytes())


def record_of(path, text: str):
    data = path.read_bytes()
    record = extract(SourceText(str(path), hashlib.sha256(data).hexdigest(), "pdf", text)).record
    infer(record)
    return record


def golden(name: str) -> dict:
    gold = load_golden(GOLDEN / "2023" / f"{name}.gold.yaml")
    reference, _ = extract_file(REPORTS / "2023" / f"{name}.txt")
    gold["published_on"] = reference.source.published_on
    return gold


def pages_of(text: str) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    for line in text.split("\n")[:-1]:  # not splitlines(): it splits at form feeds too
        if line == "\f":
            pages.append([])
        elif line:
            pages[-1].append(line)
    return pages


# --- the fixtures --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SEEDS)
def test_pdf_reads_to_the_golden_record_cell_by_cell(name):
    record = record_of(FIXTURES / "pdf" / f"{name}.pdf", read(name))
    gold = golden(name)
    assert differences(record, gold) == []
    assert len(golden_cells(gold)) > 150  # every cell of the template's tables was compared


@pytest.mark.parametrize("name", SEEDS)
def test_pages_are_separated_by_form_feed_lines(name):
    import pdfplumber

    text = read(name)
    with pdfplumber.open(FIXTURES / "pdf" / f"{name}.pdf") as pdf:
        n = len(pdf.pages)
    assert n >= 3
    assert text.count("\f") == n - 1 and all(line == "\f" for line in text.split("\n") if "\f" in line)
    for k, page in enumerate(pages_of(text), start=1):
        assert page[-1] == f"- {k} -"  # each page ends with its own footer


@pytest.mark.parametrize("name", SEEDS)
def test_section_three_is_one_line_per_row_across_its_page_break(name):
    pages = pages_of(read(name))
    # the header rows, printed again at the top of the table's second page
    headed = [k for k, page in enumerate(pages) if any(line.startswith(HEADER + "\t") for line in page)]
    assert len(headed) == 2 and headed[1] == headed[0] + 1
    lines = [line for page in pages for line in page]
    first = next(line for line in lines if line.startswith(HEADER))
    assert first.split("\t") == [HEADER, "", "", "申请人情况", "", "", "", "", "", ""]  # merged: one text, 10 cells
    # labels wrapped inside their cells are one cell each; every row keeps all 10 cells in order
    for label in ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                  "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                  "5.要求行政机关确认或重新出具已获取信息"):
        row = next(line for line in lines if label in line.split("\t")).split("\t")
        assert len(row) == 10 and all(re.fullmatch(r"[0-9０-９]*", c) for c in row[3:])
    row = next(line for line in lines if line.startswith("三、本年度办理结果\t")).split("\t")
    assert row[1] == "（一）予以公开"  # the group label merged over 22 rows: printed on its first row only


def test_bold_overdraw_is_read_once():
    import pdfplumber

    from builder.read.pdf import _dedupe

    with pdfplumber.open(FIXTURES / "pdf" / "川汇区政府办公室.pdf") as pdf:
        page = pdf.pages[1]
        assert len(_dedupe(page).chars) < len(page.chars) - 50  # the numbers are drawn twice
    text = read("川汇区政府办公室")
    total = next(line for line in text.splitlines() if line.startswith("\t（七）总计\t")).split("\t")
    gold = golden("川汇区政府办公室")["applications"]["outcomes"]["total"]
    assert total[3:] == ["" if v is None else str(v) for v in gold]


def test_full_width_digits_are_passed_on_as_printed():
    text = read("达州市通川区")
    row = next(line for line in text.splitlines() if line.startswith("一、本年新收")).split("\t")
    assert row[-1] == "６４"  # cells.py reads full-width digits (NFKC)
    record = record_of(FIXTURES / "pdf" / "达州市通川区.pdf", text)
    assert record.applications.new[6] == 64


# --- PDFs that cannot be read --------------------------------------------------------------------

def test_an_encrypted_pdf():
    with pytest.raises(ValueError, match="encrypted") as err:
        pdf_to_text((FIXTURES / "bad" / "encrypted.pdf").read_bytes())
    assert not isinstance(err.value, NoTextLayer)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_pdf_is_damaged(fraction):
    data = (FIXTURES / "pdf" / "达州市通川区.pdf").read_bytes()
    with pytest.raises(ValueError, match="damaged") as err:
        pdf_to_text(data[: int(len(data) * fraction)])
    assert not isinstance(err.value, NoTextLayer)


def test_a_damaged_scan_is_damaged():
    with pytest.raises(ValueError, match="damaged"):
        pdf_to_text((FIXTURES / "bad" / "damaged-scan.pdf").read_bytes())


def test_a_pdf_without_text_needs_ocr():
    rectangle = b"0.5 w 72 600 300 150 re S\n"
    with pytest.raises(NoTextLayer, match="no text layer"):
        pdf_to_text(tiny_pdf([rectangle, rectangle]))
    with pytest.raises(NoTextLayer):  # only page numbers (added by the word processor) over images
        pdf_to_text(tiny_pdf([latin("- 1 -", 280, 30), latin("- 2 -", 280, 30)]))


def test_a_scan_needs_ocr():
    with pytest.raises(NoTextLayer):
        pdf_to_text((FIXTURES / "scan" / "川汇区政府办公室.pdf").read_bytes())


def test_glyphs_without_a_unicode_map_are_as_good_as_an_image():
    unmapped = b"BT /F3 12 Tf 72 700 Td <%s> Tj ET\n" % "".join(f"{k:04x}" for k in range(1, 40)).encode()
    with pytest.raises(NoTextLayer):
        pdf_to_text(tiny_pdf([unmapped]))
    # one such page among pages with text: that page is left blank, the pages keep their places
    text = pdf_to_text(tiny_pdf([zh("政府信息公开", 72, 700), unmapped, zh("年度报告", 72, 700)]))
    assert pages_of(text) == [["政府信息公开"], [], ["年度报告"]]
    assert "cid" not in text
    # a few unmapped glyphs in a page of text (a symbol font): unknown characters, never guessed
    text = pdf_to_text(tiny_pdf([zh("政府信息公开工作年度报告总体情况", 72, 700) + b"BT /F3 12 Tf 72 600 Td <0011> Tj ET\n"]))
    assert text.splitlines() == ["政府信息公开工作年度报告总体情况", "?"]


def test_a_pdf_that_is_not_a_report_reads_but_is_not_a_report():
    path = FIXTURES / "bad" / "not-a-report.pdf"
    text = pdf_to_text(path.read_bytes())
    assert "会议的通知" in text and "区政府办公室" in text
    data = path.read_bytes()
    with pytest.raises(ReportError, match="not a government information disclosure annual report"):
        extract(SourceText(str(path), hashlib.sha256(data).hexdigest(), "pdf", text))


# --- tables and prose on a page -----------------------------------------------------------------

def grid(x: list[float], y: list[float], merged: list[tuple[int, int, int, int]] = ()) -> bytes:
    """Ruled lines of a table with column edges x and row edges y (top to bottom, PDF points from
    the bottom); merged = (row0, col0, row1, col1) regions drawn without their inner lines."""
    def inside(r0, c0, r1, c1, r, c):
        return r0 <= r <= r1 and c0 <= c <= c1

    out = [b"0.5 w"]
    for r, yy in enumerate(y):  # horizontal segments, one per cell, left out inside merged regions
        for c in range(len(x) - 1):
            if 0 < r < len(y) - 1 and any(inside(r0, c0, r1, c1, r - 1, c) and inside(r0, c0, r1, c1, r, c)
                                          for r0, c0, r1, c1 in merged):
                continue
            out.append(b"%g %g m %g %g l S" % (x[c], yy, x[c + 1], yy))
    for c, xx in enumerate(x):
        for r in range(len(y) - 1):
            if 0 < c < len(x) - 1 and any(inside(r0, c0, r1, c1, r, c - 1) and inside(r0, c0, r1, c1, r, c)
                                          for r0, c0, r1, c1 in merged):
                continue
            out.append(b"%g %g m %g %g l S" % (xx, y[r], xx, y[r + 1]))
    return b"\n".join(out) + b"\n"


def test_a_page_in_reading_order_with_its_table_rows_as_tab_lines():
    x, y = [100, 200, 300, 400], [600, 580, 545, 525]
    content = (zh("一、总体情况", 72, 700) + zh("表格之前的说明。", 72, 660)
               + grid(x, y, merged=[(1, 0, 2, 0)])
               + zh("类别", 105, 586, 10) + zh("数量", 205, 586, 10) + zh("说明", 305, 586, 10)
               + zh("很长的标签在单", 102, 568, 10) + zh("元格中换行", 102, 556, 10)  # wrapped in its cell
               + latin("12", 205, 560, 10) + latin("3", 205, 530, 10) + zh("无", 305, 530, 10)
               + zh("表格旁的批注", 420, 560, 10)  # beside the table, outside its lines
               + zh("二、表格之后", 72, 480) + latin("- 1 -", 280, 30))
    lines = pdf_to_text(tiny_pdf([content])).splitlines()
    assert lines == ["一、总体情况", "表格之前的说明。", "表格旁的批注",
                     "类别\t数量\t说明", "很长的标签在单元格中换行\t12\t", "\t3\t无",
                     "二、表格之后", "- 1 -"]


def test_a_ruled_box_around_prose_is_prose_and_a_frame_does_not_swallow_a_table():
    box = b"0.5 w 60 600 480 100 re S\n"  # one cell: a box around two lines of prose
    # a layout grid around the whole page (two cells, as when a page is laid out in a Word table)
    frame = b"0.5 w 20 20 555 802 re S 20 560 m 575 560 l S\n"
    content = (frame + box + zh("框内第一行文字", 72, 670) + zh("框内第二行文字", 72, 640)
               + grid([100, 200, 300], [500, 480, 460]) + zh("甲", 105, 486, 10) + latin("7", 205, 466, 10)
               + zh("框外文字", 72, 400))
    lines = pdf_to_text(tiny_pdf([content])).splitlines()
    assert lines == ["框内第一行文字", "框内第二行文字", "甲\t", "\t7", "框外文字"]


@pytest.mark.parametrize("rotate, turn", [(90, b"0 1 -1 0 595 0 cm"), (270, b"0 -1 1 0 0 842 cm")])
def test_a_landscape_page_turned_by_rotate_reads_upright(rotate, turn):
    # a wide table printed on a portrait page turned by /Rotate, as some printers to PDF do
    body = (zh("三、收到和处理政府信息公开申请情况", 72, 540) + grid([100, 200, 300], [500, 480, 445])
            + zh("类别", 105, 486, 10) + latin("12", 205, 486, 10)
            + zh("很长的标签在单", 102, 468, 10) + zh("元格中换行", 102, 456, 10) + latin("3", 205, 460, 10))
    pdf = tiny_pdf([b"q " + turn + b"\n" + body + b"Q\n"])
    pdf = pdf.replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 595 842] /Rotate %d" % rotate)
    assert pdf_to_text(pdf).splitlines() == ["三、收到和处理政府信息公开申请情况", "类别\t12", "很长的标签在单元格中换行\t3"]


# --- PDFs written by hand ------------------------------------------------------------------------

def tiny_pdf(pages: list[bytes]) -> bytes:
    """A PDF of A4 pages with the given content streams. Fonts: /F1 Helvetica, /F2 a Chinese font
    addressed in UCS-2 (UniGB-UCS2-H, not embedded: its text maps to Unicode by the CMap's name),
    /F3 glyph ids without any Unicode map (text extraction prints them as "(cid:NN)")."""
    descriptor = (b"<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 "
                  b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
    objs: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>",
        5: (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /FontDescriptor 6 0 R "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>"),
        6: descriptor % b"STSong-Light",
        7: b"<< /Type /Font /Subtype /Type0 /BaseFont /XYZ /Encoding /Identity-H /DescendantFonts [8 0 R] >>",
        8: (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /XYZ /FontDescriptor 9 0 R "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"),
        9: descriptor % b"XYZ",
    }
    kids, n = [], 10
    for content in pages:
        objs[n] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
        objs[n + 1] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 7 0 R >> >> >>" % n)
        kids.append(n + 1)
        n += 2
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for k in sorted(objs):
        offsets[k] = out.tell()
        out.write(b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n")
    xref, size = out.tell(), max(objs) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for k in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[k])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def zh(text: str, x: float, y: float, size: float = 12) -> bytes:
    """Chinese text drawn at (x, y), in points from the page's bottom left."""
    return b"BT /F2 %g Tf %g %g Td <%s> Tj ET\n" % (size, x, y, text.encode("utf-16-be").hex().encode())


def latin(text: str, x: float, y: float, size: float = 12) -> bytes:
    return b"BT /F1 %g Tf %g %g Td (%s) Tj ET\n" % (size, x, y, text.encode("latin-1"))
