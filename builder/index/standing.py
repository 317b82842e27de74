"""Where each report stands among the reports it is compared with (same year, same comparable group):
its rank per indicator and overall, the range of ranks its 95% intervals cannot tell apart, the range
of its overall rank under alternative weights (sensitivity), and its group's quartiles.

The rules are part of the one definition of the index (scores.py holds the indicators and weights;
RANK_RULE, SENSITIVITY_RULE and PEER_RULE here are printed on the methodology page). Each ranking is
a sort and binary searches: O(n log n) per group and weighting.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from operator import mul
from pathlib import Path
from typing import Any, Hashable, Iterable, Iterator, Mapping, Optional, Sequence

from ..store.files import _key
from ..store.versions import render_version
from ..store.sealed import load_cache, save_cache
from .scores import BASE_WEIGHTS, INDICATORS, Score

OVERALL = "overall"

RANK_RULE = (
    "名次在同一年度、同一可比组内排定，1 为最好；得分相同的报告名次相同（名次 = 得分更高的报告数 + 1）。"
    "每个比率有 95% Wilson 区间，总分的区间为各计分指标区间两端的加权平均（及时性没有抽样误差，区间即其得分）。"
    "名次范围：最好名次 = 1 + 区间整个高于本报告区间的报告数；最差名次 = 参加排名的报告数 − 区间整个低于本报告区间的报告数。"
    "区间重叠的报告无法区分先后，因此名次以范围表示（如“第 2–5 名”）；只有范围为单一名次时才可说某机关确实排在某一位。")


def _alternatives() -> list[tuple[str, dict[str, float]]]:
    out = [("等权重", {ind.key: 1.0 for ind in INDICATORS})]
    for ind in INDICATORS:
        for factor, word in ((0.5, "减半"), (2.0, "加倍")):
            out.append((f"{ind.name}权重{word}", {**BASE_WEIGHTS, ind.key: ind.weight * factor}))
    return out


ALTERNATIVE_WEIGHTS: list[tuple[str, dict[str, float]]] = _alternatives()
SENSITIVITY_RULE = (
    f"敏感性：对每个有总分的报告，在 {len(ALTERNATIVE_WEIGHTS)} 种备选权重下重新计算总分并在组内排名——各指标等权重，"
    "以及每项指标的权重分别减半、加倍（其余不变，加权平均自动归一）。报告页与机关页给出基准名次与这些名次的最好、最差值。"
    "名次在不同权重下变化很大的，说明排名取决于权重的选择，引用时应当谨慎。")
PEER_RULE = (
    "组内位置：同一年度、同一可比组中计分的报告，其指标数值的第 25 百分位数（P25）、中位数与第 75 百分位数（P75），"
    "按线性插值计算。报告页写明本报告在组内四分位数中的位置（结合指标方向：越高越好或越低越好）。")


@dataclass
class Standing:
    """One report's standing in its group: per indicator key (and "overall") its rank, rank range
    (best, worst) and how many were ranked; the group's quartiles per key; the overall rank under each
    alternative weighting (name → rank)."""

    ranks: dict[str, int] = field(default_factory=dict)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    ranked: dict[str, int] = field(default_factory=dict)
    peers: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    sensitivity: dict[str, int] = field(default_factory=dict)

    @property
    def sensitivity_range(self) -> Optional[tuple[int, int]]:
        if OVERALL not in self.ranks:
            return None
        ranks = [self.ranks[OVERALL], *self.sensitivity.values()]
        return min(ranks), max(ranks)

    def to_data(self) -> list:
        return [self.ranks, {k: list(v) for k, v in self.ranges.items()}, self.ranked,
                {k: list(v) for k, v in self.peers.items()}, self.sensitivity]


def ranks(points: Sequence[float]) -> list[int]:
    """Competition ranks (1 is the best; equal points share a rank): 1 + how many have more points."""
    # best first, each point's rank its first place: pairs from the worst up, a later (better) place of
    # equal points overwriting an earlier one
    best = sorted(points, reverse=True)
    first = dict(zip(reversed(best), range(len(best), 0, -1)))
    return [first[p] for p in points]


def rank_ranges(intervals: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
    """For each (low, high) interval in points, the (best, worst) rank the intervals allow: best = 1 + how
    many lie wholly above it, worst = n − how many lie wholly below it."""
    lows = sorted(lo for lo, _ in intervals)
    highs = sorted(hi for _, hi in intervals)
    n = len(intervals)
    return [(1 + n - bisect.bisect_right(lows, hi), n - bisect.bisect_left(highs, lo)) for lo, hi in intervals]


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """P25, median, P75 by linear interpolation between order statistics (numpy's default); values non-empty."""
    xs = sorted(values)

    def q(p: float) -> float:
        h = (len(xs) - 1) * p
        k = int(h)
        return xs[k] if k + 1 >= len(xs) else xs[k] + (h - k) * (xs[k + 1] - xs[k])
    return q(0.25), q(0.5), q(0.75)


def standings(scored: Iterable[tuple[Hashable, int, str, Score]], keys: Mapping[Hashable, str] | None = None,
              state: Path | None = None) -> dict[Hashable, Standing]:
    """Standings of reports given as (id, year, group, score): ranked within (year, group). With `keys`
    (each id → a digest of all its score is made from: site's report key) and `state` (a sealed cache,
    store.sealed.save_cache), a group whose members' keys are those of a group ranked by this code last
    time takes its standings from there and is not ranked again: a report added re-ranks its own group."""
    groups: dict[tuple[int, str], list[tuple[Hashable, Score]]] = {}
    for ident, year, group, s in scored:
        groups.setdefault((year, group), []).append((ident, s))
    kept = load_cache(state) if keys is not None and state is not None else None
    known = kept["groups"] if isinstance(kept, dict) and kept.get("version") == render_version() else {}
    ranked: dict[str, Any] = {}
    out: dict[Hashable, Standing] = {}
    for (year, group), members in groups.items():
        digest = _key("standing", year, group, [keys[ident] for ident, _ in members]) if keys is not None else ""
        old = known.get(digest)
        if _is_kept(old, len(members)):
            for (ident, _), st in zip(members, _unpack(old)):
                out[ident] = st
            ranked[digest] = old
            continue
        for ident, _ in members:
            out[ident] = Standing()
        _rank_group(members, out)
        ranked[digest] = _pack([out[ident] for ident, _ in members])
    if keys is not None and state is not None and ranked.keys() != known.keys():
        save_cache(state, {"version": render_version(), "groups": ranked})
    return out


# a group's standings as kept: [peers, ranked (key → how many), one list per member: its rank per KEYS
# (null if not ranked), each rank range's two ends, its rank per alternative weighting (or none)]
_KEYS = [*(ind.key for ind in INDICATORS), OVERALL]
_NAMES = [name for name, _ in ALTERNATIVE_WEIGHTS]


def _pack(group: list[Standing]) -> list:
    return [{k: list(v) for k, v in group[0].peers.items()}, {k: n for st in group for k, n in st.ranked.items()},
            [[*(st.ranks.get(k) for k in _KEYS), *(x for k in _KEYS for x in st.ranges.get(k, (None, None))),
              *(st.sensitivity[name] for name in _NAMES if st.sensitivity)] for st in group]]


def _unpack(kept: list) -> Iterator[Standing]:
    """The members' Standing as _rank_group made them: every dict's keys in the order it puts them."""
    peers, ranked = {k: tuple(v) for k, v in kept[0].items()}, kept[1]
    n = len(_KEYS)
    for m in kept[2]:
        at = [(j, k) for j, k in enumerate(_KEYS) if m[j] is not None]
        yield Standing({k: m[j] for j, k in at}, {k: (m[n + 2 * j], m[n + 2 * j + 1]) for j, k in at},
                       {k: ranked[k] for _, k in at}, peers, dict(zip(_NAMES, m[3 * n:])))


def _is_kept(old: Any, n: int) -> bool:
    """Whether a group's kept standings are of n members, as _pack makes them."""
    return (isinstance(old, list) and len(old) == 3 and isinstance(old[0], dict) and isinstance(old[1], dict)
            and isinstance(old[2], list) and len(old[2]) == n
            and all(isinstance(m, list) and len(m) in (3 * len(_KEYS), 3 * len(_KEYS) + len(_NAMES)) for m in old[2]))


def _place(members: list[tuple[Hashable, float, tuple[float, float]]], key: str, out: dict) -> None:
    pts = [p for _, p, _ in members]
    for (ident, _, _), r, rr in zip(members, ranks(pts), rank_ranges([iv for _, _, iv in members])):
        out[ident].ranks[key], out[ident].ranges[key], out[ident].ranked[key] = r, rr, len(members)


def _rank_group(members: list[tuple[Hashable, Score]], out: dict[Hashable, Standing]) -> None:
    peers: dict[str, tuple[float, float, float, int]] = {}
    # each ranked report's scored indicators as (indices, points), read once: a weighting is then a sum
    parts: list[tuple[list[int], list[float]] | None] = [([], []) if s.overall is not None else None
                                                          for _, s in members]
    for k, ind in enumerate(INDICATORS):
        rows, values = [], []
        for (ident, s), part in zip(members, parts):
            v = s.values[ind.key]
            if v.scored:
                points = ind.points(v.value)
                rows.append((ident, points, ind.point_interval(v)))
                values.append(v.value)
                if part is not None:
                    part[0].append(k)
                    part[1].append(points)
        if rows:
            _place(rows, ind.key, out)
            peers[ind.key] = (*quartiles(values), len(rows))
    ranked = [(ident, s) for ident, s in members if s.overall is not None]
    if ranked:
        overall = [(ident, s.overall, (s.low, s.high)) for ident, s in ranked]
        _place(overall, OVERALL, out)
        peers[OVERALL] = (*quartiles([p for _, p, _ in overall]), len(overall))
        sums = [(tuple(at), ps) for at, ps in filter(None, parts)]
        for name, weights in ALTERNATIVE_WEIGHTS:
            w = [weights[ind.key] for ind in INDICATORS]
            # the weights of each set of scored indicators, and their sum (the same terms in the same order
            # for every report with that set: the same float)
            sets = {at: [w[k] for k in at] for at in {at for at, _ in sums}}
            totals = {at: sum(ws) for at, ws in sets.items()}
            alt = [sum(map(mul, sets[at], ps)) / totals[at] for at, ps in sums]
            for (ident, _), r in zip(ranked, ranks(alt)):
                out[ident].sensitivity[name] = r
    for ident, _ in members:
        out[ident].peers = peers


def position(value: float, peer: tuple[float, float, float, int], higher_better: bool) -> str:
    """Where a value stands among its group's quartiles, in Chinese, with what that means."""
    p25, median, p75 = peer[:3]
    if value > p75:
        where = "高于组内 P75"
    elif value >= median:
        where = "介于组内中位数与 P75 之间" if value > median else "等于组内中位数"
    elif value >= p25:
        where = "介于组内 P25 与中位数之间"
    else:
        where = "低于组内 P25"
    if value == median:
        return where
    better = (value > median) == higher_better
    return where + ("，优于中位数" if better else "，不及中位数")
