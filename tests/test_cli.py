"""The command line: schema, check across years, exit codes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

from builder.record.models import Record
from conftest import REPORTS, ROOT


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True)


def test_schema_is_derived_from_the_models():
    out = run("schema")
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    assert schema == json.loads(json.dumps(Record.model_json_schema(by_alias=True) | {
        "$schema": "https://json-schema.org/draft/2020-12/schema"}))
    assert set(schema["required"]) >= {"agency", "year", "source"}
    assert {"schema", "article20", "applications", "review_litigation", "inferred"} <= set(schema["properties"])


def test_check_reports_the_carry_between_years(tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports, ignore=shutil.ignore_patterns("*.yaml"))
    text = (REPORTS / "2023" / "达州市通川区.txt").read_text(encoding="utf-8")
    (reports / "2024").mkdir(exist_ok=True)
    # the same body a year later, printing 上年结转 1 where 2023 carried 4 forward
    (reports / "2024" / "达州市通川区.txt").write_text(text.replace("2023 年政府信息公开", "2024 年政府信息公开", 1),
                                                  encoding="utf-8")
    out = run("check", "--root", str(tmp_path))
    assert out.returncode == 0, out.stdout  # arithmetic findings are warnings
    carry = [ln for ln in out.stdout.splitlines() if "across_years.carry" in ln]
    assert carry and all(ln.startswith("reports/2024/达州市通川区.txt: warning") for ln in carry)
    assert any("applications.carried_over[6]" in ln and "2023 carried forward 4" in ln for ln in carry)
    strict = run("check", "--root", str(tmp_path), "--strict")
    assert strict.returncode == 1


def test_usage_errors_exit_2(tmp_path):
    assert run("check", "--root", str(tmp_path)).returncode == 2
    assert run("no-such-command").returncode == 2


def test_check_prints_github_annotations_on_the_record_line(tmp_path):
    import os
    import yaml
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports)
    target = reports / "2023" / "巴州区.yaml"
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    data["review_litigation"]["review"][4] = 5  # printed 4; the parts give 4
    data["corrected"] = ["review_litigation.review[4]"]
    from builder.record.files import to_yaml
    target.write_text(to_yaml(Record.model_validate(data)), encoding="utf-8")
    (reports / "2023" / "empty.txt").write_bytes(b"")
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ, "GITHUB_ACTIONS": "true"})
    lines = out.stdout.splitlines()
    review_line = next(k for k, ln in enumerate(target.read_text(encoding="utf-8").splitlines(), 1)
                       if ln.strip().startswith("review:"))
    assert any(ln.startswith(f"::warning file=reports/2023/巴州区.yaml,line={review_line},"
                             "title=review_litigation.row_total::") for ln in lines), out.stdout
    assert "::error file=reports/2023/empty.txt,line=1,title=unreadable report::the file is empty" in lines


def test_check_warns_of_agencies_entries_without_reports_and_bodies_without_entries(tmp_path):
    import shutil

    from conftest import REPORTS

    shutil.copytree(REPORTS, tmp_path / "reports")
    agencies = tmp_path / "reports" / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8").replace("巴州区: {", "巴州区　: {")  # a full-width space: same body
    text = "\n".join(line for line in text.splitlines() if not line.startswith("川汇区政府办公室"))
    agencies.write_text(text + "\n青禾县自然资源局: {region: 某省某县, level: 县级, kind: department}\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "entry '青禾县自然资源局' matches no report" in out.stdout
    assert "'川汇区政府办公室' has no entry" in out.stdout
    assert "巴州区" not in out.stdout.replace("reports/2023/巴州区", "")
