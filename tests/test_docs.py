"""The documents a newcomer reads (README.md, CONTRIBUTING.md, docs/) name only paths that exist, link
only to files that exist, and tell no history: no issue numbers, rounds or commit hashes (git log is the
history). The README stays a landing page that opens with the two commands."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
# a path in the repository starts with one of these (site paths such as downloads/ or api/v1/ do not)
TOP = ("builder/", "tests/", "benchmarks/", "hooks/", "docs/", ".github/", "overrides/", "reports/", ".ci/",
       "content/assets/", "Makefile", "mkdocs.yml", "pyproject.toml", "CITATION.cff", "LICENSE")
STAGES = ("store/", "record/", "read/", "extract/", "index/", "data/", "site/")  # named without builder/ in lists
_PLACEHOLDER = re.compile(r"[A-Z]{2,}|[*…<>{}]|\bN\b|NN|年度|地区|机关名称|扩展名")  # YEAR/AGENCY.EXT, 年度/机关名称.扩展名
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
_HISTORY = re.compile(r"\b(?:[Ii]ssue|[Rr]ound|[Ss]top) ?#?\d+\b|\b(?:this|last|next|the) (?:round|stop)\b"
                      r"|\bbefore this round\b|(?<![0-9a-f])[0-9a-f]{7,12}(?![0-9a-f])")


def _paths(text: str) -> set[str]:
    found = set()
    for token in _CODE.findall(text):
        for word in token.split():
            word = re.sub(r":\d+$", "", word.strip("(),;:'\""))  # a file's line: reports/2023/x.yaml:12
            if "/" not in word and word not in TOP:
                continue
            if word.startswith(TOP + STAGES) and not _PLACEHOLDER.search(word) and "://" not in word:
                found.add(word)
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_path_named_exists(doc):
    text = doc.read_text(encoding="utf-8")
    missing = [p for p in sorted(_paths(text))
               if not (ROOT / p).exists() and not (ROOT / "builder" / p).exists()]
    assert not missing, f"{doc.name} names paths that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_resolves(doc):
    text = doc.read_text(encoding="utf-8")
    broken = [t for t in _LINK.findall(text) if "://" not in t and not (doc.parent / t).exists()]
    assert not broken, f"{doc.name} links to files that do not exist: {broken}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_history_in_the_docs(doc):
    lines = [f"{n}: {line.strip()}" for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
             if _HISTORY.search(line) and "sha256" not in line]
    assert not lines, f"{doc.name} tells history (git log does that): {lines}"


def test_the_readme_is_a_landing_page():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines: the rest belongs in docs/"
    first_block = "\n".join(lines[:8])
    assert "make site" in first_block and "make test" in first_block


def test_the_checks_catch_what_they_are_for():
    """The patterns above find what they must (so that a passing test means something)."""
    assert _paths("see `builder/record/models.py` and `downloads/data/x.csv` and `reports/YEAR/AGENCY.EXT`, "
                  "`reports/年度/机关名称.扩展名` and `reports/2023/x.yaml:12`") == {"builder/record/models.py", "reports/2023/x.yaml"}
    assert _HISTORY.search("fixed in issue 16") and _HISTORY.search("since 1e14180,")
    assert _HISTORY.search("Before this round's features") and not _HISTORY.search("rounded to 2 places")


def test_the_untrusted_input_table_names_tests_that_exist():
    """Each test the README's "Untrusted input" table names is a test of that file (`file.py::name`, or
    `::name` for the file named before it on the line)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Untrusted input", 1)[1].split("\n## ", 1)[0]
    named, missing = 0, []
    for line in section.splitlines():
        if not line.startswith("| ") or "::" not in line:
            continue
        current = None
        for ref in re.findall(r"`((?:test_\w+\.py)?::test_\w+)`", line):
            file, _, name = ref.partition("::")
            current = file or current
            named += 1
            if not re.search(rf"^(?:async )?def {name}\(", (ROOT / "tests" / current).read_text(encoding="utf-8"), re.M):
                missing.append(ref)
    assert named >= 20 and missing == [], missing
