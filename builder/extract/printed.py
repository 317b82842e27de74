"""Rows a table prints, and rows it does not: a row printed with its cells and no number in them is found
(blank, or unread where its cells hold marks no reader could read); a row whose label the table does not
print at all, its other rows found (and, in table 三, its arithmetic holding without it), is not printed:
its cells are blank, said in a finding (info); a row whose label is printed and whose numbers are not found
may have printed numbers: unread.
"""
from __future__ import annotations

from typing import Sequence

from .cells import TEXT, Line
from .rows import Run, label_matches, strip_numbering
from ..record.models import Finding, Record, iter_cells


def labelled_runs(runs: list[Run], slots: Sequence, groups: Sequence[str] = ()) -> list[Run]:
    """The runs but the rows printed without a number (Run.empty) whose label names no row of the table
    (a group's heading padded with empty cells): those carry their label to the next run, as before."""
    out, carry = [], []
    for run in runs:
        if run.empty and not label_matches(run.labels, slots, groups):
            carry += run.labels
            continue
        run.labels[:0], carry = carry, []
        out.append(run)
    return out


def named(lines: Sequence[Line], slot) -> bool:
    """Whether a table's lines print a row's label (a cell, a line, or the words across its lines): a row
    whose label is there and whose numbers were not found may have printed numbers (unread); one whose
    label is nowhere is a row the table does not print."""
    if any(slot.matches(strip_numbering(c.text)) for ln in lines for c in ln.cells if c.kind == TEXT):
        return True
    return slot.matches(strip_numbering("".join(ln.compact for ln in lines)))


def not_printed(where: str, slot, findings: list[Finding]) -> None:
    """Say in a finding (info) that the table prints no row `slot`: its cells are blank as printed."""
    findings.append(Finding(rule="extract.row_not_printed", severity="info", path=slot.path,
                            message=f"{where}: the table prints no row {slot.label} (no label, no numbers), its "
                                    "other rows found: its cells are blank, as printed"))


def balanced_without(record: Record, row, edition: str) -> bool:
    """Whether every equation of table 三 through a row's cells (its own row total aside: the column totals,
    本年新收 + 上年结转 = 办理结果总计 + 结转下年度) holds with every other cell printed, the row left out: a row the
    table does not print took nothing from them."""
    from ..record.checks import equations

    cells = dict(iter_cells(record))
    mine = {f"{row.path}[{k}]" for k in range(7)}
    for eq in equations(edition):
        if eq.rule == "applications.row_total" or not mine & set(eq.paths):
            continue
        lhs = [cells[p] for p in eq.lhs if p not in mine]
        rhs = [cells[p] for p in eq.rhs if p not in mine]
        if None in lhs + rhs or sum(lhs) != sum(rhs):
            return False
    return True
