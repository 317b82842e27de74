"""Real report files: a PDF with a text layer and a Word document for two seeds, each read back to the
seed's golden record; and the bad files a maintainer may commit."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys

import pytest

from builder.pipeline import extract_file, process_all
from builder.read.text import ReportError
from builder.read.sources import read_source, sniff
from conftest import GOLDEN, REPORTS, ROOT
from golden import differences, load_golden

FIXTURES = ROOT / "tests" / "fixtures"
FILES = sorted(FIXTURES.glob("pdf/*.pdf")) + sorted(FIXTURES.glob("docx/*.docx")) + sorted(FIXTURES.glob("html/*.html"))


def golden_for(path):
    gold = load_golden(GOLDEN / "2023" / f"{path.stem}.gold.yaml")
    reference, _ = extract_file(REPORTS / "2023" / f"{path.stem}.txt")
    gold["published_on"] = reference.source.published_on
    return gold


def test_there_are_fixtures_of_each_format_for_two_seeds():
    assert {p.stem for p in FILES} == {"达州市通川区", "川汇区政府办公室"}
    assert {p.suffix for p in FILES} == {".pdf", ".docx", ".html"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_file_reads_to_the_golden_record(path):
    record, findings = extract_file(path)
    assert differences(record, golden_for(path)) == []
    assert record.source.format == path.parent.name
    assert not [f for f in findings if f.severity != "info"]


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix != ".html"], ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_the_record_says_which_pages_each_table_is_on(path):
    record, _ = extract_file(path)
    pages = record.source.pages
    # section 三 is printed across a page break in every fixture
    assert len(pages.applications) == 2 and pages.applications[1] == pages.applications[0] + 1
    assert pages.review_litigation == [pages.applications[-1]]


def test_format_is_chosen_by_content_not_extension(tmp_path):
    disguised = tmp_path / "report.txt"
    shutil.copy(FIXTURES / "docx" / "川汇区政府办公室.docx", disguised)
    assert sniff(disguised.read_bytes()) == "zip"
    assert read_source(disguised).format == "docx"


def test_bold_overdraw_and_full_width_digits_read_as_single_digits():
    text = read_source(FIXTURES / "pdf" / "川汇区政府办公室.pdf").text  # numbers drawn twice
    assert "\t6\t" in text or text.count("\t0") > 100
    assert "00\t00" not in text
    record, _ = extract_file(FIXTURES / "pdf" / "达州市通川区.pdf")  # totals printed full-width
    assert record.applications.new[6] == 64


def test_word_merged_cells_are_one_cell(tmp_path):
    import docx
    from builder.read.docx import docx_to_text

    d = docx.Document()
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "合并"
    t.cell(1, 2).merge(t.cell(2, 2)).text = "竖"
    t.cell(0, 2).text, t.cell(0, 3).text = "a", "b"
    t.cell(1, 0).text, t.cell(2, 0).text = "x", "y"
    buf = io.BytesIO()
    d.save(buf)
    lines = docx_to_text(buf.getvalue()).splitlines()
    assert lines[0] == "合并\ta\tb"          # spans two grid columns, printed once
    assert lines[1].split("\t")[0] == "x" and lines[1].split("\t")[2] == "竖"
    assert lines[2].split("\t")[2] == ""     # the continuation of the vertical merge


BAD = {
    "encrypted.pdf": "an encrypted PDF",
    "corrupt.docx": "a damaged Word document",
    "not-a-report.pdf": "not a government information disclosure annual report",
    "damaged-scan.pdf": "damaged PDF",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_get_a_clear_message(name):
    path = FIXTURES / "bad" / name
    with pytest.raises(ReportError) as err:
        extract_file(path)
    assert BAD[name] in err.value.reason
    out = subprocess.run([sys.executable, "-m", "builder", "extract", str(path)], cwd=ROOT, capture_output=True,
                         text=True)
    assert out.returncode == 1 and str(path) in out.stderr and BAD[name] in out.stderr


def test_a_zip_that_is_not_a_word_document(tmp_path):
    import zipfile
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ReportError, match="not a Word document"):
        extract_file(path)


def test_bad_files_do_not_stop_the_others(tmp_path):
    reports = tmp_path / "reports" / "2023"
    shutil.copytree(REPORTS, tmp_path / "reports", ignore=shutil.ignore_patterns("*.yaml"))
    for name in BAD:
        shutil.copy(FIXTURES / "bad" / name, reports / name)
    (reports / "zero.pdf").write_bytes(b"")
    shutil.copy(FIXTURES / "pdf" / "达州市通川区.pdf", reports / "达州市通川区2.pdf")
    every = process_all(tmp_path / "reports", tmp_path)
    outcomes = {o.source.name: o for o in every if o.source.parent == reports}
    assert outcomes["zero.pdf"].error == "the file is empty"
    for name, reason in BAD.items():
        assert reason in outcomes[name].error
    # the PDF is a second source for 达州市通川区 2023: neither is published until a person keeps one
    assert sum(not o.failed for o in every) == 4 + 7  # and 平潭's seven
    for name in ("达州市通川区.txt", "达州市通川区2.pdf"):
        assert [f.rule for f in outcomes[name].findings if f.severity == "error"] == ["reports.duplicate"]


def test_a_gb2312_web_page_is_read_in_its_declared_charset():
    page = FIXTURES / "html" / "达州市通川区.html"
    data = page.read_bytes()
    assert b"charset=gb2312" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    record, _ = extract_file(page)
    assert record.agency == "达州市通川区" and record.applications.new[6] == 64
