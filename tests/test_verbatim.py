"""hooks/verbatim.py: HTML the builder made passes MkDocs untouched and is never
lost (markers that do not pair, or a placeholder the page lost, stop the build naming the page)."""
from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT

spec = importlib.util.spec_from_file_location("verbatim", ROOT / "hooks" / "verbatim.py")
verbatim = importlib.util.module_from_spec(spec)
spec.loader.exec_module(verbatim)

PAGE = """# 标题

<!-- verbatim -->
<table><tr><td>1</td></tr></table>
<!-- /verbatim -->

## 小节

<!-- verbatim -->
<p>第二块</p>
<!-- /verbatim -->
"""


def page_of(tmp_path, text):
    source = tmp_path / "page.md"
    source.write_text(text, encoding="utf-8")
    return SimpleNamespace(file=SimpleNamespace(src_uri="reports/2023/x.md", content_string=text))


def test_blocks_are_cut_at_their_markers():
    around, inside = verbatim.blocks(PAGE, "x.md")
    assert inside == ["<table><tr><td>1</td></tr></table>", "<p>第二块</p>"]
    assert len(around) == 3 and "verbatim" not in "".join(around)


@pytest.mark.parametrize("text", [
    "<!-- verbatim -->\n<p>a</p>\n",                                        # never closed
    "<p>a</p>\n<!-- /verbatim -->\n",                                       # closed, never opened
    "<!-- verbatim -->\n<!-- verbatim -->\n<p>a</p>\n<!-- /verbatim -->\n",  # nested
])
def test_markers_that_do_not_pair_stop_the_build_naming_the_page(tmp_path, text):
    with pytest.raises(PluginError, match="reports/2023/x.md"):
        verbatim.on_page_markdown(text, page_of(tmp_path, text))


def test_each_block_comes_back_once_in_its_place(tmp_path):
    page = page_of(tmp_path, PAGE)
    markdown = verbatim.on_page_markdown(PAGE, page)
    assert "<table>" not in markdown and "第二块" not in markdown and "## 小节" in markdown
    made = "<html>" + markdown + "</html>"  # what the theme would make around the placeholders
    out = verbatim.on_post_page(made, page)
    assert out.count("<table><tr><td>1</td></tr></table>") == 1 and out.count("<p>第二块</p>") == 1
    assert out.index("<table>") < out.index("## 小节") < out.index("第二块") and "verbatim" not in out


def test_a_placeholder_lost_on_the_way_stops_the_build(tmp_path):
    page = page_of(tmp_path, PAGE)
    markdown = verbatim.on_page_markdown(PAGE, page)
    first = markdown.index("<!-- verbatim:")
    lost = markdown[:first] + markdown[markdown.index("-->", first) + 3:]
    with pytest.raises(PluginError, match="reports/2023/x.md"):
        verbatim.on_post_page(lost, page)
