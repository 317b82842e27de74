"""OCR readings → text: words laid out in columns where they stand on the page, a cell's readings joined
into one text, and a number the recogniser is unsure of written "?" (the cell unread, never guessed)."""
from __future__ import annotations

import re
import statistics

SURE = 0.90          # below this recognition score a number is not trusted
TEXT_SCORE = 0.5     # below this a piece of prose is dropped (RapidOCR's own default)
COLUMNS = 220        # the page's width in characters of the laid-out text
PAD = 4              # pixels of paper kept around a line of ink handed to the recogniser
_NUMERIC = re.compile(r"^[\d,.]+$")
_NUMBER_LIKE = re.compile(r"^[\dOoIlSBZ|,.]*\d[\dOoIlSBZ|,.]*$")  # digits with letters OCR confuses
CJK = re.compile(r"[\u3400-\u9fff]")


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
