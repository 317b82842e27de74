"""A PDF with a text layer → text: per page, the prose in reading order and each ruled table row as
one line of tab-separated cells; pages separated by form feeds (so tables know their pages)."""
from __future__ import annotations

import io
import re

_CID = re.compile(r"\(cid:\d+\)")


class NoTextLayer(ValueError):
    """A PDF whose pages are images (a scan): it needs OCR."""


def _cell(text: str | None) -> str:
    # a label wrapped inside its cell is one label: lines joined without a separator
    return re.sub(r"\s*\n\s*", "", text or "").strip()


def _page_text(page) -> str:
    page = page.dedupe_chars()  # bold printed by overdraw draws every character twice
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    out: list[str] = []
    top = 0.0
    for table in tables:
        x0, t_top, x1, t_bottom = table.bbox
        if t_top > top:
            band = page.crop((0, top, page.width, t_top), strict=False)
            out.append(band.extract_text() or "")
        for row in table.extract():
            cells = [_cell(c) for c in row]
            if any(cells):
                out.append("\t".join(cells))
        top = max(top, t_bottom)
    if top < page.height:
        out.append(page.crop((0, top, page.width, page.height), strict=False).extract_text() or "")
    return "\n".join(t for t in out if t)


def pdf_to_text(data: bytes) -> str:
    """The text of a PDF; ValueError says why it cannot be read (NoTextLayer for a scan)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds on a damaged file; pdfplumber wraps them
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(inner, PDFPasswordIncorrect) or "Encrypt" in type(inner).__name__:
            raise ValueError("an encrypted PDF: it cannot be opened without its password") from exc
        kind = type(inner).__name__ if not isinstance(inner, PDFSyntaxError) else "syntax error"
        raise ValueError(f"a damaged PDF ({kind}: {str(inner)[:80] or 'unreadable'})") from exc
    with pdf:
        if not pdf.pages:
            raise ValueError("a damaged PDF (no page could be read)")
        pages = []
        try:
            for page in pdf.pages:
                text = _page_text(page)
                pages.append("" if len(_CID.findall(text)) > 5 else text)  # no Unicode map: as if an image
        except Exception as exc:  # a page's content stream may be damaged
            raise ValueError(f"a damaged PDF ({type(exc).__name__}: {str(exc)[:80] or 'unreadable'})") from exc
    if not any(re.search(r"[\u3400-\u9fff]", p) for p in pages):
        raise NoTextLayer("no text layer (a scanned PDF: it needs OCR)")
    return "\n\f\n".join(pages) + "\n"
