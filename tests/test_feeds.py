"""Atom feeds to follow a body, a province or the whole site (builder/site/feeds.py): each is valid Atom
as a well-kept parser reads it (feedparser), holds the entries the data gives (a report added, a hand
correction, a review flag, a report late or not found past its deadline), keeps each entry's id from one
build to the next, and holds no more than the newest FEED_ENTRIES; a body's page links its feed."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
import yaml

from builder.site import feeds
from builder.site.views import slug
from conftest import REPORTS, build_site_in, copy_repository


def _git(root: Path, *args: str, date: str = "2025-02-01T00:00:00Z") -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin",
                        "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})


def _parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id.startswith(feeds.TAG) and parsed.feed.title and parsed.feed.updated
    for entry in parsed.entries:  # RFC 4287: an entry has an id, a title, an updated date and a link
        assert entry.id.startswith(feeds.TAG) and entry.title and entry.updated and entry.link
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)
    return parsed


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "the reports")
    build_site_in(root, write=True)
    return root


def test_every_feed_is_valid_atom_and_the_site_feed_holds_every_report(built):
    site = built / "site"
    whole = _parse(site / "feeds" / "all.xml")
    reports = [e for e in whole.entries if e.tags[0].term == "report"]
    committed = {p for p in REPORTS.rglob("*") if p.suffix in (".txt", ".html", ".pdf", ".docx", ".md")}
    assert len(reports) == len(committed)
    assert any(e.tags[0].term == "flag" for e in whole.entries)  # the committed reports' review flags
    for path in (site / "feeds").rglob("*.xml"):
        _parse(path)


def test_a_body_feed_holds_its_own_entries_and_its_page_links_it(built):
    body = "平潭综合实验区公安局"
    parsed = _parse(built / "site" / "feeds" / "agencies" / f"{slug(body)}.xml")
    assert {e.title for e in parsed.entries if e.tags[0].term == "report"} == {f"{body} 2021 年报告已收录",
                                                                               f"{body} 2022 年报告已收录"}
    assert all(body in e.title for e in parsed.entries)
    page = (built / "site" / "agencies" / slug(body) / "index.html").read_text(encoding="utf-8")
    href = f"../../feeds/agencies/{slug(body)}.xml"
    assert re.search(rf'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="{re.escape(href)}">', page)
    assert f'<a href="{href}" type="application/atom+xml">订阅' in page


def test_ids_stay_and_a_correction_and_a_new_report_are_new_entries(built, tmp_path):
    root = copy_repository(tmp_path / "repo")
    shutil.rmtree(root / "reports")
    shutil.copytree(built / "reports", root / "reports")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "the reports")
    build_site_in(root, write=True)
    before = {e.id: e.title for e in _parse(root / "site" / "feeds" / "all.xml").entries}
    record = root / "reports" / "2023" / "巴州区.yaml"
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    data["applications"]["new"][0] = 127
    data["corrected"] = ["applications.new[0]"]
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    seed = (REPORTS / "2023" / "达州市通川区.txt").read_text(encoding="utf-8")
    (root / "reports" / "2024").mkdir(exist_ok=True)
    (root / "reports" / "2024" / "达州市通川区.txt").write_text(
        seed.replace("2023 年政府信息公开工作年度报告", "2024 年政府信息公开工作年度报告", 1), encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "巴州区 2023: 本年新收 自然人 127", date="2025-03-01T00:00:00Z")
    build_site_in(root, write=True)
    after = {e.id: e for e in _parse(root / "site" / "feeds" / "all.xml").entries}
    # no entry a reader has seen comes back under another id (older ones leave the bounded feed)
    seen = {title: i for i, title in before.items()}
    assert all(seen.get(e.title, i) == i for i, e in after.items())
    assert all(after[i].title == before[i] for i in set(after) & set(before))
    new = [after[i] for i in set(after) - set(before)]
    kinds = sorted(e.tags[0].term for e in new)
    assert "correction" in kinds and "report" in kinds, [e.title for e in new]
    correction = next(e for e in new if e.tags[0].term == "correction")
    assert correction.title.startswith("巴州区 2023：") and correction.updated.startswith("2025-03-01")
    assert any(e.title == "达州市通川区 2024 年报告已收录" for e in new)


def test_a_feed_holds_only_the_newest_entries():
    import datetime as dt

    many = [feeds.Event(f"{feeds.TAG}x/{k}", "report", "甲局", "甲省", dt.date(2020, 1, 1) + dt.timedelta(days=k),
                        f"报告 {k}", "…", "reports/") for k in range(feeds.FEED_ENTRIES + 30)][::-1]
    parsed = feedparser.parse(feeds.atom("甲局：更新", "feeds/agencies/甲局.xml", many, "公开年报指数").encode())
    assert not parsed.bozo and len(parsed.entries) == feeds.FEED_ENTRIES
    assert parsed.entries[0].title == f"报告 {feeds.FEED_ENTRIES + 29}"
