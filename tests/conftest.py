from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
GOLDEN = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(ROOT))


@pytest.fixture
def root() -> Path:
    return ROOT


TURNED_SCAN = ROOT / "tests" / "fixtures" / "scan-kinds" / "川汇区政府办公室-turned-pages.pdf"


@pytest.fixture(scope="session")
def turned_scan():
    """(record, findings) of the scan with page 2 fed in sideways and page 3 upside down
    (tests/fixtures/make_scan_kinds.py): read by OCR once for the whole run."""
    pytest.importorskip("rapidocr", reason="the OCR extra is not installed (make test installs it)")
    from builder.pipeline import extract_file

    return extract_file(TURNED_SCAN)

def extract_once(path: Path):
    """extract_file(path) once a test session: (record, findings), or the ReportError it raised. The
    breakage cases are read by their own test and by the accuracy measure (two scans by OCR)."""
    from builder.pipeline import extract_file
    from builder.read.text import ReportError

    if path not in _EXTRACTED:
        try:
            _EXTRACTED[path] = extract_file(path)
        except ReportError as exc:
            _EXTRACTED[path] = exc
    return _EXTRACTED[path]


_EXTRACTED: dict = {}

REAL_LAYOUT_SCANS = {q: ROOT / "tests" / "fixtures" / "scan-kinds" / f"2024-平潭综合实验区-real-layout-q{q}.pdf"
                     for q in (75, 35)}


@pytest.fixture(scope="session")
def real_layout_scans():
    """{JPEG quality: (record, findings)} of the real layout's scans (tests/fixtures/make_scan_kinds.py:
    one rendering of a real page's tables, JPEG-encoded at 75 and at 35): read by OCR once for the run."""
    pytest.importorskip("rapidocr", reason="the OCR extra is not installed (make test installs it)")
    from builder.pipeline import extract_file

    return {q: extract_file(path) for q, path in REAL_LAYOUT_SCANS.items()}


# what the builder generates in content/: left out when a test copies the repository
GENERATED_PAGES = ("index.md", "issues.md", "methodology.md", "data.md", "accuracy.md", "reports", "agencies", "rankings", "api",
                   "downloads", "regions", "issues", "coverage",
                   "compare", "feeds", "corrections.md", "releases")


# bodies whose names hold what once broke search (full-width brackets, ·, digits, Latin letters half and
# full width, a character beyond the BMP, a long name repeating itself, what HTML escapes and quotes)
SEARCH_NAMES = ("全角（括号）机关·局", "青禾县自然资源局案3", "青禾县自然资源局案10", "ABC科技园2号管委会", "Ａｂｃ全角字母局",
                "𠀀生僻字局", "很长的机关名称很长的机关名称很长的机关名称", '甲&乙"丙丁"<戊>局')


def copy_repository(dest: Path) -> Path:
    """The parts of the repository a site build needs (reports, content, overrides, configuration)."""
    import shutil

    for name in ("reports", "content", "overrides", "hooks"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns(*GENERATED_PAGES)
                        if name == "content" else None)
    for name in ("mkdocs.yml", ".gitignore"):
        shutil.copy(ROOT / name, dest / name)
    return dest


def build_site_in(root: Path, write: bool = False):
    """Build a copy of the repository's site as `make site` does (with write, records are written
    back under reports/ as `make site` does too); returns the outcomes and the number of pages the
    builder wrote."""
    import os

    from builder.pipeline import process_all
    from builder.site import engine
    from builder.site.build import build_site
    from builder.cli import finish_site
    from builder.site.search_index import BUNDLE

    outcomes = process_all(root / "reports", root, write=write)
    written = build_site(outcomes, root, root / "content")
    # the engine's top level and the report and body pages in its shells, then the search index, last
    assert engine.build(root, root / "site", {**os.environ, "NO_MKDOCS_2_WARNING": "1"}, others=(BUNDLE,)) == 0
    finish_site(root, root / "site")
    return outcomes, written


def indexed_pages(site: Path) -> list[dict]:
    """The pages of the built site's search index (Pagefind's fragments, under site/pagefind/fragment/, or
    each part's under site/pagefind/PART/fragment/):
    each {"url", "content" (the text indexed, without the zero-width spaces Pagefind puts between the words
    it cuts), "meta": {"title", "kind", "region", "years", "former"}, ...}."""
    import gzip
    import json

    pages = []
    for fragment in sorted((site / "pagefind").glob("**/fragment/*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd"), fragment
        page = json.loads(data[len(b"pagefind_dcd"):])
        page["content"] = page["content"].replace("\u200b", "")
        pages.append(page)
    return pages


def with_standing(page: Path) -> str:
    """A built page as a reader's browser shows it once assets/javascripts/standing.js has run: each
    standing slot (<span class="standing" data-slot=SLOT>) replaced by the text that SLOT has in the
    standing file (data_api.standing_json) named by the slot's own data-standing or its nearest enclosing
    element's (FILE relative to the page), as the script's el.closest("[data-standing]") finds it."""
    import html
    import json
    import re

    from lxml import html as lxml_html

    text = page.read_text(encoding="utf-8")
    files = [el.xpath("ancestor-or-self::*[@data-standing][1]")[0].get("data-standing")
             for el in lxml_html.fromstring(text).xpath('//span[@class="standing"][@data-slot]')]
    slots = re.compile(r'<span class="standing"(?: data-standing="[^"]*")? data-slot="([^"]+)">.*?</span>')
    assert len(slots.findall(text)) == len(files), page
    named = iter(files)

    def fill(m: re.Match) -> str:
        data = json.loads((page.parent / next(named)).read_text(encoding="utf-8"))
        return html.escape(data["text"][html.unescape(m.group(1))])
    return slots.sub(fill, text)


def report_pages_reached(site: Path) -> tuple[int, int]:
    """(how many report pages of the built SITE a list page links, how many report pages there are): a
    list page is any page but a report's or a body's (reports/YEAR/BODY/, agencies/BODY/), a link its
    href resolved against the page's own address. Reads only the list pages (a few hundred at 100,000
    reports), so that a benchmark can ask it of a national site."""
    import posixpath
    import re
    from urllib.parse import unquote, urldefrag

    reports = {p.relative_to(site).parent.as_posix() + "/" for p in site.glob("reports/*/*/index.html")}
    reached = set()
    href = re.compile(r'href="([^"#?]*)')
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        if rel.startswith("pagefind/") or (rel.startswith("reports/") and rel.count("/") == 3) \
                or (rel.startswith("agencies/") and rel.count("/") == 2):
            continue  # a report's page, a body's, the search index
        base = posixpath.dirname(rel)
        for link in href.findall(page.read_text(encoding="utf-8", errors="replace")):
            if "://" in link or link.startswith(("mailto:", "data:")):
                continue
            target = posixpath.normpath(posixpath.join(base, unquote(urldefrag(link)[0])))
            if target.startswith("reports/"):
                reached.add(target.rstrip("/") + "/")
    return len(reports & reached), len(reports)
