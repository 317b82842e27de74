"""MkDocs hook: what the theme writes the same into every page served once, from a file every page shares.

The theme writes into every page, whole, each icon it shows (the logo twice, the menu, the two colour
toggles, the search magnifier, back to top, the footer's arrows) and two scripts that are the same on
every page (the colour scheme's, which applies the reader's choice before the page is drawn, and the
one that opens a tab named in the address): some 2.2 KB of icons and 0.8 KB of script on each of the
12,000 report and body pages at 10,000 reports. Here:

- each icon a template includes (`{% include ".icons/NAME.svg" %}`) is a reference to a symbol of
  SPRITE (`<svg viewBox="…"><use href="…/assets/icons.svg#icon-NAME"></use></svg>`), and SPRITE is
  written with every icon the build's pages included: the same drawings, in the same colours (an SVG's
  `fill` is inherited through `use`);
- each of the theme's script partials (`partials/javascripts/NAME.html`) that is one constant inline
  script is that script loaded from SCRIPTS/NAME.js, in the same place: a script without `async` or
  `defer` runs where it stands, before the rest of the page is read, as the inline one did; the
  browser keeps the file from one page to the next.

Every page the engine renders in a build includes the theme's icons and scripts of its header and
footer, and the pages it does not render again were rendered with the same configuration, templates
and theme (shells.engine_key: a change of any renders them all), so the files written hold what every
page refers to. Icons that Markdown writes into a page (pymdownx.emoji) are not included templates:
they stay in the page.
"""
from __future__ import annotations

import os
import re

import jinja2

SPRITE = "assets/icons.svg"  # in the site
SCRIPTS = "assets/javascripts/theme"  # the theme's constant scripts, in the site
ICONS = ".icons/"  # how the theme's templates name an icon
SCRIPT_PARTIALS = "partials/javascripts/"
_SVG = re.compile(r"\A\s*<svg\b([^>]*)>(.*)</svg>\s*\Z", re.S)
_VIEW_BOX = re.compile(r'\bviewBox="([^"]*)"')
_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_SCRIPT = re.compile(r"\A\s*<script>([^<]*)</script>\s*\Z")
_icons: dict[str, tuple[str, str]] = {}  # an icon's symbol id → its viewBox and drawing
_scripts: dict[str, str] = {}  # a script's path in the site → its text


def symbol_id(name: str) -> str:
    """The symbol's id of the icon NAME ("material/menu" → "icon-material-menu")."""
    return "icon-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _icon(name: str, source: str) -> str | None:
    """The reference that stands for an icon's SVG, or None when it is not one plain <svg> with a viewBox."""
    found = _SVG.match(source)
    box = found and _VIEW_BOX.search(found.group(1))
    if not box:
        return None
    ident = symbol_id(name)
    _icons[ident] = (box.group(1), found.group(2))
    return '<svg viewBox="%s"><use href="{{ \'%s\' | url }}#%s"></use></svg>' % (box.group(1), SPRITE, ident)


def _script(name: str, source: str) -> str | None:
    """The tag that loads a script partial's one constant script from its file, or None when the partial
    is anything else (Jinja in it, more than one script, attributes)."""
    found = _SCRIPT.match(_COMMENT.sub("", source))
    if not found or "{{" in found.group(1) or "{%" in found.group(1):
        return None
    path = f"{SCRIPTS}/{re.sub(r'[^A-Za-z0-9_-]', '-', name)}.js"
    _scripts[path] = found.group(1)
    return '<script src="{{ \'%s\' | url }}"></script>' % path


class _Shared(jinja2.BaseLoader):
    """The theme's loader, with an icon's template and a constant script partial answered by a reference
    to the file that holds them."""

    def __init__(self, inner: jinja2.BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        shared = None
        if template.startswith(ICONS) and template.endswith(".svg"):
            shared = _icon(template[len(ICONS):-len(".svg")], source)
        elif template.startswith(SCRIPT_PARTIALS) and template.endswith(".html"):
            shared = _script(template[len(SCRIPT_PARTIALS):-len(".html")], source)
        return (source if shared is None else shared), filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def sprite(icons: dict[str, tuple[str, str]]) -> str:
    """The SVG file of these icons, one <symbol> each (sorted by id: the same icons, the same bytes)."""
    symbols = "".join(f'<symbol id="{ident}" viewBox="{box}">{drawing}</symbol>'
                      for ident, (box, drawing) in sorted(icons.items()))
    return f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n'


def on_env(env, config, files, **kwargs):
    _icons.clear()
    _scripts.clear()
    env.loader = _Shared(env.loader)
    if env.cache is not None:
        env.cache.clear()  # a template loaded before the loader changed is loaded again
    return env


def on_post_build(config, **kwargs) -> None:
    for rel, text in [(SPRITE, sprite(_icons)), *((path, script + "\n") for path, script in sorted(_scripts.items()))]:
        path = os.path.join(config["site_dir"], *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
