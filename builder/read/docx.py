"""A Word document (DOCX) → text: paragraphs and tables in document order, each table row one line of
tab-separated cells (a merged cell once), explicit page breaks as form feeds.

What Word shows is what is read: text in content controls and text boxes (once), not text deleted
with tracked changes or hidden. Pages are counted only from explicit breaks (page breaks, section
breaks that start a new page, "page break before"); Word's own pagination is not in the file
(w:lastRenderedPageBreak is a stale hint, not used).
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from urllib.parse import unquote

from lxml import etree

from .limits import limits, over_size

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _R = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}r"
_TXBX = f"{_W}txbxContent"
# elements that only wrap block content, rows or cells (content controls, custom XML, Word 2010+ markup)
_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag", f"{_W}ins", f"{_W}moveTo",
             f"{_MC}AlternateContent", f"{_MC}Choice"}
# subtrees whose text is not shown: deleted or moved-away text, properties, the fallback copy of a drawing
_NOT_SHOWN = {f"{_W}del", f"{_W}moveFrom", f"{_W}pPr", f"{_W}rPr", f"{_W}tcPr", f"{_W}trPr", f"{_W}tblPr",
              f"{_W}sectPr", f"{_MC}Fallback", f"{_W}instrText", f"{_W}delText"}
_WORD_MAIN = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
              "application/vnd.ms-word.document.macroEnabled.main+xml",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
              "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")
_DIGIT = re.compile(r"\d")

PAGE = "\f"


def _on(prop) -> bool:
    """Whether a toggle property (w:vanish, w:pageBreakBefore) is present and not switched off."""
    return prop is not None and prop.get(f"{_W}val") not in ("0", "false", "off")


def _unwrap(parent, tags: tuple[str, ...]):
    """The children of `parent` with the given tags, looking through content controls and the like."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _unwrap(child, tags)


def _events(element):
    """A paragraph's content in order: ("text", s), ("line",) for a line break, ("page",) for a page break,
    ("box", txbxContent) for a text box anchored in it (read once: the mc:Fallback copy is not shown)."""
    for node in element:
        tag = node.tag
        if tag in _NOT_SHOWN or not isinstance(tag, str):  # comments and processing instructions too
            continue
        if tag == _R:
            props = node.find(f"{_W}rPr")
            if props is not None and _on(props.find(f"{_W}vanish")):
                continue  # hidden text
        if tag == f"{_W}t":
            if node.text:
                yield "text", node.text
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            yield "text", " "
        elif tag == f"{_W}noBreakHyphen":
            yield "text", "-"
        elif tag == f"{_W}br":
            kind = node.get(f"{_W}type")
            yield ("page",) if kind == "page" else ("line",) if kind in (None, "textWrapping") else ("text", "")
        elif tag == f"{_W}cr":
            yield ("line",)
        elif tag == _TXBX:  # a text box anchored here: its paragraphs and tables are blocks of their own
            yield "box", node
        elif tag == _P:  # a stray paragraph nested in this one: a line of its own
            yield ("line",)
            yield from _events(node)
            yield ("line",)
        else:
            yield from _events(node)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _Reader:
    def __init__(self, body):
        self.lines: list[str] = []
        # a section break is drawn where a paragraph's own sectPr ends its section; whether it starts a
        # new page is said by the NEXT section's type (nextPage when absent)
        sections = [s for s in body.iter(f"{_W}sectPr") if s.getparent().tag != f"{_W}sectPrChange"]
        self.page_after = set()
        for this, following in zip(sections, sections[1:]):
            kind = following.find(f"{_W}type")
            if (kind.get(f"{_W}val") if kind is not None else "nextPage") not in ("continuous", "nextColumn"):
                self.page_after.add(this)
        self._keep = sections  # the set holds lxml proxies: keep them alive so identity holds

    def page(self) -> None:
        if self.lines:  # a break before anything is printed does not leave an empty first page
            self.lines.append(PAGE)

    def blocks(self, parent) -> None:
        for block in _unwrap(parent, (_P, _TBL)):
            if block.tag == _P:
                self.paragraph(block)
            else:
                self.table(block)

    def paragraph(self, p) -> None:
        props = p.find(f"{_W}pPr")
        if props is not None and _on(props.find(f"{_W}pageBreakBefore")) and self.lines[-1:] != [PAGE]:
            self.page()
        buf: list[str] = []
        for event in _events(p):
            if event[0] == "text":
                buf.append(event[1])
                continue
            text = "".join(buf).strip()
            if text:
                self.lines.append(text)
            buf = []
            if event[0] == "page":
                self.page()
            elif event[0] == "box":  # a table in a text box is a table: its rows, blank cells kept
                self.blocks(event[1])
        text = "".join(buf).strip()
        if text:
            self.lines.append(text)
        if props is not None and props.find(f"{_W}sectPr") in self.page_after:
            self.page()

    def table(self, tbl) -> None:
        rows = list(_unwrap(tbl, (_TR,)))
        cells = [list(_unwrap(tr, (_TC,))) for tr in rows]
        if all(len(row) <= 1 for row in cells):
            # a one-column table is a frame around text (or around the whole report): read its content
            for row in cells:
                for tc in row:
                    self.blocks(tc)
            return
        for row in cells:
            texts = self.row(row)
            if any(texts):
                self.lines.append("\t".join(texts))

    def row(self, tcs) -> list[str]:
        texts = []
        for tc in tcs:
            props = tc.find(f"{_W}tcPr")
            vmerge = props.find(f"{_W}vMerge") if props is not None else None
            hmerge = props.find(f"{_W}hMerge") if props is not None else None
            if hmerge is not None and hmerge.get(f"{_W}val") != "restart":
                continue  # the rest of a cell merged sideways (pre-2007 markup): part of the cell before
            if vmerge is not None and vmerge.get(f"{_W}val") != "restart":
                texts.append("")  # the continuation of a cell merged downwards: printed once, above
            else:
                texts.append(self.cell_text(tc))
        return texts

    def cell_text(self, tc) -> str:
        """A cell's (or a text box's) paragraphs joined without separator (a wrapped label is one label); a
        table or text box nested in the cell flattened into it."""
        pieces = []
        for block in _unwrap(tc, (_P, _TBL)):
            if block.tag == _P:
                pieces.append("".join(e[1] if e[0] == "text" else f" {self.cell_text(e[1])} "
                                      for e in _events(block) if e[0] in ("text", "box")))
            else:
                pieces.append(" " + self.flatten(block) + " ")
        return _clean("".join(pieces))

    def flatten(self, tbl) -> str:
        texts = [t for tr in _unwrap(tbl, (_TR,)) for t in self.row(list(_unwrap(tr, (_TC,)))) if t]
        # numbers side by side must never read as one number ("1 2" would be 12): keep them apart
        return ("; " if sum(1 for t in texts if _DIGIT.search(t)) > 1 else " ").join(texts)


_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"  # the end of the main part's relationship type
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, NotImplementedError,
            RuntimeError, etree.XMLSyntaxError)


class _Refused(ValueError):
    """A reason already worded for the maintainer."""


def _xml(archive: zipfile.ZipFile, name: str):
    """A part of the package parsed as XML (entities not expanded, nothing fetched)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(archive.read(name), parser)


def _main_part(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The name of the main document part: the target of the package's officeDocument relationship
    (_rels/.rels), or word/document.xml when the package relationships are missing or name no part in
    the file. Only this part is read: relationships from it to other parts (images, headers) are not
    followed, so a relationship naming a part that is absent (Word opens such files) does no harm."""
    target = None
    if "_rels/.rels" in names:
        for rel in _xml(archive, "_rels/.rels").iter(f"{_RELS}Relationship"):
            if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
                target = posixpath.normpath(unquote(rel.get("Target") or "")).lstrip("/")
                break
    if target not in names:
        target = "word/document.xml" if "word/document.xml" in names else None
    if target is None:
        raise _Refused("a damaged Word document (its main part, word/document.xml, is missing)")
    return target


def _content_type(archive: zipfile.ZipFile, names: set[str], part: str) -> str | None:
    """The part's content type as [Content_Types].xml declares it (an Override, else its extension's
    Default); None if the file declares none."""
    if "[Content_Types].xml" not in names:
        return None
    types = _xml(archive, "[Content_Types].xml")
    for override in types.iter(f"{_CT}Override"):
        if (override.get("PartName") or "").lstrip("/").lower() == part.lower():
            return override.get("ContentType")
    ext = posixpath.splitext(part)[1].lstrip(".").lower()
    for default in types.iter(f"{_CT}Default"):
        if (default.get("Extension") or "").lower() == ext:
            return default.get("ContentType")
    return None


def _check_unpacked(archive: zipfile.ZipFile) -> None:
    """OverLimit if the archive's parts, as their headers declare them, inflate past the limit
    `max_unpacked_mb` (a "zip bomb"). zipfile never inflates a part past its declared size."""
    total = sum(max(0, info.file_size) for info in archive.infolist())
    if total > limits().max_unpacked_mb * 1e6:
        raise over_size(total, "max_unpacked_mb", "its parts inflate to")


def _body(data: bytes):
    """The w:body element of a DOCX's main part; ValueError says why there is none.

    The package is read with zipfile and lxml, not python-docx: python-docx loads every part the
    relationships name and fails on one that is absent (python-docx #797), where Word opens the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValueError("a damaged Word document (not a readable ZIP archive)") from exc
    if "word/document.xml" not in names and not any(n.startswith("word/") for n in names):
        raise ValueError("a ZIP archive that is not a Word document (no word/document.xml)")
    _check_unpacked(archive)
    try:
        rels = archive.read("_rels/.rels") if "_rels/.rels" in names else b""
        if b"purl.oclc.org/ooxml" in rels:
            raise _Refused("a Word document in Strict Open XML format, which has no reader: "
                           "save it as an ordinary Word document (.docx)")
        part = _main_part(archive, names)
        content_type = _content_type(archive, names, part)
        if content_type is not None and content_type not in _WORD_MAIN:
            raise _Refused(f"a ZIP archive that is not a Word document (its main part is {content_type})")
        element = _xml(archive, part)
    except _Refused:
        raise
    except _DAMAGED as exc:  # zipfile, zlib and lxml raise several kinds on damaged parts
        raise ValueError(f"a damaged Word document ({type(exc).__name__}: {str(exc)[:80]})") from exc
    body = element.find(f"{_W}body")
    if element.tag != f"{_W}document" or body is None:
        raise ValueError("a damaged Word document (its main part has no body)")
    return body


def docx_to_text(data: bytes) -> str:
    """The text of a DOCX; ValueError says why it cannot be read."""
    body = _body(data)
    reader = _Reader(body)
    reader.blocks(body)
    lines = reader.lines
    while lines and lines[-1] == PAGE:  # a break after the last line leaves no page with text on it
        lines.pop()
    return "\n".join(lines) + "\n"
