"""Real portal pages of one region (tests/real/pingtan/: a copy of the project's shared real pages,
page chrome included, each with its hand-checked record): every cell as printed, nothing wrong, nothing
silent. They print their own slips (an imbalance, 总计 printed 0 throughout, 维持 1 with 总计 0): those stay
as printed."""
from __future__ import annotations

from pathlib import Path

import pytest

from test_cases import score

REAL = Path(__file__).resolve().parent / "real" / "pingtan"
NAMES = sorted(p.name[: -len(".gold.yaml")] for p in REAL.glob("*.gold.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_a_real_page_reads_every_cell_as_printed(name):
    from builder.pipeline import extract_file

    from golden import load_golden

    record, findings = extract_file(REAL / f"{name}.html")
    exact, total, wrong, silent, blank_unread = score(name, (record, findings), REAL)
    assert wrong == [] and silent == [] and blank_unread == []  # wrong includes the body's name and year
    assert exact == total
    gold = load_golden(REAL / f"{name}.gold.yaml")["source"]
    # two dates: the one the report prints (its signature), the one the portal posted it; and where
    assert str(record.source.published_on) == str(gold["published_on"])
    assert str(record.source.posted_on) == str(gold["posted_on"])
    assert record.source.url == gold["url"]
