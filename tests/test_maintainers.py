"""The maintainer's path: add a report, correct a number, re-run; duplicates refused."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
import yaml

from builder.add_report import Refused, add_report
from builder.pipeline import process, process_all
from builder.record.files import load_record
from conftest import REPORTS, ROOT

SEED = (REPORTS / "2023" / "达州市通川区.txt").read_text(encoding="utf-8")
NEXT_YEAR = SEED.replace("2023 年政府信息公开工作年度报告", "2024 年政府信息公开工作年度报告", 1)


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(REPORTS, tmp_path / "reports")
    return tmp_path


def test_add_copies_under_the_naming_convention_with_its_record(repo, tmp_path_factory):
    incoming = tmp_path_factory.mktemp("in") / "download (3).txt"
    incoming.write_text(NEXT_YEAR, encoding="utf-8")
    outcome = add_report(incoming, repo)
    assert outcome.source == repo / "reports" / "2024" / "达州市通川区.txt"
    assert outcome.source.read_bytes() == incoming.read_bytes()
    record = load_record(repo / "reports" / "2024" / "达州市通川区.yaml")
    assert (record.agency, record.year, record.source.path) == ("达州市通川区", 2024, "reports/2024/达州市通川区.txt")
    with pytest.raises(Refused, match="the same file is already in the repository as reports/2024/达州市通川区.txt"):
        add_report(incoming, repo)
    other = incoming.with_name("again.txt")
    other.write_text(NEXT_YEAR + "\n", encoding="utf-8")
    with pytest.raises(Refused, match="达州市通川区 already has a 2024 report: reports/2024/达州市通川区.txt"):
        add_report(other, repo)


def test_add_with_agency_and_year_given(repo, tmp_path_factory):
    incoming = tmp_path_factory.mktemp("in") / "r.txt"
    incoming.write_text(NEXT_YEAR, encoding="utf-8")
    outcome = add_report(incoming, repo, agency="达州市通川区人民政府", year=2024)
    assert outcome.source == repo / "reports" / "2024" / "达州市通川区人民政府.txt"


def test_add_refuses_an_unreadable_report(repo, tmp_path_factory):
    incoming = tmp_path_factory.mktemp("in") / "empty.txt"
    incoming.write_bytes(b"")
    with pytest.raises(Refused, match="empty.txt: the file is empty"):
        add_report(incoming, repo)
    assert not (repo / "reports" / "2023" / "empty.txt").exists()


def test_cli_add_and_refusal(repo, tmp_path_factory):
    incoming = tmp_path_factory.mktemp("in") / "r.txt"
    incoming.write_text(NEXT_YEAR, encoding="utf-8")
    cmd = [sys.executable, "-m", "builder", "add", str(incoming), "--root", str(repo)]
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "added reports/2024/达州市通川区.txt" in first.stdout
    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert second.returncode == 1 and "refused:" in second.stderr


@pytest.mark.parametrize("cache", ["link", "file"])
def test_add_refuses_a_cache_that_is_not_a_folder_and_writes_nothing_through_it(cache, repo, tmp_path_factory):
    """A .cache a commit put there (a link to elsewhere, a file): `add` names it and stops, before it copies
    the report or writes a cache or lock file through the link."""
    outside = tmp_path_factory.mktemp("outside")
    if cache == "link":
        (repo / ".cache").symlink_to(outside, target_is_directory=True)
    else:
        (repo / ".cache").write_text("committed\n", encoding="utf-8")
    incoming = tmp_path_factory.mktemp("in") / "r.txt"
    incoming.write_text(NEXT_YEAR, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "builder", "add", str(incoming), "--root", str(repo)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    what = f"a symbolic link to {outside}" if cache == "link" else "a file, not a folder"
    assert out.stderr.splitlines()[0].startswith(f"error: .cache is {what}: "), out.stderr
    assert list(outside.iterdir()) == [] and not (repo / "reports" / "2024" / "达州市通川区.txt").exists()

def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_hand_correction_survives_and_is_marked(repo):
    source = repo / "reports" / "2023" / "巴州区.txt"
    target = source.with_suffix(".yaml")
    _edit(target, lambda d: d["applications"]["new"].__setitem__(0, 127))
    outcome = process(source, repo, write=True)
    assert outcome.written
    record = load_record(target)
    assert record.applications.new[0] == 127
    assert record.corrected == ["applications.new[0]"]
    # its arithmetic now disagrees: a finding about the record as it stands
    assert any(f.rule == "applications.row_total" for f in outcome.findings)
    again = process(source, repo, write=True)
    assert not again.written and again.record.applications.new[0] == 127


def test_a_listed_correction_survives_a_replaced_source(repo):
    source = repo / "reports" / "2023" / "达州市通川区.txt"
    target = source.with_suffix(".yaml")
    _edit(target, lambda d: d["applications"]["new"].__setitem__(0, 56))
    assert process(source, repo, write=True).record.corrected == ["applications.new[0]"]  # a build lists it
    source.write_text(SEED.replace("行政许可\t136302", "行政许可\t136303"), encoding="utf-8")
    outcome = process(source, repo, write=True)
    record = load_record(target)
    assert record.article20.licensing == 136303  # re-read from the new file
    assert record.applications.new[0] == 56 and record.corrected == ["applications.new[0]"]
    assert any(f.rule == "extract.source_replaced" for f in outcome.findings)


def test_an_unlisted_correction_is_never_read_over_when_the_source_is_replaced(repo):
    # a correction made in GitHub's web editor: no build has listed it (CI never writes back) when the
    # source file is replaced; which cells the person changed cannot be told from what the new file reads
    source = repo / "reports" / "2023" / "达州市通川区.txt"
    target = source.with_suffix(".yaml")
    _edit(target, lambda d: d["applications"]["new"].__setitem__(0, 56))
    before = target.read_text(encoding="utf-8")
    source.write_text(SEED.replace("行政许可\t136302", "行政许可\t136303"), encoding="utf-8")
    outcome = process(source, repo, write=True)
    assert target.read_text(encoding="utf-8") == before  # kept exactly as the person left it
    assert outcome.record.applications.new[0] == 56 and outcome.record.article20.licensing == 136302
    conflicts = {f.path: f.severity for f in outcome.findings if f.rule == "extract.hand_edit_conflict"}
    assert conflicts == {"article20.licensing": "error", "applications.new[0]": "error"}
    assert outcome.failed  # check fails until a person resolves it


def test_a_correction_made_before_an_extractor_change_is_kept_and_never_shown_as_printed(repo, monkeypatch):
    import builder.pipeline as pipeline

    source = repo / "reports" / "2023" / "巴州区.txt"
    target = source.with_suffix(".yaml")
    _edit(target, lambda d: d["applications"]["new"].__setitem__(0, 127))
    monkeypatch.setattr(pipeline, "extractor_version", lambda: "9.9.9+newer")
    outcome = process(source, repo, write=True)
    assert outcome.record.applications.new[0] == 127
    flagged = [f for f in outcome.findings if f.rule == "extract.hand_edit_conflict"]
    assert [f.path for f in flagged] == ["applications.new[0]"] and flagged[0].severity == "warning"


def test_hand_fixed_metadata_and_add_overrides_survive_an_extractor_change(repo, tmp_path, monkeypatch):
    import builder.pipeline as pipeline

    source = repo / "reports" / "2023" / "巴州区.txt"
    target = source.with_suffix(".yaml")
    _edit(target, lambda d: (d.__setitem__("year", 2022), d["source"].__setitem__("published_on", "2023-02-01")))
    assert set(process(source, repo, write=True).record.corrected) >= {"year", "source.published_on"}
    monkeypatch.setattr(pipeline, "extractor_version", lambda: "9.9.9+newer")
    record = process(source, repo, write=True).record
    assert record.year == 2022 and str(record.source.published_on) == "2023-02-01"
    incoming = tmp_path / "r.txt"
    incoming.write_text(NEXT_YEAR, encoding="utf-8")
    monkeypatch.undo()
    added = add_report(incoming, repo, agency="通川区 ", year=2021)
    assert (added.record.agency, added.record.year) == ("通川区", 2021)
    assert {"agency", "year"} <= set(added.record.corrected)
    monkeypatch.setattr(pipeline, "extractor_version", lambda: "9.9.9+newer")
    again = process(added.source, repo, write=True).record
    assert (again.agency, again.year) == ("通川区", 2021)


def test_add_never_writes_over_a_record(repo, tmp_path):
    page = tmp_path / "r.htm"
    page.write_text("<html><body><pre>" + NEXT_YEAR + "</pre></body></html>", encoding="utf-8")
    record = repo / "reports" / "2023" / "巴州区.yaml"
    before = record.read_bytes()
    with pytest.raises(Refused):
        add_report(page, repo, agency="巴州区 ", year=2023)
    assert record.read_bytes() == before
    assert not (repo / "reports" / "2023" / "巴州区.htm").exists()


def test_unchanged_reports_are_not_rewritten(repo):
    outcomes = process_all(repo / "reports", repo, write=True, cache_dir=repo / ".cache")
    assert len(outcomes) == 12 and [o.written for o in outcomes] == [False] * 12  # the seeds and 平潭's reports
    cached = sorted((repo / ".cache").iterdir())
    assert len(cached) == 12
    again = process_all(repo / "reports", repo, write=True, cache_dir=repo / ".cache")
    assert [o.record for o in again] == [o.record for o in outcomes]


def test_a_broken_record_file_is_reported_not_dropped(repo):
    (repo / "reports" / "2023" / "巴州区.yaml").write_text("agency: 巴州区\nyear: twenty\n", encoding="utf-8")
    outcomes = process_all(repo / "reports", repo)
    bad = next(o for o in outcomes if o.source.name == "巴州区.txt")
    assert bad.failed and "schema errors" in bad.error and "year" in bad.error
    assert sum(not o.failed for o in outcomes) == len(outcomes) - 1 == 11


def test_parallel_extraction_gives_the_same_outcomes(repo, monkeypatch):
    import builder.pipeline as pipeline
    serial = process_all(repo / "reports", repo, jobs=1)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    parallel = process_all(repo / "reports", repo, jobs=2)
    assert [(o.source, o.record, o.findings) for o in parallel] == [(o.source, o.record, o.findings) for o in serial]


def test_a_new_extractor_rereads_untouched_records_but_keeps_hand_edited_ones(repo, monkeypatch):
    import builder.pipeline as pipeline
    untouched = repo / "reports" / "2023" / "达州市通川区.txt"
    edited = repo / "reports" / "2023" / "巴州区.txt"
    _edit(edited.with_suffix(".yaml"), lambda d: d["applications"]["new"].__setitem__(0, 127))
    old = load_record(untouched.with_suffix(".yaml"))
    monkeypatch.setattr(pipeline, "extractor_version", lambda: "9.9.9+newer")
    a = process(untouched, repo, write=True)
    assert a.written and load_record(untouched.with_suffix(".yaml")).source.extractor == "9.9.9+newer"
    assert load_record(untouched.with_suffix(".yaml")).applications == old.applications
    b = process(edited, repo, write=True)
    kept = load_record(edited.with_suffix(".yaml"))
    assert kept.applications.new[0] == 127 and kept.source.extractor != "9.9.9+newer"
    conflicts = [f for f in b.findings if f.rule.startswith("extract.")]
    assert [(f.rule, f.path) for f in conflicts] == [("extract.hand_edit_conflict", "applications.new[0]")]


def test_a_source_named_near_the_file_systems_limit(repo):
    """A source's name of 253 bytes: its record (254) is written (through a temporary file of a short name of
    its own); one of 255 bytes, whose record's name (256) no file system takes, is an error naming the record,
    and the other reports publish."""
    original = repo / "reports" / "2023" / "巴州区.txt"
    near = repo / "reports" / "2023" / ("巴州区" + "机" * 80 + ".txt")
    over = repo / "reports" / "2023" / ("巴州区" + "机" * 80 + "ab.txt")
    assert (len(near.name.encode()), len(over.name.encode())) == (253, 255)
    near.write_bytes(original.read_bytes())
    over.write_bytes(original.read_bytes())
    original.unlink()
    (repo / "reports" / "2023" / "巴州区.yaml").unlink()
    outcomes = {o.source.name: o for o in process_all(repo / "reports", repo, write=True)}
    assert not outcomes[near.name].error and (repo / "reports" / "2023" / (near.stem + ".yaml")).exists()
    assert outcomes[over.name].error == f"its record cannot be written as {over.stem}.yaml (File name too long)"
    assert [o.source.name for o in outcomes.values() if o.failed] == [over.name]


def test_a_fresh_checkout_reads_no_report_again_but_the_one_changed(repo):
    """A deploy run checks the repository out afresh: every file has new times but its bytes. The state
    knows an outcome by the sha256 of its source and record then, and reads again only the report whose
    bytes changed (here a record corrected by hand, under the times of the checkout)."""
    import os

    state = repo / ".cache" / "state.json"
    first = process_all(repo / "reports", repo, write=True, state_file=state)
    later = max(p.stat().st_mtime_ns for p in (repo / "reports").rglob("*")) + 10**9

    def checkout() -> None:  # every file written again, as actions/checkout writes it
        for p in (repo / "reports").rglob("*"):
            if p.is_file():
                p.write_bytes(p.read_bytes())
                os.utime(p, ns=(later, later))

    checkout()
    again = process_all(repo / "reports", repo, write=True, state_file=state)
    assert [o for o in again if o.extracted] == [] and [o.record for o in again] == [o.record for o in first]
    _edit(repo / "reports" / "2023" / "巴州区.yaml", lambda d: d["applications"]["new"].__setitem__(0, 127))
    checkout()
    third = process_all(repo / "reports", repo, write=True, state_file=state)
    assert [o.source for o in third if o.extracted] == [repo / "reports" / "2023" / "巴州区.txt"]
    assert next(o for o in third if o.source.name == "巴州区.txt").record.applications.new[0] == 127
    # and the state keeps them under their new times: the next build reads nothing, nor hashes
    assert [o for o in process_all(repo / "reports", repo, write=True, state_file=state) if o.extracted] == []


def test_the_state_file_skips_unchanged_reports_and_sees_changes(repo, monkeypatch):
    state = repo / ".cache" / "state.json"
    first = process_all(repo / "reports", repo, write=True, state_file=state)
    # reports are read in worker processes: what was read again is what says it was extracted
    again = process_all(repo / "reports", repo, write=True, state_file=state)
    assert [o for o in again if o.extracted] == [] and [o.record for o in again] == [o.record for o in first]
    edited = repo / "reports" / "2023" / "巴州区.yaml"
    _edit(edited, lambda d: d["applications"]["new"].__setitem__(0, 127))
    third = process_all(repo / "reports", repo, write=True, state_file=state)
    assert [o.source for o in third if o.extracted] == [repo / "reports" / "2023" / "巴州区.txt"]
    assert next(o for o in third if o.source.name == "巴州区.txt").record.corrected == ["applications.new[0]"]
    # across-year findings are recomputed every time, never accumulated from the state
    assert [len(o.findings) for o in process_all(repo / "reports", repo, state_file=state)] == \
        [len(o.findings) for o in third]


def test_a_second_source_for_the_same_body_and_year_fails_check_naming_both(repo):
    original = repo / "reports" / "2023" / "巴州区.txt"
    shutil.copy(original, repo / "reports" / "2023" / "巴州区-修订版.txt")
    (repo / "reports" / "2023" / "巴州区-修订版.txt").write_text(
        original.read_text(encoding="utf-8").replace("巴州区", "巴州区 ", 1), encoding="utf-8")
    outcomes = process_all(repo / "reports", repo, write=True)
    dup = [o for o in outcomes if any(f.rule == "reports.duplicate" for f in o.findings)]
    assert sorted(o.source.name for o in dup) == ["巴州区-修订版.txt", "巴州区.txt"]
    assert all(o.failed for o in dup)
    message = next(f.message for f in dup[0].findings if f.rule == "reports.duplicate")
    assert "reports/2023/" in message
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(repo)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 1 and "reports.duplicate" in out.stdout


@pytest.mark.parametrize("cut", [0, 0.5, 0.9])
def test_an_empty_or_truncated_record_is_an_error_never_cells_corrected_to_blank(repo, cut):
    source = repo / "reports" / "2023" / "巴州区.txt"
    target = source.with_suffix(".yaml")
    text = target.read_text(encoding="utf-8")
    target.write_text(text[:int(len(text) * cut)], encoding="utf-8")
    broken = target.read_text(encoding="utf-8")
    outcome = process(source, repo, write=True)
    assert outcome.error and outcome.record is None
    assert re.search(r"巴州区\.yaml:\d+: ", outcome.error), outcome.error  # the file and the line
    assert target.read_text(encoding="utf-8") == broken  # never rewritten from a guess


def test_a_hand_filled_not_applicable_cell_has_one_status_corrected(repo):
    """A person types the number a report printed where extraction read "/": the cell is corrected,
    and leaves not_applicable (a cell has exactly one status), on the first build and the next."""
    source = repo / "reports" / "2023" / "达州市通川区.txt"
    disclosed = "三、（一）予以公开\t17\t1\t5\t0\t0\t0\t23"
    source.write_text(source.read_text(encoding="utf-8").replace(disclosed, "三、（一）予以公开\t17\t/\t5\t0\t0\t0\t23"),
                      encoding="utf-8")
    target = source.with_suffix(".yaml")
    target.unlink()
    first = process(source, repo, write=True)
    path = "applications.outcomes.disclosed[1]"
    assert path in first.record.not_applicable
    _edit(target, lambda d: d["applications"]["outcomes"]["disclosed"].__setitem__(1, 1))
    for _ in range(2):
        outcome = process(source, repo, write=True)
        record = load_record(target)
        assert record.applications.outcomes.disclosed[1] == 1
        assert record.corrected == [path] and path not in record.not_applicable
        assert record.status(path) == "corrected"
        # and the page shows what extraction read there: not applicable
        assert any(f.rule == "correction.extracted" and f.path == path and f.message.startswith(
            "extraction reads not_applicable") for f in outcome.findings)


def test_every_module_that_reads_or_extracts_is_part_of_the_extractors_version(tmp_path, monkeypatch):
    # a module added to read/ or extract/ (a fragment's reader, the refusals) decides what a record holds:
    # a change to it must read every record again, without anyone listing it
    from builder.store import versions

    copy = tmp_path / "builder"
    shutil.copytree(ROOT / "builder", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(versions, "_BUILDER", copy)

    def version() -> str:
        versions.extractor_version.cache_clear()
        return versions.extractor_version()

    try:
        before = version()
        for module in ("read/fragments.py", "extract/refusals.py", "extract/a_new_module.py", "record/checks.py"):
            path = copy / module
            path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + "\nCHANGED = 1\n",
                            encoding="utf-8")
            after = version()
            assert after != before, module
            before = after
        (copy / "site" / "views.py").write_text("CHANGED = 1\n", encoding="utf-8")   # pages, not records
        assert version() == before
    finally:
        monkeypatch.undo()
        versions.extractor_version.cache_clear()
