"""Versions of the builder's code, as digests of its files: a record, a cache entry or a page made by
other code is made again."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .. import __version__
from .files import files_digest

_BUILDER = Path(__file__).parent.parent

# the modules whose code decides what a record holds: every module of read/ and extract/ (one added there
# is part of the version without being listed), and these of record/
_EXTRACTION_PACKAGES = ("read", "extract")
_EXTRACTION_MODULES = ("record/characters.py", "record/checks.py", "record/template.py", "record/models.py")


def extraction_files() -> list[Path]:
    """The files whose code decides what a record holds, in a fixed order."""
    return sorted({*(p for package in _EXTRACTION_PACKAGES for p in (_BUILDER / package).glob("*.py")),
                   *(_BUILDER / n for n in _EXTRACTION_MODULES if (_BUILDER / n).exists())})


# the modules whose code decides what a page holds (with the page templates)
_RENDER_MODULES = ("site/build.py", "site/views.py", "site/list_pages.py", "site/page_cache.py", "index/history.py",
                   "index/scores.py", "index/standing.py", "index/flags.py", "index/wording.py", "data/downloads.py",
                   "record/models.py", "record/template.py", "record/outcome.py", "site/api.py", "index/coverage.py",
                   "site/coverage_pages.py", "index/registry.py", "site/summary.py", "site/home.py",
                   "site/compare_pages.py", "site/provenance.py", "site/feeds.py", "site/accuracy.py",
                   "data/statuses.py", "site/corrections.py", "site/releases_pages.py", "data/releases.py",
                   "data/changes.py", "index/bodies.py")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """The builder's version and a digest of its extraction code: a record or cache entry made by
    another extractor is read again."""
    return f"{__version__}+{files_digest(extraction_files())[:10]}"


@lru_cache(maxsize=1)
def render_version() -> str:
    """A digest of the code and templates that make pages: a page cached by another is made again."""
    return files_digest(sorted([*(_BUILDER / "site" / "templates").glob("*.j2"), *(_BUILDER / n for n in _RENDER_MODULES)]),
                        seed=__version__)[:16]
