"""Review flags: findings, never scores. A figure moving by more than JUMP_FACTOR from the body's previous
year; a number the narrative states for a quantity the table holds, differing from the table."""
from __future__ import annotations

import shutil
from pathlib import Path

from builder.index.flags import JUMP_FACTOR, JUMP_FLOOR, check_jumps, check_narrative
from builder.pipeline import extract_file, process_all
from builder.index.scores import Agency, score
from builder.site.build import build_site
from builder.index.wording import describe
from conftest import REPORTS, copy_repository
from records import balanced

REAL = Path(__file__).resolve().parent / "real" / "pingtan"


def test_the_seeds_narratives_agree_with_their_tables():
    # 巴州区 says 收到 128, 行政复议 4, 行政诉讼 10 (8 + 2); 达州市通川区 行政复议 4, 行政诉讼 8: as the tables
    for path in sorted((REPORTS / "2023").glob("*.txt")):
        record, _ = extract_file(path)
        assert check_narrative(record) == [], path.name


def test_a_real_report_whose_narrative_counts_a_review_its_table_does_not():
    # 行政审批局 2024: "因依申请公开引发行政复议1起，结果为维持" while the table's 行政复议 总计 is 0
    record, _ = extract_file(REAL / "2024-平潭综合实验区行政审批局.html")
    found = check_narrative(record)
    assert [(f.rule, f.path, f.printed, f.expected) for f in found] == [
        ("review.narrative", "review_litigation.review[4]", 1, 0)]
    assert describe(found[0]) == "正文写明的数字为 1，但表格中行政复议 · 总计为 0：请核对原文（核对发现，不影响得分）。"


def test_a_flag_changes_no_score():
    record, _ = extract_file(REPORTS / "2023" / "巴州区.txt")
    before = score(record, Agency("巴州区"))
    record.narrative.overview = record.narrative.overview.replace("行政复议4件", "行政复议6件")
    assert [f.printed for f in check_narrative(record)] == [6]
    assert score(record, Agency("巴州区")) == before


def test_a_jump_from_the_previous_year_is_flagged_on_the_later_year():
    a, b = balanced(year=2022), balanced(year=2023)
    a.applications.new[6], b.applications.new[6] = 10, 10 * JUMP_FACTOR + 1
    found = check_jumps([a, b])
    assert [(r.year, f.rule, f.path, f.printed, f.expected) for r, f in found] == [
        (2023, "across_years.jump", "applications.new[6]", 51, 10)]
    b.applications.new[6] = 10 * JUMP_FACTOR  # exactly the factor: not more than it
    assert check_jumps([a, b]) == []
    a.applications.new[6], b.applications.new[6] = 0, JUMP_FLOOR - 1  # small numbers are not worth a look
    assert check_jumps([a, b]) == []
    b.applications.new[6] = JUMP_FLOOR
    assert len(check_jumps([a, b])) == 1
    b.year = 2024  # not consecutive years: nothing to compare
    assert check_jumps([a, b]) == []


def test_both_flags_are_shown_on_the_report_page(tmp_path):
    root = copy_repository(tmp_path / "repo")
    shutil.rmtree(root / "reports" / "2023")
    (root / "reports" / "2022").mkdir(exist_ok=True)
    (root / "reports" / "2023").mkdir()
    text = (REPORTS / "2023" / "巴州区.txt").read_text(encoding="utf-8")
    (root / "reports" / "2023" / "巴州区.txt").write_text(text.replace("行政复议4件", "行政复议7件"), encoding="utf-8")
    # the year before: the same report, with a tenth of this year's requests
    earlier = text.replace("2023年", "2022年").replace("128", "12")
    (root / "reports" / "2022" / "巴州区.txt").write_text(earlier, encoding="utf-8")
    outcomes = process_all(root / "reports", root)
    later = next(o for o in outcomes if o.brief.year == 2023)
    rules = sorted((f.rule, f.path) for f in later.findings if f.rule in ("review.narrative", "across_years.jump"))
    assert ("review.narrative", "review_litigation.review[4]") in rules
    assert ("across_years.jump", "applications.new[6]") in rules
    build_site(outcomes, root, root / "content")
    page = (root / "content" / "reports" / "2023" / "巴州区.md").read_text(encoding="utf-8")
    assert "正文写明的数字为 7，但表格中行政复议 · 总计为 4" in page
    assert "印为 128，上一年度为 12，变化超过 5 倍" in page


def test_a_litigation_count_is_compared_with_both_kinds_of_suit():
    record, _ = extract_file(REPORTS / "2023" / "巴州区.txt")  # 8 direct + 2 after review: "行政诉讼10件"
    record.narrative.overview = record.narrative.overview.replace("行政诉讼10件", "行政诉讼8件")
    found = check_narrative(record)
    assert [(f.printed, f.expected) for f in found] == [(8, 10)]
    assert "两类行政诉讼（未经复议直接起诉、复议后起诉）总计之和为 10" in describe(found[0])
