"""MkDocs hook: the pages the builder wraps in the theme's shell, and the files it copies, are left to it
(builder/site/shells.py).

Each report's page and each body's page is the same shell (the header, the navigation, the footer, the
scripts) around its own content, title and table of contents. When the builder runs the engine with
SHELLS set to a JSON file it wrote, the engine's docs_dir is the folder the JSON names under "docs": the
pages the engine is to render, copied there by the builder (builder/site/content_files.py), without
the bulk pages, the files of content/ that are not pages (downloads, the API, feeds: hundreds of
thousands, which the builder copies) and the pages out of the navigation that did not change since the
engine rendered them (their output is kept). One template page of each kind is added at the kind's
depth, whose title, feed and heading are markers; the builder takes the shell from it and writes every
page of the kind into site/ itself. The pages out of the navigation the engine renders are listed in
the file named by "pages" as [source path, path in the site]: the builder keeps their output for the
next build. The pages' links are checked by the builder in what is written (builder/site/links.py).
Without SHELLS (`properdocs serve`, the tests that build with the engine alone) the engine renders and
copies everything from content/."""
from __future__ import annotations

import json
import os

from mkdocs.structure.files import File

SHELLS = "SHELLS"  # the environment variable naming the builder's JSON file
_spec: dict | None = None  # the builder's JSON, read once a build (on_config)


def on_config(config, **kwargs):
    global _spec
    path = os.environ.get(SHELLS)
    if not path:
        _spec = None
        return config
    with open(path, encoding="utf-8") as f:
        _spec = json.load(f)
    config["docs_dir"] = _spec["docs"]
    return config


def on_files(files, config, **kwargs):
    if _spec is None:
        return files
    pages = []
    if config["nav"] is not None:  # without a `nav`, every page is in the navigation: none is kept apart
        in_nav = set(_nav_pages(config["nav"]))
        pages = [[file.src_uri, file.dest_uri] for file in files if file.inclusion.is_included()
                 and file.is_documentation_page() and file.src_uri not in in_nav]
    with open(_spec["pages"], "w", encoding="utf-8") as f:
        json.dump(pages, f, ensure_ascii=False)
    for kind in _spec["kinds"]:
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
