"""Stage 1: a committed source file → its text.

The format is chosen by the file's content (magic bytes), not by its extension.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .read_html import declared_charset, html_to_text


class ReportError(Exception):
    """A source file that cannot become a record; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


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
    format: str  # text | pdf | pdf-ocr | docx | html
    text: str
    notes: tuple[Note, ...] = ()


# Magic bytes of formats that are not plain text.
_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # legacy .doc/.xls
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
)
_NAMES = {"pdf": "a PDF", "zip": "a ZIP archive (DOCX?)", "ole": "a legacy Office file (.doc)",
          "png": "a PNG image", "jpeg": "a JPEG image", "gif": "a GIF image", "gzip": "a gzip archive",
          "rar": "a RAR archive", "7z": "a 7-Zip archive"}


def sniff(data: bytes) -> str:
    """The kind of file these bytes are: a _MAGIC name, 'html', 'text' or 'binary'."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:512]:
        return "html"
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def decode_text(data: bytes) -> str | None:
    """Decode text in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; None if none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # a decoding that yields control characters is the wrong one
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f\v")
        if controls <= len(text) // 1000:
            return text
    return None


def read_source(path: str | Path, data: bytes | None = None) -> SourceText:
    """Read a source file into text, or raise ReportError saying why it cannot be read."""
    p = Path(path)
    if data is None:
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise ReportError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise ReportError(path, "the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind == "text":
        text = decode_text(data)
        if text is None:
            raise ReportError(path, "not readable as text in UTF-8, UTF-16 or GB18030")
        return SourceText(str(path), digest, "text", text)
    if kind == "html":
        charset = declared_charset(data)
        html = None
        if charset:
            try:
                html = data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                html = None
        html = html if html is not None else decode_text(data)
        if html is None:
            raise ReportError(path, "a web page not readable in its declared charset, UTF-8 or GB18030")
        return SourceText(str(path), digest, "html", html_to_text(html))
    if kind == "pdf":
        from .read_pdf import NoTextLayer, pdf_to_text

        try:
            return SourceText(str(path), digest, "pdf", pdf_to_text(data))
        except NoTextLayer:
            from .read_ocr import OcrUnavailable, ocr_pdf

            notes: list[Note] = []
            try:
                return SourceText(str(path), digest, "pdf-ocr", ocr_pdf(data, notes), tuple(notes))
            except (ValueError, OcrUnavailable) as exc:
                raise ReportError(path, f"a scanned PDF: {exc}") from exc
        except ValueError as exc:
            raise ReportError(path, str(exc)) from exc
    if kind == "zip":
        from .read_docx import docx_to_text

        try:
            return SourceText(str(path), digest, "docx", docx_to_text(data))
        except ValueError as exc:
            raise ReportError(path, str(exc)) from exc
    if kind == "binary":
        raise ReportError(path, "a binary file, not a report (it holds NUL bytes and no known format)")
    raise ReportError(path, f"{_NAMES.get(kind, kind)}: this format has no reader yet")
