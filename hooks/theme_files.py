"""MkDocs hook: the theme's files for a search the site does not run, and its source maps, are not published.

Material ships its own search (a lunr index built by its search plugin, a web worker and lunr's word
splitters: 1.2 MB) and the source maps of its scripts (1.3 MB) with every site. The site searches with
Pagefind (builder/site/search_index.py) and its configuration runs no search plugin, so neither is
ever loaded: left out, they are 2.5 MB less to deploy. With Material's search plugin configured, its
files are kept."""
from __future__ import annotations

UNUSED_WITHOUT_SEARCH = ("assets/javascripts/lunr/", "assets/javascripts/workers/search.")


def unused(path: str, searching: bool) -> bool:
    """Whether a theme file at `path` (a path in the site, "/"-separated) is one no page loads: a source
    map, or, when the site runs no Material search (`searching` False), the search's worker and lunr files."""
    return path.endswith(".map") or (not searching and path.startswith(UNUSED_WITHOUT_SEARCH))


def on_files(files, config, **kwargs):
    searching = any(name in ("search", "material/search") for name in config["plugins"])
    theme_dirs = set(config["theme"].dirs)
    for file in list(files):  # a file of content/ at the same path replaced the theme's: it is kept
        if file.src_dir in theme_dirs and unused(file.dest_uri, searching):
            files.remove(file)
    return files
