"""Stage 4: the template's own arithmetic (勾稽关系), as equations over record cells.

The same equations serve validation (a printed imbalance becomes a finding, never a
correction) and inference (one blank cell that an equation determines is filled in).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from .characters import name_key
from .models import Finding, Record, iter_cells
from .template import APPLICATION_COLUMNS, EDITIONS, REVIEW_ROWS


@dataclass(frozen=True)
class Equation:
    """sum(lhs) == sum(rhs), over cell paths."""

    rule: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    where: str  # what the equation is about, for messages

    @property
    def paths(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@lru_cache(maxsize=None)
def equations(template: str = "2021") -> tuple[Equation, ...]:
    """The arithmetic of a template edition's tables 三 and 四 (the same in both editions, over the rows each
    prints: the 2019 edition's （七）总计 adds up its one （六）其他处理 row, the 2021 edition's its three)."""
    rows = EDITIONS[template].applications
    outcome_rows = [r for r in rows if r.path.startswith("applications.outcomes.") and not r.path.endswith(".total")]
    eqs = []
    for row in rows:
        eqs.append(Equation("applications.row_total", tuple(f"{row.path}[{c}]" for c in range(6)),
                            (f"{row.path}[6]",), f"row {row.label}: the six applicant columns add up to 总计"))
    for c, col in enumerate(APPLICATION_COLUMNS):
        eqs.append(Equation("applications.outcomes_total", tuple(f"{r.path}[{c}]" for r in outcome_rows),
                            (f"applications.outcomes.total[{c}]",),
                            f"column {col}: the outcome rows add up to （七）总计"))
        eqs.append(Equation("applications.balance",
                            (f"applications.new[{c}]", f"applications.carried_over[{c}]"),
                            (f"applications.outcomes.total[{c}]", f"applications.carried_forward[{c}]"),
                            f"column {col}: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度"))
    for row in REVIEW_ROWS:
        eqs.append(Equation("review_litigation.row_total", tuple(f"{row.path}[{c}]" for c in range(4)),
                            (f"{row.path}[4]",), f"{row.label}: the four results add up to 总计"))
    return tuple(eqs)


EQUATIONS: tuple[Equation, ...] = equations("2021")  # the 2021 edition's: see `equations` for a record's own


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


DATED_WITHIN_YEARS = 3  # a report on year Y is dated from 1 January of Y to 31 December of Y + 3


def date_problem(year: int, date: dt.date | None, what: str) -> str | None:
    """Why `date` cannot be a date of the report on `year` (printed, or posted by its publisher), or None:
    before the year it reports on began, or more than DATED_WITHIN_YEARS years after it ended (条例第四十九条
    asks for the report by 31 January or 31 March of Y + 1; what extraction reads and registries list
    lies within these years). The one rule for records and registries."""
    if date is None:
        return None
    if date < dt.date(year, 1, 1):
        return f"{what} {date} is before the year it reports on ({year}) began"
    if date > dt.date(year + DATED_WITHIN_YEARS, 12, 31):
        return f"{what} {date} is more than {DATED_WITHIN_YEARS} years after the year it reports on ({year})"
    return None


def check_record(record: Record) -> list[Finding]:
    """Every equation whose cells are all present and that does not balance (warnings), and a date the
    record gives that cannot be the report's (date_problem: an error)."""
    findings = [Finding(rule="record.date_out_of_range", severity="error", path=path, message=problem)
                for path, what in (("source.published_on", "published_on"), ("source.posted_on", "posted_on"))
                if (problem := date_problem(record.year, getattr(record.source, path.split(".")[1]), what))]
    cells = dict(iter_cells(record))
    for eq in equations(record.applications_edition):  # the arithmetic of the rows its table 三 prints
        values = [cells[p] for p in eq.paths]
        if any(v is None for v in values):
            continue
        left = sum(values[:len(eq.lhs)])
        right = sum(values[len(eq.lhs):])
        if left != right:
            # reported at the (first) total cell: printed there, versus what the parts add up to
            findings.append(Finding(
                rule=eq.rule, severity="warning", path=eq.rhs[0], printed=_num(right), expected=_num(left),
                message=f"{eq.where}: printed {_num(right)}, the parts give {_num(left)}"))
    return findings


def _consecutive(records: Iterable[Record]) -> list[tuple[Record, Record]]:
    by_agency: dict[str, dict[int, Record]] = {}
    for r in records:
        by_agency.setdefault(name_key(r.agency), {})[r.year] = r  # one body under any spelling of its name
    pairs = []
    for years in by_agency.values():
        for y in sorted(years):
            if y + 1 in years:
                pairs.append((years[y], years[y + 1]))
    return pairs


def check_across_years(records: Sequence[Record]) -> list[tuple[Record, Finding]]:
    """Year N's 结转下年度 is year N+1's 上年结转; 现行有效件数 moves by what was issued and repealed.

    Each finding is attached to the later year's record."""
    out = []
    for prev, cur in _consecutive(records):
        for c, col in enumerate(APPLICATION_COLUMNS):
            before, now = prev.applications.carried_forward[c], cur.applications.carried_over[c]
            if before is not None and now is not None and before != now:
                out.append((cur, Finding(
                    rule="across_years.carry", severity="warning", path=f"applications.carried_over[{c}]",
                    printed=now, expected=before,
                    message=f"column {col}: 上年结转 {now} in {cur.year}, but {prev.year} carried forward {before}")))
        for kind, name in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
            p, n = getattr(prev.article20, kind), getattr(cur.article20, kind)
            if None in (p.in_force, n.in_force, n.issued, n.repealed):
                continue
            expected = p.in_force + n.issued - n.repealed
            if n.in_force != expected:
                out.append((cur, Finding(
                    rule="across_years.in_force", severity="warning", path=f"article20.{kind}.in_force",
                    printed=n.in_force, expected=expected,
                    message=f"{name}: 现行有效 {n.in_force} in {cur.year}, but {p.in_force} in {prev.year} "
                            f"+ {n.issued} issued − {n.repealed} repealed = {expected}")))
    return out
