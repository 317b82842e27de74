"""A portal's chrome (navigation, share and QR-code boxes, attachment lists, sidebars, a footer of links
to other sites, the ICP licence and browser advice) is never published as report text: the article is
found by the page's structure (read/html.py, _Article), on the real pages of one portal and on pages
laid out as other CMSs lay them out, built here from a committed report."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from builder.pipeline import extract_file
from builder.read.html import html_to_text
from conftest import REPORTS

REAL = Path(__file__).resolve().parent / "real" / "pingtan"
PAGES = sorted(REAL.glob("*.html")) + sorted((REPORTS).glob("20*/*.html"))
# what the chrome of portals says (the test's knowledge, never the builder's: it finds the article by structure)
CHROME = ("友情链接", "扫一扫", "网站标识码", "ICP备", "版权所有", "主办单位", "浏览器", "附件下载", "政府网站",
          "网站地图", "联系我们", "技术支持", "文字解读", "图片解读", "微信", "微博")


def _chrome(line: str, words=CHROME) -> bool:
    """A line of chrome: short, and saying what chrome says (a report's paragraph may name 政府网站 or 微信)."""
    return len(line) <= 40 and any(word in line for word in words)


def _narrative_lines(record) -> list[str]:
    return [line for text in record.narrative.model_dump().values() if text for line in text.splitlines()]


def _link_texts(page: Path) -> set[str]:
    root = etree.fromstring(page.read_bytes(), etree.HTMLParser(recover=True))
    return {re.sub(r"\s+", "", "".join(a.itertext())) for a in root.iter("a")} - {""}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_narrative_line_of_a_real_page_is_its_chrome(page):
    record, _ = extract_file(page)
    lines = _narrative_lines(record)
    assert lines, "the narrative is read"
    assert [line for line in lines if _chrome(line)] == []
    links = _link_texts(page)
    assert [line for line in lines if re.sub(r"\s+", "", line) in links] == []
    assert record.narrative.other_matters and len(record.narrative.other_matters.splitlines()) <= 3


SEED = REPORTS / "2023" / "巴州区.txt"


def _paragraphs(text: str) -> str:
    """A committed text report as a CMS's article body: a paragraph a line, a table a tab-separated run."""
    out, rows = [], []
    for line in text.splitlines():
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>")
            continue
        if rows:
            out.append("<table border=1>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            out.append(f"<p>{line}</p>")
    if rows:
        out.append("<table border=1>" + "".join(rows) + "</table>")
    return "\n".join(out)


FOOTER = ("<div class='ft'><p>主办：某某市人民政府办公室　承办：某某市大数据中心</p><p>网站标识码：5101000001　"
          "蜀ICP备05000000号　川公网安备 51010402000000号</p><p>建议使用IE9以上版本浏览器或谷歌浏览器浏览本网站</p>"
          "<ul><li><a href='/1'>国务院</a></li><li><a href='/2'>四川省人民政府</a></li><li><a href='/3'>成都市</a></li>"
          "<li><a href='/4'>自贡市</a></li><li><a href='/5'>攀枝花市</a></li></ul></div>")


def _first_and_last_lines(text: str) -> tuple[str, str]:
    lines = [line for line in text.splitlines() if line.strip() and "\t" not in line]
    return lines[0], lines[-1]


@pytest.mark.parametrize("layout", ["divs", "layout table", "signature after the article", "fragment"])
def test_pages_of_other_layouts_read_the_article_alone(layout):
    text = SEED.read_text(encoding="utf-8")
    body = _paragraphs(text)
    title, last = _first_and_last_lines(text)
    nav = "<div class='nav'><a href='/'>首页</a><a href='/zwgk'>政务公开</a><a href='/hd'>互动交流</a></div>"
    side = "<ul class='side'><li><a href='/a'>机构职能</a></li><li><a href='/b'>政策文件</a></li></ul>"
    qr = "<div class='qr'><img src='qr.png'><p>扫一扫在手机打开当前页</p></div><div><a href='#'>【打印本页】</a> <a href='#'>【关闭窗口】</a></div>"
    if layout == "divs":
        page = f"<html><body>{nav}<div class='wrap'><div class='article'>{body}</div>{qr}</div>{side}{FOOTER}</body></html>"
    elif layout == "layout table":
        page = (f"<html><body>{nav}<table width=980><tr><td width=200>{side}</td><td><div class='zw'>{body}</div>{qr}"
                f"</td></tr></table>{FOOTER}</body></html>")
    elif layout == "signature after the article":
        body_only = "\n".join(line for line in body.splitlines() if last not in line)
        page = (f"<html><body>{nav}<div class='con'><div class='TRS_Editor'>{body_only}</div>"
                f"<p>巴州区人民政府办公室</p><p>2024年1月20日</p>{qr}</div>{FOOTER}</body></html>")
        last = "2024年1月20日"
    else:  # an article body as a CMS stores it (no <html>, no head, no chrome): read whole
        page = body
    lines = html_to_text(page, article=True).splitlines()
    assert title in lines and last in lines
    assert [line for line in lines if _chrome(line, CHROME + ("首页", "机构职能", "打印本页"))] == []
    assert lines[-1] == last


def test_a_page_too_short_to_tell_is_read_whole():
    page = "<html><body><div><a href='/'>首页</a></div><p>一、总体情况</p><p>本年无变化。</p></body></html>"
    assert html_to_text(page, article=True).splitlines() == ["首页", "一、总体情况", "本年无变化。"]
