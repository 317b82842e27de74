"""Search finds a body by any part of its name, whatever characters the name holds: the words its page
gives the index (builder/site/search_index.name_parts), the front matter they travel in (views.yaml_text),
and the index the build writes (Pagefind, only the pages people look for, none of their tables). The
browser tests (tests/test_browser.py) search the built site's index itself by every part of such names."""
from __future__ import annotations

import json

import pytest
import yaml

from conftest import SEARCH_NAMES, build_site_in, copy_repository, indexed_pages
from builder.site.search_index import SearchIndexError, index_site, name_parts, plain_words
from builder.site.views import yaml_text

NAMES = SEARCH_NAMES + ("达州市通川区", "巴州区", "佛山市民政局")


def test_every_part_of_a_name_as_a_query_is_written_starts_one_of_its_words():
    # the browser cuts a query (written as plain_words writes it) into words anywhere; each must be the
    # start of a word of the page: any piece of any part of the name is the start of one of its parts
    for name in NAMES:
        words = name_parts(name).split(" ")
        for i in range(len(name)):
            for j in range(i + 2, len(name) + 1):
                for piece in plain_words(name[i:j]):
                    for k in range(len(piece)):
                        assert any(w.startswith(piece[k:]) for w in words), (name, name[i:j], piece[k:])


def test_a_name_is_written_as_a_query_is():
    assert plain_words("ＡＢＣ科技园２号") == ["abc科技园2号"]
    assert plain_words('全角（括号）机关·局') == ["全角", "括号", "机关", "局"]
    assert plain_words('甲&乙"丙丁"<戊>局') == ["甲", "乙", "丙丁", "戊", "局"]
    assert name_parts("巴州区") == "巴州区 州区 区"
    assert name_parts("𠀀生僻字局").split(" ")[0] == "𠀀生僻字局"  # a character beyond the BMP is one


@pytest.mark.parametrize("text", [*NAMES, "a\x85b\x9fc\ufffe\n\\ \u2028 x: y # z\u2029 '\"", "\x00\x1f\x7f", "- [a]"])
def test_a_name_in_front_matter_reads_back_as_it_is(text):
    # Jinja's tojson writes 𠀀 as two surrogates, which YAML does not read back: the page lost its entry
    assert yaml.safe_load(f"name: {yaml_text(text)}\n")["name"] == text


def test_the_index_holds_bodies_reports_and_regions_and_no_table(tmp_path):
    root = copy_repository(tmp_path)
    outcomes, _ = build_site_in(root)
    pages = indexed_pages(root / "site")
    kinds = {}
    for p in pages:
        kinds.setdefault(p["meta"]["kind"], []).append(p)
    bodies = {o.record.agency for o in outcomes if not o.failed}
    assert {p["meta"]["title"] for p in kinds["body"]} == bodies
    assert len(kinds["report"]) == sum(not o.failed for o in outcomes)
    assert {p["meta"]["title"] for p in kinds["region"]} >= {"四川省", "福建省"}
    assert set(kinds) == {"body", "report", "region"}  # no ranking, list or other page
    report = next(p for p in kinds["report"] if p["meta"]["title"] == "达州市通川区")
    assert report["meta"]["region"] == "四川省达州市通川区" and report["meta"]["years"] == "2023"
    # its name, region and the opening of its narrative: not its tables, nor every report's headings
    assert "总计" not in report["content"] and "申请人情况" not in report["content"] and len(report["content"]) < 300
    assert not any("达州市通川区" in p["content"] for p in kinds["region"])  # a region is found by its own name
    listed = json.loads((root / "site" / "pagefind" / "indexes.json").read_text(encoding="utf-8"))
    # an index per province (a part of the site), which the browser searches as one
    assert listed == {"indexes": ["pagefind/四川省/", "pagefind/河南省/", "pagefind/湖南省/", "pagefind/福建省/"]}
    assert not (root / "site" / "search").exists()  # no lunr index left
    assert not list((root / "site" / "pagefind").glob("**/pagefind-*ui*"))  # Pagefind's own interfaces: unused


def test_indexing_without_pagefind_installed_says_how_to_install_it(tmp_path, monkeypatch):
    import builder.site.search_index as search_index

    monkeypatch.setattr(search_index, "PAGEFIND", tmp_path / "node_modules" / ".bin" / "pagefind")
    (tmp_path / "site").mkdir()
    with pytest.raises(SearchIndexError, match="npm ci"):
        index_site(tmp_path / "site")
