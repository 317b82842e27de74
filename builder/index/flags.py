"""Review flags: findings that ask a reader or maintainer to look again, never scores. A figure that
moves by more than JUMP_FACTOR from the body's previous year, and a number the narrative states for
the same quantity as a table cell (收到申请 N 件, 行政复议 N 件, 行政诉讼 N 件) that differs from the table.

The rules (JUMP_RULE, NARRATIVE_RULE) are printed on the methodology page. The findings are warnings,
shown on the report page; they change no number of the record and no score.
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

from ..record.checks import _consecutive
from ..record.models import Finding, Record, get_path

JUMP_FACTOR = 5   # a figure this many times larger or smaller than the previous year's is flagged ...
JUMP_FLOOR = 20   # ... when the larger of the two is at least this (1 → 6 is not worth a look)
JUMP_FIGURES = (
    ("applications.new[6]", "本年新收政府信息公开申请（总计）"),
    ("applications.outcomes.total[6]", "办理结果总计"),
    ("applications.outcomes.disclosed[6]", "予以公开（总计）"),
    ("review_litigation.review[4]", "行政复议总计"),
    ("review_litigation.litigation_direct[4]", "未经复议直接起诉总计"),
    ("review_litigation.litigation_after_review[4]", "复议后起诉总计"),
    ("article20.licensing", "行政许可处理决定数"),
    ("article20.punishment", "行政处罚处理决定数"),
)
JUMP_RULE = (f"跨年度变化：同一机关相邻两个年度的同一数字（{'、'.join(n for _, n in JUMP_FIGURES)}），较大者至少 "
             f"{JUMP_FLOOR}，且是较小者的 {JUMP_FACTOR} 倍以上（或上一年为 0）时，列为核对发现，请读者核对原文。")

_GAP = r"[^。；;，,、\d]{0,8}?"
# (what, the table's cells that hold it, patterns whose first group is the narrative's number)
NARRATIVE_FIGURES: tuple[tuple[str, tuple[str, ...], tuple[re.Pattern, ...]], ...] = (
    ("收到申请", ("applications.new[6]",), (
        re.compile(r"(?:新|共|共计)?收到" + _GAP + r"(?:政府信息公开|信息公开)?申请" + _GAP + r"(\d+)\s*[件条个份]"),
        re.compile(r"收到" + _GAP + r"(\d+)\s*[件条个份]" + r"[^。；;，,\d]{0,4}?(?:政府信息公开|信息公开)?申请"),
        re.compile(r"收到\s*(\d+)\s*件政府信息公开"))),
    ("行政复议", ("review_litigation.review[4]",), (
        re.compile(r"行政复议" + _GAP + r"(\d+)\s*[件起宗个]"),)),
    ("行政诉讼", ("review_litigation.litigation_direct[4]", "review_litigation.litigation_after_review[4]"), (
        re.compile(r"行政诉讼" + _GAP + r"(\d+)\s*[件起宗个]"),)),
)
NARRATIVE_RULE = ("正文与表格：报告正文写明的数字（“收到申请 N 件”对应本年新收申请总计，“行政复议 N 件”对应行政复议总计，"
                  "“行政诉讼 N 件”对应两类行政诉讼总计之和）与表格不一致、且正文中同一数量没有任何一处与表格相符时，"
                  "列为核对发现。")


def _stated(text: str, patterns: Sequence[re.Pattern]) -> list[int]:
    out = []
    for pattern in patterns:
        out += [(m.start(), int(m.group(1))) for m in pattern.finditer(text) if len(m.group(1)) <= 9]
    return [n for _, n in sorted(set(out))]


def check_narrative(record: Record) -> list[Finding]:
    """A warning for each quantity the narrative states only with numbers the table does not hold."""
    text = "\n".join(t for t in (record.narrative.overview, record.narrative.problems,
                                 record.narrative.other_matters) if t)
    out = []
    for what, paths, patterns in NARRATIVE_FIGURES:
        cells = [get_path(record, p) for p in paths]
        if not text or any(c is None for c in cells):
            continue
        table = sum(cells)
        stated = _stated(text, patterns)
        if stated and table not in stated:
            out.append(Finding(rule="review.narrative", severity="warning", path=paths[0], printed=stated[0],
                               expected=table, message=f"the narrative states {what} {stated[0]}, the table "
                                                       f"{' + '.join(paths)} holds {table}"))
    return out


def _jump(before: Optional[float], now: Optional[float]) -> bool:
    if before is None or now is None or max(before, now) < JUMP_FLOOR:
        return False
    return min(before, now) == 0 or max(before, now) > JUMP_FACTOR * min(before, now)


def check_jumps(records: Sequence[Record]) -> list[tuple[Record, Finding]]:
    """A warning on the later year's record for each figure of JUMP_FIGURES that moved by more than
    JUMP_FACTOR from the body's previous year (both printed, the larger at least JUMP_FLOOR)."""
    out = []
    for prev, cur in _consecutive(records):
        for path, name in JUMP_FIGURES:
            before, now = get_path(prev, path), get_path(cur, path)
            if _jump(before, now):
                out.append((cur, Finding(
                    rule="across_years.jump", severity="warning", path=path, printed=now, expected=before,
                    message=f"{name}: {now} in {cur.year}, {before} in {prev.year} (more than {JUMP_FACTOR}x)")))
    return out
