"""The data for researchers: the per-report JSON files and the cells table equal the
records, statuses included; the data package validates with frictionless; the data's license,
citation, version and date are on the data page and in every download; builds are reproducible and
an incremental build rewrites only the files of the report that changed."""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import yaml

from builder.data import downloads
from builder.site.api import data_date, report_json_url
from builder.record.models import get_path, iter_cells
from builder.record.outcome import record_digest
from builder.record.files import load_record, record_path, to_yaml
from builder.index.wording import cell_name
from conftest import ROOT, build_site_in, copy_repository

STATUSES = {"printed", "blank", "not_applicable", "unread", "inferred", "corrected"}
DATE = "2024-05-06"  # the committer's date of the test repository's one commit


def _every_status(root: Path) -> None:
    """Reports whose cells take every status: a row of one report printed with an illegible cell and a
    "/" (unread, not applicable) and two blank cells no arithmetic fills (blank); a cell of another
    corrected by hand, as a maintainer would; the rest printed or inferred."""
    source = root / "reports" / "2023" / "达州市通川区.txt"
    text = source.read_text(encoding="utf-8")
    for printed, variant in (("三、（一）予以公开\t17\t1\t5\t0\t0\t0\t23", "三、（一）予以公开\t17\t?\t5\t/\t0\t0\t23"),
                             ("3\t8\t0\t0\t0\t0\t0\n", "3\t8\t\t\t0\t0\t0\n")):
        assert printed in text
        text = text.replace(printed, variant, 1)
    source.write_text(text, encoding="utf-8")
    path = record_path(root / "reports" / "2023" / "巴州区.txt")
    record = load_record(path)
    record.article20.licensing = (record.article20.licensing or 0) + 1
    record.corrected = ["article20.licensing"]
    path.write_text(to_yaml(record), encoding="utf-8")


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{DATE}T12:00:00+00:00", "GIT_COMMITTER_DATE": f"{DATE}T12:00:00+00:00",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    _every_status(root)
    _git(root, "init", "-q")
    _git(root, "add", "reports")
    _git(root, "commit", "-q", "-m", "reports")
    outcomes, _ = build_site_in(root, write=True)
    return root, outcomes


def _data(root: Path) -> Path:
    return root / "site" / "downloads" / "data"


def read_table(folder: Path, name: str) -> list[dict[str, str]]:
    """A table of the downloads, every year: the gzip-compressed CSV files datapackage.json lists for it,
    each read whole with the csv module (each has the header row)."""
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == name)
    rows: list[dict[str, str]] = []
    for path in resource["path"]:
        text = gzip.decompress((folder / path).read_bytes()).decode("utf-8-sig")
        rows += csv.DictReader(io.StringIO(text))
    return rows


def test_the_data_date_is_the_newest_commit_of_reports_not_the_clock(site, tmp_path):
    root, _ = site
    assert data_date(root) == DATE
    assert data_date(tmp_path) is None  # no git work tree: the newest date a record holds is taken


def json_cell(record: dict, path: str):
    """A cell's value in a report file's "record": its path read as the data page says (dots between
    keys, [k] the k-th column of a row)."""
    node = record
    for part in path.split("."):
        key, _, index = part.partition("[")
        node = node[key]
        if index:
            node = node[int(index[:-1])]
    return node


def api_statuses(index: dict, data: dict) -> dict[str, str]:
    """Every cell's status in a report file of the static API, as the data page tells a reader to find
    it: the cells of the record's template edition are the index's "cells"; a cell's status is the one
    "status" gives it, else printed if its value in "record" is a number, blank if null."""
    out = {}
    for path in index["cells"][data["record"]["template"]]:
        value = json_cell(data["record"], path)
        out[path] = data["status"].get(path) or ("blank" if value is None else "printed")
    return out


def test_each_report_json_equals_its_record_with_every_cells_status(site):
    root, outcomes = site
    index = json.loads((root / "site" / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    assert len(index["reports"]) == len(outcomes) == len(list((root / "reports").glob("2*/*.yaml")))
    seen = set()
    for o in outcomes:
        record = load_record(record_path(o.source))  # the record as committed under reports/
        url = report_json_url(record.year, record.agency)
        data = json.loads((root / "site" / url).read_text(encoding="utf-8"))
        assert data["record"] == record.dump()  # field by field, every key of the record
        assert data["digest"] == record.source.digest == record_digest(record)
        # every cell's status as the data page tells a reader to find it, equal to the record's
        statuses = api_statuses(index, data)
        assert list(statuses) == [p for p, _ in iter_cells(record, own=True)]
        for path, value in iter_cells(record, own=True):
            assert get_path(record, path) == value
            assert statuses[path] == record.status(path), path
            seen.add(statuses[path])
        # and the file lists only the cells whose value does not say their status
        assert all(status not in ("printed", "blank") for status in data["status"].values())
        entry = next(e for e in index["reports"] if e["json"] == url)
        assert (entry["agency"], entry["year"]) == (record.agency, record.year)
        page = (root / "site" / entry["page"] / "index.html").read_text(encoding="utf-8")
        assert f'href="../../../{url}"' in page  # the report's page links to its JSON
        assert entry["digest"] == data["digest"]
        assert entry["sha256"] == hashlib.sha256((root / "site" / url).read_bytes()).hexdigest()
    assert seen == STATUSES


def test_the_data_pages_example_gives_every_cells_status(site, monkeypatch):
    """The Python the data page gives readers, run as it stands in the site's root with its example
    report's file replaced by each report's in turn, gives every cell the status the record gives it."""
    import html as html_lib
    import re
    root, outcomes = site
    page = (root / "site" / "data" / "index.html").read_text(encoding="utf-8")
    code = html_lib.unescape(re.search(r"<pre><code>(.*?)</code></pre>", page, re.S).group(1))
    example = re.search(r'open\("(api/v1/reports/[^"]+)"', code).group(1)
    monkeypatch.chdir(root / "site")
    seen = set()
    for o in outcomes:
        record = load_record(record_path(o.source))
        scope: dict = {}
        exec(compile(code.replace(example, report_json_url(record.year, record.agency)), "data page", "exec"), scope)
        assert scope["status"] == {path: record.status(path) for path, _ in iter_cells(record, own=True)}
        seen.update(scope["status"].values())
    assert seen == STATUSES


def test_the_cells_table_equals_the_records(site):
    root, outcomes = site
    from builder.site.views import _flagged
    table = read_table(_data(root), "cells")
    assert list(table[0]) == ["agency", "year", "path", "label", "value", "status", "flagged_by"]
    db = sqlite3.connect(_data(root) / "disclosure-index.sqlite")
    stored = db.execute("SELECT agency, year, path, label, value, status FROM cells").fetchall()
    # the cells a finding flags are those its report page marks, in the CSV and in SQLite alike
    flagged = {(r["agency"], int(r["year"]), r["path"]): r["flagged_by"] for r in table if r["flagged_by"]}
    assert flagged == {(agency, year, path): rules for agency, year, path, rules in db.execute(
        "SELECT agency, year, path, flagged_by FROM cells WHERE flagged_by != ''")}
    assert set(flagged) == {(o.record.agency, o.record.year, path) for o in outcomes
                            for path in _flagged(o.findings) if path in dict(iter_cells(o.record, own=True))}
    assert flagged
    assert len(table) == len(stored) == 200 * len(outcomes)
    by_report: dict = {}
    for row in table:
        by_report.setdefault((row["agency"], int(row["year"])), []).append(
            (row["path"], row["label"], row["value"], row["status"]))
    in_sqlite = {(agency, year, path): (label, value, status) for agency, year, path, label, value, status in stored}
    for o in outcomes:
        record = load_record(record_path(o.source))
        expected = [(path, cell_name(path), value, record.status(path)) for path, value in iter_cells(record, own=True)]
        # the CSV: every cell, in the template's order, the value as text
        assert by_report[(record.agency, record.year)] == [
            (path, label, "" if value is None else str(value), status) for path, label, value, status in expected]
        # SQLite: every cell, the value a number (NULL when it has none)
        for path, label, value, status in expected:
            assert in_sqlite[(record.agency, record.year, path)] == (label, value, status), path
    assert {s for (s,) in db.execute("SELECT DISTINCT status FROM cells")} == STATUSES


def test_group_and_rank_columns_rank_each_group_and_year(site):
    root, _ = site
    rows = read_table(_data(root), "reports")
    for row in rows:
        if not row["score_overall"]:  # not ranked (the reason is in not_ranked_reason): no rank
            assert row["rank_overall"] == "" and row["not_ranked_reason"]
            continue
        peers = [float(r["score_overall"]) for r in rows
                 if (r["peer_group"], r["year"]) == (row["peer_group"], row["year"]) and r["score_overall"]]
        better = sum(s > float(row["score_overall"]) for s in peers)
        assert int(row["rank_overall"]) == better + 1
    assert len({r["peer_group"] for r in rows}) > 1


def test_the_data_package_validates_with_frictionless(site, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    root, _ = site
    report = frictionless.validate(str(_data(root) / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    descriptor = json.loads((_data(root) / "datapackage.json").read_text(encoding="utf-8"))
    # each table is a file per year, gzip-compressed, all of them read: the header of every file after the
    # first is skipped, no row of the data is (a table's rows as the csv module reads its files)
    years = sorted({o.record.year for o in site[1]})
    for resource, task in zip(descriptor["resources"], report.tasks):
        assert resource["compression"] == "gz" and all(p.endswith(".csv.gz") for p in resource["path"])
        assert task.stats["rows"] == len(read_table(_data(root), resource["name"])), resource["name"]
    cells = next(r for r in descriptor["resources"] if r["name"] == "cells")
    assert cells["path"] == [f"disclosure-index-cells-{y}.csv.gz" for y in years]
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0" and descriptor["version"]
    names = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor["resources"]}
    assert names == {"reports": [c.name for c in downloads.columns()],
                     "cells": [c.name for c in downloads.cell_columns()],
                     "scores": [name for name, _, _ in downloads.SCORE_COLUMNS],
                     "coverage": [c.name for c in downloads.COVERAGE_COLUMNS]}
    # and it can fail: a count that is text in a compressed file of a later year breaks the reports table's schema
    for path in _data(root).iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    part = tmp_path / "disclosure-index-2024.csv.gz"
    broken = gzip.decompress(part.read_bytes()).decode("utf-8-sig").replace(",2024,", ",二〇二四,", 1)
    part.write_bytes(gzip.compress(broken.encode("utf-8-sig")))
    errors = frictionless.validate(str(tmp_path / "datapackage.json")).flatten(["fieldName", "type"])
    assert ["year", "type-error"] in errors


def test_version_date_license_and_citation_are_in_every_download_and_on_the_data_page(site):
    root, _ = site
    db = sqlite3.connect(_data(root) / "disclosure-index.sqlite")
    about = dict(db.execute("SELECT key, value FROM about"))
    assert about["date"] == DATE and about["license"] == "CC-BY-4.0"
    assert about["version"].startswith("2024.05.06+")
    # a year's JSON file states the terms; the version and date, which every new report changes, are in the others
    for path in _data(root).glob("disclosure-index-*.json.gz"):
        data = json.loads(gzip.decompress(path.read_bytes()))
        assert {k: data[k] for k in downloads.terms()} == {k: about[k] for k in downloads.terms()}
        assert data["reports"] and {r["record"]["year"] for r in data["reports"]} == {int(path.name[-12:-8])}
    package = json.loads((_data(root) / "datapackage.json").read_text(encoding="utf-8"))
    assert (package["version"], package["created"]) == (about["version"], f"{DATE}T00:00:00Z")
    index = json.loads((root / "site" / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    assert (index["version"], index["date"]) == (about["version"], DATE)
    html = (root / "site" / "data" / "index.html").read_text(encoding="utf-8")
    for shown in (about["version"], DATE, "CC BY 4.0", "creativecommons.org/licenses/by/4.0/", "CITATION.cff",
                  "api/v1/index.json", "disclosure-index-cells-2023.csv.gz", "disclosure-index.sqlite"):
        assert shown in html, shown
    assert about["citation"] in html


def test_two_builds_give_byte_identical_downloads(site, tmp_path):
    root, _ = site
    again = copy_repository(tmp_path)
    shutil.rmtree(again / "reports")
    shutil.copytree(root / "reports", again / "reports")  # the same reports, in another folder, built again
    _git(again, "init", "-q")
    _git(again, "add", "reports")
    _git(again, "commit", "-q", "-m", "reports")
    build_site_in(again, write=True)
    for folder in ("downloads/data", "api/v1"):
        first = sorted(p.relative_to(root / "site") for p in (root / "site" / folder).rglob("*") if p.is_file())
        second = sorted(p.relative_to(again / "site") for p in (again / "site" / folder).rglob("*") if p.is_file())
        assert first == second and first
        for rel in first:
            assert (root / "site" / rel).read_bytes() == (again / "site" / rel).read_bytes(), rel


def _correct_by_hand(source: Path):
    """A maintainer's correction of one cell of a report's record (article20.licensing, one more); the record."""
    path = record_path(source)
    record = load_record(path)
    record.article20.licensing = (record.article20.licensing or 0) + 1
    record.corrected = [*record.corrected, "article20.licensing"]
    path.write_text(to_yaml(record), encoding="utf-8")
    return record


def test_an_incremental_build_rewrites_only_the_changed_reports_json(tmp_path):
    from builder.pipeline import process_all
    from builder.site.build import build_site
    root = copy_repository(tmp_path)
    cache = tmp_path / ".cache" / "pages.json"
    build_site(process_all(root / "reports", root), root, root / "content", cache)
    api = root / "content" / "api" / "v1" / "reports" / "2023"
    before = {p.name: p.stat().st_mtime_ns for p in api.iterdir()}
    record = _correct_by_hand(root / "reports" / "2023" / "巴州区.txt")
    build_site(process_all(root / "reports", root), root, root / "content", cache)
    changed = {p.name for p in api.iterdir() if p.stat().st_mtime_ns != before[p.name]}
    assert changed == {"巴州区.json"}
    # the index's digests and sha256s: of the file made again, and (from the sealed cache) of those kept
    index = json.loads((root / "content" / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    assert (root / ".cache" / "api-files.json").exists()
    assert len(index["reports"]) == len(list((root / "reports").glob("2*/*.yaml")))
    for entry in index["reports"]:
        data = (root / "content" / entry["json"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["digest"] == json.loads(data)["digest"]
    data = json.loads((api / "巴州区.json").read_text(encoding="utf-8"))
    assert data["record"]["article20"]["licensing"] == record.article20.licensing
    assert api_statuses(index, data)["article20.licensing"] == data["status"]["article20.licensing"] == "corrected"


def test_one_report_with_every_status_has_each_right_through_the_api(tmp_path):
    """One report whose cells take all six statuses (record-format.md, "Additions"): its source printed
    with a natural person's count left out of a row the total fills (inferred), an illegible cell and a
    "/" (unread, not applicable), two blank cells no arithmetic fills (blank), then a cell corrected by
    hand as a maintainer would (corrected); its API file gives each cell the record's status, read as
    the data page says."""
    from builder.pipeline import process_all
    from builder.site.build import build_site
    root = copy_repository(tmp_path)
    source = root / "reports" / "2023" / "达州市通川区.txt"
    text = source.read_text(encoding="utf-8")
    for printed, variant in (("三、（一）予以公开\t17\t1\t5\t0\t0\t0\t23", "三、（一）予以公开\t17\t?\t5\t/\t0\t0\t23"),
                             ("3\t8\t0\t0\t0\t0\t0\n", "3\t8\t\t\t0\t0\t0\n"),
                             ("新收政府信息公开申请数量\t55\t4", "新收政府信息公开申请数量\t\t4")):
        assert printed in text
        text = text.replace(printed, variant, 1)
    source.write_text(text, encoding="utf-8")
    process_all(root / "reports", root, write=True)  # the record as extraction reads the source
    _correct_by_hand(source)
    build_site(process_all(root / "reports", root), root, root / "content", tmp_path / "pages.json")
    record = load_record(record_path(source))
    index = json.loads((root / "content" / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    data = json.loads((root / "content" / report_json_url(2023, "达州市通川区")).read_text(encoding="utf-8"))
    statuses = api_statuses(index, data)
    assert statuses == {path: record.status(path) for path, _ in iter_cells(record, own=True)}
    assert set(statuses.values()) == STATUSES
    assert (statuses["applications.new[0]"], statuses["applications.outcomes.disclosed[1]"],
            statuses["applications.outcomes.disclosed[3]"], statuses["article20.licensing"]) \
        == ("inferred", "unread", "not_applicable", "corrected")
    assert data["status"] == {path: status for path, status in statuses.items() if status not in ("printed", "blank")}


def test_citation_cff_is_valid_cff_1_2_0():
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):  # the keys CFF 1.2.0 requires
        assert data[key], key
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names")) for a in data["authors"])
    assert set(data["license"]) == {"MIT", "CC-BY-4.0"}


def test_every_status_appears_distinctly_on_the_report_pages_that_have_it(site):
    """Each status of the record format has its own class and its own text on a report page's template
    tables: a number (printed, unmarked; inferred, corrected, each marked), 未填报 (—), 不适用, 未能识别;
    never one for another."""
    from test_site import cells_of
    root, outcomes = site
    text = {"blank": "—", "not_applicable": "不适用", "unread": "未能识别"}
    seen = set()
    for o in outcomes:
        record = load_record(record_path(o.source))
        page = (root / "site" / "reports" / str(record.year) / record.agency / "index.html").read_text(encoding="utf-8")
        tables = re.findall(r'<table class="report-table(?: applications| review)?">.*?</table>', page, re.S)
        assert len(tables) == 3, record.agency  # 二, 三, 四 (not the scores)
        shown = cells_of("".join(tables))
        by_class = {}
        for cls, value in shown:
            state = next((c.removeprefix("cell-").replace("-", "_") for c in cls.split()
                          if c.startswith("cell-") and c != "cell-finding"), "printed")
            if state in STATUSES:
                by_class.setdefault(state, []).append(value)
        for state, values in by_class.items():
            seen.add(state)
            if state in text:
                assert set(values) == {text[state]}, (record.agency, state, values)
            else:  # a number, with (for a corrected one) what extraction read beside it
                assert all(v and v[0].isdigit() for v in values), (record.agency, state, values)
        # the page's statuses are the record's, cell by cell, for every cell it lists
        for path in record.unread + record.not_applicable + record.inferred + record.corrected:
            if path in dict(iter_cells(record, own=True)):
                assert record.status(path) in by_class, (record.agency, path)
    assert seen == STATUSES


def sqlite_rows(path: Path) -> dict[str, list[str]]:
    """Every table and view of a SQLite download, its rows sorted, a report's id replaced by its body and
    year (ids are given in the order reports came: a file updated in place numbers them otherwise)."""
    db = sqlite3.connect(path)
    ids = {rid: (agency, year) for rid, agency, year in db.execute("SELECT id, agency, year FROM reports")}
    out = {}
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"):
        cursor = db.execute(f'SELECT * FROM "{name}"')
        names = [d[0] for d in cursor.description]
        out[name] = sorted(repr([ids[v] if c == "report_id" or (c, name) == ("id", "reports") else v
                                 for c, v in zip(names, row)]) for row in cursor)
    db.close()
    return out


def _ids(path: Path) -> dict[tuple[str, int], int]:
    with sqlite3.connect(path) as db:
        return {(agency, year): rid for rid, agency, year in db.execute("SELECT id, agency, year FROM reports")}


def test_adding_a_report_rewrites_only_its_years_files_and_updates_the_sqlite_file_in_place(tmp_path):
    """A 2023 report added to a built site: the 2023 files are written again, every other year's keep their
    bytes (and are not written); the SQLite file is updated in place (the new report is numbered last) and
    holds the same rows as one made from nothing. A SQLite file altered since it was written is not
    trusted: it is made again from nothing."""
    from builder.pipeline import process_all
    from builder.site.build import build_site
    root = copy_repository(tmp_path / "repo")
    cache = root / ".cache" / "pages.json"
    data = root / "content" / "downloads" / "data"
    aside = tmp_path / "aside"
    aside.mkdir()
    for path in (root / "reports" / "2023").glob("巴州区.*"):
        shutil.move(path, aside / path.name)
    build_site(process_all(root / "reports", root), root, root / "content", cache)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in data.iterdir()}
    assert {"disclosure-index-cells-2023.csv.gz", "disclosure-index-cells-2024.csv.gz",
            "disclosure-index-2021.json.gz", "coverage-2024.csv.gz"} <= set(before)
    for path in aside.iterdir():
        shutil.move(path, root / "reports" / "2023" / path.name)
    build_site(process_all(root / "reports", root), root, root / "content", cache)
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in data.iterdir()}
    assert set(after) == set(before)
    changed = {name for name in after if after[name] != before[name]}
    assert {name for name in changed if "2023" not in name} == {"datapackage.json", "disclosure-index.sqlite"}
    assert {"disclosure-index-2023.csv.gz", "disclosure-index-cells-2023.csv.gz",
            "disclosure-index-scores-2023.csv.gz", "disclosure-index-2023.json.gz"} <= changed
    cells = gzip.decompress(after["disclosure-index-cells-2023.csv.gz"][0]).decode("utf-8-sig")
    assert "\n巴州区,2023,applications.new[0]," in cells

    scratch = copy_repository(tmp_path / "scratch")  # the same reports, built once without a cache
    build_site(process_all(scratch / "reports", scratch), scratch, scratch / "content")
    made = scratch / "content" / "downloads" / "data"
    assert {p.name: p.read_bytes() for p in made.iterdir() if p.name != "disclosure-index.sqlite"} == \
        {name: content for name, (content, _) in after.items() if name != "disclosure-index.sqlite"}
    updated = sqlite_rows(data / "disclosure-index.sqlite")
    assert updated == sqlite_rows(made / "disclosure-index.sqlite")
    assert len(updated["cells"]) == 200 * len(updated["reports"]) and len(updated["coverage"]) > 0

    # in place: the other reports keep their numbers (达州市通川区 too, whose ranks 巴州区 changed: its row
    # and scores are rewritten, its cells left), the new one comes after them all
    (tmp_path / "before.sqlite").write_bytes(before["disclosure-index.sqlite"][0])
    first, now = _ids(tmp_path / "before.sqlite"), _ids(data / "disclosure-index.sqlite")
    assert {k: v for k, v in now.items() if k != ("巴州区", 2023)} == first
    assert now[("巴州区", 2023)] > max(first.values()) and now != _ids(made / "disclosure-index.sqlite")
    rank = 'SELECT rank_overall FROM reports WHERE agency = ? AND year = 2023'
    with sqlite3.connect(tmp_path / "before.sqlite") as old, sqlite3.connect(data / "disclosure-index.sqlite") as new:
        assert old.execute(rank, ("达州市通川区",)).fetchone() == (1,) and new.execute(rank, ("达州市通川区",)).fetchone() == (2,)

    # altered in content/ (kept between deploy runs, not trusted): not updated but made again
    db = sqlite3.connect(data / "disclosure-index.sqlite")
    with db:
        db.execute("UPDATE cell_values SET value = 999 WHERE report_id = 1 AND cell_id = 1")
    db.close()
    assert any(", 999, " in row for row in sqlite_rows(data / "disclosure-index.sqlite")["cell_values"])
    record = _correct_by_hand(root / "reports" / "2024" / "平潭综合实验区.html")
    build_site(process_all(root / "reports", root), root, root / "content", cache)
    again = sqlite_rows(data / "disclosure-index.sqlite")
    assert not any(", 999, " in row for row in again["cell_values"])
    assert _ids(data / "disclosure-index.sqlite") == _ids(made / "disclosure-index.sqlite")  # numbered afresh
    with sqlite3.connect(data / "disclosure-index.sqlite") as db:
        assert db.execute("SELECT value, status FROM cells WHERE agency = '平潭综合实验区' AND year = 2024 AND "
                          "path = 'article20.licensing'").fetchone() == (record.article20.licensing, "corrected")
