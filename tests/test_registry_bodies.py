"""One source for each fact: a body its region's registry names (by its name or an alias, under any
spelling characters.name_key folds) is ranked in its group and placed in its region without a second
entry in reports/agencies.yaml; an entry there wins, and a contradiction is a check error."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from builder.index.registry import load_registries, placed_bodies
from builder.index.scores import load_agencies
from conftest import REPORTS, ROOT, copy_repository

REGION = "福建省平潭综合实验区"


def _placed():
    return placed_bodies(load_agencies(REPORTS / "agencies.yaml"), load_registries(REPORTS)[0])


def test_a_body_only_the_registry_names_has_its_kind_level_and_region():
    placed = _placed()
    assert "平潭综合实验区君山片区管理局" not in load_agencies(REPORTS / "agencies.yaml")
    for name in ("平潭综合实验区君山片区管理局", "平潭综合实验区 君山片区管理局", "平潭综合实验区社会事业局"):
        info = placed[name]
        assert (info.region, info.level, info.kind, info.group) == (REGION, "市级", "department", "市级部门")
    # an alias is the body's: the old name of 投资促进局, the 管委会's name of the zone
    assert placed["平潭综合实验区国有资产管理局"] == placed["平潭综合实验区投资促进局"]
    assert placed["平潭综合实验区管委会"].group == "市级人民政府"
    # a body of the county the zone took over says its own level
    assert placed["平潭县公安局"].group == "县级部门" and placed["平潭县人民政府"].group == "县级人民政府"
    # the agencies file's entry is used where it has one
    assert placed["巴州区"].region == "四川省巴中市巴州区" and placed.get("无名机关") is None


def test_the_agencies_file_wins_where_it_has_an_entry(tmp_path):
    shutil.copytree(REPORTS, tmp_path / "reports")
    path = tmp_path / "reports" / "agencies.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "平潭综合实验区社会事业局: {region: 福建省平潭县, level: 县级}\n",
                    encoding="utf-8")
    placed = placed_bodies(load_agencies(path), load_registries(tmp_path / "reports")[0])
    info = placed["平潭综合实验区社会事业局"]
    assert (info.region, info.level, info.kind) == ("福建省平潭县", "县级", None)
    # and check says where they contradict each other
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "body '平潭综合实验区社会事业局': level 市级 here, 县级 in reports/agencies.yaml" in out.stdout
    assert "body '平潭综合实验区社会事业局': region 福建省平潭综合实验区 here, 福建省平潭县 in" in out.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The repository's pages with two reports of bodies only the registry names: 君山片区管理局's 2024
    report and 投资促进局's 2023 report under its old name (each a copy of 行政审批局's 2024 report)."""
    from builder.pipeline import process_all
    from builder.record.files import load_record, to_yaml
    from builder.site.build import build_site

    root = copy_repository(tmp_path_factory.mktemp("repo"))
    seed = load_record(root / "reports" / "2024" / "平潭综合实验区行政审批局.yaml")
    for year, name in ((2024, "平潭综合实验区君山片区管理局"), (2023, "平潭综合实验区国有资产管理局")):
        folder = root / "reports" / str(year)
        shutil.copy(root / "reports" / "2024" / "平潭综合实验区行政审批局.html", folder / f"{name}.html")
        source = seed.source.model_copy(update={"path": f"reports/{year}/{name}.html"})
        record = seed.model_copy(update={"agency": name, "year": year, "source": source})
        (folder / f"{name}.yaml").write_text(to_yaml(record), encoding="utf-8")
    outcomes = process_all(root / "reports", root)
    assert {(o.record.year, o.record.agency) for o in outcomes if not o.failed} >= {
        (2024, "平潭综合实验区君山片区管理局"), (2023, "平潭综合实验区国有资产管理局")}
    build_site(outcomes, root, root / "content")
    return root


@pytest.mark.parametrize("year, name", [(2024, "平潭综合实验区君山片区管理局"), (2023, "平潭综合实验区国有资产管理局")])
def test_the_registry_s_body_is_ranked_in_its_group_and_placed_in_its_region(built, year, name):
    from builder.site.api import report_json_url, standing_json_url

    standing = json.loads((built / "content" / standing_json_url(year, name)).read_text(encoding="utf-8"))
    assert standing["group"] == "市级部门"
    report = json.loads((built / "content" / report_json_url(year, name)).read_text(encoding="utf-8"))
    assert report["agency_info"] == {"region": REGION, "level": "市级", "kind": "department"}
    page = (built / "content" / "rankings" / f"{year}.md").read_text(encoding="utf-8")
    row = page[page.index(f">{name}</a>"):]
    row = row[:row.index("</tr>")]
    assert f"<td>{REGION}</td>" in row and "未分级" not in row
    # its region's directory lists its body, under its present name (the old name is 投资促进局's: a rename)
    body = {"平潭综合实验区国有资产管理局": "平潭综合实验区投资促进局"}.get(name, name)
    assert f">{body}</a>" in (built / "content" / "regions" / "福建省.md").read_text(encoding="utf-8")


def test_check_does_not_ask_for_an_agencies_entry_the_registry_makes_needless(tmp_path):
    shutil.copytree(REPORTS, tmp_path / "reports")
    path = tmp_path / "reports" / "agencies.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("平潭综合实验区海坛片区管理局:")
                            and not line.startswith("川汇区政府办公室:")), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "'川汇区政府办公室' has no entry" in out.stdout  # in no registry: ranked as 未分级机关
    assert "'平潭综合实验区海坛片区管理局' has no entry" not in out.stdout
