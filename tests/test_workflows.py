"""The CI workflows: valid GitHub Actions (schema and a real linter), and the README's make targets."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def test_workflows_match_the_github_actions_schema():
    out = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                          *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_workflows_pass_the_linter():
    zizmor = shutil.which("zizmor", path=str(BIN)) or "zizmor"
    out = subprocess.run([zizmor, "--offline", "--config", str(ROOT / ".github" / "zizmor.yml"),
                          str(ROOT / ".github" / "workflows")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def _runs(name: str) -> list[str]:
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return [step["run"] for job in wf["jobs"].values() for step in job["steps"] if "run" in step]


def test_ci_runs_what_a_laptop_runs():
    assert _runs("ci.yml") == ["make test", "make check", "make site"]
    assert "make site" in _runs("deploy.yml")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make site" in readme.split("\n\n")[1] and "make test" in readme.split("\n\n")[1]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_pull_requests_check_and_main_deploys_with_the_pages_actions():
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    deploy = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    assert "pull_request" in ci[True]  # YAML 1.1 reads the key `on` as True
    assert deploy[True]["push"]["branches"] == ["main"]
    uses = [s.get("uses", "") for job in deploy["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_a_data_tag_publishes_the_release_its_commit_holds():
    """release.yml: on a tag data-VERSION, the committed release's files made again by the release command
    (--reproduce: checked against its manifest) and uploaded as the tag's GitHub release's assets."""
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    assert wf[True] == {"push": {"tags": ["data-*"]}}
    assert wf["permissions"] == {"contents": "read"}
    job = wf["jobs"]["release"]
    assert job["permissions"] == {"contents": "write"}
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0 and checkout["with"]["persist-credentials"] is False
    runs = _runs("release.yml")
    made = next(k for k, r in enumerate(runs) if "-m builder release" in r)
    assert runs[made] == '.venv/bin/python -m builder release "${TAG#data-}" --reproduce'
    published = next(k for k, r in enumerate(runs) if "gh release create" in r)
    assert made < published and '"$folder"/data/*' in runs[published] and "manifest.json" in runs[published]
    assert runs.index("make check") < made  # the virtual environment and the reports checked first
    # the tag reaches the shell through the environment, never spliced into the script
    assert all("${{" not in r for r in runs)
    from builder.release import TAG_PREFIX
    assert TAG_PREFIX == "data-"


def test_a_site_in_parts_is_made_by_a_matrix_and_joined_by_the_ordinary_build():
    """site-in-parts.yml: a job a part (`--part K/N`, tests/test_parts.py), each uploading its pages, search
    entries and manifest; the join puts them together where a build finds them and runs `make site`."""
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "site-in-parts.yml").read_text(encoding="utf-8"))
    part, join = wf["jobs"]["part"], wf["jobs"]["join"]
    assert "matrix" in part["strategy"] and part["needs"] == "plan" and join["needs"] == "part"
    assert 'make site SITE_ARGS="--part $PART"' in [s.get("run") for s in part["steps"]]
    upload = next(s for s in part["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].split() == ["site", ".cache/search/entries", ".cache/parts"]
    download = next(s for s in join["steps"] if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"] == {"pattern": "part-*", "merge-multiple": True, "path": "."}
    assert "make site" in [s.get("run") for s in join["steps"]]
    assert "$(SITE_ARGS)" in (ROOT / "Makefile").read_text(encoding="utf-8")
