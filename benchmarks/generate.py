"""Synthetic but realistic reports for the scale benchmark: plausible bodies and regions, numbers that
satisfy the template's arithmetic (and carry from one year to the next), narrative built from the seeds'
sentences, printed in the layouts real exports use (columns of spaces, Markdown, web pages, tab rows).

usage: python benchmarks/generate.py DIR N [--seed 1]   writes DIR/reports/YEAR/*.{txt,html} and
DIR/reports/agencies.yaml for N agency-year reports (five years per body, every province).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from builder.add_report import safe_name  # noqa: F401
from builder.record.models import Narrative, Record, Source, set_path  # noqa: F401
from builder.pipeline import extract_file  # noqa: F401
from builder.record.template import APPLICATION_ROWS, REVIEW_ROWS  # noqa: F401
from layouts import LAYOUTS, Options  # noqa: E402

REGIONS = {  # every provincial-level region, a few of its cities (a municipality's districts stand for them)
    "北京市": ["东城区", "西城区", "朝阳区", "海淀区"], "天津市": ["和平区", "河西区", "南开区", "滨海新区"],
    "河北省": ["石家庄市", "唐山市", "保定市", "邯郸市"], "山西省": ["太原市", "大同市", "长治市", "运城市"],
    "内蒙古自治区": ["呼和浩特市", "包头市", "赤峰市", "鄂尔多斯市"], "辽宁省": ["沈阳市", "大连市", "鞍山市", "锦州市"],
    "吉林省": ["长春市", "吉林市", "四平市", "延边朝鲜族自治州"], "黑龙江省": ["哈尔滨市", "齐齐哈尔市", "牡丹江市", "大庆市"],
    "上海市": ["黄浦区", "徐汇区", "浦东新区", "闵行区"], "江苏省": ["南京市", "苏州市", "无锡市", "徐州市", "南通市"],
    "浙江省": ["杭州市", "宁波市", "温州市", "绍兴市", "金华市", "台州市"], "安徽省": ["合肥市", "芜湖市", "蚌埠市", "安庆市"],
    "福建省": ["福州市", "厦门市", "泉州市", "漳州市"], "江西省": ["南昌市", "赣州市", "九江市", "上饶市"],
    "山东省": ["济南市", "青岛市", "烟台市", "潍坊市", "临沂市", "济宁市"],
    "河南省": ["郑州市", "周口市", "洛阳市", "开封市", "南阳市", "信阳市", "商丘市"],
    "湖北省": ["武汉市", "宜昌市", "襄阳市", "荆州市"], "湖南省": ["长沙市", "益阳市", "岳阳市", "常德市", "衡阳市", "株洲市"],
    "广东省": ["广州市", "深圳市", "佛山市", "东莞市", "惠州市", "汕头市", "湛江市"],
    "广西壮族自治区": ["南宁市", "柳州市", "桂林市", "玉林市"], "海南省": ["海口市", "三亚市", "儋州市"],
    "重庆市": ["渝中区", "万州区", "涪陵区", "江北区"],
    "四川省": ["成都市", "达州市", "巴中市", "攀枝花市", "绵阳市", "南充市", "宜宾市", "泸州市"],
    "贵州省": ["贵阳市", "遵义市", "六盘水市", "安顺市"], "云南省": ["昆明市", "曲靖市", "大理白族自治州", "红河哈尼族彝族自治州"],
    "西藏自治区": ["拉萨市", "日喀则市", "昌都市"], "陕西省": ["西安市", "宝鸡市", "咸阳市", "榆林市"],
    "甘肃省": ["兰州市", "天水市", "酒泉市", "庆阳市"], "青海省": ["西宁市", "海东市", "海西蒙古族藏族自治州"],
    "宁夏回族自治区": ["银川市", "石嘴山市", "吴忠市"], "新疆维吾尔自治区": ["乌鲁木齐市", "克拉玛依市", "喀什地区", "伊犁哈萨克自治州"],
}
COUNTIES = ["城关区", "东城区", "西城区", "南湖区", "北山区", "新华区", "高新区", "经开区", "江北区", "河东区",
            "长安县", "永丰县", "清河县", "安平县", "临江县", "丰收县", "平安县", "东阳县", "青山县", "白水县"]
BODIES = ["人民政府", "人民政府办公室", "发展和改革局", "教育局", "公安局", "民政局", "司法局", "财政局",
          "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
          "农业农村局", "商务局", "文化广电旅游局", "卫生健康局", "应急管理局", "市场监督管理局"]
YEARS = (2021, 2022, 2023, 2024, 2025)  # five years of the 2021 edition


def agencies(count: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(name, region, level, kind) for `count` distinct bodies. Raises ValueError when the names it makes
    cannot give that many."""
    possible = sum(len(cities) for cities in REGIONS.values()) * len(BODIES) * (1 + len(COUNTIES))
    if count > possible // 2:  # drawn at random: past half of them, a name is mostly one already drawn
        raise ValueError(f"{count} bodies asked, of {possible} names the generator can make")
    out, seen = [], set()
    while len(out) < count:
        province = rng.choice(sorted(REGIONS))
        city = rng.choice(REGIONS[province])
        body = rng.choice(BODIES)
        if rng.random() < 0.2:
            name, region, level = f"{city}{body}", f"{province}{city}", "市级"
        else:
            county = rng.choice(COUNTIES)
            name, region, level = f"{city}{county}{body}", f"{province}{city}{county}", "县级"
        if name in seen:
            continue
        seen.add(name)
        out.append((name, region, level, "government" if body == "人民政府" else "department"))
    return out


def sentences() -> list[str]:
    out = []
    for seed in sorted((ROOT / "reports" / "2023").glob("*.txt")):
        record, _ = extract_file(seed)
        for text in (record.narrative.overview, record.narrative.problems):
            out += [s + "。" for s in re.split(r"。", text or "") if 20 <= len(s) <= 200]
    return out


def numbers(record: Record, rng: random.Random, carried_over: list[int] | None,
            in_force: tuple[int, int] | None) -> None:
    """Random counts that satisfy every equation of the template."""
    busy = rng.choice((0, 1, 3, 10, 40))
    outcome_rows = [r for r in APPLICATION_ROWS if r.path.startswith("applications.outcomes.") and
                    not r.path.endswith(".total")]
    columns = [[0] * 6 for _ in outcome_rows]
    for k, row in enumerate(outcome_rows):
        weight = {"disclosed": 1.0, "partially_disclosed": 0.5, "not_held": 0.5}.get(row.key, 0.05)
        for c in range(6):
            share = (1.0, 0.3, 0.05, 0.05, 0.1, 0.1)[c]
            columns[k][c] = int(rng.expovariate(1 / max(0.01, busy * weight * share))) if busy else 0
    for k, row in enumerate(outcome_rows):
        set_path(record, row.path, columns[k] + [sum(columns[k])])
    total = [sum(columns[k][c] for k in range(len(outcome_rows))) for c in range(6)]
    record.applications.outcomes.total = total + [sum(total)]
    before = carried_over or [rng.choice((0, 0, 0, 1, 2)) if c == 0 else 0 for c in range(6)]
    forward = [min(rng.choice((0, 0, 0, 1, 3)), total[c] + before[c]) if c == 0 else 0 for c in range(6)]
    new = [total[c] + forward[c] - before[c] for c in range(6)]
    if any(v < 0 for v in new):
        forward = [f - min(0, n) for f, n in zip(forward, new)]
        new = [total[c] + forward[c] - before[c] for c in range(6)]
    record.applications.new = new + [sum(new)]
    record.applications.carried_over = before + [sum(before)]
    record.applications.carried_forward = forward + [sum(forward)]
    for row in REVIEW_ROWS:
        parts = [int(rng.expovariate(1 / max(0.01, busy * 0.02))) for _ in range(4)]
        set_path(record, row.path, parts + [sum(parts)])
    a = record.article20
    regs, docs = in_force or (rng.choice((0, 0, 1, 3)), rng.randint(5, 200))
    a.regulations.issued, a.regulations.repealed, a.regulations.in_force = 0, 0, regs
    a.normative_documents.issued, a.normative_documents.repealed = rng.randint(0, 12), rng.randint(0, 3)
    a.normative_documents.in_force = max(0, docs + a.normative_documents.issued - a.normative_documents.repealed)
    a.licensing, a.punishment, a.enforcement = (rng.choice((0, rng.randint(0, 50000))) for _ in range(3))
    a.fees_10k_yuan = rng.choice((0, round(rng.uniform(0, 5000), 2)))


def generate(out: Path, n: int, seed: int = 1) -> list[tuple[Path, Record]]:
    rng = random.Random(seed)
    bodies = agencies((n + len(YEARS) - 1) // len(YEARS), rng)
    text = sentences()
    layouts = sorted(LAYOUTS)
    written = []
    lines = ["# synthetic bodies for the scale benchmark"]
    for name, region, level, kind in bodies:
        lines.append(f"{name}: {{region: {region}, level: {level}, kind: {kind}}}")
        forward, in_force = None, None
        for year in YEARS:
            if len(written) >= n:
                break
            record = Record(agency=name, year=year, source=Source(path="x", sha256="0" * 64, format="text"),
                            narrative=Narrative(overview="\n".join(rng.sample(text, 4)),
                                                problems="\n".join(rng.sample(text, 2)),
                                                other_matters="本年度未收取信息处理费，无其他需要报告的事项。"))
            numbers(record, rng, forward, in_force)
            forward = record.applications.carried_forward[:6]
            in_force = (record.article20.regulations.in_force, record.article20.normative_documents.in_force)
            if rng.random() < 0.7:
                record.source.published_on = dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(5, 100))
            layout = rng.choice(layouts)
            page = LAYOUTS[layout](record, Options(footer=rng.random() < 0.5))
            ext = ".html" if layout == "portal-html" else ".txt"
            path = out / "reports" / str(year) / f"{safe_name(name)}{ext}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page, encoding="utf-8")
            written.append((path, record))
    (out / "reports").mkdir(parents=True, exist_ok=True)
    (out / "reports" / "agencies.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(f"{len(generate(args.dir, args.n, args.seed))} reports in {args.dir / 'reports'}")


if __name__ == "__main__":
    main()
