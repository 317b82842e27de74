"""Characters that look like others: text folded to what the report means.

Two kinds of damage real publishing tools leave in a report's text, invisible to a reader and
fatal to matching a body's name (a second body that looks identical):
- zero-width characters that web editors leave inside names and numbers (U+200B, U+200C, U+200D,
  U+2060, U+FEFF);
- ideographs that a PDF's font maps to the Kangxi Radicals (U+2F00–U+2FDF) or CJK Radicals
  Supplement (U+2E80–U+2EFF) code points (青 as U+2ED8). NFKC folds the first block, but only 2 of the
  128 code points of the second.

The radical table is Unicode's EquivalentUnifiedIdeograph.txt (Unicode 15; Debian's unicode-data),
restricted to those two blocks; `python -m builder.characters` prints it again from that file.
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
_FOLD = str.maketrans(_RADICALS, _IDEOGRAPHS, "\u200b\u200c\u200d\u2060\ufeff")
_FOLDED = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u2e80-\u2fdf]")  # what _FOLD changes (a text without
                                                                          # any is returned as it is, quickly)
_SPACES = re.compile(r"\s+")


def fold_text(text: str) -> str:
    """The text without zero-width characters and with radicals printed as ideographs; nothing else
    changes (full-width forms, spacing and line breaks are kept as printed)."""
    return text.translate(_FOLD) if _FOLDED.search(text) else text


def name_key(name: str) -> str:
    """The key under which two spellings of one body's name are the same body: folded as above,
    NFKC (full-width and half-width parentheses, digits and letters alike), whitespace removed.
    Used to match a record's agency to reports/agencies.yaml, never to change the name printed."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", fold_text(name)))


if __name__ == "__main__":  # regenerate the table: python -m builder.characters [EquivalentUnifiedIdeograph.txt]
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
