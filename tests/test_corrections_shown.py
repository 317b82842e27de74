"""Corrections in the open: a corrected cell shows what extraction reads beside the correction, and
the commit (date, hash, subject) that made it, on the report's page and its body's page."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from builder.index import history
from builder.pipeline import process_all
from builder.record.files import load_yaml
from builder.site.build import build_site
from conftest import copy_repository

GIT = ["git", "-c", "user.name=Maintainer", "-c", "user.email=m@example.org", "-c", "commit.gpgsign=false"]


def _git(root: Path, *args: str, date: str | None = None) -> str:
    env = {"GIT_AUTHOR_DATE": f"{date}T12:00:00Z", "GIT_COMMITTER_DATE": f"{date}T12:00:00Z"} if date else {}
    import os
    return subprocess.run([*GIT, "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **env}).stdout.strip()


def _correct(record: Path, path_re: str, old: str, new: str, listed: str) -> None:
    """Change one value in a record's YAML text and list the path under corrected (as a maintainer
    does in GitHub's editor)."""
    text = record.read_text(encoding="utf-8")
    text, n = re.subn(path_re, lambda m: m.group(0).replace(old, new, 1), text, count=1)
    assert n == 1
    text = text.replace("corrected: []", f"corrected: ['{listed}']")
    record.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path):
    root = copy_repository(tmp_path / "repo")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Reports of 2023", date="2024-03-01")
    return root


def _page(root: Path, rel: str) -> str:
    return (root / "content" / rel).read_text(encoding="utf-8")


def test_a_corrected_cell_shows_the_extracted_value_and_its_commit(repo):
    record = repo / "reports" / "2023" / "巴州区.yaml"
    data = load_yaml(record.read_text(encoding="utf-8"))
    extracted = data["applications"]["new"][0]
    _correct(record, r"(?m)^  new: \[[^\]]*\]", f"[{extracted},", f"[{extracted + 5},", "applications.new[0]")
    _git(repo, "commit", "-q", "-am", "巴州区 2023: 自然人新收申请按原文更正", date="2024-04-02")
    commit = _git(repo, "rev-parse", "--short=10", "HEAD")

    outcomes = process_all(repo / "reports", repo)
    build_site(outcomes, repo, repo / "content")
    page = _page(repo, "reports/2023/巴州区.md")
    # the cell: the corrected value, its status, and what extraction reads beside it
    cell = re.search(r'<td class="cell-corrected[^"]*" title="([^"]*)">(\d+)<span class="cell-was">提取：(\d+)</span></td>',
                     page)
    assert cell and cell.group(2) == str(extracted + 5) and cell.group(3) == str(extracted)
    assert f"自动提取读作 {extracted}" in cell.group(1)
    # the list of corrections: which cell, the values, when and in which commit
    assert "## 人工更正" in page
    row = re.search(r"<tr><td class=\"text\"><span class=\"cell-name\" title=\"applications.new\[0\]\">"
                    r"一、本年新收政府信息公开申请数量 · 自然人</span></td><td>(\d+)</td><td>(\d+)</td>"
                    r"<td class=\"date\">([\d-]+)</td><td class=\"text\"><code>(\w+)</code> ([^<]*)</td></tr>", page)
    assert row and row.groups() == (str(extracted + 5), str(extracted), "2024-04-02", commit,
                                    "巴州区 2023: 自然人新收申请按原文更正")
    agency = _page(repo, "agencies/巴州区.md")
    assert "一、本年新收政府信息公开申请数量 · 自然人" in agency and commit in agency and "2023 年" in agency
    # a body without corrections says so
    assert "这个机关的报告没有人工更正的数字" in _page(repo, "agencies/达州市通川区.md")
    assert "## 人工更正" not in _page(repo, "reports/2023/达州市通川区.md")

    # a later commit that touches the record elsewhere does not move the correction's date
    text = record.read_text(encoding="utf-8").replace("corrected: ['applications.new[0]']",
                                                      "corrected: ['applications.new[0]']\n# checked again")
    record.write_text(text, encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "a comment", date="2024-05-01")
    changes = history.corrections(repo, record, ["applications.new[0]"])
    assert changes["applications.new[0]"] == history.Change(commit, "2024-04-02", "巴州区 2023: 自然人新收申请按原文更正")


def test_an_uncommitted_or_cut_history_correction_has_no_commit_not_a_wrong_one(repo, tmp_path):
    record = repo / "reports" / "2023" / "巴州区.yaml"
    data = load_yaml(record.read_text(encoding="utf-8"))
    extracted = data["applications"]["new"][0]
    _correct(record, r"(?m)^  new: \[[^\]]*\]", f"[{extracted},", f"[{extracted + 5},", "applications.new[0]")
    # not committed yet: unknown
    assert history.corrections(repo, record, ["applications.new[0]"]) == {"applications.new[0]": None}
    outcomes = process_all(repo / "reports", repo)
    build_site(outcomes, repo, repo / "content")
    assert "提交记录不可得" in _page(repo, "reports/2023/巴州区.md")
    # committed, then seen from a shallow clone whose history starts after the correction
    _git(repo, "commit", "-q", "-am", "correction", date="2024-04-02")
    record.write_text(record.read_text(encoding="utf-8") + "# later\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "later", date="2024-05-01")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    history._shallow.cache_clear()
    assert history.corrections(shallow, shallow / "reports" / "2023" / "巴州区.yaml",
                               ["applications.new[0]"]) == {"applications.new[0]": None}
    # and outside any repository
    assert history.corrections(tmp_path, tmp_path / "x.yaml", ["applications.new[0]"]) == {"applications.new[0]": None}
