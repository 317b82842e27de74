"""A web-page fragment is a web page (builder/read/fragments.py): an article body as a CMS, an API or an
app stores it (no <html>, doctype or charset, on one line), or held in a string of a JavaScript or JSON
file, reads every cell as the page it came from does, whatever the file is called. A text report holding
a few tags (converter Markdown with HTML tables, a <br> pasted in) reads as text, as before."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from builder.pipeline import extract_file
from builder.read.fragments import is_fragment, js_string, web_page_in
from builder.record.models import iter_cells
from conftest import REPORTS, ROOT
from layouts import markdown_html_tables

PAGE = ROOT / "tests" / "real" / "pingtan" / "2023-平潭综合实验区.html"


def article_body(page: Path) -> str:
    """The page's article as its CMS stores it: the title as a paragraph, then the article element's
    inner markup, all on one line (no head, no doctype, no charset)."""
    from builder.read.html import _Article

    root = etree.fromstring(page.read_text(encoding="utf-8"), etree.HTMLParser(recover=True))
    main = _Article(root).main
    title = root.find(".//meta[@name='ArticleTitle']").get("content")
    inner = (main.text or "") + "".join(etree.tostring(c, encoding="unicode", with_tail=True) for c in main)
    return f"<p>{title}</p>" + inner.replace("\n", "").replace("\r", "")


@pytest.fixture(scope="module")
def reference():
    record, _ = extract_file(PAGE)
    return record


def wrappers(body: str) -> dict[str, str]:
    """The body as each kind of file holds it."""
    title = "平潭综合实验区2023年度政府信息公开工作年度报告"
    return {
        "body.txt": body,
        "body.html": body,
        "body": body,
        # a script's string: every / escaped as \/, quotes as \", one line
        "content.js": "var content = " + json.dumps(body, ensure_ascii=False).replace("/", "\\/") + ";\n",
        "detail.json": json.dumps({"code": 0, "data": {"id": 87885, "title": title, "content": body,
                                                       "source": "平潭综合实验区管委会办公室"}}),
        "single-quoted.js": "document.write('" + body.replace("\\", "\\\\").replace("'", "\\'") + "');",
    }


@pytest.mark.parametrize("name", sorted(wrappers("")))
def test_a_fragment_reads_every_cell_as_its_page_does(tmp_path, reference, name):
    path = tmp_path / name
    path.write_text(wrappers(article_body(PAGE))[name], encoding="utf-8")
    record, findings = extract_file(path)
    assert record.source.format == "html"
    assert (record.agency, record.year) == (reference.agency, reference.year)
    assert dict(iter_cells(record)) == dict(iter_cells(reference))
    assert record.narrative.overview == reference.narrative.overview
    assert not [f for f in findings if f.rule.startswith("extract.") and f.severity != "info"]


def test_a_fragment_in_gb18030_without_a_charset_reads_too(tmp_path, reference):
    path = tmp_path / "body.txt"
    path.write_bytes(article_body(PAGE).encode("gb18030"))
    record, _ = extract_file(path)
    assert dict(iter_cells(record)) == dict(iter_cells(reference))


def test_a_text_report_with_markup_in_it_reads_as_text(tmp_path):
    # a converter's Markdown, each table one line of HTML: prose outside the tables stands in lines of its own
    seed, _ = extract_file(REPORTS / "2023" / "达州市通川区.txt")
    markdown = markdown_html_tables(seed)
    assert web_page_in(markdown) is None
    path = tmp_path / "converted.md"
    path.write_text(markdown, encoding="utf-8")
    record, _ = extract_file(path)
    assert record.source.format == "text"
    assert dict(iter_cells(record)) == dict(iter_cells(seed))
    # a text report with a <br> and a <p> pasted into a few of its lines: still text, read as before
    text = (REPORTS / "2023" / "达州市通川区.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    prose = [k for k, line in enumerate(lines) if len(line) > 60 and "\t" not in line]
    lines[prose[0]] += "<br>"
    lines[prose[1]] = "<p>" + lines[prose[1]] + "</p>"
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("\n".join(lines), encoding="utf-8")
    assert web_page_in(pasted.read_text(encoding="utf-8")) is None
    record, _ = extract_file(pasted)
    assert record.source.format == "text"
    assert dict(iter_cells(record)) == dict(iter_cells(seed))


def test_markup_decides_by_the_share_of_prose_it_structures():
    table = "<table><tr><td>行政许可</td><td>12</td></tr></table>"
    prose = "\n".join(["一、总体情况", "本年度主动公开政府信息。", "二、主动公开政府信息情况"])
    assert not is_fragment(prose + "\n" + table + "\n" + prose)           # Markdown around an HTML table
    assert is_fragment("".join(f"<p>{line}</p>" for line in prose.split("\n")) + table)   # a CMS body
    assert is_fragment("<div>\n  <p>\n    一、总体情况\n  </p>\n</div>\n" + table)       # pretty-printed
    assert not is_fragment("规章数量<5件，见<<条例>>第二十条。\n第二行")                 # no element's tag
    assert not is_fragment(prose.replace("\n", "<br>\n", 1))              # a <br> pasted into one line


def test_a_javascript_string_is_unescaped_as_javascript_does():
    assert js_string(r"<\/p>\"a\'\n\t\u5e73\x41\101\u{5e73}\uD83D\uDE00\\") == "</p>\"a'\n\t平AA平\U0001F600\\"
    assert js_string("a\\\nb") == "ab"  # a line continuation
    # a page whose quotes pair up across its markup is no script: it reads as the fragment it is
    body = '<p>开设"平潭大家谈"栏目</p><p style="x">it\'s</p>'
    assert web_page_in(body) == body
