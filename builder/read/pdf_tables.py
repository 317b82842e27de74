"""Tables of a PDF page that have no vertical rules (ruled with horizontal lines only, or not at
all), read by their geometry: each number is placed in the column whose header stands above it.

The template's column headers give the columns: 自然人 … 总计 (table 三), 结果维持 … 总计 once or
three times (table 四), 本年制发件数 本年废止件数 现行有效件数 or one 本年…数量/金额 column (table 二).
A header may wrap inside its cell (社会公益 / 组织): words stacked on top of each other are read as
one. Column boundaries are the midpoints between neighbouring headers' centres. A row is a text
line with values right of the first column's boundary; with horizontal rules, the label words
between the rules around it are its label. A value whose centre does not fall clearly inside one
column, or two values in one column, make every value cell of that row "?" (unread), never a guess.
The columns stay in force until the next header, across pages (a table split over pages).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..record.characters import FOOTNOTE_MARKERS

APPLICATION_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
REVIEW_HEADERS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
ARTICLE20_HEADERS = ("本年制发件数", "本年废止件数", "现行有效件数")
ONE_COLUMN_HEADERS = ("本年处理决定数量", "本年收费金额")
_KEYS = set(APPLICATION_HEADERS) | set(REVIEW_HEADERS) | set(ARTICLE20_HEADERS)

# a value: a number (its footnote markers after it: 41①), a not-applicable mark, or "?"
_VALUE = re.compile(rf"^(?:[-−－]?[\d０-９][\d０-９,，.．]*[{FOOTNOTE_MARKERS}]*|[/／—–\-－]+|\?|不适用)$")
_DIGIT = re.compile(r"[\d０-９?]")
CLEAR = 0.1  # a value's centre must stand this share of its column's width inside the column's bounds
WORD_GAP = 1.0  # points between characters that separate two words (a single space is wider)


@dataclass
class Columns:
    """The value columns in force: bounds[i] = (left, right) of column i, in points."""

    bounds: list[tuple[float, float]]

    @property
    def left(self) -> float:
        return self.bounds[0][0]

    def place(self, centre: float) -> int | None:
        """The column clearly holding a value centred at `centre`, or None (outside or on a boundary)."""
        for i, (lo, hi) in enumerate(self.bounds):
            margin = CLEAR * (hi - lo)
            if lo + margin <= centre <= hi - margin:
                return i
        return None

    def reach(self, centre: float) -> bool:
        """Whether `centre` is anywhere near the columns (within half a column of their outer bounds)."""
        lo, hi = self.bounds[0][0], self.bounds[-1][1]
        half = (self.bounds[0][1] - self.bounds[0][0]) / 2
        return lo - half <= centre <= hi + half


@dataclass
class TableState:
    """What carries over from page to page: the columns of the table being read."""

    columns: Columns | None = None


@dataclass
class Row:
    """One table row read by geometry: its cells and the band of the page it occupies."""

    top: float
    bottom: float
    cells: list[str]
    chars: list = field(default_factory=list)  # the characters it was read from (not prose)


def _words(chars: list) -> list[dict]:
    """Words of the characters: runs on one line without a space or a gap wider than WORD_GAP."""
    from pdfplumber.utils import extract_words

    return extract_words(chars, x_tolerance=WORD_GAP, y_tolerance=2, return_chars=True,
                         use_text_flow=False, keep_blank_chars=False)


def _centre(w: dict) -> float:
    return (w["x0"] + w["x1"]) / 2


def _mid(w: dict) -> float:
    return (w["top"] + w["bottom"]) / 2


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _header_tokens(words: list[dict]) -> list[tuple[str, float, float, float, float]]:
    """(header, x0, x1, top, bottom) for each word, or stack of words, that is a template column header."""
    tokens = []
    used: set[int] = set()
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if id(w) in used:
            continue
        stack, text = [w], _norm(w["text"])
        while len(stack) < 3:  # a header wrapped inside its cell: the word right below, centred alike
            last = stack[-1]
            h = last["bottom"] - last["top"]
            below = [b for b in words if b is not last and 0 <= b["top"] - last["bottom"] <= h
                     and abs(_centre(b) - _centre(last)) <= h]
            joined = text + _norm(below[0]["text"]) if below else ""
            if not below or not any(k.startswith(joined) for k in _KEYS | set(ONE_COLUMN_HEADERS)):
                break  # 其他 is a header, and so is 其他 / 结果 stacked
            stack.append(below[0])
            text = joined
        key = text if text in _KEYS else next((k for k in ONE_COLUMN_HEADERS if text.startswith(k)), None)
        if key is None:
            continue
        used.update(id(s) for s in stack)
        tokens.append((key, min(s["x0"] for s in stack), max(s["x1"] for s in stack),
                       min(s["top"] for s in stack), max(s["bottom"] for s in stack)))
    return tokens


def _header_bands(words: list[dict]) -> list[tuple[float, float, Columns]]:
    """(top, bottom, columns) of each header the words hold, top to bottom.

    Header tokens whose vertical extents come within a line of each other are one band; a band
    is a header only if its tokens, left to right, are exactly one of the template's headers."""
    tokens = sorted(_header_tokens(words), key=lambda t: t[3])
    bands: list[list] = []
    for t in tokens:
        if bands and t[3] <= max(b[4] for b in bands[-1]) + (t[4] - t[3]):
            bands[-1].append(t)
        else:
            bands.append([t])
    out = []
    for band in bands:
        band.sort(key=lambda t: t[1])
        names = tuple(t[0] for t in band)
        if names not in (APPLICATION_HEADERS, ARTICLE20_HEADERS, REVIEW_HEADERS, REVIEW_HEADERS * 3) \
                and not (len(names) == 1 and names[0] in ONE_COLUMN_HEADERS):
            continue
        centres = [(t[1] + t[2]) / 2 for t in band]
        if len(centres) == 1:
            width = band[0][2] - band[0][1]
            bounds = [(band[0][1] - width, band[0][2] + width)]
        else:
            mids = [(a + b) / 2 for a, b in zip(centres, centres[1:])]
            lo = [centres[0] - (mids[0] - centres[0])] + mids
            hi = mids + [centres[-1] + (centres[-1] - mids[-1])]
            bounds = list(zip(lo, hi))
        out.append((min(t[3] for t in band), max(t[4] for t in band), Columns(bounds)))
    return out


def _lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into text lines by their vertical centres, top to bottom, each left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=_mid):
        if lines and abs(_mid(w) - _mid(lines[-1][0])) <= (w["bottom"] - w["top"]) / 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _label_cells(words: list[dict]) -> list[str]:
    """Label words as cells: words whose x-ranges overlap (one label wrapped) joined top to bottom."""
    groups: list[list[dict]] = []
    for w in sorted(words, key=lambda w: w["x0"]):
        if groups and w["x0"] < max(g["x1"] for g in groups[-1]) - 1:
            groups[-1].append(w)
        else:
            groups.append([w])
    return ["".join(w["text"] for w in sorted(g, key=lambda w: (round(_mid(w)), w["x0"]))) for g in groups]


def _band(y: float, x: float, rules: list[dict]) -> tuple[float, float]:
    """The rules (tops) just above and below height y among those that cross x; ±inf if none."""
    above = [r["top"] for r in rules if r["top"] <= y and r["x0"] <= x <= r["x1"]]
    below = [r["top"] for r in rules if r["top"] > y and r["x0"] <= x <= r["x1"]]
    return (max(above) if above else float("-inf"), min(below) if below else float("inf"))


def _values(line: list[dict], columns: Columns) -> list[dict]:
    """The words of a line that stand in the value columns: if any number, not-applicable mark or
    "?" is centred right of the first column's left bound, it and any other word centred there and
    within the columns' reach; else none."""
    right = [w for w in line if _centre(w) >= columns.left]
    if not any(_VALUE.match(_norm(w["text"])) for w in right):
        return []
    return [w for w in right if _VALUE.match(_norm(w["text"])) or columns.reach(_centre(w))]


def _prose(line: list[dict], columns: Columns) -> bool:
    """A line that runs across the columns as text (a paragraph or heading): the table has ended."""
    width = min(hi - lo for lo, hi in columns.bounds)
    return any(_centre(w) >= columns.left and w["x1"] - w["x0"] > 2 * width
               and not _VALUE.match(_norm(w["text"])) for w in line)


def _may_have_header(text: str) -> bool:
    """Whether text holds a fragment every one of the template's column headers leads to."""
    return any(k in text for k in ("自然人", "总计", "件数", "决定数量", "收费金额"))


def read_rows(chars: list, rules: list[dict], state: TableState) -> list[Row]:
    """The table rows among `chars` (pdfplumber chars outside any ruled table), placed by geometry.

    rules: the page's horizontal edges (pdfplumber edge dicts), which bound rows and their labels.
    state: the columns in force, updated by the headers found (and carried to the next page).
    Returns rows top to bottom; characters not in a row are left to the caller (prose)."""
    if state.columns is None and not _may_have_header("".join(c["text"] for c in chars)):
        return []  # the common page: prose, or ruled tables only (a quick test before finding words)
    words = _words(chars)
    if not words:
        return []
    bands = _header_bands(words)
    if state.columns is None and not bands:
        return []
    header_words = {id(w) for w in words for top, bottom, _ in bands if top <= _mid(w) <= bottom}
    value_lines: list[tuple[list[dict], Columns]] = []
    carried = state.columns
    for line in _lines(words):
        y = _mid(line[0])
        columns = next((c for top, _, c in reversed(bands) if top <= y), carried)
        if columns is None or any(id(w) in header_words for w in line):
            continue
        if _prose(line, columns):
            carried = columns = None
            bands = [b for b in bands if b[0] > y]
            continue
        values = _values(line, columns)
        numbers = sum(1 for w in values if _DIGIT.search(w["text"]))
        if not numbers or not (len(values) < len(line) or numbers > 1):  # a lone number: a page number
            continue
        value_lines.append((line, columns))
    state.columns = bands[-1][2] if bands else carried
    rows: list[Row] = []
    taken: set[int] = set()
    h_rules = [r for r in rules if r.get("orientation") == "h"]
    for line, columns in value_lines:
        y = _mid(line[0])
        cells = [""] * len(columns.bounds)
        values = _values(line, columns)
        placed = [columns.place(_centre(w)) for w in values]
        if None in placed or len(set(placed)) < len(placed):
            cells = ["?"] * len(cells)  # a value between columns, or two in one: its column is not certain
        else:
            for i, w in zip(placed, values):
                cells[i] = _norm(w["text"])
        same_line = [w for w in line if all(w is not v for v in values)]
        labels = []
        for w in same_line + [w for w in words if h_rules and _centre(w) < columns.left]:
            if id(w) in taken or id(w) in header_words or any(w is x for x in labels):
                continue
            w_top, w_bottom = _band(_mid(w), _centre(w), h_rules) if h_rules else (float("-inf"),) * 2
            if w_top == float("-inf") or w_bottom == float("inf"):
                if any(w is x for x in same_line):
                    labels.append(w)
                continue
            # with rules: the word's own cell holds this row (the first row, if the cell spans several)
            first = next((ln for ln, _ in value_lines if w_top < _mid(ln[0]) < w_bottom), None)
            if first is line:
                labels.append(w)
        taken.update(id(w) for w in labels)
        row_words = labels + values
        rows.append(Row(min(w["top"] for w in row_words), max(w["bottom"] for w in row_words),
                        _label_cells(labels) + cells, [c for w in row_words for c in w["chars"]]))
    return rows
