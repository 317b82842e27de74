"""Publishing the built site: its size against GitHub Pages' limits, and a deploy past them to any
S3-compatible object store (Aliyun OSS and Tencent COS serve readers in China; Cloudflare R2, AWS S3) by
rclone, which uploads only the files that changed and deletes those the site no longer has.

GitHub Pages publishes a site of at most 1 GB and stops a deploy after 10 minutes; the deploy workflow
publishes there while the site fits, and to an object store when the repository says so (docs/deploy.md).
The store and its credentials are rclone's: a remote named in the environment (RCLONE_CONFIG_<NAME>_TYPE,
…_PROVIDER, …_ENDPOINT, …_ACCESS_KEY_ID, …_SECRET_ACCESS_KEY, set from the repository's secrets), or any
path rclone takes (a local folder, in the tests)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

PAGES_MAX_BYTES = 1_000_000_000  # GitHub Pages: "published sites may be no larger than 1 GB"
PAGES_WARN_SHARE = 0.8           # warn from this share of it: the next reports may not fit
PAGES_DEPLOY_MINUTES = 10        # GitHub Pages: a deploy that takes longer is cancelled


def site_size(site_dir: Path) -> tuple[int, int]:
    """(bytes, files) of the built site; links are neither followed nor counted (the build refuses them
    anyway). One lstat a file (the listing says which entries are links and folders): 460,000 files
    at 100,000 reports."""
    total = files = 0
    stack = [str(site_dir)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except OSError:  # not there, or not a folder
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif not entry.is_symlink():
                    total += entry.stat(follow_symlinks=False).st_size
                    files += 1
    return total, files


def size_lines(site_dir: Path) -> list[str]:
    """What `site` prints of the site's size: one line, and a warning when it nears what GitHub Pages
    publishes (PAGES_MAX_BYTES)."""
    total, files = site_size(site_dir)
    lines = [f"{site_dir.name}/: {total / 1e6:,.1f} MB in {files:,} files "
             f"({100 * total / PAGES_MAX_BYTES:.1f} % of the 1 GB GitHub Pages publishes)"]
    if total >= PAGES_WARN_SHARE * PAGES_MAX_BYTES:
        lines.append(f"warning: the site is {total / 1e9:.2f} GB: GitHub Pages publishes at most 1 GB and stops a "
                     f"deploy after {PAGES_DEPLOY_MINUTES} minutes; deploy it to an object store (docs/deploy.md)")
    return lines


@dataclass
class Published:
    """What one sync did: the site's paths uploaded (new or changed) and deleted from the store."""
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    checked: int = 0  # files compared with the store's


class PublishError(Exception):
    """rclone is missing, or the sync failed: the message says which, and what rclone said."""


def sync_command(site_dir: Path, remote: str) -> list[str]:
    """rclone's command line: the store made the same as site_dir, files compared by checksum (an S3
    store's MD5 ETag; a file rewritten with the same bytes is not uploaded again), one JSON log line per
    file uploaded or deleted."""
    return ["rclone", "sync", f"{site_dir}{os.sep}", remote, "--checksum", "--fast-list", "--use-json-log",
            "--log-level", "INFO"]


def publish(site_dir: Path, remote: str) -> Published:
    """Sync the built site to `remote` (an rclone remote such as `store:bucket/path`, or a folder) and say
    what changed; PublishError if rclone is missing or fails."""
    if shutil.which("rclone") is None:
        raise PublishError("rclone is not installed (Debian: apt-get install rclone; make test installs it)")
    if not (site_dir / "index.html").is_file():
        raise PublishError(f"{site_dir} holds no built site (index.html): run `make site` first")
    done = subprocess.run(sync_command(site_dir, remote), capture_output=True, text=True)
    out = Published()
    for line in done.stderr.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        message, name = entry.get("msg", ""), entry.get("object")
        if name and message.startswith("Copied"):
            out.uploaded.append(name)
        elif name and message.startswith("Deleted"):
            out.deleted.append(name)
        if isinstance(entry.get("stats"), dict):
            out.checked = int(entry["stats"].get("checks", 0))
    if done.returncode != 0:
        errors = [json.loads(line).get("msg", "") for line in done.stderr.splitlines()
                  if line.startswith("{") and '"level":"error"' in line]
        raise PublishError(f"rclone sync to {remote} failed (exit {done.returncode}): "
                           f"{'; '.join(errors[:3]) or done.stderr.strip()[-300:]}")
    out.uploaded.sort()
    out.deleted.sort()
    return out
