"""平潭综合实验区 as a maintainer commits it: its seven real reports in reports/ (records equal to their
gold), its bodies in reports/agencies.yaml, the registry of every report its portal lists
(reports/registry/), and the coverage pages and download made from them. Expected values are computed
here from the shared registry.tsv, not from the builder's coverage module."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builder.record.models import iter_cells
from builder.record.files import load_record
from builder.index.registry import RegistryError, import_tsv, load_registry, read_tsv, to_tsv_rows, to_yaml
from conftest import REPORTS, ROOT, copy_repository
from golden import golden_cells, load_golden

REAL = Path(__file__).resolve().parent / "real" / "pingtan"
GOLDS = sorted(REAL.glob("*.gold.yaml"))
REGION = "福建省平潭综合实验区"
REGISTRY = REPORTS / "registry" / f"{REGION}.yaml"
TSV = read_tsv((REAL / "registry.tsv").read_text(encoding="utf-8"))
ZONE = "平潭综合实验区"
RENAMED = {"平潭综合实验区国有资产管理局": "平潭综合实验区投资促进局"}  # the shared README: one body, renamed


@pytest.mark.parametrize("gold", GOLDS, ids=lambda p: p.name[:-len(".gold.yaml")])
def test_the_committed_pingtan_records_equal_their_gold(gold):
    year, body = gold.name[:-len(".gold.yaml")].split("-", 1)
    want = load_golden(gold)
    record = load_record(REPORTS / year / f"{body}.yaml")
    assert (REPORTS / year / f"{body}.html").read_bytes() == (REAL / f"{year}-{body}.html").read_bytes()
    assert dict(iter_cells(record)) == golden_cells(want)  # every cell, blank for blank
    assert (record.agency, record.year) == (want["agency"], want["year"])
    for key in ("sha256", "format", "url"):
        assert getattr(record.source, key) == want["source"][key], key
    for key in ("published_on", "posted_on"):
        assert str(getattr(record.source, key)) == str(want["source"][key]), key
    assert record.source.path == f"reports/{year}/{body}.html"
    assert record.inferred == [] and record.corrected == []


def test_the_pingtan_bodies_are_in_the_agencies_file_and_its_region_splits_right():
    from builder.index.scores import load_agencies
    from builder.site.views import city, province

    agencies = load_agencies(REPORTS / "agencies.yaml")
    bodies = {g.name[:-len(".gold.yaml")].split("-", 1)[1] for g in GOLDS}
    assert len(bodies) == 5
    for body in bodies:
        info = agencies[body]
        assert (info.region, info.level) == (REGION, "市级")
        # the zone's own report is a government's (31 March); its bureaus and 片区 are departments (31 January)
        assert info.kind == ("government" if body == ZONE else "department")
        assert info.group == ("市级人民政府" if body == ZONE else "市级部门")
    assert (province(REGION), city(REGION)) == ("福建省", "平潭综合实验区")


# --- the registry ------------------------------------------------------------------------------

def test_the_registry_is_the_portals_list_every_row_kept():
    registry = load_registry(REGISTRY)
    assert registry.region == REGION and len(registry.reports) == len(TSV) == 259
    # names as the portal listed them; the kind the project's (a 片区 is a department; the tax bureau the
    # portal filed with the zone's own reports is a department)
    key = lambda r: (r["year"], r["body"], r["posted"], r["template"], r["status"], r["url"])  # noqa: E731
    assert sorted(map(key, to_tsv_rows(registry))) == sorted(map(key, TSV))
    kinds = {(r["year"], r["body"], r["url"]): r["kind"] for r in to_tsv_rows(registry)}
    for row in TSV:
        want = {"area": "department"}.get(row["kind"], row["kind"])
        if row["body"] == "平潭综合实验区地方税务局":
            want = "department"
        assert kinds[row["year"], row["body"], row["url"]] == want, row
    # one body under its old and new names, and under short names
    for listed, body in [*RENAMED.items(), ("财金局", "平潭综合实验区财政金融局"), ("平潭综合实验区管委会", ZONE)]:
        assert registry.body_of(listed) == body


def test_importing_the_list_again_gives_the_committed_file_byte_for_byte():
    existing = load_registry(REGISTRY)
    again = import_tsv((REAL / "registry.tsv").read_text(encoding="utf-8"), REGION, existing)
    assert to_yaml(again) == REGISTRY.read_text(encoding="utf-8")


def test_a_list_imported_without_a_registry_keeps_its_names_and_reads_area_as_department(tmp_path):
    registry = import_tsv((REAL / "registry.tsv").read_text(encoding="utf-8"), REGION)
    path = tmp_path / "r.yaml"
    path.write_text(to_yaml(registry), encoding="utf-8")
    back = load_registry(path)
    assert back.model_dump() == registry.model_dump()
    assert len(back.bodies) == len({r["body"] for r in TSV})
    assert back.bodies["平潭综合实验区海坛片区管理局"].kind == "department"
    assert sorted(r["url"] for r in to_tsv_rows(back)) == sorted(r["url"] for r in TSV)


def _broken(tmp_path: Path, edit) -> tuple[str, int]:
    """The committed registry with one line changed by edit(lines) → index of the changed line."""
    lines = REGISTRY.read_text(encoding="utf-8").splitlines(keepends=True)
    k = edit(lines)
    path = tmp_path / "reports" / "registry" / f"{REGION}.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("".join(lines), encoding="utf-8")
    return str(path), k + 1


def _line_of(lines: list[str], needle: str) -> int:
    return next(k for k, line in enumerate(lines) if needle in line)


def _bad_date(lines):
    k = _line_of(lines, "t20220114_80607")
    lines[k] = lines[k].replace("posted: 2022-01-14", "posted: 2022-02-30")
    return k


def _unknown_kind(lines):
    k = _line_of(lines, "  平潭综合实验区苏平片区管理局:") + 1
    assert "kind: department" in lines[k]
    lines[k] = lines[k].replace("kind: department", "kind: area")
    return k


def _duplicate_row(lines):
    k = _line_of(lines, "t20220114_80607")
    lines.insert(k + 3, lines[k])
    return k + 3


def _unknown_body(lines):
    k = _line_of(lines, "t20220114_80607")
    lines[k] = lines[k].replace("body: 平潭综合实验区公安局", "body: 平潭综合实验区警察局")
    return k


def _bidi_url(lines):
    k = _line_of(lines, "t20220114_80607")
    lines[k] = lines[k].replace("t20220114_80607.htm", "t20220114_80607\u202emth.exe")
    return k


@pytest.mark.parametrize("edit, words", [(_bad_date, "is not a date"), (_unknown_kind, "kind: Input should be"),
                                         (_duplicate_row, "the same report as item"),
                                         (_unknown_body, "is not under `bodies`"),
                                         (_bidi_url, "url: holds an invisible character (U+202E)")],
                         ids=["bad date", "unknown kind", "duplicate row", "unknown body", "bidi control in a url"])
def test_a_wrong_registry_is_refused_naming_its_file_and_line(tmp_path, edit, words):
    path, line = _broken(tmp_path, edit)
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert caught.value.file.endswith(f"reports/registry/{REGION}.yaml")
    assert [(n, words in what) for n, what in caught.value.problems] == [(line, True)], caught.value.problems


def test_check_reports_a_wrong_registry_on_its_line_and_fails(tmp_path):
    shutil.copytree(REPORTS, tmp_path / "reports")
    path = tmp_path / "reports" / "registry" / f"{REGION}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    k = _bad_date(lines)
    path.write_text("".join(lines), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert f"reports/registry/{REGION}.yaml:{k + 1}: error: " in out.stdout and "2022-02-30" in out.stdout


def test_check_reports_a_kind_the_agencies_file_contradicts(tmp_path):
    shutil.copytree(REPORTS, tmp_path / "reports")
    path = tmp_path / "reports" / "registry" / f"{REGION}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    k = _line_of(lines, "  平潭综合实验区公安局:")
    lines[k + 1] = lines[k + 1].replace("department", "government")
    path.write_text("".join(lines), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert (f"reports/registry/{REGION}.yaml:{k + 1}: error: body '平潭综合实验区公安局': kind government here, "
            "department in reports/agencies.yaml") in out.stdout


# --- coverage ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The repository's pages (no MkDocs: the coverage pages are read as the builder wrote them)."""
    from builder.pipeline import process_all
    from builder.site.build import build_site

    root = copy_repository(tmp_path_factory.mktemp("repo"))
    outcomes = process_all(root / "reports", root)
    build_site(outcomes, root, root / "content")
    return root


def _expected(year: int) -> dict[str, tuple[str, str, str]]:
    """For each of the zone's 18 bodies of 2020–2025: (state, date, timeliness) from registry.tsv and the
    committed records; the deadline by 条例第四十九条."""
    listed: dict[str, list[dict]] = {}
    for row in TSV:
        if int(row["year"]) == year:
            listed.setdefault(RENAMED.get(row["body"], row["body"]), []).append(row)
    current = {RENAMED.get(r["body"], r["body"]) for r in TSV if int(r["year"]) >= 2020}
    assert len(current) == 18
    out = {}
    for body in current:
        record = REPORTS / str(year) / f"{body}.yaml"
        rows = sorted(listed.get(body, []), key=lambda r: r["posted"])
        if record.exists():
            state, posted = "已收录", load_record(record).source.posted_on
        elif rows:
            state, posted = ("已发布（原文）" if rows[0]["url"] else "已发布（无原文地址）"), dt.date.fromisoformat(rows[0]["posted"])
        else:
            out[body] = ("未找到", "—", "—")
            continue
        due = dt.date(year + 1, 3, 31) if body == ZONE else dt.date(year + 1, 1, 31)
        late = (posted - due).days
        out[body] = (state, posted.isoformat(), f"逾期 {late} 天" if late > 0 else "按期")
    return out


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.mark.parametrize("year", range(2020, 2026))
def test_the_pingtan_coverage_page_shows_all_18_bodies_as_their_dates_say(built, year):
    page = (built / "content" / "coverage" / REGION / f"{year}.md").read_text(encoding="utf-8")
    parser = _Rows()
    parser.feed(page)
    rows = [r for r in parser.rows if r]
    got = {re.sub(r"列为“.*”$", "", r[0]): (r[2].split("列出")[0], r[3], r[6]) for r in rows}
    assert got == _expected(year)
    if year in (2023, 2025):  # listed by the portal, not archived: on time by the portal's date
        assert got["平潭综合实验区公安局"] == ("已发布（无原文地址）", {2023: "2024-01-31", 2025: "2026-01-30"}[year], "按期")
    if year == 2025:
        assert got["平潭综合实验区投资促进局"] == ("已发布（原文）", "2026-04-17", "逾期 76 天")
        assert got["平潭综合实验区自然资源与生态环境局"] == ("未找到", "—", "—")
    for body in ("平潭综合实验区公安局", "平潭综合实验区海坛片区管理局"):
        if (REPORTS / str(year) / f"{body}.yaml").exists():  # linked to the report's page
            assert f'href="../../../reports/{year}/{body}/">已收录</a>' in page


def test_the_coverage_download_is_the_registry_and_the_records(built):
    from test_open_data import read_table
    table = [r for r in read_table(built / "content" / "downloads" / "data", "coverage") if r["region"] == REGION]
    registry = load_registry(REGISTRY)
    by_key = {(r["body"], int(r["year"])): r for r in table}
    assert len(by_key) == len(table)
    # every listing is a row of its body and year, with the first posting's date and address
    for row in TSV:
        body = registry.body_of(row["body"])
        got = by_key[body, int(row["year"])]
        firsts = sorted((r for r in TSV if registry.body_of(r["body"]) == body and r["year"] == row["year"]),
                        key=lambda r: r["posted"])
        assert got["url"] == firsts[0]["url"] and got["listings"] == str(len(firsts))
        assert got["state"] in ("report", "listed")
        if got["state"] == "listed":
            assert (got["date"], got["evidence"]) == (firsts[0]["posted"], "registry")
    # every committed report of the region is a row "report", dated by its record's posted_on
    records = [load_record(p) for p in REPORTS.glob("2*/*.yaml")]
    ours = [r for r in records if registry.body_of(r.agency)]
    assert len(ours) == 7
    for r in ours:
        got = by_key[r.agency, r.year]
        assert (got["state"], got["report_page"], got["date"], got["evidence"]) == (
            "report", f"reports/{r.year}/{r.agency}/", r.source.posted_on.isoformat(), "posted_on")
    # nothing else but the years a body is expected in and has nothing for
    listed = {(registry.body_of(r["body"]), int(r["year"])) for r in TSV}
    assert {k for k, r in by_key.items() if r["state"] != "missing"} == listed
    for (body, year), r in by_key.items():
        # 条例第四十九条 from the 2019 reports on; before, the 2007 条例 第三十一条: 31 March for every body
        due = dt.date(year + 1, 3 if year <= 2018 or registry.bodies[body].kind == "government" else 1, 31)
        assert r["due"] == due.isoformat()
        if r["date"]:
            late = (dt.date.fromisoformat(r["date"]) - due).days
            assert (r["late_days"], r["timeliness"]) == (str(max(0, late)), "late" if late > 0 else "on_time")


def test_the_sqlite_download_holds_the_coverage_table(built):
    import sqlite3

    db = sqlite3.connect(built / "content" / "downloads" / "data" / "disclosure-index.sqlite")
    n = db.execute("SELECT count(*) FROM coverage WHERE region = ? AND year BETWEEN 2020 AND 2025", (REGION,)).fetchone()
    assert n == (18 * 6,)
    assert db.execute("SELECT state, date, timeliness FROM coverage WHERE body = '平潭综合实验区公安局' AND year = 2023"
                      ).fetchone() == ("listed", "2024-01-31", "on_time")
    documented = {name for (name,) in db.execute("SELECT name FROM coverage_columns")}
    assert documented == {name for (name,) in [(d[0],) for d in db.execute("SELECT * FROM coverage").description]}


def test_check_warns_where_a_report_and_its_registry_listing_disagree(tmp_path):
    shutil.copytree(REPORTS, tmp_path / "reports")
    path = tmp_path / "reports" / "registry" / f"{REGION}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    k = _line_of(lines, "t20250124_96946")  # 行政审批局's 2024 report, in the repository
    assert "posted: 2025-01-24" in lines[k]
    lines[k] = lines[k].replace("posted: 2025-01-24", "posted: 2025-01-25")
    del lines[_line_of(lines, "t20220114_80607")]  # 公安局's 2021 report, in the repository
    path.write_text("".join(lines), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout  # warnings
    assert ("reports/2024/平潭综合实验区行政审批局.html: warning: source.posted_on 2025-01-24, but the registry "
            f"reports/registry/{REGION}.yaml lists it as posted 2025-01-25") in out.stdout.replace(str(tmp_path) + "/", "")
    assert "reports/2021/平潭综合实验区公安局.html: warning: 平潭综合实验区公安局 2021: not in the registry" in out.stdout
