"""Each cell's status and marks as the downloads give them, by the record's one rule (models.Record.status,
models.flagged_cells): a cell's status for many cells of a record at once, the reports table's lists of cells
by status, and the cells findings flag with their rules."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Mapping

from ..record.models import Record, _cell_plan, flagged_cells, lacking_cells, value_status


def cell_status(listed: Mapping[str, str], lacking: frozenset[str], path: str, value: Any) -> str:
    """A cell's status by models.Record.status's precedence, for many cells of one record at once:
    not_applicable for a cell its edition lacks (lacking_cells), else listed (Record.listed_statuses:
    corrected, inferred, unread, not_applicable), else what its value says (value_status)."""
    return "not_applicable" if path in lacking else listed.get(path) or value_status(value)


_LISTS = ("inferred", "corrected", "unread", "not_applicable")


def status_lists(record: Record) -> dict[str, str]:
    """The reports table's lists of inferred, corrected, unread and not applicable cells, by each cell's
    status (models.Record.status): the record's own lists less a cell another status takes (a cell its
    edition lacks is not applicable whatever a list says, a corrected one corrected), and the cells its
    template edition lacks under not_applicable, so that the data page's rule holds for every column: an
    empty cell is what these lists say of it, and a blank (报告未填报) when none lists it."""
    lacking = lacking_cells(record.template, record.applications_edition)
    listed = record.listed_statuses()

    def status(path: str) -> str:
        return "not_applicable" if path in lacking else listed[path]

    out = {name: [p for p in dict.fromkeys(getattr(record, name)) if status(p) == name] for name in _LISTS}
    held = set(out["not_applicable"])
    out["not_applicable"] += sorted(lacking - held, key=_cell_order().__getitem__)
    return {name: ";".join(paths) for name, paths in out.items()}


def flags(findings: Iterable[tuple[str, str, str | None]], template: str,
          lacking: frozenset[str] | None = None) -> dict[str, list[str]]:
    """The cells of a report of this template edition that findings flag (models.flagged_cells, the report
    page's rule: a cell its edition lacks is not applicable, never flagged), in the template's order, each
    with the rules of the findings that flag it, once each; findings: (rule, severity, path); `lacking`: the
    cells the report lacks (lacking_cells of its edition and its table 三's), else its template's."""
    flagged = flagged_cells((severity, path, rule) for rule, severity, path in findings)
    order, lacking = _cell_order(), lacking_cells(template) if lacking is None else lacking
    return {path: list(dict.fromkeys(flagged[path])) for path in sorted(flagged, key=order.__getitem__)
            if path not in lacking}


@lru_cache(maxsize=1)
def _cell_order() -> dict[str, int]:
    """Each cell's place in the template's order (the downloads' columns and cells table follow it)."""
    return {path: k for k, path in enumerate(p for _, paths, _ in _cell_plan() for p in paths)}
