"""Word files and web pages as real tools write them (tests/fixtures/word-kinds/, made by
tests/fixtures/make_word_kinds.py from the seeds): a table in a Word text box, a DOCX with a dangling
relationship, Word's single file web page (MHT) named .doc, a page laid out as one big table. Each reads
back to its seed's golden record, cell by cell, a cell printed blank null (or inferred from the printed
total), never a wrong number."""
from __future__ import annotations

import email.mime.multipart
import email.mime.text
import io
import sys
import zipfile

import pytest

from builder.extract.cells import to_lines
from builder.record.models import iter_cells
from builder.pipeline import extract_file
from builder.read.docx import docx_to_text
from builder.read.html import html_to_text
from builder.record.files import find_sources
from builder.read.text import ReportError
from builder.read.sources import read_source, sniff
from conftest import GOLDEN, REPORTS, ROOT
from golden import differences, load_golden

KINDS = ROOT / "tests" / "fixtures" / "word-kinds"
sys.path.insert(0, str(KINDS.parent))
from make_word_kinds import BLANKED  # noqa: E402

FILES = sorted(p for p in KINDS.iterdir() if p.suffix in (".docx", ".doc", ".html"))
FORMAT = {"textbox": "docx", "dangling": "docx", "mht": "html", "layout": "html"}


def kind_and_seed(path):
    kind, _, seed = path.stem.partition("-")
    return kind, seed


def golden_for(path) -> dict:
    """The seed's golden record; the text-box fixture prints the cells in BLANKED blank as well."""
    kind, seed = kind_and_seed(path)
    gold = load_golden(GOLDEN / "2023" / f"{seed}.gold.yaml")
    reference, _ = extract_file(REPORTS / "2023" / f"{seed}.txt")
    gold["published_on"] = reference.source.published_on
    if kind == "textbox":
        for path_ in BLANKED:
            base, _, index = path_.partition("[")
            node = gold
            for part in base.split(".")[:-1]:
                node = node[part]
            node[base.split(".")[-1]][int(index[:-1])] = None
    return gold


def test_there_is_a_fixture_of_each_kind():
    assert sorted(kind_and_seed(p)[0] for p in FILES) == sorted(FORMAT)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_kind_reads_to_the_golden_record(path):
    record, findings = extract_file(path)
    assert differences(record, golden_for(path)) == []
    assert record.source.format == FORMAT[kind_and_seed(path)[0]]
    assert record.unread == [] and record.not_applicable == []
    assert not [f for f in findings if f.severity != "info"]


# --- a table in a Word text box ----------------------------------------------------------------

def test_a_table_in_a_text_box_is_read_once_as_rows_with_its_blank_cells():
    path = KINDS / f"textbox-{kind_and_seed(next(p for p in FILES if p.stem.startswith('textbox')))[1]}.docx"
    text = docx_to_text(path.read_bytes())
    # each part of section 三 once: the VML fallback copy beside the shape is not read again
    assert text.count("勾稽关系") == 2 and text.count("本年新收政府信息公开申请数量") == 1
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in text.split("\n") if "\t" in line}
    carried = rows["二、上年结转政府信息公开申请数量"]
    assert len(carried) == 7 and carried[2] == ""          # printed blank, kept in its column
    assert rows["一、本年新收政府信息公开申请数量"][0] == ""  # the seed's own blank, first column
    record, _ = extract_file(path)
    cells = dict(iter_cells(record))
    for blank in BLANKED:  # printed blank: null, or the number the row's printed total determines
        assert cells[blank] is None or blank in record.inferred


def test_a_text_box_in_a_table_cell_stays_in_its_cell():
    from test_read_docx import with_body

    box = ('<w:p><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent>'
           '</w:drawing></w:r></w:p>')
    data = with_body(f"<w:tbl><w:tr><w:tc>{box}</w:tc><w:tc><w:p><w:r><w:t>7</w:t></w:r></w:p>"
                     "</w:tc></w:tr></w:tbl>")
    assert docx_to_text(data).splitlines() == ["框\t7"]


# --- a relationship naming a part that is not there --------------------------------------------

def test_the_dangling_fixture_is_one_python_docx_cannot_open():
    import docx

    with pytest.raises(KeyError):  # python-docx #797: the fixture is of the kind it stands for
        docx.Document(str(next(p for p in FILES if p.stem.startswith("dangling"))))


def test_a_word_document_without_its_main_part_or_with_a_broken_one_is_damaged():
    src = zipfile.ZipFile(next(p for p in FILES if p.stem.startswith("dangling")))
    for drop, replace in (("word/document.xml", {}), (None, {"_rels/.rels": b"<Relationships"})):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name in src.namelist():
                if name != drop:
                    z.writestr(name, replace.get(name, src.read(name)))
        with pytest.raises(ValueError, match="^a damaged Word document"):
            docx_to_text(out.getvalue())


def test_the_main_part_is_found_by_the_package_relationship():
    src = zipfile.ZipFile(next(p for p in FILES if p.stem.startswith("dangling")))
    out = io.BytesIO()
    moved = {"word/document.xml": "word/document2.xml"}
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            data = src.read(name)
            if name in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"/document.xml", b"/document2.xml").replace(b'"word/document.xml',
                                                                                  b'"word/document2.xml')
            z.writestr(moved.get(name, name), data)
    assert "本年新收政府信息公开申请数量" in docx_to_text(out.getvalue())


# --- Word's single file web page (MHT) ----------------------------------------------------------

def test_an_mht_is_recognised_by_its_content_whatever_its_name(tmp_path):
    path = next(p for p in FILES if p.stem.startswith("mht"))
    data = path.read_bytes()
    assert sniff(data) == "mht"
    names = ("a.doc", "b.mht", "c.mhtml", "d.txt")  # stems of their own: two sources never share one record
    for name in names:
        (tmp_path / name).write_bytes(data)
        assert read_source(tmp_path / name).format == "html"
    assert {p.name for p in find_sources(tmp_path)} == set(names)


def test_an_mht_in_base64_honours_its_parts_charset():
    record, _ = extract_file(REPORTS / "2023" / "川汇区政府办公室.txt")
    page = (f"<html><head><title>x</title></head><body><p>{record.agency}{record.year}年政府信息公开工作年度报告</p>"
            "<p>一、总体情况</p></body></html>")
    archive = email.mime.multipart.MIMEMultipart("related")
    archive.attach(email.mime.text.MIMEText(page, "html", "gbk"))  # base64, charset in the part only
    text = read_source("saved.mht", archive.as_bytes()).text
    assert text.split("\n")[0] == f"{record.agency}{record.year}年政府信息公开工作年度报告"


def test_an_mht_without_a_web_page_is_refused_clearly():
    archive = email.mime.multipart.MIMEMultipart("related")
    archive.attach(email.mime.text.MIMEText("<xml/>", "xml", "utf-8"))
    with pytest.raises(ReportError, match="holds no web page"):
        read_source("saved.mht", archive.as_bytes())


# --- a page laid out as one big table -----------------------------------------------------------

def test_a_layout_table_is_read_as_blocks_and_only_data_tables_as_rows():
    path = next(p for p in FILES if p.stem.startswith("layout"))
    seed = kind_and_seed(path)[1]
    lines = read_source(path).text.split("\n")
    assert f"{seed}2023年政府信息公开工作年度报告" in lines      # the title a line of its own
    assert "一、总体情况" in lines
    assert "机构概况" not in lines  # the sidebar's list of links is the portal's chrome, beside the article
    tab_lines = [line for line in lines if "\t" in line]
    assert all("首页" not in line and "总体情况" not in line for line in tab_lines)
    assert not [line for line in lines if "site" in line or "访问统计" in line]  # scripts left out
    assert any(line.startswith("二、上年结转政府信息公开申请数量\t") for line in tab_lines)


def test_a_small_table_nested_in_a_data_cell_stays_in_its_cell():
    text = html_to_text("<table><tr><td>行政处罚</td><td><table><tr><td>1</td><td>2</td></tr></table></td></tr>"
                        "<tr><td>行政强制</td><td>3</td></tr></table>")
    first, second = text.splitlines()
    label, cell = first.split("\t")
    assert label == "行政处罚" and "12" not in cell.replace(" ", "") and "1" in cell and "2" in cell
    assert second == "行政强制\t3"


def test_a_data_row_keeps_its_blank_cells_and_a_cell_its_wrapped_label():
    text = html_to_text("<div>x</div><table><tr><td><p>信访举报投诉</p><p>类申请</p></td><td>2</td><td></td>"
                        "<td>&nbsp;</td><td>0</td></tr></table>")
    assert text.splitlines() == ["x", "信访举报投诉类申请\t2\t\t\t0"]
    assert [c.kind for c in to_lines(text)[1].cells] == ["text", "num", "blank", "blank", "num"]


def test_a_cell_of_long_text_in_lines_split_by_breaks_is_page_content():
    prose = "本机关全面贯彻落实政府信息公开条例，" * 12
    page = (f"<table><tr><td>菜单</td><td>某县2023年政府信息公开工作年度报告<br>一、总体情况<br>{prose}</td></tr>"
            "</table>")
    assert html_to_text(page).splitlines() == ["菜单", "某县2023年政府信息公开工作年度报告", "一、总体情况", prose]
    short = "<table><tr><td>规章</td><td>0<br></td><td></td></tr></table>"  # a datum with a stray break
    assert html_to_text(short).splitlines() == ["规章\t0\t"]
