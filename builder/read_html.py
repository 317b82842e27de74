"""A web page saved from a government portal → text: one line per block, one tab-separated line
per table row, the page's chrome (scripts, styles, navigation) left out."""
from __future__ import annotations

import re

from lxml import etree

_SKIP = {"script", "style", "noscript", "head", "nav", "select", "button", "iframe", "svg", "template"}
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "section",
          "article", "dd", "dt", "dl", "blockquote", "pre", "hr", "header", "footer", "aside", "main",
          "form", "caption", "tbody", "thead", "tfoot", "center", "font-block"}
_CELL = {"td", "th"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "wbr"}


class _Text:
    """A target for lxml's HTML parser (libxml2: fast, and forgiving of the broken markup portals
    publish): blocks become lines, table rows tab-separated lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []          # text of the current block
        self.row: list[str] | None = None  # cells of the current table row
        self.cell: list[str] | None = None
        self.skip = 0

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        if text:
            self.lines.append(text)
        self.buf = []

    def start(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip += 1
            return
        if self.skip:
            return
        if tag == "tr":
            self._flush()
            self.row = []
        elif tag in _CELL:
            self.cell = []
        elif tag in _BLOCK and self.cell is None:
            self._flush()

    def end(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _CELL and self.cell is not None:
            text = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            if self.row is None:
                self.row = []
            self.row.append(text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(c for c in self.row):
                self.lines.append("\t".join(self.row))
            self.row = None
        elif tag in _BLOCK and self.cell is None:
            self._flush()

    def data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.buf.append(data)

    def comment(self, text: str) -> None:
        pass

    def close(self) -> list[str]:
        self._flush()
        return self.lines


def html_to_text(html: str) -> str:
    if not html.strip():
        return "\n"
    parser = etree.HTMLParser(target=_Text(), recover=True, no_network=True)
    parser.feed(html)
    return "\n".join(parser.close()) + "\n"


def declared_charset(data: bytes) -> str | None:
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", data[:4096], re.IGNORECASE)
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    return "gb18030" if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk") else name
