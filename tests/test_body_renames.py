"""One body through its renames: reports published under a body's former name and under its present one
are one body (one id, one page, one trend, one row of coverage a year, one feed), each year shown under
the name it was published under; a name that passed from one body to another goes to the body that held
it that year; the downloads carry the body's id; a wrong entry of reports/agencies.yaml is named with its
file, line and what is wrong (builder/index/bodies.py)."""
from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import sqlite3

import pytest

from builder.index.bodies import (FormerName, credit_check_character, credit_code_problem, derived_id, id_problem)
from builder.index.registry import load_registries, placed_bodies
from builder.index.scores import AgenciesError, load_agencies
from conftest import REPORTS, copy_repository

OLD, NEW = "平潭综合实验区国有资产管理局", "平潭综合实验区投资促进局"  # the committed registry's rename
REGION = "福建省平潭综合实验区"
# a name that passed from one body to another: 测试市甲局 was 测试市乙局's name in 2021–2022, then another body's
HELD, LATER = "测试市甲局", "测试市乙局"
CODE = "11350128MB0000001L"  # a 统一社会信用代码 of the right form (made up: its check character is right)
NAMESAKES = f"""
{HELD}: {{region: 测试省测试市, level: 市级, kind: department}}
{LATER}:
  region: 测试省测试市
  level: 市级
  kind: department
  id: {CODE}
  former_names:
    - {{name: {HELD}, years: [2021, 2022]}}
"""


def _add_report(root, year: int, name: str, seed_name: str = "平潭综合实验区行政审批局", forward: int = 0) -> None:
    """A report of `name` for `year`: a copy of a committed 2024 report (its source and record), with
    `forward` requests of 自然人 carried forward to the next year (the copy's are 0)."""
    from builder.record.files import load_record, to_yaml

    seed = load_record(root / "reports" / "2024" / f"{seed_name}.yaml")
    folder = root / "reports" / str(year)
    folder.mkdir(exist_ok=True)
    shutil.copy(root / "reports" / "2024" / f"{seed_name}.html", folder / f"{name}.html")
    source = seed.source.model_copy(update={"path": f"reports/{year}/{name}.html", "posted_on": None})
    carried = [forward, 0, 0, 0, 0, 0, forward]
    applications = seed.applications.model_copy(update={"carried_forward": carried})
    record = seed.model_copy(update={"agency": name, "year": year, "source": source, "applications": applications})
    (folder / f"{name}.yaml").write_text(to_yaml(record), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The repository with 投资促进局's 2023 report under its old name and its 2024 report under its new one,
    and 测试市甲局's name used by 测试市乙局 for 2022 and by 测试市甲局 itself for 2024; its pages built."""
    from builder.pipeline import process_all
    from builder.site.build import build_site

    root = copy_repository(tmp_path_factory.mktemp("renames"))
    for year, name, forward in ((2023, OLD, 2), (2024, NEW, 0), (2022, HELD, 0), (2024, HELD, 0), (2023, LATER, 0)):
        _add_report(root, year, name, forward=forward)
    agencies = root / "reports" / "agencies.yaml"
    agencies.write_text(agencies.read_text(encoding="utf-8") + NAMESAKES, encoding="utf-8")
    outcomes = process_all(root / "reports", root)
    assert not [o for o in outcomes if o.failed]
    build_site(outcomes, root, root / "content")
    return root


def _text(root, rel: str) -> str:
    return (root / "content" / rel).read_text(encoding="utf-8")


def _body_id(name: str) -> str:
    return placed_bodies(load_agencies(REPORTS / "agencies.yaml"), load_registries(REPORTS)[0])[name].body_id


def test_reports_under_a_body_s_two_names_give_one_body_page(built):
    page = _text(built, f"agencies/{NEW}.md")
    # both years on the body's page, the old year shown under the name it was published under
    assert f'<a href="../../reports/2023/{OLD}/">2023 年</a>（以 {OLD} 名义发布）' in page
    assert f'<a href="../../reports/2024/{NEW}/">2024 年</a>' in page and "共 2 份年度报告" in page
    assert f"曾用名：{OLD}（2023 年报告以此名义发布）" in page
    # the trend across both names: the chart and the table of key figures hold both years
    across = page[page.index('class="report-table across-years"'):]
    across = across[:across.index("</thead>")]
    assert "2023 年" in across and "2024 年" in across and f"以 {OLD} 名义发布" in across
    chart = page[page.index('class="trend-chart"'):]
    assert "2023" in chart[:chart.index("</div>")] and "2024" in chart[:chart.index("</div>")]
    # the years are checked across the rename: 2023 carried 2 requests forward, 2024 printed 0 carried over
    findings = json.loads(_text(built, f"api/v1/reports/2024/{NEW}.json"))["findings"]
    assert {(f["path"], f["printed"], f["expected"]) for f in findings if f["rule"] == "across_years.carry"} == {
        ("applications.carried_over[0]", 0, 2), ("applications.carried_over[6]", 0, 2)}
    assert "相邻年度的“结转下年度继续办理”与“上年结转”" not in page and "2024 年：" in page
    # the old name's address leads to the body's page rather than going missing
    old = _text(built, f"agencies/{OLD}.md")
    assert "曾用名" in old and f'<a href="../../agencies/{NEW}/">{NEW}</a>' in old
    assert "历年政府信息公开工作年度报告" not in old  # not a body page of its own
    # each report page links to the body's one page, the old one saying the body's present name
    report = _text(built, f"reports/2023/{OLD}.md")
    assert f'href="../../../agencies/{NEW}/">{OLD}</a>（现名 {NEW}）' in report


def test_coverage_and_feed_follow_the_body_across_its_names(built):
    body_id = _body_id(NEW)
    assert body_id == _body_id(OLD) == derived_id(OLD)  # first known by its old name (bodies.body_id)
    rows = []
    for year in (2023, 2024):
        data = gzip.decompress((built / "content" / "downloads" / "data" / f"coverage-{year}.csv.gz").read_bytes())
        rows += [r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))) if r["body_id"] == body_id]
    assert [(r["year"], r["body"], r["state"], r["listed_as"]) for r in rows] == [
        ("2023", NEW, "report", OLD), ("2024", NEW, "report", "")]
    for year in (2023, 2024):  # the coverage page links either year's row to the body's one page
        page = _text(built, f"coverage/{REGION}/{year}.md")
        assert f'href="../../../agencies/{NEW}/">{NEW}</a>' in page
    feed = (built / "content" / "feeds" / "agencies" / f"{NEW}.xml").read_text(encoding="utf-8")
    assert f"{NEW} 2023 年报告已收录" in feed and f"{NEW} 2024 年报告已收录" in feed
    # a reader who followed the body under its old name keeps following it
    assert (built / "content" / "feeds" / "agencies" / f"{OLD}.xml").read_text(encoding="utf-8").count(
        "<entry>") == feed.count("<entry>") > 0


def test_a_name_two_bodies_held_goes_to_the_body_that_held_it_that_year(built):
    later = _text(built, f"agencies/{LATER}.md")  # 2022 under the name it then held, 2023 under its own
    assert f'<a href="../../reports/2022/{HELD}/">2022 年</a>（以 {HELD} 名义发布）' in later
    assert "2023 年</a>" in later and "2024 年" not in later
    held = _text(built, f"agencies/{HELD}.md")  # the name's present holder: its 2024 report, and a note
    assert f'<a href="../../reports/2024/{HELD}/">2024 年</a>' in held and "2022 年</a>" not in held
    assert f'同名机关：名称“{HELD}”也曾为<a href="../../agencies/{LATER}/">{LATER}</a>（2022 年）所用' in held
    reports = json.loads(_text(built, "api/v1/index.json"))["reports"]
    ids = {(r["agency"], r["year"]): r["body_id"] for r in reports}
    assert ids[HELD, 2022] == ids[LATER, 2023] == CODE
    assert ids[HELD, 2024] == derived_id(HELD) != CODE


def test_the_downloads_carry_the_body_id(built):
    body_id = _body_id(NEW)
    data = built / "content" / "downloads" / "data"
    for year, name in ((2023, OLD), (2024, NEW)):
        table = gzip.decompress((data / f"disclosure-index-{year}.csv.gz").read_bytes()).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(table)))
        assert list(rows[0])[:3] == ["agency", "year", "body_id"]
        assert [r["body_id"] for r in rows if r["agency"] == name] == [body_id]
        entries = json.loads(gzip.decompress((data / f"disclosure-index-{year}.json.gz").read_bytes()))["reports"]
        assert [e["body_id"] for e in entries if e["record"]["agency"] == name] == [body_id]
        # the long table of scores too, beside the name (the cells table joins its reports row for it)
        text = gzip.decompress((data / f"disclosure-index-scores-{year}.csv.gz").read_bytes()).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0])[:3] == ["agency", "year", "body_id"]
        assert {r["body_id"] for r in rows if r["agency"] == name} == {body_id}
        api = json.loads(_text(built, f"api/v1/reports/{year}/{name}.json"))
        assert api["body_id"] == body_id and api["agency"] == name
        compare = json.loads(_text(built, f"compare/{year}.json"))["bodies"]
        assert [(b["id"], b["body"]) for b in compare if b["name"] == name] == [(body_id, NEW)]
    db = sqlite3.connect(data / "disclosure-index.sqlite")
    try:
        got = db.execute("SELECT year, agency FROM reports WHERE body_id = ? ORDER BY year", (body_id,)).fetchall()
        assert got == [(2023, OLD), (2024, NEW)]
        assert db.execute("SELECT COUNT(*) FROM coverage WHERE body_id = ? AND state = 'report'",
                          (body_id,)).fetchone() == (2,)
        assert db.execute("SELECT DISTINCT year, agency FROM scores WHERE body_id = ? ORDER BY year",
                          (body_id,)).fetchall() == got
    finally:
        db.close()
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    for resource in ("reports", "scores", "coverage"):
        (schema,) = [r["schema"] for r in package["resources"] if r["name"] == resource]
        assert "body_id" in [f["name"] for f in schema["fields"]]


# --- the agencies file and the registry -------------------------------------------------------------------

def test_the_registry_s_alias_is_a_former_name_with_the_years_listed_under_it():
    placed = placed_bodies(load_agencies(REPORTS / "agencies.yaml"), load_registries(REPORTS)[0])
    assert placed[NEW].former == (FormerName(OLD, 2019, 2023),)
    for year in (2019, 2023, 2024):
        assert placed.resolve(OLD, year).name == NEW and placed.resolve(NEW, year).name == NEW
    assert placed.resolve("无名机关", 2023) is None


def test_a_name_passed_from_one_body_to_another_is_resolved_by_the_year(tmp_path):
    path = tmp_path / "agencies.yaml"
    path.write_text(NAMESAKES, encoding="utf-8")
    agencies = load_agencies(path)
    assert agencies.resolve(HELD, 2021).name == LATER and agencies.resolve(HELD, 2022).name == LATER
    assert agencies.resolve(HELD, 2020).name == HELD and agencies.resolve(HELD, 2024).name == HELD
    assert agencies.resolve(f" {HELD}", 2022).name == LATER  # under any spelling name_key folds
    assert agencies[LATER].body_id == CODE and agencies[HELD].body_id == derived_id(HELD)


def test_credit_codes_are_checked_as_gb_32100_says():
    assert credit_code_problem(CODE) is None and credit_check_character(CODE[:17]) == CODE[-1]
    for real in ("914403001922038216", "91110000802100433B"):  # codes companies print, their check characters
        assert credit_code_problem(real) is None
    assert "check character is '0', but its first 17 characters give 'L'" in credit_code_problem(CODE[:-1] + "0")
    assert "18 characters" in credit_code_problem(CODE[:-1])
    assert "'I'" in credit_code_problem("I" + CODE[1:])
    assert id_problem("di-0123456789ab") is None and "12 hexadecimal" in id_problem("di-12")
    assert derived_id("平潭综合实验区（公安局）") == derived_id("平潭综合实验区(公安局)")


@pytest.mark.parametrize("entries, line, what", [
    (f"甲局: {{kind: department, id: {CODE[:-1]}0}}\n", 1, "check character is '0'"),
    ("甲局: {kind: department, id: 12345}\n", 1, "an id is text"),
    ("甲局:\n  kind: department\n  former_names: [{name: 乙局, years: [2023]}]\n", 3, "years is [FIRST, LAST]"),
    ("甲局:\n  former_names:\n    - {name: 乙局, years: [2023, 2019]}\n", 3, "the last year 2019 is before the first 2023"),
    ("甲局:\n  former_names:\n    - 乙局\n", 3, "expected {name: NAME, years: [FIRST, LAST]}"),
    ("甲局:\n  former_names: [{name: 甲局, years: [2019, 2020]}]\n", 2, "the former name '甲局' is the body's present name"),
    ("甲局:\n  former_names: [{name: 丙局, years: [2019, 2021]}]\n"
     "乙局:\n  id: di-0123456789ab\n  former_names:\n    - {name: 丙局, years: [2021, 2022]}\n",
     6, "the former name '丙局' (2021-2022) is also '甲局''s former name for years that overlap (2019-2021)"),
    ("甲局: {kind: department}\n乙局:\n  former_names: [{name: 甲局}]\n", 3, "give the years '乙局' held it"),
    ("甲局: {kind: department}\n乙局:\n  former_names: [{name: 甲局, years: [2019, 2020]}]\n", 2,
     "also '甲局''s (both are first known by one name: give one of them an id of its own)"),
])
def test_a_wrong_entry_is_named_with_its_file_line_and_what_is_wrong(tmp_path, entries, line, what):
    path = tmp_path / "agencies.yaml"
    path.write_text(entries, encoding="utf-8")
    with pytest.raises(AgenciesError) as err:
        load_agencies(path)
    assert err.value.line == line and what in err.value.problem and err.value.file.endswith("agencies.yaml")
    assert str(err.value).startswith(f"{err.value.file}:{line}: entry ")


def test_the_same_name_for_two_bodies_in_disjoint_years_is_allowed(tmp_path):
    path = tmp_path / "agencies.yaml"
    path.write_text("甲局:\n  former_names: [{name: 丙局, years: [2015, 2018]}]\n"
                    "乙局:\n  id: di-0123456789ab\n  former_names: [{name: 丙局, years: [2019, 2022]}]\n",
                    encoding="utf-8")
    agencies = load_agencies(path)
    assert [agencies.resolve("丙局", y).name for y in (2015, 2018, 2019, 2022)] == ["甲局", "甲局", "乙局", "乙局"]
    assert agencies.resolve("丙局", 2024) is None  # neither held it then, and it is no body's present name


def test_check_names_a_former_name_the_agencies_file_and_the_registry_give_two_bodies(tmp_path):
    """The registry's 国有资产管理局 is 投资促进局's for 2019–2023: another body claiming it for 2020–2021 in
    the agencies file is a check error on the registry's line of the body, and stops the site."""
    import subprocess
    import sys

    from conftest import ROOT
    shutil.copytree(REPORTS, tmp_path / "reports")
    path = tmp_path / "reports" / "agencies.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "平潭综合实验区财政金融局2:\n  former_names:\n"
                    f"    - {{name: {OLD}, years: [2020, 2021]}}\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 1
    registry = (tmp_path / "reports" / "registry" / f"{REGION}.yaml").read_text(encoding="utf-8").splitlines()
    line = next(k for k, text in enumerate(registry, 1) if text.strip() == f"{NEW}:")
    assert (f"reports/registry/{REGION}.yaml:{line}: error: body '{NEW}': the former name '{OLD}' (2019-2023) is "
            f"also '平潭综合实验区财政金融局2''s former name for years that overlap (2020-2021)") in out.stdout
