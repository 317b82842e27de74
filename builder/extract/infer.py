"""Inference: fill a blank cell only where the template's arithmetic determines it.

A cell is filled when it is the one blank of an equation, every equation that
determines it gives the same value, and that value is a count (a whole number ≥ 0, at most MAX_COUNT).
Its path goes under `inferred`. Anything else stays blank: a blank is never a 0. A cell listed
under `unread` or `not_applicable` is never filled (an unreadable cell is not a blank one).
"""
from __future__ import annotations

from ..record.checks import equations
from ..record.models import MAX_COUNT, Finding, Record, iter_cells, set_path


def infer(record: Record) -> list[Finding]:
    """Fill what the arithmetic determines, in place; findings for blanks it cannot fill safely."""
    findings: list[Finding] = []
    refused: set[str] = set()
    cells = dict(iter_cells(record))
    # an unread cell is not a blank one, nor is a cell not applicable: the arithmetic never fills them
    refused.update(record.unread, record.not_applicable)
    while True:
        candidates: dict[str, set[float]] = {}
        for eq in equations(record.applications_edition):
            values = {p: cells[p] for p in eq.paths}
            blanks = [p for p, v in values.items() if v is None]
            if len(blanks) != 1 or blanks[0] in refused:
                continue
            blank = blanks[0]
            left = sum(v for p, v in values.items() if p in eq.lhs and v is not None)
            right = sum(v for p, v in values.items() if p in eq.rhs and v is not None)
            candidates.setdefault(blank, set()).add(right - left if blank in eq.lhs else left - right)
        filled = False
        for path, options in sorted(candidates.items()):
            value = next(iter(options))
            if len(options) > 1:
                refused.add(path)
                findings.append(Finding(
                    rule="inference.conflict", severity="warning", path=path,
                    message=f"blank cell: the table's equations give different values "
                            f"({', '.join(str(int(o)) for o in sorted(options))}); left blank"))
            elif value < 0 or value != int(value) or value > MAX_COUNT:
                refused.add(path)
                findings.append(Finding(
                    rule="inference.impossible", severity="warning", path=path, expected=value,
                    message=f"blank cell: the printed totals would make it {value}, not a count"
                            + (f" a record holds (at most {MAX_COUNT})" if value > MAX_COUNT else "")
                            + "; left blank"))
            else:
                set_path(record, path, int(value))
                cells[path] = int(value)
                record.inferred.append(path)
                filled = True
        if not filled:
            return findings
