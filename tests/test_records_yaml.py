"""Records are written byte for byte as PyYAML writes them (the fast path for numbers must never change
the public format), and read back to the same record, whatever text a report holds."""
from __future__ import annotations

import datetime as dt
import re
import sys

import pytest

from builder.record.template import AMOUNT_PATHS, SIGNED_SUFFIX
from builder.record.models import Narrative, Record, Source, TablePages, iter_cells, set_path
from builder.record.files import _yaml, load_record, to_yaml
from conftest import REPORTS, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


def pyyaml(record: Record) -> str:
    data = record.dump()
    if data["source"]["published_on"] is not None:
        data["source"]["published_on"] = dt.date.fromisoformat(data["source"]["published_on"])
    return _yaml(data)


AWKWARD = ["123", "0x1F", "null", "yes", "no", "on", "~", "true", "1e3", "2024-01-19", "a: b", "a #b", "#x", "- x",
           "? x", "'quoted'", '"double"', "[1, 2]", "{a: 1}", "*alias", "&anchor", "!tag", "%x", "@x", "`x`",
           " leading", "trailing ", "tab\there", "行\n第二行", "末尾换行\n", "\n开头换行", "行尾空格 \n下一行",
           "很长" * 80, "long words " * 30, "巴州区：政府信息公开", "“引号”与「括号」", "", "é ü ß", "\u200b零宽"]


def awkward_records():
    for k, text in enumerate(AWKWARD):
        name = re.sub(r"[\x00-\x1f]", " ", text)[:200] or "空"  # a name is one line (models.Name)
        record = Record(agency=name, year=2023,
                        source=Source(path=f"reports/2023/{name[:20]}.txt", sha256="0" * 63 + "1", format="text",
                                      published_on=dt.date(2024, 1, k % 28 + 1) if k % 2 else None,
                                      pages=TablePages(article20=[1], applications=[2, 3]) if k % 3 == 0 else None),
                        narrative=Narrative(overview=text, problems=text * 2 or None, other_matters=None))
        record.template = "2019" if k % 2 else "2021"  # each edition's keys (a record holds its own)
        for n, (path, _) in enumerate(iter_cells(record, own=True)):
            if path in AMOUNT_PATHS:
                set_path(record, path, [0.1, 1953.86, 1e22, 1e-7, 12345678.9, 0.0][k % 6])
            elif path.endswith(SIGNED_SUFFIX):
                set_path(record, path, -n * (k + 1))
            elif not path.startswith("article20") and n % (k + 2) == 0:
                set_path(record, path, (n * 7919 * (k + 1)) % 10 ** (k % 9 + 1))
        record.inferred = ["applications.new[0]"] if k % 4 == 0 else []
        record.corrected = ["applications.carried_over[6]", "review_litigation.review[4]"] if k % 5 == 0 else []
        yield record


@pytest.mark.parametrize("record", list(awkward_records()), ids=lambda r: repr(r.agency[:12]))
def test_awkward_text_is_written_as_pyyaml_writes_it_and_reads_back(record, tmp_path):
    text = to_yaml(record)
    assert text == pyyaml(record)
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_record(path) == record


def test_synthetic_and_seed_records_are_written_as_pyyaml_writes_them(tmp_path):
    records = [r for _, r in generate(tmp_path, 60, seed=11)]
    records += [load_record(p) for p in sorted(REPORTS.glob("2*/*.yaml"))]  # not agencies.yaml, registry/
    assert len(records) == 72
    for record in records:
        assert to_yaml(record) == pyyaml(record), record.agency
