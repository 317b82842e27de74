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
from typing import Any, Iterable, Iterator, Sequence

from ..index import scores
from .downloads import CELL_STATUSES
from ..store.files import file_sha256

CELLS_FILE = re.compile(r"^disclosure-index-cells-(\d{4})\.csv\.gz$")  # a year's file of the cells table
REPORTS_FILE = re.compile(r"^disclosure-index-(\d{4})\.csv\.gz$")      # and of the reports table
# how a changed cell came to have its new value, by its new status: a person set it, the table's own
# arithmetic gave it, or the extractor read it (again: a new extractor, or a source file replaced)
HOW = {"corrected": ("corrected", "人工更正"), "inferred": ("inferred", "推算")}
READ_AGAIN = ("re_extracted", "重新提取")
MARKDOWN_CELLS = 2000  # cells listed in the Markdown; the JSON lists every one
SCORES_FILE = Path(scores.__file__)

Report = tuple[str, int]      # (agency, year)
Cell = tuple[str, int, str]  # (agency, year, path)


def _rows(file: Path, columns: Sequence[str]) -> Iterator[list[str]]:
    """The rows of a gzip CSV download, each as the values of these columns (ValueError when the header
    lacks one)."""
    with gzip.open(file, "rt", encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        at = [header.index(c) for c in columns]
        for row in reader:
            yield [row[k] for k in at]


def _by_year(folder: Path, form: re.Pattern[str]) -> dict[str, Path]:
    """A release's files of one table by the year in their names."""
    return {m[1]: f for f in sorted(folder.iterdir()) if (m := form.match(f.name))}


def reports(folder: Path) -> set[Report]:
    """Every report (agency, year) of a release, from its reports table (a row per report)."""
    return {(a, int(y)) for file in _by_year(folder, REPORTS_FILE).values() for a, y in _rows(file, ("agency", "year"))}


def report_digests(file: Path) -> dict[Report, int]:
    """Each report of a year's cells file (agency, year) → a digest of its cells' paths, values and
    statuses, for comparing within one process: the same cells, the same digest. Reads the file a row at
    a time (at 10,000 reports a year's file has some 700,000 rows)."""
    running: dict[Report, int] = {}
    for agency, year, path, value, status in _rows(file, ("agency", "year", "path", "value", "status")):
        key = (agency, int(year))
        running[key] = hash((running.get(key, 0), path, value, status))
    return running


def report_cells(file: Path, wanted: set[Report]) -> dict[Cell, tuple[str, str, str]]:
    """The cells of these reports in a year's cells file: (agency, year, path) → (label, value, status),
    values as the CSV prints them ("" for none)."""
    out: dict[Cell, tuple[str, str, str]] = {}
    for agency, year, path, label, value, status in _rows(file, ("agency", "year", "path", "label", "value", "status")):
        if (agency, int(year)) in wanted:
            out[(agency, int(year), path)] = (label, value, status)
    return out


def changed_cells(old_folder: Path, new_folder: Path) -> list[dict[str, Any]]:
    """Every cell of a report in both releases whose value or status differs (a cell the report has in
    one release alone: its status in the other ""), in order of year, body and path. A year whose cells file has the same bytes in both is not read; in another, only the reports
    whose cells differ are compared cell by cell."""
    old_files, new_files = _by_year(old_folder, CELLS_FILE), _by_year(new_folder, CELLS_FILE)
    old: dict[Cell, tuple[str, str, str]] = {}
    new: dict[Cell, tuple[str, str, str]] = {}
    for year in sorted(old_files.keys() & new_files.keys()):
        a, b = old_files[year], new_files[year]
        if file_sha256(a) == file_sha256(b):
            continue
        was, now = report_digests(a), report_digests(b)
        differ = {r for r in was.keys() & now.keys() if was[r] != now[r]}
        if differ:
            old.update(report_cells(a, differ))
            new.update(report_cells(b, differ))
    cells = []
    for key in sorted(new.keys() | old.keys(), key=lambda k: (k[1], k[0], k[2])):
        # a cell one release's report lacks (its template edition read otherwise): "" for its status
        label, was_value, was_status = old.get(key) or (new[key][0], "", "")
        _, now_value, now_status = new.get(key) or (label, "", "")
        if (was_value, was_status) != (now_value, now_status):
            how, _ = HOW.get(now_status, READ_AGAIN)
            cells.append({"agency": key[0], "year": key[1], "path": key[2], "label": label,
                          "old": _number(was_value), "new": _number(now_value), "old_status": was_status,
                          "new_status": now_status, "how": how})
    return cells


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
            "changelog": [[v, text] for v, text in scores.CHANGELOG if v in later],
            "weights": weights, "indicators": texts, "parameters": parameters,
            "names": {k: (n.get(k) or o.get(k))["name"] for k in sorted(o.keys() | n.keys())}}


def changes(version: str, previous: dict[str, Any] | None, old_folder: Path | None, new_folder: Path,
            new_method: dict[str, Any]) -> dict[str, Any]:
    """The 变更说明 of release `version` (JSON-ready): previous is the previous release's manifest (None:
    the first release), old_folder its downloads; new_folder this release's downloads. Reports added
    and removed (agency, year), every cell of a report in both whose value or status changed (agency,
    year, path, label, old and new value and status, how: corrected / inferred / re_extracted), and
    the method's changes (method_changes)."""
    new_reports = reports(new_folder)
    if previous is None or old_folder is None:
        return {"version": version, "previous": None, "reports": len(new_reports)}
    old_reports = reports(old_folder)
    cells = changed_cells(old_folder, new_folder)
    added = sorted(new_reports - old_reports, key=lambda r: (r[1], r[0]))
    removed = sorted(old_reports - new_reports, key=lambda r: (r[1], r[0]))
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


STATUS_NAMES = {"": "无此单元格", **dict(CELL_STATUSES)}  # a cell's status in Chinese, as the downloads name it


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
