"""Data releases (`python -m builder release VERSION`): a dated, versioned copy of the downloads under
releases/VERSION/ with a manifest and a 变更说明 that lists exactly what changed since the previous
release (reports added and removed, every cell changed with its old and new value, the method's
changes); reproducible from its commit but for its date; a bad version, a release that exists or a
previous release's missing files refused with a clear message."""
from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.cli import main
from builder.data.changes import method, method_changes
from builder.record.files import load_yaml
from builder.release import releases, set_blocks
from conftest import copy_repository
from test_corrections_shown import _git

ADDED = ("2023", "巴州区")  # left out of the first release, added for the second
# the two cells the second release corrects: (record, its row's key in the YAML, index, path)
CORRECTED = (("达州市通川区", "new", 0, "applications.new[0]"),
             ("川汇区政府办公室", "review", 4, "review_litigation.review[4]"))


def _release(root: Path, version: str, date: str, *more: str) -> int:
    return main(["release", version, "--date", date, "--root", str(root), *more])


def _correct(root: Path, body: str, key: str, index: int, path: str) -> tuple[int, int]:
    """Set one cell of a 2023 record to its value + 7 and list it under corrected, as a maintainer does;
    (old value, new value)."""
    record = root / "reports" / "2023" / f"{body}.yaml"
    text = record.read_text(encoding="utf-8")
    row = next(v for part in load_yaml(text).values() if isinstance(part, dict) and key in part
               for v in [part[key]])
    old = row[index]
    shown = ", ".join(str(v) for v in row)
    changed = ", ".join(str(old + 7 if k == index else v) for k, v in enumerate(row))
    text, n = re.subn(rf"(?m)^  {key}: \[{re.escape(shown)}\]", f"  {key}: [{changed}]", text, count=1)
    assert n == 1 and "corrected: []" in text
    record.write_text(text.replace("corrected: []", f"corrected: ['{path}']"), encoding="utf-8")
    return old, old + 7


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """A repository with two releases: 2026.11.0 without 巴州区 2023, then, after two cells corrected and
    巴州区 2023 added back, 2026.12.0. Returns (root, {path: (body, old, new)}, printed outputs)."""
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    shutil.copy(Path(__file__).resolve().parent.parent / "CITATION.cff", root / "CITATION.cff")
    held = tmp_path_factory.mktemp("held")
    for suffix in (".txt", ".yaml"):
        shutil.move(root / "reports" / ADDED[0] / f"{ADDED[1]}{suffix}", held / f"{ADDED[1]}{suffix}")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Reports", date="2026-11-01")
    assert _release(root, "2026.11.0", "2026-11-30") == 0
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Data release 2026.11.0", date="2026-11-30")
    corrected = {}
    for body, key, index, path in CORRECTED:
        old, new = _correct(root, body, key, index, path)
        corrected[path] = (body, old, new)
    for suffix in (".txt", ".yaml"):
        shutil.move(held / f"{ADDED[1]}{suffix}", root / "reports" / ADDED[0] / f"{ADDED[1]}{suffix}")
    assert main(["build", "--root", str(root)]) == 0  # the records as the build writes them back, committed
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Two cells corrected, 巴州区 2023 added", date="2026-12-02")
    assert _release(root, "2026.12.0", "2026-12-07") == 0
    return root, corrected


def _changes(root: Path, version: str) -> dict:
    return json.loads((root / "releases" / version / "CHANGES.json").read_text(encoding="utf-8"))


def test_the_first_release_says_it_has_no_predecessor_and_holds_the_downloads(two_releases):
    root, _ = two_releases
    first = _changes(root, "2026.11.0")
    assert first["previous"] is None and first["reports"] == 11
    assert "没有可比较的上一版本" in (root / "releases" / "2026.11.0" / "CHANGES.md").read_text(encoding="utf-8")
    folder = root / "releases" / "2026.11.0"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "2026.11.0" and manifest["date"] == "2026-11-30" and manifest["previous"] is None
    assert re.fullmatch(r"[0-9a-f]{40}", manifest["commit"])
    assert manifest["extractor"] and manifest["method"]["version"] and manifest["method"]["digest"]
    names = {f["name"] for f in manifest["files"]}
    assert {"disclosure-index.sqlite", "datapackage.json", "disclosure-index-2023.csv.gz",
            "disclosure-index-cells-2023.csv.gz", "disclosure-index-2023.json.gz"} <= names
    assert names == {p.name for p in (folder / "data").iterdir()}
    for f in manifest["files"]:
        data = (folder / "data" / f["name"]).read_bytes()
        assert len(data) == f["bytes"]
    package = json.loads((folder / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "2026.11.0" and package["created"] == "2026-11-30T00:00:00Z"
    assert "2026.11.0" in package["citation"] and "2026.11.0" in package["citation_en"]
    from frictionless import Package  # the release's own descriptor reads its files, as a researcher's would

    report = Package(str(folder / "data" / "datapackage.json")).validate()
    assert report.valid, [e.message for t in report.tasks for e in t.errors][:5]


def test_the_second_release_lists_exactly_the_cells_corrected_and_the_report_added(two_releases):
    root, corrected = two_releases
    c = _changes(root, "2026.12.0")
    assert c["previous"] == "2026.11.0" and c["previous_date"] == "2026-11-30"
    assert c["added"] == [{"agency": ADDED[1], "year": int(ADDED[0])}]
    assert c["removed"] == []
    got = {x["path"]: (x["agency"], x["old"], x["new"], x["old_status"], x["new_status"], x["how"]) for x in c["changed"]}
    assert got == {path: (body, old, new, "printed", "corrected", "corrected") for path, (body, old, new) in corrected.items()}
    assert len(c["changed"]) == 2 and all(x["year"] == 2023 for x in c["changed"])
    assert c["method"]["changed"] is False
    text = (root / "releases" / "2026.12.0" / "CHANGES.md").read_text(encoding="utf-8")
    assert "新增报告（1 份）" in text and f"- {ADDED[1]}，{ADDED[0]} 年度" in text
    assert "单元格变更（2 个）" in text and "移除报告（0 份）" in text and "方法未变" in text
    for path, (body, old, new) in corrected.items():
        assert re.search(rf"\| {body} \| 2023 \| [^|]+ \| `{re.escape(path)}` \| {old}（印发） \| {new}（人工更正） \| 人工更正 \|",
                         text), path
    manifest = json.loads((root / "releases" / "2026.12.0" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous"] == "2026.11.0"
    assert manifest["summary"] == {"reports": 12, "added": 1, "removed": 0, "changed": 2, "method_changed": False}


def test_citation_cff_names_the_latest_release_and_is_valid_cff(two_releases):
    root, _ = two_releases
    text = (root / "CITATION.cff").read_text(encoding="utf-8")
    assert 'version: "2026.12.0"' in text and 'date-released: "2026-12-07"' in text
    assert "data release 2026.12.0 (2026-12-07)" in text and "数据发布版本 2026.12.0（2026-12-07）" in text
    assert "2026.11.0" not in text
    check = Path(__import__("sys").executable).parent / "check-jsonschema"
    for cff in (root / "CITATION.cff", Path(__file__).resolve().parent.parent / "CITATION.cff"):
        out = subprocess.run([str(check), "--builtin-schema", "vendor.citation-file-format", str(cff)],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr


def test_a_bad_version_an_existing_release_or_an_older_one_is_refused(two_releases, capsys):
    root, _ = two_releases
    for version in ("2026.12", "v2026.12.1", "2026.01.0", "2026.13.0", "2026.12.01", "../x"):
        assert _release(root, version, "2026-12-08") == 2
        assert "is not a release version: write YEAR.MONTH.N" in capsys.readouterr().err
    assert _release(root, "2026.12.1", "2026-12-32") == 2
    assert "is not a date" in capsys.readouterr().err
    before = {p: p.read_bytes() for p in (root / "releases" / "2026.12.0").rglob("*") if p.is_file()}
    assert _release(root, "2026.12.0", "2026-12-08") == 2
    assert "release 2026.12.0 exists" in capsys.readouterr().err
    assert before == {p: p.read_bytes() for p in (root / "releases" / "2026.12.0").rglob("*") if p.is_file()}
    assert _release(root, "2026.11.5", "2026-12-08") == 2
    assert "is not newer than the latest release 2026.12.0" in capsys.readouterr().err
    assert [r.version for r in releases(root)] == ["2026.11.0", "2026.12.0"]


def test_a_release_reproduces_from_its_commit_but_for_its_date(two_releases, tmp_path, capsys):
    """The same commit gives the same bytes: a clone at the first release's commit makes the same files
    (datapackage.json differing only in its date), and `--reproduce` checks a committed release."""
    root, _ = two_releases
    first = json.loads((root / "releases" / "2026.11.0" / "manifest.json").read_text(encoding="utf-8"))
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    _git(clone, "checkout", "-q", first["commit"])
    assert _release(clone, "2026.11.0", "2027-01-15") == 0
    a, b = root / "releases" / "2026.11.0" / "data", clone / "releases" / "2026.11.0" / "data"
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    for p in a.iterdir():
        if p.name == "datapackage.json":
            assert p.read_bytes() != (b / p.name).read_bytes()
            assert p.read_text(encoding="utf-8").replace("2026-11-30", "2027-01-15").replace("(2026)", "(2027)") \
                == (b / p.name).read_text(encoding="utf-8")
        else:
            assert p.read_bytes() == (b / p.name).read_bytes(), p.name
    # the committed first release (its manifest and 变更说明), made again at the commit that holds it (as
    # the release workflow does on its tag): the files its manifest lists
    shutil.rmtree(clone / "releases")
    _git(clone, "checkout", "-q", "-f", "main~1")
    assert _git(clone, "log", "-1", "--format=%s") == "Data release 2026.11.0"
    capsys.readouterr()
    assert _release(clone, "2026.11.0", "2027-01-15", "--reproduce") == 0
    assert "made again are the ones published" in capsys.readouterr().out
    # and at the second release's commit, whose reports differ, it does not reproduce and says which files
    _git(clone, "checkout", "-q", "-f", "main")
    assert _release(clone, "2026.11.0", "2027-01-15", "--reproduce") == 1
    err = capsys.readouterr().err
    assert "release 2026.11.0 does not reproduce from this commit" in err and "disclosure-index-2023.csv.gz" in err


def test_a_previous_release_whose_files_are_missing_stops_the_next_with_how_to_get_them(two_releases, tmp_path, capsys):
    root, _ = two_releases
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    # committed: the first release's manifest and 变更说明, not its data/
    assert (clone / "releases" / "2026.11.0" / "manifest.json").is_file()
    assert not (clone / "releases" / "2026.11.0" / "data").exists()
    capsys.readouterr()
    assert _release(clone, "2027.1.0", "2027-01-15") == 2
    err = capsys.readouterr().err
    assert "the previous release 2026.11.0's files are needed" in err and "gh release download data-2026.11.0" in err
    assert not (clone / "releases" / "2027.1.0").exists()


def test_a_method_change_is_said_from_the_one_definition():
    now = method()
    old = json.loads(json.dumps(now))
    old["indicators"]["disclosure"]["weight"] = 0.3
    old["parameters"]["MIN_N"] = 5
    old["digest"] = "0" * 64
    m = method_changes(old, now)
    assert m["changed"] and m["weights"] == {"disclosure": [0.3, now["indicators"]["disclosure"]["weight"]]}
    assert m["parameters"] == {"MIN_N": [5, now["parameters"]["MIN_N"]]} and m["indicators"] == []
    assert method_changes(now, json.loads(json.dumps(now))) == {**method_changes(now, now), "changed": False}


def test_citation_blocks_are_replaced_and_others_kept():
    text = "# a comment\ncff-version: 1.2.0\nmessage: >-\n  old\n  text\nversion: 0.1.0\nlicense:\n  - MIT\n"
    out = set_blocks(text, {"message": "message: new\n", "version": "version: \"1\"\n",
                            "date-released": "date-released: \"2026-12-07\"\n"}, after="version")
    assert out == ("# a comment\ncff-version: 1.2.0\nmessage: new\nversion: \"1\"\ndate-released: \"2026-12-07\"\n"
                   "license:\n  - MIT\n")


def test_the_data_page_names_the_latest_release_and_each_release_has_its_page(two_releases):
    from lxml import html as lxml_html

    from conftest import build_site_in

    root, corrected = two_releases
    build_site_in(root)
    data = lxml_html.fromstring((root / "site" / "data" / "index.html").read_text(encoding="utf-8"))
    latest = " ".join(data.xpath('//dl[contains(@class, "release-latest")]')[0].text_content().split())
    assert "2026.12.0（2026-12-07）" in latest and "数据发布版本 2026.12.0（2026-12-07）" in latest
    assert "data release 2026.12.0 (2026-12-07)" in latest
    rows = data.xpath('//table[contains(@class, "releases")]/tbody/tr')
    assert [r.xpath("./td")[0].text_content() for r in rows] == ["2026.12.0", "2026.11.0"]
    assert "新增 1 份、移除 0 份，单元格变更 2 个，方法未变" in rows[0].text_content()
    assert rows[0].xpath(".//a/@href")[0] == "../releases/2026.12.0/"
    assert "https://github.com/disclosure-index/disclosure-index/releases/tag/data-2026.12.0" in rows[0].xpath(".//a/@href")
    page = lxml_html.fromstring((root / "site" / "releases" / "2026.12.0" / "index.html").read_text(encoding="utf-8"))
    cells = [[td.text_content() for td in tr.xpath("./td")]
             for tr in page.xpath('//table[contains(@class, "release-cells")]/tbody/tr')]
    from builder.index.wording import cell_name
    assert sorted(cells) == sorted([body, "2023", cell_name(path), f"{old}（印发）", f"{new}（人工更正）", "人工更正"]
                                   for path, (body, old, new) in corrected.items())
    assert [li.text_content() for li in page.xpath('//ul[contains(@class, "release-reports")]/li')] == ["巴州区，2023 年度"]
    files = {tr.xpath("./td")[0].text_content(): tr.xpath(".//a/@href")
             for tr in page.xpath('//table[contains(@class, "release-files")]/tbody/tr')}
    assert files["disclosure-index.sqlite"] == [
        "https://github.com/disclosure-index/disclosure-index/releases/download/data-2026.12.0/disclosure-index.sqlite"]
    site = root / "site" / "releases" / "2026.12.0"
    assert (site / "manifest.json").read_bytes() == (root / "releases" / "2026.12.0" / "manifest.json").read_bytes()
    assert json.loads((site / "CHANGES.json").read_text(encoding="utf-8"))["changed"] == _changes(root, "2026.12.0")["changed"]


def _cells_file(folder: Path, year: int, rows: list[tuple]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["agency,year,path,label,value,status,flagged_by"] + [",".join(map(str, r)) for r in rows]
    (folder / f"disclosure-index-cells-{year}.csv.gz").write_bytes(gzip.compress(("\ufeff" + "\r\n".join(lines) + "\r\n").encode()))


def test_each_changed_cell_says_how_it_came_by_its_new_value(tmp_path):
    """A value read again (printed → printed), a blank the arithmetic now fills (inferred), a cell now
    unread, a flag alone changed (not a change of value or status), a report unchanged."""
    from builder.data.changes import changed_cells

    old = [("甲", 2023, "applications.new[0]", "自然人", 5, "printed", ""),
           ("甲", 2023, "applications.new[1]", "法人", "", "blank", ""),
           ("甲", 2023, "applications.new[2]", "其他", 4, "printed", ""),
           ("甲", 2023, "applications.new[6]", "总计", 9, "printed", ""),
           ("乙", 2023, "applications.new[0]", "自然人", 1, "printed", "")]
    new = [("甲", 2023, "applications.new[0]", "自然人", 6, "printed", ""),
           ("甲", 2023, "applications.new[1]", "法人", 3, "inferred", ""),
           ("甲", 2023, "applications.new[2]", "其他", "", "unread", ""),
           ("甲", 2023, "applications.new[6]", "总计", 9, "printed", "applications.row_total"),
           ("乙", 2023, "applications.new[0]", "自然人", 1, "printed", "")]
    _cells_file(tmp_path / "old", 2023, old)
    _cells_file(tmp_path / "new", 2023, new)
    got = [(x["path"], x["old"], x["new"], x["old_status"], x["new_status"], x["how"])
           for x in changed_cells(tmp_path / "old", tmp_path / "new")]
    assert got == [("applications.new[0]", 5, 6, "printed", "printed", "re_extracted"),
                   ("applications.new[1]", None, 3, "blank", "inferred", "inferred"),
                   ("applications.new[2]", 4, None, "printed", "unread", "re_extracted")]


def test_a_release_page_shows_a_committed_manifest_as_text_never_markup(tmp_path):
    """releases/ is committed, so untrusted: a body's name, a cell's label or a citation holding markup is
    text on the pages, a commit or previous version that is not one makes no link, a file name that is
    not a download's makes no address, and a manifest that is a link is not read."""
    from lxml import html as lxml_html

    from builder.site.page_cache import SiteWriter
    from builder.site.releases_pages import release_pages
    from builder.site.views import _env

    root = tmp_path / "repo"
    folder = root / "releases" / "2026.12.0"
    folder.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parent.parent / "mkdocs.yml", root / "mkdocs.yml")
    evil = '<script>alert(1)</script>[x](javascript:alert(1))'
    (folder / "manifest.json").write_text(json.dumps({
        "version": "2026.12.0", "date": "2026-12-07", "commit": "../../evil", "previous": "2026.11.0",
        "citation": {"zh": evil, "en": evil}, "summary": {"reports": 1, "changed": 1},
        "files": [{"name": "../evil.sqlite", "bytes": 1, "sha256": evil}, {"name": "ok.csv.gz", "bytes": 1, "sha256": "0"}]}),
        encoding="utf-8")
    (folder / "CHANGES.json").write_text(json.dumps({
        "previous": "../x", "previous_date": "2026-11-30", "added": [{"agency": evil, "year": 2023}], "removed": [],
        "changed": [{"agency": evil, "year": 2023, "path": "applications.new[99]", "label": evil, "old": 1, "new": evil,
                     "old_status": evil, "new_status": "corrected", "how": "corrected"}],
        "method": {"changed": False, "version": ["2.1", "2.1"]}}), encoding="utf-8")
    linked = root / "releases" / "2026.12.1"
    linked.mkdir()
    (linked / "manifest.json").symlink_to(folder / "manifest.json")
    writer = SiteWriter(root / "content")
    made = release_pages(_env(), writer, root)
    assert [r["version"] for r in made] == ["2026.12.0"]
    text = (root / "content" / "releases" / "2026.12.0" / "index.md").read_text(encoding="utf-8")
    assert "<script" not in text and "&lt;script&gt;" in text
    page = lxml_html.fromstring(text.split("---", 2)[2])
    hrefs = page.xpath("//a/@href")
    assert not any("evil" in h or "javascript" in h or "../x" in h for h in hrefs), hrefs
    assert "https://github.com/disclosure-index/disclosure-index/releases/download/data-2026.12.0/ok.csv.gz" in hrefs
    assert evil in page.xpath('//table[contains(@class, "release-cells")]//td')[0].text_content()
