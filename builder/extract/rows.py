"""Placing a table's numbers into the template's rows and columns.

Every run of numbers in a table region is a candidate row; runs are aligned to the template's rows
in order (like aligning two sequences), with the printed labels as anchors. A delimited row's cells
keep their columns, blank ones included, by the layout the table's complete rows show; numbers laid
out with spaces are placed under the column they stand in. A row that cannot be placed without
guessing is left for the caller to report as unread.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .cells import BLANK, JUNK, NA, NUM, TEXT, Cell, Line

_NUMBERING = re.compile(r"^(?:[(]?[一二三四五六七八九十]{1,3}[)、.]|[(]?\d{1,2}[).、]|\d{1,2}\.(?!\d))")


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
    joined: tuple[int, ...] = ()  # columns whose number was printed in pieces and joined (see join_pieces)
    unjoined: int = -1  # a row of more number pieces than columns: how many joinings agreed with its total
                        # when not exactly one (0 or 2, "two or more"); -1 for a row not in pieces
    empty: bool = False  # a delimited row printed with its cells and no number in them: blank cells, or marks
                         # a reader could not read ("?"), or "/" (see build_runs)

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
        if cur is not None and (cur.has_number or cur.empty):
            runs.append(cur if cur.empty else cur.trim())
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
        elif line.multi and _delimited(line):
            empty = _empty_row(line, width, layouts if whole_rows else None)
            if empty is not None:  # a row printed with its cells, none of them a number
                if cur is not None and cur.has_number:
                    close()
                own = cur.labels if cur is not None else labels
                cur, labels = Run(own, empty, line.no, placed=True, empty=True), []
                close()
    close()
    return runs


def _empty_row(line: Line, width: int, layouts: dict | None) -> list[Cell] | None:
    """The cells of a delimited row that prints its label and then its cells without a number in them
    (blank, "/", or a mark a reader could not read, "?"): a row found, printed blank (or unreadable), never a
    row missing. With `layouts` (a table whose complete rows show where their values stand, _row_layouts), the
    row must have that shape and its `width` value cells are those; without (table 二, whose items differ in
    width), every cell after the label. None for any other line (a header, a heading padded with empty
    cells: no cell after the label is printed as a cell of values, or the line holds words)."""
    shape = _shape(line, width)
    if shape is None or shape[0][1] == 0:
        return None
    rest = shape[2]
    if not rest or any(c.kind not in (BLANK, JUNK, NA) for c in rest):
        return None
    if layouts is None:
        return list(rest) if len(rest) <= width else None
    if shape[0] not in layouts:
        return None
    pre, post = layouts[shape[0]]
    if len(rest) != pre + width + post:
        return None
    return [Cell("", BLANK, line=line.no) if c.kind == BLANK else c for c in rest[pre:pre + width]]


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


def _spread(cells: Sequence[Cell]) -> bool:
    """Whether cells are one number repeated in the cells of one row, as a converter prints a merged
    cell (docling repeats a cell spanning three columns in each of them: `| 行政许可 | 136302 | 136302 |
    136302 |`)."""
    return (len(cells) > 1 and len({c.line for c in cells}) == 1 and len({c.text for c in cells}) == 1
            and all(c.kind == NUM and not c.loose for c in cells))


def run_values(run: Run, width: int) -> list[Cell] | None:
    """The run's cells in column order, `width` of them; None if they cannot be placed in the
    columns without guessing. A one-column row printed as one number repeated across the cells of its
    line (a merged cell, as docling prints it) is that number."""
    cells = run.cells
    if run.ambiguous:
        return None
    if width == 1 and _spread(cells):
        return cells[:1]
    if len(cells) > width:
        if any(c.kind != BLANK for c in cells[:-width]):
            return None
        return cells[-width:]  # right-aligned: the total is the last column
    if len(cells) < width:
        nums = [c for c in cells if c.kind == NUM]
        return nums if len(nums) == width else None
    return cells


# a number is broken into at most this many more pieces than its row has columns (a crawler's line
# break inside a cell); more extra pieces are not taken for broken numbers
MAX_EXTRA_PIECES = 3


def _digits(cell: Cell) -> str | None:
    """A piece of a number: the digits of a whole-number cell as printed (\"05\" keeps its 0), else None."""
    text = cell.text.strip()
    return text if cell.kind == NUM and text.isascii() and text.isdigit() else None


def join_pieces(run: Run, width: int, agrees: Callable[[list[int]], bool]) -> Run:
    """A row printed with more number pieces than columns (a crawler broke 162 into `1` and `62`, on two
    lines or as two tokens), its neighbouring pieces joined back where exactly one way of joining makes
    the row agree with its own printed total (`agrees`, given the row's `width` values); `joined` names
    the columns so made. Otherwise the run is returned unchanged, `unjoined` set to the number of
    joinings that agree (0, or 2 for two or more): its cells cannot be placed (`run_values` is None).

    A run of `width` cells or fewer, of more than MAX_EXTRA_PIECES extra pieces, or with anything but
    whole numbers, is returned as it is: a row with the right number of pieces is never joined. A piece of more than one digit starting with 0
    does not begin a number, and no number is joined from a piece "0" followed by more."""
    pieces = [_digits(c) for c in run.cells]
    extra = len(pieces) - width
    if extra <= 0 or extra > MAX_EXTRA_PIECES or None in pieces:
        return run
    fits: list[tuple[list[Cell], tuple[int, ...]]] = []
    for glued in itertools.combinations(range(len(pieces) - 1), extra):  # gaps between pieces closed
        groups: list[list[int]] = []
        for k in range(len(pieces)):
            if k - 1 in glued:
                groups[-1].append(k)
            else:
                groups.append([k])
        if any(len(g) > 1 and pieces[g[0]].startswith("0") for g in groups):
            continue
        values = [int("".join(pieces[k] for k in g)) for g in groups]
        if agrees(values):
            cells = [run.cells[g[0]] if len(g) == 1 else Cell("".join(pieces[k] for k in g), NUM, values[i],
                                                               col=run.cells[g[0]].col, line=run.cells[g[0]].line)
                     for i, g in enumerate(groups)]
            fits.append((cells, tuple(i for i, g in enumerate(groups) if len(g) > 1)))
            if len(fits) > 1:
                break
    if len(fits) != 1:
        run.unjoined = len(fits)
        return run
    cells, joined = fits[0]
    return Run(run.labels, cells, run.line, placed=run.placed, by_position=run.by_position, joined=joined)


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
            # the best of: skip a run, skip a slot, match them (on a tie, the first of these)
            value, step = (best[i - 1][j], "skip_run") if i > 0 else (float("-inf"), "")
            if j > 0 and best[i][j - 1] > value:
                value, step = best[i][j - 1], "skip_slot"
            if i > 0 and j > 0:
                s = score(i - 1, j - 1)
                if s > 0 and best[i - 1][j - 1] + s > value:
                    value, step = best[i - 1][j - 1] + s, "match"
            best[i][j], move[i][j] = value, step
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
