"""The site at scale: build it from N synthetic agency-year reports and measure every stage.

usage: python benchmarks/bench_scale.py [--sizes 100 1000 10000] [--runs 3] [--additions N] [--engine-renders-all]
                                       [--keep DIR]
For each N it prints: extraction reports/s, render seconds, the site's seconds (the engine's top level
and the bulk pages in its shells: builder/site/engine.py), Pagefind's seconds (the search index), total
seconds, peak memory, site size, bytes a report (in all, and by the site's top-level folder), search
index size, and the seconds to add one report to the built site end to end, as a push builds it
(`python -m builder site` in a process of its own: its checks, extract + check + render, the site, the
search index, the site's size), with the builder's share alone; then, with Chromium, what one search loads and
how well names are found (benchmarks/bench_search.py). Medians over --runs full builds (each from a clean
state), and the median of --additions reports added one by one (the first a body and year the site holds
already; default: --runs); each N runs in a process of its own. With --keep DIR, each N is built in
DIR/N (a folder that must not exist) and left there, to profile an addition to it afterwards.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

GENERATED = ("index.md", "issues.md", "methodology.md", "data.md", "reports", "agencies", "rankings", "downloads")


def _by_folder(site: Path) -> dict[str, int]:
    """The site's bytes by its top-level folder (a file at the top: "(top)"), largest first."""
    out: dict[str, int] = {}
    for p in site.rglob("*"):
        if p.is_file():
            rel = p.relative_to(site).parts
            key = rel[0] if len(rel) > 1 else "(top)"
            out[key] = out.get(key, 0) + p.stat().st_size
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _clean(repo: Path) -> None:
    for p in (repo / "reports").rglob("*.yaml"):
        if p.name != "agencies.yaml":
            p.unlink()
    for name in GENERATED:
        target = repo / "content" / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for name in (".cache", "site"):
        shutil.rmtree(repo / name, ignore_errors=True)


def _builder_work(repo: Path) -> tuple[float, float, int]:
    from builder.pipeline import process_all
    from builder.site.build import build_site

    t0 = time.perf_counter()
    outcomes = process_all(repo / "reports", repo, write=True, cache_dir=repo / ".cache" / "extract",
                           state_file=repo / ".cache" / "state.json")
    t1 = time.perf_counter()
    build_site(outcomes, repo, repo / "content", cache_file=repo / ".cache" / "pages.json")
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(outcomes)


SHELLS = True  # False (--engine-renders-all): the engine renders every page, the bulk pages included


def _site(repo: Path) -> float:
    """The engine's top level and the bulk pages in its shells (site.engine.build), as `make site` runs them
    (or, without SHELLS, the engine rendering every page): its seconds."""
    from builder.site import engine
    from builder.site.search_index import BUNDLE

    t0 = time.perf_counter()
    with open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):
        done = engine.build(repo, repo / "site", {**os.environ, "NO_MKDOCS_2_WARNING": "1",
                                                   "SOURCE_DATE_EPOCH": "1717200000"}, shells=SHELLS,
                           others=(BUNDLE,))
    assert done == 0, "the engine failed"
    return time.perf_counter() - t0


def _pagefind(repo: Path) -> float:
    from builder.cli import finish_site

    t0 = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        finish_site(repo, repo / "site", shells=SHELLS)
    return time.perf_counter() - t0


def _push(repo: Path) -> tuple[float, float]:
    """`python -m builder site` on the built repo in a process of its own, as a push runs it (its checks of
    the paths it writes, the records, the pages, the engine and the bulk pages, the search index, the
    site's size): (its seconds from the process's start, the builder's share: cli._build_locked)."""
    out = subprocess.run([sys.executable, __file__, "--push", str(repo),
                          *(["--engine-renders-all"] if not SHELLS else [])],
                         capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if out.returncode != 0:
        raise RuntimeError(f"the site's build failed: {out.stderr.strip()[-500:]}")
    timed = json.loads(out.stdout.strip().splitlines()[-1])
    return timed["total_s"], timed["builder_s"]


def _push_here(repo: Path) -> None:
    """What _push runs: the site command, the builder's share timed; its figures as JSON on the last line."""
    started = time.perf_counter()
    from builder import cli

    spent = []
    build_locked = cli._build_locked

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return build_locked(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t0)

    cli._build_locked = timed
    with contextlib.redirect_stdout(sys.stderr):
        done = cli.main(["site", "--root", str(repo), "--site-dir", str(repo / "site"),
                         *(["--engine-renders-all"] if not SHELLS else [])])
    if done != 0:
        sys.exit(done)
    print(json.dumps({"total_s": time.perf_counter() - started, "builder_s": sum(spent)}))


def _search(site: Path) -> dict | None:
    """benchmarks/bench_search.py's figures for the built site, or None without Chromium."""
    if shutil.which("chromium") is None:
        return None
    from bench_search import measure as measure_search

    return measure_search(site)


def measure(n: int, runs: int, additions: int | None = None, keep: Path | None = None) -> dict:
    from conftest import report_pages_reached
    from generate import generate

    if keep is not None:
        keep.mkdir(parents=True)  # FileExistsError: a folder already there is never built over
    with (contextlib.nullcontext(str(keep)) if keep else tempfile.TemporaryDirectory(prefix=f"scale-{n}-")) as tmp:
        repo = Path(tmp)
        for name in ("content", "overrides", "hooks"):
            shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns(*GENERATED))
        shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
        generate(repo, n)
        rows = []
        for _ in range(runs):
            _clean(repo)
            extract_s, render_s, count = _builder_work(repo)
            site_s = _site(repo)
            pagefind_s = _pagefind(repo)
            rows.append({"extract_s": extract_s, "render_s": render_s, "site_s": site_s, "pagefind_s": pagefind_s,
                         "total_s": extract_s + render_s + site_s + pagefind_s, "reports": count})
        # add one report to the built site and build it as a push does (`python -m builder site`, a process
        # of its own): end to end, and the builder's share
        incremental, builder_only = [], []
        for k in range(runs if additions is None else additions):
            extra = generate(repo / f"extra{k}", 1, seed=1000 + k)[0][0]
            target = repo / "reports" / "2023" / f"新增{k}{extra.name}"
            shutil.copy(extra, target)
            total_s, builder_s = _push(repo)
            builder_only.append(builder_s)
            incremental.append(total_s)
        search = _search(repo / "site")
        by_folder = _by_folder(repo / "site")  # one walk of the site (300,000 files at 100,000 reports)
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        return {"n": n, "reports_per_s": med["reports"] / med["extract_s"], **med,
                "builder_over_site": (med["extract_s"] + med["render_s"]) / med["site_s"],
                "incremental_s": statistics.median(incremental), "additions_s": incremental,
                "builder_s": statistics.median(builder_only),
                "peak_mb": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024,
                "site_mb": sum(by_folder.values()) / 1e6, "by_folder": by_folder,
                "search_mb": by_folder.get("pagefind", 0) / 1e6,
                "search": search, "reached": report_pages_reached(repo / "site"),
                "pages": sum(1 for _ in (repo / "site").rglob("index.html"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--additions", type=int, help="reports added one by one to the built site (default: --runs); "
                    "the first is a body and year the site already holds")
    ap.add_argument("--engine-renders-all", action="store_true",
                    help="the engine renders every page, as `python -m builder site --engine-renders-all`")
    ap.add_argument("--keep", type=Path, help="build each N in KEEP/N (not there yet) and leave it there")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--push", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    global SHELLS
    SHELLS = not args.engine_renders_all
    if args.push:
        _push_here(args.push)
        return
    if args.one:
        print(json.dumps(measure(args.one, args.runs, args.additions, args.keep and args.keep.resolve() / str(args.one))))
        return
    print(f"{'N':>6} {'extract/s':>10} {'render s':>9} {'site s':>9} {'pagefind s':>10} {'total s':>8} "
          f"{'builder/site':>13} {'+1 report s':>12} {'(builder)':>10} {'peak MB':>8} {'site MB':>8} {'KB/report':>9} {'search MB':>10} "
          f"{'pages':>6}", flush=True)
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--runs", str(args.runs),
                              *(["--additions", str(args.additions)] if args.additions else []),
                              *(["--engine-renders-all"] if args.engine_renders_all else []),
                              *(["--keep", str(args.keep)] if args.keep else [])],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{n:>6} failed: {out.stderr.strip()[-300:]}", flush=True)
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['n']:>6} {r['reports_per_s']:>10.1f} {r['render_s']:>9.1f} {r['site_s']:>9.1f} "
              f"{r['pagefind_s']:>10.1f} {r['total_s']:>8.1f} {r['builder_over_site']:>12.0%} {r['incremental_s']:>12.2f} "
              f"{r['builder_s']:>10.2f} {r['peak_mb']:>8.0f} {r['site_mb']:>8.1f} "
              f"{r['site_mb'] * 1000 / r['reports']:>9.1f} {r['search_mb']:>10.2f} {r['pages']:>6}",
              flush=True)
        print(f"{'':>6} each addition: {', '.join(f'{s:.2f}' for s in r['additions_s'])} s; report pages a list "
              f"page links: {r['reached'][0]} of {r['reached'][1]}", flush=True)
        print(f"{'':>6} KB a report by folder: " + ", ".join(f"{name} {size / 1000 / r['reports']:.1f}"
                                                          for name, size in r["by_folder"].items()), flush=True)
        if r["search"]:
            q = r["search"]
            print(f"{'':>6} search: first search {q['first_search_kb']:.0f} KB, a second {q['second_search_kb']:.0f} KB; "
                  f"full name first {q['full_name_first']:.1%} of {min(200, q['bodies'])} bodies, parts found "
                  f"{q['parts_found']:.1%} of {q['parts_asked']}", flush=True)


if __name__ == "__main__":
    main()
