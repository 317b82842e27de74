"""MkDocs hook: the search index made smaller, and every body findable by any part of its name.

Material's search plugin writes JSON with every non-ASCII character escaped: six bytes for each
Chinese character and each zero-width space jieba puts between words. As UTF-8 they take three
(or one), so the index a reader's browser downloads is about half the size. Each entry's address is
written as the page's address reads (reports/2023/达州市通川区/, an IRI) rather than URL-encoded (nine
bytes a character): the results' links are the same URLs, as the browser encodes them (`readable`).

A body's page (agencies/NAME/) also gets, as its `tags`, the pieces of its name that start at each of
its characters (达州市通川区 → 达州市通川区, 州市通川区, 市通川区, 通川区, 川区), cut to NAME_PIECE
characters: Material's search completes every word typed (通川 matches 通川区), so typing any part
of a name of two characters or more finds the body, and a match in `tags` ranks first. Result lists
do not show these tags (content/assets/stylesheets/extra.css).

Material's search worker is given hooks/search_name_parts.js (`patch_search_worker`): the query's
words as these pieces are cut, added to the terms Material's own segmenter makes of it, which lose
characters next to anything not Han (局案3 → 局3) and cannot match a part longer than NAME_PIECE.
Runs after the search plugin's own on_post_build (hooks come after plugins)."""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote, unquote

def quiet_jieba() -> None:
    """jieba, which the search plugin cuts Chinese with, says at every build that it built its prefix
    dictionary and loaded its model, on its own logger (DEBUG, to stderr): a build says only what matters,
    so it keeps only jieba's warnings. Done when MkDocs loads this hook, before the search plugin's
    on_config loads the user dictionary (which builds the prefix dictionary)."""
    try:
        import jieba
    except ImportError:  # search without jieba: nothing to silence
        return
    jieba.setLogLevel(logging.WARNING)


quiet_jieba()

NAME_PIECE = 8  # characters kept of each piece: a longer part of a name is found by its opening


def name_pieces(name: str) -> list[str]:
    """The pieces of a name from each of its characters on, at least two characters, at most NAME_PIECE."""
    return list(dict.fromkeys(name[i:i + NAME_PIECE] for i in range(len(name) - 1)))


def indexed_name(title: str) -> str:
    """A body's name as its pieces are cut from it: its entry's title (HTML-escaped, as Material's
    search worker reads every field: &amp; &lt; &gt;) without jieba's zero-width spaces and without
    quotes (Material drops a query's quotes)."""
    return title.replace("\u200b", "").replace('"', "").strip()


_ENCODED = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")  # a URL-encoded run of bytes beyond ASCII


def readable(location: str) -> str:
    """A URL-encoded address with its characters beyond ASCII decoded where they are letters, digits,
    punctuation or symbols (a space, a control or a zero-width character stays encoded, as does
    anything ASCII: %2F, %23, %25 keep their meaning) and the bytes are UTF-8."""
    def decode(m: re.Match) -> str:
        try:
            text = bytes.fromhex(m.group().replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return m.group()
        return "".join(c if unicodedata.category(c)[0] in "LNPS" else quote(c) for c in text)
    return _ENCODED.sub(decode, location)


# Material 9.8's worker: search(query){if(query=query.replace(<each Han run>, <its words>),
_SEARCH = re.compile(r'search\((\w+)\)\{if\(\1=\1\.replace\(new RegExp\("\\\\p\{sc=Han\}\+","gu"\),'
                     r'(\w+)=>\[\.\.\.\w+\(\2,this\.index\.invertedIndex\)\]\.join\("\* "\)\)')


# Material 9.8's worker's answer: return <merge>({items:[...<pages>.values()]}, ...)
_RESULT = re.compile(r'return (\w+)\(\{items:\[\.\.\.(\w+)\.values\(\)\]\}')


def patch_search_worker(site_dir: Path) -> Path:
    """Material's search worker under SITE_DIR given hooks/search_name_parts.js (with NAME_PIECE): its
    search(query) looks for the terms Material's segmenter makes of the query and for the query's
    words cut as name_pieces cuts names, and answers with the page whose title is the query first
    (searchNameFirst: a body's full name finds its page first) and no zero-width space in a result.
    Returns the worker's path; RuntimeError when the worker or the places to patch are not found
    (another Material version: search_name_parts.js needs a look)."""
    workers = sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if len(workers) != 1:
        raise RuntimeError(f"expected one Material search worker in {site_dir}, found {workers}")
    source = workers[0].read_text(encoding="utf-8")
    if "searchNameParts" in source:
        return workers[0]
    found = _SEARCH.search(source)
    answer = _RESULT.search(source, found.end()) if found else None
    if found is None or answer is None:
        raise RuntimeError(f"{workers[0]}: Material's search(query) is not as hooks/compact_search.py knows it")
    query = found.group(1)
    patched = (found.group().replace(f"search({query}){{", f"search({query}){{let nameQuery={query};", 1)
               + '+" "+searchNameParts(nameQuery)')
    answered = f"return {answer.group(1)}({{items:searchNameFirst(nameQuery,[...{answer.group(2)}.values()],this.map)}}"
    parts = (Path(__file__).parent / "search_name_parts.js").read_text(encoding="utf-8")
    parts = parts[parts.index("var searchNameParts"):].replace("NAME_PIECE", str(NAME_PIECE))
    strict = '"use strict";' if source.startswith('"use strict";') else ""  # stays the first statement
    source = (strict + parts + source[len(strict):found.start()] + patched + source[found.end():answer.start()]
              + answered + source[answer.end():])
    # the source map no longer fits the patched text
    source = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", source)
    workers[0].write_text(source, encoding="utf-8")
    return workers[0]


def idle_breaks(text: str, separator: str) -> str:
    """Text of the index without the zero-width spaces that cut nothing: jieba puts one between every two
    words, and lunr splits the text at them (the index's `separator` holds U+200B) — those between two
    words are the only word boundaries of Chinese text and stay; one at either end or beside another
    separator (a space, 、 。 ，) is idle and goes."""
    if "\u200b" not in text:
        return text
    sep = re.compile(separator)
    out = []
    for k, c in enumerate(text):
        if c == "\u200b":
            before, after = out[-1] if out else "", text[k + 1:k + 2]
            if not before or not after or sep.fullmatch(before) or sep.fullmatch(after):
                continue
        out.append(c)
    return "".join(out)


def on_post_build(config, **kwargs) -> None:
    patch_search_worker(Path(config["site_dir"]))
    path = Path(config["site_dir"]) / "search" / "search_index.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        separator = data.get("config", {}).get("separator", r"[\s\u200b]+")
        for doc in data.get("docs", []):
            for field in ("title", "text"):
                if isinstance(doc.get(field), str):
                    doc[field] = idle_breaks(doc[field], separator)
            if "location" in doc:
                doc["location"] = readable(doc["location"])
            location = unquote(doc.get("location", ""))
            if location.startswith("agencies/") and location.count("/") == 2 and location.endswith("/"):
                name = indexed_name(doc.get("title", ""))
                if name:
                    doc["tags"] = name_pieces(name)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
