"""Publishing past GitHub Pages: the built site synced to an object store by rclone (builder/publish.py,
`python -m builder publish --to REMOTE`), here to a local target: the first sync uploads every file, the
next only what changed (and deletes what the site no longer has); and the site's size is printed, with a
warning before Pages' limit."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder import publish as pub
from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone is not installed (make test installs it)")


def _site(folder: Path, pages: dict[str, str]) -> Path:
    for rel, text in pages.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def test_a_second_sync_uploads_only_what_changed(tmp_path):
    site = _site(tmp_path / "site", {"index.html": "<h1>首页</h1>", "reports/2023/巴州区/index.html": "64 件",
                                     "reports/2023/达州市通川区/index.html": "12 件", "assets/app.js": "x"})
    store = tmp_path / "store"
    first = pub.publish(site, str(store))
    assert first.uploaded == sorted(["index.html", "reports/2023/巴州区/index.html",
                                     "reports/2023/达州市通川区/index.html", "assets/app.js"])
    assert (store / "reports/2023/巴州区/index.html").read_text(encoding="utf-8") == "64 件"
    # a build that changes one page, rewrites another with the same bytes, adds one and drops one
    (site / "reports/2023/巴州区/index.html").write_text("65 件", encoding="utf-8")
    (site / "index.html").write_text("<h1>首页</h1>", encoding="utf-8")  # new time, same bytes
    _site(site, {"reports/2024/巴州区/index.html": "70 件"})
    (site / "assets/app.js").unlink()
    second = pub.publish(site, str(store))
    assert second.uploaded == ["reports/2023/巴州区/index.html", "reports/2024/巴州区/index.html"]
    assert second.deleted == ["assets/app.js"]
    assert sorted(p.relative_to(store).as_posix() for p in store.rglob("*") if p.is_file()) \
        == sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    third = pub.publish(site, str(store))
    assert third.uploaded == [] and third.deleted == [] and third.checked == 4


def test_the_command_line_says_what_it_uploaded(tmp_path):
    site = _site(tmp_path / "site", {"index.html": "a", "b/index.html": "b"})
    run = [sys.executable, "-m", "builder", "publish", "--site-dir", str(site), "--to", str(tmp_path / "store")]
    done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2 files uploaded, 0 deleted, 0 unchanged" in done.stdout
    done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True)
    assert "0 files uploaded, 0 deleted, 2 unchanged" in done.stdout


def test_a_failed_sync_or_a_site_not_built_is_an_error_never_a_half_claim(tmp_path):
    with pytest.raises(pub.PublishError, match="holds no built site"):
        pub.publish(tmp_path / "nothing", str(tmp_path / "store"))
    site = _site(tmp_path / "site", {"index.html": "a"})
    with pytest.raises(pub.PublishError, match="failed"):
        pub.publish(site, "nosuchremote:bucket")


def test_the_site_size_is_printed_and_warned_of_before_pages_limit(tmp_path, monkeypatch):
    site = _site(tmp_path / "site", {"index.html": "x" * 900, "a/index.html": "y" * 100, "a/b/c/d.js": "z" * 7})
    (site / "a" / "link.html").symlink_to(site / "index.html")  # neither followed nor counted
    (site / "a" / "folder").symlink_to(site / "a", target_is_directory=True)
    assert pub.site_size(site) == (1007, 3)
    assert pub.size_lines(site) == ["site/: 0.0 MB in 3 files (0.0 % of the 1 GB GitHub Pages publishes)"]
    monkeypatch.setattr(pub, "PAGES_MAX_BYTES", 1200)
    lines = pub.size_lines(site)
    assert len(lines) == 2 and lines[1].startswith("warning: the site is 0.00 GB: GitHub Pages publishes at most 1 GB")
    assert "docs/deploy.md" in lines[1]


def test_the_deploy_workflow_publishes_past_pages_with_secrets_and_only_what_changed():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    store = next(s for s in steps if s.get("name") == "Publish to the object store")
    assert store["if"] == "vars.DEPLOY_TO == 'object-store'"
    assert "-m builder publish --site-dir site --to" in store["run"]
    for key in ("ACCESS_KEY_ID", "SECRET_ACCESS_KEY"):
        assert store["env"][f"RCLONE_CONFIG_STORE_{key}"] == "${{ secrets.STORE_" + key + " }}"
    assert workflow["jobs"]["deploy"]["if"] == "vars.DEPLOY_TO != 'object-store'"  # Pages while the site fits
    assert any("upload-pages-artifact" in s.get("uses", "") and s["if"] == "vars.DEPLOY_TO != 'object-store'"
               for s in steps)
