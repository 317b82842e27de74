"""Provenance: a PDF report's page shows each table's image cut from its page of the original (made
once, cached, small, the table's region and not the whole page), and links the original at its
publisher's address only when that is an http(s) URL."""
from __future__ import annotations

import copy
import io
import os
import shutil
import signal
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from builder.site import provenance
from builder.site.build import build_site
from conftest import ROOT, TURNED_SCAN, build_site_in, copy_repository

PDF = ROOT / "tests" / "fixtures" / "pdf" / "达州市通川区.pdf"
PAGE = "reports/2023/达州市通川区/index.html"
A4 = (595.3, 841.9)  # the fixture's pages, in points


class Images(HTMLParser):
    """The <img> tags of a page (their attributes) and the <details> summaries."""

    def __init__(self):
        super().__init__()
        self.images: list[dict] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        elif tag == "a":
            self.links.append(dict(attrs))


def _parse(html: str) -> Images:
    parser = Images()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    shutil.rmtree(root / "reports")
    (root / "reports" / "2023").mkdir(parents=True)
    shutil.copy(PDF, root / "reports" / "2023")
    outcomes, _ = build_site_in(root)
    return root, outcomes


def test_each_table_of_a_pdf_report_shows_its_image_cut_from_its_page(built):
    root, outcomes = built
    html = (root / "site" / PAGE).read_text(encoding="utf-8")
    pages = outcomes[0].record.source.pages
    wanted = [(key, n) for key in provenance.TABLES for n in getattr(pages, key)]
    assert len(wanted) == 4  # 二 on page 2, 三 on pages 2 and 3, 四 on page 3
    images = [i for i in _parse(html).images if "原文第" in i.get("alt", "")]
    assert len(images) == len(wanted)
    assert html.count("<summary>查看原文此表</summary>") == 3
    for (key, n), img in zip(wanted, images):
        assert img["loading"] == "lazy" and f"原文第 {n} 页" in img["alt"]
        assert img["src"].endswith(f"-{key}-p{n}.png")
        path = (root / "site" / PAGE).parent / img["src"]
        data = path.resolve().read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and 2_000 < len(data) < 40_000, (path, len(data))
        with Image.open(path.resolve()) as im:
            im.verify()
        with Image.open(path.resolve()) as im:
            width, height = im.size
            assert im.mode in ("L", "P")  # grayscale
        assert (int(img["width"]), int(img["height"])) == (width, height)
        assert 600 <= width <= provenance.WIDTH
        # the table's region, not the page: as wide as the table (most of the page), far less tall
        assert height < 0.5 * width * A4[1] / A4[0], (key, n, width, height)
        assert f'downloads/2023/达州市通川区.pdf#page={n}"' in html


def test_the_image_regions_are_the_tables(built):
    """The regions lie between the section's heading and the next one: 二 below its heading on page 2
    and above 三's; 四 below its heading on page 3 and above 五's (positions of the fixture's text)."""
    root, outcomes = built
    record = outcomes[0].record
    made, _ = provenance._make(outcomes[0].source, "pdf", provenance.wanted(record), record.source.sha256)
    boxes = {(k, f.page): f.box for k, fs in made.figures.items() for f in fs}
    assert 183 < boxes[("article20", 2)][1] < 200 and 440 < boxes[("article20", 2)][3] < 461
    assert 473 < boxes[("applications", 2)][1] < 490
    assert boxes[("applications", 3)][3] < 365  # above 四's heading
    assert 377 < boxes[("review_litigation", 3)][1] and boxes[("review_litigation", 3)][3] < 476
    for box in boxes.values():
        assert 40 < box[0] < 60 and 540 < box[2] < 560


def test_a_second_build_does_not_render_again(built, monkeypatch):
    root, outcomes = built
    def fail(*args):
        raise AssertionError("rendered again")
    monkeypatch.setattr(provenance, "_render", fail)
    monkeypatch.setattr(provenance, "_make", fail)
    again = [copy.copy(o) for o in outcomes]
    build_site(again, root, root / "content")
    images = sorted((root / "content" / "downloads" / "2023").glob("*.png"))
    assert len(images) == 4
    cached = list((root / provenance.CACHE).glob("*.png"))
    assert len(cached) == 4  # made once, kept under .cache/provenance by the source's sha256


def test_a_pdf_that_fails_to_render_gives_a_note_and_the_build_goes_on(tmp_path):
    root = copy_repository(tmp_path)
    shutil.rmtree(root / "reports")
    (root / "reports" / "2023").mkdir(parents=True)
    shutil.copy(PDF, root / "reports" / "2023")
    outcomes, _ = build_site_in(root)
    broken = copy.copy(outcomes[0])
    broken.source = tmp_path / "broken.pdf"
    broken.source.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
    broken.key = "0" * 64
    shutil.rmtree(root / provenance.CACHE)
    build_site([broken], root, root / "content")
    page = (root / "content" / "reports" / "2023" / "达州市通川区.md").read_text(encoding="utf-8")
    assert "原文无法渲染，未能生成此表的图像" in page and "<img" not in page
    assert not list((root / "content" / "downloads").rglob("*.png"))


@pytest.mark.parametrize("url, linked", [
    ("https://www.example.gov.cn/xxgk/2024/report.pdf?a=1&b=<2>", True),
    ("javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("http://example.gov.cn/a b", False),
])
def test_the_original_is_linked_at_its_publishers_address_only_if_http(built, url, linked, tmp_path):
    root, outcomes = built
    o = copy.copy(outcomes[0])
    source = o.record.source.model_copy(update={"url": url})  # past validation, as a hand-edited record might be
    o.record = o.record.model_copy(update={"source": source})
    out = tmp_path / "content"
    shutil.copytree(root / "content", out)
    build_site([o], root, out)
    page = (out / "reports" / "2023" / "达州市通川区.md").read_text(encoding="utf-8")
    assert "<dt>原文地址</dt>" in page
    links = [a for a in _parse(page).links if a.get("rel") == "noopener nofollow"]
    if linked:
        assert [a["href"] for a in links] == [url]  # escaped in the page, the same URL once parsed
        assert "&amp;b=&lt;2&gt;" in page
    else:
        assert links == [] and 'href="javascript' not in page and 'href="data' not in page
        assert "<script>" not in page


def test_a_scanned_pdfs_tables_are_found_in_its_page_images():
    """The scan of the control report: its tables' regions found in the page images are where the
    text PDF of the same report has them (within a few points)."""
    pages = {"article20": [1], "applications": [1, 2, 3], "review_litigation": [3]}
    scan, images = provenance._make(ROOT / "tests" / "cases" / "08a-scan-control.pdf", "pdf-ocr", pages, "0" * 64)
    text, _ = provenance._make(ROOT / "tests" / "cases" / "00-control-pdf.pdf", "pdf", pages, "1" * 64)
    assert not scan.notes and not text.notes
    for key in pages:
        assert [f.page for f in scan.figures[key]] == pages[key]
        for s, t in zip(scan.figures[key], text.figures[key]):
            assert all(abs(a - b) < 6 for a, b in zip(s.box, t.box)), (key, s.box, t.box)
    assert all(len(data) < 40_000 for data in images.values())


def test_safe_url():
    assert provenance.safe_url("https://a.gov.cn/x") == "https://a.gov.cn/x"
    assert provenance.safe_url("HTTP://a.gov.cn/x") == "HTTP://a.gov.cn/x"
    for bad in (None, "", "javascript:alert(1)", " https://a", "https://a\nb", "https://a\n", "ftp://a", "//a.gov.cn",
                "https://a\x00b"):
        assert provenance.safe_url(bad) is None


def test_a_table_printed_sideways_is_shown_upright():
    """Table 三 of this case is printed turned counter-clockwise on page 2 (no /Rotate flag): its
    image is the table upright, wider than tall, without the page number printed the page's way."""
    pages = {"applications": [2]}
    made, images = provenance._make(ROOT / "tests" / "cases" / "12a-section3-sideways-ccw.pdf", "pdf", pages, "2" * 64)
    (figure,) = made.figures["applications"]
    assert figure.turn == 270 and figure.width > figure.height
    assert figure.box[3] - figure.box[1] < 700  # the turned table, not the page number under it


def test_headings_printed_with_radicals_still_bound_the_tables():
    """A font that maps 青 to the radical ⻘ (case 07): the headings are still found, so table 三's
    image on page 2 ends where 四's begins."""
    pages = {"applications": [1, 2], "review_litigation": [2]}
    made, _ = provenance._make(ROOT / "tests" / "cases" / "07-radicals-in-tounicode.pdf", "pdf", pages, "3" * 64)
    three, four = made.figures["applications"][1].box, made.figures["review_litigation"][0].box
    assert three[3] <= four[1] and four[3] - four[1] < 120


def _make_all_with(monkeypatch, name: str, behaviour) -> list:
    """_make_all of two jobs, the report `name` made by `behaviour` (the workers are forked after
    _make is replaced: they see it) and the fixture PDF as usual."""
    real = provenance._make

    def make(source, *args):
        if source.name == name:
            behaviour()
        return real(source, *args)

    monkeypatch.setattr(provenance, "_make", make)
    pages = {"review_litigation": [3]}
    return provenance._make_all([(PDF.parent / name, "pdf", pages, "4" * 64), (PDF, "pdf", pages, "5" * 64)])


@pytest.mark.parametrize("limit, behaviour", [
    ("the renderer stopped on this file (exit code -14", lambda: os.kill(os.getpid(), signal.SIGALRM)),
    ("took longer than the limit of 2 seconds (DISCLOSURE_INDEX_MAX_SECONDS)", lambda: time.sleep(600)),
    ("needed more memory than the limit of 4096 MB (DISCLOSURE_INDEX_MAX_MEMORY_MB)", lambda: bytearray(5 * 10 ** 9)),
], ids=["crash", "time", "memory"])
def test_a_report_whose_rendering_dies_hangs_or_eats_memory_gets_a_note_and_the_others_their_images(
        monkeypatch, caplog, limit, behaviour):
    """A PDF that kills the process rendering it (pdfium crashing), runs past the time limit or past
    the memory limit (builder/read/limits.py; workers.py as extraction): its worker is stopped, the log
    names the limit, its tables get a note and nothing is cached for it (retry); the other report's
    images are made."""
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_SECONDS", "2")
    t0 = time.perf_counter()
    with caplog.at_level("WARNING", logger="builder.site.provenance"):
        (bad, bad_images), (good, good_images) = _make_all_with(monkeypatch, "hostile.pdf", behaviour)
    assert time.perf_counter() - t0 < 30
    assert bad.retry and bad.notes == {"review_litigation": "原文无法渲染，未能生成此表的图像"} and not bad_images
    assert any("hostile.pdf: no table images" in r.message and limit in r.message for r in caplog.records)
    assert not good.retry and not good.notes and [f.page for f in good.figures["review_litigation"]] == [3]
    assert set(good_images) == {f.file for f in good.figures["review_litigation"]}


def test_the_time_limit_of_a_reports_images_is_the_lower_of_its_own_and_the_reading_limit(monkeypatch):
    assert provenance.render_seconds() == provenance.RENDER_SECONDS == 2 * provenance.MAX_SECONDS
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_SECONDS", "5")
    assert provenance.render_seconds() == 5


# --- a scan with pages fed in sideways or upside down -------------------------------------------

PLAIN_SCAN = ROOT / "tests" / "fixtures" / "scan" / "川汇区政府办公室.pdf"  # the same report scanned upright
SCAN_PAGES = {"article20": [1, 2], "applications": [2, 3], "review_litigation": [3]}  # where its tables are


def _grey(png: bytes) -> np.ndarray:
    return np.array(Image.open(io.BytesIO(png)).convert("L"))


def _likeness(image: np.ndarray, reference: np.ndarray) -> float:
    """The correlation of two grey images, both shrunk to an eighth of the reference's size (the
    scans' slight skews differ: their thin rules do not overlap at full size)."""
    size = (reference.shape[1] // 8, reference.shape[0] // 8)
    a, b = (np.asarray(Image.fromarray(x).resize(size, Image.BOX), float).ravel() for x in (image, reference))
    return float(np.corrcoef(a, b)[0, 1])


@pytest.fixture(scope="module")
def upright_scan() -> dict[tuple[str, int], np.ndarray]:
    """(table key, page) → the image of that table cut from the scan fed in upright."""
    made, images = provenance._make(PLAIN_SCAN, "pdf-ocr", SCAN_PAGES, "6" * 64)
    assert not made.notes and sorted(made.figures) == sorted(SCAN_PAGES)
    return {(k, f.page): _grey(images[f.file]) for k, fs in made.figures.items() for f in fs}


def _assert_upright(made, images, source: Path, turns: dict[int, int], upright_scan) -> None:
    """Every table of the turned scan has its image: its box within its page, turned by the page's
    turn, the image the upright scan's (its shape, its picture, not upside down) with a ruled table
    across it that ocr_grid finds in the PNG as it stands."""
    import pypdfium2

    from builder.read import ocr_grid

    document = pypdfium2.PdfDocument(source)
    assert not made.notes
    assert {(k, f.page) for k, fs in made.figures.items() for f in fs} == set(upright_scan)
    for key, figures in made.figures.items():
        for f in figures:
            width, height = document[f.page - 1].get_size()
            x0, top, x1, bottom = f.box
            assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height, (key, f.page, f.box)
            assert f.turn == turns.get(f.page, 0), (key, f.page)
            image, reference = _grey(images[f.file]), upright_scan[(key, f.page)]
            assert (f.height, f.width) == image.shape
            assert abs(image.shape[0] - reference.shape[0]) <= 3 and abs(image.shape[1] - reference.shape[1]) <= 3
            assert _likeness(image, reference) > _likeness(np.rot90(image, 2), reference) + 0.3, (key, f.page)
            (grid, *_) = sorted(ocr_grid.tables(image), key=lambda t: t.box[0] - t.box[2])
            assert grid.box[2] - grid.box[0] > 0.9 * image.shape[1] and len(grid.xs) >= 3 and len(grid.ys) >= 3


@pytest.mark.parametrize("fed", [90, 180, 270])
def test_the_tables_of_a_page_scanned_sideways_or_upside_down_are_shown_upright(fed, upright_scan, tmp_path,
                                                                                   monkeypatch):
    """The upright scan with pages 2 and 3 fed in turned `fed` degrees counter-clockwise (so their
    content is turned 360 - fed clockwise, pdf_turn's way): each table's image is cut from where the
    table lies on the turned page and shown upright, as on the upright scan."""
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "fixtures"))
    from make_scan_kinds import make_turned_scan

    source = tmp_path / "turned.pdf"
    source.write_bytes(make_turned_scan(PLAIN_SCAN.read_bytes(), {2: fed, 3: fed}, seed=fed, angle=0))
    turns = {2: 360 - fed, 3: 360 - fed}
    made, images = provenance._make(source, "pdf-ocr", SCAN_PAGES, "7" * 64, turns)
    _assert_upright(made, images, source, turns, upright_scan)
    # cut as if upright, the turned pages' tables are lost or wrong: the page's turn is what rights them
    unturned, images = provenance._make(source, "pdf-ocr", SCAN_PAGES, "8" * 64)
    right = [f for k, fs in unturned.figures.items() for f in fs
             if _likeness(_grey(images[f.file]), upright_scan[(k, f.page)]) > 0.8]
    assert {f.page for f in right} == {1}


def test_the_turns_of_a_scans_pages_are_those_the_reader_found(monkeypatch):
    """scan_turns reads the page and the turn from the "read.page_turned" notes as read_ocr words
    them (a page the reader turned 90° clockwise to read it was fed in counter-clockwise: its content
    is turned 270°, pdf_turn's way); other findings, and a text PDF's turned-page note, say nothing."""
    import pypdfium2

    pytest.importorskip("cv2", reason="the OCR extra is not installed (make test installs it)")
    from builder.read import ocr as read_ocr, ocr_page as read_ocr_page
    from builder.record.models import Finding

    document = pypdfium2.PdfDocument.new()
    for _ in range(4):
        document.new_page(200, 300)
    data = io.BytesIO()
    document.save(data)
    turned = iter([0, 90, 180, 270])  # what the reader turned each page by (clockwise) to read it
    monkeypatch.setattr(read_ocr, "_engine", lambda: None)
    monkeypatch.setattr(read_ocr_page, "read_page", lambda engine, gray: ("报告", next(turned)))
    notes = []
    read_ocr.ocr_pdf(data.getvalue(), notes)
    findings = [Finding(rule=n.rule, severity=n.severity, path=n.path, message=n.message) for n in notes]
    findings += [Finding(rule="read.page_turned", severity="info", message="page 1: its content is printed "
                         "sideways (turned 90° clockwise); it was read turned upright"),
                 Finding(rule="extract.other", severity="info",
                         message="page 1 of the scan is turned upside down (180°)")]
    assert provenance.scan_turns(findings) == {2: 270, 3: 180, 4: 90}


def test_a_scan_read_with_turned_pages_shows_them_upright(turned_scan, upright_scan, tmp_path):
    """The fixture scan with page 2 fed in sideways and page 3 upside down, read by OCR: attach takes
    each page's turn from the outcome's findings and shows every table upright."""
    from types import SimpleNamespace

    from builder.record.outcome import Outcome

    record, findings = turned_scan
    assert provenance.wanted(record) == SCAN_PAGES
    assert provenance.scan_turns(findings) == {2: 270, 3: 180}
    outcome = Outcome(TURNED_SCAN, record, findings)
    outcome.key = "k" * 64
    view = SimpleNamespace(outcome=outcome, download="downloads/2023/turned.pdf", tables=None)
    written = {}
    provenance.attach([view], tmp_path, lambda rel, key, make: written.setdefault(rel, make()))
    images = {f.file: written[f.rel] for fs in view.tables.figures.values() for f in fs}
    _assert_upright(view.tables, images, TURNED_SCAN, {2: 270, 3: 180}, upright_scan)
