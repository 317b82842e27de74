"""Ruled tables in a scanned page image, found by their geometry (OpenCV morphology, no OCR): the
page straightened by its rules, each table's ruling lines, and the table cut into cells (a merged
cell once), each with the ink inside it split into lines of text.

Images are numpy arrays of grey levels (uint8, 0 black .. 255 white), indexed [y, x], in pixels.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

INK_BELOW = 55        # a pixel this much darker than the paper is ink
BORDER = 3            # pixels trimmed inside each cell's rules (rule width and what skew is left)
MIN_SPECK = 6         # ink components smaller than this (pixels) are scanner speckle, not print
MIN_TALL = 4          # ... and so are components less than this many pixels wide and high
COVERED = 0.7         # a rule is drawn along a cell's side if it covers this share of the side
GLYPH = 0.4           # a piece of ink whose longer side is at least this share of the cell's tallest piece is print
REMNANT = 3           # a piece of ink this thin along a cell's side, touching it, is what is left of its rule,
LONGER = 1.5          # ... if this many times longer than the cell's tallest (widest) other piece


def paper(gray: np.ndarray) -> int:
    """The grey of the page's paper (its median: most of a page is paper)."""
    return int(np.median(gray))


def ink(gray: np.ndarray, paper_grey: int | None = None) -> np.ndarray:
    """The ink of an image as a 0/255 mask: pixels clearly darker than the paper."""
    level = paper(gray) if paper_grey is None else paper_grey
    return np.where(gray < max(level - INK_BELOW, 60), 255, 0).astype(np.uint8)


def clean_crop(gray: np.ndarray, box: tuple[int, int, int, int], paper_grey: int, pad: tuple[int, int]) -> np.ndarray:
    """A line of ink (box x0, y0, x1, y1) cut out for the recogniser, in a margin of plain paper (pad:
    pixels above and below, left and right), so no rule or speck next to it is read with it. What
    lies inside the box is kept as it is: a decimal point is as small as a speck."""
    x0, y0, x1, y1 = box
    return cv2.copyMakeBorder(gray[y0:y1, x0:x1], pad[0], pad[0], pad[1], pad[1], cv2.BORDER_CONSTANT,
                              value=paper_grey)


def _rules(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the horizontal and vertical ruling lines among the ink (long thin runs)."""
    h, w = mask.shape

    def runs(size: tuple[int, int]) -> np.ndarray:
        return cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))

    return runs((max(40, w // 30), 1)), runs((1, max(12, h // 150)))


def skew(gray: np.ndarray) -> float:
    """The page's skew in degrees, measured on its long horizontal rules (0.0 when it has none):
    rotating the image by this angle (cv2.getRotationMatrix2D's sense) makes them level."""
    # thickened first, so that a rule a few degrees off level still makes long horizontal runs
    horizontal, _ = _rules(cv2.dilate(ink(gray), np.ones((5, 1), np.uint8)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horizontal)
    slopes = []
    for k in range(1, n):
        x, y, w, h, _area = stats[k]
        if w > gray.shape[1] / 8 and h < w / 10:
            ys, xs = np.nonzero(labels[y:y + h, x:x + w] == k)
            slopes.append(np.polyfit(xs, ys, 1)[0])
    return math.degrees(math.atan(float(np.median(slopes)))) if slopes else 0.0


def rotate(gray: np.ndarray, degrees: float) -> np.ndarray:
    """The image rotated about its centre by a small angle (white where nothing was)."""
    if abs(degrees) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


@dataclass
class GridCell:
    """One cell of a table: base rows [top, bottom) and columns [left, right) of the grid, its
    interior in pixels (x0, y0, x1, y1, rules trimmed), and the boxes of its lines of ink."""

    top: int
    bottom: int
    left: int
    right: int
    box: tuple[int, int, int, int]
    lines: list[tuple[int, int, int, int]] = field(default_factory=list)
    text: str = ""
    gapped: bool = False  # a line of its ink has pieces far apart (two numbers where a rule is broken?)


@dataclass
class Table:
    """A ruled table: its rules' positions (ys top to bottom, xs left to right, pixels) and cells."""

    ys: list[int]
    xs: list[int]
    cells: list[GridCell]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def rows(self) -> list[tuple[int, list[GridCell | None]]]:
        """Each row band as (its y centre, its cells left to right): a cell merged downwards from
        the band above as None (printed once, above); a cell merged sideways once."""
        out = []
        for i in range(len(self.ys) - 1):
            row = sorted((c for c in self.cells if c.top <= i < c.bottom), key=lambda c: c.left)
            out.append(((self.ys[i] + self.ys[i + 1]) // 2, [c if c.top == i else None for c in row]))
        return out


def _cluster(values: list[float], tolerance: float) -> list[int]:
    """Positions closer than `tolerance` as one (their mean), sorted."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [round(sum(c) / len(c)) for c in out]


def _covers(mask: np.ndarray, fixed: int, lo: int, hi: int, horizontal: bool) -> bool:
    """Whether a rule in `mask` at `fixed` (y for horizontal, x for vertical) runs from lo to hi."""
    lo, hi = lo + BORDER, hi - BORDER
    if hi <= lo:
        return True
    if horizontal:
        band = mask[max(fixed - BORDER, 0):fixed + BORDER + 1, lo:hi]
        return band.any(axis=0).mean() >= COVERED
    band = mask[lo:hi, max(fixed - BORDER, 0):fixed + BORDER + 1]
    return band.any(axis=1).mean() >= COVERED


def _clean(mask: np.ndarray) -> np.ndarray:
    """The mask without speckle: components too small or too thin in both directions dropped."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = (stats[:, cv2.CC_STAT_AREA] >= MIN_SPECK) & (
        np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= MIN_TALL)
    keep[0] = False
    return np.where(keep[labels], 255, 0).astype(np.uint8)


def _gapped(line: np.ndarray) -> bool:
    """Whether a line of ink (its cleaned mask) holds two pieces at least half its height (digits,
    not specks) with a gap wider than its height between them: wider than the space between the
    digits of one number."""
    height = line.shape[0]
    cols = line.any(axis=0)
    pieces, start = [], None
    for x, on in enumerate(list(cols) + [False]):
        if on and start is None:
            start = x
        elif not on and start is not None:
            if line[:, start:x].any(axis=1).sum() * 2 >= height:
                pieces.append((start, x))
            start = None
    return any(b[0] - a[1] > max(8, height) for a, b in zip(pieces, pieces[1:]))


def _print(ink_mask: np.ndarray) -> np.ndarray:
    """A cell's ink without what is not its print: what is left of its rules along its sides (a thin
    piece touching a side, along it and much longer than any character there: a rule the trimmed border
    did not quite take; a "1" printed against the rule is not), and specks that stand apart from the
    characters (pieces much smaller than the characters are high, in no character's line of print or
    not beside one). A decimal point, a comma or 、 next to characters stays: it stands in their line,
    beside them. Scanner speckle and compression noise that outlast _clean are left out, so they
    neither join two lines of text into one nor widen a line's box (a crop the recogniser misreads)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink_mask, connectivity=8)
    if n <= 2:
        return ink_mask
    h, w = ink_mask.shape
    x, y, cw, ch = (stats[1:, k] for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    side = ((x == 0) | (x + cw == w)) & (cw <= REMNANT) & (ch > cw)      # along the left or right side
    edge = ((y == 0) | (y + ch == h)) & (ch <= REMNANT) & (cw > ch)      # along the top or bottom
    inner = ~(side | edge)
    # much longer along its side than any character is high (or wide): a digit printed against the rule stays
    remnant = (side & (ch > LONGER * (ch[inner].max() if inner.any() else h))) | (
        edge & (cw > LONGER * (cw[inner].max() if inner.any() else w)))
    size = np.maximum(cw, ch)
    largest = ch[~remnant].max() if (~remnant).any() else 0  # a character's height (a run of touching ones is wide)
    glyph = ~remnant & (size >= GLYPH * largest)
    keep = glyph.copy()
    for k in np.nonzero(~glyph & ~remnant)[0]:
        # a small piece stays when it stands in a character's line of print and beside it
        near = glyph & (y <= y[k] + ch[k]) & (y + ch >= y[k]) & (
            x - size <= x[k] + cw[k]) & (x + cw + size >= x[k])
        keep[k] = near.any()
    return np.where(np.concatenate(([False], keep))[labels], 255, 0).astype(np.uint8)


def _text_lines(ink_mask: np.ndarray, x0: int, y0: int) -> list[tuple[int, int, int, int]]:
    """The boxes (page pixels) of the lines of print in a cell's cleaned ink mask (_print), top to bottom."""
    ink_mask = _print(ink_mask)
    rows = np.nonzero(ink_mask.any(axis=1))[0]
    if rows.size == 0:
        return []
    bands, start, prev = [], rows[0], rows[0]
    for r in rows[1:]:
        if r - prev > 2:  # a gap of blank pixel rows between two lines of text
            bands.append((start, prev))
            start = r
        prev = r
    bands.append((start, prev))
    out = []
    for a, b in bands:
        cols = np.nonzero(ink_mask[a:b + 1].any(axis=0))[0]
        out.append((x0 + int(cols[0]), y0 + int(a), x0 + int(cols[-1]) + 1, y0 + int(b) + 1))
    # a line too low to hold a character (an underline, a stroke cut off by a rule) joins its neighbour
    merged: list[tuple[int, int, int, int]] = []
    for box in out:
        if merged and (box[3] - box[1] < MIN_TALL or merged[-1][3] - merged[-1][1] < MIN_TALL):
            p = merged.pop()
            box = (min(p[0], box[0]), p[1], max(p[2], box[2]), box[3])
        merged.append(box)
    return merged


def tables(gray: np.ndarray) -> list[Table]:
    """The ruled tables of an (upright, straightened) page, top to bottom, each cut into cells with
    the lines of ink inside each cell. A side whose rule is missing (tables without outer borders)
    is closed at the end of the rules that meet it."""
    mask = ink(gray)
    horizontal, vertical = _rules(mask)
    height, width = gray.shape
    grid = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid)
    # the ink of the cells' text: long horizontal rules removed (a cell's vertical rules are trimmed
    # with its border; a tall stroke such as a large "1" must stay ink)
    text = _clean(cv2.subtract(mask, cv2.dilate(horizontal, np.ones((3, 3), np.uint8))))
    found = []
    for k in range(1, n):
        x, y, w, h, _area = stats[k]
        if w < width / 4 or h < 20:
            continue
        region = labels[y:y + h, x:x + w] == k
        hk = np.where(region, horizontal[y:y + h, x:x + w], 0)
        vk = np.where(region, vertical[y:y + h, x:x + w], 0)
        segments_h = _segments(hk, True, min_len=max(20, w // 40))
        segments_v = _segments(vk, False, min_len=12)
        if len(segments_h) < 2 or not segments_v:
            continue
        ys = _cluster([s[0] + y for s in segments_h], 4)
        xs = _cluster([s[0] + x for s in segments_v], 4)
        # sides without a rule: the ends of the rules that meet them
        left, right = min(s[1] for s in segments_h) + x, max(s[2] for s in segments_h) + x
        top, bottom = min(s[1] for s in segments_v) + y, max(s[2] for s in segments_v) + y
        open_x = [v for v in (left, right) if all(abs(v - e) > 8 for e in xs)]
        open_y = [v for v in (top, bottom) if all(abs(v - e) > 8 for e in ys)]
        xs, ys = sorted(xs + open_x), sorted(ys + open_y)
        # a rule divides at least one cell from its neighbour; a tall stroke ("1") or a long one does not
        xs = [v for v in xs if v in open_x or any(
            _covers(vertical, v, a, b, False) for a, b in zip(ys, ys[1:]))]
        ys = [v for v in ys if v in open_y or any(
            _covers(horizontal, v, a, b, True) for a, b in zip(xs, xs[1:]))]
        if len(xs) < 2 or len(ys) < 2:
            continue
        found.append(_cells(ys, xs, set(open_x), set(open_y), horizontal, vertical, text))
    return sorted(found, key=lambda t: t.ys[0])


def _segments(mask: np.ndarray, horizontal: bool, min_len: int) -> list[tuple[int, int, int]]:
    """Rule segments of a mask as (position across, start, end along), long ones only."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    out = []
    for k in range(1, n):
        x, y, w, h, _area = stats[k]
        if horizontal and w >= min_len:
            out.append((y + h // 2, x, x + w))
        elif not horizontal and h >= min_len:
            out.append((x + w // 2, y, y + h))
    return out


def _cells(ys: list[int], xs: list[int], open_x: set[int], open_y: set[int], horizontal: np.ndarray,
           vertical: np.ndarray, text: np.ndarray) -> Table:
    """The grid's base cells merged where no rule divides them, with each cell's lines of ink."""
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i in range(rows):
        for j in range(cols):
            if j + 1 < cols and xs[j + 1] not in open_x and not _covers(vertical, xs[j + 1], ys[i], ys[i + 1], False):
                parent[find(i * cols + j + 1)] = find(i * cols + j)
            if i + 1 < rows and ys[i + 1] not in open_y and not _covers(horizontal, ys[i + 1], xs[j], xs[j + 1], True):
                parent[find((i + 1) * cols + j)] = find(i * cols + j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(rows):
        for j in range(cols):
            groups.setdefault(find(i * cols + j), []).append((i, j))
    cells = []
    for members in groups.values():
        top, bottom = min(m[0] for m in members), max(m[0] for m in members) + 1
        left, right = min(m[1] for m in members), max(m[1] for m in members) + 1
        x0, y0, x1, y1 = xs[left] + BORDER, ys[top] + BORDER, xs[right] - BORDER, ys[bottom] - BORDER
        cell = GridCell(top, bottom, left, right, (x0, y0, x1, y1))
        if x1 > x0 and y1 > y0:
            cell.lines = _text_lines(text[y0:y1, x0:x1], x0, y0)
            cell.gapped = any(_gapped(text[ly0:ly1, lx0:lx1]) for lx0, ly0, lx1, ly1 in cell.lines)
        cells.append(cell)
    return Table(ys, xs, cells)
