"""builder/site/shells.py: the report and body pages the builder writes in the shell of the engine's template
page are the pages the engine writes; adding a report writes its pages, not every page.

The committed reports' site (with bodies whose names hold what HTML escapes, conftest.SEARCH_NAMES) is
built both ways: the engine rendering every page, and the engine rendering the top level while the builder
writes the bulk pages. Every file is compared byte for byte, and every page as a browser reads it
(test_compact_pages.shown). One file differs, for a reason: sitemap.xml (and .gz) holds the same
entries, but the bulk pages' are listed after the engine's rather than among them (a sitemap's order
means nothing to the crawlers that read it). The search index is made from site/ afterwards
(builder/site/search_index.py) from what each page holds: its search entry is one of a shell's slots."""
from __future__ import annotations

import gzip
import json
import os
import importlib.util
import shutil
from pathlib import Path

import pytest

from conftest import SEARCH_NAMES, copy_repository
from test_compact_pages import shown

SITE_URL = "https://example.org/index/"
DIFFERENT = {"sitemap.xml", "sitemap.xml.gz"}


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1717200000", "SITE_URL": SITE_URL}


def _odd_names(root: Path) -> None:
    """Bodies named SEARCH_NAMES besides, each a copy of 巴州区's 2023 report and record under its name."""
    from builder.record.files import load_record, to_yaml

    folder = root / "reports" / "2023"
    seed = load_record(folder / "巴州区.yaml")
    for k, name in enumerate(SEARCH_NAMES):
        shutil.copy(folder / "巴州区.txt", folder / f"odd{k}.txt")
        source = seed.source.model_copy(update={"path": f"reports/2023/odd{k}.txt"})
        (folder / f"odd{k}.yaml").write_text(to_yaml(seed.model_copy(update={"agency": name, "source": source})),
                                             encoding="utf-8")


def _files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """(root, the site the engine rendered whole, the site in shells)."""
    from builder.pipeline import process_all
    from builder.site import engine
    from builder.site.build import build_site

    root = copy_repository(tmp_path_factory.mktemp("shells"))
    _odd_names(root)
    outcomes = process_all(root / "reports", root)
    build_site(outcomes, root, root / "content")
    assert engine.build(root, root / "whole", _env(), shells=False) == 0
    assert engine.build(root, root / "site", _env()) == 0
    return root, root / "whole", root / "site"


def test_every_page_is_the_engine_s(two_sites):
    root, whole, site = two_sites
    made, expected = _files(site), _files(whole)
    assert made.keys() == expected.keys()
    bulk = [rel for rel in made if rel.startswith(("reports/", "agencies/")) and rel.endswith(".html")]
    assert len(bulk) >= 2 * len(SEARCH_NAMES) + 20
    for rel, path in sorted(made.items()):
        if rel in DIFFERENT:
            continue
        assert path.read_bytes() == expected[rel].read_bytes(), rel
        if rel.endswith(".html"):
            assert shown(path.read_text(encoding="utf-8")) == shown(expected[rel].read_text(encoding="utf-8")), rel
    # the sitemap: every page, the same entries
    lines = sorted((site / "sitemap.xml").read_text(encoding="utf-8").splitlines())
    assert lines == sorted((whole / "sitemap.xml").read_text(encoding="utf-8").splitlines())
    assert sum(f"<loc>{SITE_URL}" in line for line in lines) == sum(rel.endswith("index.html") for rel in made)
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()) == (site / "sitemap.xml").read_bytes()


def test_the_search_entries_are_the_pages_own(two_sites):
    """ENTRIES holds, at each page's path, the search entry the page holds (the engine's pages and the
    shells' alike), and nothing else: the search index made from it is the site's."""
    from builder.site.search_entries import ENTRIES, entry_of

    root, _, site = two_sites
    entries = _files(root / ENTRIES)
    pages = {rel: entry_of(p.read_bytes()) for rel, p in _files(site).items() if rel.endswith(".html")}
    assert set(entries) == {rel for rel, entry in pages.items() if entry}
    assert {rel.split("/")[0] for rel in entries} == {"agencies", "regions"}  # the shells' pages and the engine's
    for rel, path in entries.items():
        assert entry_of(path.read_bytes()) == pages[rel], rel


def test_no_page_carries_what_the_theme_ships_for_a_search_the_site_does_not_run(two_sites):
    """hooks/theme_files.py and overrides/main.html: with no search plugin configured, neither site has
    Material's search worker, lunr's files or a source map, and every page's theme settings hold only the
    clipboard's strings (Material writes eight more: its search's and its version selector's); the theme's
    own script is kept."""
    import re

    root, whole, site = two_sites
    for built in (whole, site):
        files = _files(built)
        dropped = [rel for rel in files if rel.endswith(".map") or rel.startswith(
            ("assets/javascripts/lunr/", "assets/javascripts/workers/"))]
        assert not dropped, dropped[:5]
        assert any(re.fullmatch(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js", rel) for rel in files)
        pages = [p for rel, p in files.items() if rel.endswith(".html")]
        assert len(pages) > 20
        for page in pages:
            config = re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                               page.read_text(encoding="utf-8"), re.S)
            assert config, page
            settings = json.loads(config.group(1))
            assert settings["translations"] == {"clipboard.copy": "复制", "clipboard.copied": "已复制"}, page
            assert "search" not in settings and settings["features"] == ["navigation.top"], page


def test_what_the_theme_writes_the_same_into_every_page_is_served_once(two_sites):
    """hooks/shared_files.py: in both sites no page holds a whole drawing of the theme's icons, nor the
    theme's colour-scheme script: each icon is a reference to a symbol of assets/icons.svg, which holds
    each such symbol with the drawing of the theme's own icon file, and the script is loaded from a file
    that holds the theme's own script, where the theme writes it (in the header, after the scheme's
    inputs it reads)."""
    import re

    spec = importlib.util.spec_from_file_location("shared_files", Path(__file__).parents[1] / "hooks" / "shared_files.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    theme = Path(importlib.util.find_spec("material").origin).parent / "templates"
    palette = re.search(r"<script>(.*)</script>", (theme / "partials" / "javascripts" / "palette.html").read_text(
        encoding="utf-8")).group(1)
    root, whole, site = two_sites
    for built in (whole, site):
        sprite = (built / hook.SPRITE).read_text(encoding="utf-8")
        symbols = dict(re.findall(r'<symbol id="([^"]+)" viewBox="[^"]+">(.*?)</symbol>', sprite))
        assert (built / hook.SCRIPTS / "palette.js").read_text(encoding="utf-8") == palette + "\n"
        used = set()
        for rel, page in _files(built).items():
            if not rel.endswith(".html"):
                continue
            html = page.read_text(encoding="utf-8")
            assert "<path" not in html.split('<div class="md-content"')[0] and palette not in html, rel
            depth = "../" * rel.count("/") if rel != "404.html" else None
            for href, ident in re.findall(r'<use href="([^"#]*)#([^"]+)">', html):
                assert depth is None or href == depth + hook.SPRITE, (rel, href)
                used.add(ident)
            header = html.split("</header>")[0]
            assert header.index('<script src="') > header.index('id="__palette_1"'), rel
            assert depth is None or f'<script src="{depth}{hook.SCRIPTS}/palette.js"></script>' in header, rel
        assert used and used == set(symbols), used ^ set(symbols)
        for name in ("material/menu", "material/magnify", "material/weather-night", "material/weather-sunny"):
            drawing = re.search(r"<svg[^>]*>(.*)</svg>", (theme / ".icons" / f"{name}.svg").read_text(encoding="utf-8"), re.S)
            assert symbols[hook.symbol_id(name)] == drawing.group(1), name


def test_the_theme_s_search_files_are_kept_where_its_search_runs():
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("theme_files", ROOT / "hooks" / "theme_files.py")
    theme_files = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(theme_files)
    lunr, worker = "assets/javascripts/lunr/tinyseg.js", "assets/javascripts/workers/search.a7633da7.min.js"
    assert theme_files.unused(lunr, searching=False) and theme_files.unused(worker, searching=False)
    assert not theme_files.unused(lunr, searching=True) and not theme_files.unused(worker, searching=True)
    assert theme_files.unused("assets/javascripts/bundle.a5f9d56c.min.js.map", searching=True)
    assert not theme_files.unused("assets/javascripts/bundle.a5f9d56c.min.js", searching=False)


def test_every_report_page_is_reached_from_a_list_page(two_sites):
    from conftest import report_pages_reached

    root, _, site = two_sites
    reached, reports = report_pages_reached(site)
    assert reports >= 12 + len(SEARCH_NAMES) and reached == reports


def test_a_name_html_escapes_is_escaped_in_the_shell_s_slots(two_sites):
    from builder.site.views import agency_url, slug

    root, whole, site = two_sites
    name = '甲&乙"丙丁"<戊>局'
    page = (site / agency_url(name).replace(".md", "/index.html")).read_text(encoding="utf-8")
    report = (site / "reports" / "2023" / slug(name) / "index.html").read_text(encoding="utf-8")
    for made in (page, report):
        assert "<戊>" not in made and "&lt;戊&gt;" in made  # escaped in the builder's HTML
    # the title slot (<title>, the header) holds the title as the builder's `title` filter made it, HTML's
    # specials as their full-width forms; the feed's title is escaped by the theme (`| e`)
    title = "甲＆乙＂丙丁＂＜戊＞局"
    assert page.count(f"{title} 历年政府信息公开工作年度报告") == 2 and report.count(f"{title} 2023 年") == 2
    assert f'title="{title}的更新"' in page


def test_nothing_is_deleted_through_a_link_in_site_nor_a_later_step_s_folder(two_sites, tmp_path):
    from builder.site import shells

    root, whole, site = two_sites
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept", encoding="utf-8")
    (site / "reports" / "link").symlink_to(outside, target_is_directory=True)
    (site / "pagefind").mkdir()
    (site / "pagefind" / "index.js").write_text("a later step's", encoding="utf-8")
    shells.finish(root, site, _env(), others=("pagefind",))
    assert not (site / "reports" / "link").is_symlink()  # removed, not followed
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "kept"
    assert (site / "pagefind" / "index.js").exists()  # a later step's folder is left to it
    shells.finish(root, site, _env())
    assert not (site / "pagefind").exists()  # otherwise what the build does not make is removed


def test_a_page_that_does_not_fit_its_shell_stops_the_build(two_sites):
    from builder.site import shells

    root, _, site = two_sites
    engine = shells.Engine(root, site, _env())
    by_kind = shells.shells(engine, root / shells.STAGING)
    page = root / "content" / "reports" / "2023" / "odd-extra.md"
    page.write_text('---\ntitle: "x"\ndescription: "y"\n---\n\n# x\n', encoding="utf-8")
    try:
        with pytest.raises(shells.ShellError, match="front matter"):
            shells.render(engine, by_kind, "reports/2023/odd-extra.md")
        page.write_text('---\ntitle: "x"\n---\n\ntext without a heading\n', encoding="utf-8")
        with pytest.raises(shells.ShellError, match="heading"):
            shells.render(engine, by_kind, "reports/2023/odd-extra.md")
    finally:
        page.unlink()
    # a marker the theme printed where no slot is known: the shell is refused, not published with it
    with pytest.raises(shells.ShellError, match="marker"):
        shells.cut("<title>xshellslot1x</title><p>xshellslot1x-extra shell.page</p>", {"title": "xshellslot1x"}, "t")


def _stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {rel: (p.stat().st_ino, p.stat().st_mtime_ns) for rel, p in _files(site).items()}


def _given(root: Path) -> set[str]:
    """The files the engine was given in its last build (its docs_dir: content_files.DOCS)."""
    from builder.site.content_files import DOCS

    return {p.relative_to(root / DOCS).as_posix() for p in (root / DOCS).rglob("*") if p.is_file()}


def test_adding_one_report_writes_its_pages_and_equals_a_build_from_nothing(tmp_path, monkeypatch):
    from builder import cli
    from builder.site.search_entries import ENTRIES
    from builder.site.shells import PAGES

    monkeypatch.setenv("SITE_URL", SITE_URL)
    root = copy_repository(tmp_path / "added")
    aside = tmp_path / "aside"
    aside.mkdir()
    for name in ("巴州区.txt", "巴州区.yaml"):
        shutil.move(root / "reports" / "2023" / name, aside / name)
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    before = _stamps(root / "site")
    entries = root / ENTRIES
    assert not (entries / "agencies" / "巴州区" / "index.html").exists()
    for name in ("巴州区.txt", "巴州区.yaml"):
        shutil.move(aside / name, root / "reports" / "2023" / name)
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    after = _stamps(root / "site")
    written = {rel for rel, stamp in after.items() if before.get(rel) != stamp}
    # the search index, made again from the entries: the new body's fragment written, most files kept
    fragments = [rel for rel in written if rel.startswith("pagefind/fragment/")]
    assert len(fragments) == 1 and b"\xe5\xb7\xb4\xe5\xb7\x9e" in gzip.decompress((root / "site" / fragments[0]).read_bytes())
    assert len([rel for rel in written if rel.startswith("pagefind/")]) < len([rel for rel in after if rel.startswith("pagefind/")]) / 2
    # of the bulk pages, the report's and its body's only
    assert {rel for rel in written if rel.startswith(("reports/", "agencies/"))} == {
        "reports/2023/巴州区/index.html", "agencies/巴州区/index.html"}
    # of the engine's pages, the lists and rankings it joins, and the pages that count reports
    pages = {rel for rel in written if rel.endswith(".html")} - {
        "reports/2023/巴州区/index.html", "agencies/巴州区/index.html"}
    assert pages and len(pages) < len([rel for rel in after if rel.endswith(".html")]) / 2, pages
    assert "rankings/2023/index.html" in pages and "methodology/index.html" not in pages
    assert b"\xe5\xb7\xb4\xe5\xb7\x9e\xe5\x8c\xba" in (entries / "agencies" / "巴州区" / "index.html").read_bytes()  # its entry, 巴州区
    # the engine rendered again its pages out of the navigation that changed (2023's); the others were kept:
    # it is given only the pages it renders (its docs_dir holds copies of them, and no other file)
    given = _given(root)
    assert "rankings/2023.md" in given and "rankings/2021.md" not in given and "issues/2022.md" not in given
    assert {"index.md", "data.md", "methodology.md"} <= given  # the navigation's pages are always rendered
    assert not any(rel.startswith(("reports/", "agencies/", "downloads/", "api/")) for rel in given)
    # and a build that changes nothing writes nothing, nor has the engine render any page out of the navigation
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    assert _stamps(root / "site") == after
    rendered = json.loads((root / PAGES).read_text(encoding="utf-8"))
    assert rendered == [] and not {"rankings/2023.md", "issues/2023.md"} & _given(root) and given > _given(root)

    fresh = copy_repository(tmp_path / "fresh")
    assert cli.main(["site", "--root", str(fresh), "--site-dir", str(fresh / "site")]) == 0
    a, b = _files(root / "site"), _files(fresh / "site")
    assert a.keys() == b.keys()
    differ = [rel for rel in sorted(a) if a[rel].read_bytes() != b[rel].read_bytes()]
    # the SQLite download is updated in place (builder/data/sqlite.py, tests/test_data_sqlite.py): its row ids
    # follow the order rows were added in; the same tables with as many rows
    assert [rel for rel in differ if not rel.endswith(".sqlite")] == []
    for rel in differ:
        assert _counts(a[rel]) == _counts(b[rel]), rel


def _counts(path: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.mark.parametrize("folder", ["shells", "engine-docs"])
def test_a_staging_folder_that_is_a_link_is_refused_unemptied(tmp_path, capsys, folder):
    """.cache/shells, or the engine's folder of pages in it (content_files.DOCS), a link a commit put there."""
    from builder import cli
    from builder.site.content_files import DOCS
    from builder.site.shells import STAGING

    root = copy_repository(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept", encoding="utf-8")
    link = root / (STAGING.parent if folder == "shells" else DOCS)
    link.parent.mkdir(parents=True)
    link.symlink_to(outside, target_is_directory=True)
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) != 0
    assert ".cache/shells" in capsys.readouterr().err
    assert [p.name for p in outside.iterdir()] == ["keep.txt"]


def test_the_engine_renders_every_page_again_when_its_code_or_the_site_s_address_changes(two_sites):
    from builder.site.shells import unchanged_pages

    root, _, site = two_sites
    kept = unchanged_pages(root, site, _env())
    assert "rankings/2023.md" in kept and "index.md" not in kept  # out of the navigation, and in it
    assert unchanged_pages(root, site, {**_env(), "SITE_URL": "https://example.org/elsewhere/"}) == []
    page = site / "rankings" / "2023" / "index.html"
    data = page.read_bytes()
    page.write_bytes(data.replace(b"</body>", b"<script>x</script></body>"))  # its output changed in site/
    try:
        assert "rankings/2023.md" not in unchanged_pages(root, site, _env())
    finally:
        page.write_bytes(data)
    hook = root / "hooks" / "verbatim.py"
    code = hook.read_text(encoding="utf-8")
    hook.write_text(code + "\n# changed\n", encoding="utf-8")
    try:
        assert unchanged_pages(root, site, _env()) == []
    finally:
        hook.write_text(code, encoding="utf-8")
