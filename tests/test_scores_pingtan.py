"""The index's indicators, intervals, timeliness, overall scores and standings of the seven 平潭 reports
(reports/2021–2024, saved web pages) against values computed by hand in this file from the figures the
reports print.

The records are read as the site reads them: the committed YAML records of every report in the repository
(seeds included), scored with the agencies file and ranked together (scores.score, standing.standings).
Each literal below is a cell printed in the report's own table (section and row named in the comment);
the arithmetic of the indicators (方法说明, builder/index/scores.py) is redone here, never copied from the
program's output.
"""
from __future__ import annotations

import datetime as dt

import pytest

from builder.record.files import load_record
from builder.index.scores import Agency, load_agencies, publication, score
from builder.index.standing import OVERALL, position, standings
from conftest import REPORTS
from records import check_rate, wilson_by_hand

AGENCIES = load_agencies(REPORTS / "agencies.yaml")
公安局 = "平潭综合实验区公安局"
实验区 = "平潭综合实验区"
海坛 = "平潭综合实验区海坛片区管理局"
审批局 = "平潭综合实验区行政审批局"
财政局 = "平潭综合实验区财政金融局"
PINGTAN = ((2021, 公安局), (2022, 公安局), (2023, 实验区), (2024, 实验区), (2024, 海坛), (2024, 审批局), (2024, 财政局))

# the weights of the methodology page; 纠正率 (lower is better) counts 100 − rate in the overall score
W = {"completeness": 0.20, "consistency": 0.25, "timeliness": 0.15, "disclosure": 0.25, "corrected": 0.15}
NAMES = {"completeness": "完整性", "consistency": "内部一致性", "timeliness": "及时性", "disclosure": "公开率",
         "corrected": "纠正率"}
ON_TIME = (100.0, 100.0, 100.0)  # timeliness points of a report published by its deadline (no sampling error)


@pytest.fixture(scope="module")
def committed():
    """(year, body) → (record, agency, score) for every committed record, as the site scores them."""
    out = {}
    for path in sorted(p for p in REPORTS.glob("*/*.yaml") if p.parent.name.isdigit()):
        record = load_record(path)
        agency = AGENCIES.get(record.agency, Agency(record.agency))
        out[(record.year, record.agency)] = (record, agency, score(record, agency))
    return out


@pytest.fixture(scope="module")
def placed(committed):
    """Standings of all committed reports ranked together, as the site ranks them (seeds and 平潭)."""
    return standings((key, key[0], agency.group, s) for key, (_, agency, s) in committed.items())


def rate_points(k, n, lower_better=False):
    """(points, low, high) of the rate k/n in the overall score: 100 − rate, ends swapped, when lower is better."""
    value, (low, high) = 100 * k / n, wilson_by_hand(k, n)
    return (100 - value, 100 - high, 100 - low) if lower_better else (value, low, high)


def overall_by_hand(parts, weights=W):
    """parts: indicator → (points, low, high) of the scored indicators: their weighted means."""
    total = sum(weights[k] for k in parts)
    return tuple(sum(weights[k] * p[i] for k, p in parts.items()) / total for i in range(3))


def check_overall(s, parts):
    """Ranked, with the overall score and interval the scored indicators give by hand."""
    assert s.reason == "" and s.overall is not None
    assert (s.overall, s.low, s.high) == pytest.approx(overall_by_hand(parts))
    assert [k for k, v in s.values.items() if v.scored] == list(parts)


def check_on_time(record, agency, s, posted, due, signed=None):
    """On time by the publisher's posting date (the best evidence), against 条例第四十九条's deadline."""
    assert record.source.posted_on == posted and record.source.published_on == signed
    pub = publication(record, agency)
    assert (posted - due).days <= 0
    assert (pub.state, pub.days_late, pub.due, pub.date, pub.evidence, pub.text) == (
        "on_time", 0, due, posted, "posted_on", "按期")
    t = s.values["timeliness"]
    assert (t.status, t.value, t.low, t.high) == ("scored", *ON_TIME)
    assert t.note == f"按期（发布日期 {posted.isoformat()}，期限 {due.isoformat()}）"


def test_the_agencies_and_groups_of_the_pingtan_bodies(committed):
    # the zone's own report is a government's (due 31 March), its bureaus and 片区管理局 are departments (31 January)
    assert {key for key in committed if "平潭" in key[1]} == set(PINGTAN)
    assert AGENCIES[实验区].group == "市级人民政府" and AGENCIES[实验区].kind == "government"
    for body in (公安局, 海坛, 审批局, 财政局):
        assert AGENCIES[body].group == "市级部门" and AGENCIES[body].kind == "department"
    for year, body in PINGTAN:
        assert committed[(year, body)][0].template == "2021"


def test_公安局_2021_by_hand(committed):
    record, agency, s = committed[(2021, 公安局)]
    check_rate(s.values["completeness"], 200, 200, "scored")  # every cell of 二, 三 and 四 printed, none unread
    # 三: 一 本年新收 总计 1 + 二 上年结转 0 = 1, but (七) 总计 1 + 四 结转下年度 1 = 2 (the one request, 自然人,
    # is both handled under (六) 3.其他 and carried forward): the balance of 自然人 and of 总计 breaks, 40 of 42 hold
    check_rate(s.values["consistency"], 42 - 2, 42, "scored")
    # 三 (七) 总计 = 1, (一) 予以公开 0 + (二) 部分公开 0: one request, shown and not scored
    check_rate(s.values["disclosure"], 0 + 0, 1, "small")
    # 四: all fifteen cells 0, no case decided
    assert (s.values["corrected"].status, s.values["corrected"].denominator) == ("not_applicable", 0)
    # posted 2022-01-14 (the page's PubDate), signed 2022年1月7日; a department's deadline is 2022-01-31
    check_on_time(record, agency, s, dt.date(2022, 1, 14), dt.date(2022, 1, 31), signed=dt.date(2022, 1, 7))
    check_overall(s, {"completeness": rate_points(200, 200), "consistency": rate_points(40, 42),
                      "timeliness": ON_TIME})
    assert round(s.overall, 2) == 98.02  # (20 + 25 × 40/42 + 15) / 0.60


def test_公安局_2022_by_hand(committed):
    record, agency, s = committed[(2022, 公安局)]
    check_rate(s.values["completeness"], 200, 200, "scored")
    # 一 1 + 二 1 = (七) 2 + 四 0 in 自然人 and 总计; (二) 部分公开 1 + (六) 1.逾期不补正 1 = (七) 2: all 42 hold
    check_rate(s.values["consistency"], 42, 42, "scored")
    check_rate(s.values["disclosure"], 0 + 1, 2, "small")  # (一) 0 + (二) 1 of (七) 总计 2
    assert s.values["corrected"].status == "not_applicable"  # 四: all 0
    # posted 2023-01-09; the report prints no date of its own
    check_on_time(record, agency, s, dt.date(2023, 1, 9), dt.date(2023, 1, 31))
    check_overall(s, {"completeness": rate_points(200, 200), "consistency": rate_points(42, 42),
                      "timeliness": ON_TIME})
    assert s.overall == pytest.approx(100.0)
    # 2021 carried one request forward and 2022 took one over (二 上年结转 总计 = 1)
    assert record.applications.carried_over[6] == committed[(2021, 公安局)][0].applications.carried_forward[6] == 1


def test_实验区_2023_by_hand_with_a_pending_suit_left_out(committed):
    record, agency, s = committed[(2023, 实验区)]
    check_rate(s.values["completeness"], 200, 200, "scored")
    # e.g. 自然人: 22 + 19 + 1 + 1 + 1 + 2 + 31 + 1 + 1 + 1 = 80 = (七); 80 + 0 = 80 + 0: all 42 hold
    check_rate(s.values["consistency"], 42, 42, "scored")
    # 三 总计 column: (一) 予以公开 22 + (二) 部分公开 20 of (七) 总计 81
    check_rate(s.values["disclosure"], 22 + 20, 81, "scored")
    # 四: 行政复议 [1, 1, 0, 0, 2], 未经复议直接起诉 [4, 0, 0, 1, 5], 复议后起诉 [1, 0, 1, 0, 2]
    # 纠正率 = 结果纠正 1 ÷ 已审结 (1+1+0) + (4+0+0) + (1+0+1) = 8: the pending suit is not in the denominator
    # (the totals 2 + 5 + 2 = 9 count it); 8 < 10: shown, not scored
    check_rate(s.values["corrected"], 1 + 0 + 0, (1 + 1 + 0) + (4 + 0 + 0) + (1 + 0 + 1), "small")
    assert s.values["corrected"].denominator != 2 + 5 + 2
    # a government's deadline is 2024-03-31; posted 2024-03-08, no date printed in the report
    check_on_time(record, agency, s, dt.date(2024, 3, 8), dt.date(2024, 3, 31))
    check_overall(s, {"completeness": rate_points(200, 200), "consistency": rate_points(42, 42),
                      "timeliness": ON_TIME, "disclosure": rate_points(42, 81)})
    assert round(s.overall, 2) == 85.84  # (20 + 25 + 15 + 25 × 42/81) / 0.85


def test_实验区_2024_by_hand_with_a_pending_review_left_out(committed):
    record, agency, s = committed[(2024, 实验区)]
    check_rate(s.values["completeness"], 200, 200, "scored")
    # 自然人: 71 + 29 + 4 + 3 + 32 + 75 + 1 + 1 + 1 = 217 = (七); 总计 column … + (六) 3.其他 2 = 218: all 42 hold
    check_rate(s.values["consistency"], 42, 42, "scored")
    check_rate(s.values["disclosure"], 71 + 29, 218, "scored")  # 三 总计 column: (一) 71 + (二) 29 of (七) 218
    # 四: 行政复议 [2, 1, 3, 1, 7], 直接起诉 [0, 0, 0, 0, 0], 复议后起诉 [13, 2, 4, 0, 19]:
    # 结果纠正 1 + 0 + 2 = 3 of 已审结 (2+1+3) + 0 + (13+2+4) = 25; the pending review is left out (totals 7 + 19 = 26)
    corrected = s.values["corrected"]
    check_rate(corrected, 1 + 0 + 2, (2 + 1 + 3) + 0 + (13 + 2 + 4), "scored")
    assert round(corrected.value, 1) == 12.0 and [round(x, 1) for x in (corrected.low, corrected.high)] == [4.2, 30.0]
    check_on_time(record, agency, s, dt.date(2025, 3, 10), dt.date(2025, 3, 31))
    check_overall(s, {"completeness": rate_points(200, 200), "consistency": rate_points(42, 42),
                      "timeliness": ON_TIME, "disclosure": rate_points(100, 218),
                      "corrected": rate_points(3, 25, lower_better=True)})
    assert round(s.overall, 2) == 84.67  # 20 + 25 + 15 + 25 × 100/218 + 15 × (100 − 12)


def test_海坛片区_2024_by_hand(committed):
    record, agency, s = committed[(2024, 海坛)]
    # 二 (一) prints one row, 规范性文件 0 0 0, and no 规章 row: its three cells are not printed (blank, not
    # unread): the report could have printed them and did not
    regulations = [f"article20.regulations.{c}" for c in ("issued", "repealed", "in_force")]
    assert [record.status(p) for p in regulations] == ["blank"] * 3 and record.unread == []
    check_rate(s.values["completeness"], 200 - 3, 200, "scored")
    # 三: the 总计 column prints 0 in every row, whatever the applicant columns hold. Row totals that break:
    # 一 本年新收 5 + 1 ≠ 0, (四) 1.不掌握 4 ≠ 0, (四) 3.补正后仍不明确 1 ≠ 0, (六) 1.逾期不补正 1 ≠ 0,
    # (六) 3.其他 1 (法人/商业企业) ≠ 0, (七) 总计 5 + 1 ≠ 0: 6 of 25. Columns to (七): 自然人 4 + 1 + 1 = 6 ≠ 5,
    # the other six hold; the seven balances hold (5 + 0 = 5 + 0, 1 + 0 = 1 + 0, 0 …); 四's three rows hold
    check_rate(s.values["consistency"], 42 - 6 - 1, 42, "scored")
    # (七) 总计 prints 0 in the 总计 column but 5 (自然人) + 1 (商业企业) handled: the table contradicts itself,
    # so 公开率 is missing (method 2.1), never "no request handled": the report is not ranked, and says why
    d = s.values["disclosure"]
    assert (d.status, d.numerator, d.denominator, d.value) == ("missing", None, None, None)
    assert d.note == "办理结果总计列印为 0，而各类申请人列共办结 6 件：表内矛盾，无法计算"
    # 四: 行政复议 [0, 0, 1, 0, 1] (the narrative: withdrawn), no suit: 0 corrected of 1 decided
    check_rate(s.values["corrected"], 0, 0 + 0 + 1, "small")
    # posted 2025-01-23, signed 2025年1月23日, a department's deadline 2025-01-31
    check_on_time(record, agency, s, dt.date(2025, 1, 23), dt.date(2025, 1, 31), signed=dt.date(2025, 1, 23))
    assert (s.overall, s.low, s.high) == (None, None, None)
    assert s.reason == f"缺少指标：公开率（{d.note}）"


def test_行政审批局_2024_by_hand(committed):
    record, agency, s = committed[(2024, 审批局)]
    check_rate(s.values["completeness"], 200, 200, "scored")
    # 四: 行政复议 prints 结果维持 1 and 总计 0: that row's total breaks, the other 41 equations hold
    check_rate(s.values["consistency"], 42 - 1, 42, "scored")
    check_rate(s.values["disclosure"], 18 + 6, 28, "scored")   # (一) 18 + (二) 6 of (七) 28
    check_rate(s.values["corrected"], 0, 1 + 0 + 0, "small")   # the one review upheld
    check_on_time(record, agency, s, dt.date(2025, 1, 24), dt.date(2025, 1, 31))
    check_overall(s, {"completeness": rate_points(200, 200), "consistency": rate_points(41, 42),
                      "timeliness": ON_TIME, "disclosure": rate_points(24, 28)})
    assert round(s.overall, 2) == 95.10  # (20 + 25 × 41/42 + 15 + 25 × 24/28) / 0.85


def test_财政金融局_2024_by_hand(committed):
    record, agency, s = committed[(2024, 财政局)]
    check_rate(s.values["completeness"], 200, 200, "scored")
    check_rate(s.values["consistency"], 42, 42, "scored")      # (一) 1 + (四) 1.不掌握 1 = (七) 2 = 一 2 + 二 0
    check_rate(s.values["disclosure"], 1 + 0, 2, "small")
    assert s.values["corrected"].status == "not_applicable"    # 四: all 0
    check_on_time(record, agency, s, dt.date(2025, 1, 23), dt.date(2025, 1, 31), signed=dt.date(2025, 1, 23))
    check_overall(s, {"completeness": rate_points(200, 200), "consistency": rate_points(42, 42),
                      "timeliness": ON_TIME})
    assert s.overall == pytest.approx(100.0)


def range_by_hand(me, others):
    """RANK_RULE: best = 1 + how many intervals lie wholly above mine, worst = n − how many wholly below."""
    return 1 + sum(lo > me[1] for lo, _ in others), 1 + len(others) - sum(hi < me[0] for _, hi in others)


def test_the_bodies_alone_in_their_group_rank_first(committed, placed):
    # 2021 and 2022 市级部门: 公安局 alone; 2023 and 2024 市级人民政府: the zone alone (the seeds are 县级)
    for key in ((2021, 公安局), (2022, 公安局), (2023, 实验区), (2024, 实验区)):
        s, st = committed[key][2], placed[key]
        scored = [k for k, v in s.values.items() if v.scored]
        assert set(st.ranks) == {*scored, OVERALL}
        for k in (*scored, OVERALL):
            assert (st.ranks[k], st.ranges[k], st.ranked[k]) == (1, (1, 1), 1), (key, k)
            value = s.overall if k == OVERALL else s.values[k].value
            assert st.peers[k] == pytest.approx((value, value, value, 1))
        assert st.sensitivity_range == (1, 1)
    assert placed[(2024, 实验区)].ranks["corrected"] == 1  # 3/25 ranked, the 2023 1/8 not
    assert "corrected" not in placed[(2023, 实验区)].ranks
    assert placed[(2023, "巴州区")].ranked[OVERALL] == 2  # the seeds' groups are unchanged by 平潭


def test_the_2024_departments_rank_by_hand(committed, placed):
    # 市级部门 2024, overall: 财政金融局 100 [95.88, 100], 行政审批局 95.10 [86.67, 98.20]; 海坛片区 not ranked
    # (its 公开率 is missing), though each of its scored indicators is ranked
    bodies = (财政局, 审批局, 海坛)
    scores = {b: committed[(2024, b)][2] for b in bodies}
    st = {b: placed[(2024, b)] for b in bodies}
    assert {b: st[b].ranks.get(OVERALL) for b in bodies} == {财政局: 1, 审批局: 2, 海坛: None}
    assert {b: st[b].ranked[OVERALL] for b in (财政局, 审批局)} == {财政局: 2, 审批局: 2}
    intervals = {b: (scores[b].low, scores[b].high) for b in (财政局, 审批局)}
    assert intervals[审批局][1] > intervals[财政局][0]  # they overlap: either order is possible
    for b, o in ((财政局, 审批局), (审批局, 财政局)):
        assert st[b].ranges[OVERALL] == (1, 2) == range_by_hand(intervals[b], [intervals[o]])
    # 内部一致性: 42/42 [91.62, 100], 41/42 [87.68, 99.58], 35/42 [69.40, 91.68]: 海坛's upper end is above
    # 财政金融局's lower end by 0.06, so the three cannot be told apart either
    cons = {财政局: (42, 42), 审批局: (41, 42), 海坛: (35, 42)}
    assert wilson_by_hand(35, 42)[1] > wilson_by_hand(42, 42)[0]
    assert {b: st[b].ranks["consistency"] for b in bodies} == {财政局: 1, 审批局: 2, 海坛: 3}
    for b in bodies:
        others = [wilson_by_hand(*cons[o]) for o in bodies if o != b]
        assert st[b].ranges["consistency"] == (1, 3) == range_by_hand(wilson_by_hand(*cons[b]), others)
    # 完整性 200/200, 200/200 and 197/200 (海坛 prints no 规章 row), the three intervals overlapping: ranges 1–3;
    # 及时性 100 each: tied first
    assert {b: (st[b].ranks["completeness"], st[b].ranges["completeness"]) for b in bodies} == {
        财政局: (1, (1, 3)), 审批局: (1, (1, 3)), 海坛: (3, (1, 3))}
    assert {b: (st[b].ranks["timeliness"], st[b].ranges["timeliness"]) for b in bodies} == {b: (1, (1, 3)) for b in bodies}
    # 公开率: only 行政审批局 (n = 28) is ranked (财政金融局 n = 2, 海坛 missing); 纠正率: nobody (n = 1, 1, 0)
    assert (st[审批局].ranks["disclosure"], st[审批局].ranges["disclosure"], st[审批局].ranked["disclosure"]) == (1, (1, 1), 1)
    assert "disclosure" not in st[财政局].ranks and "disclosure" not in st[海坛].ranks
    assert not any("corrected" in st[b].ranks for b in bodies)
    # quartiles by linear interpolation: of three values P25 = (x1 + x2) / 2, median x2, P75 = (x2 + x3) / 2;
    # of two, P25 = x1 + (x2 − x1) / 4, median their mean, P75 = x1 + 3 (x2 − x1) / 4
    c = sorted(100 * k / n for k, n in cons.values())
    o = sorted(s.overall for s in (scores[财政局], scores[审批局]))
    peers = st[海坛].peers
    assert peers["consistency"] == pytest.approx(((c[0] + c[1]) / 2, c[1], (c[1] + c[2]) / 2, 3))
    assert peers[OVERALL] == pytest.approx((o[0] + (o[1] - o[0]) / 4, (o[0] + o[1]) / 2, o[0] + 3 * (o[1] - o[0]) / 4, 2))
    k = sorted([100.0, 100.0, 100 * 197 / 200])  # 完整性: 海坛 197/200
    assert peers["completeness"] == pytest.approx(((k[0] + k[1]) / 2, k[1], (k[1] + k[2]) / 2, 3))
    assert peers["timeliness"] == (100, 100, 100, 3)
    assert peers["disclosure"] == pytest.approx((100 * 24 / 28,) * 3 + (1,))
    assert "corrected" not in peers
    assert st[财政局].peers == st[审批局].peers == peers
    # 海坛 83.33 is below P25 (83.33 + 97.62) / 2 = 90.48
    assert position(100 * 35 / 42, peers["consistency"], True) == "低于组内 P25，不及中位数"


def test_the_2024_departments_sensitivity_by_hand(committed, placed):
    # the two ranked bodies' scored indicators as points: 财政金融局 all 100; 行政审批局 100, 97.62, 100, 85.71
    points = {b: {k: v.value for k, v in committed[(2024, b)][2].values.items() if v.scored} for b in (财政局, 审批局)}
    assert points[审批局] == pytest.approx({"completeness": 100, "consistency": 100 * 41 / 42, "timeliness": 100,
                                           "disclosure": 100 * 24 / 28})
    weightings = {"等权重": {k: 1.0 for k in W}}
    for k in W:
        weightings[f"{NAMES[k]}权重减半"] = {**W, k: W[k] / 2}
        weightings[f"{NAMES[k]}权重加倍"] = {**W, k: W[k] * 2}
    expected = {b: {} for b in points}
    for name, w in weightings.items():
        total = {b: overall_by_hand({k: (p, p, p) for k, p in ps.items()}, w)[0] for b, ps in points.items()}
        for b in points:
            expected[b][name] = 1 + sum(t > total[b] for t in total.values())
    for b in points:
        assert placed[(2024, b)].sensitivity == expected[b]
    # 财政金融局 scores 100 under every weighting, 行政审批局 below 100 under each: the order never changes
    assert set(expected[财政局].values()) == {1} and set(expected[审批局].values()) == {2}
    assert placed[(2024, 审批局)].sensitivity_range == (2, 2) and placed[(2024, 财政局)].sensitivity_range == (1, 1)
    assert placed[(2024, 海坛)].sensitivity == {} and placed[(2024, 海坛)].sensitivity_range is None


def test_every_pingtan_report_is_ranked_but_海坛_and_only_its_scored_rates(committed, placed):
    for key in PINGTAN:
        s = committed[key][2]
        assert (s.overall is None) == (key == (2024, 海坛)) and (s.reason == "") == (key != (2024, 海坛))
        for k, v in s.values.items():
            assert (k in placed[key].ranks) == (v.status == "scored"), (key, k)
