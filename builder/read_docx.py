"""A Word document (DOCX) → text: paragraphs and tables in document order, each table row one line of
tab-separated cells (a merged cell once), explicit page breaks as form feeds."""
from __future__ import annotations

import io
import re
import zipfile

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(element) -> str:
    """The text of a paragraph or cell, breaks inside it joined (a wrapped label is one label)."""
    parts = []
    for node in element.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append(" ")
    return "".join(parts)


def _breaks(element) -> int:
    return sum(1 for node in element.iter(f"{_W}br") if node.get(f"{_W}type") == "page")


def _row(tr) -> str:
    cells = []
    for tc in tr.iter(f"{_W}tc"):
        if tc.getparent() is not tr:  # a nested table's cells belong to its own cell
            continue
        props = tc.find(f"{_W}tcPr")
        merge = props.find(f"{_W}vMerge") if props is not None else None
        if merge is not None and merge.get(f"{_W}val") != "restart":
            cells.append("")  # the continuation of a cell merged downwards: printed once, above
        else:
            cells.append(re.sub(r"\s+", " ", _text(tc)).strip())
    return "\t".join(cells)


def docx_to_text(data: bytes) -> str:
    """The text of a DOCX; ValueError says why it cannot be read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError("a damaged Word document (not a readable ZIP archive)") from exc
    if "word/document.xml" not in archive.namelist():
        raise ValueError("a ZIP archive that is not a Word document (no word/document.xml)")
    try:
        import docx

        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises several kinds on damaged parts
        raise ValueError(f"a damaged Word document ({type(exc).__name__}: {str(exc)[:80]})") from exc
    lines: list[str] = []
    for block in body.iterchildren():
        if block.tag == f"{_W}p":
            text = _text(block).strip()
            if text:
                lines.append(text)
            lines.extend("\f" for _ in range(_breaks(block)))
        elif block.tag == f"{_W}tbl":
            for tr in block.iter(f"{_W}tr"):
                if tr.getparent() is not block:
                    continue
                row = _row(tr)
                if row.strip():
                    lines.append(row)
    return "\n".join(lines) + "\n"
