"""What a build writes is the build's own: generated paths (content/'s folders, .cache, site) that a commit
made a link, a file or a FIFO are refused before anything is written or pruned through them, and a
report's source is published as a download, never as a page, whatever its extension."""
from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from builder import cli
from builder.record.files import SOURCE_SUFFIXES
from test_untrusted import check, make_repo


# --- generated paths are the build's own: never a link, a file or a FIFO a commit put there --------------

def _files(top: Path) -> dict[str, bytes]:
    """Every regular file under top, by path, links never followed (what a build must not delete or change)."""
    out = {}
    for folder, dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not os.path.islink(path):
                out[os.path.relpath(path, top)] = Path(path).read_bytes()
    return out


def _planted(tmp_path: Path, where: str, what: str) -> tuple[Path, dict[str, bytes]]:
    """A repository (tmp_path/repo) with `what` at `where`: "link:TARGET", "file" or "fifo"; a folder
    outside it (tmp_path/outside) with a file; every file of both as it was before a build."""
    root = make_repo(tmp_path / "repo")
    (tmp_path / "outside" / "deep").mkdir(parents=True)
    (tmp_path / "outside" / "deep" / "keep.txt").write_text("a maintainer's file\n", encoding="utf-8")
    path = root / where
    path.parent.mkdir(parents=True, exist_ok=True)
    if what.startswith("link:"):
        path.symlink_to(what.removeprefix("link:"))
    elif what == "file":
        path.write_text("committed\n", encoding="utf-8")
    else:
        os.mkfifo(path)
    return root, _files(tmp_path)


PLANTED = [  # (where, what, the error's words)
    ("content/reports", "link:../reports", "content/reports is a symbolic link to ../reports: "),
    ("content/issues", "link:../../outside", "content/issues is a symbolic link to ../../outside: "),
    ("content", "link:../outside", "content is a symbolic link to ../outside: "),
    ("content/index.md", "link:../reports/agencies.yaml", "content/index.md is a symbolic link to "),
    ("content/reports/2023", "link:../../../outside/deep", "content/reports/2023 is a symbolic link to "),
    ("content/assets", "link:../../outside", "content/assets is a symbolic link to ../../outside: MkDocs"),
    ("content/reports", "file", "content/reports is a file, not a folder: "),
    ("content/api", "fifo", "content/api is a FIFO (named pipe)"),
    (".cache", "link:../outside", ".cache is a symbolic link to ../outside: "),
    (".cache/extract", "link:../../outside/deep", ".cache/extract is a symbolic link to "),
    (".cache", "file", ".cache is a file, not a folder: "),
]


@pytest.mark.parametrize("where, what, words", PLANTED, ids=[f"{w}={x}" for w, x, _ in PLANTED])
def test_a_generated_path_that_is_not_the_builds_own_folder_is_refused(where, what, words, tmp_path, capsys):
    root, before = _planted(tmp_path, where, what)
    code = cli.main(["check", "--root", str(root)])  # what `check` accepts, `site` builds: it says so first
    out = capsys.readouterr().out
    assert code == 1 and f"error: {words}" in out and "1 reports: 1 readable" in out, out
    code = cli.main(["build", "--root", str(root)])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert words in err and "Traceback" not in err, err
    assert f"error: {words}" in err.splitlines()[0] or any(ln.startswith(f"error: {words}") for ln in err.splitlines())
    after = {k: v for k, v in _files(tmp_path).items() if not k.startswith("repo/.cache/")}  # a real .cache: its own
    assert after == before  # nothing deleted, changed or written through the link, in or out of the repository


@pytest.mark.parametrize("how", ["link", "inner link"])
def test_a_site_folder_that_is_a_link_is_refused_before_mkdocs_cleans_it(how, tmp_path, capsys):
    from conftest import copy_repository

    root = copy_repository(tmp_path / "repo")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("a maintainer's file\n", encoding="utf-8")
    if how == "link":
        (root / "site").symlink_to("reports")
    else:  # a real site/ whose assets folder is a link: MkDocs would write through it
        (root / "site").mkdir()
        (root / "site" / "assets").symlink_to("../../outside")
    before = {k: v for k, v in _files(tmp_path).items() if k.startswith(("repo/reports/", "outside/"))}
    named = "site is a symbolic link to reports" if how == "link" else "site/assets is a symbolic link to ../../outside"
    assert cli.main(["check", "--root", str(root)]) == 1 and f"error: {named}: " in capsys.readouterr().out
    code = cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"error: {named}: " in err and "Traceback" not in err, err
    assert {k: v for k, v in _files(tmp_path).items() if k.startswith(("repo/reports/", "outside/"))} == before


@pytest.mark.parametrize("where", ["overrides/partials/secret.html", "hooks/extra.py", "mkdocs.yml"])
def test_what_mkdocs_reads_besides_content_is_never_a_link(where, tmp_path, capsys):
    """MkDocs reads the theme's overrides, the hooks and its configuration besides content/: a link there
    would publish (or run) what it points to, in the repository or outside it. Refused, MkDocs not run."""
    from conftest import copy_repository

    root = copy_repository(tmp_path / "repo")
    (tmp_path / "outside").mkdir()
    secret = tmp_path / "outside" / "id_rsa"
    secret.write_text("PRIVATE KEY\n", encoding="utf-8")
    target = root / where
    target.parent.mkdir(parents=True, exist_ok=True)
    if where == "mkdocs.yml":
        (tmp_path / "outside" / "mkdocs.yml").write_bytes(target.read_bytes())
        target.unlink()
        target.symlink_to(tmp_path / "outside" / "mkdocs.yml")
    else:
        target.symlink_to(secret)
    named = f"{where} is a symbolic link to {target.readlink()}: MkDocs would read what it points to"
    assert cli.main(["check", "--root", str(root)]) == 1 and f"error: {named}" in capsys.readouterr().out
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 1
    err = capsys.readouterr().err
    assert f"error: {named}" in err and "Traceback" not in err, err
    assert not (root / "site").exists()  # MkDocs never ran


def test_a_cache_that_is_a_file_is_one_message_and_check_still_reads_every_report(tmp_path, capsys, monkeypatch):
    root = make_repo(tmp_path)
    (root / ".cache").write_text("committed\n", encoding="utf-8")
    code, out = check(root, capsys, monkeypatch=monkeypatch)
    assert code == 1
    assert out.count(".cache is a file, not a folder") == 1 and "Traceback" not in out, out
    assert "1 reports: 1 readable, 0 broken" in out, out  # the report is read all the same, without the cache
    assert (root / ".cache").read_text(encoding="utf-8") == "committed\n"
    for command in (["build", "--root", str(root)], ["site", "--root", str(root), "--site-dir", str(root / "site")]):
        assert cli.main(command) == 1
        err = capsys.readouterr().err
        assert err.count(".cache is a file, not a folder") == 1 and "Traceback" not in err, err


def test_gitignore_ignores_every_generated_path_whatever_it_is(tmp_path):
    """A link or a file where a generated folder belongs is ignored too: `/content/issues/` matches folders only."""
    import subprocess

    from builder.site.page_cache import GENERATED
    from conftest import ROOT

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    (tmp_path / "content").mkdir()
    planted = [f"content/{name}" for name in GENERATED] + [".cache", "site"]
    for k, rel in enumerate(planted):
        if k % 2:
            (tmp_path / rel).symlink_to("../reports" if "/" in rel else "reports")
        else:
            (tmp_path / rel).write_text("x\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    staged = subprocess.run(["git", "-C", str(tmp_path), "diff", "--cached", "--name-only"], check=True,
                            capture_output=True, text=True).stdout.split()
    assert staged == [".gitignore"]


# --- a report's source is a download, never a page ------------------------------------------------------

DOWNLOAD_TYPES = {"text/plain", "application/pdf", "application/msword",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@pytest.mark.parametrize("suffix", SOURCE_SUFFIXES)
def test_every_kind_of_source_is_named_as_a_download(suffix):
    """Whatever extension a source has (any case), its download is neither a page to MkDocs nor HTML to a
    browser: a PDF, a Word file or plain text, by the type a server gives its name."""
    import mimetypes

    from mkdocs.utils import markdown_extensions

    from builder.record.outcome import Brief
    from builder.site.views import source_download

    for ext in (suffix, suffix.upper()):
        name = source_download(Brief(agency="巴州区", year=2023, published_on=None), Path(f"reports/2023/巴州区{ext}"))
        assert name.startswith("downloads/2023/巴州区.") and name.lower().startswith(f"downloads/2023/巴州区{suffix}")
        assert not name.lower().endswith(tuple(markdown_extensions)), name
        assert mimetypes.guess_type(name)[0] in DOWNLOAD_TYPES, name


def test_a_source_is_a_download_whatever_its_extension(tmp_path):
    """A Markdown report (what converters write) with a script and an image, a text file named .htm, .text and
    .markdown, and the saved web pages: each report page's 下载源文件 link, followed over HTTP, gives the
    source's bytes as a plain download; none is rendered as a page or served as HTML."""
    import functools
    import http.server
    import urllib.request
    from urllib.parse import quote, unquote

    from conftest import build_site_in, copy_repository

    root = copy_repository(tmp_path)
    folder = root / "reports" / "2023"
    hostile = "\n<script>alert('from the source')</script>\n\n![](images/figure.png)\n"
    renamed = {"巴州区": ".md", "达州市通川区": ".markdown", "攀枝花市西区人民政府办公室": ".htm", "川汇区政府办公室": ".text"}
    for name, suffix in renamed.items():
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        (folder / f"{name}{suffix}").write_text(text + (hostile if suffix == ".md" else ""), encoding="utf-8")
        (folder / f"{name}.txt").unlink()
        (folder / f"{name}.yaml").unlink()  # read again from the renamed source
    assert {s for s in renamed.values()} <= set(SOURCE_SUFFIXES)
    outcomes, _ = build_site_in(root)  # MkDocs --strict: an image the Markdown names is not a broken link
    site = root / "site"
    sources = {o.source.name: o for o in outcomes if not o.failed}
    assert {f"{n}{s}" for n, s in renamed.items()} <= set(sources)

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.func.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for o in sources.values():
            page = site / "reports" / str(o.record.year) / o.source.stem / "index.html"
            href = re.search(r'<a href="([^"]+)" download>下载源文件</a>', page.read_text(encoding="utf-8"))[1]
            target = Path(os.path.normpath(page.parent / unquote(href)))
            assert target.is_relative_to(site / "downloads"), href
            url = f"http://127.0.0.1:{server.server_address[1]}/" + quote(target.relative_to(site).as_posix())
            with urllib.request.urlopen(url) as got:
                assert got.read() == o.source.read_bytes(), href
                assert got.headers.get_content_type() in DOWNLOAD_TYPES, (href, got.headers["Content-Type"])
    finally:
        server.shutdown()
    assert not [p for p in (site / "downloads").rglob("*") if p.suffix in (".html", ".htm") or p.is_dir()
                and (p / "index.html").exists()]  # no source became a page
    for page in site.rglob("*.html"):  # the script is text on the report page (its narrative), never markup
        assert "<script>alert('from the source')" not in page.read_text(encoding="utf-8"), page
