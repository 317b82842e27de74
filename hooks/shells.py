"""MkDocs hook: the pages the builder wraps in the theme's shell are left to it (builder/site/shells.py).

Each report's page and each body's page is the same shell (the header, the navigation, the footer, the
scripts) around its own content, title and table of contents. When the builder runs the engine with
SHELLS set to a JSON file it wrote, the engine renders none of those pages: it drops every page under
the file's folders (`reports/`, `agencies/`) and renders instead one template page of each kind, at
the kind's depth, whose title, feed and heading are markers. The builder takes the shell from it and
writes every page of the kind into site/ itself. Without SHELLS (`properdocs serve`, the tests that
build with the engine alone) the engine renders every page, as the equivalence test compares."""
from __future__ import annotations

import json
import os

from mkdocs.structure.files import File

SHELLS = "SHELLS"  # the environment variable naming the builder's JSON file: {"kinds": [{"folder", "src", "markdown"}]}


def on_files(files, config, **kwargs):
    path = os.environ.get(SHELLS)
    if not path:
        return files
    with open(path, encoding="utf-8") as f:
        kinds = json.load(f)["kinds"]
    folders = tuple(kind["folder"].rstrip("/") + "/" for kind in kinds)
    for file in list(files.documentation_pages()):
        if file.src_uri.startswith(folders):
            files.remove(file)
    for kind in kinds:
        files.append(File.generated(config, kind["src"], content=kind["markdown"]))
    return files
