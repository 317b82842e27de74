"""The seeds re-printed in layouts the seeds do not cover (pdftotext -layout columns, PDF-to-Markdown
pipe tables), with the damage real exports do, extract to the same golden records."""
from __future__ import annotations

import datetime as dt

import pytest

from builder.extract.to_record import extract
from builder.extract.infer import infer
from builder.pipeline import extract_file
from builder.read.sources import read_source
from conftest import GOLDEN, REPORTS
from golden import differences, load_golden
from layouts import LAYOUTS, Options

SEEDS = sorted(p.name[: -len(".gold.yaml")] for p in (GOLDEN / "2023").glob("*.gold.yaml"))
DAMAGE = {
    "clean": Options(footer=False),
    "page-break": Options(),
    "blank-column": Options(blank_columns=(2,)),
    "two-blank-columns": Options(blank_columns=(3, 4)),
    "labels-missing": Options(drop_labels=("applications.new", "applications.outcomes.unable.needs_creation",
                                           "applications.outcomes.other.misc")),
    "labels-misprinted": Options(misprint={"applications.outcomes.other.misc": "3.其它",
                                           "applications.outcomes.withheld.query_matters": "8.属于行政査询事項",
                                           "applications.carried_forward": "四、结转下年度继续力理"}),
    "generic-headers": Options(generic_headers=True),
    "signed": Options(date_line="2024年1月22日"),
}


def _extract(text: str):
    source = read_source("fixture", text.encode("utf-8"))
    extraction = extract(source)
    findings = extraction.findings + infer(extraction.record)
    return extraction.record, findings


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("seed", SEEDS)
def test_layout_extracts_to_golden(seed, layout, damage):
    reference, _ = extract_file(REPORTS / "2023" / f"{seed}.txt")
    gold = load_golden(GOLDEN / "2023" / f"{seed}.gold.yaml")
    opts = DAMAGE[damage]
    gold["published_on"] = dt.date(2024, 1, 22) if opts.date_line else reference.source.published_on
    for c in opts.blank_columns:  # a column printed blank is blank in the golden record too
        for path in ("new", "carried_over", "carried_forward"):
            gold["applications"][path][c] = None
        for key, value in gold["applications"]["outcomes"].items():
            rows = value.values() if isinstance(value, dict) else [value]
            for row in rows:
                row[c] = None
    record, findings = _extract(LAYOUTS[layout](reference, opts))
    assert differences(record, gold) == []
    assert not [f for f in findings if f.severity == "error"]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_older_template_collapsed_row_is_kept_as_printed_never_spread_over_the_new_rows(layout):
    reference, _ = extract_file(REPORTS / "2023" / "达州市通川区.txt")
    record, findings = _extract(LAYOUTS[layout](reference, Options(collapse_other=True)))
    # （六）其他处理 printed as one row (the 2019 edition's) in a 2021 report: its numbers are kept as that
    # row, printed; they belong to none of the three rows the report does not print (not applicable)
    other = record.applications.outcomes.other
    assert other.undivided == [1, 0, 0, 0, 0, 0, 1]
    assert record.status("applications.outcomes.other.undivided[6]") == "printed"
    assert other.no_correction == other.unpaid_fee == other.misc == [None] * 7
    assert record.status("applications.outcomes.other.misc[0]") == "not_applicable"
    assert record.applications.outcomes.total == [51, 5, 5, 0, 0, 0, 61]
    assert any(f.rule == "extract.other_edition" for f in findings)
    assert not [p for p in record.inferred if ".other." in p]


def test_layout_with_a_blank_column_keeps_the_other_columns_in_place():
    reference, _ = extract_file(REPORTS / "2023" / "达州市通川区.txt")
    record, _ = _extract(LAYOUTS["pdftotext-layout"](reference, Options(blank_columns=(2,))))
    # the 科研机构 column is blank; the row totals determine it, so it is inferred and listed
    assert record.applications.new == [55, 4, 5, 0, 0, 0, 64]
    assert "applications.new[2]" in record.inferred
    assert record.applications.outcomes.disclosed == [17, 1, 5, 0, 0, 0, 23]
