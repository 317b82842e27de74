"""The site at scale: a rebuild after one new report renders what it touches and gives the same pages as a
build from scratch; long lists are split into pages; the search index holds one entry per report."""
from __future__ import annotations

import filecmp
import json
import shutil
import sys

import pytest

from builder.site import list_pages, build as site, views
from builder.pipeline import process_all
from builder.site.build import build_site
from conftest import ROOT, build_site_in, copy_repository
from test_open_data import sqlite_rows

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


def synthetic_repo(root, n: int):
    copy_repository(root)
    shutil.rmtree(root / "reports")
    generate(root, n, seed=3)
    return root


def build(root, cached: bool = True):
    cache = root / ".cache"
    outcomes = process_all(root / "reports", root, write=True, cache_dir=cache / "extract" if cached else None,
                           state_file=cache / "state.json" if cached else None)
    build_site(outcomes, root, root / "content", cache_file=cache / "pages.json" if cached else None)
    return outcomes


def same_tree(a, b) -> list[str]:
    """The files that differ between two directories (or are in one only). The SQLite download is compared
    by its rows: it is updated in place, so an updated file holds the same rows as one made from scratch in
    other bytes (builder/data/sqlite.py)."""
    cmp = filecmp.dircmp(a, b)
    out = [f"{a}/{n}" for n in cmp.left_only + cmp.right_only + cmp.funny_files]
    out += [f"{a}/{n}" for n in cmp.diff_files
            if not n.endswith(".sqlite") or sqlite_rows(a / n) != sqlite_rows(b / n)]
    for sub in cmp.common_dirs:
        out += same_tree(a / sub, b / sub)
    return out


@pytest.fixture
def renders(monkeypatch):
    """The templates rendered, one entry per page made."""
    made: list[str] = []
    render = views.render

    def counting(env, template, /, **context):
        made.append(template)
        return render(env, template, **context)
    monkeypatch.setattr(views, "render", counting)
    return made


def test_one_new_report_renders_its_pages_only_and_the_site_is_as_built_from_scratch(tmp_path, renders):
    root = synthetic_repo(tmp_path / "repo", 30)
    build(root)
    assert renders.count("report.md.j2") == 30
    renders.clear()

    extra = generate(tmp_path / "extra", 1, seed=99)[0][0]
    shutil.copy(extra, root / "reports" / "2023" / f"新机关{extra.name}")
    outcomes = build(root)
    assert len(outcomes) == 31
    assert renders.count("report.md.j2") == 1 and renders.count("agency.md.j2") == 1
    # the records of the other thirty were not even read back from the state file
    assert sum(o._record is not None for o in outcomes) == 1

    scratch = copy_repository(tmp_path / "scratch")
    shutil.rmtree(scratch / "reports")
    shutil.copytree(root / "reports", scratch / "reports")
    for p in (scratch / "reports").rglob("*.yaml"):
        if p.name != "agencies.yaml":
            p.unlink()
    build(scratch, cached=False)
    assert same_tree(root / "content", scratch / "content") == []


def test_a_changed_record_or_agency_entry_renders_that_reports_pages_again(tmp_path, renders):
    root = synthetic_repo(tmp_path / "repo", 12)
    outcomes = build(root)
    renders.clear()
    o = outcomes[0]
    agencies = root / "reports" / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith(o.brief.agency + ":"))
    agencies.write_text(text.replace(line, f"{o.brief.agency}: {{region: 北京市海淀区, level: 市级, kind: department}}"),
                        encoding="utf-8")
    build(root)
    mine = sum(p.brief.agency == o.brief.agency for p in outcomes)
    assert renders.count("report.md.j2") == mine and renders.count("agency.md.j2") == 1
    page = root / "content" / site.report_url(o.brief)
    assert "北京市海淀区" in page.read_text(encoding="utf-8")

    renders.clear()
    build(root)
    assert renders.count("report.md.j2") == 0  # nothing changed: nothing made


def test_long_rankings_and_findings_are_split_into_pages_that_mkdocs_links(tmp_path, monkeypatch):
    monkeypatch.setattr(list_pages, "RANKING_PAGE_ROWS", 4)
    monkeypatch.setattr(list_pages, "RANKING_TOP", 2)
    root = synthetic_repo(tmp_path / "repo", 50)  # ten bodies, five years each
    outcomes = process_all(root / "reports", root)
    build_site(outcomes, root, root / "content")
    rankings = root / "content" / "rankings"
    year = (rankings / "2023.md").read_text(encoding="utf-8")
    assert "table" not in year and "县级部门" in year  # a list of groups, no table of all of them
    # every report of the year is in exactly one page that holds a whole table (a group's or a province's)
    leaves = [p for p in (rankings / "2023").rglob("*.md") if not (p.with_suffix("")).is_dir()]
    rows = [line for p in leaves for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("<tr class=\"ranking-row\"")]
    assert len(rows) == 10 == len(set(rows))
    assert all(len([line for line in p.read_text(encoding="utf-8").splitlines()
                    if line.startswith("<tr class=\"ranking-row\"")]) <= 4 for p in leaves)
    split = [p for p in (rankings / "2023").glob("*.md") if p.with_suffix("").is_dir()]
    assert split and all("前 2 名" in p.read_text(encoding="utf-8") for p in split)
    out = build_site_in(root)  # MkDocs --strict: every link between the parts resolves
    assert out[0]


def test_a_province_of_many_bodies_is_listed_a_page_per_city(tmp_path, monkeypatch):
    monkeypatch.setattr(list_pages, "REGION_PAGE_BODIES", 1)
    root = synthetic_repo(tmp_path / "repo", 50)  # ten bodies, five years each
    outcomes = process_all(root / "reports", root)
    build_site(outcomes, root, root / "content")
    regions = root / "content" / "regions"
    split = [p for p in regions.glob("*.md") if p.with_suffix("").is_dir()]
    assert split
    for page in split:  # a province's page links to each of its cities' pages
        cities = list(page.with_suffix("").glob("*.md"))
        assert cities and all(f'href="{c.stem}/"' in page.read_text(encoding="utf-8") for c in cities)
    listed = [line for p in regions.rglob("*.md") for line in p.read_text(encoding="utf-8").splitlines()
              if line.startswith("<tr><td>")]
    assert len(listed) == 10 == len(set(listed))  # every body once
    build_site_in(root)


def test_province_and_city_of_a_region():
    assert site.province("四川省达州市通川区") == "四川省" and site.city("四川省达州市通川区") == "达州市"
    assert site.province("北京市海淀区") == "北京市" and site.city("北京市海淀区") == "海淀区"
    assert site.province("广西壮族自治区南宁市") == "广西壮族自治区" and site.city("广西壮族自治区南宁市") == "南宁市"
    assert site.city("四川省凉山彝族自治州西昌市") == "凉山彝族自治州" and site.city("四川省") == "省级机关"
    assert site.province(None) == views.NO_REGION


def test_a_new_report_in_a_group_rewrites_the_groups_standing_files_not_their_pages(tmp_path, renders):
    root = copy_repository(tmp_path / "repo")
    build(root)
    standing = root / "content" / "api" / "v1" / "standing" / "2023"
    before = {p.name: p.read_bytes() for p in standing.glob("*.json")}
    pages = {p: p.read_bytes() for p in (root / "content" / "reports" / "2023").glob("*.md")}
    renders.clear()
    # a twin of 巴州区 joins 县级人民政府: 巴州区 and 达州市通川区 now rank among three
    shutil.copy(root / "reports" / "2023" / "巴州区.txt", root / "reports" / "2023" / "巴州区二.txt")
    text = (root / "reports" / "2023" / "巴州区二.txt").read_text(encoding="utf-8")
    (root / "reports" / "2023" / "巴州区二.txt").write_text(text.replace("巴州区", "巴州区二", 1), encoding="utf-8")
    with open(root / "reports" / "agencies.yaml", "a", encoding="utf-8") as f:
        f.write("巴州区二: {region: 四川省巴中市巴州区, level: 县级, kind: government}\n")
    outcomes = build(root)
    names = {o.brief.agency for o in outcomes}
    assert "巴州区二" in names, names
    # only the new report's pages are made; its group's pages stand as they were, their ranks and
    # quartiles are in their standing files, which change; the other group's files do not
    assert renders.count("report.md.j2") == 1 and renders.count("agency.md.j2") == 1
    assert all(p.read_bytes() == data for p, data in pages.items())
    after = {p.name: p.read_bytes() for p in standing.glob("*.json")}
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {"达州市通川区.json", "巴州区.json"} and "巴州区二.json" in after
    texts = json.loads(after["达州市通川区.json"])["text"]
    assert "共 3）" in texts["overall.rank"] and "（3 份）" in texts["overall.peers"]
    scratch = copy_repository(tmp_path / "scratch")
    shutil.rmtree(scratch / "reports")
    shutil.copytree(root / "reports", scratch / "reports")
    build(scratch, cached=False)
    assert same_tree(root / "content", scratch / "content") == []
