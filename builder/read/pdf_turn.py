"""A PDF page whose content is set sideways (or upside down) without a /Rotate flag, read upright.

Some producers print a wide table on a portrait page by turning the content 90°: the page has no
/Rotate entry, but its characters' text matrices run up (or down) the page and pdfplumber marks
them `upright=False`. `turned(page)` returns a pdfplumber page in the upright frame: every
character, line, rectangle and curve moved by the inverse turn, so the table finder, word
extraction and text extraction read it as if it had been printed upright.
"""
from __future__ import annotations

from collections import Counter

TURN_SHARE = 0.5  # a page is turned when more than this share of its characters runs one other way


def _direction(char: dict) -> int:
    """The turn (0, 90, 180, 270) of one character, from its text matrix."""
    a, b = char["matrix"][0], char["matrix"][1]
    if abs(a) >= abs(b):
        return 0 if a > 0 else 180
    return 270 if b > 0 else 90


def turn_of(page) -> int:
    """The degrees (90, 180, 270; clockwise) by which the page's content is turned, or 0.

    90 means the text runs down the page (turned clockwise), 270 up the page (counter-clockwise),
    180 right to left upside down. Decided by the direction of most characters' text matrices."""
    chars = page.chars
    if not chars:
        return 0
    directions = Counter(_direction(c) for c in chars)
    turn, count = directions.most_common(1)[0]
    return turn if turn and count > TURN_SHARE * len(chars) else 0


def describe(turn: int) -> str:
    """Plain English for a turn from turn_of, e.g. "sideways (turned 90° counter-clockwise)"."""
    return {90: "sideways (turned 90° clockwise)", 270: "sideways (turned 90° counter-clockwise)",
            180: "upside down"}.get(turn, "upright")


def _mover(turn: int, width: float, height: float):
    """A function (x, y) → (x, y) in the upright frame, y measured from the top."""
    if turn == 270:
        return lambda x, y: (height - y, x)
    if turn == 90:
        return lambda x, y: (y, width - x)
    return lambda x, y: (width - x, height - y)


def _moved(obj: dict, move, new_height: float, doctop0: float) -> dict:
    out = dict(obj)
    (ax, ay), (bx, by) = move(obj["x0"], obj["top"]), move(obj["x1"], obj["bottom"])
    out["x0"], out["x1"] = min(ax, bx), max(ax, bx)
    out["top"], out["bottom"] = min(ay, by), max(ay, by)
    out["width"], out["height"] = out["x1"] - out["x0"], out["bottom"] - out["top"]
    out["y0"], out["y1"] = new_height - out["bottom"], new_height - out["top"]
    out["doctop"] = doctop0 + out["top"]
    if "pts" in obj:
        out["pts"] = [move(x, y) for x, y in obj["pts"]]
    if obj.get("object_type") == "char":
        out["upright"] = True
    return out


def turned(page, turn: int):
    """`page` (pdfplumber) with its content turned back by `turn` degrees (from turn_of), and the
    characters that do not run that way (a page number printed upright beside a turned table).

    Returns (upright page, other characters): the page is a pdfplumber DerivedPage of the upright
    size (width and height swapped for 90 and 270), its page_number the original's, holding the
    characters of the turn and all the lines; the other characters are in the original frame."""
    from pdfplumber.page import DerivedPage

    width, height = float(page.width), float(page.height)
    new_w, new_h = (height, width) if turn in (90, 270) else (width, height)
    move = _mover(turn, width, height)
    doctop0 = float(page.initial_doctop)

    class TurnedPage(DerivedPage):
        pass

    upright = TurnedPage(page)
    upright.bbox = (0, 0, new_w, new_h)
    objects = dict(page.objects)
    aside = [c for c in objects.get("char", []) if _direction(c) != turn]
    objects["char"] = [c for c in objects.get("char", []) if _direction(c) == turn]
    upright._objects = {kind: [_moved(o, move, new_h, doctop0) for o in objs] for kind, objs in objects.items()}
    return upright, aside


def side_borders(page, gap: float = 3.0) -> list[dict]:
    """Vertical edges (pdfplumber edge dicts) where a ruled table lacks its outer left or right border.

    Consecutive horizontal rules joined by a vertical rule are one table; where no vertical rule
    stands at that table's leftmost or rightmost rule end, an edge spanning the table is returned
    there, so the table finder keeps the first and last columns (pdfplumber #307). Rules with no
    vertical rule between them (a table ruled with horizontal lines only) get none."""
    edges = page.edges
    hs = sorted((e for e in edges if e["orientation"] == "h" and e["width"] > 20), key=lambda e: e["top"])
    vs = [e for e in edges if e["orientation"] == "v" and e["height"] > 2]

    def joined(a: dict, b: dict) -> bool:
        lo, hi = max(a["x0"], b["x0"]) - gap, min(a["x1"], b["x1"]) + gap
        return any(lo <= v["x0"] <= hi and v["top"] <= a["top"] + gap and v["bottom"] >= b["top"] - gap
                   for v in vs)

    groups: list[list[dict]] = []
    for h in hs:
        if groups and (abs(h["top"] - groups[-1][-1]["top"]) <= gap or joined(groups[-1][-1], h)):
            groups[-1].append(h)
        else:
            groups.append([h])
    out = []
    for g in groups:
        top, bottom = g[0]["top"], g[-1]["top"]
        if bottom - top <= gap:
            continue
        inside = [v for v in vs if v["bottom"] > top + gap and v["top"] < bottom - gap]
        if not inside:
            continue
        for x in (min(h["x0"] for h in g), max(h["x1"] for h in g)):
            if not any(abs(v["x0"] - x) <= gap for v in inside):
                out.append({"x0": x, "x1": x, "top": top, "bottom": bottom, "height": bottom - top,
                            "width": 0, "orientation": "v", "object_type": "line"})
    return out
