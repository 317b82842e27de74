"""A scanned PDF (pages that are images) → text, by offline OCR (RapidOCR: its models ship in the
wheel, nothing is downloaded). The words are laid out in columns of spaces by where they stand on
the page, as `pdftotext -layout` prints a PDF, so the parser places table cells by column. A number
the OCR is unsure of is printed as "?": it becomes a blank cell and a finding, never a guessed number.
"""
from __future__ import annotations

import logging
import re
import statistics
from functools import lru_cache

SURE = 0.90          # below this recognition score a number is not trusted
DPI = 150
COLUMNS = 220        # the page's width in characters of the laid-out text
_NUMERIC = re.compile(r"^[\d,.]+$")
_NUMBER_LIKE = re.compile(r"^[\dOoIlSBZ|,.]*\d[\dOoIlSBZ|,.]*$")  # digits with letters OCR confuses


class OcrUnavailable(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:  # the OCR extra is not installed
        raise OcrUnavailable("OCR is not installed (pip install '.[ocr]')") from exc
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(params={"Global.log_level": "warning"})


def _trusted(text: str, score: float) -> str:
    t = text.strip()
    if _NUMBER_LIKE.match(t.replace(" ", "")) and (score < SURE or not _NUMERIC.match(t.replace(" ", ""))):
        return "?"  # an unsure or misread number: blank, and said so
    return t


def layout(boxes, texts, scores, width: int) -> str:
    """OCR'd words as lines of text, each word at the column where it stands on the page."""
    items = []
    for box, text, score in zip(boxes, texts, scores):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = [(float(p[0]), float(p[1])) for p in box]
        items.append({"x0": x0, "x1": x1, "xc": (x0 + x1) / 2, "yc": (y0 + y1 + y2 + y3) / 4,
                      "h": abs(y3 - y0) or 1.0, "slope": (y1 - y0) / (x1 - x0) if x1 > x0 else 0.0,
                      "w": x1 - x0, "text": _trusted(text, float(score))})
    if not items:
        return ""
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
        out.append(text)
    return "\n".join(out)


def ocr_pdf(data: bytes) -> str:
    """The text of a scanned PDF, page by page (form feeds between pages)."""
    import numpy as np
    import pypdfium2

    engine = _engine()
    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as exc:  # pdfium's errors on a damaged file
        raise ValueError(f"a damaged PDF ({exc})") from exc
    pages = []
    for page in document:
        image = page.render(scale=DPI / 72).to_pil().convert("RGB")
        result = engine(np.array(image), use_cls=False)  # the angle classifier misreads numbers
        if result.boxes is None:
            pages.append("")
            continue
        pages.append(layout(result.boxes, result.txts, result.scores, image.width))
    if not any(re.search(r"[\u3400-\u9fff]", p) for p in pages):
        raise ValueError("a scanned PDF in which OCR found no Chinese text (too damaged to read?)")
    return "\n\f\n".join(pages) + "\n"
