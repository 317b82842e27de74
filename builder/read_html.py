"""A web page saved from a government portal → text: one line per block, one tab-separated line
per table row, the page's chrome (scripts, styles, navigation) left out."""
from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "head", "nav", "select", "button", "iframe", "svg", "template"}
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "section",
          "article", "dd", "dt", "dl", "blockquote", "pre", "hr", "header", "footer", "aside", "main",
          "form", "caption", "tbody", "thead", "tfoot", "center", "font-block"}
_CELL = {"td", "th"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "wbr"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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

    def handle_starttag(self, tag: str, attrs) -> None:
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

    def handle_endtag(self, tag: str) -> None:
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

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.lines) + "\n"


def declared_charset(data: bytes) -> str | None:
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", data[:4096], re.IGNORECASE)
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    return "gb18030" if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk") else name
