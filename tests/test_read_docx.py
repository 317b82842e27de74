"""The Word reader (builder/read/docx.py) on small documents built here: merged cells once, page breaks as
form feeds, document order, the places Word keeps text (content controls, text boxes, frames), and clear
reasons for files it cannot read. The fixtures read back to the golden records in test_read_files.py."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from builder.read.docx import docx_to_text
from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
NS = nsdecls("w") + ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def saved(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def lines_of(d) -> list[str]:
    return docx_to_text(saved(d)).split("\n")[:-1]  # not splitlines(): it splits at form feeds too


def with_body(*fragments: str) -> bytes:
    """A document whose body is the given WordprocessingML fragments (and Word's section properties)."""
    d = docx.Document()
    body = d.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    for xml in fragments:
        body.sectPr.addprevious(parse_xml(xml.replace(">", f" {NS}>", 1)))
    return saved(d)


def p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text)}</w:tc>"


# --- merged cells ----------------------------------------------------------------------------

def test_a_cell_spanning_columns_is_one_cell_and_a_vertical_continuation_is_empty():
    d = docx.Document()
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "申请人情况"   # gridSpan=3
    t.cell(0, 3).text = "总计"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "三、本年度办理结果"  # vMerge restart, then continue
    for r in (1, 2):
        for c in (1, 2, 3):
            t.cell(r, c).text = str(r * 10 + c)
    assert lines_of(d) == ["申请人情况\t总计", "三、本年度办理结果\t11\t12\t13", "\t21\t22\t23"]


def test_a_cell_merged_both_ways_is_printed_once():
    d = docx.Document()
    t = d.add_table(rows=4, cols=5)
    t.cell(0, 0).merge(t.cell(2, 2)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t.cell(0, 3).merge(t.cell(0, 4)).text = "申请人情况"
    t.cell(1, 3).text, t.cell(1, 4).text = "自然人", "总计"
    t.cell(3, 0).text, t.cell(3, 4).text = "一、本年新收政府信息公开申请数量", "7"
    lines = lines_of(d)
    assert [line.count("勾稽关系") for line in lines] == [1, 0, 0]
    assert lines[0].split("\t") == ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]
    assert lines[1].split("\t") == ["", "自然人", "总计"]   # the merge continues: one empty cell, not three
    assert lines[2].split("\t") == ["一、本年新收政府信息公开申请数量", "", "", "", "7"]


def test_old_style_horizontal_merge_is_one_cell():
    data = with_body("<w:tbl>" "<w:tr>" + tc("商业企业", '<w:hMerge w:val="restart"/>') + tc("", "<w:hMerge/>")
                     + tc("5") + "</w:tr><w:tr>" + tc("a") + tc("b") + tc("6") + "</w:tr></w:tbl>")
    assert docx_to_text(data).splitlines() == ["商业企业\t5", "a\tb\t6"]


def test_a_label_wrapped_over_paragraphs_in_a_cell_is_one_label_and_empty_rows_are_skipped():
    d = docx.Document()
    t = d.add_table(rows=3, cols=2)
    t.cell(0, 0).text = "信访举报投诉"
    t.cell(0, 0).add_paragraph("类申请")
    t.cell(0, 1).text = "3"
    t.cell(2, 0).text, t.cell(2, 1).text = "重复申请", "0"
    assert lines_of(d) == ["信访举报投诉类申请\t3", "重复申请\t0"]


def test_numbers_in_a_nested_table_never_run_together():
    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "行政处罚"
    inner = t.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "1", "2"
    (line,) = lines_of(d)
    label, cell = line.split("\t")
    assert label == "行政处罚" and "12" not in cell.replace(" ", "") and "1" in cell and "2" in cell


def test_a_one_column_frame_around_the_report_is_read_as_its_paragraphs_and_tables():
    d = docx.Document()
    frame = d.add_table(rows=1, cols=1).cell(0, 0)
    frame.text = "一、总体情况"
    frame.add_paragraph("本年度……")
    inner = frame.add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "行政处罚", "3"
    frame.add_paragraph("五、存在的主要问题及改进情况")
    assert lines_of(d) == ["一、总体情况", "本年度……", "行政处罚\t3", "五、存在的主要问题及改进情况"]


# --- order and page breaks -------------------------------------------------------------------

def test_paragraphs_and_tables_in_document_order():
    d = docx.Document()
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "规章", "0"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    assert lines_of(d) == ["二、主动公开政府信息情况", "规章\t0", "三、收到和处理政府信息公开申请情况"]


def test_explicit_page_breaks_are_form_feeds_where_they_stand():
    d = docx.Document()
    d.add_paragraph("甲")
    para = d.add_paragraph()
    para.add_run().add_break(WD_BREAK.PAGE)
    para.add_run("乙")                           # printed at the top of page 2
    d.add_paragraph("丙").paragraph_format.page_break_before = True
    d.add_section(WD_SECTION.NEW_PAGE)           # a section break that starts a new page
    d.add_paragraph("丁")
    d.add_section(WD_SECTION.CONTINUOUS)         # one that does not
    d.add_paragraph("戊")
    assert lines_of(d) == ["甲", "\f", "乙", "\f", "丙", "\f", "丁", "戊"]


def test_word_pagination_hints_are_not_page_breaks_and_line_breaks_split_lines():
    data = with_body('<w:p><w:r><w:t>某区人民政府办公室</w:t></w:r><w:r><w:lastRenderedPageBreak/><w:br/>'
                     '<w:t>2024年1月20日</w:t></w:r></w:p>')
    assert docx_to_text(data) == "某区人民政府办公室\n2024年1月20日\n"


def test_the_split_table_of_a_fixture_has_a_page_break_between_its_parts():
    text = docx_to_text((FIXTURES / "docx" / "达州市通川区.docx").read_bytes())
    before, after = text.split("\f")
    assert "三、本年度办理结果" in before and "（七）总计" in after
    assert before.count("勾稽关系") == after.count("勾稽关系") == 1  # the header row repeated on page 2


# --- where Word keeps text -------------------------------------------------------------------

def test_content_controls_text_boxes_tracked_changes_and_hidden_text():
    data = with_body(
        f"<w:sdt><w:sdtContent>{p('在内容控件里')}</w:sdtContent></w:sdt>",
        "<w:tbl><w:tr>" + tc("规章") + tc("1") + "</w:tr><w:sdt><w:sdtContent><w:tr>" + tc("规范性文件")
        + tc("2") + "</w:tr></w:sdtContent></w:sdt></w:tbl>",
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>"
        f"{p('文本框')}</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
        f"{p('文本框')}</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
        "<w:p><w:r><w:t>收到</w:t></w:r><w:del><w:r><w:delText>12</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>21</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
        "<w:r><w:t>件</w:t></w:r></w:p>",
    )
    assert docx_to_text(data).splitlines() == ["在内容控件里", "规章\t1", "规范性文件\t2", "文本框", "收到21件"]


# --- files it cannot read --------------------------------------------------------------------

@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_word_document_is_damaged(fraction):
    data = (FIXTURES / "docx" / "川汇区政府办公室.docx").read_bytes()
    with pytest.raises(ValueError, match="^a damaged Word document") as err:
        docx_to_text(data[: int(len(data) * fraction)])
    assert len(str(err.value)) < 160


def test_a_word_document_with_a_damaged_part_is_damaged():
    src = zipfile.ZipFile(FIXTURES / "docx" / "川汇区政府办公室.docx")
    for bad in (b"<w:document", b"\x00" * 200):  # XML cut short; a part that is not XML at all
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name in src.namelist():
                z.writestr(name, bad if name == "word/document.xml" else src.read(name))
        with pytest.raises(ValueError, match="^a damaged Word document"):
            docx_to_text(out.getvalue())


@pytest.mark.parametrize("names", [["readme.txt"], ["[Content_Types].xml", "xl/workbook.xml"]],
                         ids=["plain-zip", "workbook"])
def test_a_zip_that_is_not_a_word_document(names):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    with pytest.raises(ValueError, match="^a ZIP archive that is not a Word document"):
        docx_to_text(out.getvalue())
