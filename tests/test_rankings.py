"""The rankings as a reader reads them: a section per comparable group; beside each overall score how
many indicators it rests on; a timeliness 0 of a report with no date said to be unknown, not late; the
reason a report is not ranked on the row under it. Expected values come from index/scores.py's score of
each committed report, and from reports the tests make."""
from __future__ import annotations

import shutil

import pytest
from lxml import html as lxml_html

from builder.index.registry import load_registries, placed_bodies
from builder.index.scores import INDICATORS, UNDATED_SHOWN, Agency, load_agencies, score
from conftest import copy_repository


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The repository's pages (no MkDocs: the ranking tables are verbatim HTML in content/), with a copy
    of 平潭综合实验区's 2024 report under another name of the zone's registry and neither of its dates."""
    from builder.pipeline import process_all
    from builder.record.files import load_record, to_yaml
    from builder.site.build import build_site

    root = copy_repository(tmp_path_factory.mktemp("repo"))
    folder = root / "reports" / "2024"
    seed = load_record(folder / "平潭综合实验区.yaml")
    name = "平潭综合实验区社会事业局"
    shutil.copy(folder / "平潭综合实验区.html", folder / f"{name}.html")
    source = seed.source.model_copy(update={"path": f"reports/2024/{name}.html", "posted_on": None,
                                            "published_on": None})
    (folder / f"{name}.yaml").write_text(to_yaml(seed.model_copy(update={"agency": name, "source": source})),
                                         encoding="utf-8")
    outcomes = [o for o in process_all(root / "reports", root) if not o.failed]
    assert any(o.record.agency == name for o in outcomes)
    build_site(outcomes, root, root / "content")
    agencies = placed_bodies(load_agencies(root / "reports" / "agencies.yaml"), load_registries(root / "reports")[0])
    return root, [(o.record, score(o.record, agencies.get(o.record.agency, Agency(o.record.agency))),
                   agencies.get(o.record.agency, Agency(o.record.agency))) for o in outcomes]


def _table(root, year):
    page = (root / "content" / "rankings" / f"{year}.md").read_text(encoding="utf-8")
    start, end = page.index("<!-- verbatim -->"), page.index("<!-- /verbatim -->")
    return lxml_html.fromstring(page[start + len("<!-- verbatim -->"):end]).xpath("//table")[0]


def _row(table, agency):
    return table.xpath(f'.//tbody/tr[td[2]/a/text()="{agency}"]')[0]


def _text(el) -> str:
    return "".join(el.itertext()).strip()


def test_an_undated_report_s_timeliness_is_unknown_not_late(built):
    root, reports = built
    undated = 0
    column = 4 + [ind.key for ind in INDICATORS].index("timeliness")
    for record, s, _ in reports:
        cell = _text(_row(_table(root, record.year), record.agency).xpath("td")[column - 1])
        if record.source.posted_on is None and record.source.published_on is None:
            undated += 1
            assert s.values["timeliness"].value == 0  # the method scores it 0 ...
            assert cell.startswith(f"0（{UNDATED_SHOWN}）"), (record.agency, cell)  # ... and the page says why
        else:
            assert "日期不明" not in cell and cell.startswith(f"{s.values['timeliness'].value:.1f}"), cell
    assert undated >= 5  # four of the seeds, 平潭综合实验区社会事业局


def test_each_overall_score_says_how_many_indicators_it_rests_on(built):
    root, reports = built
    seen = set()
    for record, s, _ in reports:
        cell = _row(_table(root, record.year), record.agency).xpath('td[contains(@class, "score-overall")]')[0]
        if s.overall is None:
            assert _text(cell) == "不排名"
            continue
        n = sum(v.status == "scored" for v in s.values.values())
        assert _text(cell) == f"{s.overall:.1f}（{n}/{len(INDICATORS)} 项）", record.agency
        seen.add(n)
    assert len(seen) >= 2  # 3/5 (no request, no case) and 5/5 among the committed reports


def test_a_report_without_an_overall_score_has_its_reason_on_the_row_under_it(built):
    root, reports = built
    unranked = [(record, s) for record, s, _ in reports if s.overall is None]
    assert unranked  # 平潭综合实验区海坛片区管理局 2024: 总计 printed 0
    for record, s in unranked:
        row = _row(_table(root, record.year), record.agency)
        reason = row.getnext()
        assert reason.get("class") == "ranking-reason" and reason.get("data-for") == row.get("id")
        assert _text(reason) == f"{record.agency}不排名：{s.reason}"
        assert s.reason not in _text(row)  # never in a score cell


def test_each_comparable_group_is_a_section_of_its_own(built):
    root, reports = built
    group = {(r.year, r.agency): info.group for r, _, info in reports}
    for year in sorted({r.year for r, _, _ in reports}):
        table = _table(root, year)
        names = []
        for body in table.xpath("tbody"):
            head = body.xpath("tr")[0]
            assert head.get("class") == "group-head" and _text(head).startswith(body.get("data-group"))
            rows = body.xpath('tr[@class="ranking-row"]')
            assert {group[year, _text(r.xpath("td[2]/a")[0])] for r in rows} == {body.get("data-group")}
            assert f"{len(rows)} 份报告" in _text(head)
            names.append(body.get("data-group"))
        assert len(names) == len(set(names)) == len({g for (y, _), g in group.items() if y == year})
    # 2024: the zone's government, then its departments (a level's governments first)
    assert [b.get("data-group") for b in _table(root, 2024).xpath("tbody")] == ["市级人民政府", "市级部门"]


def test_the_methodology_page_says_what_the_basis_and_an_unknown_date_mean(built):
    from builder.index.scores import BASIS_RULE, UNDATED_RULE
    root, _ = built
    page = (root / "content" / "methodology.md").read_text(encoding="utf-8")
    assert BASIS_RULE in page and UNDATED_RULE in page and UNDATED_SHOWN in UNDATED_RULE
