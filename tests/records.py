"""Small hand-made records for the rule tests, and the arithmetic the score tests do by hand."""
from __future__ import annotations

import math

import pytest

from builder.record.models import Record, Source, set_path
from builder.record.template import APPLICATION_ROWS, REVIEW_ROWS

Z = 1.959963984540054  # the normal quantile of a two-sided 95% interval


def wilson_by_hand(k, n):
    """Wilson (1927): (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), in %."""
    p = k / n
    centre, half = p + Z * Z / (2 * n), Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return 100 * (centre - half) / (1 + Z * Z / n), 100 * (centre + half) / (1 + Z * Z / n)


def check_rate(v, k, n, status):
    """A scores.Value is the rate k/n in % with its counts, its status and its Wilson interval."""
    assert (v.numerator, v.denominator, v.status) == (k, n, status)
    assert v.value == pytest.approx(100 * k / n)
    assert (v.low, v.high) == pytest.approx(wilson_by_hand(k, n))


def balanced(agency: str = "测试区人民政府", year: int = 2023) -> Record:
    """A record whose every equation holds: 10 new + 2 carried = 9 handled + 3 carried forward."""
    r = Record(agency=agency, year=year,
               source=Source(path=f"reports/{year}/{agency}.txt", sha256="0" * 64, format="text"))
    for row in APPLICATION_ROWS:
        set_path(r, row.path, [0] * 7)
    for row in REVIEW_ROWS:
        set_path(r, row.path, [0] * 5)
    r.applications.new = [8, 2, 0, 0, 0, 0, 10]
    r.applications.carried_over = [2, 0, 0, 0, 0, 0, 2]
    r.applications.outcomes.disclosed = [5, 1, 0, 0, 0, 0, 6]
    r.applications.outcomes.unable.not_held = [2, 1, 0, 0, 0, 0, 3]
    r.applications.outcomes.total = [7, 2, 0, 0, 0, 0, 9]
    r.applications.carried_forward = [3, 0, 0, 0, 0, 0, 3]
    r.review_litigation.review = [1, 1, 0, 1, 3]
    r.article20.normative_documents.issued = 2
    r.article20.normative_documents.repealed = 1
    r.article20.normative_documents.in_force = 10
    return r
