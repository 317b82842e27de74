"""Stage 3: lines of cells → a record, by the template's structure.

The report's sections and what it says of itself are found by `metadata`; each table's numbers
are placed in the template's rows and columns by `rows`. Here the tables are read into the record,
each cell given its status: a number whose place is not certain, or that the table's own arithmetic
contradicts, is unread (with a finding), never guessed.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Sequence

from pydantic import ValidationError

from .cells import BLANK, JUNK, NA, NUM, TEXT, Line, signed_change, to_lines
from ..record.characters import fold_text
from .metadata import (_region, as_printed, damaged_text, date_in, find_sections, parse_narrative, parse_published,  # noqa: F401
                       parse_title, parse_wrappers, signature_agency, table_end, title_line)
from .printed import balanced_without, labelled_runs, named, not_printed
from .rows import Run, align, build_runs, fill_gaps, join_pieces, run_values, split_runs, strip_numbering  # noqa: F401
from ..record.models import (MAX_COUNT, Finding, Record, Source, TablePages, get_path, iter_cells, lacking_cells,
                             set_path)
from ..read.text import ReportError, SourceText
from .editions import HEADERS_2019, HEADERS_2021, PRE_2019, applications_edition, edition, free_form
from .refusals import not_one_report
from ..record.template import (AMOUNT_PATHS, APPLICATION_GROUP_PATTERNS, APPLICATION_ROWS, ARTICLE20_ITEMS,
                               ARTICLE20_ITEMS_2019, EDITIONS, NARRATIVE_SECTIONS, REVIEW_ROWS, SIGNED_SUFFIX)

# table 二's headings and column headers, of both editions (editions.py): labels, not stray cells
_ARTICLE20_HEADERS = (r"第二十条", r"信息内容", r"处理决定", r"本年新", r"制作数量", r"公开数量") + HEADERS_2021 + HEADERS_2019
_COLUMN_HEADERS = {"自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
                   "总计", "申请人情况"}
_APPLICATION_HEADERS = (r"申请人情况", r"勾稽关系")
_REVIEW_HEADERS = (r"结果维持", r"结果纠正", r"其他结果", r"尚未审结", r"总计", r"行政复议", r"行政诉讼",
                   r"直接起诉", r"复议后起诉")


# --- the tables ----------------------------------------------------------------------------

@dataclass
class Extraction:
    record: Record
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def _is_application_label(text: str) -> bool:
    t = strip_numbering(text)
    return any(r.matches(t) for r in APPLICATION_ROWS) or any(
        re.search(g, t) for g in APPLICATION_GROUP_PATTERNS + _APPLICATION_HEADERS)


def _is_article20_label(text: str) -> bool:
    t = strip_numbering(text)
    return any(i.matches(t) for i in ARTICLE20_ITEMS + ARTICLE20_ITEMS_2019) or any(
        re.search(h, t) for h in _ARTICLE20_HEADERS)


def _is_review_label(text: str) -> bool:
    t = strip_numbering(text)
    return any(re.search(h, t) for h in _REVIEW_HEADERS)


def _row_path(paths: Sequence[str]) -> str:
    """The path of what holds these cells: `applications.new` for its [k] cells, the item
    `article20.regulations` for its fields, `review_litigation` for the 15 cells of table 四."""
    if len(paths) == 1:
        return paths[0]
    common = os.path.commonprefix(list(paths))
    return re.sub(r"[.\[][^.\[]*$", "", common) if common not in paths else common


def read_row(run: Run, paths: Sequence[str], label: str, findings: list[Finding],
             counts: bool = True, not_applicable: list[str] | None = None,
             inferred: list[str] | None = None) -> list[int | float | None] | None:
    """The values of one template row printed as `run`, one per cell path; findings for what cannot
    be read (those cells become unread, see `mark_unread`); the paths of cells marked not applicable
    ("/", "—", 不适用) appended to `not_applicable`, of cells whose number was joined from pieces
    (`join_pieces`) to `inferred`, each with a finding. None (and a finding) when the cells cannot be
    placed in the row's columns."""
    not_applicable = not_applicable if not_applicable is not None else []
    cells = run_values(run, len(paths))
    if run.unjoined >= 0:
        printed = " ".join(c.text for c in run.cells)
        findings.append(Finding(
            rule="extract.pieces_unjoined", severity="warning", path=_row_path(paths),
            message=f"row {label}: {len(run.cells)} number pieces ({printed}) for {len(paths)} columns, as when "
                    f"a number is broken over lines; {'no' if run.unjoined == 0 else 'more than one'} way of "
                    "joining them agrees with the row's total: left unread rather than guess"))
        return None
    if cells is None:
        printed = " ".join(c.text or "□" for c in run.cells)
        findings.append(Finding(
            rule="extract.row_layout", severity="warning", path=_row_path(paths),
            message=f"row {label}: {len(run.cells)} cells ({printed}) for {len(paths)} columns; "
                    "left blank rather than guess which column is which"))
        return None
    values: list[int | float | None] = []
    if len(cells) > 1 and all(c.kind == JUNK for c in cells) \
            and all(covers(row := _row_path(paths), p) for p in paths):
        # a row printed with a mark in every cell that no reader could read ("?"): said once
        findings.append(Finding(rule="extract.illegible", severity="warning", path=row,
                                message=f"row {label}: every cell reads {cells[0].text!r}; left blank"))
        return [None] * len(paths)
    for k, (cell, path) in enumerate(zip(cells, paths)):
        value = cell.value if cell.kind == NUM else None
        if cell.kind == NUM and cell.marker:
            findings.append(Finding(
                rule="extract.marker_dropped", severity="info", path=path, printed=value,
                message=f"row {label}: cell {k + 1} is printed {cell.text!r}: {cell.marker!r} after the number is a "
                        f"footnote marker, not part of it; read as {value}"))
        if isinstance(value, int) and value > MAX_COUNT:
            findings.append(Finding(
                rule="extract.too_large", severity="warning", path=path,
                message=f"row {label}: cell {k + 1} is {value}, beyond the largest number the record and its "
                        f"downloads hold ({MAX_COUNT}); left unread"))
            values.append(None)
            continue
        if cell.kind in (JUNK, TEXT) and path.endswith(SIGNED_SUFFIX) and signed_change(cell.text) is not None:
            value = signed_change(cell.text)
        elif cell.kind == NA:
            not_applicable.append(path)
        elif cell.kind == TEXT:
            findings.append(Finding(rule="extract.not_a_number", severity="error", path=path,
                                    message=f"row {label}: cell {k + 1} is {cell.text!r}, not a number"))
        elif cell.kind == JUNK:
            findings.append(Finding(rule="extract.illegible", severity="warning", path=path,
                                    message=f"row {label}: cell {k + 1} reads {cell.text!r}; left blank"))
        elif counts and isinstance(value, float):
            findings.append(Finding(rule="extract.not_a_count", severity="error", path=path, printed=value,
                                    message=f"row {label}: cell {k + 1} is {value}, not a whole number"))
            value = None
        values.append(value)
    for k in run.joined:
        if inferred is not None:
            inferred.append(paths[k])
        findings.append(Finding(
            rule="extract.pieces_joined", severity="info", path=paths[k], expected=values[k],
            message=f"row {label}: cell {k + 1} was printed in pieces (the row had more numbers than columns) "
                    f"and joined into {cells[k].text}, the one joining that agrees with the row's total"))
    return values


def balances(values: Sequence[int | float]) -> bool:
    """Whether a row's parts add up to its printed total (the last cell). Source: the template's row
    totals, 三 每行 总计 = 自然人 + 法人或其他组织 (商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他);
    四 每组 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    return sum(values[:-1]) == values[-1]


def contradicted(values: Sequence[int | float | None]) -> bool:
    """Whether a row placed by position breaks its own total (the last cell): a part larger than the
    total, parts adding up to more than it, or no blank part and a sum that differs. Such a placement
    is not trusted (a number in the wrong column is worse than none). Source: the template's row
    totals, 三 每行 总计 = 前六列之和, 四 总计 = 前四列之和."""
    *parts, total = values
    if total is None:
        return False
    known = [v for v in parts if v is not None]
    if sum(known) > total:
        return True
    return len(known) == len(parts) and sum(known) != total


def _check_columns(record: Record, row, findings: list[Finding]) -> None:
    """Unread a row placed by position when a column equation of table 三 that runs through it, with every
    cell printed, does not balance: the template's column totals (（七）总计 = the outcome rows; 本年新收 +
    上年结转 = 办理结果总计 + 结转下年度, 三 每列) contradict where its numbers were put."""
    from ..record.checks import equations

    cells = dict(iter_cells(record))
    mine = {f"{row.path}[{k}]" for k in range(7)}
    for eq in equations(record.applications_edition):
        if eq.rule == "applications.row_total" or not mine & set(eq.paths):
            continue
        values = [cells[p] for p in eq.paths]
        if None in values or sum(values[:len(eq.lhs)]) == sum(values[len(eq.lhs):]):
            continue
        shown = [cells[p] for p in sorted(mine, key=lambda p: int(p[-2]))]
        set_path(record, row.path, [None] * 7)
        findings.append(Finding(
            rule="extract.placement_contradicted", severity="warning", path=row.path,
            message=f"section 三: row {row.group}{row.label}: the numbers ({' '.join('□' if v is None else str(v) for v in shown)}) "
                    f"were placed in columns by their position, and {eq.where} does not balance with them; left "
                    "unread rather than guess"))
        return


def _contradiction(path: str, where: str, values: Sequence[int | float | None]) -> Finding:
    shown = " ".join("□" if v is None else f"{v:g}" for v in values)
    return Finding(rule="extract.placement_contradicted", severity="warning", path=path,
                   message=f"{where}: the numbers ({shown}) were placed in columns by their position, and "
                           "the row's own total contradicts that placement; left unread rather than guess")


def misread_columns(record: Record, rows: Sequence, size: int, findings: list[Finding], where: str,
                    table: str) -> None:
    """Unread a whole table whose rows mostly break their own totals with their first column blank: a
    printed slip breaks a row or two (or a whole 总计 column printed 0, its first column filled), columns
    read one place off (a reader that lost a table's outer column) break nearly all of them.
    Rows with a total and a part that is not 0 are counted; at least 2 of them must break, and more than
    half."""
    # rows already found to break their totals when placed by position count as breaking
    complete = failing = sum(1 for f in findings if f.rule == "extract.placement_contradicted"
                             and (f.path or "").startswith(table))
    shifted = True  # every breaking row has its first column blank, as when a reader lost that column
    for row in rows:
        values = list(get_path(record, row.path))
        if values[-1] is None or not any(values[:-1]):
            continue  # no total, or nothing but zeros and blanks: a shift would leave it the same
        complete += 1
        if contradicted(values):
            failing += 1
            shifted = shifted and values[0] is None
    # a report may print its 总计 column as 0 throughout (its own slip, kept as printed): only rows that
    # break their totals AND lack their first column look like columns read one place off
    if failing >= 2 and failing * 2 > complete and shifted:
        for row in rows:
            set_path(record, row.path, [None] * size)
        record.not_applicable[:] = [p for p in record.not_applicable if not p.startswith(table)]
        findings.append(Finding(
            rule="extract.columns_contradicted", severity="warning", path=table,
            message=f"{where}: {failing} of its {complete} rows with a total break them, as when the "
                    "columns are read one place off; the table is left unread rather than published shifted"))


# findings that say a cell's content could not be read or placed: their cells are `unread`
UNREAD_RULES = frozenset({"extract.illegible", "extract.not_a_number", "extract.not_a_count", "extract.too_large",
                          "extract.row_layout", "extract.row_missing", "extract.section_missing",
                          "extract.placement_contradicted", "extract.columns_contradicted",
                          "extract.pieces_unjoined", "read.unreadable"})


def covers(finding_path: str | None, path: str) -> bool:
    """Whether a finding's path names this cell, its row or a part of the record that holds it."""
    return finding_path is not None and (path == finding_path or path.startswith(finding_path + "[")
                                         or path.startswith(finding_path + "."))


def mark_unread(record: Record, findings: Sequence[Finding]) -> None:
    """List under `unread` every blank cell that a finding says could not be read or placed: an
    unread cell is not a blank one (the report may have printed a number there). A cell the record's
    tables do not have (the other edition's, Record.lacks) is not applicable, never unread."""
    paths = [f.path for f in findings if f.rule in UNREAD_RULES and f.path]
    if not paths:
        return
    na = set(record.not_applicable)
    unread = [p for p, v in iter_cells(record, own=True) if v is None and p not in na
              and any(covers(f, p) for f in paths)]
    record.unread = list(dict.fromkeys(record.unread + unread))


def parse_article20(lines: Sequence[Line], record: Record, findings: list[Finding]) -> None:
    """Fill section 二 by the rows of the record's template edition (`record.template`). A row the table does
    not print at all (its label nowhere, other rows found) is blank, said in a finding (info); a row whose
    label is printed and whose numbers are not found is unread."""
    items = EDITIONS[record.template].article20
    runs = labelled_runs(build_runs(lines, 3, _is_article20_label), items)
    placed = align(runs, items, [len(item.columns) for item in items])
    for j, item in enumerate(items):
        run = placed.get(j)
        if run is None and placed and not named(lines, item):
            not_printed("section 二", item, findings)
            continue
        if run is None:
            findings.append(Finding(rule="extract.row_missing", severity="warning", path=item.path,
                                    message=f"section 二: row {item.label} not found"))
            continue
        paths = list(item.paths)
        for path, value in zip(paths, _item_values(run, paths, item.label, findings, record)):
            set_path(record, path, value)


def _item_values(run: Run, paths: Sequence[str], label: str, findings: list[Finding],
                 record: Record) -> list[int | float | None]:
    """One row of table 二 read as `read_row` does, each cell a count except an amount of money
    (template.AMOUNT_PATHS). The 2019 edition's 采购总金额 takes its unit (元 or 万元) from its cell, else
    from the labels printed before the row (its column header: 采购总金额（万元）), else none
    (`procurement_amount_unit`)."""
    counts = not any(p in AMOUNT_PATHS for p in paths)
    values = read_row(run, paths, label, findings, counts=counts, not_applicable=record.not_applicable) or []
    if "article20.procurement_amount" in paths and values:
        cell = (run_values(run, len(paths)) or [None])[-1]
        printed = (cell.text if cell is not None else "") + "".join(run.labels)
        unit = re.search(r"万元|元", printed)
        record.article20.procurement_amount_unit = unit.group() if unit else None
    return values


def parse_applications(lines: Sequence[Line], record: Record, findings: list[Finding], edition: str) -> int:
    """Fill section 三 by the rows of the edition it follows (`edition`: editions.applications_edition); returns
    how many of its rows were found."""
    rows = EDITIONS[edition].applications
    runs = build_runs(lines, 7, _is_application_label, right_aligned=True, whole_rows=True)
    runs = fill_gaps(split_runs(labelled_runs(runs, rows, APPLICATION_GROUP_PATTERNS), 7), lines, 7)
    runs = [join_pieces(run, 7, balances) for run in runs]
    if runs:  # the column headers above the first row are not its label
        runs[0].labels = [t for t in runs[0].labels if strip_numbering(t) not in _COLUMN_HEADERS]
    placed = align(runs, rows, [7] * len(rows), APPLICATION_GROUP_PATTERNS)
    positional: list = []  # rows whose columns were worked out from where their numbers stand
    unnamed: list = []  # rows not found whose label the table does not print
    for j, row in enumerate(rows):
        run = placed.get(j)
        if run is None and placed and not named(lines, row):
            unnamed.append(row)
            continue
        if run is None:
            findings.append(Finding(rule="extract.row_missing", severity="warning", path=row.path,
                                    message=f"section 三: row {row.group}{row.label} not found"))
            continue
        values = read_row(run, [f"{row.path}[{k}]" for k in range(7)], row.label, findings,
                          not_applicable=record.not_applicable, inferred=record.inferred)
        if values is not None and run.by_position and contradicted(values):
            findings.append(_contradiction(row.path, f"section 三: row {row.group}{row.label}", values))
            values = None
        if values is not None:
            set_path(record, row.path, values)
            if run.by_position:
                positional.append(row)
    for row in positional:
        _check_columns(record, row, findings)
    for row in unnamed:  # not printed where the table's arithmetic holds without it, else unread
        if balanced_without(record, row, edition):
            not_printed("section 三", row, findings)
        else:
            findings.append(Finding(rule="extract.row_missing", severity="warning", path=row.path,
                                    message=f"section 三: row {row.group}{row.label} not found, and the table's "
                                            "arithmetic does not hold without it"))
    used = {id(r) for r in placed.values()}
    for run in runs:
        if id(run) not in used and len(run.cells) >= 3 and not all(c.kind == BLANK for c in run.cells):
            findings.append(Finding(
                rule="extract.unplaced_row", severity="warning",
                message=f"section 三: numbers {' '.join(c.text or '□' for c in run.cells)} "
                        f"(after {''.join(run.labels)[-30:]!r}) belong to no template row"))
    return len(placed)


def parse_review(lines: Sequence[Line], record: Record, findings: list[Finding]) -> bool:
    """Fill section 四; returns whether its numbers were found. Its 15 numbers are printed as one
    row (行政复议, then the two parts of 行政诉讼), or as three labelled rows of five."""
    runs = fill_gaps(labelled_runs(build_runs(lines, 15, _is_review_label, whole_rows=True), REVIEW_ROWS), lines, 15)
    cells = [c for r in runs for c in r.cells]
    if not cells:
        return False
    by_label = align(runs, REVIEW_ROWS, [5, 5, 5]) if len(runs) == 3 else {}
    if len(by_label) == 3 and all(len(r.cells) == 5 for r in by_label.values()):
        for j, row in enumerate(REVIEW_ROWS):
            values = read_row(by_label[j], [f"{row.path}[{k}]" for k in range(5)], row.label, findings,
                              not_applicable=record.not_applicable)
            if values is not None:
                set_path(record, row.path, values)
        return True
    whole = Run([], cells, placed=len(runs) == 1 and runs[0].placed,
                by_position=any(r.by_position for r in runs)).trim()
    whole = join_pieces(whole, 15, lambda v: all(balances(v[k:k + 5]) for k in (0, 5, 10)))
    paths = [f"{row.path}[{k}]" for row in REVIEW_ROWS for k in range(5)]
    values = read_row(whole, paths, "四、政府信息公开行政复议、行政诉讼情况", findings,
                      not_applicable=record.not_applicable, inferred=record.inferred)
    if values is not None and whole.by_position and any(contradicted(values[k:k + 5]) for k in (0, 5, 10)):
        findings.append(_contradiction("review_litigation", "section 四", values))
        values = None
    if values is not None:
        for j, row in enumerate(REVIEW_ROWS):
            set_path(record, row.path, values[5 * j:5 * j + 5])
    return True


def _cell_order(path: str) -> int:
    return _ORDER[path]


_ORDER = {p: k for k, (p, _) in enumerate(iter_cells(Record.model_construct()))}


def _posted_url(record: Record, url: str | None, findings: list[Finding]) -> None:
    """Set the record's source.url to the address the file gives, unless the record's rules refuse it (a
    control or invisible character, a bidi control among them: the address shown would not be the one
    opened): then it is left out, with a finding."""
    try:
        record.source.url = url
    except ValidationError as exc:
        why = exc.errors()[0]["msg"].removeprefix("Value error, ")
        findings.append(Finding(rule="extract.url_refused", severity="warning",
                                message=f"the address the file gives ({url!r:.80}) is left out: {why}"))


def extract(source: SourceText, repo_path: str | None = None) -> Extraction:
    """The record of one report. Raises ReportError when the text is not a readable report."""
    lines = to_lines(fold_text(source.text))
    sections = find_sections(lines)
    agency, year = parse_title(lines, sections)
    findings: list[Finding] = []

    app_region = _region(lines, sections, "applications")
    if app_region is None:
        # no heading: the table starts at its first row label
        first = next((k for k, ln in enumerate(lines) if re.search(r"本年新收", ln.compact)), None)
        if first is not None:
            after = [v for v in sections.values() if v > first]
            app_region = (max(0, first - 3), min(after) if after else len(lines))
    if app_region is None:
        if free_form(lines, year):
            raise ReportError(source.path, PRE_2019)
        title = title_line(lines) if not sections else None
        if title:  # a report's title, and nothing of the report below it
            raise ReportError(source.path, f"no report text: the file holds a report's title ({title}) but none of "
                                           "its sections or tables (the report itself may be an attachment or an "
                                           "image)")
        if not any(re.search(r"第二十条|行政复议|信息公开", ln.compact) for ln in lines[:200]):
            raise ReportError(source.path, "not a government information disclosure annual report: "
                                           "none of the template's sections or tables was found")
        raise ReportError(source.path, "section 三 (收到和处理政府信息公开申请情况) is missing: "
                                       "no heading and no table rows found")
    why = not_one_report(lines, sections, app_region)  # two reports' years, a blank template
    if why:
        raise ReportError(source.path, why)
    if year is None:
        raise ReportError(source.path, "no report year found in the title")
    head_end = min(sections.values(), default=60)
    wrapper = parse_wrappers(lines[:head_end], year)
    agency = agency or signature_agency(lines) or wrapper.body
    if not agency:
        raise ReportError(source.path, "no reporting body (agency) found in the title")
    agency = as_printed(lines[:min(sections.values(), default=120) + 1] + lines[-6:], agency)

    record = Record(
        agency=agency, year=year,
        source=Source(path=repo_path or source.path, sha256=source.sha256, format=source.format,
                      published_on=parse_published(lines, sections, year)),
    )
    # when the publisher posted it, and where: the page's own head, else a header above the report
    meta = dict(source.meta)
    posted = date_in(meta.get("posted", "")) if meta.get("posted") else None
    record.source.posted_on = posted if posted and year <= posted.year <= year + 3 else wrapper.posted_on
    _posted_url(record, meta.get("url") or wrapper.url, findings)
    # a table's section ends at the next of the template's sections, or before a section of the report's own
    app_region = (app_region[0], table_end(lines, *app_region, _is_application_label))
    regions: dict[str, Sequence[Line]] = {"applications": lines[app_region[0]:app_region[1]]}
    a20 = _region(lines, sections, "article20")
    if a20 is not None:
        end = min(a20[1], app_region[0])
        regions["article20"] = lines[a20[0]:table_end(lines, a20[0], end, _is_article20_label)]
    record.template = edition(regions.get("article20", ()), regions["applications"])
    table3 = applications_edition(regions["applications"], record.template, findings)
    if a20 is not None:
        parse_article20(regions["article20"], record, findings)
    else:
        findings.append(Finding(rule="extract.section_missing", severity="warning", path="article20",
                                message="section 二 (主动公开政府信息情况) not found"))
    found = parse_applications(regions["applications"], record, findings, table3)
    rows = EDITIONS[table3].applications
    misread_columns(record, rows, 7, findings, "section 三", "applications")
    # the cells its tables lack: not applicable, listed (record format): in a 2019 record every cell of the 2021
    # edition but the （六）其他处理 rows its table 三 prints; in a 2021 record the three rows of （六）其他处理 where
    # its table 三 prints the 2019 edition's one row (the other 2019 keys are not written)
    written = lacking_cells("2021") if record.template == "2021" else frozenset()  # the 2019 keys: not written
    record.not_applicable = list(dict.fromkeys(record.not_applicable + sorted(
        lacking_cells(record.template, table3) - written, key=_cell_order)))
    if found == 0:
        if free_form(lines, year):
            raise ReportError(source.path, PRE_2019)
        raise ReportError(source.path, f"section 三 has no table: none of its {len(rows)} rows was found")
    rl = _region(lines, sections, "review_litigation")
    if rl is not None:
        regions["review_litigation"] = lines[rl[0]:table_end(lines, *rl, _is_review_label)]
    has_review = rl is not None and parse_review(regions["review_litigation"], record, findings)
    misread_columns(record, REVIEW_ROWS, 5, findings, "section 四", "review_litigation")
    later = any(k in sections for k in ("review_litigation", "problems", "other_matters"))
    if not later and found < len(rows):
        raise ReportError(source.path, f"the report is truncated: the text ends in section 三 after "
                                       f"{found} of its {len(rows)} rows")
    if not has_review:
        if not any(k in sections for k in ("problems", "other_matters")):
            raise ReportError(source.path, "the report is truncated: section 四 (行政复议、行政诉讼) "
                                           "has no numbers and nothing follows it")
        findings.append(Finding(rule="extract.section_missing", severity="warning", path="review_litigation",
                                message="section 四 (行政复议、行政诉讼) has no numbers"))
    for key in NARRATIVE_SECTIONS:
        setattr(record.narrative, key, parse_narrative(lines, sections, key, agency))
    findings += [Finding(rule=n.rule, severity=n.severity, path=n.path, message=n.message)
                 for n in source.notes] + damaged_text(lines, sections)
    # a joined cell whose row was unread after all (its columns contradicted) is not inferred
    cells = dict(iter_cells(record))
    record.inferred[:] = [p for p in record.inferred if cells[p] is not None]
    mark_unread(record, findings)
    if lines and lines[-1].page > 1:  # a paged source: say where each table stands
        record.source.pages = TablePages(**{
            key: sorted({ln.page for ln in region if any(c.kind == NUM for c in ln.cells)}) or None
            for key, region in regions.items()})
    return Extraction(record, findings)
