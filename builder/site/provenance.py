"""Provenance: the image of each table (二, 三, 四) of a PDF report cut from its page of the original,
so that a reader can check a number against what the report printed, and the link to the original
at its publisher's address.

Where a table is: record.source.pages says on which pages each table was read. On a page with a text
layer, the table lies below its section's heading (template.SECTIONS; on a page where the table
continues, from the top) and above the next section's heading (or the page's end): the region is the
union of the rules and characters in that band (a page number under the table's last rule left out).
On a scanned page (source.format "pdf-ocr") the ruled tables are found in the page's image
(ocr_grid.tables) and a page shared by two sections is split at the widest gap between its tables. A
page the reader turned upright (its "read.page_turned" finding: scanned sideways or upside down) is
searched turned upright the same way, and its image is cut from the page and turned upright.

The images are made at build time (pypdfium2 renders the page; grayscale PNG of at most WIDTH
pixels, paper made white and the rest reduced to 8 greys: 5–30 KB), cached under .cache/provenance/ by the source's
sha256 and this module's VERSION, and written into content/ through the page cache (made once).
A PDF is untrusted: a page that fails to render, or work past the bounds (MAX_PAGES, MAX_SECONDS,
limits.max_pdf_pages, a page image over limits.max_unpacked_mb), gives no image and a note, never
stops the build. Each report's images are made in a bounded worker process (builder/read/workers.py, as
extraction reads reports): one that hangs pdfium past render_seconds(), eats memory past
limits.max_memory_mb or crashes is killed, logged with the limit named, and its tables get a note.
"""
from __future__ import annotations

import io
import json
import logging
import os
import re
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from ..read import workers
from ..record.characters import first_invisible, fold_text
from ..read.limits import Limits, limits
from ..store.files import _key
from ..store.files import files_digest, write_atomically
from ..record.template import SECTIONS

VERSION = "2"          # of the images and their regions (with the code's digest: _code): a change makes them again
WIDTH = 900            # pixels, at most, of an image
MAX_SCALE = 2.0        # pixels per PDF point, at most (144 dpi): a narrow table is not blown up
GREYS = 8              # grey levels kept: text stays crisp, the file small
PAPER = 200            # lighter greys are paper: white (a scan's speckle costs bytes, says nothing)
PAD = 6.0              # points of paper kept around a table
MAX_PAGES = 8          # pages of one report cut into images, at most
MAX_SECONDS = 20.0     # wall-clock time for one report's images; the pages past it get none
RENDER_SECONDS = 2 * MAX_SECONDS  # a report's images still not made by then: its worker is killed (render_seconds)
SCAN_DPI = 100         # resolution at which a scanned page is searched for its tables
CACHE = Path(".cache") / "provenance"  # under the repository's root: images and their regions
TABLES = ("article20", "applications", "review_litigation")
_NUMBER_ONLY = re.compile(r"^[-－—\s第页/Pp\d]*$")  # a page number ("- 3 -", "第3页", "3/5")
# read_ocr.ocr_pdf's note on a scanned page it turned upright: the page, and how it was fed in
_SCAN_TURNED = re.compile(r"page (?P<page>\d+) of the scan is turned [a-z ]+"
                          r"\((?P<how>90° counter-clockwise|90° clockwise|180°)\)")


@dataclass
class Figure:
    """One table's image on one page: rel is its path under content/ (set when written); box its
    region in PDF points (x0, top, x1, bottom, from the page's top left); width and height in pixels."""

    page: int
    box: tuple[float, float, float, float]
    width: int
    height: int
    file: str           # the image's name in the cache
    rel: str = ""
    turn: int = 0       # degrees clockwise the page's content is printed turned (pdf_turn): the image is upright


@dataclass
class Provenance:
    """The images of a report's tables, by table key (TABLES), and a note per table whose image could not be made."""

    figures: dict[str, list[Figure]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    retry: bool = False  # not kept in the cache: made again next build (its worker died)

    def to_data(self) -> dict[str, Any]:
        return {"figures": {k: [asdict(f) for f in v] for k, v in self.figures.items()}, "notes": self.notes}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Provenance":
        return cls({k: [Figure(**{**f, "box": tuple(f["box"])}) for f in v] for k, v in data["figures"].items()},
                   dict(data["notes"]))


def safe_url(url: str | None) -> str | None:
    """The URL if it is an http(s) address with no whitespace, control or invisible character (to be linked),
    else None (a record's source.url is already refused with one: record/models.Url)."""
    if not url or not re.fullmatch(r"https?://[^\s\x00-\x1f\x7f]+", url, re.IGNORECASE) or first_invisible(url):
        return None
    return url


def wanted(record) -> dict[str, list[int]]:
    """The pages (1-based, in order) of each table of a PDF or scanned-PDF record; {} for other sources."""
    pages = record.source.pages
    if record.source.format not in ("pdf", "pdf-ocr") or pages is None:
        return {}
    return {key: list(getattr(pages, key)) for key in TABLES if getattr(pages, key)}


def attach(views: list, cache_dir: Path | None, put: Callable[[str, str, Callable[[], bytes]], None]) -> None:
    """Set each PDF report's table images (views.ReportView.tables, a Provenance) and write them.

    cache_dir: where images are kept between builds (None: not kept); put(rel, key, make): writes an
    image into content/ (SiteWriter.page: made once). An image is named after the report's download
    without its extension ("downloads/2023/name-applications-p2.png"). A scan's pages are cut turned
    as its outcome's "read.page_turned" findings say (scan_turns). A report already seen (by its
    outcome's key) costs one small JSON file read, its record not parsed; the images to make are made
    by a process per core when there are several."""
    todo = []
    for v in views:
        o = v.outcome
        if o.source.suffix.lower() != ".pdf":
            continue
        alias = cache_dir / f"key-{o.key}-{_code()}.json" if cache_dir and o.key else None
        v.tables = _load(alias, cache_dir)
        if v.tables is not None:
            continue
        pages = wanted(o.record)
        if not pages:
            v.tables = Provenance()
            continue
        sha = o.record.source.sha256
        turns = scan_turns(o.findings) if o.record.source.format == "pdf-ocr" else {}
        meta = cache_dir / f"{sha}-{_code()}-{_key(sorted(pages.items()), sorted(turns.items()))[:8]}.json" \
            if cache_dir else None
        v.tables = _load(meta, cache_dir)
        todo.append((v, alias, meta, (o.source, o.record.source.format, pages, sha, turns)))
    jobs = [t for t in todo if t[0].tables is None]
    made = _make_all([job for *_, job in jobs])
    images: dict[str, bytes] = {}
    for (v, _, meta, _), (tables, new) in zip(jobs, made):
        v.tables = tables
        images.update(new)
        if tables.retry:
            continue  # a worker that died is not the file's fault for certain: tried again next build
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            for name, data in new.items():
                write_atomically(cache_dir / name, data)
            write_atomically(meta, json.dumps(tables.to_data(), ensure_ascii=False).encode("utf-8"))
    for v, alias, _, _ in todo:
        if alias is not None and not v.tables.retry:
            write_atomically(alias, json.dumps(v.tables.to_data(), ensure_ascii=False).encode("utf-8"))
    for v in views:
        if v.tables is None:
            continue
        prefix = v.download.rsplit(".", 1)[0]
        for key, figures in v.tables.figures.items():
            for f in figures:
                f.rel = f"{prefix}-{key}-p{f.page}.png"

                def read(f=f) -> bytes:
                    return images[f.file] if f.file in images else (cache_dir / f.file).read_bytes()
                put(f.rel, f.file, read)


def _load(meta: Path | None, cache_dir: Path | None) -> Provenance | None:
    """A Provenance kept in the cache, if its images are all still there; None otherwise."""
    if meta is None or cache_dir is None or not meta.exists():
        return None
    try:
        made = Provenance.from_data(json.loads(meta.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError):
        return None  # not what this module writes: made again
    if not all((cache_dir / f.file).exists() for fs in made.figures.values() for f in fs):
        return None
    return made


NOT_RENDERED = "原文无法渲染，未能生成此表的图像"


def _not_rendered(pages: dict[str, list[int]], retry: bool = False) -> Provenance:
    """No images for a report whose PDF could not be rendered: a note for each of its tables (retry:
    not cached, tried again next build)."""
    return Provenance(notes=dict.fromkeys(pages, NOT_RENDERED), retry=retry)


def _make_all(jobs: list[tuple]) -> list[tuple[Provenance, dict[str, bytes]]]:
    """_make for each job (source, format, pages, sha256[, turns]), in bounded worker processes (workers.py: a
    process per core, its memory bounded by limits.max_memory_mb): a PDF that crashes pdfium, eats
    memory or runs past `render_seconds()` has its worker killed, its report gets a note and no images
    (retry: not cached, tried again next build), and the other jobs go on."""
    if not jobs:
        return []
    seconds = render_seconds()
    made: dict[int, tuple[Provenance, dict[str, bytes]]] = {}
    tasks = list(enumerate(jobs))
    for (i, job), status, value in workers.run_bounded(_make_job, tasks, min(os.cpu_count() or 1, len(jobs)),
                                                        seconds):
        if status == workers.OK:
            made[i] = value
            continue
        why = workers.describe(value) if status == workers.ERROR else workers.why_stopped(
            status, value, seconds, work="rendering its tables", crash="the renderer stopped on this file",
            time_limit=Limits.variable("max_seconds") if seconds < RENDER_SECONDS else "provenance.RENDER_SECONDS")
        logging.getLogger(__name__).warning("%s: no table images (%s)", job[0], why)
        made[i] = _not_rendered(job[2], retry=True), {}
    return [made[i] for i in range(len(jobs))]


def render_seconds() -> float:
    """Wall-clock seconds one report's images may take before its worker is killed: RENDER_SECONDS,
    or the time limit of reading a report (limits.max_seconds) if that is lower."""
    return min(RENDER_SECONDS, limits().max_seconds)


def _make_job(task: tuple[int, tuple]) -> tuple[Provenance, dict[str, bytes]]:
    """_make of a numbered job, in a worker process."""
    return _make(*task[1])


def _make(source: Path, fmt: str, pages: dict[str, list[int]], sha: str,
          turns: dict[int, int] | None = None) -> tuple[Provenance, dict[str, bytes]]:
    """Open the PDF and cut each table's region from its pages; failures become notes. turns: of a
    scan, page → the turn of its content (scan_turns), pages not named upright."""
    out, images = Provenance(), {}
    try:
        import pypdfium2
        data = source.read_bytes()
        if len(data) > limits().max_file_mb * 1e6:
            raise ValueError("the file is over the size limit")
        document = pypdfium2.PdfDocument(data)
    except MemoryError:
        raise  # the worker answers with the memory limit named
    except Exception as exc:  # a damaged or unreadable PDF: no images
        logging.getLogger(__name__).warning("%s: no table images (%s)", source, _short(exc))
        return _not_rendered(pages), {}
    plumber = None
    try:
        if fmt == "pdf":
            import pdfplumber
            logging.getLogger("pdfminer").setLevel(logging.ERROR)
            wanted_pages = sorted({n for ns in pages.values() for n in ns})[:MAX_PAGES]
            plumber = pdfplumber.open(io.BytesIO(data), pages=wanted_pages)
        regions = _regions(document, plumber, pages, turns or {})
        started = time.monotonic()
        done = 0
        for key, page_numbers in pages.items():
            for n in page_numbers:
                box, turn = regions.get((key, n), (None, 0))
                if box is None or done >= MAX_PAGES or time.monotonic() - started > MAX_SECONDS \
                        or n > min(len(document), limits().max_pdf_pages):
                    out.notes.setdefault(key, "未能确定此表在原文中的位置" if box is None else "原文页数过多，未生成全部图像")
                    continue
                try:
                    png, width, height = _render(document[n - 1], box, turn)
                except MemoryError:
                    raise  # the worker answers with the memory limit named
                except Exception as exc:
                    out.notes[key] = "原文此页无法渲染，未能生成图像"
                    logging.getLogger(__name__).warning("%s: page %d not rendered (%s)", source, n, _short(exc))
                    continue
                done += 1
                name = f"{sha}-{_code()}-{key}-{n}-{_key(tuple(round(v, 1) for v in box))[:8]}.png"
                images[name] = png
                out.figures.setdefault(key, []).append(
                    Figure(n, tuple(round(v, 1) for v in box), width, height, name, turn=turn))
    except MemoryError:
        raise  # the worker answers with the memory limit named
    except Exception as exc:  # whatever a hostile file does: no images, a note, the build goes on
        logging.getLogger(__name__).warning("%s: no table images (%s)", source, _short(exc))
        return _not_rendered(pages), {}
    finally:
        if plumber is not None:
            plumber.close()
        document.close()
    return out, images


@lru_cache(maxsize=1)
def _code() -> str:
    """VERSION and a digest of the code that finds and cuts the regions: cached images made by other code are made again."""
    builder = Path(__file__).parent.parent
    return files_digest((builder / name for name in ("site/provenance.py", "read/pdf_turn.py", "read/ocr_grid.py",
                                                     "record/characters.py", "record/template.py")),
                        seed=VERSION, named=False)[:12]


def _short(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc)[:80]}"


def _render(page, box: tuple[float, float, float, float], turn: int = 0) -> tuple[bytes, int, int]:
    """The region `box` (points from the page's top left) of a pypdfium2 page as a grayscale PNG of
    at most WIDTH pixels, turned back upright by `turn` degrees (see Figure); (bytes, width, height)."""
    width, height = page.get_size()
    x0, top, x1, bottom = max(0.0, box[0]), max(0.0, box[1]), min(width, box[2]), min(height, box[3])
    if x1 - x0 < 1 or bottom - top < 1:
        raise ValueError("an empty region")
    scale = min(MAX_SCALE, WIDTH / ((x1 - x0) if turn in (0, 180) else (bottom - top)))
    if width * height * scale * scale > limits().max_unpacked_mb * 1e6:
        raise ValueError("the page's image would be over the size limit")
    # crop: what to cut off each side, in points (left, bottom, right, top)
    image = page.render(scale=scale, grayscale=True, crop=(x0, height - bottom, width - x1, top)).to_pil()
    image = image.convert("L").point(lambda v: 255 if v > PAPER else v)
    if turn:
        image = image.rotate(turn, expand=True)  # PIL turns counter-clockwise: undoes a clockwise turn
    image = image.quantize(GREYS, dither=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), image.width, image.height


Box = tuple[float, float, float, float]


def _regions(document, plumber, pages: dict[str, list[int]],
             turns: dict[int, int]) -> dict[tuple[str, int], tuple[Box, int]]:
    """Each (table key, page) → the table's region on that page (in points from the page's top left)
    and the turn of the page's content (pdf_turn.turn_of; on a scan, `turns`: page → turn, else 0)."""
    from ..read.pdf_turn import _direction, turn_of

    by_page: dict[int, list[str]] = {}
    for key, ns in pages.items():
        for n in ns:
            by_page.setdefault(n, []).append(key)
    found = {}
    started = time.monotonic()
    for n, keys in sorted(by_page.items())[:MAX_PAGES]:
        if time.monotonic() - started > MAX_SECONDS:
            break
        if plumber is not None:
            page = next((p for p in plumber.pages if p.page_number == n), None)
            if page is None:
                continue
            turn = turn_of(page)
            for key in keys:
                # a page printed sideways holds one wide table: all that is printed turned on it (not its page number)
                box = text_region(page, key) if not turn else _extent(
                    [c for c in page.chars if _direction(c) == turn] + page.rects + page.lines, page)
                if box is not None:
                    found[(key, n)] = (box, turn)
        elif n <= len(document):
            turn = turns.get(n, 0)
            found.update({(key, n): (box, turn) for key, box in scan_regions(document[n - 1], keys, turn).items()})
    return found


def _headings(page) -> list[tuple[str, float, float]]:
    """The section headings on a pdfplumber page: (section key, top, bottom), top to bottom."""
    out = []
    for line in page.extract_text_lines(return_chars=False):
        text = re.sub(r"\s+", "", fold_text(line["text"]))  # radicals some fonts print for ideographs read as them
        if len(text) > 40:
            continue
        for section in SECTIONS:
            if re.match(section.pattern, text):
                out.append((section.key, line["top"], line["bottom"]))
                break
    return out


def text_region(page, key: str) -> tuple[float, float, float, float] | None:
    """The region of table `key` on a pdfplumber page with a text layer (see the module's docstring), or None."""
    order = [s.key for s in SECTIONS]
    headings = _headings(page)
    own = next((h for h in headings if h[0] == key), None)
    top = own[2] if own else 0.0
    later = [h[1] for h in headings if order.index(h[0]) > order.index(key) and h[1] >= top]
    bottom = min(later) if later else float(page.height)

    def inside(o) -> bool:
        return top <= (o["top"] + o["bottom"]) / 2 <= bottom

    rules = [o for o in page.rects + page.lines if inside(o)]
    chars = [c for c in page.chars if inside(c) and c["text"].strip()]
    if rules:
        last = max(r["bottom"] for r in rules)
        chars = [c for c in chars if c["top"] <= last + 2]  # the notes and page number under the table left out
    elif chars:
        # without rules: the characters, less a page number alone on the last line
        last_top = max(c["top"] for c in chars)
        tail = "".join(c["text"] for c in chars if abs(c["top"] - last_top) < 2)
        if _NUMBER_ONLY.match(tail) and len(tail) <= 8:
            chars = [c for c in chars if abs(c["top"] - last_top) >= 2]
    box = _extent(rules + chars, page)
    # the paper around it, but never the headings above or below
    return None if box is None else (box[0], max(box[1], top), box[2], min(box[3], bottom))


def _extent(objects: list[dict], page) -> Box | None:
    """The box around pdfplumber objects with PAD points of paper, within the page; None if there are none."""
    if not objects:
        return None
    x0 = min(o["x0"] for o in objects) - PAD
    x1 = max(o["x1"] for o in objects) + PAD
    y0 = min(o["top"] for o in objects) - PAD
    y1 = max(o["bottom"] for o in objects) + PAD
    return (max(0.0, x0), max(0.0, y0), min(float(page.width), x1), min(float(page.height), y1))


def scan_turns(findings) -> dict[int, int]:
    """Page (1-based) → the turn (90, 180, 270: degrees clockwise, as pdf_turn.turn_of) of the
    content of each page of a scan that the reader turned upright, from its "read.page_turned"
    findings (their messages as read_ocr.ocr_pdf words them); pages not named are upright."""
    out = {}
    for f in findings:
        m = _SCAN_TURNED.match(f.message) if f.rule == "read.page_turned" else None
        if m:
            out[int(m["page"])] = {"90° counter-clockwise": 270, "90° clockwise": 90, "180°": 180}[m["how"]]
    return out


def scan_regions(page, keys: list[str], turn: int = 0) -> dict[str, Box]:
    """The region of each table of `keys` (in the order they are printed) on a scanned pypdfium2 page,
    in points from the page's top left: the ruled tables found in its image turned upright (`turn`:
    degrees clockwise its content is turned, see scan_turns); several tables shared out at the
    widest gaps between them, top to bottom as read upright."""
    import numpy as np

    from ..read.ocr_grid import tables
    from ..read.pdf_turn import _mover

    scale = SCAN_DPI / 72
    width, height = page.get_size()
    if width * height * scale * scale > limits().max_unpacked_mb * 1e6:
        return {}
    gray = np.array(page.render(scale=scale, grayscale=True).to_pil().convert("L"))
    upright = np.ascontiguousarray(np.rot90(gray, turn // 90))  # numpy turns counter-clockwise: undoes `turn`
    boxes = sorted((t.box for t in tables(upright)), key=lambda b: b[1])
    if not boxes:
        return {}
    groups = [boxes]
    if len(keys) > 1 and len(boxes) >= len(keys):
        gaps = sorted(range(1, len(boxes)), key=lambda i: boxes[i][1] - boxes[i - 1][3], reverse=True)
        cuts = sorted(gaps[:len(keys) - 1])
        groups = [boxes[a:b] for a, b in zip([0, *cuts], [*cuts, len(boxes)])]
    elif len(keys) > 1:
        return {}  # fewer tables than sections: which is which is not certain
    pad = PAD * scale
    up_w, up_h = (height, width) if turn in (90, 270) else (width, height)  # the upright page, in points
    back = _mover(360 - turn, up_w, up_h) if turn else None  # upright frame → the page's own
    out = {}
    for key, group in zip(keys, groups):
        x0, y0 = (max(0.0, (min(b[i] for b in group) - pad) / scale) for i in (0, 1))
        x1, y1 = (min(end, (max(b[i] for b in group) + pad) / scale) for i, end in ((2, up_w), (3, up_h)))
        if back is not None:
            (ax, ay), (bx, by) = back(x0, y0), back(x1, y1)
            x0, y0, x1, y1 = min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)
        out[key] = (x0, y0, x1, y1)
    return out
