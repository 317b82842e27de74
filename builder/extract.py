"""Stage 3: lines of cells → a record, by the template's structure.

The report's sections are found by their headings; inside a table, every run of
numbers is a candidate row, and the runs are aligned to the template's rows in order
(like aligning two sequences), with the printed labels as anchors. A row whose label
is missing or misprinted is still placed by its position between labelled rows; a
row that cannot be placed without guessing is left blank and reported.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from .cells import BLANK, JUNK, NA, NUM, TEXT, Cell, Line, to_lines
from .characters import fold_text
from .models import Finding, Record, Source, TablePages, iter_cells, set_path
from .sources import DAMAGED, ReportError, SourceText
from .template import (APPLICATION_GROUP_PATTERNS, APPLICATION_ROWS, ARTICLE20_ITEMS,
                       NARRATIVE_SECTIONS, REVIEW_ROWS, SECTIONS)

_NUMBERING = re.compile(r"^(?:[(]?[一二三四五六七八九十]{1,3}[)、.]|[(]?\d{1,2}[).、]|\d{1,2}\.(?!\d))")
_ARTICLE20_HEADERS = (r"第二十条", r"信息内容", r"本年制发", r"本年废止", r"现行有效", r"处理决定",
                      r"收费金额")
_COLUMN_HEADERS = {"自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
                   "总计", "申请人情况"}
_APPLICATION_HEADERS = (r"申请人情况", r"勾稽关系")
_REVIEW_HEADERS = (r"结果维持", r"结果纠正", r"其他结果", r"尚未审结", r"总计", r"行政复议", r"行政诉讼",
                   r"直接起诉", r"复议后起诉")


def strip_numbering(text: str) -> str:
    """'三、(一)予以公开' → '予以公开'; also drops whitespace."""
    t = re.sub(r"\s+", "", text)
    while True:
        stripped = _NUMBERING.sub("", t, count=1)
        if stripped == t:
            return t
        t = stripped


@dataclass
class Run:
    """A run of value cells and the label fragments printed before (or beside) it."""

    labels: list[str]
    cells: list[Cell] = field(default_factory=list)
    line: int = 0
    placed: bool = False  # its cells stand in their columns already (blanks included)
    by_position: bool = False  # its columns were worked out from where its cells stand (less certain than
                               # a delimited row of every cell): its own total must bear them out
    ambiguous: bool = False    # a delimited row whose blank cells could stand in more than one column

    @property
    def has_number(self) -> bool:
        return any(c.kind == NUM for c in self.cells)

    def trim(self) -> "Run":
        while not self.placed and self.cells and self.cells[-1].kind == BLANK:
            self.cells.pop()
        return self


def build_runs(lines: Sequence[Line], width: int, is_label, right_aligned: bool = False,
               whole_rows: bool = False) -> list[Run]:
    """Group the value cells of a table region into runs, one per printed row.

    width:    cells in a complete row; a run shorter than that absorbs a stray word as an
              unreadable cell instead of ending early
    is_label: whether a text fragment is a label or heading of this table
    right_aligned: the table's value columns are its last `width` columns, so a row of delimited
              cells (tab, pipe) whose label cell and first values are blank keeps its columns: the
              blanks dropped before its first cell are put back, up to `width` cells
    whole_rows: a tab row of exactly `width` value cells is the whole row: its trailing blank
              cells are cells printed blank, not padding (not for table 二, whose one-value rows
              are padded with the merged cells' blanks)
    """
    runs: list[Run] = []
    labels: list[str] = []
    cur: Run | None = None
    layouts = _row_layouts(lines, width) if whole_rows else {}

    def close() -> None:
        nonlocal cur
        if cur is not None and cur.has_number:
            runs.append(cur.trim())
        elif cur is not None:  # only blanks: they were padding, the labels stay
            labels[:0] = cur.labels
        cur = None

    for line in lines:
        saw_number = False
        for cell in line.cells:
            if cell.kind == NUM:
                if cur is None:
                    cur, labels = Run(labels, [], line.no), []
                elif line.multi and not cur.has_number and any(c.line != line.no for c in cur.cells):
                    # a row of delimited cells starts here: blanks left at the end of a line above
                    # (a header's empty cells) are not cells of it
                    cur = Run(cur.labels, [c for c in cur.cells if c.line == line.no], line.no)
                cur.cells.append(cell)
                saw_number = True
            elif cell.kind in (BLANK, NA):
                if cur is not None:
                    cur.cells.append(cell)
                elif labels:  # a blank after a label, before the numbers: a cell of the row
                    cur, labels = Run(labels, [cell], line.no), []
            elif cur is not None and cur.has_number and len(cur.trim().cells) < width and (
                    (line.multi and saw_number) or (not line.multi and _stray(cell, is_label))):
                cur.cells.append(cell)  # a word or a mark where a number belongs
            elif cell.kind == TEXT:
                close()
                labels.append(cell.text)
            # other junk (table rules, OCR noise outside the values) is dropped
        if line.multi and saw_number:
            own = cur is not None and all(c.line == line.no for c in cur.cells)
            shape = _shape(line, width) if whole_rows and own and _delimited(line) else None
            if shape is not None and shape[0] in layouts and shape[1] is None:
                # a delimited row with blank values: where its values stand is what the table's complete
                # rows of the same shape show (blank cells around them: a label's span, an exporter's tab)
                pre, post = layouts[shape[0]]
                rest = shape[2]
                if len(rest) == pre + width + post and all(c.kind in (BLANK, JUNK)
                                                           for c in rest[:pre] + rest[pre + width:]):
                    cur.cells = rest[pre:pre + width]
                    cur.placed = True
                else:
                    cur.ambiguous = True
            elif shape is not None and shape[1] is None and ("row", line.lead + len(line.cells)) in layouts:
                # a row of a shape no complete row has (its label lost), as long as the table's rows: its
                # values stand where every complete row has them, counted from the row's end
                post = layouts[("row", line.lead + len(line.cells))][1]
                padded = [Cell("", BLANK, line=line.no)] * line.lead + list(line.cells)
                values = padded[len(padded) - post - width:len(padded) - post]
                if all(c.kind in (BLANK, JUNK) for c in padded[len(padded) - post:]) and \
                        not any(c.kind == TEXT for c in values):
                    cur.cells = [Cell("", BLANK, line=line.no) if c.kind == BLANK else c for c in values]
                    cur.placed = True
                else:
                    cur.ambiguous = True
            elif (right_aligned and cur is not None and line.lead
                    and len(cur.cells) < width <= len(cur.cells) + line.lead
                    and all(c.line == line.no for c in cur.cells)):
                pad = [Cell("", BLANK, line=line.no) for _ in range(width - len(cur.cells))]
                cur.cells[:0] = pad
                cur.placed = cur.by_position = True
            elif (whole_rows and cur is not None and "\t" in line.norm and len(cur.cells) == width
                  and all(c.line == line.no for c in cur.cells)):
                cur.placed = True  # a tab row of exactly `width` cells: its trailing blanks are cells
            close()
    close()
    return runs


def _delimited(line: Line) -> bool:
    return "\t" in line.norm or "|" in line.norm


def _shape(line: Line, width: int) -> tuple[tuple[int, int], tuple[int, int] | None, list[Cell]] | None:
    """A delimited row's shape: ((blanks before its first cell, label cells), (blanks before, blanks after)
    its `width` values when they are all printed in a run, else None; the cells after its labels). None
    for a line that is not one row of labels then values."""
    k = 0
    while k < len(line.cells) and line.cells[k].kind == TEXT:
        k += 1
    rest = line.cells[k:]
    if not rest or any(c.kind == TEXT for c in rest):
        return None
    filled = [i for i, c in enumerate(rest) if c.kind in (NUM, NA)]  # values; blanks and marks pad
    whole = None
    if len(filled) == width and filled[-1] - filled[0] == width - 1:
        whole = (filled[0], len(rest) - filled[-1] - 1)
    return (line.lead, k), whole, rest


def _row_layouts(lines: Sequence[Line], width: int) -> dict[tuple, tuple[int, int]]:
    """For each shape of delimited row in a table, where its values stand among the cells after its labels
    (blank cells before, blank cells after), as every complete row of that shape shows it;
    and, under ("row", cells), the blanks after the values when every complete row has that many cells
    and that many blanks after its values (three rows at least)."""
    seen: dict[tuple, set[tuple[int, int]]] = {}
    count: Counter = Counter()
    rows: set[tuple[int, int]] = set()  # (cells in the whole row, blanks after its values)
    for ln in lines:
        if not (ln.multi and _delimited(ln)):
            continue
        shape = _shape(ln, width)
        if shape is not None and shape[1] is not None:
            seen.setdefault(shape[0], set()).add(shape[1])
            count[shape[0]] += 1
            rows.add((ln.lead + len(ln.cells), shape[1][1]))
    out: dict[tuple, tuple[int, int]] = {
        key: next(iter(found)) for key, found in seen.items() if len(found) == 1}
    if len(rows) == 1 and sum(count.values()) >= 3:  # every complete row as long, its values as far from its end
        length, post = next(iter(rows))
        out[("row", length)] = (0, post)
    return out


def _stray(cell: Cell, is_label) -> bool:
    """A cell printed where a number belongs, in a one-cell-per-line layout."""
    return cell.kind == JUNK or (len(re.sub(r"\s", "", cell.text)) <= 6 and not is_label(cell.text))


def run_values(run: Run, width: int) -> list[Cell] | None:
    """The run's cells in column order, `width` of them; None if they cannot be placed in the
    columns without guessing."""
    cells = run.cells
    if run.ambiguous:
        return None
    if len(cells) > width:
        if any(c.kind != BLANK for c in cells[:-width]):
            return None
        return cells[-width:]  # right-aligned: the total is the last column
    if len(cells) < width:
        nums = [c for c in cells if c.kind == NUM]
        return nums if len(nums) == width else None
    return cells


def split_runs(runs: list[Run], width: int) -> list[Run]:
    """A run of k·width numbers is k rows whose labels were lost."""
    out = []
    for run in runs:
        n = len(run.cells)
        if n > width and n % width == 0 and run.cells[0].kind == NUM:
            for k in range(0, n, width):
                out.append(Run(run.labels if k == 0 else [], run.cells[k:k + width], run.line))
        else:
            out.append(run)
    return out


_NAMED: dict[int, tuple[Sequence, dict[str, frozenset[int]]]] = {}


def _rows_named(text: str, slots: Sequence) -> frozenset[int]:
    """The slots whose label patterns match text, remembered per table: every report prints the same
    labels, so each is matched against the template once per process."""
    entry = _NAMED.get(id(slots))
    if entry is None or entry[0] is not slots or len(entry[1]) > 100_000:
        entry = _NAMED[id(slots)] = (slots, {})
    found = entry[1].get(text)
    if found is None:
        found = entry[1][text] = frozenset(i for i, s in enumerate(slots) if s.matches(text))
    return found


def label_matches(labels: Sequence[str], slots: Sequence, groups: Sequence[str] = ()) -> frozenset[int]:
    """Which slots the run's label names. The last fragment that names a row decides; a label split
    over lines is joined (group headings left out). An empty set: the label names no row (missing,
    misprinted, or a group heading alone, as the older template printed （六）其他处理)."""
    stripped = [strip_numbering(t) for t in labels]
    for text in reversed(stripped):
        found = _rows_named(text, slots)
        if found:
            return found
    plain = [t for t in stripped if not any(re.search(g, t) for g in groups)]
    for n in range(2, len(plain) + 1):
        found = _rows_named("".join(plain[-n:]), slots)
        if found:
            return found
    return frozenset()


def align(runs: Sequence[Run], slots: Sequence, widths: Sequence[int],
          groups: Sequence[str] = ()) -> dict[int, Run]:
    """Assign runs to template slots in order, maximising label agreement (sequence alignment).

    A run whose label names its row anchors it there. Runs without a readable label are placed
    by position only where that is certain: as many of them between two anchors as there are
    free rows between those anchors."""
    m, n = len(runs), len(slots)
    matches = [label_matches(r.labels, slots, groups) for r in runs]
    fitting = {w: [run_values(r, w) is not None for r in runs] for w in set(widths)}

    def score(i: int, j: int) -> float:
        found = matches[i]
        fits = fitting[widths[j]][i]
        if j in found:
            return 4 + fits
        if found:
            return -1
        return 1 if fits else -1  # unlabelled: placed by position, only if it fits

    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    move = [[""] * (n + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        for j in range(n + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i > 0:
                options.append((best[i - 1][j], "skip_run"))
            if j > 0:
                options.append((best[i][j - 1], "skip_slot"))
            if i > 0 and j > 0:
                s = score(i - 1, j - 1)
                if s > 0:
                    options.append((best[i - 1][j - 1] + s, "match"))
            best[i][j], move[i][j] = max(options, key=lambda o: o[0])
    pairs: list[tuple[int, int]] = []
    i, j = m, n
    while i > 0 or j > 0:
        step = move[i][j]
        if step == "match":
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif step == "skip_run":
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    # keep positional placements only where the gap between anchors is filled exactly
    anchors = [(-1, -1)] + [(ri, sj) for ri, sj in pairs if matches[ri]] + [(m, n)]
    out: dict[int, Run] = {}
    for (r0, s0), (r1, s1) in zip(anchors, anchors[1:]):
        inside = [(ri, sj) for ri, sj in pairs if r0 < ri < r1 and not matches[ri]]
        loose = [ri for ri in range(r0 + 1, r1) if not matches[ri] and s0 + 1 < n and score(ri, s0 + 1) > 0]
        if inside and len(loose) == len(inside) == s1 - s0 - 1:
            out.update({sj: runs[ri] for ri, sj in inside})
    out.update({sj: runs[ri] for ri, sj in pairs if matches[ri]})
    return out


def _centre(cell: Cell) -> float:
    return cell.col + len(cell.text) / 2


def column_centres(runs: Sequence[Run], lines: Sequence[Line], width: int) -> list[float] | None:
    """Where the columns of a table printed with spaces stand: under the complete rows' numbers,
    or else under the column headers above the first row."""
    full = [r for r in runs if len(r.cells) == width and all(c.kind == NUM and not c.loose for c in r.cells)
            and len({c.line for c in r.cells}) == 1]
    if len(full) >= 2:
        return [sorted(_centre(r.cells[k]) for r in full)[len(full) // 2] for k in range(width)]
    if not runs:
        return None
    first = runs[0].cells[0].line
    for line in reversed([ln for ln in lines if ln.no < first]):
        heads = [c for c in line.cells if c.kind in (TEXT, NUM)]
        if len(heads) >= width and not any(c.kind == NUM for c in heads[-width:]):
            return [_centre(c) for c in heads[-width:]]
    return None


def fill_gaps(runs: list[Run], lines: Sequence[Line], width: int) -> list[Run]:
    """Place the numbers of a short row printed in columns of spaces (`pdftotext -layout`), where a
    blank cell leaves no mark, by where they stand under the table's columns."""
    centres = column_centres(runs, lines, width)
    if centres is None:
        return runs
    spacing = min((b - a for a, b in zip(centres, centres[1:])), default=0)
    if spacing <= 0:
        return runs
    out = []
    for run in runs:
        cells = run.cells
        if (len(cells) >= width or not all(c.kind == NUM and not c.loose for c in cells)
                or len({c.line for c in cells}) != 1):
            out.append(run)
            continue
        slots = []
        for c in cells:
            k = min(range(width), key=lambda k: abs(centres[k] - _centre(c)))
            slots.append(k if abs(centres[k] - _centre(c)) <= spacing / 2 else None)
        if None in slots or slots != sorted(set(slots)):
            out.append(run)
            continue
        placed = [Cell("", BLANK, line=cells[0].line) for _ in range(width)]
        for k, c in zip(slots, cells):
            placed[k] = c
        out.append(Run(run.labels, placed, run.line, placed=True, by_position=True))
    return out


# --- sections ------------------------------------------------------------------------------

def find_sections(lines: Sequence[Line]) -> dict[str, int]:
    """Index (into lines) of each section heading found, in order."""
    found: dict[str, int] = {}
    start = 0
    for section in SECTIONS:
        for k in range(start, len(lines)):
            text = lines[k].compact
            # the heading as the template prints it; or its words alone on a line, the numeral lost
            # (OCR drops a leading 二、 now and then)
            if len(text) <= 40 and (re.match(section.pattern, text) or (
                    text.startswith(section.title) and len(text) <= len(section.title) + 2)):
                found[section.key] = k
                start = k + 1
                break
    return found


def _region(lines: Sequence[Line], sections: dict[str, int], key: str) -> tuple[int, int] | None:
    if key not in sections:
        return None
    start = sections[key] + 1
    later = [v for k, v in sections.items() if v > sections[key]]
    return start, (min(later) if later else len(lines))


# --- metadata ------------------------------------------------------------------------------

_TITLE = re.compile(r"(?P<agency>.*?)\s*(?:关于)?\s*(?P<year>20\d{2})\s*年(?:度)?\s*(?P<rest>.{0,12}?)"
                    r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
# a reporting body's name: no sentence punctuation, menus or verbs of an introduction
_AGENCY_LINE = re.compile(r"^(?!根据|按照|依据|现将|本报告|本年度|当前位置|首页)[^，。,;；|>《》:：\s]{2,40}$")
_PERIOD = re.compile(r"统计期限为?\s*(20\d{2})\s*年\s*1\s*月\s*1\s*日")
_DATE = re.compile(r"(20\d{2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_YEAR = re.compile(r"([〇○零O一二三四五六七八九]{4})(?=年)")
_CN_DATE = re.compile(r"([〇○零O一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                      r"\s*([一二三四五六七八九十]{1,3})\s*日")


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


_TITLE_LABEL = re.compile(r"^(?:标题|题目)[:：]")  # a crawler's header names the title: the label is not the body


def parse_title(lines: Sequence[Line], sections: dict[str, int]) -> tuple[str | None, int | None]:
    """Agency and year from the report's title: the last title-like line above section 一 (a saved
    web page has menus and breadcrumbs above it), its agency on the same line or the line before."""
    end = min(sections.values()) if sections else min(len(lines), 12)
    head = [_CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group(1)),
                         _TITLE_LABEL.sub("", ln.compact)) for ln in lines[:min(end, 120)]]
    found: tuple[str | None, int] | None = None
    for k, text in enumerate(head):
        if len(text) > 60:  # not a title (and a long line would cost _TITLE's `.*?` quadratic time)
            continue
        # a title's year is on this line; what follows it on the next line is at most 40 characters
        joined = text + (head[k + 1][:40] if k + 1 < len(head) else "")
        m = _TITLE.search(joined)
        if not m or m.start("year") >= len(text):
            continue
        agency = m.group("agency").strip(":：#")
        rest = m.group("rest")
        if not agency and rest and not rest.startswith(("政府", "度")):
            agency = rest
        if not agency and k > 0 and _AGENCY_LINE.match(head[k - 1]):
            agency = head[k - 1]
        if agency and not _AGENCY_LINE.match(agency):
            agency = None
        if agency or found is None:
            found = (agency, int(m.group("year")))
    if found:
        return found
    for ln in lines[:40]:
        m = _PERIOD.search(ln.compact)
        if m:
            return None, int(m.group(1))
    return None, None


def date_in(text: str) -> dt.date | None:
    """The first date written in text (2024-01-19, 2024年1月19日, 二〇二四年一月十九日), or None."""
    m = _DATE.search(text)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _CN_DATE.search(text)
        if m:
            y = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
            return dt.date(y, _cn_number(m.group(2)), _cn_number(m.group(3)))
    except (ValueError, KeyError):
        return None
    return None


def parse_published(lines: Sequence[Line], sections: dict[str, int], year: int | None) -> dt.date | None:
    """The date the report prints as its own (`source.published_on`): a signature date at the end, or a
    成文日期 / 印发日期 in its head. A portal's or crawler's 发布时间 is when it was posted (`posted_on`,
    see `parse_wrappers`), not a date the report prints."""

    def plausible(d: dt.date | None) -> bool:
        return d is not None and (year is None or year < d.year <= year + 2)

    last = sections.get("other_matters", sections.get("problems", len(lines) - 6))
    for ln in reversed(lines[max(0, min(last, len(lines) - 6)):]):
        if len(ln.compact) <= 16:
            d = date_in(ln.compact)
            if plausible(d):
                return d
    for ln in lines[:min(sections.values(), default=12) if sections else 12]:
        if re.search(r"(印发|成文)(日期|时间)", ln.compact) and not _WRAPPER.search(ln.compact):
            d = date_in(ln.compact)
            if plausible(d):
                return d
    return None


# a portal's or crawler's header line: "发布时间：2025-01-23 10:21", "来源：某局  时间：…", "原文链接：https://…"
_WRAPPER_LABELS = (r"标题|题目|发布时间|发布日期|发文日期|上传时间|时间|日期|发布机构|发布单位|发文机关|发文单位|"
                   r"信息来源|来源|原文链接|原文地址|原文网址|网址|链接|URL|索引号|文号|主题分类|分类|浏览次数|点击数")
_WRAPPER = re.compile(rf"(?:^|(?<=\s))({_WRAPPER_LABELS})\s*[:：]\s*")
_POSTED_LABELS = {"发布时间", "发布日期", "发文日期", "上传时间", "时间", "日期"}
_URL_LABELS = {"原文链接", "原文地址", "原文网址", "网址", "链接", "URL"}
_BODY_LABELS = {"发布机构", "发布单位", "发文机关", "发文单位", "信息来源", "来源"}


@dataclass
class Wrapper:
    """What a portal's page header or a crawler's export header says of the report."""

    posted_on: dt.date | None = None
    url: str | None = None
    body: str | None = None
    title: str | None = None


def parse_wrappers(lines: Sequence[Line], year: int | None) -> Wrapper:
    """The metadata in header lines above the report (labels with full- or half-width colons). Only lines
    that are nothing but such pairs count, so a sentence of the report that says 时间： is left alone."""
    out = Wrapper()
    for ln in lines:
        text = ln.norm.strip()
        found = list(_WRAPPER.finditer(text))
        if not found or found[0].start() > 0:
            continue
        for k, m in enumerate(found):
            label = m.group(1)
            value = text[m.end():found[k + 1].start() if k + 1 < len(found) else len(text)].strip()
            if label in _POSTED_LABELS and out.posted_on is None:
                d = date_in(value)
                if d is not None and (year is None or year <= d.year <= year + 3):
                    out.posted_on = d
            elif label in _URL_LABELS and out.url is None:
                m_url = re.match(r"https?://\S+", value)
                out.url = m_url.group()[:2000] if m_url else None
            elif label in _BODY_LABELS and out.body is None and _AGENCY_LINE.match(re.sub(r"\s", "", value)):
                out.body = re.sub(r"\s", "", value)
            elif label in ("标题", "题目") and out.title is None:
                out.title = value
    return out


def signature_agency(lines: Sequence[Line]) -> str | None:
    """The body that signs the report: the short line just above the date at its end."""
    tail = lines[-6:]
    for k in range(len(tail) - 1, 0, -1):
        if len(tail[k].compact) <= 16 and (_DATE.search(tail[k].compact) or _CN_DATE.search(tail[k].compact)):
            name = tail[k - 1].compact
            return name if _AGENCY_LINE.match(name) and not _DATE.search(name) else None
    return None


def damaged_text(lines: Sequence[Line], sections: dict[str, int]) -> list[Finding]:
    """A finding for each section whose text holds characters that could not be decoded (U+FFFD, what
    a reader makes of a broken byte), naming the lines; the rest of the report is read as usual."""
    paths = {"overview": "narrative.overview", "problems": "narrative.problems",
             "other_matters": "narrative.other_matters"}
    starts = sorted((k, key) for key, k in sections.items())
    hit: dict[str | None, list[int]] = {}
    for i, ln in enumerate(lines):
        if DAMAGED in ln.raw:
            key = next((key for k, key in reversed(starts) if k <= i), None)
            hit.setdefault(key, []).append(ln.no + 1)
    out = []
    for key, nos in hit.items():
        where = next((f"section {s.numeral} ({s.title})" for s in SECTIONS if s.key == key), "the report's head")
        out.append(Finding(
            rule="read.damaged_text", severity="warning", path=paths.get(key, key),
            message=f"{where}: the text is damaged on line {', '.join(map(str, nos[:5]))} (bytes that decode as no "
                    "character, shown as �); the rest of the report is read"))
    return out


def as_printed(lines: Sequence[Line], name: str) -> str:
    """A name found in the lines' normalised text (NFKC, whitespace removed), as the report prints it:
    full-width parentheses and digits kept, layout spaces dropped. The name itself if no line or pair
    of adjacent lines holds it."""
    def per_char(raw: str) -> tuple[str, list[int]]:
        norm, origin = [], []
        for k, ch in enumerate(raw):
            for n in re.sub(r"\s", "", unicodedata.normalize("NFKC", ch)):
                norm.append(n)
                origin.append(k)
        return "".join(norm), origin

    for k in range(len(lines)):
        for raw in (lines[k].raw, lines[k].raw + (lines[k + 1].raw if k + 1 < len(lines) else "")):
            norm, origin = per_char(raw)
            i = norm.find(name)
            if i >= 0:
                return re.sub(r"\s", "", raw[origin[i]:origin[i + len(name) - 1] + 1])
    return name


def parse_narrative(lines: Sequence[Line], sections: dict[str, int], key: str,
                    agency: str | None) -> str | None:
    region = _region(lines, sections, key)
    if region is None:
        return None
    pattern = next(s.pattern for s in SECTIONS if s.key == key)
    kept = [ln for ln in lines[region[0]:region[1]] if not re.match(pattern, ln.compact)]
    # the signature (agency and date) closes the last section; it is not its prose
    while kept and (len(kept[-1].compact) <= 30 and (_DATE.search(kept[-1].compact) or _CN_DATE.search(
            kept[-1].compact) or (agency and kept[-1].compact == agency))):
        kept.pop()
    text = "\n".join(re.sub(r"^\s*(#{1,6}\s+|>\s*)", "", ln.raw).strip() for ln in kept).strip()
    return text or None


# --- the tables ----------------------------------------------------------------------------

@dataclass
class Extraction:
    record: Record
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def _is_application_label(text: str) -> bool:
    t = strip_numbering(text)
    return any(r.matches(t) for r in APPLICATION_ROWS) or any(
        re.search(g, t) for g in APPLICATION_GROUP_PATTERNS + _APPLICATION_HEADERS)


def _is_article20_label(text: str) -> bool:
    t = strip_numbering(text)
    return any(i.matches(t) for i in ARTICLE20_ITEMS) or any(re.search(h, t) for h in _ARTICLE20_HEADERS)


def _is_review_label(text: str) -> bool:
    t = strip_numbering(text)
    return any(re.search(h, t) for h in _REVIEW_HEADERS)


def _row_path(paths: Sequence[str]) -> str:
    """The path of what holds these cells: `applications.new` for its [k] cells, the item
    `article20.regulations` for its fields, `review_litigation` for the 15 cells of table 四."""
    if len(paths) == 1:
        return paths[0]
    common = os.path.commonprefix(list(paths))
    return re.sub(r"[.\[][^.\[]*$", "", common) if common not in paths else common


def read_row(run: Run, paths: Sequence[str], label: str, findings: list[Finding],
             counts: bool = True, not_applicable: list[str] | None = None) -> list[int | float | None] | None:
    """The values of one template row printed as `run`, one per cell path; findings for what cannot
    be read (those cells become unread, see `mark_unread`); the paths of cells marked not applicable
    ("/", "—", 不适用) appended to `not_applicable`. None (and a finding) when the cells cannot be
    placed in the row's columns."""
    not_applicable = not_applicable if not_applicable is not None else []
    cells = run_values(run, len(paths))
    if cells is None:
        printed = " ".join(c.text or "□" for c in run.cells)
        findings.append(Finding(
            rule="extract.row_layout", severity="warning", path=_row_path(paths),
            message=f"row {label}: {len(run.cells)} cells ({printed}) for {len(paths)} columns; "
                    "left blank rather than guess which column is which"))
        return None
    values: list[int | float | None] = []
    for k, (cell, path) in enumerate(zip(cells, paths)):
        value = cell.value if cell.kind == NUM else None
        if cell.kind == NA:
            not_applicable.append(path)
        elif cell.kind == TEXT:
            findings.append(Finding(rule="extract.not_a_number", severity="error", path=path,
                                    message=f"row {label}: cell {k + 1} is {cell.text!r}, not a number"))
        elif cell.kind == JUNK:
            findings.append(Finding(rule="extract.illegible", severity="warning", path=path,
                                    message=f"row {label}: cell {k + 1} reads {cell.text!r}; left blank"))
        elif counts and isinstance(value, float):
            findings.append(Finding(rule="extract.not_a_count", severity="error", path=path, printed=value,
                                    message=f"row {label}: cell {k + 1} is {value}, not a whole number"))
            value = None
        values.append(value)
    return values


def contradicted(values: Sequence[int | float | None]) -> bool:
    """Whether a row placed by position breaks its own total (the last cell): a part larger than the
    total, parts adding up to more than it, or no blank part and a sum that differs. Such a placement
    is not trusted (a number in the wrong column is worse than none). Source: the template's row
    totals, 三 每行 总计 = 前六列之和, 四 总计 = 前四列之和."""
    *parts, total = values
    if total is None:
        return False
    known = [v for v in parts if v is not None]
    if sum(known) > total:
        return True
    return len(known) == len(parts) and sum(known) != total


def _check_columns(record: Record, row, findings: list[Finding]) -> None:
    """Unread a row placed by position when a column equation of table 三 that runs through it, with every
    cell printed, does not balance: the template's column totals (（七）总计 = the outcome rows; 本年新收 +
    上年结转 = 办理结果总计 + 结转下年度, 三 每列) contradict where its numbers were put."""
    from .checks import EQUATIONS

    cells = dict(iter_cells(record))
    mine = {f"{row.path}[{k}]" for k in range(7)}
    for eq in EQUATIONS:
        if eq.rule == "applications.row_total" or not mine & set(eq.paths):
            continue
        values = [cells[p] for p in eq.paths]
        if None in values or sum(values[:len(eq.lhs)]) == sum(values[len(eq.lhs):]):
            continue
        shown = [cells[p] for p in sorted(mine, key=lambda p: int(p[-2]))]
        set_path(record, row.path, [None] * 7)
        findings.append(Finding(
            rule="extract.placement_contradicted", severity="warning", path=row.path,
            message=f"section 三: row {row.group}{row.label}: the numbers ({' '.join('□' if v is None else str(v) for v in shown)}) "
                    f"were placed in columns by their position, and {eq.where} does not balance with them; left "
                    "unread rather than guess"))
        return


def _contradiction(path: str, where: str, values: Sequence[int | float | None]) -> Finding:
    shown = " ".join("□" if v is None else f"{v:g}" for v in values)
    return Finding(rule="extract.placement_contradicted", severity="warning", path=path,
                   message=f"{where}: the numbers ({shown}) were placed in columns by their position, and "
                           "the row's own total contradicts that placement; left unread rather than guess")


def misread_columns(record: Record, rows: Sequence, size: int, findings: list[Finding], where: str,
                    table: str) -> None:
    """Unread a whole table whose rows mostly break their own totals with their first column blank: a
    printed slip breaks a row or two (or a whole 总计 column printed 0, its first column filled), columns
    read one place off (a reader that lost a table's outer column) break nearly all of them.
    Rows with a total and a part that is not 0 are counted; at least 2 of them must break, and more than
    half."""
    # rows already found to break their totals when placed by position count as breaking
    complete = failing = sum(1 for f in findings if f.rule == "extract.placement_contradicted"
                             and (f.path or "").startswith(table))
    shifted = True  # every breaking row has its first column blank, as when a reader lost that column
    for row in rows:
        values = list(record_row(record, row.path))
        if values[-1] is None or not any(values[:-1]):
            continue  # no total, or nothing but zeros and blanks: a shift would leave it the same
        complete += 1
        if contradicted(values):
            failing += 1
            shifted = shifted and values[0] is None
    # a report may print its 总计 column as 0 throughout (its own slip, kept as printed): only rows that
    # break their totals AND lack their first column look like columns read one place off
    if failing >= 2 and failing * 2 > complete and shifted:
        for row in rows:
            set_path(record, row.path, [None] * size)
        record.not_applicable[:] = [p for p in record.not_applicable if not p.startswith(table)]
        findings.append(Finding(
            rule="extract.columns_contradicted", severity="warning", path=table,
            message=f"{where}: {failing} of its {complete} rows with a total break them, as when the "
                    "columns are read one place off; the table is left unread rather than published shifted"))


def record_row(record: Record, path: str) -> list:
    obj = record
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


# findings that say a cell's content could not be read or placed: their cells are `unread`
UNREAD_RULES = frozenset({"extract.illegible", "extract.not_a_number", "extract.not_a_count",
                          "extract.row_layout", "extract.row_missing", "extract.section_missing",
                          "extract.placement_contradicted", "extract.columns_contradicted",
                          "read.unreadable"})


def covers(finding_path: str | None, path: str) -> bool:
    """Whether a finding's path names this cell, its row or a part of the record that holds it."""
    return finding_path is not None and (path == finding_path or path.startswith(finding_path + "[")
                                         or path.startswith(finding_path + "."))


def mark_unread(record: Record, findings: Sequence[Finding]) -> None:
    """List under `unread` every blank cell that a finding says could not be read or placed: an
    unread cell is not a blank one (the report may have printed a number there)."""
    paths = [f.path for f in findings if f.rule in UNREAD_RULES and f.path]
    if not paths:
        return
    na = set(record.not_applicable)
    unread = [p for p, v in iter_cells(record) if v is None and p not in na and any(covers(f, p) for f in paths)]
    record.unread = list(dict.fromkeys(record.unread + unread))


def parse_article20(lines: Sequence[Line], record: Record, findings: list[Finding]) -> None:
    runs = build_runs(lines, 3, _is_article20_label)
    placed = align(runs, ARTICLE20_ITEMS, [len(item.columns) for item in ARTICLE20_ITEMS])
    for j, item in enumerate(ARTICLE20_ITEMS):
        run = placed.get(j)
        if run is None:
            findings.append(Finding(rule="extract.row_missing", severity="warning", path=item.path,
                                    message=f"section 二: row {item.label} not found"))
            continue
        paths = [f"{item.path}.{fld}" if fld else item.path for fld, _ in item.columns]
        values = read_row(run, paths, item.label, findings, counts=not item.path.endswith("fees_10k_yuan"),
                          not_applicable=record.not_applicable)
        for path, value in zip(paths, values or ()):
            set_path(record, path, value)


def parse_applications(lines: Sequence[Line], record: Record, findings: list[Finding]) -> int:
    """Fill section 三; returns how many of its rows were found."""
    runs = fill_gaps(split_runs(build_runs(lines, 7, _is_application_label, right_aligned=True, whole_rows=True), 7), lines, 7)
    if runs:  # the column headers above the first row are not its label
        runs[0].labels = [t for t in runs[0].labels if strip_numbering(t) not in _COLUMN_HEADERS]
    placed = align(runs, APPLICATION_ROWS, [7] * len(APPLICATION_ROWS), APPLICATION_GROUP_PATTERNS)
    positional: list = []  # rows whose columns were worked out from where their numbers stand
    for j, row in enumerate(APPLICATION_ROWS):
        run = placed.get(j)
        if run is None:
            findings.append(Finding(rule="extract.row_missing", severity="warning", path=row.path,
                                    message=f"section 三: row {row.group}{row.label} not found"))
            continue
        values = read_row(run, [f"{row.path}[{k}]" for k in range(7)], row.label, findings,
                          not_applicable=record.not_applicable)
        if values is not None and run.by_position and contradicted(values):
            findings.append(_contradiction(row.path, f"section 三: row {row.group}{row.label}", values))
            values = None
        if values is not None:
            set_path(record, row.path, values)
            if run.by_position:
                positional.append(row)
    for row in positional:
        _check_columns(record, row, findings)
    used = {id(r) for r in placed.values()}
    for run in runs:
        if id(run) not in used and len(run.cells) >= 3:
            findings.append(Finding(
                rule="extract.unplaced_row", severity="warning",
                message=f"section 三: numbers {' '.join(c.text or '□' for c in run.cells)} "
                        f"(after {''.join(run.labels)[-30:]!r}) belong to no template row"))
    return len(placed)


def parse_review(lines: Sequence[Line], record: Record, findings: list[Finding]) -> bool:
    """Fill section 四; returns whether its numbers were found. Its 15 numbers are printed as one
    row (行政复议, then the two parts of 行政诉讼), or as three labelled rows of five."""
    runs = fill_gaps(build_runs(lines, 15, _is_review_label, whole_rows=True), lines, 15)
    cells = [c for r in runs for c in r.cells]
    if not cells:
        return False
    by_label = align(runs, REVIEW_ROWS, [5, 5, 5]) if len(runs) == 3 else {}
    if len(by_label) == 3 and all(len(r.cells) == 5 for r in by_label.values()):
        for j, row in enumerate(REVIEW_ROWS):
            values = read_row(by_label[j], [f"{row.path}[{k}]" for k in range(5)], row.label, findings,
                              not_applicable=record.not_applicable)
            if values is not None:
                set_path(record, row.path, values)
        return True
    whole = Run([], cells, placed=len(runs) == 1 and runs[0].placed,
                by_position=any(r.by_position for r in runs)).trim()
    paths = [f"{row.path}[{k}]" for row in REVIEW_ROWS for k in range(5)]
    values = read_row(whole, paths, "四、政府信息公开行政复议、行政诉讼情况", findings,
                      not_applicable=record.not_applicable)
    if values is not None and whole.by_position and any(contradicted(values[k:k + 5]) for k in (0, 5, 10)):
        findings.append(_contradiction("review_litigation", "section 四", values))
        values = None
    if values is not None:
        for j, row in enumerate(REVIEW_ROWS):
            set_path(record, row.path, values[5 * j:5 * j + 5])
    return True


def extract(source: SourceText, repo_path: str | None = None) -> Extraction:
    """The record of one report. Raises ReportError when the text is not a readable report."""
    lines = to_lines(fold_text(source.text))
    sections = find_sections(lines)
    agency, year = parse_title(lines, sections)
    findings: list[Finding] = []

    app_region = _region(lines, sections, "applications")
    if app_region is None:
        # no heading: the table starts at its first row label
        first = next((k for k, ln in enumerate(lines) if re.search(r"本年新收", ln.compact)), None)
        if first is not None:
            after = [v for v in sections.values() if v > first]
            app_region = (max(0, first - 3), min(after) if after else len(lines))
    if app_region is None:
        if not any(re.search(r"第二十条|行政复议|信息公开", ln.compact) for ln in lines[:200]):
            raise ReportError(source.path, "not a government information disclosure annual report: "
                                           "none of the template's sections or tables was found")
        raise ReportError(source.path, "section 三 (收到和处理政府信息公开申请情况) is missing: "
                                       "no heading and no table rows found")
    if year is None:
        raise ReportError(source.path, "no report year found in the title")
    head_end = min(sections.values(), default=60)
    wrapper = parse_wrappers(lines[:head_end], year)
    agency = agency or signature_agency(lines) or wrapper.body
    if not agency:
        raise ReportError(source.path, "no reporting body (agency) found in the title")
    agency = as_printed(lines[:min(sections.values(), default=120) + 1] + lines[-6:], agency)

    record = Record(
        agency=agency, year=year,
        source=Source(path=repo_path or source.path, sha256=source.sha256, format=source.format,
                      published_on=parse_published(lines, sections, year)),
    )
    # when the publisher posted it, and where: the page's own head, else a header above the report
    meta = dict(source.meta)
    posted = date_in(meta.get("posted", "")) if meta.get("posted") else None
    record.source.posted_on = posted if posted and year <= posted.year <= year + 3 else wrapper.posted_on
    record.source.url = meta.get("url") or wrapper.url
    regions: dict[str, Sequence[Line]] = {"applications": lines[app_region[0]:app_region[1]]}
    a20 = _region(lines, sections, "article20")
    if a20 is not None:
        regions["article20"] = lines[a20[0]:min(a20[1], app_region[0])]
        parse_article20(regions["article20"], record, findings)
    else:
        findings.append(Finding(rule="extract.section_missing", severity="warning", path="article20",
                                message="section 二 (主动公开政府信息情况) not found"))
    found = parse_applications(regions["applications"], record, findings)
    misread_columns(record, APPLICATION_ROWS, 7, findings, "section 三", "applications")
    if found == 0:
        raise ReportError(source.path, "section 三 has no table: none of its 25 rows was found")
    rl = _region(lines, sections, "review_litigation")
    if rl is not None:
        regions["review_litigation"] = lines[rl[0]:rl[1]]
    has_review = rl is not None and parse_review(regions["review_litigation"], record, findings)
    misread_columns(record, REVIEW_ROWS, 5, findings, "section 四", "review_litigation")
    later = any(k in sections for k in ("review_litigation", "problems", "other_matters"))
    if not later and found < len(APPLICATION_ROWS):
        raise ReportError(source.path, f"the report is truncated: the text ends in section 三 after "
                                       f"{found} of its {len(APPLICATION_ROWS)} rows")
    if not has_review:
        if not any(k in sections for k in ("problems", "other_matters")):
            raise ReportError(source.path, "the report is truncated: section 四 (行政复议、行政诉讼) "
                                           "has no numbers and nothing follows it")
        findings.append(Finding(rule="extract.section_missing", severity="warning", path="review_litigation",
                                message="section 四 (行政复议、行政诉讼) has no numbers"))
    for key in NARRATIVE_SECTIONS:
        setattr(record.narrative, key, parse_narrative(lines, sections, key, agency))
    findings += [Finding(rule=n.rule, severity=n.severity, path=n.path, message=n.message)
                 for n in source.notes] + damaged_text(lines, sections)
    mark_unread(record, findings)
    if lines and lines[-1].page > 1:  # a paged source: say where each table stands
        record.source.pages = TablePages(**{
            key: sorted({ln.page for ln in region if any(c.kind == NUM for c in ln.cells)}) or None
            for key, region in regions.items()})
    return Extraction(record, findings)
