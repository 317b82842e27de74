"""Versions of the builder's code, as digests of its files: a record, a cache entry or a page made by
other code is made again."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .. import __version__
from .files import files_digest

_BUILDER = Path(__file__).parent.parent

# the modules whose code decides what a record holds
_EXTRACTION_MODULES = ("read/text.py", "read/sources.py", "read/limits.py", "read/html.py", "read/docx.py", "read/pdf.py",
                       "read/pdf_tables.py", "read/pdf_turn.py", "read/ocr.py", "read/ocr_text.py", "read/ocr_page.py",
                       "read/ocr_grid.py", "extract/cells.py", "record/characters.py", "extract/rows.py",
                       "extract/metadata.py", "extract/editions.py", "extract/to_record.py", "extract/infer.py",
                       "record/checks.py", "record/template.py", "record/models.py")

# the modules whose code decides what a page holds (with the page templates)
_RENDER_MODULES = ("site/build.py", "site/views.py", "site/list_pages.py", "site/page_cache.py", "index/history.py",
                   "index/scores.py", "index/standing.py", "index/flags.py", "index/wording.py", "data/downloads.py",
                   "record/models.py", "record/template.py", "record/outcome.py", "site/api.py", "index/coverage.py",
                   "site/coverage_pages.py", "index/registry.py", "site/summary.py", "site/home.py",
                   "site/compare_pages.py", "site/provenance.py", "site/feeds.py", "site/accuracy.py",
                   "data/statuses.py", "site/corrections.py")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """The builder's version and a digest of its extraction code: a record or cache entry made by
    another extractor is read again."""
    return f"{__version__}+{files_digest(_BUILDER / n for n in _EXTRACTION_MODULES if (_BUILDER / n).exists())[:10]}"


@lru_cache(maxsize=1)
def render_version() -> str:
    """A digest of the code and templates that make pages: a page cached by another is made again."""
    return files_digest(sorted([*(_BUILDER / "site" / "templates").glob("*.j2"), *(_BUILDER / n for n in _RENDER_MODULES)]),
                        seed=__version__)[:16]
