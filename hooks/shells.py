"""MkDocs hook: the pages the builder wraps in the theme's shell, and the files it copies, are left to it
(builder/site/shells.py).

Each report's page and each body's page is the same shell (the header, the navigation, the footer, the
scripts) around its own content, title and table of contents. When the builder runs the engine with
SHELLS set to a JSON file it wrote, the engine renders none of those pages: every page under the file's
folders (`reports/`, `agencies/`) is excluded, and one template page of each kind is added at the kind's
depth, whose title, feed and heading are markers. The builder takes the shell from it and writes every
page of the kind into site/ itself. The files of content/ that are not pages (downloads, the API, feeds:
tens of thousands) are excluded too, and listed in the file named by the JSON's "static" as
[source path, path in the site]: the builder copies those that changed. An excluded file is still a
file the engine knows: a link to it resolves as before. The pages the JSON lists under "skip" (pages out
of the navigation whose Markdown and whose engine are as when the engine last rendered them, its output
still in site/) are excluded the same way, and the pages out of the navigation it renders are listed in
the file named by "pages" as [source path, path in the site]: the builder keeps their output for the next
build. Without SHELLS (`properdocs serve`, the tests that build with the engine alone) the engine renders
and copies everything."""
from __future__ import annotations

import json
import os

from mkdocs.structure.files import File, InclusionLevel

SHELLS = "SHELLS"  # the environment variable naming the builder's JSON file


def on_files(files, config, **kwargs):
    path = os.environ.get(SHELLS)
    if not path:
        return files
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    folders = tuple(kind["folder"].rstrip("/") + "/" for kind in spec["kinds"])
    docs = os.path.join(os.path.abspath(config["docs_dir"]), "")
    listed_nav = config["nav"] is not None  # without a `nav`, every page is in the navigation: none is skipped
    skip, in_nav = set(spec.get("skip", ())) if listed_nav else set(), set(_nav_pages(config["nav"]))
    static, pages = [], []
    for file in files:
        if not file.inclusion.is_included():
            continue
        if file.is_documentation_page():
            if file.src_uri.startswith(folders) or (file.src_uri in skip and file.src_uri not in in_nav):
                file.inclusion = InclusionLevel.EXCLUDED
            elif listed_nav and file.src_uri not in in_nav:
                pages.append([file.src_uri, file.dest_uri])
        elif file.abs_src_path and os.path.abspath(file.abs_src_path).startswith(docs):  # not the theme's
            static.append([file.src_uri, file.dest_uri])
            file.inclusion = InclusionLevel.EXCLUDED
    for path, listed in ((spec["static"], static), (spec.get("pages"), pages)):
        if path:
            with open(path, "w", encoding="utf-8") as f:
                json.dump(listed, f, ensure_ascii=False)
    for kind in spec["kinds"]:
        files.append(File.generated(config, kind["src"], content=kind["markdown"]))
    return files


def _nav_pages(nav) -> list[str]:
    """The source paths of the pages the configuration's `nav` names (nested sections too)."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_pages(value)]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_pages(item)]
    return []
