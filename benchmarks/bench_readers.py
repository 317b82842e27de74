"""Each reader on its fixtures: seconds per page (median of several runs), peak memory, and the cells
read right against the golden records.

usage: python benchmarks/bench_readers.py [--runs 5] [--ocr-runs 2]
Each format runs in a process of its own, so its peak memory (max RSS) is its own.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

FORMATS = {
    "text": ("reports/2023", "*.txt"),
    "html": ("tests/fixtures/html", "*.html"),
    "docx": ("tests/fixtures/docx", "*.docx"),
    "pdf": ("tests/fixtures/pdf", "*.pdf"),
    "pdf-ocr": ("tests/fixtures/scan", "*.pdf"),
}


def pages_of(path: Path, text: str) -> int:
    return text.count("\f") + 1


def measure(fmt: str, runs: int) -> dict:
    from builder.record.models import iter_cells
    from builder.pipeline import extract_file
    from builder.read.sources import read_source
    from golden import golden_cells, load_golden

    folder, pattern = FORMATS[fmt]
    files = sorted((ROOT / folder).glob(pattern))
    per_page, exact, missing, wrong, total = [], 0, 0, 0, 0
    for path in files:
        text = read_source(path).text
        pages = pages_of(path, text)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            read_source(path)
            times.append(time.perf_counter() - t0)
        per_page.append(statistics.median(times) / pages)
        gold_path = ROOT / "tests" / "golden" / "2023" / f"{path.stem}.gold.yaml"
        if not gold_path.exists():
            continue
        record, _ = extract_file(path)
        got = dict(iter_cells(record))
        for cell, want in golden_cells(load_golden(gold_path)).items():
            total += 1
            have = got[cell]
            if want is None:
                exact += have is None or cell in record.inferred
            elif have is None:
                missing += 1
            elif float(have) == float(want):
                exact += 1
            else:
                wrong += 1
    return {"format": fmt, "files": len(files), "s_per_page": statistics.median(per_page),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "cells": total, "exact": exact, "missing": missing, "wrong": wrong}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ocr-runs", type=int, default=2)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.ocr_runs if args.one == "pdf-ocr" else args.runs)))
        return
    print(f"{'format':8} {'files':>5} {'s/page (median)':>16} {'peak MB':>8} {'cells exact':>12} "
          f"{'missing':>8} {'wrong':>6}")
    for fmt in FORMATS:
        out = subprocess.run([sys.executable, __file__, "--one", fmt, "--runs", str(args.runs),
                              "--ocr-runs", str(args.ocr_runs)], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{fmt:8} failed: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        share = r["exact"] / r["cells"] if r["cells"] else 0
        print(f"{fmt:8} {r['files']:>5} {r['s_per_page']:>16.4f} {r['peak_mb']:>8.0f} "
              f"{r['exact']:>5}/{r['cells']:<4} {share:>6.1%} {r['missing']:>4} {r['wrong']:>6}")


if __name__ == "__main__":
    main()
