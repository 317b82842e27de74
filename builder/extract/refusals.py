"""Files that hold the template's tables and are still not one report, each refused with what it is
(rather than the first check it fails, such as a title without a year):

- a comparison of two reports (two years' tables side by side, under columns headed by their years), or
  two reports in one file (two titles of different years, each report's section 三): "holds two
  reports' years";
- a blank template: the template's tables without a single number (nor a cell a reader could not read).
"""
from __future__ import annotations

import re
from typing import Sequence

from .cells import NUM, UNREAD_MARK, Line
from ..record.template import SECTIONS

# a year as a title prints it (2023年, 2023年度), not a date's (2024年1月)
_YEAR = re.compile(r"(20\d{2})\s*年(?!\s*\d{1,2}\s*月)")
# two years a title names together (2022年、2023年, 2022和2023年, 2022—2023年)
_YEARS = re.compile(r"(20\d{2})\s*年?度?\s*(?:[、,，和与及至到~\-—–]|以及)\s*(20\d{2})\s*年")
# a report's title: a year, then (within a few characters) 政府信息公开…报告 or 年报
_TITLE = re.compile(r"20\d{2}\s*年.{0,24}?(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
_TITLE_CHARS = 60                                    # a longer line is prose, not a title
_YEAR_CELL = re.compile(r"^(20\d{2})\s*年?度?$")     # a column headed by a year alone
_APPLICATIONS = next(s for s in SECTIONS if s.key == "applications")
_TABLE_SECTIONS = ("article20", "applications", "review_litigation")


def _two_years(lines: Sequence[Line]) -> tuple[int, int] | None:
    """The first two years of two reports the text holds, or None: columns of a table headed by two
    years (a comparison side by side), a title naming two years together (2022年、2023年…报告), or two
    titles of different years each with its report's section 三."""
    titles: list[int] = []
    for line in lines:
        if line.multi:
            years = sorted({int(m.group(1)) for c in line.cells if (m := _YEAR_CELL.match(c.text.strip()))})
            if len(years) >= 2:
                return years[0], years[1]
            continue
        text = line.compact
        if len(text) > _TITLE_CHARS or not _TITLE.search(text):
            continue
        joined = _YEARS.search(text)
        if joined and joined.group(1) != joined.group(2):
            return tuple(sorted((int(joined.group(1)), int(joined.group(2)))))
        titles += {int(y) for y in _YEAR.findall(text)}
    distinct = sorted(set(titles))
    if len(distinct) >= 2 and sum(1 for ln in lines if re.match(_APPLICATIONS.pattern, ln.compact)) >= 2:
        return distinct[0], distinct[1]
    return None


def _blank_template(lines: Sequence[Line], sections: dict[str, int], applications: tuple[int, int]) -> bool:
    """Whether the template's tables (from section 二, 三 or 四, whichever comes first, to section 五 or
    六) hold no number and no cell a reader could not read: a blank template."""
    start = min([sections[k] for k in _TABLE_SECTIONS if k in sections] + [applications[0]])
    end = min([v for k, v in sections.items() if k in ("problems", "other_matters") and v > start], default=len(lines))
    return not any(c.kind == NUM or c.text.strip() == UNREAD_MARK for line in lines[start:end] for c in line.cells)


def not_one_report(lines: Sequence[Line], sections: dict[str, int], applications: tuple[int, int]) -> str | None:
    """Why a text that holds the template's tables (section 三 at `applications`, a range of line
    indexes) is not one report, or None: two reports' years, or a blank template."""
    years = _two_years(lines)
    if years:
        return f"holds two reports' years ({years[0]}, {years[1]}): one report a file"
    if _blank_template(lines, sections, applications):
        return "the template's tables with no numbers: a blank template, not a report"
    return None
