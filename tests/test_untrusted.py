"""Untrusted input (a pull request from a stranger): maintainers' data is never lost, a pull request can
neither publish a wrong number nor run code. What `check` accepts, `site` builds; what it refuses it
names by file and line."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from builder import cli
from builder.record.files import RecordError, load_record, load_yaml, to_yaml
from conftest import REPORTS

SEED = "巴州区"


def make_repo(tmp_path: Path, edit=None, agencies: str | None = None) -> Path:
    """A repository with one seed report and its committed record (edited by `edit`, text → text)."""
    folder = tmp_path / "reports" / "2023"
    folder.mkdir(parents=True)
    shutil.copy(REPORTS / "2023" / f"{SEED}.txt", folder)
    text = (REPORTS / "2023" / f"{SEED}.yaml").read_text(encoding="utf-8")
    (folder / f"{SEED}.yaml").write_text(edit(text) if edit else text, encoding="utf-8")
    (tmp_path / "reports" / "agencies.yaml").write_text(
        agencies if agencies is not None else (REPORTS / "agencies.yaml").read_text(encoding="utf-8"),
        encoding="utf-8")
    return tmp_path


def check(root: Path, capsys, github: bool = False, monkeypatch=None) -> tuple[int, str]:
    if monkeypatch is not None:
        monkeypatch.setenv("GITHUB_ACTIONS", "true" if github else "false")
    code = cli.main(["check", "--root", str(root)])
    return code, capsys.readouterr().out


def line_of(text: str, start: str) -> int:
    return next(k for k, ln in enumerate(text.splitlines(), 1) if ln.lstrip().startswith(start))


SEED_TEXT = (REPORTS / "2023" / f"{SEED}.yaml").read_text(encoding="utf-8")


# --- 1. YAML without YAML 1.1's implicit conversions ---------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("a: 01234", "01234"), ("a: 0777", "0777"), ("a: yes", "yes"), ("a: no", "no"), ("a: on", "on"),
    ("a: off", "off"), ("a: 1:30", "1:30"), ("a: 190:20:30", "190:20:30"), ('a: "127"', "127"), ("a: 0x1F", "0x1F"),
    ("a: 1_000", "1_000"), ("a: 1e3", "1e3"), ("a: 2024-01-19 10:00:00", "2024-01-19 10:00:00"), ("a: y", "y"),
    ("a: 127", 127), ("a: -3", -3), ("a: 1.5", 1.5), ("a: 1.0e+22", 1e22), ("a: true", True), ("a: ~", None),
    ("a: null", None), ("a:", None), ("a: 2024-01-19", __import__("datetime").date(2024, 1, 19)),
])
def test_yaml_is_read_by_the_core_schema(text, value):
    assert load_yaml(text) == {"a": value}
    assert type(load_yaml(text)["a"]) is type(value)


@pytest.mark.parametrize("bad, cell", [
    ("01234", "applications.new[0]"), ('"127"', "applications.new[0]"), ("yes", "applications.new[0]"),
    ("1:30", "applications.new[0]"), ("1.0", "applications.new[0]"), ("true", "applications.new[0]"),
    (".inf", "applications.new[0]"), (".nan", "applications.new[0]"), (str(2 ** 63), "applications.new[0]"),
    ("-1", "applications.new[0]"),
])
def test_a_count_cell_takes_only_a_count(bad, cell, tmp_path):
    text = SEED_TEXT.replace("new: [126,", f"new: [{bad},")
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecordError) as err:
        load_record(path)
    assert f"r.yaml:{line_of(text, 'new:')}: {cell}: " in err.value.reason


def test_counts_up_to_sqlites_largest_integer_are_kept(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(SEED_TEXT.replace("new: [126,", f"new: [{2 ** 63 - 1},"), encoding="utf-8")
    assert load_record(path).applications.new[0] == 2 ** 63 - 1


def test_duplicate_keys_are_errors_naming_the_key_and_lines(tmp_path):
    text = SEED_TEXT.replace("year: 2023\n", "year: 2023\nagency: 别的机关\n")
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecordError) as err:
        load_record(path)
    assert "r.yaml:5: " in err.value.reason and "duplicate key 'agency'" in err.value.reason
    assert "first at line 3" in err.value.reason
    with pytest.raises(Exception, match="duplicate key 'x'"):
        load_yaml("a: {x: 1, x: 2}")


def test_a_billion_laughs_is_an_error_and_fast(tmp_path):
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for k in range(1, 10):
        lines.append(f"{chr(97 + k)}: &{chr(97 + k)} [{', '.join(['*' + chr(96 + k)] * 10)}]")
    path = tmp_path / "r.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(RecordError, match="aliases expand"):
        load_record(path)
    assert time.perf_counter() - started < 2
    assert load_yaml("x: &x [1, 2]\ny: *x") == {"x": [1, 2], "y": [1, 2]}  # a modest alias is fine
    with pytest.raises(Exception):
        load_yaml("x: &x [*x]")


def test_records_the_builder_writes_read_back_identically(tmp_path):
    for source in sorted(REPORTS.glob("2*/*.yaml")):  # the records, not agencies.yaml or registry/
        record = load_record(source)
        path = tmp_path / "r.yaml"
        path.write_text(to_yaml(record), encoding="utf-8")
        assert load_record(path) == record


# --- 2. anything `check` accepts, `site` builds: refusals name the file and line ---------------------

RECORD_EDITS = {
    "nul in the agency": (lambda t: t.replace("agency: 巴州区", 'agency: "巴州区\\0"'), "agency:", "agency"),
    "newline in the agency": (lambda t: t.replace("agency: 巴州区", 'agency: "巴州\\n区"'), "agency:", "agency"),
    "control character": (lambda t: t.replace("agency: 巴州区", 'agency: "巴州\\x1b[31m区"'), "agency:", "agency"),
    "over-long agency": (lambda t: t.replace("agency: 巴州区", "agency: " + "巴" * 201), "agency:", "agency"),
    "impossible date": (lambda t: t.replace("published_on: null", "published_on: 2024-02-30"), "published_on:",
                        None),
    "beyond sqlite": (lambda t: t.replace("licensing: 40390", f"licensing: {2 ** 63}"), "licensing:",
                      "article20.licensing"),
    "infinite fees": (lambda t: t.replace("fees_10k_yuan: 9878", "fees_10k_yuan: .inf"), "fees_10k_yuan:",
                      "article20.fees_10k_yuan"),
    "nan fees": (lambda t: t.replace("fees_10k_yuan: 9878", "fees_10k_yuan: .nan"), "fees_10k_yuan:",
                 "article20.fees_10k_yuan"),
    "text fees": (lambda t: t.replace("fees_10k_yuan: 9878", 'fees_10k_yuan: "9878"'), "fees_10k_yuan:",
                  "article20.fees_10k_yuan"),
    "inf count": (lambda t: t.replace("punishment: 4246", "punishment: .inf"), "punishment:", "article20.punishment"),
    "typo in corrected": (lambda t: t.replace("corrected: []", "corrected: ['applications.nwe[0]']"), "corrected:",
                          "corrected[0]"),
    "no such column": (lambda t: t.replace("inferred: []", "inferred: ['applications.new[7]']"), "inferred:",
                       "inferred[0]"),
    "typo in unread": (lambda t: t.replace("unread: []", "unread: ['article20.licensing.x']"), "unread:", "unread[0]"),
    "typo in not_applicable": (lambda t: t.replace("not_applicable: []", "not_applicable: ['review.review[4]']"),
                               "not_applicable:", "not_applicable[0]"),
    "number for a date": (lambda t: t.replace("published_on: null", "published_on: 1699920000"), "published_on:",
                          "source.published_on"),
    "javascript url": (lambda t: t.replace("url: null", "url: javascript:alert(1)"), "url:", "source.url"),
    "bidi override": (lambda t: t.replace("agency: 巴州区", 'agency: "巴州\u202e区"'), "agency:", "agency"),
    "bidi mark in the agency": (lambda t: t.replace("agency: 巴州区", 'agency: "巴州\u200f区"'), "agency:", "agency"),
    "bidi override in the url": (lambda t: t.replace("url: null", 'url: "https://www.bzq.gov.cn/nb\\u202efdp.exe"'),
                                 "url:", "source.url"),
    "zero width in the url": (lambda t: t.replace("url: null", 'url: "https://www.bzq\\u200b.gov.cn/nb.pdf"'),
                              "url:", "source.url"),
    "tag character in the url": (lambda t: t.replace("url: null", 'url: "https://www.bzq.gov.cn/\\U000E0041nb.pdf"'),
                                 "url:", "source.url"),
    "control character in the url": (lambda t: t.replace("url: null", 'url: "https://www.bzq.gov.cn/\\x01nb.pdf"'),
                                     "url:", "source.url"),
    "text page number": (lambda t: t.replace("pages: null", "pages: {article20: ['1']}"), "pages:",
                         "source.pages.article20[0]"),
    "duplicate key": (lambda t: t.replace("  licensing: 40390\n", "  licensing: 40390\n  licensing: 1\n"),
                      "licensing: 1", None),
}


@pytest.mark.parametrize("case", sorted(RECORD_EDITS))
def test_check_refuses_a_bad_record_naming_file_and_line(case, tmp_path, capsys, monkeypatch):
    edit, key, cell = RECORD_EDITS[case]
    root = make_repo(tmp_path, edit)
    text = (root / "reports" / "2023" / f"{SEED}.yaml").read_text(encoding="utf-8")
    code, out = check(root, capsys, monkeypatch=monkeypatch)
    assert code == 1, out
    where = f"reports/2023/{SEED}.yaml:{line_of(text, key)}: " + (f"{cell}: " if cell else "")
    assert where in out, out
    assert "Traceback" not in out
    # and the site is built without it: the report is listed as unreadable, never published
    from builder.pipeline import process_all
    from builder.site.build import build_site

    outcomes = process_all(root / "reports", root)
    build_site(outcomes, root, root / "content")
    assert not (root / "content" / "reports" / "2023").exists() or not any(
        (root / "content" / "reports" / "2023").iterdir())


def test_github_annotation_points_at_the_records_line(tmp_path, capsys, monkeypatch):
    root = make_repo(tmp_path, RECORD_EDITS["impossible date"][0])
    code, out = check(root, capsys, github=True, monkeypatch=monkeypatch)
    line = line_of((root / "reports" / "2023" / f"{SEED}.yaml").read_text(encoding="utf-8"), "published_on:")
    assert f"::error file=reports/2023/{SEED}.yaml,line={line}," in out, out


@pytest.mark.parametrize("agencies, line, words", [
    ("巴州区: {region: 四川省巴中市巴州区, level: 县, kind: government}\n", 1, "level must be one of"),
    ("# a comment\n巴州区:\n  region: 四川省\n  kind: gov\n", 4, "kind must be one of"),
    ("巴州区: {region: 四川省}\n巴州区: {region: 四川省}\n", 2, "duplicate key"),
    ("巴州区: {region: 四川省, colour: red}\n", 1, "unknown key"),
    ("巴州区: {region: \"四川\\0省\"}\n", 1, "control characters"),
    ("123: {region: 四川省}\n", 1, "not text"),
    ("\"巴州\\n区\": {region: 四川省}\n", 1, "control character"),
    ("x: [1, 2]\n", 1, "expected region"),
    ("- a\n- b\n", 1, "expected a mapping"),
    ("巴州区: {region: 四川省}\n巴 州区: {region: 四川省}\n", 2, "names the same body"),
    # twins that differ by a character that shows nothing (U+200B was caught; these were not)
    *[(f'巴州区: {{region: 四川省}}\n"巴州{escape}区": {{region: 四川省}}\n', 2, "names the same body")
      for escape in ("\\uFE0F", "\\U000E0001", "\\u00AD", "\\u3164", "\\u180E", "\\u2800", "\\U000E0041")],
    ('"巴州\\u200E区": {region: 四川省}\n', 1, "bidi control character (U+200E)"),
])
def test_check_refuses_a_bad_agencies_file_naming_file_and_line(agencies, line, words, tmp_path, capsys, monkeypatch):
    root = make_repo(tmp_path, agencies=agencies)
    code, out = check(root, capsys, monkeypatch=monkeypatch)
    assert code == 1, out
    assert f"reports/agencies.yaml:{line}: error: " in out and words in out, out
    assert cli.main(["build", "--root", str(root), "--out", str(root / "content")]) == 1  # a message, no traceback


def test_a_good_repository_checks_clean(tmp_path, capsys, monkeypatch):
    code, out = check(make_repo(tmp_path), capsys, monkeypatch=monkeypatch)
    assert code == 0, out


# --- 3. downloads and annotations cannot be turned into formulas or commands ----------------------------

def test_workflow_commands_are_escaped():
    line = cli.workflow_command("error", "reports/2023/a,b::warning file=x::y.yaml", 3, "t:i,t\nle",
                                "50%\r\n::error::injected")
    assert "\n" not in line and "\r" not in line  # one line: one command; "::" in the message is text
    assert line == ("::error file=reports/2023/a%2Cb%3A%3Awarning file=x%3A%3Ay.yaml,line=3,title=t%3Ai%2Ct%0Ale"
                    "::50%25%0D%0A::error::injected")


def test_an_annotation_on_a_hostile_file_name_is_one_command(tmp_path, capsys, monkeypatch):
    root = make_repo(tmp_path)
    bad = root / "reports" / "2023" / "x::error file=a,line=1::pwned.txt"
    bad.write_text("not a report\n", encoding="utf-8")
    code, out = check(root, capsys, github=True, monkeypatch=monkeypatch)
    commands = [ln for ln in out.splitlines() if ln.startswith("::")]
    # the properties (before the second "::") hold no "::" or "," of the file's name
    assert commands and all(re.fullmatch(r"::error file=[^:,]*,line=\d+,title=[^:,]*::.*", ln) for ln in commands), \
        commands
    assert any("x%3A%3Aerror file=a%2Cline=1%3A%3Apwned.txt" in ln for ln in commands), commands


def test_no_file_name_starts_a_line_of_checks_output(tmp_path, capsys, monkeypatch):
    root = make_repo(tmp_path)
    (root / "reports" / "2023" / "x\n::error file=a::pwned\r\n.txt").write_text("not a report\n", encoding="utf-8")
    code, out = check(root, capsys, github=True, monkeypatch=monkeypatch)
    assert code == 1
    assert not any("pwned" in ln and not ln.startswith(("reports/", "::error file=reports/")) for ln in out.splitlines())
    assert all(ln.startswith(("reports/", "::error file=reports/", "1 reports", "2 reports")) for ln in out.splitlines()), out


@pytest.fixture
def hostile_rows():
    from builder.data.downloads import Row
    from builder.index.scores import Agency, score

    record = load_record(REPORTS / "2023" / f"{SEED}.yaml")
    record.agency = "=HYPERLINK(\"http://evil\",\"x\")"
    agency = Agency(record.agency, region="+cmd|' /C calc'!A0", level="县级", kind="government")
    return [Row(record, agency, score(record, agency), ())]


def test_csv_text_cells_cannot_be_formulas(hostile_rows):
    from builder.data.downloads import to_csv

    rows = list(csv.DictReader(io.StringIO(to_csv(hostile_rows).decode("utf-8-sig"))))
    assert rows[0]["agency"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert rows[0]["region"] == "'+cmd|' /C calc'!A0"
    assert rows[0]["applications_new_0"] == "126"  # numbers are numbers
    for value in rows[0].values():
        assert not value or value[0] not in "=+@\t\r" and not (value[0] == "-" and not re.fullmatch(r"-?[\d.]+", value))


def test_the_cells_table_cannot_hold_formulas_either(hostile_rows):
    from builder.data.downloads import to_cells_csv

    rows = list(csv.DictReader(io.StringIO(to_cells_csv(hostile_rows).decode("utf-8-sig"))))
    assert len(rows) == 200
    for row in rows:
        assert row["agency"] == "'=HYPERLINK(\"http://evil\",\"x\")"
        for value in row.values():
            assert not value or value[0] not in "=+@\t\r" and not (value[0] == "-" and not re.fullmatch(r"-?[\d.]+", value))


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", "", "巴州区"])
def test_csv_neutralises_what_spreadsheets_would_run(text):
    from builder.data.downloads import csv_text

    assert csv_text(text) == ("'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text)


def test_json_download_has_no_infinity_or_nan(hostile_rows):
    from builder.data.downloads import prepare, to_json

    data = json.loads(to_json(hostile_rows))
    assert data["reports"][0]["record"]["agency"].startswith("=")  # JSON is data, kept as printed
    record = hostile_rows[0].record
    object.__setattr__(record.article20, "fees_10k_yuan", float("inf"))  # past validation, as a bug might
    with pytest.raises(ValueError):
        prepare(hostile_rows[0])


def test_sqlite_holds_the_largest_count(hostile_rows):
    from builder.data.sqlite import to_sqlite
    from builder.data.downloads import About, prepare

    hostile_rows[0].record.applications.new[0] = 2 ** 63 - 1
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"trust-{os.getpid()}.sqlite"
    rows = [prepare(r) for r in hostile_rows]
    path.write_bytes(to_sqlite(rows, About.of(rows)))
    try:
        db = sqlite3.connect(path)
        value = db.execute("SELECT applications_new_0 FROM reports").fetchone()[0]
        cell = db.execute("SELECT value FROM cells WHERE path = 'applications.new[0]'").fetchone()[0]
    finally:
        path.unlink()
    assert value == cell == 2 ** 63 - 1


# --- 4. links and special files under reports/ are refused, never read -------------------------------------

def test_links_and_special_files_are_refused_unread(tmp_path, capsys, monkeypatch):
    from builder.record.files import find_sources, refused_files

    root = make_repo(tmp_path)
    folder = root / "reports" / "2023"
    (folder / "x.txt").symlink_to("/etc/passwd")
    (folder / "inside.txt").symlink_to(folder / f"{SEED}.txt")  # a link inside the repository: refused too
    (root / "reports" / "elsewhere").symlink_to("/etc", target_is_directory=True)
    os.mkfifo(folder / "fifo.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "s.txt"))
    # a regular report whose record is a link: its record would be read or written through the link
    shutil.copy(folder / f"{SEED}.txt", folder / "linked.txt")
    (folder / "linked.yaml").symlink_to(tmp_path / "outside.yaml")
    try:
        assert [p.name for p in find_sources(root / "reports")] == [f"{SEED}.txt"]
        refused = {p.name: why for p, why in refused_files(root / "reports")}
        assert set(refused) == {"x.txt", "inside.txt", "elsewhere", "fifo.txt", "s.txt", "linked.txt", "linked.yaml"}
        assert "FIFO" in refused["fifo.txt"] and "symbolic link" in refused["x.txt"]

        done: list = []
        thread = threading.Thread(target=lambda: done.append(check(root, capsys, monkeypatch=monkeypatch)),
                                  daemon=True)
        thread.start()
        thread.join(60)
        assert done, "check hung on a FIFO"
        code, out = done[0]
        assert code == 1
        for name in ("x.txt", "fifo.txt", "elsewhere", "linked.txt"):
            assert re.search(rf"reports/(2023/)?{re.escape(name)}:1: error: ", out), out
        assert "root:" not in out  # /etc/passwd was never read
        assert not (tmp_path / "outside.yaml").exists()

        from builder.pipeline import process_all
        from builder.site.build import build_site

        outcomes = process_all(root / "reports", root, write=True)
        build_site(outcomes, root, root / "content")
        assert not (tmp_path / "outside.yaml").exists()
        published = b"".join(p.read_bytes() for p in (root / "content").rglob("*") if p.is_file())
        assert b"root:x:0:0" not in published
    finally:
        sock.close()


def test_a_record_that_is_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "r.yaml")
    with pytest.raises(RecordError, match="FIFO"):
        load_record(tmp_path / "r.yaml")


def test_an_agencies_file_that_is_a_link_is_refused(tmp_path, capsys, monkeypatch):
    root = make_repo(tmp_path)
    (root / "reports" / "agencies.yaml").unlink()
    (root / "reports" / "agencies.yaml").symlink_to("/etc/passwd")
    code, out = check(root, capsys, monkeypatch=monkeypatch)
    assert code == 1 and "reports/agencies.yaml:1: error: a symbolic link" in out, out


# --- 5. names that are not ordinary do not break pages or links ---------------------------------------

ODD_NAMES = ["index", "README", "xx.md", "..", "a/b", "ab", "a#b%20?c", "很长的机关名称" * 25, "<script>alert(1)</script>",
             "[链接](javascript:alert(1))", "{{ 7*7 }}", "某机关 ", "INDEX", "-1"]


def test_slugs_are_distinct_safe_path_components():
    from builder.site.build import slug

    slugs = [slug(n) for n in ODD_NAMES + ["巴州区", "达州市通川区", "大通湖区委区管委会办公室"]]
    assert len(set(slugs)) == len(slugs)
    assert slug("巴州区") == "巴州区" and slug("达州市通川区") == "达州市通川区"  # ordinary names are their own slug
    for s in slugs:
        assert s and not re.search(r"[/\\.#%?\s<>\[\]{}\"'&]", s) and len(s.encode()) <= 200
        assert s.lower() not in ("index", "readme", "404")


def test_a_site_of_odd_names_builds_and_links(tmp_path):
    from html.parser import HTMLParser
    from urllib.parse import unquote

    from conftest import build_site_in, copy_repository

    root = copy_repository(tmp_path)
    folder = root / "reports" / "2023"
    text = (folder / f"{SEED}.yaml").read_text(encoding="utf-8")
    for k, name in enumerate(ODD_NAMES):
        shutil.copy(folder / f"{SEED}.txt", folder / f"odd{k}.txt")
        (folder / f"odd{k}.yaml").write_text(
            text.replace("agency: 巴州区", f"agency: {json.dumps(name, ensure_ascii=False)}")
                .replace(f"path: reports/2023/{SEED}.txt", f"path: reports/2023/odd{k}.txt"), encoding="utf-8")
    # a name with a line break is refused by check, and the site is built without it
    shutil.copy(folder / f"{SEED}.txt", folder / "newline.txt")
    (folder / "newline.yaml").write_text(text.replace("agency: 巴州区", 'agency: "巴州\\n区"'), encoding="utf-8")
    with (root / "reports" / "agencies.yaml").open("a", encoding="utf-8") as f:
        f.write('index: {region: index, level: 县级, kind: government}\n"..": {region: "../..", level: 县级}\n'
                '"a/b": {region: "四川省/../..", level: 市级}\n')
    outcomes, _ = build_site_in(root)
    failed = [o for o in outcomes if o.failed]
    assert [o.source.name for o in failed] == ["newline.txt"]
    site = root / "site"

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links: list[str] = []

        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href")
            if tag == "a" and href and not href.startswith(("http", "#", "mailto:", "javascript", "/")):
                self.links.append(href)

    pages = list(site.rglob("*.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html
        assert 'href="javascript' not in html
        parser = Links()
        parser.feed(html)
        for href in parser.links:
            path = Path(os.path.normpath(page.parent / unquote(href.split("#")[0].split("?")[0])))
            assert path.is_relative_to(site), (page, href)
            assert path.exists() or (path / "index.html").exists(), (page, href)
    # every odd name has its own report page and body page
    from builder.site.build import agency_url, slug

    for name in ODD_NAMES:
        assert (site / agency_url(name).removesuffix(".md") / "index.html").exists(), name
        assert (site / "reports" / "2023" / slug(name) / "index.html").exists(), name


def test_a_reports_folder_that_is_a_link_is_refused(tmp_path):
    from builder.record.files import find_sources, refused_files

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "reports").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert list(find_sources(tmp_path / "reports")) == []
    assert [p.name for p, _ in refused_files(tmp_path / "reports")] == ["reports"]


# --- 6. what shows nothing: never a second body, never in an address ------------------------------------

HIDDEN = ["\ufe0f", "\u200e", "\u200f", "\u00ad", "\u034f", "\u3164", "\u115f", "\uffa0", "\u180e", "\u2800",
          "\U000e0041", "\U000e007f", "\u061c", "\u202e", "\u2066"]


def test_a_second_report_whose_name_differs_by_what_shows_nothing_is_a_duplicate(tmp_path, capsys, monkeypatch):
    """A second 巴州区 2023 report whose title holds an invisible character (each of HIDDEN; U+200B was
    caught), or whose record, written by hand, does: the same body and year, so neither is published."""
    from builder.pipeline import process_all

    root = make_repo(tmp_path)
    folder = root / "reports" / "2023"
    source = (folder / f"{SEED}.txt").read_text(encoding="utf-8")
    assert source.count(SEED) > 1
    for k, c in enumerate(HIDDEN):
        (folder / f"copy{k}.txt").write_text(source.replace(SEED, f"巴州{c}区", 1), encoding="utf-8")
    shutil.copy(folder / f"{SEED}.txt", folder / "by-hand.txt")
    (folder / "by-hand.yaml").write_text(
        SEED_TEXT.replace("agency: 巴州区", 'agency: "巴州\\u00ad区\\uFE0F"')
                 .replace(f"path: reports/2023/{SEED}.txt", "path: reports/2023/by-hand.txt"), encoding="utf-8")
    outcomes = process_all(root / "reports", root)
    assert len(outcomes) == len(HIDDEN) + 2
    for o in outcomes:
        assert o.failed and any(f.rule == "reports.duplicate" for f in o.findings), o.source.name
    code, out = check(root, capsys, monkeypatch=monkeypatch)
    assert code == 1 and out.count("reports.duplicate") == len(HIDDEN) + 2, out


def test_an_address_holding_what_shows_nothing_is_refused_for_every_such_character():
    """source.url and a registry's url (one type, models.Url): every `invisible` character of Unicode (a
    bidi control would make the 原文地址 shown differ from the one opened) is refused with a message; a
    plain address, one with Chinese or percent-escapes, is kept."""
    from pydantic import TypeAdapter, ValidationError

    from builder.record.characters import invisible
    from builder.record.models import Url

    url = TypeAdapter(Url)
    hidden = [chr(cp) for cp in range(0x110000) if invisible(chr(cp))]
    assert len(hidden) > 4000
    for c in hidden:
        with pytest.raises(ValidationError, match="invisible character"):
            url.validate_python(f"https://www.bzq.gov.cn/nb{c}2023.pdf")
    for good in ("https://www.bzq.gov.cn/nb/2023.pdf", "http://例子.政务.cn/年报?id=1&x=%E2%80%AE"):
        assert url.validate_python(good) == good


def test_a_web_page_whose_address_holds_a_bidi_control_is_read_without_it():
    """A saved page whose <meta name="Url"> spoofs its address with U+202E (before gpj.exe, it shows exe.jpg)
    is read: its record has no source.url, with a finding (it was once kept, and shown as the 原文地址)."""
    from builder.extract.to_record import extract
    from builder.read.sources import read_source

    page = (REPORTS / "2023" / "平潭综合实验区.html").read_bytes()
    address = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"
    assert page.count(address.encode()) == 1
    for spoof in ("https://www.pingtan.gov.cn/nb\u202egpj.exe", "https://www.pingtan\u200b.gov.cn/nb.htm"):
        ex = extract(read_source("x.html", page.replace(address.encode(), spoof.encode())))
        assert ex.record.source.url is None and ex.record.agency == "平潭综合实验区"
        assert [f.severity for f in ex.findings if f.rule == "extract.url_refused"] == ["warning"]
        assert not ex.errors
