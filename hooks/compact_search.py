"""MkDocs hook: the search index rewritten as UTF-8 instead of \\u escapes.

Material's search plugin writes JSON with every non-ASCII character escaped: six bytes for each
Chinese character and each zero-width space jieba puts between words. As UTF-8 they take three
(or one), so the index a reader's browser downloads is about half the size. Runs after the search
plugin's own on_post_build (hooks come after plugins)."""
from __future__ import annotations

import json
from pathlib import Path


def on_post_build(config, **kwargs) -> None:
    path = Path(config["site_dir"]) / "search" / "search_index.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
