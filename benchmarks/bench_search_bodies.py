"""The site's search at N bodies without building N bodies' sites: an index of N body pages alone.

usage: python benchmarks/bench_search_bodies.py OUT_DIR [--bodies 20000]
Writes to OUT_DIR a page for each of N synthetic bodies (named as benchmarks/generate.py names them, from
300 cities), holding only its search entry as overrides/main.html writes a body page's (the words of
search_index.name_exact and name_words, the name, region, years and kind as meta), and a home page that
loads assets/javascripts/search.js; indexes it with Pagefind (search_index.index_site) and prints
benchmarks/bench_search.py's figures for it as one JSON line. 20,000 bodies stand for some 100,000
agency-years. Needs Chromium (make test installs it).
"""
from __future__ import annotations

import argparse
import html
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]

_HEAD = ('<!doctype html><html><head><meta charset="utf-8"><script id="__config" type="application/json">'
         '{"base": "."}</script><script src="/assets/search.js"></script></head><body>')


def write_site(out: Path, bodies: int, seed: int = 1) -> None:
    """OUT: a home page and a page for each of BODIES synthetic bodies (their names drawn with SEED)."""
    from builder.site.search_index import name_exact, name_words
    from generate import BODIES, COUNTIES

    rng = random.Random(seed)
    chars = "东西南北中安平宁江河山湖海青白金银长永兴华阳林松泉州德昌"
    cities = sorted({a + b + "市" for a in chars for b in chars if a != b})
    rng.shuffle(cities)
    names: dict[str, str] = {}
    while len(names) < bodies:
        city, body = rng.choice(cities[:300]), rng.choice(BODIES)
        names.setdefault(f"{city}{body}" if rng.random() < 0.2 else f"{city}{rng.choice(COUNTIES)}{body}", city)
    shutil.rmtree(out, ignore_errors=True)
    (out / "assets").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "assets" / "javascripts" / "search.js", out / "assets" / "search.js")
    (out / "index.html").write_text(_HEAD + "</body></html>", encoding="utf-8")
    e = html.escape
    for name, city in names.items():
        page = out / "agencies" / name
        page.mkdir(parents=True)
        (page / "index.html").write_text(
            _HEAD + '<div data-pagefind-body hidden>'
            f'<p data-pagefind-weight="10">{e(name_exact(name))}</p><p data-pagefind-weight="1">{e(name_words(name))}</p>'
            f'<p data-pagefind-meta="title" data-pagefind-ignore>{e(name)}</p>'
            f'<p data-pagefind-meta="region" data-pagefind-ignore>某省{e(city)}</p>'
            '<p data-pagefind-meta="years" data-pagefind-ignore>2021–2030</p>'
            '<p data-pagefind-meta="kind" data-pagefind-ignore>body</p></div></body></html>', encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--bodies", type=int, default=20000)
    args = ap.parse_args()
    from bench_search import measure
    from builder.site.search_index import index_site

    write_site(args.out, args.bodies)
    index_site(args.out)
    print(json.dumps(measure(args.out)))


if __name__ == "__main__":
    main()
