"""A scanned PDF (pages that are images) → text, by offline OCR (RapidOCR: its models ship in the
wheel, nothing is downloaded).

Each page is turned upright if it was scanned sideways or upside down (and a Note says so), and
straightened by its ruling lines. Ruled tables are found by their geometry (builder/ocr_grid.py) and
read cell by cell: a cell without ink is blank (""), a cell with ink is recognised on its own (the
text detector misses lone digits such as "1" or "0"), and each table row becomes one line of
tab-separated cells. A number the OCR is unsure of is printed as "?": the cell becomes unread, with a
finding, never a guessed number. The prose around the tables is read by the detector and recogniser
and laid out in columns of spaces by where the words stand, as `pdftotext -layout` prints a PDF.
"""
from __future__ import annotations

import logging
import re
import statistics
from functools import lru_cache

from .sources import Note

SURE = 0.90          # below this recognition score a number is not trusted
TEXT_SCORE = 0.5     # below this a piece of prose is dropped (RapidOCR's own default)
DPI = 150
COLUMNS = 220        # the page's width in characters of the laid-out text
PAD = 4              # pixels of paper kept around a line of ink handed to the recogniser
_NUMERIC = re.compile(r"^[\d,.]+$")
_NUMBER_LIKE = re.compile(r"^[\dOoIlSBZ|,.]*\d[\dOoIlSBZ|,.]*$")  # digits with letters OCR confuses
CJK = re.compile(r"[\u3400-\u9fff]")


class OcrUnavailable(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:  # the OCR extra is not installed
        raise OcrUnavailable("OCR is not installed (pip install '.[ocr]')") from exc
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(params={"Global.log_level": "warning", "Rec.rec_img_shape": [3, 48, 48], "Rec.rec_batch_num": 16})


def _trusted(text: str, score: float) -> str:
    t = text.strip()
    if _NUMBER_LIKE.match(t.replace(" ", "")) and (score < SURE or not _NUMERIC.match(t.replace(" ", ""))):
        return "?"  # an unsure or misread number: blank, and said so
    return t


def layout_lines(boxes, texts, scores, width: int) -> list[tuple[float, str]]:
    """OCR'd words as lines of text, each word at the column where it stands on the page; each
    line with its height on the page (pixels, straightened by the slope of the long lines)."""
    items = []
    for box, text, score in zip(boxes, texts, scores):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = [(float(p[0]), float(p[1])) for p in box]
        items.append({"x0": x0, "x1": x1, "xc": (x0 + x1) / 2, "yc": (y0 + y1 + y2 + y3) / 4,
                      "h": abs(y3 - y0) or 1.0, "slope": (y1 - y0) / (x1 - x0) if x1 > x0 else 0.0,
                      "w": x1 - x0, "text": _trusted(text, float(score))})
    if not items:
        return []
    # a scan is a little rotated: straighten the rows by the slope of the long lines of prose
    wide = [i["slope"] for i in items if i["w"] > width / 4]
    slope = statistics.median(wide) if wide else 0.0
    for i in items:
        i["yc"] -= (i["xc"] - width / 2) * slope
    height = statistics.median(i["h"] for i in items)
    items.sort(key=lambda i: i["yc"])
    lines: list[list[dict]] = []
    for i in items:
        if lines and i["yc"] - statistics.mean(j["yc"] for j in lines[-1]) < height * 0.5:
            lines[-1].append(i)
        else:
            lines.append([i])
    unit = width / COLUMNS
    out = []
    for line in lines:
        text = ""
        for i in sorted(line, key=lambda i: i["x0"]):
            start = round(i["xc"] / unit - len(i["text"]) / 2)
            start = max(start, len(text) + 2 if text else 0)
            text += " " * (start - len(text)) + i["text"]
        out.append((statistics.mean(i["yc"] for i in line), text))
    return out


def layout(boxes, texts, scores, width: int) -> str:
    """OCR'd words as lines of text, each word at the column where it stands on the page."""
    return "\n".join(text for _, text in layout_lines(boxes, texts, scores, width))


def _one_reading(lines: list[tuple[str, float]]) -> str:
    """A cell's content from one recognition of its lines of ink (see cell_text)."""
    if not lines:
        return ""
    text = "".join(t.strip() for t, _ in lines).replace("\t", " ")
    compact = text.replace(" ", "")
    if not compact:
        return "?"  # ink the recogniser made nothing of
    if _NUMBER_LIKE.match(compact):
        return compact if _NUMERIC.match(compact) and min(s for _, s in lines) >= SURE else "?"
    if not CJK.search(compact) and min(s for _, s in lines) < TEXT_SCORE:
        return "?"
    return text


def cell_text(readings: list[list[tuple[str, float]]]) -> str:
    """What a table cell holds, from one or more recognitions of its lines of ink (each a list of
    (text, score), one per line). The first is of the ink as printed; the others, of crops cut with
    other margins or smoothed, only confirm it.

    "" for a cell without ink. A number only if the first reading is those digits, some reading is
    all digits with every line's score at least SURE, and no reading makes other digits of the cell
    (smoothing can erase a decimal point). Words as first read. Otherwise "?": ink that could not
    be read for certain (an unread cell, never a guessed number)."""
    texts = [_one_reading(r) for r in readings]
    if not texts or texts[0] == "":
        return ""
    if any(re.search(r"\d\s+\d", t) for r in readings for t, _ in r):
        return "?"  # digits with a space between them: two numbers, or one? not for certain
    seen = ["".join(t for t, _ in r).replace(" ", "") for r in readings]
    digits = {t for t in seen if _NUMERIC.match(t)}
    sure = {t for t in texts if _NUMERIC.match(t)}
    if sure and digits == sure == {seen[0]}:
        return seen[0]
    if sure or digits:
        return "?"
    return next((t for t in texts if t != "?"), "?")


def ocr_pdf(data: bytes, notes: list | None = None) -> str:
    """The text of a scanned PDF, page by page (form feeds between pages); each table row one line
    of tab-separated cells. A Note ("read.page_turned") is appended to `notes` for each page that was
    read after turning it upright. Raises ValueError for a damaged PDF or one without Chinese text."""
    import numpy as np
    import pypdfium2

    from .read_ocr_page import read_page

    engine = _engine()
    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as exc:  # pdfium's errors on a damaged file
        raise ValueError(f"a damaged PDF ({exc})") from exc
    from .limits import limits, over_size
    from .read_pdf import check_pages

    check_pages(len(document))
    budget = limits().max_unpacked_mb * 1e6
    pages = []
    for n, page in enumerate(document, start=1):
        width, height = page.get_size()
        if width * height * (DPI / 72) ** 2 > budget:  # a page drawn huge: its image would not fit
            raise over_size(int(width * height * (DPI / 72) ** 2), "max_unpacked_mb", f"page {n}'s image is")
        gray = np.array(page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L"))
        text, turned = read_page(engine, gray)
        pages.append(text)
        if turned and notes is not None:
            how = {90: "sideways (90° counter-clockwise)", 180: "upside down (180°)",
                   270: "sideways (90° clockwise)"}[turned]
            notes.append(Note(rule="read.page_turned", severity="info", page=n,
                              message=f"page {n} of the scan is turned {how}; it was read after turning it upright"))
    if not any(CJK.search(p) for p in pages):
        raise ValueError("a scanned PDF in which OCR found no Chinese text (too damaged to read?)")
    return "\n\f\n".join(pages) + "\n"
