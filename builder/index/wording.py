"""Findings in plain Chinese for the site, from their rule and cell path (user-facing text)."""
from __future__ import annotations

import re

from .flags import JUMP_FACTOR
from ..record.models import Finding
from ..record.template import (APPLICATION_COLUMNS, APPLICATION_ROWS, ARTICLE20_ITEMS, ARTICLE20_ITEMS_2019,
                               OTHER_UNDIVIDED, REVIEW_COLUMNS, REVIEW_ROWS)

_ROWS = {r.path: r for r in APPLICATION_ROWS + (OTHER_UNDIVIDED,) + REVIEW_ROWS}
_SECTIONS = {"article20": "第二部分“主动公开政府信息情况”",
             "applications": "第三部分“收到和处理政府信息公开申请情况”",
             "review_litigation": "第四部分“政府信息公开行政复议、行政诉讼情况”"}


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def cell_name(path: str | None) -> str:
    """'applications.new[0]' → '一、本年新收政府信息公开申请数量 · 自然人'."""
    if not path:
        return ""
    m = re.match(r"^(.*)\[(\d+)\]$", path)
    base, index = (m.group(1), int(m.group(2))) if m else (path, None)
    if base in _ROWS:
        row = _ROWS[base]
        # a row of a group is named with its group (（三）不予公开 · 1.属于国家秘密), unless its label says it
        grouped = row.group and not row.group.startswith("三、") and not row.label.startswith(row.group)
        label = f"{row.group} · {row.label}" if grouped else row.label
        if base.startswith("review_litigation"):
            cols = REVIEW_COLUMNS
        else:
            cols = APPLICATION_COLUMNS
        return label if index is None else f"{label} · {cols[index]}"
    for item in ARTICLE20_ITEMS + ARTICLE20_ITEMS_2019:  # a cell both editions print: the 2021 edition's words
        for cell_path, (_, column) in zip(item.paths, item.columns):
            if path == cell_path:
                return f"{item.label} · {column}"
        if path == item.path:
            return item.label
    return _SECTIONS.get(base, path)


def column_name(path: str | None) -> str:
    m = re.match(r"^.*\[(\d+)\]$", path or "")
    if not m:
        return ""
    cols = REVIEW_COLUMNS if (path or "").startswith("review_litigation") else APPLICATION_COLUMNS
    return cols[int(m.group(1))]


def describe(f: Finding) -> str:
    """One finding as a sentence in Chinese."""
    printed, expected = _num(f.printed), _num(f.expected)
    where = cell_name(f.path)
    col = column_name(f.path)
    row = cell_name(re.sub(r"\[\d+\]$", "", f.path or ""))
    texts = {
        "applications.row_total": f"{row}：六类申请人之和为 {expected}，但“总计”印为 {printed}。",
        "applications.outcomes_total": f"“{col}”列：各项办理结果之和为 {expected}，但“（七）总计”印为 {printed}。",
        "applications.balance": f"“{col}”列：本年新收加上年结转为 {expected}，但办理结果总计加结转下年度为 {printed}。",
        "review_litigation.row_total": f"{row}：结果维持、结果纠正、其他结果、尚未审结之和为 {expected}，但“总计”印为 {printed}。",
        "across_years.carry": f"“{col}”列：上年结转印为 {printed}，但上一年度报告的“结转下年度继续办理”为 {expected}。",
        "across_years.in_force": f"{where}印为 {printed}；按上一年度的现行有效件数加本年制发、减本年废止，应为 {expected}。",
        "across_years.jump": f"{where}印为 {printed}，上一年度为 {expected}，变化超过 {JUMP_FACTOR} 倍：请核对原文（核对发现，不影响得分）。",
        "review.narrative": f"正文写明的数字为 {printed}，但表格中"
                            f"{'两类行政诉讼（未经复议直接起诉、复议后起诉）总计之和' if (f.path or '').startswith('review_litigation.litigation') else where}"
                            f"为 {expected}：请核对原文（核对发现，不影响得分）。",
        "inference.conflict": f"{where}：空白；表内各项勾稽关系推算出的值互相矛盾，因此不作推算。",
        "inference.impossible": f"{where}：空白；按印发的合计推算将得到 {expected}，不是有效的件数，因此不作推算。",
        "extract.row_layout": f"{where or row}：无法确定各个数字分别属于哪一列，列为未能识别而不猜测。",
        "extract.row_missing": f"未找到“{where or row}”这一行。",
        "extract.unplaced_row": "报告中有一行数字无法确定地对应到模板的任何一行，未采用。",
        "extract.not_a_number": f"{where}：单元格印的不是数字。",
        "extract.not_a_count": f"{where}：印的 {printed} 不是整数。",
        "extract.too_large": f"{where}：印的数字超出记录与下载数据所能容纳的最大整数（2⁶³−1），列为未能识别。",
        "extract.marker_dropped": f"{where}：数字后印有注释标记，不计入数字，读作 {printed}。",
        "extract.url_refused": "源文件给出的原文地址含有控制字符或不可见字符（例如改变文字方向的字符），显示的地址可能与实际打开的不同，未予采用。",
        "extract.section_missing": f"未找到{_SECTIONS.get(f.path or '', '相应部分')}的数字。",
        "extract.source_replaced": "源文件已更换并重新提取；人工更正过的单元格保持不变。",
        "extract.hand_edit_conflict": f"{where or f.path}：记录经人工修改后，源文件或提取程序又有变化，无法分辨哪些是人工更正；"
                                      "记录保持人工修改后的原样，待维护者确认。",
        "extract.illegible": f"{where or row}：单元格无法辨认，列为未能识别。",
        "extract.placement_contradicted": f"{row}：各数字只能按位置推断所在列，而本行的“总计”与这种排列矛盾，"
                                          "整行列为未能识别，不予猜测。",
        "extract.columns_contradicted": f"{_SECTIONS.get(f.path or '', '本表')}：多数行与本行“总计”不符，像是各列整体错位读取，"
                                        "整张表列为未能识别，不发布错位的数字。",
        "extract.other_edition": "第三部分的“（六）其他处理”按另一版格式印制（2019 年版为一行，2021 年版分为三项），"
                                 "与第二部分所用的版本不同：按原样采用所印的行，并按该版的勾稽关系核对；另一种印法的行不适用。",
        "extract.row_not_printed": f"表中没有“{where or row}”这一行（既无行名也无数字），而表中其他各行俱在："
                                   "这一行的单元格按原样为空白，并非未能识别。",
        "extract.pieces_joined": f"{where}：报告中这个数字被拆成几段印出（本行的数字多于列数），拼接后为 {expected}；"
                                 "只有这一种拼接能使本行与其“总计”相符，列为推算。",
        "extract.pieces_unjoined": f"{where or row}：本行的数字多于列数，像是某个数字被拆成几段印出；"
                                   f"{'没有任何' if '; no way' in f.message else '不止一种'}拼接方式能使本行与其“总计”相符，"
                                   "整行列为未能识别，不予猜测。",
        "reports.duplicate": "同一机关同一年度有不止一份报告文件（例如修订版与原版并存）：请维护者保留其一；在此之前两份都不发布。",
        "read.damaged_text": "这一部分的文字有无法解码的字节（显示为 �），其余内容照常读取。",
        "read.page_turned": f"{f.message}（页面已转正后读取）",
        "extract.unreadable": "源文件无法自动提取，本记录由维护者人工录入。",
        "correction.extracted": f"{where or f.path}：维护者人工更正；自动提取{as_extracted(f)}。",
    }
    return texts.get(f.rule, f.message)


_EXTRACTED = {"printed": "读作 {}", "inferred": "推算为 {}", "blank": "时为空白", "unread": "时未能识别",
              "not_applicable": "时标为不适用"}


def _extraction(f: Finding) -> tuple[str, str]:
    status, _, value = f.message.removeprefix("extraction reads ").partition(": ")
    return status, (_num(f.printed) if f.printed is not None else value)


def as_extracted(f: Finding) -> str:
    """What extraction reads in a corrected cell, from a `correction.extracted` finding: 读作 10,
    时为空白, 时未能识别, ..."""
    status, shown = _extraction(f)
    return _EXTRACTED.get(status, "读作 {}").format(shown)


def extracted_value(f: Finding) -> str:
    """The same, short, for beside the corrected number: 10, 空白, 未能识别, 不适用."""
    status, shown = _extraction(f)
    return {"blank": "空白", "unread": "未能识别", "not_applicable": "不适用"}.get(status, shown)


SEVERITY = {"error": "错误", "warning": "核对问题", "info": "说明"}
