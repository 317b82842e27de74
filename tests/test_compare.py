"""The compare page's data (compare/YEAR.json, builder/site/compare_pages.py) equals the records: every cell
value and status of every report, with its body's group and region; a build that changes nothing rewrites
no year's file."""
from __future__ import annotations

import json
import os


from builder.site.compare_pages import STATUS_CODES, compare_path
from builder.record.models import iter_cells
from builder.record.files import load_record, record_path
from builder.index.scores import load_agencies
from builder.site.build import build_site
from builder.site.views import city, province
from conftest import copy_repository
from test_open_data import STATUSES, site  # noqa: F401  (the fixture: a built repository with every status)


def test_each_years_file_equals_the_records_every_cell_and_status(site):
    root, outcomes = site
    agencies = load_agencies(root / "reports" / "agencies.yaml")
    files = {}
    seen = set()
    for o in outcomes:
        record = load_record(record_path(o.source))  # the record as committed under reports/
        if record.year not in files:
            files[record.year] = json.loads((root / "site" / compare_path(record.year)).read_text(encoding="utf-8"))
        data = files[record.year]
        states = data["statuses"]
        assert states == {code: state for state, code in STATUS_CODES.items()}
        index = {path: k for k, (path, _) in enumerate(data["cells"])}
        (body,) = [b for b in data["bodies"] if b["name"] == record.agency]
        info = agencies[record.agency]
        assert (body["group"], body["region"], body["level"]) == (info.group, info.region or "", info.level or "未分级")
        assert (body["province"], body["city"]) == (province(info.region), city(info.region))
        assert len(body["values"]) == len(body["status"]) == len(data["cells"])
        cells = list(iter_cells(record))  # both editions: a cell the record's edition lacks is not applicable
        assert [p for p, _ in cells] == [p for p, _ in data["cells"]]
        for path, value in cells:
            k = index[path]
            assert body["values"][k] == value, (record.agency, path)
            assert states[body["status"][k]] == record.status(path), (record.agency, path)
            seen.add(record.status(path))
        assert (root / "site" / body["url"] / "index.html").exists()
    assert sum(len(d["bodies"]) for d in files.values()) == len(outcomes)
    assert seen == STATUSES  # every status reaches the page's data, distinctly


def test_an_unchanged_build_rewrites_no_years_file(site, tmp_path):
    root, outcomes = site
    cache = tmp_path / "pages.json"
    build_site(outcomes, root, root / "content", cache)
    stamps = {p: os.stat(p).st_mtime_ns for p in (root / "content" / "compare").glob("*.json")}
    assert len(stamps) == len({o.brief.year for o in outcomes})
    build_site(outcomes, root, root / "content", cache)
    assert {p: os.stat(p).st_mtime_ns for p in stamps} == stamps
    # a report of 2024 gone: its year's file made again without it, the other years' files left alone
    gone = next(o for o in outcomes if o.brief.year == 2024)
    build_site([o for o in outcomes if o is not gone], root, root / "content", cache)
    changed = {p.stem for p in stamps if os.stat(p).st_mtime_ns != stamps[p]}
    assert changed == {"2024"}
    names = [b["name"] for b in json.loads((root / "content" / "compare" / "2024.json").read_text("utf-8"))["bodies"]]
    assert gone.brief.agency not in names and names
    build_site(outcomes, root, root / "content", cache)  # as it was, for the other tests


def test_a_years_file_made_from_kept_entries_equals_one_made_from_nothing(site, tmp_path, monkeypatch):
    from builder.site import compare_pages

    root, outcomes = site
    made: list[int] = []
    body_lines = compare_pages.body_lines
    monkeypatch.setattr(compare_pages, "body_lines", lambda reports: made.append(len(reports)) or body_lines(reports))
    cache, out = tmp_path / "cache" / "pages.json", tmp_path / "content"
    build_site(outcomes, root, out, cache)
    assert sum(made) == len(outcomes)  # from nothing: every report's entry made
    gone = next(o for o in outcomes if o.brief.year == 2024)
    rest = [o for o in outcomes if o is not gone]
    made.clear()
    build_site(rest, root, out, cache)
    assert sum(made) == 0  # a report gone: its year's file joined from the others' kept entries
    made.clear()
    build_site(outcomes, root, out, cache)
    assert sum(made) == 1  # a report added: its entry alone is made
    for files in (outcomes, rest):  # ... and each file is, byte for byte, the one a build from nothing makes
        build_site(files, root, out, cache)
        fresh = tmp_path / f"fresh{len(files)}"
        build_site(files, root, fresh)
        years = sorted(p.name for p in (fresh / "compare").glob("*.json"))
        assert years == sorted(p.name for p in (out / "compare").glob("*.json")) and years
        for name in years:
            assert (out / "compare" / name).read_bytes() == (fresh / "compare" / name).read_bytes()
    # a year none of whose reports is left has its kept entries removed with its file
    only = [o for o in outcomes if o.brief.year == 2024]
    build_site(only, root, out, cache)
    assert sorted(p.name for p in (cache.parent / "compare-bodies").iterdir()) == ["2024.json"]


def test_the_nav_and_the_rankings_link_to_the_compare_page(site):
    root, outcomes = site
    assert 'href="../../compare/?year=2023"' in (root / "site" / "rankings" / "2023" / "index.html").read_text("utf-8")
    assert 'href="../compare/"' in (root / "site" / "rankings" / "index.html").read_text("utf-8")
    home = (root / "site" / "index.html").read_text("utf-8")
    assert 'href="compare/"' in home  # the nav
    page = (root / "site" / "compare" / "index.html").read_text("utf-8")
    years = sorted({o.brief.year for o in outcomes}, reverse=True)
    assert f'data-years="{" ".join(map(str, years))}"' in page


def test_a_groups_ranking_page_links_to_the_compare_view_of_its_group(tmp_path, monkeypatch):
    from urllib.parse import quote

    from builder.site import list_pages
    from builder.pipeline import process_all

    monkeypatch.setattr(list_pages, "RANKING_PAGE_ROWS", 2)  # split the rankings by group, as thousands would be
    root = copy_repository(tmp_path)
    build_site(process_all(root / "reports", root, write=False), root, root / "content")
    group = root / "content" / "rankings" / "2024" / "市级部门.md"
    assert f'compare/?year=2024&amp;group={quote("市级部门")}"' in group.read_text(encoding="utf-8")
