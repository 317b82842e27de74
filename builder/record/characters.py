"""Characters that look like others: text folded to what the report means.

Two kinds of damage real publishing tools leave in a report's text, invisible to a reader and
fatal to matching a body's name (a second body that looks identical):
- characters that show nothing (`invisible`): zero-width characters that web editors leave inside
  names and numbers (U+200B, U+200C, U+200D, U+2060, U+FEFF), and every other default-ignorable,
  format or blank character (a soft hyphen, a variation selector, a bidi mark, a Hangul filler, a
  tag character, the blank Braille pattern);
- ideographs that a PDF's font maps to the Kangxi Radicals (U+2F00–U+2FDF) or CJK Radicals
  Supplement (U+2E80–U+2EFF) code points (青 as U+2ED8). NFKC folds the first block, but only 2 of the
  128 code points of the second.

The radical table is Unicode's EquivalentUnifiedIdeograph.txt (Unicode 15; Debian's unicode-data),
restricted to those two blocks; `python -m builder.record.characters` prints it again from that file.
"""
from __future__ import annotations

import re
import unicodedata

# generated from EquivalentUnifiedIdeograph.txt: each radical, then the unified ideograph it stands for
_RADICALS = (
    "⺁⺂⺃⺄⺅⺆⺇⺈⺉⺊⺋⺌⺍⺎⺏⺐⺑⺒⺓⺔⺕⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩"
    "⺪⺫⺬⺭⺮⺯⺰⺱⺲⺳⺴⺵⺶⺷⺸⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻇⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑"
    "⻒⻓⻔⻕⻖⻗⻘⻙⻚⻛⻜⻝⻞⻟⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳⼀⼁⼂⼃⼄⼅"
    "⼆⼇⼈⼉⼊⼋⼌⼍⼎⼏⼐⼑⼒⼓⼔⼕⼖⼗⼘⼙⼚⼛⼜⼝⼞⼟⼠⼡⼢⼣⼤⼥⼦⼧⼨⼩⼪⼫⼬⼭"
    "⼮⼯⼰⼱⼲⼳⼴⼵⼶⼷⼸⼹⼺⼻⼼⼽⼾⼿⽀⽁⽂⽃⽄⽅⽆⽇⽈⽉⽊⽋⽌⽍⽎⽏⽐⽑⽒⽓⽔⽕"
    "⽖⽗⽘⽙⽚⽛⽜⽝⽞⽟⽠⽡⽢⽣⽤⽥⽦⽧⽨⽩⽪⽫⽬⽭⽮⽯⽰⽱⽲⽳⽴⽵⽶⽷⽸⽹⽺⽻⽼⽽"
    "⽾⽿⾀⾁⾂⾃⾄⾅⾆⾇⾈⾉⾊⾋⾌⾍⾎⾏⾐⾑⾒⾓⾔⾕⾖⾗⾘⾙⾚⾛⾜⾝⾞⾟⾠⾡⾢⾣⾤⾥"
    "⾦⾧⾨⾩⾪⾫⾬⾭⾮⾯⾰⾱⾲⾳⾴⾵⾶⾷⾸⾹⾺⾻⾼⾽⾾⾿⿀⿁⿂⿃⿄⿅⿆⿇⿈⿉⿊⿋⿌⿍"
    "⿎⿏⿐⿑⿒⿓⿔⿕"
)
_IDEOGRAPHS = (
    "厂乛乚乙亻冂𠘨刀刂卜㔾小小兀尣尢𡯂巳幺彑𫜹忄心扌攵旡日月歺母民氵氺灬爫爫丬牛犭王"
    "𤴔目示礻𥫗糹纟罓罒㓁冗𦉫羊𦍌𦍋耂肀聿肉𦥑艹艹艹虎衤覀西见角𧢲讠贝𧾷车辶辶辶邑钅長"
    "镸长门𨸏阝雨青韦页风飞食𩙿飠饣𩠐马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟一丨丶丿乙亅"
    "二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山"
    "巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火"
    "爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而"
    "耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里"
    "金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎"
    "鼓鼠鼻齊齒龍龜龠"
)
# What shows nothing where it stands: ONE rule (`invisible`) for names, URLs and a report's text, as ranges
# of code points (first, last). Sources:
# - Default_Ignorable_Code_Point, Unicode's DerivedCoreProperties.txt (Unicode 15.1: 4,174 code points;
#   these ranges have not changed since Unicode 14.0);
# - general category Cf (format characters), Unicode's UnicodeData.txt (Unicode 15.1): among them the
#   bidi controls U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, and the Arabic number signs,
#   Egyptian hieroglyph format controls, interlinear annotation characters (those not default-ignorable);
# - characters printed blank that are neither of those nor whitespace: U+2800 BRAILLE PATTERN BLANK,
#   U+1D159 MUSICAL SYMBOL NULL NOTEHEAD.
# Whitespace is not in it (a space is seen); control characters (category Cc) are refused wherever a name
# or URL is validated (record/models.py), and kept in a report's text (tabs, line breaks, form feeds).
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
_FORMAT = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)
_BLANK = ((0x2800, 0x2800), (0x1D159, 0x1D159))
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""The bidi controls (Unicode's Bidi_Control property, PropList.txt): each is `invisible`."""

_CLASS = "".join(f"{chr(a)}-{chr(b)}" if b > a else chr(a) for a, b in _DEFAULT_IGNORABLE + _FORMAT + _BLANK)
_INVISIBLE = re.compile(f"[{_CLASS}]")
_FOLDED = re.compile(f"[{_CLASS}\u2e80-\u2fdf]")  # what fold_text changes (a text without any is returned as
                                                     # it is, quickly)
_RADICAL = str.maketrans(_RADICALS, _IDEOGRAPHS)
_SPACES = re.compile(r"\s+")


# A footnote marker: a character that prints a number as a mark (Unicode category No): superscript and
# subscript digits ¹²³⁰⁴…⁹ ₀…₉, circled ①…⑳ ⓪ ㉑…㊿, parenthesised ⑴…⒇, with a full stop ⒈…⒛, negative and
# double circled ⓫…⓿ ❶…➓ ㉈…㉏, 🄀…🄌 (every character NFKC makes digits, with or without a stop, comma or
# parentheses, and its dingbat kin). Printed after a number it marks a note and is no digit of it (NFKC
# would make 40390① the number 403901): the readers and extract/cells.py keep it out of the number.
FOOTNOTE_MARKERS = ("\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u249b\u24ea-\u24ff"
                    "\u2776-\u2793\u3248-\u324f\u3251-\u325f\u32b1-\u32bf\U0001f100-\U0001f10c")
"""The footnote markers as the body of a regular expression's character class ([...])."""


def invisible(ch: str) -> bool:
    """Whether a character shows nothing where it stands: a default-ignorable code point, a format
    character (category Cf, the bidi controls among them) or a blank one (U+2800, U+1D159; the Hangul
    fillers are default-ignorable). Whitespace and control characters are not (see the table above).
    `ch` is one character."""
    return _INVISIBLE.match(ch) is not None


def first_invisible(text: str) -> str | None:
    """The first `invisible` character of a text, or None."""
    m = _INVISIBLE.search(text)
    return m.group() if m else None


def fold_text(text: str) -> str:
    """The text without `invisible` characters and with radicals printed as ideographs; nothing else
    changes (full-width forms, spacing and line breaks are kept as printed)."""
    if not _FOLDED.search(text):
        return text
    return _INVISIBLE.sub("", text).translate(_RADICAL)


def name_key(name: str) -> str:
    """The key under which two spellings of one body's name are the same body: folded as above,
    NFKC (full-width and half-width parentheses, digits and letters alike), whitespace and what NFKC
    makes invisible (U+3164 HANGUL FILLER becomes U+1160) removed. Used to match a record's agency to
    reports/agencies.yaml, to find duplicates and twins, and to give a body one page, never to change
    the name printed."""
    return _SPACES.sub("", _INVISIBLE.sub("", unicodedata.normalize("NFKC", fold_text(name))))


if __name__ == "__main__":  # regenerate the table: python -m builder.record.characters [EquivalentUnifiedIdeograph.txt]
    import sys

    pairs = []
    for line in open(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode/EquivalentUnifiedIdeograph.txt"):
        line = line.split("#")[0].strip()
        if line:
            first, target = (x.strip() for x in line.split(";"))
            lo, _, hi = first.partition("..")
            for cp in range(int(lo, 16), int(hi or lo, 16) + 1):
                if 0x2E80 <= cp <= 0x2FDF:
                    pairs.append((chr(cp), chr(int(target, 16))))
    print("".join(a for a, _ in pairs))
    print("".join(b for _, b in pairs))
