"""The site's search on a built site, in Chromium: what the index weighs and what one search loads.

usage: python benchmarks/bench_search.py SITE_DIR [--sample 200] [--parts 30]
Prints one JSON line: pages indexed, the index folder's size (MB) and files, the size of the list of
pages Pagefind loads before any search (pagefind-entry.json, its pf_meta file and any filter files: KB,
and bytes a page indexed), the fragments' bytes a page, the bytes the first search loads in a fresh tab
(a body's full name: Pagefind's script and WebAssembly, the page list, the index chunks of its words, the
fragments of the results shown; in all and by kind) and a second one, the bytes of a first search for the
two characters most bodies' names share (the largest chunk a query of a name's part loads), the share of
SAMPLE bodies whose full name finds their page first, and of every part of 2 characters or more of PARTS
bodies' names that finds the body among the results a reader can reach (all of them: the search box shows
10 at a time, and "显示更多" the next 10). Bytes are as served, before any compression in transit (Pagefind's
index files are compressed already; its script and WebAssembly are not). Needs Chromium (make test
installs it).
"""
from __future__ import annotations

import argparse
import collections
import functools
import http.server
import json
import random
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

# [[name, the ids of its full name's results shown first, the body page's id among them]]
_FULL = """async names => { const out = [];
  for (const n of names) { const f = await siteSearch.find(n);
    const body = f.shown.find(d => d.meta.title === n && d.meta.kind === "body");
    out.push([n, f.shown.length ? f.shown[0].id : null, body ? body.id : null]); }
  return out; }"""
_PARTS = """async parts => { const out = [];
  for (const [n, q] of parts) { const f = await siteSearch.find(q, 0); out.push([n, q, f ? f.ids : null]); }
  return out; }"""


def _by_kind(loaded: list[tuple[str, int]]) -> dict[str, float]:
    """KB loaded by what it is: Pagefind's script and WebAssembly, the page list (pagefind-entry.json, its
    pf_meta, indexes.json), index chunks, result fragments; and all of it."""
    kinds = {"script": (".js", ".pagefind"), "page_list": (".json", ".pf_meta"), "chunks": (".pf_index",),
             "fragments": (".pf_fragment",)}
    out = {k: sum(n for u, n in loaded if u.split("?")[0].endswith(ends)) / 1024 for k, ends in kinds.items()}
    return {**out, "all": sum(n for _, n in loaded) / 1024}


def _parts(name: str) -> list[str]:
    return [name[i:j] for i in range(len(name)) for j in range(i + 2, len(name) + 1)]


def measure(site: Path, sample: int = 200, parts: int = 30) -> dict:
    """The figures above for the built site folder SITE (its bodies sampled with a fixed seed)."""
    from playwright.sync_api import sync_playwright

    from conftest import indexed_pages

    pages = indexed_pages(site)
    bodies = sorted(p["meta"]["title"] for p in pages if p["meta"].get("kind") == "body")
    random.Random(1).shuffle(bodies)
    bundle = site / "pagefind"
    files = [p for p in bundle.rglob("*") if p.is_file()]
    pairs = collections.Counter(pair for n in bodies for pair in {n[i:i + 2] for i in range(len(n) - 1)})
    common = pairs.most_common(1)[0][0]

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            tab = browser.new_page()
            loaded: list[tuple[str, int]] = []
            tab.on("response", lambda r: loaded.append((r.url, len(r.body()) if r.ok else 0)))
            tab.goto(url)
            tab.wait_for_load_state("networkidle")
            loaded.clear()
            tab.evaluate(_FULL, bodies[:1])
            tab.wait_for_timeout(1000)  # the responses' events come after the results
            first = _by_kind(loaded)
            loaded.clear()
            tab.evaluate(_FULL, bodies[1:2])
            tab.wait_for_timeout(1000)
            second = sum(n for _, n in loaded)
            fresh = browser.new_page()
            fresh.on("response", lambda r: loaded.append((r.url, len(r.body()) if r.ok else 0)))
            fresh.goto(url)
            fresh.wait_for_load_state("networkidle")
            loaded.clear()
            fresh.evaluate(_FULL, [common])
            fresh.wait_for_timeout(1000)
            common_bytes = _by_kind(loaded)
            fresh.close()
            full = tab.evaluate(_FULL, bodies[:sample])
            asked = [[n, q] for n in bodies[:parts] for q in _parts(n)]
            found = tab.evaluate(_PARTS, asked)
            browser.close()
    finally:
        server.shutdown()
    ids = {n: body for n, _, body in full}
    page_list = sum(f.stat().st_size for f in [bundle / "pagefind-entry.json", *bundle.glob("*.pf_meta"),
                                                 *bundle.glob("filter/*")] if f.exists())
    return {"pages": len(pages), "bodies": len(bodies), "index_mb": sum(f.stat().st_size for f in files) / 1e6,
            "index_files": len(files), "page_list_kb": page_list / 1024, "page_list_b_per_page": page_list / len(pages),
            "fragment_b_per_page": sum(f.stat().st_size for f in (bundle / "fragment").glob("*")) / len(pages),
            "first_search_kb": first["all"], "first_search_by_kind_kb": first, "second_search_kb": second / 1024,
            "common_part": common, "common_part_bodies": pairs[common], "common_part_kb": common_bytes["all"],
            "common_part_by_kind_kb": common_bytes,
            "full_name_first": sum(top is not None and top == body for _, top, body in full) / len(full),
            "parts_found": sum(r is not None and ids.get(n) in r for n, _, r in found if ids.get(n)) / max(1, len(found)),
            "parts_asked": len(found)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--sample", type=int, default=200)
    ap.add_argument("--parts", type=int, default=30)
    args = ap.parse_args()
    print(json.dumps(measure(args.site, args.sample, args.parts)))


if __name__ == "__main__":
    main()
