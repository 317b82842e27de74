"""Stage 1: a committed source file → its text.

The format is chosen by the file's content (magic bytes), not by its extension; a text that is a web
page's markup without its head (a fragment), or a script holding one in its strings, is a web page
(read/fragments.py).
"""
from __future__ import annotations

import email
import email.policy
import hashlib
import re
from pathlib import Path

from .fragments import web_page_in
from .limits import OverLimit
from .html import charset_name, declared_charset, html_to_text, page_meta
from .text import LimitError, Note, ReportError, SourceText, check_size


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
    """The kind of file these bytes are: a _MAGIC name, 'mht' (a MIME web archive), 'html', 'text' or
    'binary'."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if _is_mime(head):
        return "mht"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:512]:
        return "html"
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")  # control characters other than \t \n \v \f \r
DAMAGED = "\ufffd"  # what an undecodable byte becomes in the text; extraction says where it stands


def _damage_allowed(text: str) -> int:
    """How many undecodable bytes a text may hold and still be taken as in that encoding: a few
    broken characters in a long report, not a file in another encoding."""
    return max(3, len(text) // 2000)


def _is_mime(head: bytes) -> bool:
    """Whether a file starts with MIME headers declaring a web archive: Word's "single file web page"
    and browsers' saved pages (.mht, .mhtml, often named .doc), whatever the file is called."""
    headers = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    return (re.search(rb"(?m)^mime-version\s*:", headers) is not None
            and re.search(rb"(?m)^content-type\s*:\s*(?:multipart/related|text/html)", headers) is not None)


def decode_page(data: bytes, charset: str | None = None) -> str | None:
    """A web page's bytes as text: in `charset` (what its container says, e.g. an MHT part's header),
    else the charset its own <meta> declares, else UTF-8 or GB18030 (decode_text); None if none fits."""
    for name in (charset, declared_charset(data)):
        if name:
            try:
                return data.decode(charset_name(name))
            except (LookupError, UnicodeDecodeError):
                continue
    return decode_text(data)


def mht_html(data: bytes) -> str:
    """The web page a MIME web archive (MHT) holds, as text: its text/html part (the root part when the
    archive names one) decoded from quoted-printable or base64 in the part's charset (GB2312 and GBK read
    as GB18030), else the page's own <meta> charset, else UTF-8 or GB18030. ValueError if it holds no
    readable page."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    pages = [part for part in message.walk() if part.get_content_type() == "text/html"]
    if not pages:
        raise ValueError("a web archive (MHT) that holds no web page")
    start = (message.get_param("start") or "") if message.is_multipart() else ""
    root = next((p for p in pages if start and p.get("Content-ID", "").strip() == start.strip()), pages[0])
    body = root.get_payload(decode=True) or b""
    html = decode_page(body, root.get_content_charset())
    if html is None:
        raise ValueError("a web archive (MHT) whose page is not readable in its declared charset, UTF-8 or GB18030")
    return html


def decode_text(data: bytes) -> str | None:
    """Decode text in UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; None if none fits.

    A byte sequence that does not decode becomes U+FFFD (DAMAGED) when the rest of the text decodes
    cleanly in that encoding (at most `_damage_allowed` of them): one broken character does not
    refuse a report, and extraction reports the section that held it."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    best: str | None = None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = data.decode(encoding, errors="replace")
            damaged = text.count(DAMAGED) - data.count(DAMAGED.encode(encoding))
            if damaged > _damage_allowed(text):
                continue
            if encoding == "utf-8":
                # a Chinese text in another encoding breaks UTF-8 at almost every character; a few
                # breaks are damage (and GB18030 would decode UTF-8's bytes as other characters)
                return text
            best = text
            continue
        # a decoding that yields control characters is the wrong one
        controls = len(_CONTROLS.findall(text))
        if controls <= len(text) // 1000:
            return text
    return best


def read_source(path: str | Path, data: bytes | None = None) -> SourceText:
    """Read a source file into text, or raise ReportError saying why it cannot be read."""
    try:
        return _read_source(path, data)
    except OverLimit as exc:
        raise LimitError(path, str(exc)) from exc


def _read_source(path: str | Path, data: bytes | None) -> SourceText:
    p = Path(path)
    if data is None:
        try:
            check_size(path, p.stat().st_size)
            data = p.read_bytes()
        except OSError as exc:
            raise ReportError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    check_size(path, len(data))
    if not data.strip():
        raise ReportError(path, "the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind == "text":
        text = decode_text(data)
        if text is None:
            raise ReportError(path, "not readable as text in UTF-8, UTF-16 or GB18030")
        page = web_page_in(text)  # a web page's fragment, or one held in a script's strings, is a web page
        if page is not None:
            return SourceText(str(path), digest, "html", html_to_text(page, article=True),
                              meta=tuple(page_meta(page).items()))
        return SourceText(str(path), digest, "text", text)
    if kind == "html":
        html = decode_page(data)
        if html is None:
            raise ReportError(path, "a web page not readable in its declared charset, UTF-8 or GB18030")
        return SourceText(str(path), digest, "html", html_to_text(html, article=True), meta=tuple(page_meta(html).items()))
    if kind == "mht":
        try:
            page = mht_html(data)
            return SourceText(str(path), digest, "html", html_to_text(page, article=True), meta=tuple(page_meta(page).items()))
        except OverLimit:
            raise
        except ValueError as exc:
            raise ReportError(path, str(exc)) from exc
    if kind == "pdf":
        from .pdf import NoTextLayer, pdf_to_text

        notes: list[Note] = []
        try:
            return SourceText(str(path), digest, "pdf", pdf_to_text(data, notes), tuple(notes))
        except NoTextLayer:
            from .ocr import OcrUnavailable, ocr_pdf

            notes: list[Note] = []
            try:
                return SourceText(str(path), digest, "pdf-ocr", ocr_pdf(data, notes), tuple(notes))
            except OverLimit:
                raise
            except (ValueError, OcrUnavailable) as exc:
                raise ReportError(path, f"a scanned PDF: {exc}") from exc
        except OverLimit:
            raise
        except ValueError as exc:
            raise ReportError(path, str(exc)) from exc
    if kind == "zip":
        from .docx import docx_to_text

        try:
            return SourceText(str(path), digest, "docx", docx_to_text(data))
        except OverLimit:
            raise
        except ValueError as exc:
            raise ReportError(path, str(exc)) from exc
    if kind == "binary":
        raise ReportError(path, "a binary file, not a report (it holds NUL bytes and no known format)")
    raise ReportError(path, f"{_NAMES.get(kind, kind)}: this format has no reader yet")
