"""Bad input: a clear message naming the file and what is wrong, a non-zero exit, and in `check`
the other reports still go through."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from builder.pipeline import extract_file, process_all
from builder.read.text import ReportError
from conftest import REPORTS, ROOT

SEED = (REPORTS / "2023" / "达州市通川区.txt").read_text(encoding="utf-8")


def _without_section_3(text: str) -> str:
    a, b = text.index("三、收到和处理政府信息公开申请情况"), text.index("四、政府信息公开行政复议")
    return text[:a] + text[b:]


BAD = {
    "empty.txt": (b"", "the file is empty"),
    "binary.txt": (bytes(range(256)) * 8, "binary file"),
    "no-section-3.txt": (_without_section_3(SEED).encode(), "section 三"),
    "non-numeric.txt": (SEED.replace("申请数量\t55\t4", "申请数量\t55\t四").encode(),
                        "cell 2 is '四', not a number"),
    "truncated.txt": (SEED[: SEED.index("(四) 无法提供")].encode(), "truncated"),
    "not-a-report.txt": ("会议纪要\n今天开会讨论了三件事。\n".encode(), "not a government information"),
}


def extract_cli(path):
    return subprocess.run([sys.executable, "-m", "builder", "extract", str(path)], cwd=ROOT,
                          capture_output=True, text=True)


@pytest.mark.parametrize("name", sorted(BAD))
def test_extract_refuses_bad_input_with_a_clear_message(tmp_path, name):
    data, reason = BAD[name]
    path = tmp_path / name
    path.write_bytes(data)
    out = extract_cli(path)
    assert out.returncode == 1
    assert out.stdout == ""
    assert str(path) in out.stderr and reason in out.stderr


def test_truncated_message_says_where_it_ends():
    with pytest.raises(ReportError, match=r"truncated: the text ends in section 三 after 12 of its 25 rows"):
        from builder.extract.to_record import extract
        from builder.read.text import SourceText
        extract(SourceText("x.txt", "0" * 64, "text", SEED[: SEED.index("(四) 无法提供")]))


def test_check_reports_bad_files_and_still_processes_the_others(tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(REPORTS, reports, ignore=shutil.ignore_patterns("*.yaml"))
    for name, (data, _) in BAD.items():
        (reports / "2023" / name).write_bytes(data)
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 1, out.stdout
    for name, (_, reason) in BAD.items():
        assert any(line.startswith(f"reports/2023/{name}: error") and reason in line
                   for line in out.stdout.splitlines()), (name, out.stdout)
    assert "18 reports: 12 readable, 6 broken" in out.stdout
    outcomes = process_all(reports, tmp_path)
    good = sorted(o.record.agency for o in outcomes if o.record is not None and not o.failed)
    assert good == sorted(["达州市通川区", "巴州区", "大通湖区委区管委会办公室", "攀枝花市西区人民政府办公室",
                           "川汇区政府办公室"] + [g.name[:-len(".gold.yaml")].split("-", 1)[1]
                                                 for g in (ROOT / "tests" / "real" / "pingtan").glob("*.gold.yaml")])


def test_check_passes_on_the_repository():
    out = subprocess.run([sys.executable, "-m", "builder", "check"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "12 reports: 12 readable, 0 broken" in out.stdout


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_legacy_encodings_read_the_same(tmp_path, encoding):
    path = tmp_path / "report.txt"
    path.write_bytes(SEED.encode(encoding))
    record, _ = extract_file(path)
    reference, _ = extract_file(REPORTS / "2023" / "达州市通川区.txt")
    assert record.applications == reference.applications
    assert record.agency == reference.agency


def test_an_unreadable_encoding_is_refused(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(bytes(range(128, 256)) * 20)
    with pytest.raises(ReportError, match="not readable as text|binary"):
        extract_file(path)


def test_a_count_too_large_or_a_footnote_marker_is_a_finding_and_the_others_go_on(tmp_path):
    """A count over 2⁶³−1 printed in a report is an unread cell with a finding (once a traceback); a footnote
    marker after a number (40390①, once read 403901) is left out of it; the other cells and reports go on."""
    reports = tmp_path / "reports"
    (reports / "2023").mkdir(parents=True)
    shutil.copy(REPORTS / "2023" / "巴州区.txt", reports / "2023")
    text = SEED.replace("申请数量\t55\t4", f"申请数量\t{2 ** 63}\t4").replace("行政许可\t136302", "行政许可\t136302①")
    (reports / "2023" / "达州市通川区.txt").write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "builder", "check", "--root", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True)
    assert "Traceback" not in out.stderr + out.stdout and out.returncode == 0, out.stdout + out.stderr
    assert "2 reports: 2 readable, 0 broken" in out.stdout
    assert any(line.startswith("reports/2023/达州市通川区.txt: warning: extract.too_large at applications.new[0]")
               for line in out.stdout.splitlines()), out.stdout
    outcomes = {o.source.name: o for o in process_all(reports, tmp_path)}
    r = outcomes["达州市通川区.txt"].record
    assert not outcomes["达州市通川区.txt"].failed and r.applications.new[:2] == [None, 4]
    assert r.status("applications.new[0]") == "unread" and r.article20.licensing == 136302
    assert not outcomes["巴州区.txt"].failed
