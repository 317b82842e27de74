"""What a reader gives and raises: a source's text (SourceText) with the notes a reader took of it
(Note), and the error of a source that cannot become a record (ReportError; LimitError for one over
a limit)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .limits import limits, over_size


class ReportError(Exception):
    """A source file that cannot become a record; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # raised in a worker process, raised again in the build's
        return type(self), (self.path, self.reason)



class LimitError(ReportError):
    """A source file over one of the limits (builder/read/limits.py). Not remembered between builds: the
    next build with a higher limit reads the file."""



def check_size(path: str | Path, size: int) -> None:
    """LimitError if a file of `size` bytes is over the size limit."""
    if size > limits().max_file_mb * 1e6:
        raise LimitError(path, str(over_size(size, "max_file_mb", "a file of")))



@dataclass(frozen=True)
class Note:
    """What a reader noticed about the source that the text cannot say (a page turned upright, a
    damaged byte, a table read by its geometry). Extraction turns each into a finding.

    rule:     e.g. "read.page_turned"; a rule in extract.UNREAD_RULES makes `path`'s cells unread
    message:  plain English, naming the page where there is one
    page:     1-based page of the source, if the note is about one
    path:     the record path concerned (a cell, a row, a table, a narrative section), if known
    severity: as for findings ("error" | "warning" | "info")
    """

    rule: str
    message: str
    page: int | None = None
    path: str | None = None
    severity: str = "info"



@dataclass(frozen=True)
class SourceText:
    path: str
    sha256: str
    format: str  # text | pdf | pdf-ocr | docx | html (a web page, also one unpacked from an MHT archive)
    text: str
    notes: tuple[Note, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()  # what the file says of itself besides its text: ("url", …), ("posted", …)
