"""Search finds a body by any part of its name, whatever characters the name holds: the words its page
gives the index (builder/site/search_index.name_words), the front matter they travel in (views.yaml_text),
and the index the build writes (Pagefind, only the pages people look for, none of their tables). The
browser tests (tests/test_browser.py) search the built site's index itself by every part of such names."""
from __future__ import annotations

import json

import pytest
import yaml

from conftest import SEARCH_NAMES, build_site_in, copy_repository, indexed_pages
from builder.site.search_index import (END, LONGEST, LONGEST_NAME, MOST_NAMES, SearchIndexError, index_site,
                                       name_code, name_exact, name_words, plain_words, query_words)
from builder.site.views import yaml_text

NAMES = SEARCH_NAMES + ("达州市通川区", "巴州区", "佛山市民政局")


def test_every_part_of_a_name_as_a_query_is_asked_is_a_whole_word_of_its_page():
    # Pagefind's segmenter and the browser's cut Chinese differently: every word asked must be a whole word
    # of the page, which neither cuts
    for name in NAMES + ("很长的机关名称" * 4,):
        words = set(name_words(name).split(" "))
        for i in range(len(name)):
            for j in range(i + 1, len(name) + 1):
                assert set(query_words(name[i:j])) <= words, (name, name[i:j])
        assert set(name_exact(name).split(" ")) <= words  # its own name too, weighing most


def test_a_name_is_written_as_a_query_is():
    assert plain_words("ＡＢＣ科技园２号") == ["abc科技园2号"]
    assert plain_words('全角（括号）机关·局') == ["全角", "括号", "机关", "局"]
    assert plain_words('甲&乙"丙丁"<戊>局') == ["甲", "乙", "丙丁", "戊", "局"]
    # three letters or digits a character from U+3400, z and four beyond; each word ended by END
    assert name_code("巴州区") == "8ac89q662" and name_words("巴州区") == "8acy 8ac89qy 8ac89q662y 89qy 89q662y 662y"
    assert name_code("𠀀a") == "z2t4wz002p" and query_words("ａＢ") == query_words("ab") == ["z002pz002qy"]
    assert query_words("佛山 民政局") == [name_code("佛山") + END, name_code("民政局") + END]
    long = "很长的机关名称" * 4  # a word longer than LONGEST is asked as its parts that long
    assert query_words(long) == [name_code(long[:LONGEST]) + END, name_code(long[-LONGEST:]) + END]
    assert query_words(long) == name_exact(long).split(" ")
    assert max(len(w) for w in name_words(long).split(" ")) == 3 * LONGEST + 1


def test_no_word_of_a_page_starts_another():
    # Pagefind also finds the words a query's word starts: a word asked must match only itself, or a
    # longer name's parts outweigh the page named as the query
    for name in NAMES + ("ABC科技园2号管委会巴州区𠀀", "㐀\ue09f\ue0a0Ｚ"):
        words = sorted(name_words(name).split(" "))
        assert all(not b.startswith(a) for a, b in zip(words, words[1:])), name


def test_the_work_a_name_gives_is_bounded():
    # a name is untrusted: its words are the parts of its first LONGEST_NAME characters, a page's of its
    # first MOST_NAMES names, the query's the same first characters (so a full name still finds its page)
    huge = "甲乙丙丁戊己庚辛" * 1000
    words = name_words(huge).split(" ")
    assert len(words) <= LONGEST_NAME * LONGEST and max(map(len, words)) == 3 * LONGEST + 1
    assert name_words(huge) == name_words(huge[:LONGEST_NAME])
    assert set(query_words(huge)) <= set(words) and len(query_words(huge)) == LONGEST_NAME // LONGEST
    many = [f"机关{k}号" for k in range(100)]
    assert name_words(*many) == name_words(*many[:MOST_NAMES]) != name_words(*many[:MOST_NAMES - 1])
    assert query_words("a " * 1000) == [name_code("a") + END] * LONGEST_NAME


@pytest.mark.parametrize("text", [*NAMES, "a\x85b\x9fc\ufffe\n\\ \u2028 x: y # z\u2029 '\"", "\x00\x1f\x7f", "- [a]"])
def test_a_name_in_front_matter_reads_back_as_it_is(text):
    # Jinja's tojson writes 𠀀 as two surrogates, which YAML does not read back: the page lost its entry
    assert yaml.safe_load(f"name: {yaml_text(text)}\n")["name"] == text


def test_the_index_holds_bodies_and_regions_only(tmp_path):
    root = copy_repository(tmp_path)
    outcomes, _ = build_site_in(root)
    pages = indexed_pages(root / "site")
    kinds = {}
    for p in pages:
        kinds.setdefault(p["meta"]["kind"], []).append(p)
    bodies = {o.record.agency for o in outcomes if not o.failed}
    assert {p["meta"]["title"] for p in kinds["body"]} == bodies
    assert {p["meta"]["title"] for p in kinds["region"]} >= {"四川省", "福建省"}
    assert set(kinds) == {"body", "region"}  # a report is reached from its body's page: no report, list or table
    body = next(p for p in kinds["body"] if p["meta"]["title"] == "达州市通川区")
    assert body["meta"]["region"] == "四川省达州市通川区" and body["meta"]["years"]
    # the codes of its name's parts, nothing else (not its name in Chinese, its reports or its tables)
    assert set(body["content"].replace(".", " ").split()) == set(name_words("达州市通川区").split())
    # a body's former name (the registry's alias) finds its page: the codes of its parts are there too
    zone = next(p for p in kinds["body"] if p["meta"]["title"] == "平潭综合实验区")
    assert zone["meta"]["former"] == "平潭综合实验区管委会"
    assert set(zone["content"].replace(".", " ").split()) == set(name_words("平潭综合实验区", "平潭综合实验区管委会").split())
    assert "former" not in body["meta"]
    listed = json.loads((root / "site" / "pagefind" / "indexes.json").read_text(encoding="utf-8"))
    assert listed == {"indexes": ["pagefind/"]}
    assert not (root / "site" / "search").exists()  # no lunr index left
    assert not list((root / "site" / "pagefind").glob("**/pagefind-*ui*"))  # Pagefind's own interfaces: unused


def test_indexing_without_pagefind_installed_says_how_to_install_it(tmp_path, monkeypatch):
    import builder.site.search_index as search_index

    monkeypatch.setattr(search_index, "PAGEFIND", tmp_path / "node_modules" / ".bin" / "pagefind")
    (tmp_path / "site").mkdir()
    with pytest.raises(SearchIndexError, match="npm ci"):
        index_site(tmp_path / "site")
