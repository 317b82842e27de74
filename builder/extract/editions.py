"""Which edition of the template a report follows, if any: the 2021 edition (国办公开办函〔2021〕30号), the
2019 edition (国办公开办函〔2019〕60号, used for the 2019 and 2020 reports and by some bodies later), or the
free form of the reports before 2019 (numbers in prose), which the builder does not read.
"""
from __future__ import annotations

import re
from typing import Sequence

from .cells import NA, NUM, Line
from ..record.models import Finding

# the column headers of table 二 that only one edition prints
HEADERS_2021 = (r"本年制发", r"本年废止", r"现行有效", r"本年处理决定", r"收费金额")
HEADERS_2019 = (r"本年新制作", r"本年新公开", r"对外公开总数", r"上一年项目数", r"本年增/?减", r"采购项目数",
                r"采购总金额", r"其他对外管理服务", r"集中采购")

PRE_2019 = ("pre-2019 free-form report: not in a template edition the builder reads (the tables of the "
            "2019 and 2021 editions are not there; its numbers are in prose)")


def free_form(lines: Sequence[Line], year: int | None) -> bool:
    """Whether the text is an annual disclosure report in the free form used before the 2019 template: it
    names itself such a report, and has none of the template's tables (no 本年新收 row of table 三, no
    第二十条 items) while its year is before 2019 or it is laid out as those reports were (概述, 依申请公开)."""
    text = "".join(ln.compact for ln in lines[:400])
    if not (re.search(r"信息公开", text) and re.search(r"年度?报告|工作报告", text)):
        return False
    if any(re.search(r"本年新收|第二十条第", ln.compact) for ln in lines):
        return False
    old_layout = re.search(r"^[一二三四五六][、.．]?(概述|依申请公开)", "\n".join(ln.compact for ln in lines), re.M)
    return (year is not None and year < 2019) or old_layout is not None


def _one_row_of_other(lines: Sequence[Line]) -> bool:
    """Whether table 三 prints one row of numbers under （六）其他处理: at most 7 values between that label and
    （七）总计 (the 2021 edition prints three rows there: 21 values, even where a converter lost their labels)."""
    start = next((k for k, ln in enumerate(lines) if re.search(r"其他处理", ln.compact)), None)
    if start is None:
        return False
    end = next((k for k in range(start + 1, len(lines)) if re.search(r"总[计记]|合计", lines[k].compact)), None)
    if end is None:
        return False
    values = sum(c.kind in (NUM, NA) for ln in lines[start:end] for c in ln.cells)
    return 0 < values <= 7


def _other_rows(applications: Sequence[Line]) -> str | None:
    """The edition whose （六）其他处理 table 三 prints: "2021" for its three sub-rows (逾期不补正, 收费通知),
    "2019" for one row of numbers under the label; None where it does not say."""
    three = "".join(ln.compact for ln in applications)
    if re.search(r"不补正|收费通知|缴纳费用", three):
        return "2021"
    return "2019" if _one_row_of_other(applications) else None


def edition(article20: Sequence[Line], applications: Sequence[Line]) -> str:
    """The template edition a report follows: "2019" where its table 二 prints the 2019 edition's columns
    (本年新制作数量, 上一年项目数量, 本年增/减, 采购项目数量 …) rather than the 2021 edition's (本年制发件数,
    本年处理决定数量, 本年收费金额 …); where table 二 does not say, "2019" when table 三 prints （六）其他处理
    as one row of numbers, without the 2021 edition's three sub-rows (逾期不补正, 收费通知). Else "2021"."""
    two = "".join(ln.compact for ln in article20)
    score = sum(bool(re.search(h, two)) for h in HEADERS_2019) - sum(bool(re.search(h, two)) for h in HEADERS_2021)
    if score:
        return "2019" if score > 0 else "2021"
    return "2019" if _other_rows(applications) == "2019" else "2021"


def applications_edition(applications: Sequence[Line], template: str, findings: list[Finding]) -> str:
    """The edition table 三 follows (models.Record.applications_edition): the one whose （六）其他处理 it
    prints, one row (2019) or three (2021), which may differ from its table 二's (`template`): a 2021 table 二
    above the 2019 edition's one row, or a 2019 table 二 above the 2021 edition's three. The rows it prints are
    kept as printed, with the arithmetic of their edition, and a finding (info) says so."""
    printed = _other_rows(applications) or template
    if printed != template:
        one = "one row, as the 2019 edition does" if printed == "2019" else "three rows, as the 2021 edition does"
        findings.append(Finding(
            rule="extract.other_edition", severity="info",
            path="applications.outcomes.other" + (".undivided" if printed == "2019" else ""),
            message=f"table 二 follows the {template} edition of the template and table 三 prints （六）其他处理 "
                    f"in {one}: kept as printed, with that edition's arithmetic; the other shape of the row is "
                    "not applicable"))
    return printed
