"""The five seed reports, each exported differently, extract exactly to their golden records."""
from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from builder.record.models import Record, iter_cells
from builder.pipeline import extract_file
from conftest import GOLDEN, REPORTS, ROOT
from golden import differences, golden_cells, load_golden

SEEDS = sorted(GOLDEN.glob("*/*.gold.yaml"))


def source_of(gold_path):
    year = gold_path.parent.name
    name = gold_path.name[: -len(".gold.yaml")]
    return REPORTS / year / f"{name}.txt"


def test_every_seed_has_a_golden_record():
    assert len(SEEDS) == 5
    for gold in SEEDS:
        assert source_of(gold).exists(), gold


@pytest.mark.parametrize("gold_path", SEEDS, ids=lambda p: p.stem)
def test_seed_matches_golden_cell_by_cell(gold_path):
    record, findings = extract_file(source_of(gold_path))
    gold = load_golden(gold_path)
    assert differences(record, gold) == []
    # every golden cell was compared: the 2021 edition's 6 + 3 + 1 + 175 + 15 numbers (and the 2019
    # edition's, blank in both)
    assert len(golden_cells(gold)) == len(dict(iter_cells(record)))
    assert len(dict(iter_cells(record, own=True))) == 200
    assert not [f for f in findings if f.severity == "error"]


@pytest.mark.parametrize("gold_path", SEEDS, ids=lambda p: p.stem)
def test_seed_has_no_arithmetic_findings(gold_path):
    # the five seeds balance; a finding here would be an extraction error
    _, findings = extract_file(source_of(gold_path))
    assert [f.message for f in findings if f.severity != "info"] == []


def test_blank_cells_are_inferred_and_listed():
    record, _ = extract_file(REPORTS / "2023" / "川汇区政府办公室.txt")
    assert sorted(record.inferred) == ["applications.new[0]", "applications.outcomes.disclosed[0]",
                                       "applications.outcomes.partially_disclosed[0]"]
    assert record.applications.new == [6, 0, 0, 0, 0, 0, 6]
    assert record.applications.outcomes.disclosed[0] == 3
    assert record.applications.outcomes.partially_disclosed[0] == 0


def test_narrative_sections_are_kept_as_text():
    record, _ = extract_file(REPORTS / "2023" / "攀枝花市西区人民政府办公室.txt")
    assert record.narrative.overview.startswith("2023年，区政府办公室坚持以习近平新时代")
    assert "政策解读形式单一" in record.narrative.problems
    # the signature under section 六 is not part of its text
    assert record.narrative.other_matters == "本年度未收取信息处理费，无其他需要报告的事项。"
    record, _ = extract_file(REPORTS / "2023" / "达州市通川区.txt")
    assert record.narrative.other_matters == "达州市通川区 2023 年未发出政府信息处理费收费通知，未收取信息处理费。"


def test_source_metadata():
    path = REPORTS / "2023" / "巴州区.txt"
    record, _ = extract_file(path, repo_path="reports/2023/巴州区.txt")
    import hashlib
    assert record.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert record.source.format == "text"
    assert record.source.path == "reports/2023/巴州区.txt"


def test_cli_extract_prints_yaml_that_validates():
    out = subprocess.run([sys.executable, "-m", "builder", "extract", str(REPORTS / "2023" / "达州市通川区.txt")],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    data = yaml.safe_load(out.stdout)
    record = Record.model_validate(data)
    assert record.applications.outcomes.total == [51, 5, 5, 0, 0, 0, 61]
    assert data["article20"]["fees_10k_yuan"] == 1953.86
    assert data["schema"] == 1


def test_committed_records_match_extraction():
    """Each report's YAML record beside its source is what extraction gives (until a person corrects it)."""
    from builder.record.files import find_sources, load_record, record_path
    from builder.record.outcome import record_digest
    for source in find_sources(REPORTS):
        committed = load_record(record_path(source))
        fresh, _ = extract_file(source, repo_path=source.relative_to(ROOT).as_posix())
        assert committed.source.digest == record_digest(committed), source  # untouched since written
        fresh.source.digest = committed.source.digest
        assert committed.dump() == fresh.dump(), f"{source}: run `python -m builder build` and commit the records"
