"""Search finds a body by any part of its name, whatever characters the name holds: the index side
(hooks/compact_search.py name_pieces) and the query side (hooks/search_name_parts.js, patched into
Material's search worker). Browser tests (tests/test_browser.py) run the patched worker itself on
every part of such names."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import material
import pytest

from conftest import ROOT, SEARCH_NAMES

spec = importlib.util.spec_from_file_location("compact_search", ROOT / "hooks" / "compact_search.py")
compact_search = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compact_search)

NAMES = SEARCH_NAMES + ("达州市通川区", "巴州区")


def test_every_part_up_to_a_piece_s_length_opens_one_of_the_name_s_pieces():
    # the worker sends a part of up to NAME_PIECE characters as it was typed, and a longer part as
    # windows of NAME_PIECE characters: each must be the opening of an indexed piece of the name
    size = compact_search.NAME_PIECE
    for name in NAMES:
        pieces = compact_search.name_pieces(name)
        assert all(2 <= len(p) <= size for p in pieces), name
        for i in range(len(name)):
            for j in range(i + 2, min(i + size, len(name)) + 1):
                assert any(p.startswith(name[i:j]) for p in pieces), (name, name[i:j])


def test_material_s_search_worker_is_given_the_name_parts_once(tmp_path):
    workers = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "workers"
    shutil.copytree(workers, tmp_path / "assets" / "javascripts" / "workers")
    path = compact_search.patch_search_worker(tmp_path)
    text = path.read_text(encoding="utf-8")
    # its strict mode kept, the function defined once and called once in search(query), with NAME_PIECE
    assert text.startswith('"use strict";var searchNameParts = function (query) {')
    assert text.count("searchNameParts") == 2 and "+searchNameParts(nameQuery)" in text
    # and its answer with the page whose title is the query first (searchNameFirst), once
    assert text.count("searchNameFirst") == 2 and "{items:searchNameFirst(nameQuery,[..." in text
    assert f"var size = {compact_search.NAME_PIECE}," in text
    assert "sourceMappingURL" not in text
    assert compact_search.patch_search_worker(tmp_path).read_text(encoding="utf-8") == text  # once only
    # another Material: its search(query) not as the hook knows it, so the build stops and says so
    other = tmp_path / "other" / "assets" / "javascripts" / "workers"
    shutil.copytree(workers, other)
    for worker in other.glob("search.*.min.js"):
        worker.write_text(worker.read_text(encoding="utf-8").replace("this.index.invertedIndex", "this.index.words"),
                          encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"search\(query\) is not as hooks/compact_search.py knows it"):
        compact_search.patch_search_worker(tmp_path / "other")


def test_a_name_is_cut_as_the_worker_reads_it_and_a_query_comes():
    # Material's index holds titles HTML-escaped, and its worker drops a query's quotes:
    # search_name_parts.js writes the query's words the same way (tests/test_browser.py asks it)
    title = '甲&amp;乙\u200b"\u200b丙丁\u200b"\u200b&lt;戊&gt;局'
    assert compact_search.indexed_name(title) == "甲&amp;乙丙丁&lt;戊&gt;局"


def test_the_index_keeps_the_zero_width_spaces_between_words_and_no_other():
    separator = r"[\s\u200b\u3000\-、。，．？！；]+"  # Material's for zh, as the index's config holds it
    text = "\u200b平潭\u200b综合\u200b \u200b2023\u200b年\u200b\u200b报告\u200b。\u200b公开\u200b"
    assert compact_search.idle_breaks(text, separator) == "平潭\u200b综合 2023\u200b年\u200b报告。公开"
    assert compact_search.idle_breaks("巴州区", separator) == "巴州区"
