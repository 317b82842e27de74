"""Stage 2: text → lines of cells.

Whatever produced the text (tab-separated rows, one cell per line, HTML flattened to
"cell |", Markdown from a PDF converter, `pdftotext -layout` columns, OCR), each line
becomes a list of cells, and each cell is classified: a number, a blank, a label, or junk.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..read.limits import limits
from ..read.html import html_to_text
from ..record.characters import FOOTNOTE_MARKERS

NUM = "num"        # a number as printed
BLANK = "blank"    # an empty cell: printed nothing
NA = "na"          # "/", "—", "不适用": the report marks the cell as not applicable
TEXT = "text"      # words: a label, a heading, prose
JUNK = "junk"      # symbols with no letters or digits of meaning (OCR noise, table rules)

_CJK = re.compile(r"[\u3400-\u9fff]")
_SPACES = re.compile(r"\s+")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_BLANKISH = re.compile(r"^(?:[-—–―/\\_]*|无)$")
# one or two dashes or slashes alone in a cell, or the words: "not applicable" (longer runs are rules)
_NOT_APPLICABLE = re.compile(r"^(?:[-—–―/\\－]{1,2}|不适用|N/?A)$", re.IGNORECASE)
# what a reader prints in a cell that has ink it could not read (shared by every reader): "?"
UNREAD_MARK = "?"
# Markdown emphasis and inline HTML that converters leave around a cell's text
_EMPHASIS = re.compile(r"\*{1,3}|(?<!\w)_{2}|</?(?:br|b|strong|em|i|span|p|sup|sub)\b[^>]*>", re.IGNORECASE)
# a unit printed after a number in its cell: "136302件", "1953.86万元", "2笔"
_UNITS = "件|个|项|次|人|宗|份|笔|条|万元|元"
_UNIT = re.compile(rf"(?<=\d)(?:{_UNITS})$")
# footnote markers (characters.FOOTNOTE_MARKERS: ① ⑴ ² …): printed after a number they are no digit of it, and
# `normalize` keeps them as printed there (NFKC would make 40390① the number 403901)
MARKERS = FOOTNOTE_MARKERS
_MARKER = re.compile(f"[{MARKERS}]")
# markers after a number (and its unit), a space between them or none
_MARKED = re.compile(rf"\d(?:{_UNITS})?[ \u00a0\u3000]?(?P<marks>[{MARKERS}]+)")
# a cell's markers after its number, before or after its unit: "40390①", "136302件①", "136302①件"
_MARKER_TAIL = re.compile(rf"(?<=\d)(?P<marks>[{MARKERS}]+)(?=(?:{_UNITS})?$)|(?<=\d)(?:{_UNITS})(?P<after>[{MARKERS}]+)$")
# page footers and headers that page breaks leave inside tables
_FOOTER = re.compile(
    r"^\s*(?:[-—–－]+\s*\d{1,3}\s*[-—–－]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
# a page number alone on a line, centred in columns of spaces (`pdftotext -layout`)
_PAGE_NUMBER = re.compile(r"^[ \f]{20,}\d{1,3}\s*$")
_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s*|>\s*|[-*+•]\s+(?=\S))+")
# a label cell followed by numbers separated by single spaces: "行政处罚 5584" or "55 4 5 0" (each number with
# its footnote markers, if any: "行政处罚 5584①")
_TRAILING_NUMBERS = re.compile(
    rf"^(?:(?P<label>.*?[^\d\s.,])\s+)?(?P<nums>\d+(?:\.\d+)?[{MARKERS}]*(?:\s+\d+(?:\.\d+)?[{MARKERS}]*)*)$")
_TRAILING_NUMBER = re.compile(rf"\d+(?:\.\d+)?[{MARKERS}]*")


@dataclass
class Cell:
    text: str
    kind: str
    value: int | float | None = None
    col: int = 0    # character offset of the cell in its line
    line: int = -1  # the line it was printed on
    loose: bool = False  # one of several numbers printed with single spaces in one piece of text: its
                         # offset says nothing of the column it stands in
    marker: str = ""  # a number's footnote markers (MARKERS) printed after it, not part of it: "①"


@dataclass
class Line:
    no: int          # 0-based line number in the source text
    raw: str         # the line as printed
    norm: str        # NFKC-normalised, markup stripped
    cells: list[Cell] = field(default_factory=list)
    page: int = 1    # 1-based page of the source, counted by form feeds in the text
    lead: int = 0    # blank cells dropped before the first cell of a line of delimited cells (tab, pipe)

    @property
    def compact(self) -> str:
        """The line's text with all whitespace removed."""
        return _SPACES.sub("", self.norm)

    @property
    def multi(self) -> bool:
        """Whether this line holds a whole row (several cells) rather than one cell."""
        return len(self.cells) > 1


def normalize(text: str) -> str:
    """Full-width forms to ASCII (（ → (, ０ → 0), NFKC; keeps Chinese as it is, and a footnote marker
    after a number (MARKERS: 40390①, 40390², 136302件⑴) as printed, so that it does not become a digit."""
    if not _MARKER.search(text):
        return unicodedata.normalize("NFKC", text)
    out, pos = [], 0
    for m in _MARKED.finditer(text):
        out += [unicodedata.normalize("NFKC", text[pos:m.start("marks")]), m.group("marks")]
        pos = m.end()
    out.append(unicodedata.normalize("NFKC", text[pos:]))
    return "".join(out)


def classify(text: str) -> Cell:
    """One cell's text classified: a number (its value, and the footnote markers printed after it), a
    blank, not applicable, text or junk."""
    t, kind, value, marker = _classified(text)
    return Cell(t, kind, value, marker=marker)


@lru_cache(maxsize=65536)  # reports repeat their cells ("0", labels) many times over
def _classified(text: str) -> tuple[str, str, int | float | None, str]:
    t = _EMPHASIS.sub("", text).strip()
    compact, marker = _SPACES.sub("", t), ""
    tail = _MARKER_TAIL.search(compact) if _MARKER.search(compact) else None
    if tail:  # a number's footnote marker is not a digit of it
        marker = tail.group("marks") or tail.group("after")
        compact = compact[:tail.start("marks")] + compact[tail.end("marks"):] if tail.group("marks") \
            else compact[:tail.start("after")]
    compact = _UNIT.sub("", _THOUSANDS.sub("", compact))
    if len(compact) <= 40 and _NUMBER.match(compact):  # longer: no count, and int() refuses 4,300 digits
        return t, NUM, float(compact) if "." in compact else int(compact), marker
    if _NOT_APPLICABLE.match(compact):
        return t, NA, None, ""
    if _BLANKISH.match(compact):
        return t, BLANK, None, ""
    if _CJK.search(t) or _LATIN_WORD.search(t):
        return t, TEXT, None, ""
    return t, JUNK, None, ""


def _split(line: str) -> list[tuple[int, str]]:
    """Split a line into (offset, cell text)."""
    if "\t" in line:
        sep = "\t"
    elif "|" in line:
        sep = "|"
    else:
        sep = None
    if sep:
        parts, pos = [], 0
        for piece in line.split(sep):
            parts.append((pos, piece))
            pos += len(piece) + 1
        if sep == "|" and parts and not parts[-1][1].strip():
            parts.pop()  # "cell |": the pipe closes the cell
        return parts
    if re.search(r"\S\s{2,}\S", line):  # columns laid out with spaces
        return [(m.start(), m.group()) for m in re.finditer(r"\S+(?:\s\S+)*", line)]
    return [(len(line) - len(line.lstrip()), line.strip())]


def _explode(offset: int, text: str) -> list[Cell]:
    """One cell, or a label and the numbers printed after it with single spaces."""
    cell = classify(text)
    if cell.kind in (NUM, BLANK, NA):
        cell.col = offset
        return [cell]
    m = _TRAILING_NUMBERS.match(text.strip())
    if not m or not m.group("nums") or re.search(r"\d\.\s*$", m.group("label") or ""):
        cell.col = offset
        return [cell]
    out = []
    label = (m.group("label") or "").strip()
    if label:
        out.append(Cell(label, classify(label).kind, col=offset))
    numbers = list(_TRAILING_NUMBER.finditer(m.group("nums")))
    for n in numbers:
        c = classify(n.group())
        c.col = offset + m.start("nums") + n.start()
        c.loose = len(numbers) > 1
        out.append(c)
    return out


def _html_tables(text: str) -> str:
    """HTML tables inside Markdown (`<table ...>` to the first `</table>` after it) as text.

    In one pass: a `<table` with no `</table>` after it ends the search (a pattern `<table.*?</table>`
    would scan to the end of the text from each of 20,000 unclosed tags)."""
    out, pos = [], 0
    while True:
        start = _TABLE_OPEN.search(text, pos)
        end = _TABLE_CLOSE.search(text, start.end()) if start else None
        if end is None:
            break
        out += [text[pos:start.start()], html_to_text(text[start.start():end.end()])]
        pos = end.end()
    return "".join(out) + text[pos:] if out else text


def to_lines(text: str) -> list[Line]:
    """The text as lines of classified cells; page footers dropped, Markdown markup stripped.

    A line longer than the limit `max_line_chars` is one cell of text, not split into cells: no table
    row is that long, and the per-line patterns are never given more than that."""
    lines = []
    text = _html_tables(text) if "<" in text else text
    longest = limits().max_line_chars
    page = 1
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        page += raw.count("\f")
        norm = normalize(raw).replace("\u3000", " ").replace("\f", "")
        # a tab row's trailing empty cells are cells printed blank (the readers' contract): kept
        norm = norm.rstrip(" \v") if "\t" in norm and norm.strip() else norm.rstrip()
        if _FOOTER.match(norm) or _PAGE_NUMBER.match(norm):
            continue
        norm = _MARKUP.sub("", norm) if not norm.lstrip().startswith(("|", "\t")) else norm
        if not norm.strip() and "\t" not in norm and "|" not in norm:
            continue
        cells: list[Cell] = []
        if len(norm) > longest:
            cells.append(Cell(norm.strip(), TEXT, col=len(norm) - len(norm.lstrip())))
        else:
            for offset, piece in _split(norm):
                cells.extend(_explode(offset, piece))
        # blanks before a line's first cell are indentation or merged cells above, not data;
        # a line of nothing but separators is one blank cell (one cell per line layouts)
        lead = 0
        while cells and cells[0].kind == BLANK:
            cells.pop(0)
            lead += 1
        for cell in cells:
            cell.line = no
        delimited = "\t" in norm or "|" in norm
        lines.append(Line(no, raw.replace("\f", ""), norm, cells or [Cell("", BLANK)], page,
                          lead if delimited else 0))
    return lines


# 本年增/减 of the 2019 edition: "+2", "-1", or in words: "增3", "减12", "减少2件"; "持平" where nothing changed
_SIGNED = re.compile(r"^(?P<word>增加?|新增|净增|减少?|净减)?(?P<sign>[+\-−－]?)(?P<n>\d{1,18})(?:件|个|项|次|条|笔)?$")
_UNCHANGED = re.compile(r"^(?:持平|无变化|没有变化|不变|无增减)$")


def signed_change(text: str) -> int | None:
    """A cell of the 2019 edition's 本年增/减 column (a signed change, template.SIGNED_SUFFIX) as a number:
    "+2", "-1", "增3" (+3), "减12" (−12), "减少2件"; "持平", "无变化" (0: the column is the change, so no change
    is 0). None for anything else, and for a word and a sign that disagree ("增-3")."""
    t = re.sub(r"\s", "", text)
    if _UNCHANGED.match(t):
        return 0
    m = _SIGNED.match(t)
    if not m:
        return None
    word, minus = m.group("word") or "", m.group("sign") in ("-", "−", "－")
    down = "减" in word
    if word and minus and not down or m.group("sign") == "+" and down:
        return None
    return -int(m.group("n")) if minus or down else int(m.group("n"))
