"""The cells table written in blocks (data_files.made_in_blocks): a multi-member gzip file whose blocks of
reports are content-defined, so that adding a report compresses its block alone and copies the others'
compressed bytes from the file already there, when that file is the one the builder sealed; the same
rows give the same bytes as a file made from nothing, and every reader reads the members as one table."""
from __future__ import annotations

import dataclasses
import gzip
import json
import os
import shutil
import subprocess

import pytest

from builder.data import files as data_files, downloads
from builder.data.files import blocks, in_blocks
from builder.pipeline import process_all
from builder.store.sealed import load_cache
from builder.index.scores import Agency, load_agencies, score
from conftest import REPORTS, ROOT, copy_repository

CELLS_2023 = "disclosure-index-cells-2023.csv.gz"


@pytest.fixture(scope="module")
def prepared() -> list[downloads.Prepared]:
    """Sixty reports: the committed ones' rows, each given again under other bodies' names, in order."""
    agencies = load_agencies(REPORTS / "agencies.yaml")
    rows = []
    for o in process_all(REPORTS, ROOT):
        info = agencies.get(o.record.agency, Agency(o.record.agency))
        rows.append(downloads.prepare(downloads.Row(o.record, info, score(o.record, info), tuple(o.findings))))
    out = []
    for k in range(60):
        p = rows[k % len(rows)]
        agency = json.loads(p.row)[0]
        out.append(dataclasses.replace(p, row=json.dumps([f"机关{k:02d}"], ensure_ascii=False)[:-1]
                                       + p.row[len(json.dumps(agency, ensure_ascii=False)) + 1:]))
    return out


def _file(rows, old=None, made=None):
    """A cells file of these rows (with `old`: from its blocks); made collects the blocks compressed."""
    def lines(key, b):
        def make():
            if made is not None:
                made.append(key)
            return b"".join(downloads.cells_csv_lines(b))
        return make
    return in_blocks(downloads.cells_csv_header(), [(key, lines(key, b)) for key, b in blocks(rows)], old)


def test_a_report_added_compresses_its_block_alone_and_gives_the_bytes_of_a_file_made_from_nothing(
        prepared, monkeypatch):
    monkeypatch.setattr(data_files, "BLOCK", 4)
    whole, index = _file(prepared)
    assert gzip.decompress(whole) == downloads.to_cells_csv(prepared)  # the members read as one table
    assert 5 < len(index) < 40  # blocks of several reports
    sizes = [len(b) for _, b in blocks(prepared)]
    for k in range(len(prepared)):
        before = _file(prepared[:k] + prepared[k + 1:])
        made: list[str] = []
        assert _file(prepared, before, made) == (whole, index)
        # its own block made again; when it ends a block, the block it split too
        at = next(n for n, end in enumerate(_ends(sizes)) if end > k)
        keys = [key for key, _, _ in index[at:at + 2]]
        assert made in (keys[:1], keys), k
    # a report changed (a cell value): its block alone is made again
    changed, values = list(prepared), json.loads(prepared[7].row)
    at = next(k for k, c in enumerate(downloads.columns()) if c.path == "applications.new[0]")
    values[at] = (values[at] or 0) + 1
    changed[7] = dataclasses.replace(prepared[7], row=json.dumps(values, ensure_ascii=False, separators=(",", ":")))
    made = []
    again, new_index = _file(changed, (whole, index), made)
    assert len(made) == 1 and again == _file(changed)[0]
    # ranks do not enter a block: the same rows with their rank columns filled give the same file
    ranked = downloads.with_ranks(prepared, [{"overall": n} for n in range(len(prepared))])
    assert _file(ranked) == (whole, index)


def _ends(sizes: list[int]) -> list[int]:
    """Where each block ends (the number of reports up to its end)."""
    out, at = [], 0
    for n in sizes:
        at += n
        out.append(at)
    return out


def _build(root, cache):
    from builder.site.build import build_site
    build_site(process_all(root / "reports", root), root, root / "content", cache)


def test_a_built_cells_file_reuses_the_sealed_files_blocks_and_is_made_again_when_altered(tmp_path, monkeypatch):
    """Blocks of one report: 巴州区 2023 added to a built site is the one block compressed; the file's bytes
    are those of a site built from nothing, and it is read whole by gzip, zcat and frictionless. A file
    altered in content/ is not trusted: made again from nothing."""
    monkeypatch.setattr(data_files, "BLOCK", 1)
    members: list[int] = []
    member = data_files.member
    monkeypatch.setattr(data_files, "member", lambda data: members.append(len(data)) or member(data))
    root = copy_repository(tmp_path / "repo")
    cache = root / ".cache" / "pages.json"
    sealed = cache.with_name("download-blocks.json")
    data = root / "content" / "downloads" / "data"
    aside = tmp_path / "aside"
    aside.mkdir()
    for path in (root / "reports" / "2023").glob("巴州区.*"):
        shutil.move(path, aside / path.name)
    _build(root, cache)
    index = dict(load_cache(sealed)["files"])[f"{data_files.FOLDER}/{CELLS_2023}"][1]
    assert len(index) == 5
    for path in aside.iterdir():
        shutil.move(path, root / "reports" / "2023" / path.name)
    members.clear()
    _build(root, cache)
    # the 2023 cells file: its header and the new report's block compressed, the other five copied
    added = gzip.decompress((data / CELLS_2023).read_bytes()).decode("utf-8-sig")
    assert "\n巴州区,2023,applications.new[0]," in added
    own = "".join(line + "\n" for line in added.splitlines() if line.startswith("巴州区,")).encode("utf-8")
    assert members == [len(downloads.cells_csv_header()), len(own)]
    now = load_cache(sealed)["files"][f"{data_files.FOLDER}/{CELLS_2023}"][1]
    assert len(now) == 6 and len({key for key, _, _ in now} - {key for key, _, _ in index}) == 1

    scratch = copy_repository(tmp_path / "scratch")  # the same reports, built once without a cache
    _build(scratch, None)
    made = scratch / "content" / "downloads" / "data"
    for name in (p.name for p in made.glob("disclosure-index-cells-*.csv.gz")):
        assert (made / name).read_bytes() == (data / name).read_bytes(), name
    # a multi-member file read as one table: zcat, and frictionless through the data package
    zcat = subprocess.run(["gzip", "-dc", str(data / CELLS_2023)], capture_output=True, check=True).stdout
    assert zcat.decode("utf-8-sig") == added
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(data / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    task = next(t for r, t in zip(package["resources"], report.tasks) if r["name"] == "cells")
    files = sorted(data.glob("disclosure-index-cells-*.csv.gz"))
    assert task.stats["rows"] == sum(gzip.decompress(p.read_bytes()).count(b"\n") - 1 for p in files)

    # altered since it was written: a byte of a block's compressed data changed (a copied block would
    # carry it), the file's time moved on; made again from nothing, as the scratch build made it
    altered = bytearray((data / CELLS_2023).read_bytes())
    key, at, length = now[2]
    altered[at + length // 2] ^= 0xFF
    (data / CELLS_2023).write_bytes(bytes(altered))
    os.utime(data / CELLS_2023, ns=(1, 1))
    members.clear()
    _build(root, cache)
    assert (data / CELLS_2023).read_bytes() == (made / CELLS_2023).read_bytes()
    assert len(members) == 7  # the header and every block
