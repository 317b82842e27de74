"""How much work one source file may cost: the limits, in one place.

A pull request is untrusted input, and one hostile or broken file must never stop the other reports
nor hang or exhaust the build. Each limit has a default and an environment variable that overrides
it (a positive number; README "Limits" lists them). A file over a limit is refused with an error that
names the file and the limit; the other reports are read and published as usual.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields

PREFIX = "DISCLOSURE_INDEX_"


@dataclass(frozen=True)
class Limits:
    max_file_mb: float = 50           # a source file's size
    max_pdf_pages: int = 200          # pages of a PDF (text or scan)
    max_unpacked_mb: float = 512      # bytes a PDF's streams, or a DOCX's parts, inflate to
    max_seconds: float = 600          # wall-clock time to read one report: a scan is OCR-read at ~7 s a page
    max_memory_mb: int = 4096         # address space of the process reading a report
    max_line_chars: int = 4000        # characters of a line the cell parser splits into cells

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable that sets the limit `name`."""
        return PREFIX + name.upper()


DEFAULTS = Limits()


def limits() -> Limits:
    """The limits in force: the defaults, each overridden by its environment variable if set.
    ValueError names a variable that is not a positive number."""
    values = {}
    for f in fields(Limits):
        raw = os.environ.get(Limits.variable(f.name), "").strip()
        if not raw:
            continue
        kind = int if f.type in ("int", int) else float
        try:
            value = kind(raw)
        except ValueError:
            value = 0
        if not value > 0 or value != value or value == float("inf"):
            raise ValueError(f"{Limits.variable(f.name)}={raw!r}: a limit is a positive "
                             f"{'whole ' if kind is int else ''}number")
        values[f.name] = value
    return Limits(**values) if values else DEFAULTS


class OverLimit(ValueError):
    """A source file over one of the limits; the message says which, e.g. "412 pages, over the limit
    of 200 pages (DISCLOSURE_INDEX_MAX_PDF_PAGES)"."""

    def __init__(self, what: str, name: str, limit_text: str):
        self.name = name
        super().__init__(f"{what}, over the limit of {limit_text} ({Limits.variable(name)})")


def megabytes(n: float) -> str:
    return f"{n:g} MB"


def over_size(size: int, name: str, what: str) -> OverLimit:
    """A size in bytes over the limit `name` (in MB)."""
    limit = getattr(limits(), name)
    return OverLimit(f"{what} {size / 1e6:.1f} MB", name, megabytes(limit))
