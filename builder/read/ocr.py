"""A scanned PDF (pages that are images) → text, by offline OCR (RapidOCR: its models ship in the
wheel, nothing is downloaded).

Each page is turned upright if it was scanned sideways or upside down (and a Note says so), and
straightened by its ruling lines. Ruled tables are found by their geometry (builder/read/ocr_grid.py) and
read cell by cell: a cell without ink is blank (""), a cell with ink is recognised on its own (the
text detector misses lone digits such as "1" or "0"), and each table row becomes one line of
tab-separated cells. A number the OCR is unsure of is printed as "?": the cell becomes unread, with a
finding, never a guessed number. The prose around the tables is read by the detector and recogniser
and laid out in columns of spaces by where the words stand, as `pdftotext -layout` prints a PDF.
"""
from __future__ import annotations

import logging
from functools import lru_cache

from .ocr_text import CJK
from .text import Note

DPI = 150


class OcrUnavailable(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:  # the OCR extra is not installed
        raise OcrUnavailable("OCR is not installed (pip install '.[ocr]')") from exc
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    # the recogniser reads lines 48 pixels high; the width of its frame is set for each group of crops
    # (ocr_page.recognise), so that no crop's reading hangs on the others read with it
    return RapidOCR(params={"Global.log_level": "warning", "Rec.rec_img_shape": [3, 48, 48], "Rec.rec_batch_num": 16})


def ocr_pdf(data: bytes, notes: list | None = None) -> str:
    """The text of a scanned PDF, page by page (form feeds between pages); each table row one line
    of tab-separated cells. A Note ("read.page_turned") is appended to `notes` for each page that was
    read after turning it upright. Raises ValueError for a damaged PDF or one without Chinese text."""
    import numpy as np
    import pypdfium2

    from .ocr_page import read_page

    engine = _engine()
    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as exc:  # pdfium's errors on a damaged file
        raise ValueError(f"a damaged PDF ({exc})") from exc
    from .limits import limits, over_size
    from .pdf import check_pages

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
