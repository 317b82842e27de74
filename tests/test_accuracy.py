"""The extractor's accuracy, measured as the site publishes it (数据准确性, builder/site/accuracy.py): every
gold record the repository ships (tests/cases, tests/real/pingtan, tests/golden for the committed seeds)
read again and scored cell by cell by the tests' own scoring (test_cases.score), per source format; the figures left in test-output/accuracy.json for
the build, which publishes them only for its own extractor, and says they are missing otherwise."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from builder.read.text import ReportError
from builder.site.accuracy import ACCURACY_FILE, Accuracy, load_accuracy
from builder.store.versions import extractor_version
from conftest import REPORTS, ROOT, build_site_in, copy_repository, extract_once
from golden import golden_cells, load_golden
from test_cases import score

TESTS = Path(__file__).resolve().parent
GOLD = [*sorted((TESTS / "cases").glob("*.gold.yaml")), *sorted((TESTS / "real" / "pingtan").glob("*.gold.yaml")),
        *sorted((TESTS / "golden").rglob("*.gold.yaml"))]


def _source(gold: Path) -> Path:
    stem = gold.name[: -len(".gold.yaml")]
    if gold.parent.parent.name == "golden":  # tests/golden/YEAR/BODY: the committed seed reports/YEAR/BODY.*
        return next(p for p in (REPORTS / gold.parent.name).glob(stem + ".*") if p.suffix != ".yaml")
    return next(p for p in gold.parent.glob(stem + ".*") if not p.name.endswith(".yaml"))


def measure() -> Accuracy:
    """Every gold record's report extracted and scored by the tests' own scoring (test_cases.score: cell by
    cell, statuses as well as values), tallied by its source's format."""
    counts: dict[str, Counter] = {}
    for gold_path in GOLD:
        source = _source(gold_path)
        if source.suffix == ".pdf" and "scan" in source.name:
            pytest.importorskip("rapidocr", reason="the OCR extra is not installed (make test installs it)")
        result = extract_once(source)
        if isinstance(result, ReportError):  # refused: every cell it printed is lost without a word
            want = golden_cells(load_golden(gold_path))
            fmt = {".txt": "text", ".html": "html", ".docx": "docx", ".doc": "html"}.get(source.suffix, "pdf")
            tally = counts.setdefault(fmt, Counter())
            tally.update(reports=1, cells=len(want), silent=sum(v is not None for v in want.values()))
            continue
        exact, total, wrong, silent, blank_unread = score(gold_path.name[: -len(".gold.yaml")], result, gold_path.parent)
        wrong_cells = len([w for w in wrong if not w.startswith("agency/year")])  # a name is no cell
        tally = counts.setdefault(result[0].source.format, Counter())
        tally.update(reports=1, cells=total, exact=exact, wrong=wrong_cells, silent=len(silent),
                     blank_as_unread=len(blank_unread),
                     unread=total - exact - wrong_cells - len(silent) - len(blank_unread))
    order = ["text", "html", "docx", "pdf", "pdf-ocr"]
    return Accuracy(extractor=extractor_version(), measured_on=dt.date.today().isoformat(),
                    tallies=[{"format": f, **{k: counts[f][k] for k in ("reports", "cells", "exact", "wrong", "unread",
                                                                          "silent", "blank_as_unread")}}
                             for f in order if f in counts])


@pytest.fixture(scope="module")
def measured() -> Accuracy:
    accuracy = measure()
    (ROOT / ACCURACY_FILE).parent.mkdir(exist_ok=True)
    (ROOT / ACCURACY_FILE).write_text(accuracy.model_dump_json(indent=1), encoding="utf-8")  # for the build
    return accuracy


def test_every_gold_record_is_scored_and_no_number_is_wrong(measured):
    total = measured.total
    assert total.reports == len(GOLD) and total.cells >= 190 * len(GOLD)
    assert total.wrong == 0 and total.silent == 0
    assert {t.format for t in measured.tallies} >= {"text", "html", "docx", "pdf"}


def test_the_page_publishes_exactly_what_the_tests_measured(measured, tmp_path):
    root = copy_repository(tmp_path / "repo")
    (root / ACCURACY_FILE).parent.mkdir()
    (root / ACCURACY_FILE).write_text(measured.model_dump_json(), encoding="utf-8")
    build_site_in(root)
    page = (root / "site" / "accuracy" / "index.html").read_text(encoding="utf-8")
    total = measured.total
    for t, cell, name in [*((t, "td", t.name) for t in measured.tallies), (total, "th", "合计")]:
        row = "".join(f"<{cell}>{v}</{cell}>" for v in (name, t.reports, t.cells, t.exact, t.wrong, t.unread, t.silent,
                                                        t.blank_as_unread, t.share))
        assert row in page, row
    assert measured.extractor in page


@pytest.mark.parametrize("case", ["none", "another extractor", "not figures"])
def test_a_build_without_this_extractors_figures_says_they_are_missing(case, tmp_path, measured):
    if case != "none":
        (tmp_path / ACCURACY_FILE).parent.mkdir()
        data = json.loads(measured.model_dump_json())
        if case == "another extractor":
            data["extractor"] = "0.0.1+old"
        else:
            data["tallies"] = "<script>"
        (tmp_path / ACCURACY_FILE).write_text(json.dumps(data), encoding="utf-8")
    accuracy, why = load_accuracy(tmp_path)
    assert accuracy is None and "数字缺失，不显示旧数字" in why
