"""A web-page fragment is a web page: an article body as a CMS, an API or an app stores it
(`<p>…</p><table>…</table>`, no <html>, doctype or charset, often on one line), or such a body held in
a string of a JavaScript or JSON file (`var content = "<p>…<\\/p>";`, `{"content": "<p>…"}`), is
recognised by its markup, whatever the file is called.

A text report may hold a few tags (a converter's Markdown holding HTML tables, a `<br>` pasted in):
it stays text. What decides is the share of the text outside tables that markup structures: in a
fragment the prose stands in paragraphs (each piece of text between two tags); in a text report with
markup, the prose stands in lines of its own, outside any tag.
"""
from __future__ import annotations

import html
import re

# HTML elements a fragment is made of (a tag of another name, `<5` or `<<条例>>`, is no markup); a
# namespaced one (Word's <o:p>) is markup too
_ELEMENTS = frozenset(
    "a abbr address article aside b big blockquote body br caption center cite code col colgroup dd del "
    "div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 head header hr html i img ins label li "
    "main meta nav ol p pre s section small span strike strong style sub sup table tbody td tfoot th "
    "thead title tr tt u ul".split())
_BLOCKS = frozenset("address article blockquote body br center dd div dl dt figure footer h1 h2 h3 h4 h5 "
                    "h6 header hr li main ol p pre section table tbody td tfoot th thead tr ul".split())
# a tag: its name, and at most 2,000 characters of attributes (a `<` that opens no tag costs no more)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*(?::[A-Za-z0-9]+)?)(?:\s[^<>]{0,2000})?/?>")
_TABLE = re.compile(r"<(/?)table\b[^<>]{0,2000}>", re.IGNORECASE)
_FRAGMENT_CHARS = 200  # a script's string shorter than this holds no report
FRAGMENT_SHARE = 0.5   # a text at least this much of whose prose markup structures is a web page
STRING_SHARE = 0.5     # a script whose page strings make at least this share of it holds a web page

# a string literal of JavaScript (JSON's strings are a kind of them): it ends at its closing quote, or,
# unterminated, at the end of its line, so that the scan never starts again inside it (linear time)
_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)("|\n|\Z)|\'((?:[^\'\\\n]|\\.)*)(\'|\n|\Z)', re.DOTALL)
_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|\r\n|[0-7]{1,3}|.)", re.DOTALL)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "\n": "", "\r": "",
           "\u2028": "", "\u2029": "", "\r\n": ""}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _tags(text: str):
    """The text's tags of HTML elements (matches of _TAG), in order."""
    return (m for m in _TAG.finditer(text) if m.group(2).lower() in _ELEMENTS or ":" in m.group(2))


def _outside_tables(text: str) -> str:
    """The text with its HTML tables (from `<table` to the `</table>` that closes it, nesting
    counted) left out; a table never closed runs to the end."""
    out, depth, pos = [], 0, 0
    for m in _TABLE.finditer(text):
        if not m.group(1):
            if depth == 0:
                out.append(text[pos:m.start()])
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                pos = m.end()
                out.append(" ")
    if depth == 0:
        out.append(text[pos:])
    return "".join(out)


def markup_share(text: str) -> float:
    """The share (0..1) of the text outside HTML tables that stands in markup's paragraphs: pieces of
    text between two tags, each on one line (a paragraph of a fragment, `<p>…</p>`, pretty-printed or
    not). Text between two tags over several lines, or before the first tag or after the last one,
    stands in lines of its own (a text report's prose around an HTML table). 1.0 for a text whose only
    text is in tables."""
    outside = _outside_tables(text)
    marked = unmarked = 0
    last = None  # where the previous tag ended
    for m in _tags(outside):
        piece = outside[0 if last is None else last:m.start()].strip()
        if last is not None and "\n" not in piece:
            marked += len(piece)
        else:
            unmarked += len(piece)
        last = m.end()
    unmarked += len(outside[last or 0:].strip())
    total = marked + unmarked
    return marked / total if total else 1.0


def is_fragment(text: str) -> bool:
    """Whether a text is a web page's markup (a page without its head, or a fragment of one): it has
    block tags (paragraphs, divisions, line breaks, tables) and most of its prose stands in markup's
    paragraphs (markup_share)."""
    if "<" not in text or not any(m.group(2).lower() in _BLOCKS for m in _tags(text)):
        return False
    return markup_share(text) >= FRAGMENT_SHARE


def js_string(body: str) -> str:
    """The value of a JavaScript string literal's body (what stands between its quotes; JSON's
    escapes are a subset): \\n, \\t and their kin, \\xHH, \\uHHHH (surrogate pairs joined), \\u{H…},
    octal escapes, a line continuation; any other escaped character stands for itself (\\/ is /)."""
    def one(m: re.Match) -> str:
        e = m.group(1)
        if e in _SIMPLE:
            return _SIMPLE[e]
        if e[0] == "u":
            code = int(e[2:-1] if e[1] == "{" else e[1:], 16)
            return chr(code) if code <= 0x10FFFF else "\ufffd"
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e[0] in "01234567":
            return chr(int(e, 8))
        return e

    value = _ESCAPE.sub(one, body) if "\\" in body else body
    if any("\ud800" <= c <= "\udfff" for c in value):  # \uD83D\uDE00: one character in two escapes
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def script_page(text: str) -> str | None:
    """The web page a JavaScript or JSON file holds in its strings, or None: its string literals in
    order, those that are web-page fragments (is_fragment) as they are and those holding Chinese text
    (a title, a source) as paragraphs. A script it is only if the fragments make most of the file
    (STRING_SHARE) and what stands outside its strings is code: no tag (a web page whose quotes pair up
    across its markup is no script)."""
    strings: list[tuple[str, bool]] = []
    fragment_chars, outside, pos = 0, [], 0
    for m in _LITERAL.finditer(text):
        body, close = (m.group(1), m.group(2)) if m.group(2) is not None else (m.group(3), m.group(4))
        if close not in ('"', "'"):  # unterminated: not a string
            continue
        outside.append(text[pos:m.start()])
        pos = m.end()
        value = js_string(body)
        if len(value) >= _FRAGMENT_CHARS and is_fragment(value):
            strings.append((value, True))
            fragment_chars += m.end() - m.start()
        elif _CJK.search(value) and "<" not in value:
            strings.append((value, False))
    outside.append(text[pos:])
    if not fragment_chars or fragment_chars < STRING_SHARE * len(text.strip()):
        return None
    if any(True for _ in _tags("".join(outside))):
        return None
    return "\n".join(v if fragment else f"<p>{html.escape(v)}</p>" for v, fragment in strings)


def web_page_in(text: str) -> str | None:
    """The web page a text file is, or holds: the text itself when it is a fragment of markup
    (is_fragment), the page a script or JSON holds in its strings (script_page), otherwise None (a
    text report, whatever tags it holds)."""
    if "<" not in text:
        return None
    page = script_page(text)  # first: a script's strings hold markup that is a fragment's too
    if page is not None:
        return page
    return text if is_fragment(text) else None
