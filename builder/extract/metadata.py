"""What a report says of itself, and where its parts are: its sections by their headings, its title
(body and year), the date it prints and the date and address it was posted under, its narrative.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from .cells import BLANK, NUM, Line
from ..record.models import Finding
from ..read.sources import DAMAGED
from ..record.template import EDITIONS, HEADING_NUMBER, SECTIONS


# a heading's number printed twice ("三、三、收到和处理…", "(一)(一)"): a converter kept both the word
# processor's list numbering and the number typed after it
_DOUBLED_NUMBER = re.compile(r"^([一二三四五六七八九十]{1,3}[、.．]|\([一二三四五六七八九十]{1,3}\))\1+")


def _heading_text(line: Line) -> str:
    """A line's text as a heading: the line without whitespace, or the one cell of a table row whose other
    cells are empty (a converter caught the heading above a table as the table's first row), its number
    printed once where a converter printed it twice (`三、三、…`)."""
    filled = [c for c in line.cells if c.kind != BLANK] if line.multi else ()
    text = re.sub(r"\s+", "", filled[0].text) if len(filled) == 1 else line.compact
    return _DOUBLED_NUMBER.sub(r"\1", text)


def find_sections(lines: Sequence[Line]) -> dict[str, int]:
    """Index (into lines) of each section heading found, in order. A heading whose number is printed
    twice (`三、三、…`), or printed as the one cell of a table row, is found; so is a heading numbered
    otherwise than the template (一 … 七, a section of the report's own added). Section 四, whose heading
    reports word in many ways, is found by its table where its words are not: `_review_table`."""
    found: dict[str, int] = {}
    start = 0
    texts: dict[int, str] = {}  # a line's heading text, made once though a section not found reads on
    for section in SECTIONS:
        for k in range(start, len(lines)):
            text = texts.get(k)
            if text is None:
                text = texts[k] = _heading_text(lines[k])
            # the heading as the template prints it; or its words alone on a line, the numeral lost
            # (OCR drops a leading 二、 now and then)
            if len(text) <= 40 and (re.match(section.pattern, text) or (
                    text.startswith(section.title) and len(text) <= len(section.title) + 2)):
                found[section.key] = k
                start = k + 1
                break
    if "review_litigation" not in found and "applications" in found:
        later = [v for key, v in found.items() if v > found["applications"]]
        table = _review_table(lines, found["applications"] + 1, min(later, default=len(lines)))
        if table is not None:
            found["review_litigation"] = table
            found = dict(sorted(found.items(), key=lambda kv: kv[1]))
    return found


_REVIEW_HEAD = ("结果维持", "结果纠正", "其他结果", "尚未审结")  # template.REVIEW_COLUMNS but 总计
_REVIEW_LABELS = re.compile(r"行政复议|行政诉讼|直接起诉|复议后起诉")


def _labels_only(line: Line) -> bool:
    return not any(c.kind == NUM for c in line.cells)


def _review_table(lines: Sequence[Line], start: int, end: int) -> int | None:
    """Where section 四 begins when its heading's words are not the template's (因政府信息公开工作被申请行政
    复议、提起行政诉讼情况; 行政法复议; a converter's repeated heading): by its table's shape, the columns 结果维持
    结果纠正 其他结果 尚未审结 总计 (template.REVIEW_COLUMNS) printed as a header after table 三, under the labels
    行政复议 and 行政诉讼 (未经复议直接起诉, 复议后起诉). The index of the numbered heading right above that
    header, else of the header's first line (a line of labels, no numbers); None without such a header."""
    for k in range(start, end):
        text = lines[k].compact
        if len(text) > 120 or not _labels_only(lines[k]):
            continue
        window = "".join(ln.compact for ln in lines[k:min(end, k + 6)] if _labels_only(ln))
        if not (text.startswith(_REVIEW_HEAD) or text.startswith(("行政复议", "行政诉讼"))) or \
                sum(h in window for h in _REVIEW_HEAD) < 3:
            continue
        first = k
        while first > start and _labels_only(lines[first - 1]) and len(lines[first - 1].compact) <= 60 and \
                (_REVIEW_LABELS.search(lines[first - 1].compact) or not lines[first - 1].compact.strip("|")) and \
                not re.match(HEADING_NUMBER, _heading_text(lines[first - 1])):
            first -= 1  # the labels above the columns (行政复议, 行政诉讼 …), or empty cells
        above = first - 1
        if above >= start and re.match(HEADING_NUMBER, _heading_text(lines[above])) and \
                len(_heading_text(lines[above])) <= 60 and not lines[above].multi:
            return above
        return first
    return None


def table_end(lines: Sequence[Line], start: int, end: int, is_label) -> int:
    """Where a table's section ends before `end` (the next of the template's sections): at a top-level
    numbered heading of the report's own (五、信息处理费收取情况, with a table of its own) that names no row
    or column of the table (`is_label`: a row of table 三 printed alone on its line, 四、结转下年度继续办理, is
    no heading), nor is a heading of the template's (a converter repeats a section's heading on each page
    of its table, as a running head), nor a piece of one of the template's labels that a layout broke over
    lines (三、本 | 年度办理结果: _label_piece)."""
    for k in range(start, end):
        line = lines[k]
        if line.multi and any(c.kind == NUM for c in line.cells):
            continue
        text = _heading_text(line)
        if len(text) <= 40 and re.match(HEADING_NUMBER, text) and not is_label(text) and \
                not any(re.match(s.pattern, text) for s in SECTIONS) and not _label_piece(text):
            return k
    return end


def _label_piece(text: str) -> bool:
    """Whether a numbered line is the start of one of the template's labels, cut where a layout broke the
    label over lines (三、本 of 三、本年度办理结果, 二、上年 of 二、上年结转政府信息公开申请数量), not a heading:
    it names fewer than MIN_HEADING characters after its number, or one of the labels begins with it."""
    words = re.sub(r"\s+", "", text)
    rest = re.sub(HEADING_NUMBER, "", words, count=1)
    return len(rest) < MIN_HEADING or any(label.startswith(words) for label in _TEMPLATE_LABELS)


MIN_HEADING = 4  # characters a heading of the report's own names after its number (五、信息处理费收取情况)
_TEMPLATE_LABELS = tuple(sorted({re.sub(r"\s+", "", text) for edition in EDITIONS.values()
                                 for rows in (edition.applications, edition.article20)
                                 for row in rows for text in (getattr(row, "group", ""), row.label) if text}))


def _region(lines: Sequence[Line], sections: dict[str, int], key: str) -> tuple[int, int] | None:
    if key not in sections:
        return None
    start = sections[key] + 1
    later = [v for k, v in sections.items() if v > sections[key]]
    return start, (min(later) if later else len(lines))


# --- metadata ------------------------------------------------------------------------------

# a report's title: its body, (关于, and the verb of a covering letter: 关于报送…的函), its year, 政府信息公开工作年度报告
_TITLE = re.compile(r"(?P<agency>.*?)\s*(?:关于)?\s*(?:报送|呈报|上报|印发|公布|发布)?\s*(?P<year>20\d{2})\s*年(?:度)?\s*"
                    r"(?P<rest>.{0,12}?)(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
# a reporting body's name: no sentence punctuation, menus or verbs of an introduction
_AGENCY_LINE = re.compile(r"^(?!根据|按照|依据|现将|本报告|本年度|当前位置|首页)[^，。,;；|>《》:：\s]{2,40}$")
_PERIOD = re.compile(r"统计期限为?\s*(20\d{2})\s*年\s*1\s*月\s*1\s*日")
_DATE = re.compile(r"(20\d{2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_YEAR = re.compile(r"([〇○零O一二三四五六七八九]{4})(?=年)")
_CN_DATE = re.compile(r"([〇○零O一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                      r"\s*([一二三四五六七八九十]{1,3})\s*日")


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


_TITLE_LABEL = re.compile(r"^(?:标题|题目)[:：]")  # a crawler's header names the title: the label is not the body


def parse_title(lines: Sequence[Line], sections: dict[str, int]) -> tuple[str | None, int | None]:
    """Agency and year from the report's title: the last title-like line above section 一 (a saved
    web page has menus and breadcrumbs above it), its agency on the same line or the line before."""
    end = min(sections.values()) if sections else min(len(lines), 12)
    head = [_CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group(1)),
                         _TITLE_LABEL.sub("", ln.compact)) for ln in lines[:min(end, 120)]]
    found: tuple[str | None, int] | None = None
    for k, text in enumerate(head):
        if len(text) > 60:  # not a title (and a long line would cost _TITLE's `.*?` quadratic time)
            continue
        # a title's year is on this line; what follows it on the next line is at most 40 characters
        joined = text + (head[k + 1][:40] if k + 1 < len(head) else "")
        m = _TITLE.search(joined)
        if not m or m.start("year") >= len(text):
            continue
        agency = m.group("agency").strip(":：#")
        rest = m.group("rest")
        if not agency and rest and not rest.startswith(("政府", "度")):
            agency = rest
        if not agency and k > 0 and _AGENCY_LINE.match(head[k - 1]):
            agency = head[k - 1]
        if agency and not _AGENCY_LINE.match(agency):
            agency = None
        if agency or found is None:
            found = (agency, int(m.group("year")))
    if found:
        return found
    for ln in lines[:40]:
        m = _PERIOD.search(ln.compact)
        if m:
            return None, int(m.group(1))
    return None, None


def title_line(lines: Sequence[Line]) -> str | None:
    """The first short line (60 characters at most) that reads as a report's title (_TITLE: a body, a year,
    政府信息公开工作年度报告), as printed; None if there is none."""
    for ln in lines[:400]:
        text = ln.compact
        if len(text) <= 60 and _TITLE.search(text):
            return re.sub(r"\s+", " ", ln.raw).strip()
    return None


def date_in(text: str) -> dt.date | None:
    """The first date written in text (2024-01-19, 2024年1月19日, 二〇二四年一月十九日), or None."""
    m = _DATE.search(text)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _CN_DATE.search(text)
        if m:
            y = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
            return dt.date(y, _cn_number(m.group(2)), _cn_number(m.group(3)))
    except (ValueError, KeyError):
        return None
    return None


def parse_published(lines: Sequence[Line], sections: dict[str, int], year: int | None) -> dt.date | None:
    """The date the report prints as its own (`source.published_on`): a signature date at the end, or a
    成文日期 / 印发日期 in its head. A portal's or crawler's 发布时间 is when it was posted (`posted_on`,
    see `parse_wrappers`), not a date the report prints."""

    def plausible(d: dt.date | None) -> bool:
        return d is not None and (year is None or year < d.year <= year + 2)

    last = sections.get("other_matters", sections.get("problems", len(lines) - 6))
    for ln in reversed(lines[max(0, min(last, len(lines) - 6)):]):
        if len(ln.compact) <= 16:
            d = date_in(ln.compact)
            if plausible(d):
                return d
    for ln in lines[:min(sections.values(), default=12) if sections else 12]:
        if re.search(r"(印发|成文)(日期|时间)", ln.compact) and not _WRAPPER.search(ln.compact):
            d = date_in(ln.compact)
            if plausible(d):
                return d
    return None


# a portal's or crawler's header line: "发布时间：2025-01-23 10:21", "来源：某局  时间：…", "原文链接：https://…"
_WRAPPER_LABELS = (r"标题|题目|发布时间|发布日期|发文日期|上传时间|时间|日期|发布机构|发布单位|发文机关|发文单位|"
                   r"信息来源|来源|原文链接|原文地址|原文网址|网址|链接|URL|索引号|文号|主题分类|分类|浏览次数|点击数")
_WRAPPER = re.compile(rf"(?:^|(?<=\s))({_WRAPPER_LABELS})\s*[:：]\s*")
_POSTED_LABELS = {"发布时间", "发布日期", "发文日期", "上传时间", "时间", "日期"}
_URL_LABELS = {"原文链接", "原文地址", "原文网址", "网址", "链接", "URL"}
_BODY_LABELS = {"发布机构", "发布单位", "发文机关", "发文单位", "信息来源", "来源"}


@dataclass
class Wrapper:
    """What a portal's page header or a crawler's export header says of the report."""

    posted_on: dt.date | None = None
    url: str | None = None
    body: str | None = None
    title: str | None = None


def parse_wrappers(lines: Sequence[Line], year: int | None) -> Wrapper:
    """The metadata in header lines above the report (labels with full- or half-width colons). Only lines
    that are nothing but such pairs count, so a sentence of the report that says 时间： is left alone."""
    out = Wrapper()
    for ln in lines:
        text = ln.norm.strip()
        found = list(_WRAPPER.finditer(text))
        if not found or found[0].start() > 0:
            continue
        for k, m in enumerate(found):
            label = m.group(1)
            value = text[m.end():found[k + 1].start() if k + 1 < len(found) else len(text)].strip()
            if label in _POSTED_LABELS and out.posted_on is None:
                d = date_in(value)
                if d is not None and (year is None or year <= d.year <= year + 3):
                    out.posted_on = d
            elif label in _URL_LABELS and out.url is None:
                m_url = re.match(r"https?://\S+", value)
                out.url = m_url.group()[:2000] if m_url else None
            elif label in _BODY_LABELS and out.body is None and _AGENCY_LINE.match(re.sub(r"\s", "", value)):
                out.body = re.sub(r"\s", "", value)
            elif label in ("标题", "题目") and out.title is None:
                out.title = value
    return out


def signature_agency(lines: Sequence[Line]) -> str | None:
    """The body that signs the report: the short line just above the date at its end."""
    tail = lines[-6:]
    for k in range(len(tail) - 1, 0, -1):
        if len(tail[k].compact) <= 16 and (_DATE.search(tail[k].compact) or _CN_DATE.search(tail[k].compact)):
            name = tail[k - 1].compact
            return name if _AGENCY_LINE.match(name) and not _DATE.search(name) else None
    return None


def damaged_text(lines: Sequence[Line], sections: dict[str, int]) -> list[Finding]:
    """A finding for each section whose text holds characters that could not be decoded (U+FFFD, what
    a reader makes of a broken byte), naming the lines; the rest of the report is read as usual."""
    paths = {"overview": "narrative.overview", "problems": "narrative.problems",
             "other_matters": "narrative.other_matters"}
    starts = sorted((k, key) for key, k in sections.items())
    hit: dict[str | None, list[int]] = {}
    for i, ln in enumerate(lines):
        if DAMAGED in ln.raw:
            key = next((key for k, key in reversed(starts) if k <= i), None)
            hit.setdefault(key, []).append(ln.no + 1)
    out = []
    for key, nos in hit.items():
        where = next((f"section {s.numeral} ({s.title})" for s in SECTIONS if s.key == key), "the report's head")
        out.append(Finding(
            rule="read.damaged_text", severity="warning", path=paths.get(key, key),
            message=f"{where}: the text is damaged on line {', '.join(map(str, nos[:5]))} (bytes that decode as no "
                    "character, shown as �); the rest of the report is read"))
    return out


def as_printed(lines: Sequence[Line], name: str) -> str:
    """A name found in the lines' normalised text (NFKC, whitespace removed), as the report prints it:
    full-width parentheses and digits kept, layout spaces dropped. The name itself if no line or pair
    of adjacent lines holds it."""
    def per_char(raw: str) -> tuple[str, list[int]]:
        norm, origin = [], []
        for k, ch in enumerate(raw):
            for n in re.sub(r"\s", "", unicodedata.normalize("NFKC", ch)):
                norm.append(n)
                origin.append(k)
        return "".join(norm), origin

    for k in range(len(lines)):
        for raw in (lines[k].raw, lines[k].raw + (lines[k + 1].raw if k + 1 < len(lines) else "")):
            norm, origin = per_char(raw)
            i = norm.find(name)
            if i >= 0:
                return re.sub(r"\s", "", raw[origin[i]:origin[i + len(name) - 1] + 1])
    return name


def parse_narrative(lines: Sequence[Line], sections: dict[str, int], key: str,
                    agency: str | None) -> str | None:
    region = _region(lines, sections, key)
    if region is None:
        return None
    pattern = next(s.pattern for s in SECTIONS if s.key == key)
    kept = [ln for ln in lines[region[0]:region[1]] if not re.match(pattern, ln.compact)]
    # the signature (agency and date) closes the last section; it is not its prose
    while kept and (len(kept[-1].compact) <= 30 and (_DATE.search(kept[-1].compact) or _CN_DATE.search(
            kept[-1].compact) or (agency and kept[-1].compact == agency))):
        kept.pop()
    text = "\n".join(re.sub(r"^\s*(#{1,6}\s+|>\s*)", "", ln.raw).strip() for ln in kept).strip()
    return text or None
