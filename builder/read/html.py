"""A web page saved from a government portal → text: one line per block, one tab-separated line
per table row, the page's chrome (scripts, styles, navigation) left out.

A table is a data table (one line per row, a blank cell kept as an empty string, a merged cell
once) unless it is a layout table: a page laid out as one big table, the report nested in one of
its cells. A table one of whose cells holds a table of several rows, a heading, or several blocks
of long text is a layout table; its cells are read as blocks (lines), and the tables inside them
are read in turn.
"""
from __future__ import annotations

import re

from lxml import etree

_SKIP = {"script", "style", "noscript", "head", "nav", "select", "button", "iframe", "svg", "template"}
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "section",
          "article", "dd", "dt", "dl", "blockquote", "pre", "hr", "header", "footer", "aside", "main",
          "form", "caption", "tbody", "thead", "tfoot", "center", "font-block",
          "tr", "td", "th"}  # table parts outside any table (broken markup) are blocks
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CELL = {"td", "th"}
_ROW_GROUPS = {"thead", "tbody", "tfoot"}
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
# a cell with at least this much text, in two blocks or more (or lines split by <br>), holds a page's
# content, not a datum
_CONTENT_CHARS = 200


def _tag(node) -> str | None:
    """The element's lower-case tag; None for comments, processing instructions and entities."""
    return node.tag.lower() if isinstance(node.tag, str) else None


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _rows(table) -> list:
    """The table's own rows (not those of tables nested in its cells), in order."""
    out = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            out.append(child)
        elif tag in _ROW_GROUPS or (tag is not None and tag not in _CELL and tag != "table"
                                    and tag not in _SKIP and child.find(".//tr") is not None):
            out.extend(_rows(child))  # tbody, thead, tfoot, and wrappers broken markup leaves (a form)
    return out


def _cells(tr) -> list:
    """The row's own cells, in order."""
    out = []
    for child in tr:
        tag = _tag(child)
        if tag in _CELL:
            out.append(child)
        elif tag is not None and tag != "table" and tag not in _SKIP:
            out.extend(_cells(child))
    return out


def _visible_text(node) -> str:
    """The text of an element without that of scripts, styles and the like."""
    parts = [node.text or ""]
    for child in node:
        tag = _tag(child)
        if tag is not None and tag not in _SKIP:
            parts.append(_visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _holds_content(cell) -> bool:
    """Whether a table cell holds a page's content (the report nested in a layout table) rather than a
    datum: a table of more than one row, a heading, or long text over several blocks."""
    if len(cell) == 0:
        return False  # text alone, no element inside: a datum (most cells: decided without a walk)
    for inner in cell.iter("table"):
        if len(_rows(inner)) > 1:
            return True
    for _ in cell.iter(*_HEADINGS):
        return True
    blocks = 0
    for _ in cell.iter(*_BLOCK):  # paragraphs, or lines split by <br>
        blocks += 1
        if blocks >= 2:
            return len(_clean(_visible_text(cell))) >= _CONTENT_CHARS
    return False


# --- the article and the portal's chrome around it ---------------------------------------------------
#
# A portal's page holds the report inside its chrome: navigation, share buttons, attachment and QR-code
# boxes, a sidebar, a footer of links to other sites, an ICP licence. As readability tools do, the report
# is found by the page's structure, not by any portal's phrases: the article is the deepest element that
# holds most of the page's own text (text outside links); what stands before it is kept unless it is a
# list of links (the report's title and its 来源/时间 line stand there), what follows it is left out but
# for a signature (a name and a date of its own) right after it.

_MAIN_SHARE = 0.8      # the article holds at least this share of the page's text outside links
_MAIN_FROM = 200       # a page with less text outside links than this is read whole (a fragment, a stub)
_LINK_DENSE = 0.5      # a block whose text is more than half link text is navigation
_SIGNATURE_LINES = 3   # lines right after the article that may sign it
_SIGNATURE_CHARS = 40  # each at most this long
_DATE_LINE = re.compile(r"^\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-./]\d{1,2}[-./]\d{1,2}|"
                        r"[〇○零一二三四五六七八九]{4}\s*年[〇○零一二三四五六七八九十]{1,3}月[〇○零一二三四五六七八九十]{1,3}日)\s*$")


def _squeezed(text: str | None) -> int:
    return len(_SPACES.sub("", text or ""))


def _sizes(root, out: dict) -> tuple[int, int]:
    """(visible characters, characters inside links) of an element, whitespace left out; `out` gets
    every element's pair (keyed by the element, which keeps lxml's proxy alive and so the same object on
    every access). One walk of the tree, without recursion (markup may nest thousands deep)."""
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        children = [c for c in node if _tag(c) is not None and _tag(c) not in _SKIP]
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children)
            continue
        text = _squeezed(node.text) + sum(_squeezed(c.tail) for c in node)
        links = 0
        for child in children:
            t, l = out[child]
            text += t
            links += l
        out[node] = (text, text if _tag(node) == "a" else links)
    return out[root]


class _Article:
    """Where a page's article is: the element (`main`) and the link lists before it to leave out."""

    def __init__(self, root) -> None:
        self.main = None
        self.dense: set = set()
        sizes: dict = {}
        body = next(root.iter("body"), root)
        text, links = _sizes(body, sizes)
        own = text - links
        if own < _MAIN_FROM:
            return
        main = body
        while True:  # down to the deepest element that holds the article (into a layout table, not a data one)
            inner = next((c for c in main if c in sizes and sizes[c][0] - sizes[c][1] >= _MAIN_SHARE * own
                          and (_tag(c) != "table" or _layout(c))), None)
            if inner is None:
                break
            main = inner
        while _tag(main) in ("tr", *_ROW_GROUPS):  # a table's rows are read with their table
            main = main.getparent()
        if main is body:
            return
        self.main = main
        inside = set(main.iter())  # a link in the report's own text stays
        inside.update(main.iterancestors())  # and what holds the article is never left out with it
        self.dense = {e for e, (t, l) in sizes.items() if t and l > _LINK_DENSE * t and e not in inside}


def _layout(table) -> bool:
    """Whether a table lays out a page (a cell holds content: _holds_content) rather than data."""
    return any(_holds_content(td) for tr in _rows(table) for td in _cells(tr))


class _Text:
    """The page's lines: blocks become lines, data-table rows tab-separated lines. With an article
    (_Article), the link lists before it and everything after it but a signature are left out."""

    def __init__(self, article: _Article | None = None) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []  # text of the current block
        self.article = article if article is not None and article.main is not None else None
        self.after: list[str] | None = None  # once the article is read: the lines that follow it

    def flush(self) -> None:
        text = _clean("".join(self.buf))
        if text:
            self.lines.append(text)
        self.buf = []

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text)

    def visit(self, node) -> None:
        """An element and what follows it (its tail) as blocks and text. (Few frames a level: markup may
        nest deep.)"""
        tag = _tag(node)
        if tag is None or tag in _SKIP or (self.article is not None and node in self.article.dense):
            self.add(node.tail)
            return
        main = self.article is not None and node is self.article.main
        if main:
            self.flush()
        if tag == "table":
            self.flush()
            self.table(node)
        else:
            block = tag in _BLOCK
            if block:
                self.flush()
            self.add(node.text)
            for child in node:
                self.visit(child)
            if block:
                self.flush()
        if main:
            self._article_read()
        self.add(node.tail)

    def _article_read(self) -> None:
        """The article ends here: what follows is the portal's chrome, or the article's signature."""
        self.flush()
        self.after = []
        self.lines, self.kept = self.after, self.lines

    def _cell(self, td) -> None:
        """A layout table's cell: a region of the page, its blocks lines."""
        self.flush()
        self.add(td.text)
        for child in td:
            self.visit(child)
        self.flush()
        if self.article is not None and td is self.article.main:
            self._article_read()

    def result(self) -> list[str]:
        """The page's lines: with an article, the lines up to its end and a signature right after it (short
        lines, one of them a date standing alone), nothing else that follows."""
        self.flush()
        if self.after is None:
            return self.lines
        head = self.after[:_SIGNATURE_LINES]
        ends = max((i for i, line in enumerate(head) if _DATE_LINE.match(line)), default=-1)
        signature = head[:ends + 1] if all(len(line) <= _SIGNATURE_CHARS for line in head[:ends + 1]) else []
        return self.kept + signature

    def table(self, table) -> None:
        self._table_part(table, _layout(table))
        self.flush()

    def _table_part(self, node, layout: bool) -> None:
        """A table's (or a row group's) children in order: rows, and whatever else broken markup left
        there (a caption, a form, stray text) as blocks."""
        self.add(node.text)
        for child in node:
            tag = _tag(child)
            if tag == "tr":
                self.flush()
                self.row(child, layout)
                self.add(child.tail)
            elif tag in _ROW_GROUPS or (tag is not None and tag not in _SKIP and tag != "table"
                                        and child.find(".//tr") is not None):
                self.flush()
                self._table_part(child, layout)
                self.add(child.tail)
            else:
                self.visit(child)
        self.flush()

    def row(self, tr, layout: bool) -> None:
        cells = _cells(tr)
        if layout:  # each cell a region of the page: its blocks are lines
            for td in cells:
                if self.article is None or td not in self.article.dense:
                    self._cell(td)
            return
        texts = [self.cell_text(td) for td in cells]
        if any(texts):
            self.lines.append("\t".join(texts))

    def cell_text(self, cell) -> str:
        """A data cell's text on one line: its blocks joined without separator (a wrapped label is one
        label), a table nested in it flattened with its numbers kept apart."""
        return _clean(self._raw(cell))

    def _raw(self, node) -> str:
        parts = [node.text or ""]
        for child in node:
            tag = _tag(child)
            if tag == "table":
                texts = [t for tr in _rows(child) for t in (self.cell_text(td) for td in _cells(tr)) if t]
                # numbers side by side must never read as one number ("1 2" would be 12)
                sep = "; " if sum(1 for t in texts if _DIGIT.search(t)) > 1 else " "
                parts.append(f" {sep.join(texts)} ")
            elif tag is not None and tag not in _SKIP:
                parts.append(self._raw(child))
            parts.append(child.tail or "")
        return "".join(parts)


_META_URL = ("url", "og:url", "articleurl")
_META_POSTED = ("pubdate", "publishdate", "article:published_time", "og:release_date", "firstpublishedtime")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+)\s*-->", re.IGNORECASE)


def page_meta(html: str) -> dict[str, str]:
    """What a saved web page's head says of it: {"url": where it was posted, "posted": when} (either may
    be missing). Read from <meta name="Url">/og:url, <link rel="canonical">, the "saved from url=" mark a
    browser leaves, and <meta name="PubDate"> (the convention of the portals' CMS) and its kin. Only an
    http(s) address is kept; the date as printed (the caller parses it)."""
    head = html[:65536]
    out: dict[str, str] = {}
    m = _SAVED_FROM.search(head)
    if m:
        out["url"] = m.group(1)
    try:
        root = etree.fromstring(head, etree.HTMLParser(recover=True, no_network=True))
    except (etree.ParserError, ValueError):
        root = None
    if root is None:
        return out
    for node in root.iter("meta", "link"):
        key = (node.get("name") or node.get("property") or node.get("rel") or "").strip().lower()
        value = (node.get("content") or node.get("href") or "").strip()
        if not value:
            continue
        if (key in _META_URL or key == "canonical") and re.match(r"https?://\S+$", value) and "url" not in out:
            out["url"] = value[:2000]
        elif key in _META_POSTED and "posted" not in out:
            out["posted"] = value[:40]
    return out


def html_to_text(html: str, article: bool = False) -> str:
    """A web page's text (str → str): one line per block, one tab-separated line per data-table row
    (blank cells kept as empty strings), a newline at the end. With `article`, only the page's article
    and what stands before it (its title, its 来源/时间 line), the portal's chrome left out (_Article).
    lxml's HTML parser (libxml2: fast, and forgiving of the broken markup portals publish)."""
    if not html.strip():
        return "\n"
    parser = etree.HTMLParser(recover=True, no_network=True)
    parser.feed(html)
    root = parser.close()
    if root is None:
        return "\n"
    out = _Text(_Article(root) if article else None)
    out.visit(root)
    return "\n".join(out.result()) + "\n"


def declared_charset(data: bytes) -> str | None:
    """The charset a page's <meta> declares in its first 4 KB, lower-case, GB2312 and GBK read as their
    superset GB18030; None if it declares none."""
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", data[:4096], re.IGNORECASE)
    if not m:
        return None
    return charset_name(m.group(1).decode("ascii"))


def charset_name(name: str) -> str:
    """A declared charset's name for Python's codecs: GB2312 and GBK as their superset GB18030."""
    name = name.strip().lower()
    return "gb18030" if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "x-cp936") else name
