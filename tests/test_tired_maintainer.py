"""A tired maintainer's mistakes, and a stranger's tricks on the records, lose nothing and say what
happened: two sources that would share one record, a report filed under reports/registry/, a record left
behind by a rename, a record typed by hand beside a file no extraction reads, an impossible date, a
correction made in the same build as an extractor change, a disk that fills up, a sealing key cut short.
Each test builds its own small repository from the committed reports."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from builder.pipeline import process, process_all
from builder.record.files import find_sources, load_record, orphaned_records, refused_files
from conftest import REPORTS, ROOT

SEED = REPORTS / "2023" / "巴州区.txt"
OTHER = REPORTS / "2023" / "达州市通川区.txt"


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(REPORTS, tmp_path / "reports")
    return tmp_path


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _cli(repo: Path, *args: str, env: dict | None = None, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", *args, "--root", str(repo)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, preexec_fn=preexec)


# --- one record per source -------------------------------------------------------------------------

def test_two_sources_that_would_share_a_record_are_both_refused(repo):
    folder = repo / "reports" / "2023"
    shutil.copy(OTHER, folder / "巴州区.md")  # another body's report saved under the same stem
    refused = {p.name: why for p, why in refused_files(repo / "reports")}
    assert set(refused) == {"巴州区.txt", "巴州区.md"}
    assert "巴州区.md and 巴州区.txt would share one record, 巴州区.yaml" in refused["巴州区.txt"]
    assert not {p.name for p in find_sources(repo / "reports")} & {"巴州区.txt", "巴州区.md"}
    done = _cli(repo, "check")
    assert done.returncode == 1 and "reports/2023/巴州区.md:1: error: 巴州区.md and 巴州区.txt would share" in done.stdout


def test_a_report_under_the_registry_folder_is_refused_and_the_registries_still_load(repo):
    shutil.copy(SEED, repo / "reports" / "registry" / "巴州区.txt")
    assert [(p.name, "reports/registry/" in why) for p, why in refused_files(repo / "reports")] == [("巴州区.txt", True)]
    outcomes = process_all(repo / "reports", repo, write=True)
    assert not any("registry" in o.source.parts for o in outcomes)
    assert not (repo / "reports" / "registry" / "巴州区.yaml").exists()
    done = _cli(repo, "check")
    assert done.returncode == 1 and "reports/registry/巴州区.txt:1: error: a report under reports/registry/" in done.stdout
    assert "registry is wrong" not in done.stdout + done.stderr


@pytest.mark.parametrize("mistake", ["source renamed", "source deleted", "record renamed"])
def test_a_record_left_behind_is_named_with_the_corrections_it_holds(repo, mistake):
    source = repo / "reports" / "2023" / "巴州区.txt"
    record = source.with_suffix(".yaml")
    _edit(record, lambda d: (d["applications"]["new"].__setitem__(0, 127), d.__setitem__("corrected", ["applications.new[0]"])))
    assert process(source, repo, write=True).record.applications.new[0] == 127
    left = record
    if mistake == "source renamed":
        source.rename(source.with_name("巴州区人民政府.txt"))
    elif mistake == "source deleted":
        source.unlink()
    else:
        left = record.rename(record.with_name("巴州区2023.yaml"))
    assert [(p.name, "applications.new[0] = 127" in why) for p, why in orphaned_records(repo / "reports")] \
        == [(left.name, True)]
    done = _cli(repo, "check")
    assert done.returncode == 1
    assert f"reports/2023/{left.name}:1: error: a record with no source file" in done.stdout
    assert "it holds the corrections applications.new[0] = 127" in done.stdout


def test_the_committed_repository_has_no_orphaned_record():
    assert orphaned_records(REPORTS) == [] and refused_files(REPORTS) == []


# --- what no extraction read is never "printed" ------------------------------------------------------

def test_a_record_typed_by_hand_beside_an_unreadable_file_says_a_person_set_its_cells(repo):
    source = repo / "reports" / "2023" / "巴州区.txt"
    record_file = source.with_suffix(".yaml")
    source.write_bytes(b"\x00" * 64)  # no extraction reads this (a binary file)
    _edit(record_file, lambda d: d["source"].__setitem__("sha256", hashlib.sha256(source.read_bytes()).hexdigest()))
    outcome = process(source, repo, write=True)
    assert outcome.error is None and not outcome.failed
    record = outcome.record
    assert record.applications.new[6] is not None and record.status("applications.new[6]") == "corrected"
    printed = [p for p in record.corrected if record.status(p) == "printed"]
    assert printed == [] and len(record.corrected) >= 190
    assert any(f.rule == "extract.unreadable" and f.severity == "warning" and "set by a person" in f.message
               for f in outcome.findings)
    assert "corrected" not in yaml.safe_load(record_file.read_text(encoding="utf-8")) or \
        not yaml.safe_load(record_file.read_text(encoding="utf-8"))["corrected"]  # the file stays as typed


def test_a_correction_made_in_the_same_build_as_an_extractor_change_is_shown_as_corrected(repo, monkeypatch):
    import builder.pipeline as pipeline

    source = repo / "reports" / "2023" / "巴州区.txt"
    record_file = source.with_suffix(".yaml")
    _edit(record_file, lambda d: d["applications"]["new"].__setitem__(0, 127))  # not listed under corrected
    before = record_file.read_bytes()
    monkeypatch.setattr(pipeline, "extractor_version", lambda: "9.9.9+newer")
    outcome = process(source, repo, write=True)
    assert outcome.record.applications.new[0] == 127
    assert outcome.record.status("applications.new[0]") == "corrected"
    assert [f.path for f in outcome.findings if f.rule == "extract.hand_edit_conflict"] == ["applications.new[0]"]
    assert record_file.read_bytes() == before  # left as the person left it until a person resolves it


# --- dates held to the rules extraction and registries follow ----------------------------------------

@pytest.mark.parametrize("field,date,words", [("published_on", "1900-01-01", "before the year it reports on (2023)"),
                                              ("posted_on", "2022-12-31", "before the year it reports on (2023)"),
                                              ("published_on", "2099-01-01", "more than 3 years after")])
def test_an_impossible_date_is_an_error_never_on_time(repo, field, date, words):
    source = repo / "reports" / "2023" / "巴州区.txt"
    _edit(source.with_suffix(".yaml"), lambda d: d["source"].__setitem__(field, date))
    outcome = process(source, repo, write=False)
    found = [f for f in outcome.findings if f.rule == "record.date_out_of_range"]
    assert found and found[0].severity == "error" and words in found[0].message and outcome.failed
    done = _cli(repo, "check")
    assert done.returncode == 1 and "record.date_out_of_range" in done.stdout


def test_a_registry_date_follows_the_same_rule(repo):
    registry = next((repo / "reports" / "registry").glob("*.yaml"))
    text = registry.read_text(encoding="utf-8")
    head, sep, rest = text.partition("posted: ")
    registry.write_text(head + sep + "2099-01-01" + rest[10:], encoding="utf-8")
    done = _cli(repo, "check")
    assert done.returncode == 1 and "more than 3 years after the year it reports on" in done.stdout


# --- a full disk -------------------------------------------------------------------------------------

def _file_size_limit(limit: int):
    """A child process whose files cannot grow past `limit` bytes: each write beyond fails as a full disk
    would (EFBIG instead of ENOSPC: the same path through the code)."""
    def apply():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name.endswith(".tmp"))


def test_add_on_a_full_disk_adds_nothing_and_says_so(repo, tmp_path):
    incoming = tmp_path / "in" / "r.txt"
    incoming.parent.mkdir()
    incoming.write_text(OTHER.read_text(encoding="utf-8").replace("2023 年政府信息公开工作年度报告", "2024 年政府信息公开工作年度报告", 1),
                        encoding="utf-8")
    before = sorted(p.relative_to(repo) for p in (repo / "reports").rglob("*"))
    done = subprocess.run([sys.executable, "-m", "builder", "add", str(incoming), "--root", str(repo)], cwd=ROOT,
                          capture_output=True, text=True, preexec_fn=_file_size_limit(2000))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "cannot read the file" not in done.stderr
    assert "cannot write reports/2024/达州市通川区.txt" in done.stderr and "nothing was added" in done.stderr
    assert sorted(p.relative_to(repo) for p in (repo / "reports").rglob("*")) == before


def test_a_build_on_a_full_disk_says_so_and_leaves_no_half_file(repo):
    records = {p: p.read_bytes() for p in (repo / "reports").rglob("*.yaml")}
    for p in (repo / "reports").rglob("*.yaml"):
        if p.parent.name != "registry" and p.name != "agencies.yaml":
            _edit(p, lambda d: d["source"].__setitem__("extractor", "0.0.0+old"))  # each record is written again
    edited = {p: p.read_bytes() for p in records}
    done = subprocess.run([sys.executable, "-m", "builder", "build", "--root", str(repo)], cwd=ROOT,
                          capture_output=True, text=True, preexec_fn=_file_size_limit(3000))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "the builder failed on this file" not in done.stdout
    assert "its record cannot be written as 巴州区.yaml (File too large)" in done.stdout
    assert {p: p.read_bytes() for p in records} == edited  # every record whole: as it was
    assert _leftovers(repo) == []


# --- the caches' seal -----------------------------------------------------------------------------------

_FORGE = """
import hashlib, sys
from pathlib import Path
import orjson
from builder.store import sealed
data = orjson.dumps({"record": 7777777})
forged = hashlib.blake2b(data, key=b"", digest_size=32).hexdigest().encode() + b"\\n" + data
Path(sys.argv[1]).write_bytes(forged)
print(sealed.load_cache(Path(sys.argv[1])))
"""


def test_a_key_file_cut_short_is_replaced_and_seals_nothing(tmp_path):
    key = tmp_path / "cache-key"
    key.write_bytes(b"")  # a disk full or a kill when it was first made
    done = subprocess.run([sys.executable, "-c", _FORGE, str(tmp_path / "entry.json")], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "DISCLOSURE_INDEX_CACHE_KEY": str(key)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"  # the entry sealed with an empty key is not trusted
    assert len(key.read_bytes()) == 32 and oct(key.stat().st_mode & 0o777) == "0o600"


def test_the_deploy_workflow_keeps_the_sealing_key_out_of_the_actions_cache():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    cached = "\n".join(s["with"]["path"] for s in steps if "actions/cache" in s.get("uses", ""))
    assert "disclosure-index" not in cached and "cache-key" not in cached
    key_step = next(s for s in steps if "CACHE_SEAL_KEY" in str(s.get("env", {})))
    assert key_step["env"]["CACHE_SEAL_KEY"] == "${{ secrets.CACHE_SEAL_KEY }}"
    assert "RUNNER_TEMP" in key_step["run"] and "DISCLOSURE_INDEX_CACHE_KEY" in key_step["run"]
