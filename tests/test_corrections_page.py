"""The site-wide list of corrections (更正记录, corrections/): every hand-corrected cell of every record,
newest first, each with its body, year, the cell's Chinese name, the corrected and the extracted value,
and the commit that made it with its date; linked from the report pages and the data page, and found by
the site's search."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from builder.index.wording import cell_name
from builder.record.files import load_record, load_yaml, record_path
from builder.site.views import report_url
from conftest import build_site_in, copy_repository
from test_corrections_shown import _correct, _git


def _rows(root: Path) -> list[list[str]]:
    doc = lxml_html.fromstring((root / "site" / "corrections" / "index.html").read_text(encoding="utf-8"))
    return [[td.text_content().strip() for td in tr.xpath("./td")]
            for tr in doc.xpath('//table[contains(@class, "corrections")]/tbody/tr')]


def _corrected(root: Path) -> set[tuple[str, str, str]]:
    """(body, year, cell name) of every corrected cell of the records under reports/."""
    out = set()
    for path in (root / "reports").glob("2*/*.yaml"):
        record = load_record(path)
        out |= {(record.agency, f"{record.year} 年", cell_name(p)) for p in record.corrected}
    return out


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    build_site_in(root)
    return root


def test_the_committed_records_corrections_are_listed_and_the_page_is_linked(committed):
    root = committed
    rows = _rows(root)
    assert {(r[1], r[2], r[3]) for r in rows} == _corrected(root)
    page = (root / "site" / "corrections" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "更正记录" in page
    if not rows:
        assert "目前没有人工更正的数字" in page
    # in the site's navigation, and linked from the data page and every report page
    nav = lxml_html.fromstring((root / "site" / "index.html").read_text(encoding="utf-8"))
    assert nav.xpath('//nav[contains(@class, "md-nav--primary")]//a[normalize-space(.)="更正记录"]')
    for rel in ["data/index.html"] + [report_url(load_record(p)).replace(".md", "/index.html")
                                      for p in sorted((root / "reports").glob("2*/*.yaml"))]:
        doc = lxml_html.fromstring((root / "site" / rel).read_text(encoding="utf-8"))
        links = [a.get("href") for a in doc.xpath("//a[@href]")]
        assert any(re.fullmatch(r"(\.\./)*corrections/", h) for h in links), rel


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """A repository whose history holds two corrections: 巴州区 2023's 自然人新收申请 on 2024-04-02, then
    达州市通川区 2023's 行政复议 总计 on 2024-05-09."""
    root = copy_repository(tmp_path_factory.mktemp("corrected"))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Reports of 2023", date="2024-03-01")
    made = []
    for body, line, path, subject, date in (
            ("巴州区", r"(?m)^  new: \[[^\]]*\]", "applications.new[0]", "巴州区 2023：自然人新收申请按原文更正", "2024-04-02"),
            ("达州市通川区", r"(?m)^  review: \[[^\]]*\]", "review_litigation.review[4]", "通川区 2023：行政复议总计按原文更正",
             "2024-05-09")):
        record = root / "reports" / "2023" / f"{body}.yaml"
        data = load_yaml(record.read_text(encoding="utf-8"))
        key, index = ((("applications", "new"), 0) if path.startswith("applications")
                      else (("review_litigation", "review"), 4))
        row = data[key[0]][key[1]]
        old = row[index]
        new = old + 7
        text = re.sub(line, lambda m: m.group(0).replace(
            ", ".join(str(v) for v in row), ", ".join(str(new if k == index else v) for k, v in enumerate(row)), 1),
            record.read_text(encoding="utf-8"), count=1)
        record.write_text(text.replace("corrected: []", f"corrected: ['{path}']"), encoding="utf-8")
        _git(root, "commit", "-q", "-am", subject, date=date)
        made.append((body, path, str(new), str(old), subject, date, _git(root, "rev-parse", "--short=10", "HEAD")))
    build_site_in(root)
    return root, made


def test_every_correction_is_listed_newest_first_with_its_values_and_commit(corrected):
    root, made = corrected
    rows = _rows(root)
    assert {(r[1], r[2], r[3]) for r in rows} == _corrected(root) and len(rows) == 2
    # newest first: 通川区's (2024-05-09), then 巴州区's (2024-04-02)
    for row, (body, path, new, old, subject, date, commit) in zip(rows, reversed(made)):
        assert row[:6] == [date, body, "2023 年", cell_name(path), new, old]
        assert row[6].startswith(commit) and subject in row[6]
    doc = lxml_html.fromstring((root / "site" / "corrections" / "index.html").read_text(encoding="utf-8"))
    first = doc.xpath('//table[contains(@class, "corrections")]/tbody/tr')[0]
    hrefs = [a.get("href") for a in first.xpath(".//a")]
    assert "../agencies/达州市通川区/" in hrefs and "../reports/2023/达州市通川区/" in hrefs
    # the cell's record path is there for a reader who wants it, not in place of its name
    assert first.xpath('.//*[@title="review_litigation.review[4]"]')


def test_an_uncommitted_correction_is_listed_without_a_commit(tmp_path):
    root = copy_repository(tmp_path / "repo")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    record = root / "reports" / "2023" / "巴州区.yaml"
    extracted = load_yaml(record.read_text(encoding="utf-8"))["applications"]["new"][0]
    _correct(record, r"(?m)^  new: \[[^\]]*\]", f"[{extracted},", f"[{extracted + 5},", "applications.new[0]")
    build_site_in(root)
    (row,) = _rows(root)
    assert row[1:6] == ["巴州区", "2023 年", cell_name("applications.new[0]"), str(extracted + 5), str(extracted)]
    assert "提交记录不可得" in " ".join(row)
    assert load_record(record_path(root / "reports" / "2023" / "巴州区.txt")).corrected == ["applications.new[0]"]


def test_a_commit_subject_is_text_never_markup(tmp_path):
    """A commit's subject is whatever its author typed: on the page it is text, escaped, and Markdown
    does not read it either."""
    root = copy_repository(tmp_path / "repo")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "reports", date="2024-03-01")
    _correct(root / "reports" / "2023" / "巴州区.yaml", r"(?m)^  new: \[[^\]]*\]", "[", "[1", "applications.new[0]")
    subject = '<img src=x onerror="alert(1)"> *not emphasis* & <!-- verbatim -->'
    _git(root, "commit", "-q", "-am", subject, date="2024-04-02")
    build_site_in(root)
    page = (root / "site" / "corrections" / "index.html").read_text(encoding="utf-8")
    doc = lxml_html.fromstring(page)
    assert not doc.xpath("//article//img") and "<img src=x" not in page
    (row,) = _rows(root)
    assert row[6].endswith(subject)
