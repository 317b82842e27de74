"""Render a record as report text in the layouts that real exports produce.

The seeds cover tab rows, one cell per line, flattened HTML and OCR; these layouts
cover what the seeds do not: `pdftotext -layout` columns (labels wrapped over lines,
a page footer and a repeated header inside section 三, blank cells as spaces) and the
pipe tables of PDF-to-Markdown converters. Options misprint or drop labels, leave
columns blank, use generic column headers and collapse rows as the older template did.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from builder.record.models import Record, get_path
from builder.record.template import APPLICATION_COLUMNS, APPLICATION_ROWS, ARTICLE20_ITEMS, REVIEW_COLUMNS, REVIEW_ROWS


@dataclass
class Options:
    blank_columns: tuple[int, ...] = ()          # section 三 columns printed blank in every row
    drop_labels: tuple[str, ...] = ()            # row paths printed without their label
    misprint: dict[str, str] = field(default_factory=dict)  # row path → label printed instead
    generic_headers: bool = False                # 列1, 列2 … instead of the template's headers
    footer: bool = True                          # a page break (footer + header) inside section 三
    collapse_other: bool = False                 # （六）其他处理 as one row, as in the older template
    date_line: str | None = None                 # a signature date after section 六


def _cell(v) -> str:
    return "" if v is None else str(v)


def _label(row, opts: Options) -> str:
    if row.path in opts.drop_labels:
        return ""
    return opts.misprint.get(row.path, row.label)


def _rows(record: Record, opts: Options):
    """(group label, row label, seven cells) in print order."""
    out = []
    other_done = False
    for row in APPLICATION_ROWS:
        values = list(get_path(record, row.path))
        if opts.collapse_other and ".other." in row.path:
            if other_done:
                continue
            other_done = True
            parts = [get_path(record, r.path) for r in APPLICATION_ROWS if ".other." in r.path]
            values = [sum(p[c] or 0 for p in parts) for c in range(7)]
            out.append(("", "（六）其他处理", values, row.path))
            continue
        for c in range(7):  # blank what was blank in the original, and the blanked columns
            if c in opts.blank_columns or f"{row.path}[{c}]" in record.inferred:
                values[c] = None
        out.append((row.group, _label(row, opts), values, row.path))
    return out


def _date_line(record: Record, opts: Options) -> str | None:
    d = record.source.published_on
    return opts.date_line or (d and f"{d.year}年{d.month}月{d.day}日")


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def _pad(text: str, width: int) -> str:
    # CJK characters take one character cell in pdftotext output, as ASCII does
    return text + " " * max(1, width - len(text))


def _narrative(record: Record) -> tuple[str, str, str]:
    n = record.narrative
    return n.overview or "", n.problems or "", n.other_matters or ""


def _article20_lines(record: Record, sep: str, generic: bool) -> list[list[str]]:
    rows = []
    last_item = None
    for item in ARTICLE20_ITEMS:
        if item.item != last_item:
            rows.append([item.item])
            rows.append(["信息内容"] + [label for _, label in item.columns])
            last_item = item.item
        cells = [item.label]
        for fld, _ in item.columns:
            cells.append(_cell(get_path(record, f"{item.path}.{fld}" if fld else item.path)))
        rows.append(cells)
    return rows


def pdftotext_layout(record: Record, opts: Options | None = None) -> str:
    """Text as `pdftotext -layout` prints a PDF of the report: columns padded with spaces."""
    opts = opts or Options()
    overview, problems, other = _narrative(record)
    lines = [f"        {record.agency}{record.year}年政府信息公开工作年度报告", ""]
    lines += ["一、总体情况", ""] + [f"    {p}" for p in overview.split("\n")] + [""]
    lines += ["二、主动公开政府信息情况", ""]
    for cells in _article20_lines(record, "", opts.generic_headers):
        lines.append("  " + "".join(_pad(c, 18) for c in cells).rstrip())
    lines += ["", "三、收到和处理政府信息公开申请情况", ""]
    heads = [f"列{k}" for k in range(1, 8)] if opts.generic_headers else [
        "自然人", "商业", "科研", "社会公益", "法律服务", "其他", "总计"]
    # the label area is 38 characters wide, then a column every 9 characters, as in the rows
    lines.append(" " * 70 + "申请人情况")
    lines.append("  " + _pad("（本列数据的勾稽关系为：第一项加", 38) + " " * 14 + "法人或其他组织")
    lines.append("  " + _pad("第二项之和，等于第三项加第四项之", 38) + "".join(f"{h:>9}" for h in heads))
    if not opts.generic_headers:
        lines.append("  " + _pad("和）", 38) + " " * 9 + "".join(f"{h:>9}" for h in ("企业", "机构", "组织", "机构")))
    printed_group = set()
    for k, (group, label, values, path) in enumerate(_rows(record, opts)):
        if opts.footer and k == 13:
            lines += ["", "", " " * 44 + "3", "\f" + " " * 20 + f"{record.agency}政府信息公开工作年度报告", ""]
        pieces = _wrap(label, 12)
        g = ""
        if group and group not in printed_group and not group.startswith("三、"):
            printed_group.add(group)
            g = group
        nums = "".join(f"{_cell(v):>9}" for v in values)
        mid = len(pieces) // 2
        for i, piece in enumerate(pieces):
            left = _pad(g if i == mid else "", 12) + _pad(piece, 26)
            lines.append("  " + (left + nums if i == mid else left).rstrip())
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况", ""]
    lines.append("          行政复议" + " " * 30 + "行政诉讼")
    lines.append(" " * 50 + "未经复议直接起诉" + " " * 30 + "复议后起诉")
    lines.append("  " + "".join(f"{h:>8}" for h in REVIEW_COLUMNS * 3))
    values = [v for row in REVIEW_ROWS for v in get_path(record, row.path)]
    lines.append("  " + "".join(f"{_cell(v):>8}" for v in values))
    lines += ["", "五、存在的主要问题及改进情况", ""] + [f"    {p}" for p in problems.split("\n")]
    lines += ["", "六、其他需要报告的事项", "", f"    {other}", ""]
    if _date_line(record, opts):
        lines += [" " * 40 + record.agency, " " * 40 + _date_line(record, opts)]
    return "\n".join(lines) + "\n"


def markdown_tables(record: Record, opts: Options | None = None) -> str:
    """Text as a PDF-to-Markdown converter prints the report: headings and pipe tables."""
    opts = opts or Options()
    overview, problems, other = _narrative(record)

    def row(cells):
        return "| " + " | ".join(cells) + " |"

    out = [f"# {record.agency}", "", f"## {record.year}年政府信息公开工作年度报告", "",
           "## 一、总体情况", "", overview, "", "## 二、主动公开政府信息情况", ""]
    a20 = _article20_lines(record, "|", opts.generic_headers)
    out.append(row(["列1", "列2", "列3", "列4"]))
    out.append(row(["---"] * 4))
    for cells in a20:
        out.append(row(cells + [""] * (4 - len(cells))))
    out += ["", "## 三、收到和处理政府信息公开申请情况", ""]
    if opts.generic_headers:
        out.append(row([f"Column{k}" for k in range(1, 10)]))
    else:
        out.append(row(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况"] + [""] * 6))
    out.append(row(["---"] * 9))
    if not opts.generic_headers:
        out.append(row(["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]))
        out.append(row(["", "", ""] + list(APPLICATION_COLUMNS[1:6]) + [""]))
    for k, (group, label, values, path) in enumerate(_rows(record, opts)):
        if opts.footer and k == 13:
            out += ["", "第 3 页 共 6 页", ""]
        if group.startswith("三、"):
            first, second = group, label
        elif group:
            first, second = group, label
        else:
            first, second = label, ""
        out.append(row([first, second] + [_cell(v) for v in values]))
    out += ["", "## 四、政府信息公开行政复议、行政诉讼情况", ""]
    out.append(row(["行政复议"] + [""] * 4 + ["行政诉讼"] + [""] * 9))
    out.append(row(["---"] * 15))
    out.append(row([""] * 5 + ["未经复议直接起诉"] + [""] * 4 + ["复议后起诉"] + [""] * 4))
    out.append(row(list(REVIEW_COLUMNS) * 3))
    out.append(row([_cell(v) for r in REVIEW_ROWS for v in get_path(record, r.path)]))
    out += ["", "## 五、存在的主要问题及改进情况", "", problems, "", "## 六、其他需要报告的事项", "", other, ""]
    if _date_line(record, opts):
        out += [record.agency, "", _date_line(record, opts)]
    return "\n".join(out) + "\n"


def portal_html(record: Record, opts: Options | None = None) -> str:
    """A report page saved from a government portal: menus, breadcrumb, sidebar and footer around
    the article; tables with rowspan/colspan merged cells, as the template prints them."""
    opts = opts or Options()
    overview, problems, other = _narrative(record)
    e = html.escape

    def paras(text: str) -> str:
        return "".join(f"<p style=\"text-indent:2em\">{e(t)}</p>\n" for t in text.split("\n"))

    def td(v, attrs: str = "") -> str:
        return f"<td{attrs}>{e(_cell(v))}</td>"

    d = record.source.published_on
    out = [
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{e(record.agency)}{record.year}年政府信息公开工作年度报告_政府信息公开年报</title>",
        "<script>var _hmt = _hmt || []; document.write('<div>统计</div>');</script>",
        "<style>td{border:1px solid #000}</style></head><body>",
        '<div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a>'
        " | <a>互动交流</a></div>",
        '<nav><ul><li><a href="/">网站首页</a></li><li><a href="/xxgk/">政府信息公开</a></li></ul></nav>',
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a>政府信息公开</a> &gt; <a>政府信息公开年报</a></div>',
        '<div class="main"><div class="article">',
        f"<h1>{e(record.agency)}{record.year}年政府信息公开工作年度报告</h1>",
        f'<div class="info">发布时间：{d.isoformat() if d else "2024-03-30"} 10:21 来源：{e(record.agency)} '
        "浏览次数：<span>1024</span> 【字体：大 中 小】</div>" if d else
        '<div class="info">来源：本网 浏览次数：<span>88</span></div>',
        "<h3>一、总体情况</h3>", paras(overview),
        "<h3>二、主动公开政府信息情况</h3>", '<table border="1" cellspacing="0">',
    ]
    last_item = None
    for item in ARTICLE20_ITEMS:
        if item.item != last_item:
            out.append(f'<tr><td colspan="4" style="background:#ddd">{e(item.item)}</td></tr>')
            out.append("<tr><td>信息内容</td>" + "".join(
                f'<td{" colspan=3" if len(item.columns) == 1 else ""}>{e(lbl)}</td>' for _, lbl in item.columns)
                + "</tr>")
            last_item = item.item
        vals = [get_path(record, f"{item.path}.{f}" if f else item.path) for f, _ in item.columns]
        out.append(f"<tr><td>{e(item.label)}</td>" + "".join(
            td(v, " colspan=3" if len(vals) == 1 else "") for v in vals) + "</tr>")
    out += ["</table>", "<h3>三、收到和处理政府信息公开申请情况</h3>", '<table border="1">',
            '<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
            '<td colspan="7">申请人情况</td></tr>',
            '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>',
            "<tr>" + "".join(f"<td>{h}</td>" for h in APPLICATION_COLUMNS[1:6]) + "</tr>"]
    group_open = set()
    for k, (group, label, values, path) in enumerate(_rows(record, opts)):
        cells = "".join(td(v) for v in values)
        if opts.footer and k == 13:
            out.append('<tr><td colspan="10" style="border:0">&nbsp;</td></tr>')
        if not group or label == "（六）其他处理":
            out.append(f'<tr><td colspan="3">{e(label)}</td>{cells}</tr>')
        elif group.startswith("三、"):
            first = "" if "三" in group_open else '<td rowspan="22">三、本年度办理结果</td>'
            group_open.add("三")
            span = '' if label.startswith("（七）") else ''
            out.append(f'<tr>{first}<td colspan="2"{span}>{e(label)}</td>{cells}</tr>')
        else:
            first = "" if "三" in group_open else '<td rowspan="22">三、本年度办理结果</td>'
            group_open.add("三")
            size = sum(1 for r in APPLICATION_ROWS if r.group == group)
            head = "" if group in group_open else f'<td rowspan="{size}">{e(group)}</td>'
            group_open.add(group)
            out.append(f"<tr>{first}{head}<td>{e(label)}</td>{cells}</tr>")
    out += ["</table>", "<h3>四、政府信息公开行政复议、行政诉讼情况</h3>", '<table border="1">',
            '<tr><td colspan="5" rowspan="2">行政复议</td><td colspan="10">行政诉讼</td></tr>',
            '<tr><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>',
            "<tr>" + "".join(f"<td>{h}</td>" for h in REVIEW_COLUMNS * 3) + "</tr>",
            "<tr>" + "".join(td(v) for r in REVIEW_ROWS for v in get_path(record, r.path)) + "</tr>",
            "</table>", "<h3>五、存在的主要问题及改进情况</h3>", paras(problems),
            "<h3>六、其他需要报告的事项</h3>", paras(other)]
    if _date_line(record, opts):
        out += [f'<p style="text-align:right">{e(record.agency)}</p>',
                f'<p style="text-align:right">{e(_date_line(record, opts))}</p>']
    out += ["</div>", '<div class="side"><h4>相关文章</h4><ul>',
            f'<li><a href="#">{e(record.agency)}{record.year - 1}年政府信息公开工作年度报告</a></li>',
            "</ul></div></div>",
            "<footer>主办单位：人民政府办公室 | 网站标识码：5101000001 | 蜀ICP备05000000号</footer>",
            "</body></html>"]
    return "\n".join(out)


def markdown_html_tables(record: Record, opts: Options | None = None) -> str:
    """Markdown as some PDF converters write it: headings and prose in Markdown, each table as one
    line of HTML (<table><tr><td>…) with merged cells."""
    page = portal_html(record, opts)
    body = page[page.index("<h3>一、总体情况</h3>"):page.index('<div class="side">')]
    body = re.sub(r"<h3>(.*?)</h3>", r"\n## \1\n", body)
    body = re.sub(r"(<table.*?</table>)", lambda m: "\n" + m.group(1).replace("\n", "") + "\n", body, flags=re.S)
    body = re.sub(r"<p[^>]*>(.*?)</p>", r"\1\n", body)
    return f"# {record.agency}{record.year}年政府信息公开工作年度报告\n\n" + html.unescape(
        re.sub(r"</?div[^>]*>", "", body))


LAYOUTS = {"pdftotext-layout": pdftotext_layout, "markdown": markdown_tables, "portal-html": portal_html,
           "markdown-html-tables": markdown_html_tables}
