"""Each column of the downloads has one type, declared in datapackage.json and the same in every year's
file: dates are dates (the coverage's date and due too), every value of a year's file reads as its
column's declared type, and the data page's pandas example reads files the site serves, each column as
its declared type, so a table's years concatenate without a column changing type (an all-empty column
is no float in one year and text in another)."""
from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import sys
import types
from pathlib import Path

import pytest

from builder.data.downloads import COVERAGE_COLUMNS
from builder.data.files import TABLES
from conftest import build_site_in, copy_repository

FRICTIONLESS = {"integer": "integer", "real": "number", "number": "number", "text": "string", "date": "date"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    build_site_in(root)
    return root


def _folder(root: Path) -> Path:
    return root / "site" / "downloads" / "data"


def _package(root: Path) -> dict:
    return json.loads((_folder(root) / "datapackage.json").read_text(encoding="utf-8"))


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8-sig"))))


def _reads_as(kind: str, value: str) -> bool:
    if value == "":
        return True  # missingValues: [""]
    if kind == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == "number":
        return re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value) is not None
    if kind == "date":
        return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
    return True


def test_every_column_is_declared_with_its_own_type_every_value_reads_as_it_and_dates_are_dates(site):
    package = _package(site)
    by_name = {r["name"]: r for r in package["resources"]}
    for t in TABLES:
        if t.name not in by_name:
            continue
        fields = by_name[t.name]["schema"]["fields"]
        assert [(f["name"], f["type"]) for f in fields] == [(c.name, FRICTIONLESS[c.type]) for c in t.columns]
    kinds = {c.name: c.type for c in COVERAGE_COLUMNS}
    assert kinds["date"] == kinds["due"] == "date"
    coverage = {f["name"]: f["type"] for f in by_name["coverage"]["schema"]["fields"]}
    assert coverage["date"] == coverage["due"] == "date"
    # and every value of every year's file reads as its column's declared type
    for resource in package["resources"]:
        kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        assert len(resource["path"]) > 1, resource["name"]  # tables of several years
        for path in resource["path"]:
            rows = _rows(_folder(site) / path)
            assert rows and list(rows[0]) == list(kinds), path
            for row in rows:
                for name, value in row.items():
                    assert _reads_as(kinds[name], value), (path, name, value)


def _example(root: Path) -> str:
    page = (root / "site" / "data" / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<pre class="example-pandas"><code>(.*?)</code></pre>', page, re.S)
    assert found, "the data page gives a pandas example"
    return html.unescape(found.group(1))


def test_the_pandas_example_reads_served_files_each_column_as_declared(site, monkeypatch):
    """The example run as it stands, in the folder of the downloads, with a stand-in for pandas that
    records what it is asked to read: every file it names is one the site serves, and every file of a
    table is read with a type for each of its columns, the same in every year's file, the declared one."""
    code = _example(site)
    assert "文件列表" not in code
    asked: list[tuple[str, dict]] = []

    def read_csv(path, encoding=None, dtype=None, **_):
        assert (Path.cwd() / path).is_file(), path
        assert encoding == "utf-8-sig"
        asked.append((str(path), dict(dtype or {})))
        return path

    fake = types.ModuleType("pandas")
    fake.read_csv = read_csv
    fake.concat = lambda frames, **_: list(frames)
    monkeypatch.setitem(sys.modules, "pandas", fake)
    monkeypatch.chdir(_folder(site))
    exec(compile(code, "data page", "exec"), {})
    pandas_types = {"integer": "Int64", "number": "Float64", "string": "string", "date": "string"}
    read = dict(asked)
    assert len(read) > 2
    for resource in _package(site)["resources"]:
        want = {f["name"]: pandas_types[f["type"]] for f in resource["schema"]["fields"]}
        for path in resource["path"]:
            if path in read:
                assert read[path] == want, path
    cells = next(r for r in _package(site)["resources"] if r["name"] == "cells")
    assert set(cells["path"]) <= set(read)  # a table's every year


def test_with_pandas_a_tables_years_have_the_same_types(site, monkeypatch):
    pandas = pytest.importorskip("pandas")
    code = _example(site)
    monkeypatch.chdir(_folder(site))
    scope: dict = {}
    exec(compile(code, "data page", "exec"), scope)
    for resource in _package(site)["resources"]:
        frames = [pandas.read_csv(p, encoding="utf-8-sig", dtype=scope["dtype_of"](resource["name"]))
                  for p in resource["path"]]
        kinds = {str(f.dtypes.to_dict()) for f in frames}
        assert len(kinds) == 1, resource["name"]
