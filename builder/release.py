"""A dated, versioned, citable release of the data: `python -m builder release VERSION`.

A release is a folder releases/VERSION/ of the repository:
- data/: the downloads as the build made them (files.FOLDER: the yearly gzip CSV and JSON files, the
  SQLite file, the record's JSON Schema), its datapackage.json naming the release (version, date,
  citation). Not committed (82 MB at 10,000 reports, the SQLite file 60 MB of it): published as the
  assets of the GitHub release of the tag data-VERSION, an address no later build touches.
- manifest.json: the release's version and date, the git commit it was made from, the builder's,
  extractor's and method's versions (the method as changes.method describes it), the previous
  release, and every file with its size and sha256. Committed.
- CHANGES.json and CHANGES.md (变更说明): what changed since the previous release (changes.changes).
  Committed.

The previous release is the newest one under releases/ (the new version must be newer); its data/ is
compared with the new one's, so it must be on disk with the sha256 its manifest holds (the files of a
release made elsewhere are its GitHub release's assets). The same commit gives the same bytes, but
for the date (in datapackage.json, the manifest and 变更说明): `reproduce` makes a committed
release's data again, with its date, and checks every file against its manifest.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

from . import __version__
from .data.changes import changes, changes_markdown, method
from .data.releases import (CHANGES_JSON, CHANGES_MD, DATA, DATE_FORM, MANIFEST, RELEASES, TAG_PREFIX, Release,
                            NotReproduced, ReleaseError, citation, parse_version, release_page, releases)
from .index.history import git
from .site.summary import site_settings
from .store.files import file_sha256, write_atomically
from .store.versions import extractor_version

__all__ = ["NotReproduced", "ReleaseError", "check_date", "check_new", "committed_head", "make_release", "parse_version", "releases", "reproduce"]


def check_date(date: str) -> str:
    """A release date YYYY-MM-DD, else ReleaseError."""
    try:
        if DATE_FORM.match(date) and dt.date.fromisoformat(date):
            return date
    except ValueError:
        pass
    raise ReleaseError(f"{date!r} is not a date: write YYYY-MM-DD")


def check_files(release: Release) -> list[str]:
    """What is wrong with a release's data/ against its manifest: each file missing or whose sha256
    differs; [] when every file is there as published."""
    wrong = []
    for f in release.manifest.get("files", []):
        path = release.data / f["name"]
        if not path.is_file():
            wrong.append(f"{f['name']} is missing")
        elif file_sha256(path) != f["sha256"]:
            wrong.append(f"{f['name']} is not the file published (its sha256 differs)")
    return wrong


def _copy_downloads(downloads: Path, into: Path, version: str, date: str, cite: dict[str, str]) -> None:
    """The build's downloads (every regular file of `downloads`) copied into `into`, datapackage.json
    naming the release: its version (the build's data version kept as data_version), date and citation."""
    into.mkdir(parents=True)
    names = sorted(p.name for p in downloads.iterdir() if p.is_file() and not p.is_symlink())
    if "datapackage.json" not in names:
        raise ReleaseError(f"{downloads} holds no datapackage.json: the build made no downloads")
    for name in names:
        if name == "datapackage.json":
            package = json.loads((downloads / name).read_text(encoding="utf-8"))
            package = {**package, "version": version, "data_version": package.get("version"),
                       "created": f"{date}T00:00:00Z", "citation": cite["zh"], "citation_en": cite["en"]}
            (into / name).write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        else:
            shutil.copyfile(downloads / name, into / name)


def _file(path: Path) -> dict[str, Any]:
    """A file as the manifest lists it: name, size in bytes, sha256."""
    return {"name": path.name, "bytes": path.stat().st_size, "sha256": file_sha256(path)}


def committed_head(root: Path) -> str:
    """The commit the release is made from; ReleaseError outside a git work tree or with reports/ not
    committed as it is (a release names the commit that holds its inputs)."""
    head = (git(root, "rev-parse", "HEAD") or "").strip()
    if not re.fullmatch(r"[0-9a-f]{40}", head):
        raise ReleaseError(f"{root} is not a git work tree with a commit: a release names the commit it is made from")
    dirty = git(root, "status", "--porcelain", "--", "reports")
    if dirty is None or dirty.strip():
        raise ReleaseError("reports/ has changes not committed: commit them first (a release names the commit "
                           "that holds its reports)")
    return head


def check_new(root: Path, version: str) -> Release | None:
    """Refuse (ReleaseError) a version that is not a release version, that exists, or that is not newer
    than the newest release; the newest release (None: this is the first)."""
    parse_version(version)
    target = root / RELEASES / version
    if target.exists() or target.is_symlink():
        raise ReleaseError(f"release {version} exists ({target}): a release is never made again; choose a new "
                           f"version, or `--reproduce` to make its files again and check them against its manifest")
    made = releases(root)
    previous = made[-1] if made else None
    if previous and parse_version(previous.version) >= parse_version(version):
        raise ReleaseError(f"release {version} is not newer than the latest release {previous.version}")
    return previous


def make_release(root: Path, version: str, date: str, downloads: Path) -> Release:
    """Make release `version` (dated `date`) from the build's downloads (content/downloads/data) into
    root/releases/VERSION/, compared with the previous release. Raises ReleaseError (nothing written)
    for a bad version or date, a release that exists or is not older than the newest, a previous
    release whose files are missing or changed, or reports/ not committed. Returns the release."""
    check_date(date)
    previous = check_new(root, version)
    target = root / RELEASES / version
    if previous and (wrong := check_files(previous)):
        raise ReleaseError(
            f"the previous release {previous.version}'s files are needed to say what changed, and in "
            f"{previous.data} " + "; ".join(wrong[:5]) + (f" (and {len(wrong) - 5} more)" if len(wrong) > 5 else "")
            + f": download them (gh release download {TAG_PREFIX}{previous.version} --dir {previous.data}) "
            "and run this again")
    commit = committed_head(root)
    page = release_page(site_settings(root)[0], version)
    cite = citation(version, date, page)
    work = root / RELEASES / f".{version}.making"
    shutil.rmtree(work, ignore_errors=True)
    try:
        _copy_downloads(downloads, work / DATA, version, date, cite)
        now = method()
        found = changes(version, previous and previous.manifest, previous and previous.data, work / DATA, now)
        write_atomically(work / CHANGES_JSON, json.dumps(found, ensure_ascii=False, indent=1) + "\n")
        write_atomically(work / CHANGES_MD, changes_markdown(found, date))
        manifest = {
            "version": version, "date": date, "commit": commit, "tag": f"{TAG_PREFIX}{version}",
            "previous": previous and previous.version, "builder": __version__, "extractor": extractor_version(),
            "method": now, "data_version": json.loads((work / DATA / "datapackage.json").read_text("utf-8"))
            .get("data_version"), "citation": cite, "page": page,
            "files": [_file(p) for p in sorted((work / DATA).iterdir())],
            "changes": [_file(work / n) for n in (CHANGES_JSON, CHANGES_MD)],
            "summary": {"reports": found["reports"], "added": len(found.get("added", [])),
                        "removed": len(found.get("removed", [])), "changed": len(found.get("changed", [])),
                        "method_changed": bool(found.get("method", {}).get("changed"))},
        }
        write_atomically(work / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    update_citation_file(root / "CITATION.cff", version, date, cite, page)
    return Release(version, target, manifest)


def reproduce(root: Path, version: str, downloads: Path) -> Release:
    """Make a committed release's data/ again from the build's downloads, with the release's date, and
    check every file against its manifest. Raises ReleaseError when the release has no manifest,
    NotReproduced when a file differs (the files made are then left in data/ for a look)."""
    parse_version(version)
    release = next((r for r in releases(root) if r.version == version), None)
    if release is None:
        raise ReleaseError(f"no release {version} under {root / RELEASES} (its manifest.json): make it with "
                           f"`python -m builder release {version}` and commit it")
    m = release.manifest
    shutil.rmtree(release.data, ignore_errors=True)
    _copy_downloads(downloads, release.data, version, m["date"], m["citation"])
    wrong = check_files(release)
    extra = sorted({p.name for p in release.data.iterdir()} - {f["name"] for f in m.get("files", [])})
    wrong += [f"{name} is not in the release" for name in extra]
    if wrong:
        raise NotReproduced(f"release {version} does not reproduce from this commit: " + "; ".join(wrong))
    return release


_TOP_KEY = re.compile(r"^([A-Za-z][\w-]*):")


def update_citation_file(path: Path, version: str, date: str, cite: dict[str, str], page: str) -> None:
    """CITATION.cff (CFF 1.2.0) naming the release: its `version`, `date-released`, the citation text in
    `message` and the GitHub release's page under `identifiers`; every other key is kept as written."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "cff-version: 1.2.0\n"
    message = ("message: >-\n  If you use this data, please cite this data release:\n  "
               + _yaml_line(cite["en"]) + "\n  使用本数据时，请引用本数据发布版本：\n  " + _yaml_line(cite["zh"]) + "\n")
    blocks = {"message": message, "version": f"version: {json.dumps(version)}\n",
              "date-released": f"date-released: {json.dumps(date)}\n"}
    if page:
        blocks["identifiers"] = (f"identifiers:\n  - type: url\n    value: {json.dumps(page)}\n"
                                 f"    description: \"The data release {version} (its files and 变更说明)\"\n")
    write_atomically(path, set_blocks(text, blocks, after="version"))


def _yaml_line(text: str) -> str:
    """Text in a folded block scalar: one line, no line break of its own."""
    return " ".join(text.split())


def set_blocks(text: str, blocks: dict[str, str], after: str) -> str:
    """A YAML file's top-level keys replaced by `blocks` (key → its whole text, the key's line and its
    indented lines), each one absent added after the key `after` (else at the end); comments and other
    keys are kept."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i, seen = 0, set()
    while i < len(lines):
        m = _TOP_KEY.match(lines[i])
        j = i + 1
        if m:
            while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j += 1
        if m and m[1] in blocks:
            out.append(blocks[m[1]])
            seen.add(m[1])
        else:
            out.extend(lines[i:j])
        if m and m[1] == after:
            out.extend(blocks[k] for k in blocks if k not in seen and k not in _keys(text))
            seen.update(k for k in blocks if k not in _keys(text))
        i = j
    out.extend(blocks[k] for k in blocks if k not in seen)
    return "".join(out)


def _keys(text: str) -> set[str]:
    return {m[1] for line in text.splitlines() if (m := _TOP_KEY.match(line))}
