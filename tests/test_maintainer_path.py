"""The whole maintainer path in a temporary git repository, with the CLI as a maintainer uses it."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_repository

SEED = (ROOT / "reports" / "2023" / "达州市通川区.txt").read_text(encoding="utf-8")


def sh(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GIT_AUTHOR_NAME": "维护者", "GIT_AUTHOR_EMAIL": "m@example.org",
           "GIT_COMMITTER_NAME": "维护者", "GIT_COMMITTER_EMAIL": "m@example.org"}
    out = subprocess.run(list(args), cwd=repo, capture_output=True, text=True, env=env)
    if check and out.returncode != 0:
        raise AssertionError(f"{args} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out


def builder(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return sh(repo, sys.executable, "-m", "builder", *args, "--root", str(repo), check=check)


def site_hashes(repo: Path) -> dict[str, str]:
    return {p.relative_to(repo / "site").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((repo / "site").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = copy_repository(tmp_path_factory.mktemp("site-repo"))
    sh(repo, "git", "init", "-q", "-b", "main")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "the reports so far")
    return repo


def test_the_whole_path(repo, tmp_path):
    # the site as it stands, built twice: byte-identical
    builder(repo, "site", "--site-dir", "site")
    before = site_hashes(repo)
    builder(repo, "site", "--site-dir", "site")
    assert site_hashes(repo) == before

    # a maintainer adds next year's report of one body, commits, and CI checks it
    incoming = tmp_path / "通川区2024年报.txt"
    incoming.write_text(SEED.replace("2023 年政府信息公开工作年度报告", "2024 年政府信息公开工作年度报告", 1),
                        encoding="utf-8")
    added = builder(repo, "add", str(incoming))
    assert "added reports/2024/达州市通川区.txt" in added.stdout
    sh(repo, "git", "add", "reports")
    sh(repo, "git", "commit", "-qm", "添加达州市通川区2024年报告")
    assert sh(repo, "git", "status", "--porcelain").stdout.strip() == ""
    check = builder(repo, "check")
    assert "13 reports: 13 readable, 0 broken" in check.stdout
    # the 2024 report prints 上年结转 1, 2023 carried 4 forward: a warning, shown, not corrected
    assert "across_years.carry" in check.stdout

    builder(repo, "site", "--site-dir", "site")
    after = site_hashes(repo)
    page = repo / "site" / "reports" / "2024" / "达州市通川区" / "index.html"
    assert page.exists()
    ranking = (repo / "site" / "rankings" / "2024" / "index.html").read_text(encoding="utf-8")
    assert "达州市通川区</a>" in ranking
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    # exactly what the new report touches: its page, its body's page, rankings, lists, downloads, search, the
    # feeds of its body, its province and the site
    assert "reports/2023/巴州区/index.html" not in changed
    assert "reports/2023/达州市通川区/index.html" not in changed
    assert {"reports/2024/达州市通川区/index.html", "agencies/达州市通川区/index.html",
            "rankings/2024/index.html", "index.html", "pagefind/pagefind-entry.json"} <= changed
    expected = ("reports", "agencies", "rankings", "regions", "downloads", "pagefind", "index.html", "issues", "data",
                "api", "coverage", "sitemap.xml", "sitemap.xml.gz", "404.html", "compare", "feeds")
    assert not [p for p in changed if p.split("/")[0] not in expected]
    assert {p for p in changed if p.startswith("feeds/")} == {"feeds/all.xml", "feeds/agencies/达州市通川区.xml",
                                                              "feeds/regions/四川省.xml"}
    assert {p for p in changed if p.startswith("compare/")} == {"compare/2024.json"}  # its year's data only

    # a number extracted wrong is corrected by hand in the record; the rebuild keeps and marks it
    record_file = repo / "reports" / "2024" / "达州市通川区.yaml"
    data = yaml.safe_load(record_file.read_text(encoding="utf-8"))
    data["article20"]["licensing"] = 136999
    record_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    builder(repo, "site", "--site-dir", "site")
    kept = yaml.safe_load(record_file.read_text(encoding="utf-8"))
    assert kept["article20"]["licensing"] == 136999
    assert kept["corrected"] == ["article20.licensing"]
    html = page.read_text(encoding="utf-8")
    assert 'class="cell-corrected" title="人工更正' in html and ">136999<" in html
    builder(repo, "site", "--site-dir", "site")  # and again: still kept
    assert yaml.safe_load(record_file.read_text(encoding="utf-8"))["article20"]["licensing"] == 136999

    # the same file added again is refused
    again = builder(repo, "add", str(incoming), check=False)
    assert again.returncode == 1 and "refused" in again.stderr and "already in the repository" in again.stderr
