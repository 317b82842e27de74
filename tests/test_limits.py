"""Bounded work per file: a file over a size, page, inflation, time or memory limit is refused with an
error naming it and the limit, and the other reports still publish; no per-line pattern costs time
quadratic in a line's length."""
from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
import zlib
from pathlib import Path

import pytest

import builder.pipeline as pipeline
from builder.read.limits import DEFAULTS, Limits, limits
from builder.pipeline import extract_file, process_all
from builder.read.text import LimitError, ReportError
from builder.read.sources import read_source
from conftest import REPORTS

GOOD = "巴州区.txt"
TITLE = "某某市人民政府2023年政府信息公开工作年度报告\n"


def _repo(tmp_path: Path, extra: dict[str, bytes]) -> Path:
    """A repository of one good report and the files `extra` (name → bytes) beside it."""
    year = tmp_path / "reports" / "2023"
    year.mkdir(parents=True)
    shutil.copy(REPORTS / "2023" / GOOD, year / GOOD)
    for name, data in extra.items():
        (year / name).write_bytes(data)
    return tmp_path


def _outcomes(root: Path, **kw) -> dict[str, pipeline.Outcome]:
    return {o.source.name: o for o in process_all(root / "reports", root, **kw)}


def _pdf(pages: int, content: bytes = b"") -> bytes:
    """A PDF of `pages` empty pages, the first drawing `content` (inflated by FlateDecode)."""
    stream = zlib.compress(content, 9)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]{' /Contents 3 0 R' if i == 0 else ''} >>"
                .encode() for i in range(pages)]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_limits_have_defaults_and_are_set_by_environment_variables(monkeypatch):
    assert limits() == DEFAULTS == Limits()
    assert (DEFAULTS.max_file_mb, DEFAULTS.max_pdf_pages, DEFAULTS.max_seconds) == (50, 200, 600)
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_PDF_PAGES", "12")
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_FILE_MB", "0.5")
    assert (limits().max_pdf_pages, limits().max_file_mb) == (12, 0.5)
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_SECONDS", "soon")
    with pytest.raises(ValueError, match="DISCLOSURE_INDEX_MAX_SECONDS"):
        limits()


def test_a_file_over_the_size_limit_is_refused_and_the_others_publish(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_FILE_MB", "1")
    root = _repo(tmp_path, {"big.txt": (TITLE + "政府信息公开\n" * 100_000).encode()})
    state = root / ".cache" / "state.json"
    outcomes = _outcomes(root, state_file=state, cache_dir=root / ".cache" / "extract")
    assert not outcomes[GOOD].failed
    assert outcomes["big.txt"].error == ("a file of 1.9 MB, over the limit of 1 MB (DISCLOSURE_INDEX_MAX_FILE_MB)")
    # a limit's refusal is not remembered: with a higher limit the next build reads the file
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_FILE_MB", "3")
    again = _outcomes(root, state_file=state, cache_dir=root / ".cache" / "extract")
    assert "over the limit" not in (again["big.txt"].error or "")


def test_a_pdf_over_the_page_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_PDF_PAGES", "3")
    with pytest.raises(LimitError) as caught:
        read_source(tmp_path / "x.pdf", _pdf(5))
    assert str(caught.value) == (f"{tmp_path / 'x.pdf'}: 5 pages, over the limit of 3 pages "
                                 "(DISCLOSURE_INDEX_MAX_PDF_PAGES)")
    root = _repo(tmp_path, {"long.pdf": _pdf(5)})
    outcomes = _outcomes(root)
    assert not outcomes[GOOD].failed and "DISCLOSURE_INDEX_MAX_PDF_PAGES" in outcomes["long.pdf"].error


def test_a_pdf_whose_streams_inflate_past_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_UNPACKED_MB", "2")
    bomb = _pdf(1, b" " * 30_000_000)  # 30 KB that inflate to 30 MB
    assert len(bomb) < 100_000
    t0 = time.perf_counter()
    with pytest.raises(LimitError, match=r"inflate to more than .* over the limit of 2 MB "
                                         r"\(DISCLOSURE_INDEX_MAX_UNPACKED_MB\)"):
        read_source(tmp_path / "bomb.pdf", bomb)
    assert time.perf_counter() - t0 < 5
    # under the limit, the same reader reads the stream (the guard inflates what zlib would)
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_UNPACKED_MB", "64")
    with pytest.raises(ReportError, match="scanned PDF|OCR") as caught:
        read_source(tmp_path / "bomb.pdf", bomb)
    assert not isinstance(caught.value, LimitError)


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_UNPACKED_MB", "5")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b" " * 50_000_000)
    with pytest.raises(LimitError, match=r"its parts inflate to 50.0 MB, over the limit of 5 MB"):
        read_source(tmp_path / "bomb.docx", buffer.getvalue())


def _slow_or_broken(monkeypatch):
    """read_source that hangs on slow.txt, dies on crash.txt, fails on bug.txt and allocates without
    end on greedy.txt (inherited by the worker processes, which are forked)."""
    real = pipeline.read_source

    def reader(path, data=None):
        name = Path(path).name
        if name == "slow.txt":
            time.sleep(600)
        if name == "crash.txt":
            os._exit(3)
        if name == "bug.txt":
            raise RuntimeError("a bug")
        if name == "greedy.txt":
            return [bytearray(5 * 10 ** 9)]  # over the default 4,096 MB, which the worker enforces
        return real(path, data)

    monkeypatch.setattr(pipeline, "read_source", reader)


def test_a_report_over_the_time_limit_is_stopped_and_the_others_publish(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_SECONDS", "2")
    _slow_or_broken(monkeypatch)
    files = {n: (TITLE + "正文\n").encode() for n in ("slow.txt", "crash.txt", "bug.txt", "greedy.txt")}
    root = _repo(tmp_path, files)
    shutil.copy(REPORTS / "2023" / "川汇区政府办公室.txt", root / "reports" / "2023" / "川汇区政府办公室.txt")
    t0 = time.perf_counter()
    outcomes = _outcomes(root, jobs=1)
    assert time.perf_counter() - t0 < 30
    assert not outcomes[GOOD].failed and not outcomes["川汇区政府办公室.txt"].failed
    assert outcomes["slow.txt"].error == ("reading it took longer than the limit of 2 seconds "
                                          "(DISCLOSURE_INDEX_MAX_SECONDS)")
    assert "the reader stopped while reading this file (exit code 3" in outcomes["crash.txt"].error
    assert "the builder failed on this file (RuntimeError: a bug)" in outcomes["bug.txt"].error
    assert "DISCLOSURE_INDEX_MAX_MEMORY_MB" in outcomes["greedy.txt"].error


LONG = 64_000
PATHOLOGICAL = {
    "digits and spaces": " ".join(str(i % 10) * (1 + i % 4) for i in range(LONG // 3))[:LONG],
    "CJK without punctuation": ("政府信息公开年度报告" * LONG)[:LONG],
    "1 repeated": "1 " * (LONG // 2),
    "digits": "7" * LONG,
    "label and numbers": "行政处罚" + " 1" * (LONG // 2) + "x",
    "unclosed tables": "<table>\n" * 20_000,
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_lines_take_linear_time(name):
    text = TITLE + PATHOLOGICAL[name] + "\n"
    for suffix, data in ((".txt", text.encode()), (".html", f"<html><body>{text}</body></html>".encode())):
        t0 = time.perf_counter()
        with pytest.raises(ReportError, match="section"):  # not a report: but read, quickly
            extract_file(f"x{suffix}", data=data)
        assert time.perf_counter() - t0 < 5, (name, suffix)


def test_add_and_extract_read_a_file_under_the_same_limits_as_build(tmp_path, monkeypatch, capsys):
    """`add` and `extract` read the new file in a worker process as build does: a file that hangs,
    crashes the reader or eats memory is refused with a message naming the file and the limit, the
    command returns, and nothing is written into reports/."""
    from builder import cli
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_SECONDS", "2")
    _slow_or_broken(monkeypatch)
    root = _repo(tmp_path, {})
    before = sorted(p.name for p in (root / "reports").rglob("*"))
    expected = {"slow.txt": "reading it took longer than the limit of 2 seconds (DISCLOSURE_INDEX_MAX_SECONDS)",
                "crash.txt": "the reader stopped while reading this file (exit code 3",
                "greedy.txt": "reading it needed more memory than the limit of 4096 MB (DISCLOSURE_INDEX_MAX_MEMORY_MB)"}
    for name, message in expected.items():
        new = tmp_path / name
        new.write_bytes((TITLE + "正文\n").encode())
        t0 = time.perf_counter()
        assert cli.main(["add", str(new), "--root", str(root)]) == cli.EXIT_BROKEN
        assert f"refused: {new}: {message}" in capsys.readouterr().err
        assert cli.main(["extract", str(new)]) == cli.EXIT_BROKEN
        err = capsys.readouterr().err
        assert f"error: {new}: {message}" in err
        assert time.perf_counter() - t0 < 30
    assert sorted(p.name for p in (root / "reports").rglob("*")) == before
    # a report's own error raised in the worker comes back as that error
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01" * 50)
    assert cli.main(["add", str(bad), "--root", str(root)]) == cli.EXIT_BROKEN
    assert f"refused: {bad}: " in capsys.readouterr().err


def test_add_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path, monkeypatch, capsys):
    from builder import cli
    monkeypatch.setenv("DISCLOSURE_INDEX_MAX_FILE_MB", "1")
    root = _repo(tmp_path, {})
    big = tmp_path / "big.txt"
    big.write_bytes((TITLE + "正文\n").encode() + b" " * 2_000_000)
    assert cli.main(["add", str(big), "--root", str(root)]) == cli.EXIT_BROKEN
    err = capsys.readouterr().err
    assert f"refused: {big}: " in err and "DISCLOSURE_INDEX_MAX_FILE_MB" in err
    assert not any(p.name.startswith("big") for p in (root / "reports").rglob("*"))
