"""The benchmark's synthetic reports are realistic enough to read: every number extracts exactly."""
from __future__ import annotations

import sys

from builder.record.models import iter_cells
from builder.pipeline import extract_file
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


def test_generated_reports_extract_to_the_numbers_they_were_made_from(tmp_path):
    made = generate(tmp_path, 24, seed=7)
    assert len(made) == 24 and {p.suffix for p, _ in made} == {".txt", ".html"}
    for path, record in made:
        extracted, findings = extract_file(path)
        assert (extracted.agency, extracted.year) == (record.agency, record.year)
        assert dict(iter_cells(extracted)) == dict(iter_cells(record)), path
        assert not [f for f in findings if f.severity != "info"], path
