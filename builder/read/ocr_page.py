"""One scanned page image → its text (see builder/read/ocr.py): turned upright, straightened, its
ruled tables read cell by cell, its prose read by the text detector.

Images are numpy arrays of grey levels (uint8, [y, x]); boxes are pixel coordinates.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from . import ocr_grid
from .ocr_text import CJK, PAD, TEXT_SCORE, cell_text, layout_lines

# how a cell's line of ink is cut out: margins (above/below, left/right) and whether it is smoothed (a
# 3x3 median: a speck touching a digit, "0" read as "Q"); the first for every cell, the others for a
# cell that reading left unsure
CROPS = (((4, 8), False), ((3, 3), False), ((6, 6), False), ((4, 8), True), ((3, 3), True))
SAMPLE = 6          # lines of text recognised both ways up to tell an upside-down page
UPRIGHT = 0.90      # a mean recognition score at least this high: the page is the right way up
FLIP_MARGIN = 0.10  # upside down only if that reads better by this much
FRAME = 3           # the narrowest frame a crop is read in, in heights (wider reads no better, and costs more)


def _bgr(gray: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(gray), cv2.COLOR_GRAY2BGR)


def _detect(engine, gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The boxes (x0, y0, x1, y1) of the lines of text the detector finds on the page."""
    result = engine(_bgr(gray), use_det=True, use_cls=False, use_rec=False)
    boxes = getattr(result, "boxes", None)
    if boxes is None or len(boxes) == 0:
        return []
    out = []
    for quad in np.asarray(boxes):
        xs, ys = quad[:, 0], quad[:, 1]
        out.append((int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max()))))
    return out


def recognise(engine, crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Each crop (a line of text, grey) recognised on its own: (text, score), in the crops' order.

    Each crop is read in the same frame whatever is read with it: the recogniser pads every image of a
    batch to the batch's widest, and a lone digit read in a narrow frame is misread ("0" as 目, or a score
    below SURE) where in a wide one it reads for certain; so a crop's reading would hang on the other
    crops of its page (on compression noise anywhere). Crops are grouped by their frame, FRAME heights
    wide or their own width rounded up to a whole number of heights, and each group read in that frame."""
    if not crops:
        return []
    from rapidocr.ch_ppocr_rec.typings import TextRecInput

    model = engine._load_rec_model()
    groups: dict[int, list[int]] = {}
    for k, crop in enumerate(crops):
        h, w = crop.shape[:2]
        groups.setdefault(max(FRAME, math.ceil(w / max(h, 1))), []).append(k)
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    shape = list(model.rec_image_shape)
    try:
        for frame, members in sorted(groups.items()):
            model.rec_image_shape = [shape[0], shape[1], shape[1] * frame]  # no image of the batch is wider
            result = model(TextRecInput(img=[_bgr(crops[k]) for k in members]))
            for k, t, s in zip(members, result.txts, result.scores):
                out[k] = (str(t), float(s))
    finally:
        model.rec_image_shape = shape
    return out


def _crop(gray: np.ndarray, box: tuple[int, int, int, int], limit: tuple[int, int, int, int] | None = None,
          pad: int = PAD) -> np.ndarray:
    x0, y0, x1, y1 = box
    lx0, ly0, lx1, ly1 = limit or (0, 0, gray.shape[1], gray.shape[0])
    return gray[max(y0 - pad, ly0, 0):min(y1 + pad, ly1), max(x0 - pad, lx0, 0):min(x1 + pad, lx1)]


def _upside_down(engine, gray: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> bool:
    """Whether the page's text reads better turned 180°: its widest lines recognised as they stand
    and, only if that reads poorly, turned over."""
    wide = sorted((b for b in boxes if b[2] - b[0] >= 3 * (b[3] - b[1]) and b[3] - b[1] >= 8),
                  key=lambda b: b[0] - b[2])[:SAMPLE]
    if not wide:
        return False
    crops = [_crop(gray, b) for b in wide]
    upright = np.mean([s for _, s in recognise(engine, crops)])
    if upright >= UPRIGHT:
        return False
    over = np.mean([s for _, s in recognise(engine, [np.rot90(c, 2) for c in crops])])
    return over > upright + FLIP_MARGIN


def _sideways(boxes: list[tuple[int, int, int, int]]) -> bool:
    """Whether most lines of text found on the page run up and down (a page turned 90°)."""
    tall = sum(1 for x0, y0, x1, y1 in boxes if y1 - y0 >= 2 * (x1 - x0))
    wide = sum(1 for x0, y0, x1, y1 in boxes if x1 - x0 >= 2 * (y1 - y0))
    return tall >= 3 and tall > wide


def _spread(cells: list, read: list[tuple[str, float]], readings: dict) -> None:
    """Hand the recognised lines back to their cells: one more reading of each cell."""
    k = 0
    for c in cells:
        readings[id(c)].append(read[k:k + len(c.lines)])
        k += len(c.lines)


def read_page(engine, gray: np.ndarray) -> tuple[str, int]:
    """The text of one page image and the angle (degrees, clockwise: 0, 90, 180 or 270) it was
    turned to be read upright. Table rows are lines of tab-separated cells; lines top to bottom."""
    gray = ocr_grid.rotate(gray, ocr_grid.skew(gray))
    boxes = _detect(engine, gray)
    turned = 0
    if _sideways(boxes):
        gray = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
        turned = 90
        boxes = _detect(engine, gray)
    if _upside_down(engine, gray, boxes):
        gray = cv2.rotate(gray, cv2.ROTATE_180)
        turned += 180
        h, w = gray.shape
        boxes = [(w - x1, h - y1, w - x0, h - y0) for x0, y0, x1, y1 in boxes]
    tables = ocr_grid.tables(gray)
    spans = [t.box for t in tables]

    def in_table(b: tuple[int, int, int, int]) -> bool:
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        return any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in spans)

    prose = [b for b in boxes if not in_table(b)]
    cells = [c for t in tables for c in t.cells if c.lines]
    level = ocr_grid.paper(gray)

    def cell_crops(how: tuple[tuple[int, int], bool], which: list) -> list[np.ndarray]:
        crops = [ocr_grid.clean_crop(gray, line, level, how[0]) for c in which for line in c.lines]
        return [cv2.medianBlur(c, 3) for c in crops] if how[1] else crops

    read = recognise(engine, [_crop(gray, b) for b in prose] + cell_crops(CROPS[0], cells))
    prose_read = read[:len(prose)]
    readings = {id(c): [] for c in cells}
    _spread(cells, read[len(prose):], readings)
    unsure = [c for c in cells if cell_text(readings[id(c)]) == "?"]
    for how in CROPS[1:] if unsure else ():  # a lone digit the recogniser is unsure of: other crops
        _spread(unsure, recognise(engine, cell_crops(how, unsure)), readings)
    for c in cells:
        c.text = cell_text(readings[id(c)])
        if c.gapped and c.text != "?" and not CJK.search(c.text):
            c.text = "?"  # numbers far apart in one cell: a rule between them was not found
    kept = [(b, t, s) for b, (t, s) in zip(prose, prose_read) if t.strip() and s >= TEXT_SCORE]
    quads = [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for (x0, y0, x1, y1), _, _ in kept]
    lines = layout_lines(quads, [t for _, t, _ in kept], [s for _, _, s in kept], gray.shape[1])
    for t in tables:
        for y, row in t.rows():
            lines.append((float(y), "\t".join("" if c is None else c.text for c in row)))
    lines.sort(key=lambda line: line[0])
    return "\n".join(text for _, text in lines), turned % 360
