"""The site's engine is ProperDocs (builder/site/engine.py), the maintained fork of MkDocs 1.x: it builds
this site, theme and hooks unchanged, byte for byte what MkDocs 1.6.1 builds from the same content/ but
for the generator's name each page carries."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from builder.site.engine import engine_command
from conftest import build_site_in, copy_repository

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def test_properdocs_builds_the_site_mkdocs_builds(tmp_path):
    root = copy_repository(tmp_path / "repo")
    build_site_in(root)  # the pages, then the engine into site/
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1717200000"}
    for command, out in ((engine_command(root / "a"), root / "a"),
                         ([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "b")], root / "b")):
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
    files = sorted(p.relative_to(root / "a") for p in (root / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(root / "b") for p in (root / "b").rglob("*") if p.is_file())
    assert len(files) > 100
    pages = [f for f in files if f.suffix == ".html"]
    assert b"ProperDocs" in (root / "a" / pages[0]).read_bytes()
    differ = [f for f in files if GENERATOR.sub(b"", (root / "a" / f).read_bytes())
              != GENERATOR.sub(b"", (root / "b" / f).read_bytes())]
    assert differ == []
