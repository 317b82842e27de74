"""A PDF with a text layer → text: per page, the prose in reading order and each ruled table row as
one line of tab-separated cells; pages separated by a line holding only a form feed (so tables
know their pages).

Characters drawn twice (bold by overdraw) are read once. Text beside a table is kept (before the
table's rows); a ruled box of one cell around prose is prose, not a table. A ruled table without
its outer side borders gets them (pdf_turn.side_borders); a table without vertical rules is read
by its geometry (pdf_tables); a page whose content is set sideways is read upright (pdf_turn). A page whose glyphs
have no Unicode map ("(cid:NN)") is read as if it were an image; a PDF with no text on any page
raises NoTextLayer, for the OCR path.
"""
from __future__ import annotations

import io
import itertools
import logging
import re
from operator import itemgetter

_CID = re.compile(r"\(cid:\d+\)")
_CJK = re.compile(r"[\u3400-\u9fff]")
CID_PAGE = 0.10  # a page where more than this share of the glyphs has no Unicode map is an image


class NoTextLayer(ValueError):
    """A PDF whose pages are images (a scan): it needs OCR."""


def _cell(text: str | None) -> str:
    # a label wrapped inside its cell is one label: lines joined without a separator
    return re.sub(r"\s*\n\s*", "", text or "").strip()


def _centre_in(obj: dict, bbox) -> bool:
    x0, top, x1, bottom = bbox
    h = (obj["x0"] + obj["x1"]) / 2
    v = (obj["top"] + obj["bottom"]) / 2
    return x0 <= h < x1 and top <= v < bottom


def _dedupe(page):
    """The page with each character drawn twice at (nearly) the same place kept once.

    The same rule as pdfplumber's Page.dedupe_chars (same text, font and size within 1 pt), whose
    last step orders the kept characters by list.index, quadratic in the characters of a page."""
    from pdfplumber.utils import cluster_objects

    chars = page.chars
    key = itemgetter("upright", "text", "fontname", "size")
    kept: set[int] = set()
    for _, group in itertools.groupby(sorted(chars, key=key), key=key):
        for line in cluster_objects(list(group), itemgetter("doctop"), 1):
            for same in cluster_objects(line, itemgetter("x0"), 1):
                kept.add(id(min(same, key=itemgetter("doctop", "x0"))))
    if len(kept) == len(chars):
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in kept)


def _tables(page) -> list:
    """The page's ruled tables, top to bottom; a one-cell box, or a frame around other tables, is not one."""
    from .pdf_turn import side_borders

    found = [t for t in page.find_tables({"explicit_vertical_lines": side_borders(page)}) if len(t.cells) > 1]

    def encloses(a, b) -> bool:
        return a is not b and a.bbox[0] <= b.bbox[0] and a.bbox[1] <= b.bbox[1] and \
            a.bbox[2] >= b.bbox[2] and a.bbox[3] >= b.bbox[3]

    found = [t for t in found if not any(encloses(t, other) for other in found)]
    return sorted(found, key=lambda t: (t.bbox[1], t.bbox[0]))


def _page_text(page, notes: list | None = None, state=None) -> str:
    from pdfplumber.utils import extract_text

    from .pdf_tables import read_rows
    from .pdf_turn import describe, turn_of, turned
    from .sources import Note

    turn, aside = turn_of(page), []
    if turn:
        if notes is not None:
            notes.append(Note("read.page_turned", f"page {page.page_number}: its content is printed {describe(turn)} "
                              "(no /Rotate flag); read upright", page=page.page_number))
        page, aside = turned(page, turn)
    page = _dedupe(page)  # bold printed by overdraw draws every character twice
    tables = _tables(page)
    prose = [c for c in page.chars if not any(_centre_in(c, t.bbox) for t in tables)]
    # (top, bottom, row lines) of each ruled table, and of each row of a table without vertical rules
    blocks = [(t.bbox[1], t.bbox[3], ["\t".join(_cell(c) for c in row) for row in t.extract()])
              for t in tables]
    rows = read_rows(prose, page.edges, state) if state is not None else []
    if rows:
        taken = {id(c) for r in rows for c in r.chars}
        prose = [c for c in prose if id(c) not in taken]
        blocks = sorted(blocks + [(r.top, r.bottom, ["\t".join(r.cells)]) for r in rows], key=lambda b: b[0])

    def text_between(top: float, bottom: float) -> str:
        chars = [c for c in prose if top <= (c["top"] + c["bottom"]) / 2 < bottom]
        return extract_text(chars) if chars else ""

    out: list[str] = []
    y = float("-inf")
    for b_top, b_bottom, lines in blocks:
        out.append(text_between(y, b_top))                      # above the table
        out.append(text_between(max(y, b_top), b_bottom))       # beside it
        out += [line for line in lines if line.strip("\t")]
        y = max(y, b_bottom)
    out.append(text_between(y, float("inf")))
    out.append(extract_text(aside) if aside else "")  # on a turned page, what is printed the other way
    return "\n".join(t for t in out if t)


def _without_unicode_map(text: str) -> bool:
    glyphs = len(re.sub(r"\s", "", _CID.sub("#", text)))
    return glyphs > 0 and len(_CID.findall(text)) > CID_PAGE * glyphs


def pdf_to_text(data: bytes, notes: list | None = None) -> str:
    """The text of a PDF; ValueError says why it cannot be read (NoTextLayer for a scan).

    notes: if given, a list to which what the reader noticed is appended (sources.Note: a page
    whose content was read turned upright, rule "read.page_turned")."""
    import pdfplumber

    from .pdf_tables import TableState
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    # pdfminer warns about every font it finds sloppy (no FontBBox, ...): noise to a maintainer
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds on a damaged file; pdfplumber wraps them
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(inner, PDFPasswordIncorrect) or "Encrypt" in type(inner).__name__:
            raise ValueError("an encrypted PDF: it cannot be opened without its password") from exc
        kind = type(inner).__name__ if not isinstance(inner, PDFSyntaxError) else "syntax error"
        raise ValueError(f"a damaged PDF ({kind}: {str(inner)[:80] or 'unreadable'})") from exc
    with pdf:
        pages = []
        state = TableState()  # the columns of a table without vertical rules, carried across pages
        try:
            for page in pdf.pages:
                text = _page_text(page, notes, state)
                page.close()  # let go of the page's parsed objects: a long report stays small in memory
                if _without_unicode_map(text):
                    text = ""  # glyphs without a Unicode map: as good as an image
                # a few unmapped glyphs (a symbol font): unknown characters, never a guessed digit
                pages.append(_CID.sub("?", text))
        except Exception as exc:  # a page's content stream may be damaged
            raise ValueError(f"a damaged PDF ({type(exc).__name__}: {str(exc)[:80] or 'unreadable'})") from exc
        if not pages:
            raise ValueError("a damaged PDF (no page could be read)")
    if not any(_CJK.search(p) for p in pages):
        raise NoTextLayer("no text layer (a scanned PDF: it needs OCR)")
    return "\n\f\n".join(pages) + "\n"
