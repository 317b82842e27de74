"""Extraction speed of the text path: reports per second, median of several runs.

usage: python benchmarks/bench_extract.py [--runs 7] [--repeat 20]
Each run extracts (read, parse, infer, check) every report under reports/ `repeat` times.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.pipeline import extract_file  # noqa: F401
from builder.record.files import find_sources  # noqa: F401


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    sources = [p for p in find_sources(ROOT / "reports") if p.suffix == ".txt"]
    rates, per_report = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            for s in sources:
                extract_file(s)
        elapsed = time.perf_counter() - t0
        n = args.repeat * len(sources)
        rates.append(n / elapsed)
        per_report.append(elapsed / n * 1000)
    tracemalloc.start()
    for s in sources:
        extract_file(s)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"text extraction: {len(sources)} reports x {args.repeat} per run, {args.runs} runs")
    print(f"  median {statistics.median(rates):.1f} reports/s "
          f"(min {min(rates):.1f}, max {max(rates):.1f}); {statistics.median(per_report):.2f} ms per report")
    print(f"  peak traced memory while extracting {len(sources)} reports: {peak / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
