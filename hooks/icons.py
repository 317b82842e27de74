"""MkDocs hook: the theme's icons drawn from one file every page shares, not written into each page.

The theme writes each icon it shows (the logo twice, the menu, the two colour toggles, the search
magnifier, back to top, the footer's arrows) into every page as a whole SVG: some 2.2 KB of each report
and body page, on some 12,000 pages at 10,000 reports. Here each icon the templates include
(`{% include ".icons/NAME.svg" %}`) is instead a reference to a symbol of SPRITE
(`<svg viewBox="…"><use href="…/assets/icons.svg#icon-NAME"></use></svg>`), which the browser loads
once, and SPRITE is written with every icon the build's pages included: the same drawings, drawn with
the same colours (an SVG's `fill` is inherited through `use`).

Every page the engine renders in a build includes the theme's icons of its header and footer, and the
pages it does not render again were rendered with the same configuration, templates and theme
(shells.engine_key: a change of any renders them all), so the icons of this build's pages are those of
every page. Icons that Markdown writes into a page (pymdownx.emoji) are not included templates: they
stay in the page.
"""
from __future__ import annotations

import os
import re

import jinja2

SPRITE = "assets/icons.svg"  # in the site
PREFIX = ".icons/"  # how the theme's templates name an icon
_SVG = re.compile(r"\A\s*<svg\b([^>]*)>(.*)</svg>\s*\Z", re.S)
_VIEW_BOX = re.compile(r'\bviewBox="([^"]*)"')
_used: dict[str, tuple[str, str]] = {}  # an icon's symbol id → its viewBox and drawing


def symbol_id(name: str) -> str:
    """The symbol's id of the icon NAME ("material/menu" → "icon-material-menu")."""
    return "icon-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


class _Referenced(jinja2.BaseLoader):
    """The theme's loader, an icon's template (PREFIX NAME .svg) answered with a reference to its symbol."""

    def __init__(self, inner: jinja2.BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if not (template.startswith(PREFIX) and template.endswith(".svg")):
            return source, filename, uptodate
        found = _SVG.match(source)
        box = found and _VIEW_BOX.search(found.group(1))
        if not box:  # not one plain <svg> with a viewBox: left in the page as the theme writes it
            return source, filename, uptodate
        ident = symbol_id(template[len(PREFIX):-len(".svg")])
        _used[ident] = (box.group(1), found.group(2))
        href = "{{ '%s' | url }}#%s" % (SPRITE, ident)
        return f'<svg viewBox="{box.group(1)}"><use href="{href}"></use></svg>', filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def sprite(used: dict[str, tuple[str, str]]) -> str:
    """The SVG file of these icons, one <symbol> each (sorted by id: the same icons, the same bytes)."""
    symbols = "".join(f'<symbol id="{ident}" viewBox="{box}">{drawing}</symbol>'
                      for ident, (box, drawing) in sorted(used.items()))
    return f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n'


def on_env(env, config, files, **kwargs):
    _used.clear()
    env.loader = _Referenced(env.loader)
    if env.cache is not None:
        env.cache.clear()  # a template loaded before the loader changed is loaded again
    return env


def on_post_build(config, **kwargs) -> None:
    path = os.path.join(config["site_dir"], *SPRITE.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(sprite(_used))
