"""What changed from one data release to the next (变更说明): the reports added and removed, every
cell whose value or status changed with its old and new value, and the method's changes.

A release's cells are read back from its own files (the cells table, disclosure-index-cells-YEAR.csv.gz,
one row per cell of every report: agency, year, path, label, value, status), never rebuilt: the
comparison is of what the two releases published. The method is described by the one definition
(index/scores.py): its version, the indicators with their weights, directions and texts, the parameters,
and a digest of the module that computes them, so that a change of code without a change of text is
still said.

In: two releases' folders of downloads (files.FOLDER's files), their method descriptions (method()).
Out: changes() as JSON-ready data, changes_markdown() as the Markdown a reader is given.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import re
from pathlib import Path
from typing import Any, Iterable

from ..index import scores

CELLS_PREFIX = "disclosure-index-cells-"
CELLS_GLOB = f"{CELLS_PREFIX}*.csv.gz"
# how a changed cell came to have its new value, by its new status: a person set it, the table's own
# arithmetic gave it, or the extractor read it (again: a new extractor, or a source file replaced)
HOW = {"corrected": ("corrected", "人工更正"), "inferred": ("inferred", "推算")}
READ_AGAIN = ("re_extracted", "重新提取")
MARKDOWN_CELLS = 2000  # cells listed in the Markdown; the JSON lists every one
SCORES_FILE = Path(scores.__file__)

Report = tuple[str, int]      # (agency, year)
Cell = tuple[str, int, str]  # (agency, year, path)


def _rows(file: Path) -> Iterable[dict[str, str]]:
    with gzip.open(file, "rt", encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def _years(folder: Path) -> dict[str, Path]:
    """A release's cells files by the year in their names."""
    return {f.name.removeprefix(CELLS_PREFIX).removesuffix(".csv.gz"): f for f in sorted(folder.glob(CELLS_GLOB))}


def report_digests(folder: Path) -> dict[Report, str]:
    """Each report of a release's cells table (agency, year) → a digest of its cells' paths, values and
    statuses: two releases' reports with the same digest have the same cells. Reads the files a row at a
    time (at 10,000 reports the table has two million rows)."""
    running: dict[Report, Any] = {}
    for file in _years(folder).values():
        for row in _rows(file):
            key = (row["agency"], int(row["year"]))
            if key not in running:
                running[key] = hashlib.sha256()
            running[key].update(f"{row['path']}\x1f{row['value']}\x1f{row['status']}\x1e".encode())
    return {k: h.hexdigest() for k, h in running.items()}


def report_cells(folder: Path, reports: set[Report]) -> dict[Cell, tuple[str, str, str]]:
    """The cells of these reports in a release's cells table: (agency, year, path) → (label, value,
    status), values as the CSV prints them ("" for none). Raises OSError or ValueError (KeyError for a
    missing column) on a file that is not the table."""
    years = {str(y) for _, y in reports}
    out: dict[Cell, tuple[str, str, str]] = {}
    for year, file in _years(folder).items():
        if year in years:
            for row in _rows(file):
                if (row["agency"], int(row["year"])) in reports:
                    out[(row["agency"], int(row["year"]), row["path"])] = (row["label"], row["value"], row["status"])
    return out


def method() -> dict[str, Any]:
    """The method as the one definition (index/scores.py) gives it: its version, a digest of the module,
    each indicator (name, weight, direction, numerator, denominator, formula, when missing) and the
    parameters (MIN_N, LATE_DAYS_TO_ZERO)."""
    return {
        "version": scores.METHOD_VERSION,
        "digest": hashlib.sha256(SCORES_FILE.read_bytes()).hexdigest(),
        "indicators": {i.key: {"name": i.name, "weight": i.weight, "direction": i.direction,
                               "numerator": i.numerator, "denominator": i.denominator,
                               "formula": i.formula, "missing": i.missing} for i in scores.INDICATORS},
        "parameters": {"MIN_N": scores.MIN_N, "LATE_DAYS_TO_ZERO": scores.LATE_DAYS_TO_ZERO},
    }


def method_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """How the method changed: `changed` (any difference, the digest's included), the versions, the
    changelog entries after the old version, the weights that changed (key → [old, new], None for an
    indicator added or removed), the indicators whose texts changed, the parameters that changed."""
    o, n = old.get("indicators", {}), new.get("indicators", {})
    weights = {k: [o.get(k, {}).get("weight"), n.get(k, {}).get("weight")] for k in sorted(o.keys() | n.keys())
               if o.get(k, {}).get("weight") != n.get(k, {}).get("weight")}
    texts = sorted(k for k in o.keys() & n.keys() if {f: v for f, v in o[k].items() if f != "weight"}
                   != {f: v for f, v in n[k].items() if f != "weight"})
    po, pn = old.get("parameters", {}), new.get("parameters", {})
    parameters = {k: [po.get(k), pn.get(k)] for k in sorted(po.keys() | pn.keys()) if po.get(k) != pn.get(k)}
    versions = [v for v, _ in scores.CHANGELOG]
    later = versions[versions.index(old["version"]) + 1:] if old.get("version") in versions else []
    return {"changed": old != new, "version": [old.get("version"), new.get("version")],
            "changelog": [[v, text] for v, text in scores.CHANGELOG if v in later and v != old.get("version")],
            "weights": weights, "indicators": texts, "parameters": parameters,
            "names": {k: (n.get(k) or o.get(k))["name"] for k in sorted(o.keys() | n.keys())}}


def changes(version: str, previous: dict[str, Any] | None, old_folder: Path | None, new_folder: Path,
            new_method: dict[str, Any]) -> dict[str, Any]:
    """The 变更说明 of release `version` (JSON-ready): previous is the previous release's manifest (None:
    the first release), old_folder its downloads; new_folder this release's downloads. Reports added
    and removed (agency, year), every cell of a report in both whose value or status changed (agency,
    year, path, label, old and new value and status, how: corrected / inferred / re_extracted), and
    the method's changes (method_changes)."""
    new_reports = report_digests(new_folder)
    if previous is None or old_folder is None:
        return {"version": version, "previous": None, "reports": len(new_reports)}
    old_reports = report_digests(old_folder)
    differ = {r for r in old_reports.keys() & new_reports.keys() if old_reports[r] != new_reports[r]}
    old, new = report_cells(old_folder, differ), report_cells(new_folder, differ)
    cells = []
    for key in sorted(new.keys() & old.keys(), key=lambda k: (k[1], k[0], k[2])):
        (label, was, was_status), (_, now, now_status) = old[key], new[key]
        if (was, was_status) != (now, now_status):
            how, _ = HOW.get(now_status, READ_AGAIN)
            cells.append({"agency": key[0], "year": key[1], "path": key[2], "label": label,
                          "old": _number(was), "new": _number(now), "old_status": was_status,
                          "new_status": now_status, "how": how})
    added = sorted(new_reports.keys() - old_reports.keys(), key=lambda r: (r[1], r[0]))
    removed = sorted(old_reports.keys() - new_reports.keys(), key=lambda r: (r[1], r[0]))
    return {"version": version, "previous": previous["version"], "previous_date": previous["date"],
            "reports": len(new_reports),
            "added": [{"agency": a, "year": y} for a, y in added],
            "removed": [{"agency": a, "year": y} for a, y in removed],
            "changed": cells, "method": method_changes(previous["method"], new_method)}


def _number(text: str) -> int | float | None:
    """A value of the cells table as a number (None for an empty cell)."""
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


STATUS_NAMES = {"printed": "印发", "blank": "空白", "not_applicable": "不适用", "unread": "未能识别",
                "inferred": "推算", "corrected": "人工更正"}


def _shown(value: Any) -> str:
    return "空" if value is None else str(value)


_MARKUP = re.compile(r"([\\`*_\[\]<>|&#!~])")


def _cell(text: str) -> str:
    """Text (a body's name, a cell's label: untrusted) in Markdown, a table cell's included: on one line,
    every character that could make markup (a link, HTML, emphasis, a cell's end) escaped."""
    return _MARKUP.sub(r"\\\1", " ".join(str(text).split()))


def _code(text: str) -> str:
    """Text in a Markdown code span: on one line, without a backtick (which would end it)."""
    return " ".join(str(text).replace("`", "'").split())


def changes_markdown(c: dict[str, Any], date: str) -> str:
    """The 变更说明 as Markdown (Chinese): what changes() gives, the cells listed up to MARKDOWN_CELLS."""
    lines = [f"# 变更说明：数据发布 {c['version']}", "", f"发布日期：{date}。共 {c['reports']} 份报告。", ""]
    if c["previous"] is None:
        return "\n".join(lines + ["这是第一个发布版本，没有可比较的上一版本。", ""])
    lines += [f"与上一版本 {c['previous']}（{c['previous_date']}）相比：", ""]
    lines += _reports("新增报告", c["added"]) + _reports("移除报告", c["removed"])
    changed = c["changed"]
    lines += [f"## 单元格变更（{len(changed)} 个）", ""]
    if changed:
        counts = {name: sum(x["how"] == how for x in changed) for how, name in (*HOW.values(), READ_AGAIN)}
        lines += ["、".join(f"{name} {n} 个" for name, n in counts.items() if n) + "。", "",
                  "| 机关 | 年度 | 单元格 | 路径 | 原值 | 新值 | 变更方式 |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for x in changed[:MARKDOWN_CELLS]:
            how = dict((*HOW.values(), READ_AGAIN))[x["how"]]
            lines.append(f"| {_cell(x['agency'])} | {x['year']} | {_cell(x['label'])} | `{_code(x['path'])}` | "
                         f"{_shown(x['old'])}（{STATUS_NAMES.get(x['old_status'], _cell(x['old_status']))}） | "
                         f"{_shown(x['new'])}（{STATUS_NAMES.get(x['new_status'], _cell(x['new_status']))}） | {how} |")
        if len(changed) > MARKDOWN_CELLS:
            lines.append(f"\n此处列出前 {MARKDOWN_CELLS} 个，全部 {len(changed)} 个见 CHANGES.json。")
    else:
        lines.append("没有单元格的数值或状态发生变化。")
    lines += ["", "## 方法变更", ""]
    first, *rest = method_lines(c["method"])
    lines += [_cell(first)] + [f"- {_cell(line)}" for line in rest] + [""]
    return "\n".join(lines)


def _reports(title: str, reports: Iterable[dict[str, Any]]) -> list[str]:
    reports = list(reports)
    out = [f"## {title}（{len(reports)} 份）", ""]
    out += [f"- {_cell(r['agency'])}，{r['year']} 年度" for r in reports] or ["无。"]
    return out + [""]


def method_lines(m: dict[str, Any]) -> list[str]:
    """The method's changes (method_changes) in Chinese, as plain text: a line saying whether it changed,
    then a line per change (a changelog entry, a weight, an indicator's texts, a parameter)."""
    if not m["changed"]:
        return [f"方法未变（指数方法版本 {m['version'][1]}）。"]
    old, new = m["version"]
    out = [f"指数方法版本：{old} → {new}。" if old != new else f"指数方法版本仍为 {new}，但方法定义有改动。"]
    out += [f"{v} 版：{text}" for v, text in m["changelog"]]
    out += [f"权重：{m['names'][k]} {_shown(a)} → {_shown(b)}" for k, (a, b) in m["weights"].items()]
    out += [f"指标说明有改动：{m['names'][k]}" for k in m["indicators"]]
    out += [f"参数 {k}：{_shown(a)} → {_shown(b)}" for k, (a, b) in m["parameters"].items()]
    if len(out) == 1:
        out.append("计算指数的代码（builder/index/scores.py）有改动，指标、权重、说明与参数未变。")
    return out
