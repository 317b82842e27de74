"""The static-site engine that turns content/ into site/: ProperDocs, the maintained fork of MkDocs 1.x
(MkDocs 1.6.1 is no longer maintained), with the Material theme and the hooks under hooks/, configured by
mkdocs.yml. ProperDocs builds this site byte for byte as MkDocs 1.6.1 did, but for the generator's name in
each page's <meta name="generator">. This is the one definition of how the engine is run."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONFIG = "mkdocs.yml"  # MkDocs' name for the configuration, which ProperDocs reads when given it


def engine_command(site_dir: str | Path, config: str = CONFIG, *options: str) -> list[str]:
    """The command line that builds the site from `config` into `site_dir`, strict (a warning fails it),
    run with this Python (the virtual environment's ProperDocs): a list for subprocess.run, to be run in
    the repository's root."""
    return [sys.executable, "-m", "properdocs", "build", "--strict", "-f", config, "--site-dir", str(site_dir), *options]


def build(root: Path, site_dir: Path, env: dict[str, str], shells: bool = True, others: tuple[str, ...] = (),
          part: tuple[int, int] | None = None) -> int:
    """Build site/ from content/: with `shells`, the engine renders the top level (given only those pages:
    content_files.engine_docs) and one template page of each bulk kind into a staging folder, and the
    builder writes the rest (shells.finish: the bulk pages whose inputs changed, the staging folder's
    files and content/'s other files that changed); the engine's pages out of the navigation whose
    inputs did not change are not rendered again (shells.unchanged_pages); without, the engine renders
    every page into site_dir itself. `others`: folders at the top of site_dir a later step writes
    (shells.finish leaves them). With `part` (K, N): only the bulk pages of part K of N are written into
    site_dir, with their manifest (site/parts.py), for a later build to join. The engine's exit status
    (0: built); raises shells.ShellError if a bulk page does not fit its shell."""
    from . import shells as bulk
    from .content_files import DOCS, engine_docs

    if not shells:
        return subprocess.run(engine_command(site_dir), cwd=root, env=env).returncode
    skip = bulk.unchanged_pages(root, site_dir, env)  # its pages out of the navigation that did not change
    engine = bulk.Engine(root, site_dir, env)
    files = bulk.listing(engine)
    # the engine is given the pages it renders, not content/ (content_files.py says why)
    engine_docs(root / "content", root / DOCS, sorted(set(files.pages) - set(skip)))
    templates = bulk.write_templates(root)
    done = subprocess.run(engine_command(root / bulk.STAGING), cwd=root, env={**env, bulk.ENGINE_ENV: str(templates)})
    if done.returncode == 0:
        bulk.finish(root, site_dir, env, others, skip, part, engine, files)
    return done.returncode
