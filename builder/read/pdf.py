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
import zlib
from operator import itemgetter

from .limits import OverLimit, limits, over_size

_CID = re.compile(r"\(cid:\d+\)")
_CJK = re.compile(r"[\u3400-\u9fff]")
CID_PAGE = 0.10  # a page where more than this share of the glyphs has no Unicode map is an image


class NoTextLayer(ValueError):
    """A PDF whose pages are images (a scan): it needs OCR."""


class _Inflate:
    """Stands in for the zlib module inside pdfminer.pdftypes: inflates a stream in pieces, counting
    what every stream of the PDF being read inflates to, and raises OverLimit past the limit
    `max_unpacked_mb` (a 3 MB file can inflate to gigabytes). Outside pdf_to_text, no limit."""

    error = zlib.error
    budget: int | None = None  # bytes still allowed; None: not reading a PDF
    spent = 0
    over = False  # set when the limit was passed, in case pdfminer swallowed the exception

    @classmethod
    def take(cls, n: int) -> None:
        cls.spent += n
        if cls.budget is not None and cls.spent > cls.budget:
            cls.over = True
            raise over_size(cls.spent, "max_unpacked_mb", "its streams inflate to more than")

    @classmethod
    def decompress(cls, data: bytes, *args) -> bytes:
        inflater = zlib.decompressobj()
        out, piece = [], 1 << 20
        chunk = inflater.decompress(data, piece)
        while True:
            cls.take(len(chunk))
            out.append(chunk)
            if inflater.eof or not inflater.unconsumed_tail and not chunk:
                break
            chunk = inflater.decompress(inflater.unconsumed_tail, piece)
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")  # as zlib.decompress says
        return b"".join(out)

    @classmethod
    def decompressobj(cls, *args, **kw):
        return _CountedInflater(zlib.decompressobj(*args, **kw))


class _CountedInflater:
    def __init__(self, inner) -> None:
        self.inner = inner

    def decompress(self, data: bytes, *args) -> bytes:
        out = self.inner.decompress(data, *args)
        _Inflate.take(len(out))
        return out

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _guard_inflation() -> None:
    from pdfminer import pdftypes
    pdftypes.zlib = _Inflate  # type: ignore[assignment]  # decode() and decompress_corrupted() use it


def _page_count(pdf) -> int | None:
    """The page count the PDF's page tree declares (None if it declares none)."""
    from pdfminer.pdftypes import resolve1
    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        return count if isinstance(count, int) else None
    except Exception:  # a damaged page tree: counted as the pages are read
        return None


def check_pages(count: int) -> None:
    """OverLimit if a PDF has more pages than the limit."""
    most = limits().max_pdf_pages
    if count > most:
        raise OverLimit(f"{count} pages", "max_pdf_pages", f"{most} pages")


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
    from .text import Note

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

    notes: if given, a list to which what the reader noticed is appended (read.text.Note: a page
    whose content was read turned upright, rule "read.page_turned")."""
    import pdfplumber

    # pdfminer warns about every font it finds sloppy (no FontBBox, ...): noise to a maintainer
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    _guard_inflation()
    _Inflate.budget, _Inflate.spent, _Inflate.over = int(limits().max_unpacked_mb * 1e6), 0, False
    try:
        return _pdf_to_text(pdfplumber, data, notes)
    except Exception as exc:
        if _Inflate.over:  # however pdfminer or pdfplumber passed it on
            raise over_size(_Inflate.spent, "max_unpacked_mb", "its streams inflate to more than") from exc
        raise
    finally:
        _Inflate.budget = None


def _pdf_to_text(pdfplumber, data: bytes, notes: list | None) -> str:
    from .pdf_tables import TableState
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    most = limits().max_pdf_pages
    try:
        # pages past the limit are never parsed; one more tells that there are more
        pdf = pdfplumber.open(io.BytesIO(data), pages=range(1, most + 2))
    except Exception as exc:  # pdfminer raises many kinds on a damaged file; pdfplumber wraps them
        if _Inflate.over:
            raise over_size(_Inflate.spent, "max_unpacked_mb", "its streams inflate to more than") from exc
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(inner, PDFPasswordIncorrect) or "Encrypt" in type(inner).__name__:
            raise ValueError("an encrypted PDF: it cannot be opened without its password") from exc
        kind = type(inner).__name__ if not isinstance(inner, PDFSyntaxError) else "syntax error"
        raise ValueError(f"a damaged PDF ({kind}: {str(inner)[:80] or 'unreadable'})") from exc
    with pdf:
        declared = _page_count(pdf)
        if declared is not None:
            check_pages(declared)
        pages = []
        state = TableState()  # the columns of a table without vertical rules, carried across pages
        try:
            if len(pdf.pages) > most:
                check_pages(declared if declared and declared > most else len(pdf.pages))
            for page in pdf.pages:
                text = _page_text(page, notes, state)
                page.close()  # let go of the page's parsed objects: a long report stays small in memory
                if _without_unicode_map(text):
                    text = ""  # glyphs without a Unicode map: as good as an image
                # a few unmapped glyphs (a symbol font): unknown characters, never a guessed digit
                pages.append(_CID.sub("?", text))
        except OverLimit:
            raise
        except Exception as exc:  # a page's content stream may be damaged
            if _Inflate.over:
                raise over_size(_Inflate.spent, "max_unpacked_mb", "its streams inflate to more than") from exc
            raise ValueError(f"a damaged PDF ({type(exc).__name__}: {str(exc)[:80] or 'unreadable'})") from exc
        if not pages:
            raise ValueError("a damaged PDF (no page could be read)")
    if not any(_CJK.search(p) for p in pages):
        raise NoTextLayer("no text layer (a scanned PDF: it needs OCR)")
    return "\n\f\n".join(pages) + "\n"
