"""Properties of the index over generated records (a seeded generator: hypothesis is not a dependency):
removing a value never raises a score or rank, an undated report never outranks an otherwise identical
late one, a rate below the minimum n is never ranked."""
from __future__ import annotations

import copy
import datetime as dt
import random

import pytest

from builder.record.models import iter_cells, set_path
from builder.index.scores import INDICATORS, MIN_N, Agency, score
from builder.index.standing import OVERALL, standings
from builder.record.template import APPLICATION_ROWS, REVIEW_ROWS
from records import balanced

KINDS = ("government", "department", None)


def generated(rng: random.Random, k: int):
    """A record with random counts: some balanced, some not, some cells blank; some dated."""
    r = balanced(agency=f"生成机关{k}")
    for row in APPLICATION_ROWS:
        cells = [rng.choice((0, 0, 1, 2, 3, 5, 8, 13, 40)) for _ in range(6)]
        set_path(r, row.path, cells + [sum(cells) if rng.random() < 0.9 else sum(cells) + 1])
    for row in REVIEW_ROWS:
        cells = [rng.choice((0, 0, 1, 2, 4, 9)) for _ in range(4)]
        set_path(r, row.path, cells + [sum(cells)])
    paths = [p for p, _ in iter_cells(r)]
    for p in rng.sample(paths, rng.choice((0, 0, 1, 3))):
        set_path(r, p, None)
    if rng.random() < 0.6:
        r.source.published_on = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))
    if rng.random() < 0.3:
        r.source.posted_on = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))
    return r


def _points(s):
    return {ind.key: ind.points(s.values[ind.key].value) if s.values[ind.key].scored else None for ind in INDICATORS}


def _worse_or_equal(before, after):
    return after is None or (before is not None and after <= before + 1e-9)


def _group(rng, n):
    kind = rng.choice(KINDS)
    agency = Agency("x", level="县级", kind=kind)
    return agency, [generated(rng, k) for k in range(n)]


@pytest.mark.parametrize("seed", range(40))
def test_removing_a_value_never_raises_a_score_or_rank(seed):
    rng = random.Random(seed)
    agency, records = _group(rng, 12)
    scores = [score(r, agency) for r in records]
    before = standings((k, 2023, agency.group, s) for k, s in enumerate(scores))
    for trial in range(6):
        k = rng.randrange(len(records))
        printed = [p for p, v in iter_cells(records[k]) if v is not None]
        if not printed:
            continue
        path = rng.choice(printed)
        changed = copy.deepcopy(records[k])
        set_path(changed, path, None)
        s = score(changed, agency)
        old = scores[k]
        assert _worse_or_equal(old.overall, s.overall), path
        for key, p in _points(old).items():
            q = _points(s)[key]
            if q is not None:
                assert p is not None and q <= p + 1e-9, (path, key)
        after = standings((j, 2023, agency.group, s if j == k else x) for j, x in enumerate(scores))
        for key in [ind.key for ind in INDICATORS] + [OVERALL]:
            if key in after[k].ranks:  # still ranked: never a better rank, nor a better best rank
                assert key in before[k].ranks, (path, key)
                assert after[k].ranks[key] >= before[k].ranks[key], (path, key)
                assert after[k].ranges[key][0] >= before[k].ranges[key][0], (path, key)


@pytest.mark.parametrize("seed", range(40))
def test_an_undated_report_never_outranks_an_otherwise_identical_late_one(seed):
    rng = random.Random(1000 + seed)
    agency, records = _group(rng, 8)
    late = copy.deepcopy(records[0])
    due = dt.date(2024, 1, 31) if agency.kind == "department" else dt.date(2024, 3, 31)
    late.source.published_on = due + dt.timedelta(days=rng.randrange(1, 400))
    late.source.posted_on = rng.choice((None, late.source.published_on + dt.timedelta(days=rng.randrange(0, 30))))
    undated = copy.deepcopy(late)
    undated.source.published_on = undated.source.posted_on = None
    s_late, s_undated = score(late, agency), score(undated, agency)
    assert s_undated.values["timeliness"].value <= s_late.values["timeliness"].value
    assert _worse_or_equal(s_late.overall, s_undated.overall)
    scored = [("late", s_late), ("undated", s_undated)] + [(k, score(r, agency)) for k, r in enumerate(records[1:])]
    placed = standings((k, 2023, agency.group, s) for k, s in scored)
    for key in [ind.key for ind in INDICATORS] + [OVERALL]:
        if key in placed["undated"].ranks:
            assert placed["undated"].ranks[key] >= placed["late"].ranks[key], key


@pytest.mark.parametrize("seed", range(40))
def test_a_rate_below_the_minimum_n_is_never_ranked(seed):
    rng = random.Random(2000 + seed)
    agency, records = _group(rng, 15)
    for r in records[::2]:  # small counts: some denominators below MIN_N
        r.applications.outcomes.total[6] = rng.randrange(0, MIN_N)
        r.applications.outcomes.disclosed[6] = rng.randrange(0, r.applications.outcomes.total[6] + 1)
    scores = [score(r, agency) for r in records]
    placed = standings((k, 2023, agency.group, s) for k, s in enumerate(scores))
    small = 0
    for k, s in enumerate(scores):
        for ind in INDICATORS:
            v = s.values[ind.key]
            if v.denominator is not None and 0 < v.denominator < MIN_N:
                small += 1
                assert v.status == "small" and ind.key not in placed[k].ranks
                assert v.value is not None and v.numerator is not None  # shown, with its n
            if ind.key in placed[k].ranks:
                assert v.status == "scored" and (v.denominator is None or v.denominator >= MIN_N)
    assert small  # the generator made some


def test_standings_kept_between_builds_equal_standings_ranked_from_nothing(tmp_path, monkeypatch):
    """standings() with report keys and a state file: a group whose members are unchanged takes its
    standings from the file, every dict in the order ranking makes it (a page's key is their repr)."""
    from builder.index import standing

    rng = random.Random(7)
    reports = []  # (key, year, group, score): three groups over two years, ties and small samples included
    for k in range(60):
        kind, year = KINDS[k % 3], 2022 + k % 2
        agency = Agency("x", level="县级" if k % 5 else "市级", kind=kind)
        reports.append((f"r{k}", year, agency.group, score(generated(rng, k), agency)))
    reports += [(f"copy{k}", *reports[k][1:]) for k in range(6)]
    ranked = []
    rank_group = standing._rank_group
    monkeypatch.setattr(standing, "_rank_group", lambda members, out: ranked.append(len(members)) or
                        rank_group(members, out))
    state = tmp_path / "standings.json"

    def check(members):
        ranked.clear()
        kept = standings([(key, y, g, s) for key, y, g, s in members], {m[0]: m[0] * 2 for m in members}, state)
        groups = len(ranked)
        fresh = standings(members)
        assert kept.keys() == fresh.keys()
        for key in fresh:
            assert repr(kept[key].to_data()) == repr(fresh[key].to_data()), key
            assert kept[key].sensitivity_range == fresh[key].sensitivity_range
        return groups

    all_groups = len({(y, g) for _, y, g, _ in reports})
    assert check(reports) == all_groups  # from nothing: every group ranked
    assert check(reports) == 0  # unchanged: none
    assert check(reports[:-1]) == 1  # one report gone: its group alone
    assert check(reports) == 1  # and back
    state.write_bytes(state.read_bytes()[:-5])  # damaged: ignored, every group ranked again
    assert check(reports) == all_groups
