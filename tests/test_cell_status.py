"""Every cell has one status (record-format "Additions"): printed, blank, not applicable, unread,
inferred, corrected. An unread cell is never filled by the arithmetic, never shown as a blank and
never charged to the body; a number whose column is not certain is never published."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from builder.record.characters import (BIDI_CONTROLS, FOOTNOTE_MARKERS, first_invisible, fold_text, invisible,
                                       name_key)
from builder.extract.to_record import UNREAD_RULES, extract
from builder.extract.infer import infer
from builder.record.models import MAX_COUNT, iter_cells
from builder.index.scores import Agencies, Agency, completeness
from builder.site.build import cell
from builder.read.sources import decode_text, read_source
from conftest import REPORTS

SEED = (REPORTS / "2023" / "达州市通川区.txt").read_text(encoding="utf-8")
DISCLOSED = "三、（一）予以公开\t17\t1\t5\t0\t0\t0\t23"  # the seed's row, as printed


def read(text: str, name: str = "variant.txt", encoding: str = "utf-8"):
    extraction = extract(read_source(name, text.encode(encoding)))
    extraction.findings += infer(extraction.record)
    return extraction


def test_the_seed_row_is_as_the_tests_expect():
    assert DISCLOSED in SEED


def test_an_illegible_cell_is_unread_with_a_finding_and_never_inferred():
    ex = read(SEED.replace(DISCLOSED, "三、（一）予以公开\t17\t?\t5\t0\t0\t0\t23"))
    path = "applications.outcomes.disclosed[1]"
    r = ex.record
    # the row total would determine it (23 − 22 = 1), but an unreadable cell is not a blank one
    assert r.applications.outcomes.disclosed[1] is None
    assert path in r.unread and path not in r.inferred
    assert r.status(path) == "unread"
    assert any(f.path == path and f.rule == "extract.illegible" for f in ex.findings)


def test_a_blank_cell_the_arithmetic_determines_is_inferred_not_unread():
    ex = read(SEED.replace(DISCLOSED, "三、（一）予以公开\t17\t\t5\t0\t0\t0\t23"))
    r = ex.record
    assert r.applications.outcomes.disclosed[1] == 1
    assert r.status("applications.outcomes.disclosed[1]") == "inferred"
    assert not r.unread


def test_cells_marked_not_applicable_are_listed_and_not_filled():
    ex = read(SEED.replace(DISCLOSED, "三、（一）予以公开\t17\t/\t5\t不适用\t0\t0\t23"))
    r = ex.record
    assert r.not_applicable == ["applications.outcomes.disclosed[1]", "applications.outcomes.disclosed[3]"]
    assert r.applications.outcomes.disclosed[1] is None and r.applications.outcomes.disclosed[3] is None
    assert not r.unread and not [p for p in r.inferred if p.startswith("applications.outcomes.disclosed")]


def test_a_row_that_cannot_be_placed_is_unread_cell_by_cell():
    # two numbers for seven columns: which columns they stand in is not known
    ex = read(SEED.replace(DISCLOSED, "三、（一）予以公开\t17\t23"))
    r = ex.record
    row = [f"applications.outcomes.disclosed[{k}]" for k in range(7)]
    assert r.applications.outcomes.disclosed == [None] * 7
    assert set(row) <= set(r.unread)
    assert not set(row) & set(r.inferred)


def test_numbers_placed_by_position_that_break_their_row_total_are_unread():
    # printed in columns of spaces, one number of the row lost: placing the rest by their position puts
    # 17 under 商业企业 ... unless the row's own total bears the placement out, nothing of it is published
    lines = SEED.replace(DISCLOSED, "三、（一）予以公开" + " " * 10 + "17" + " " * 10 + "5" + " " * 10 + "23")
    ex = read(lines)
    r = ex.record
    row = r.applications.outcomes.disclosed
    # wherever the numbers went, none of them stands in a column it was not printed in
    assert all(v is None or (k, v) in ((0, 17), (2, 5), (6, 23)) for k, v in enumerate(row)), row


def test_a_table_read_one_column_off_is_unread_not_published_shifted():
    # every row shifted one column right (the first column lost, as a reader that drops a table's outer
    # border does): the rows break their own totals, so the whole table is unread
    out = []
    for line in SEED.splitlines():
        cells = line.split("\t")
        if len(cells) >= 8 and all(c.strip().isdigit() for c in cells[-7:]):
            cells = cells[:-7] + [""] + cells[-7:-1]
        out.append("\t".join(cells))
    ex = read("\n".join(out))
    r = ex.record
    published = [(p, v) for p, v in iter_cells(r) if p.startswith("applications.") and v is not None
                 and p not in r.inferred]
    assert published == []
    assert any(f.rule == "extract.columns_contradicted" for f in ex.findings)
    assert "applications.new[0]" in r.unread


def test_a_printed_slip_in_one_row_stays_as_printed():
    # one row whose total is misprinted is the report's own imbalance: printed, and a finding
    ex = read(SEED.replace(DISCLOSED, "三、（一）予以公开\t17\t1\t5\t0\t0\t0\t24"))
    assert ex.record.applications.outcomes.disclosed == [17, 1, 5, 0, 0, 0, 24]
    assert not ex.record.unread


def test_completeness_never_charges_an_unread_cell():
    blank = read(SEED.replace(DISCLOSED, "三、（一）予以公开\t17\t1\t5\t0\t0\t\t23")).record
    unread = read(SEED.replace(DISCLOSED, "三、（一）予以公开\t17\t1\t5\t0\t0\t?\t23")).record
    full = read(SEED).record
    agency = Agency("达州市通川区")
    # the unread cell is in neither count: the rate is the same (199/199 = 200/200)
    assert completeness(unread, agency).value == completeness(full, agency).value == 100
    assert (completeness(unread, agency).numerator, completeness(unread, agency).denominator) == (199, 199)
    # a cell the report left blank that the arithmetic fills is still not printed: it counts
    assert completeness(blank, agency).value < completeness(full, agency).value


def test_the_site_shows_unread_apart_from_blank_and_not_applicable():
    # (the arithmetic not run: the column totals would infer the blank)
    r = extract(read_source("v.txt", SEED.replace(DISCLOSED, "三、（一）予以公开\t17\t?\t/\t\t0\t0\t23").encode())).record
    views = {k: cell(r, f"applications.outcomes.disclosed[{k}]", {}) for k in range(7)}
    assert views[1].state == "unread" and "未能识别" in views[1].td() and "cell-unread" in views[1].td()
    assert views[2].state == "not_applicable" and "不适用" in views[2].td()
    assert views[3].state == "blank" and "未填报" in views[3].td() and "未能识别" not in views[3].td()
    assert views[0].state == "printed" and ">17<" in views[0].td()


def test_zero_width_characters_and_radicals_never_make_a_second_body():
    title = "达州市通川区\n\n2023 年政府信息公开工作年度报告"
    assert title in SEED
    damaged = SEED.replace(title, "达州\u200b市通\u2ed8川区\ufeff\n\n2023 年政府信息公开工作年度报告".replace("\u2ed8", ""))
    damaged = damaged.replace(DISCLOSED, DISCLOSED.replace("\t23", "\t2\u200b3"))
    r = read(damaged).record
    assert r.agency == "达州市通川区"
    assert r.applications.outcomes.disclosed[6] == 23
    assert fold_text("\u2ed8禾县") == "青禾县" and fold_text("\u2f00") == "一"


def test_an_agency_is_kept_as_printed_and_found_in_the_agencies_file_under_any_width():
    name = "中国（青禾）自由贸易试验区管理委员会"
    text = SEED.replace("达州市通川区\n\n2023 年", f"{name}\n\n2023 年", 1)
    r = read(text).record
    assert r.agency == name  # full-width parentheses as printed, not folded
    agencies = Agencies({"中国(青禾)自由贸易试验区管理委员会": Agency("中国(青禾)自由贸易试验区管理委员会", "某地", "县级",
                                                                  "government")})
    assert agencies.get(r.agency).kind == "government"
    assert name_key(name) == name_key("中国(青禾) 自由贸易试验区管理委员会")


def test_one_undecodable_byte_is_a_finding_on_its_section_not_a_refused_report():
    data = SEED.encode("gb18030")
    marker = "六、其他需要报告的事项".encode("gb18030")
    k = data.index(marker) + len(marker) + 20
    damaged = data[:k] + b"\xff" + data[k:]
    assert decode_text(damaged) is not None
    ex = extract(read_source("gbk.txt", damaged))
    assert ex.record.applications.outcomes.disclosed == [17, 1, 5, 0, 0, 0, 23]
    found = [f for f in ex.findings if f.rule == "read.damaged_text"]
    assert [f.path for f in found] == ["narrative.other_matters"]
    # a file in another encoding altogether is still refused, not read as damage
    assert decode_text(bytes(range(128, 256)) * 50) is None


def test_a_row_placed_by_position_that_a_column_total_contradicts_is_unread():
    # a tab row whose label and first cell are blank is placed right-aligned by position; here its
    # numbers belong one column to the left (the printer dropped a trailing blank), so the column
    # totals of table 三 break: the row is unread, not published shifted
    row = "一、本年新收政府信息公开申请数量\t55\t4\t5\t0\t0\t0\t64"
    assert row in SEED
    ex = read(SEED.replace(row, "\t\t55\t4\t5\t0\t0\t0"))
    r = ex.record
    assert r.applications.new == [None] * 7
    assert set(f"applications.new[{k}]" for k in range(7)) <= set(r.unread)
    assert any(f.rule in UNREAD_RULES and f.path == "applications.new" for f in ex.findings)


def test_a_total_column_printed_zero_throughout_stays_as_printed():
    # a report's own slip (a real one prints 总计 as 0 in every row): the first column is there, so the
    # columns were not read one place off; the numbers stay as printed, the imbalances are findings
    out = []
    for line in SEED.splitlines():
        cells = line.split("\t")
        if len(cells) >= 8 and all(c.strip().isdigit() for c in cells[-7:]):
            cells[-1] = "0"
        out.append("\t".join(cells))
    ex = read("\n".join(out))
    assert ex.record.applications.outcomes.disclosed == [17, 1, 5, 0, 0, 0, 0]
    assert not ex.record.unread
    assert not any(f.rule == "extract.columns_contradicted" for f in ex.findings)


# --- found by trying to break it: blank cells that must never shift a row (tests/cases/00-control-txt.txt
# prints its rows as label, two blanks of the label's span, then seven values)
CONTROL = (Path(__file__).resolve().parent / "cases" / "00-control-txt.txt").read_text(encoding="utf-8")
NEW_ROW = "一、本年新收政府信息公开申请数量\t\t\t41\t7\t2\t3\t5\t1\t59"


def test_a_blank_last_cell_never_shifts_its_row():
    assert NEW_ROW in CONTROL
    for blanked in ("\t\t\t41\t7\t2\t3\t5\t1\t", "\t\t\t41\t7\t2\t3\t5\t1\t ", "\t\t\t41\t7\t2\t3\t5\t1\t无"):
        r = read(CONTROL.replace(NEW_ROW, NEW_ROW.split("\t")[0] + blanked)).record
        row = r.applications.new
        assert row[:6] == [41, 7, 2, 3, 5, 1], row  # never [None, 41, 7, ...]
        assert row[6] is None or "applications.new[6]" in r.inferred


def test_a_row_missing_a_cell_without_a_mark_is_unread_not_placed_by_counting():
    # one number dropped with no blank left in its place: which column lost it is not known
    r = read(CONTROL.replace(NEW_ROW, "一、本年新收政府信息公开申请数量\t\t\t41\t7\t2\t5\t1\t59")).record
    published = [(k, v) for k, v in enumerate(r.applications.new)
                 if v is not None and f"applications.new[{k}]" not in r.inferred]
    assert all(v == (41, 7, 2, 3, 5, 1, 59)[k] for k, v in published), published


def test_a_blank_first_cell_of_table_four_is_never_silent():
    ex = read(SEED.replace("\n2\t1\t0\t1\t4\t", "\n\t1\t0\t1\t4\t", 1))
    r = ex.record
    for path, value in iter_cells(r):
        if path.startswith("review_litigation") and value is None:
            assert path in r.unread or path == "review_litigation.review[0]", path


def test_a_row_split_over_two_lines_is_read_or_unread_never_a_crash():
    row = "四、结转下年度继续办理\t\t\t5\t1\t0\t0\t3\t1\t10"
    assert row in CONTROL
    r = read(CONTROL.replace(row, "四、结转下年度继续办理\t\t\t5\t1\t0\n0\t3\t1\t10")).record
    assert all(v is None or v == (5, 1, 0, 0, 3, 1, 10)[k] or f"applications.carried_forward[{k}]" in r.inferred
               for k, v in enumerate(r.applications.carried_forward))


# what shows nothing and once made a second body (U+200B was caught): a variation selector, bidi marks, a soft
# hyphen, a grapheme joiner, Hangul fillers, the Mongolian vowel separator, the blank Braille pattern, tag
# characters, the bidi controls
INVISIBLE_FOUND = ["\ufe0f", "\u200e", "\u200f", "\u00ad", "\u034f", "\u3164", "\u115f", "\uffa0", "\u180e",
                   "\u2800", "\U000e0041", "\U000e0001", "\U000e007f", *BIDI_CONTROLS]

SAME_BODY = [
    ("中国（青禾）自由贸易试验区管理委员会", "中国(青禾)自由贸易试验区管理委员会"),  # full- and half-width punctuation
    ("达州市通川区", "达州市 通川区"), ("达州市通川区", "达州市通川区\u3000"),       # whitespace, ideographic too
    ("巴州区", "巴\u200b州\u200c区\ufeff"),                                           # invisible characters
    *[("巴州区", f"巴州{c}区") for c in INVISIBLE_FOUND],
    ("\u2f00里镇人民政府", "一里镇人民政府"), ("青禾县", "\u2ed8禾县"),              # CJK radicals for ideographs
    ("平潭综合实验区ＡＢＣ局", "平潭综合实验区ABC局"),                                  # full-width letters
]
OTHER_BODIES = [
    ("巴州区", "巴州区人民政府"), ("平潭综合实验区", "平潭综合实验区公安局"), ("达州市通川区", "达州市达川区"),
    ("攀枝花市西区", "攀枝花市东区"), ("中国（青禾）自贸区", "中国（青禾）自贸区（二期）"),
]


def test_names_that_normalize_alike_are_one_body_and_others_are_not():
    """One normalization (NFKC, radicals, invisible characters, whitespace, full/half width) for
    every comparison of bodies: agencies.yaml, across years, duplicates, add and check."""
    for a, b in SAME_BODY:
        assert name_key(a) == name_key(b), (a, b)
        agencies = Agencies({a: Agency(a, "某地", "县级", "department")})
        assert agencies.get(b) is not None and agencies.get(b).name == a, (a, b)
    for a, b in OTHER_BODIES:
        assert name_key(a) != name_key(b), (a, b)
        assert Agencies({a: Agency(a, "某地", "县级", "department")}).get(b) is None, (a, b)


def test_section_headings_as_portals_vary_them_are_found():
    """五、存在问题及改进措施 (without 的主要) and 六、其他需要说明的事项 are the sections 五 and 六: table 四 ends
    where 五 begins, and the narrative of 五 is read."""
    text = SEED.replace("五、存在的主要问题及改进措施", "五、存在问题及改进措施").replace(
        "六、其他需要报告的事项", "六、其他需要说明的事项")
    assert text != SEED
    expected = read(SEED).record
    r = read(text).record
    assert r.narrative.problems and r.narrative.problems == expected.narrative.problems
    assert r.narrative.other_matters == expected.narrative.other_matters
    assert r.review_litigation == expected.review_litigation and not r.unread


# --- what shows nothing: one rule for names, URLs and a report's text ---------------------------------

# Default_Ignorable_Code_Point as Unicode's DerivedCoreProperties.txt (Unicode 15.1) lists it, copied here
# apart from builder/record/characters.py to check its table: 4,174 code points
DERIVED_IGNORABLE = """
00AD 034F 061C 115F..1160 17B4..17B5 180B..180D 180E 180F 200B..200F 202A..202E 2060..2064 2065 2066..206F
3164 FE00..FE0F FEFF FFA0 FFF0..FFF8 1BCA0..1BCA3 1D173..1D17A E0000 E0001 E0002..E001F E0020..E007F
E0080..E00FF E0100..E01EF E01F0..E0FFF"""


def _code_points(ranges: str) -> set[int]:
    out: set[int] = set()
    for r in ranges.split():
        lo, _, hi = r.partition("..")
        out.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return out


def test_invisible_is_one_rule_over_every_code_point():
    """characters.invisible holds every default-ignorable code point, every format character (category Cf,
    the bidi controls among them) and the blank ones (U+2800, U+1D159), and nothing else but format
    characters of a Unicode later than this Python's (unassigned here). name_key folds exactly those and
    whitespace, and what it gives never holds one (NFKC makes U+3164 U+1160: folded too)."""
    ignorable = _code_points(DERIVED_IGNORABLE)
    assert len(ignorable) == 4174
    for cp in range(0x110000):
        c = chr(cp)
        category = unicodedata.category(c)
        expected = cp in ignorable or category == "Cf" or cp in (0x2800, 0x1D159)
        assert invisible(c) == expected or (invisible(c) and category == "Cn"), hex(cp)
        key = name_key(c)
        assert (key == "") == (invisible(c) or c.isspace()), hex(cp)
        assert first_invisible(key) is None, hex(cp)
    assert all(invisible(c) for c in BIDI_CONTROLS + "".join(INVISIBLE_FOUND))


def test_an_invisible_character_in_the_title_never_makes_a_second_body():
    title = "达州市通川区\n\n2023 年政府信息公开工作年度报告"
    for c in INVISIBLE_FOUND:
        r = read(SEED.replace(title, f"达州市{c}通川区{c}\n\n2023 年政府信息公开工作年度报告")).record
        assert r.agency == "达州市通川区", hex(ord(c))
    assert fold_text("4\u00ad03\ufe0f90") == "40390"


# --- a footnote marker after a number is not a digit of it ----------------------------------------------

LICENSING = "行政许可\t136302\t\t"


def test_a_footnote_marker_after_a_number_is_not_a_digit_of_it():
    """NFKC made 40390① the number 403901: a marker (circled, parenthesised, superscript …) after a number is
    kept out of it, with a note (extract.marker_dropped); a marker that begins a label is read as before."""
    assert LICENSING in SEED
    for printed in ("136302①", "136302²", "136302¹²", "136302⑩", "136302⑳", "136302 ①", "136302❶", "136302⑴",
                    "136302⒈", "136302₃", "136302件①", "136302①件", "１３６３０２③", "136,302④"):
        ex = read(SEED.replace(LICENSING, f"行政许可\t{printed}\t\t"))
        assert ex.record.article20.licensing == 136302, printed
        found = [f for f in ex.findings if f.rule == "extract.marker_dropped"]
        assert [(f.path, f.severity) for f in found] == [("article20.licensing", "info")], printed
    # numbers printed after their label with single spaces, each with its marker
    ex = read(SEED.replace(LICENSING, "行政许可 136302②"))
    assert ex.record.article20.licensing == 136302
    ex = read(SEED.replace(DISCLOSED, "三、（一）予以公开\t17①\t1\t5\t0\t0\t0\t23²"))
    assert ex.record.applications.outcomes.disclosed == [17, 1, 5, 0, 0, 0, 23]
    assert {f.path for f in ex.findings if f.rule == "extract.marker_dropped"} == {
        "applications.outcomes.disclosed[0]", "applications.outcomes.disclosed[6]"}
    # a marker that begins a label, or stands alone as an enumerator, is not after a number: as before
    ex = read(SEED.replace(LICENSING, "①行政许可\t136302\t\t"))
    assert ex.record.article20.licensing == 136302 and not any(f.rule == "extract.marker_dropped" for f in ex.findings)


def test_every_character_nfkc_makes_a_number_of_is_a_footnote_marker():
    """Over all of Unicode: a character that is no decimal digit but that NFKC makes digits (with a stop,
    a comma or parentheses: ① ⑴ ⒈ ² ₂ ㉑ 🄁) is a footnote marker; every marker is a number form (No)."""
    marker = re.compile(f"[{FOOTNOTE_MARKERS}]")
    for cp in range(0x110000):
        c = chr(cp)
        folded = unicodedata.normalize("NFKC", c)
        if unicodedata.category(c) != "Nd" and re.fullmatch(r"\(?[0-9]+[.,)]?", folded):
            assert marker.match(c), hex(cp)
        if marker.match(c):
            assert unicodedata.category(c) == "No", hex(cp)


# --- a number beyond the largest integer a record holds ---------------------------------------------------

def test_a_count_beyond_the_largest_integer_is_unread_with_a_finding():
    """2⁶³−1 (SQLite's largest integer) is kept; one more is an unread cell with a finding, never a
    traceback, and the row's other cells are read."""
    ex = read(SEED.replace(DISCLOSED, f"三、（一）予以公开\t{MAX_COUNT}\t1\t5\t0\t0\t0\t23"))
    assert ex.record.applications.outcomes.disclosed[0] == MAX_COUNT
    path = "applications.outcomes.disclosed[0]"
    for too_large in (MAX_COUNT + 1, 10 ** 39):
        ex = read(SEED.replace(DISCLOSED, f"三、（一）予以公开\t{too_large}\t1\t5\t0\t0\t0\t23"))
        r = ex.record
        assert r.applications.outcomes.disclosed == [None, 1, 5, 0, 0, 0, 23]
        assert r.status(path) == "unread" and path not in r.inferred
        assert [f.severity for f in ex.findings if f.rule == "extract.too_large" and f.path == path] == ["warning"]
        assert "extract.too_large" in UNREAD_RULES
    ex = read(SEED.replace(LICENSING, f"行政许可\t{MAX_COUNT + 1}\t\t"))
    assert ex.record.article20.licensing is None and "article20.licensing" in ex.record.unread


def test_the_arithmetic_never_infers_a_count_beyond_the_largest_integer():
    # table 四's 行政复议 row with its total blank: its parts add up to more than 2⁶³−1
    ex = read(SEED.replace("\n2\t1\t0\t1\t4\t", f"\n{MAX_COUNT}\t{MAX_COUNT}\t0\t1\t\t", 1))
    r = ex.record
    assert r.review_litigation.review == [MAX_COUNT, MAX_COUNT, 0, 1, None]
    assert "review_litigation.review[4]" not in r.inferred
    assert [f.rule for f in ex.findings if f.path == "review_litigation.review[4]"] == ["inference.impossible"]
