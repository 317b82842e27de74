"""No sitemap without the site's address (hooks/sitemap.py): MkDocs writes one listing no URL when
site_url is unset. With the address, the built site's sitemap lists every page (test_browser_lists)."""
from __future__ import annotations

import importlib.util

from conftest import ROOT

spec = importlib.util.spec_from_file_location("sitemap_hook", ROOT / "hooks" / "sitemap.py")
sitemap_hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sitemap_hook)


def test_a_sitemap_without_urls_is_not_written(tmp_path):
    for name in ("sitemap.xml", "sitemap.xml.gz", "index.html"):
        (tmp_path / name).write_text("<urlset></urlset>", encoding="utf-8")
    sitemap_hook.on_post_build({"site_url": "https://example.org/x/", "site_dir": str(tmp_path)})
    assert (tmp_path / "sitemap.xml").exists() and (tmp_path / "sitemap.xml.gz").exists()
    sitemap_hook.on_post_build({"site_url": None, "site_dir": str(tmp_path)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


def test_the_site_s_address_is_the_one_the_deploy_gives():
    import yaml

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_url: !ENV SITE_URL" in config and "hooks/sitemap.py" in config
    deploy = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    steps = deploy["jobs"]["build"]["steps"]
    build = next(k for k, s in enumerate(steps) if s.get("run") == "make site")
    pages = next(k for k, s in enumerate(steps) if s.get("uses", "").startswith("actions/configure-pages@"))
    assert pages < build and steps[build]["env"]["SITE_URL"] == f"${{{{ steps.{steps[pages]['id']}.outputs.base_url || vars.SITE_URL }}}}"
