"""Scanned reports: offline OCR reads them; a number it is unsure of is left blank and flagged,
never published as a guess."""
from __future__ import annotations

import pytest

from builder.record.models import iter_cells
from builder.pipeline import extract_file
from builder.read.ocr_text import layout
from conftest import GOLDEN, REPORTS, ROOT
from golden import golden_cells, load_golden

SCANS = sorted((ROOT / "tests" / "fixtures" / "scan").glob("*.pdf"))


@pytest.fixture(scope="module")
def read():
    pytest.importorskip("rapidocr", reason="the OCR extra is not installed (make test installs it)")
    return {p.stem: extract_file(p) for p in SCANS}


def test_scans_read_with_no_wrong_number_and_at_least_98_percent_of_cells(read):
    right = total = 0
    for name, (record, findings) in read.items():
        assert record.source.format == "pdf-ocr"
        gold = load_golden(GOLDEN / "2023" / f"{name}.gold.yaml")
        got = dict(iter_cells(record))
        for path, want in golden_cells(gold).items():
            total += 1
            have = got[path]
            if want is None:
                right += have is None or path in record.inferred
            elif have is not None:
                assert float(have) == float(want), f"{name}: {path} reads {have}, the report printed {want}"
                right += 1
        assert (record.agency, record.year) == (gold["agency"], gold["year"])
    assert right / total >= 0.98, f"{right}/{total}"


def test_unsure_numbers_are_flagged_not_shown_as_fact(read):
    for name, (record, findings) in read.items():
        flagged = {f.path for f in findings if f.rule == "extract.illegible"}
        for path in flagged:
            # left blank by extraction; filled only where the arithmetic determines it, and marked
            value = dict(iter_cells(record))[path]
            assert value is None or path in record.inferred, path


def test_the_scan_of_a_seed_keeps_its_narrative_and_pages(read):
    record, _ = read["达州市通川区"]
    reference, _ = extract_file(REPORTS / "2023" / "达州市通川区.txt")
    assert "政务公开" in record.narrative.overview
    assert record.source.pages.applications == [2, 3]


def test_layout_straightens_a_rotated_page_and_distrusts_unsure_numbers():
    # a page rotated so that each row climbs 10 px across 1000 px; three cells of one row
    def box(x, y, w=40, h=16):
        slope = 0.01
        return [[x, y - x * slope], [x + w, y - (x + w) * slope], [x + w, y + h - (x + w) * slope],
                [x, y + h - x * slope]]

    boxes = [box(50, 100, 600), box(100, 140), box(500, 140), box(900, 140), box(100, 180)]
    texts = ["这是一行很长的正文用来估计倾斜角度", "规章", "12", "0", "行政许可"]
    scores = [0.99, 0.99, 0.99, 0.5, 0.99]
    lines = layout(boxes, texts, scores, 1000).splitlines()
    assert len(lines) == 3
    assert lines[1].split() == ["规章", "12", "?"]  # one row, the unsure 0 not trusted
    assert layout([box(100, 100)], ["1O"], [0.99], 1000).strip() == "?"  # a letter O among digits
