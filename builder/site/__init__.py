"""Stage 5, records, scores and downloads → the site's Markdown pages in content/ (MkDocs makes site/ of
them): report and body pages, rankings, lists, compare and coverage pages, the home page, the static
JSON API, the tables' images cut from PDFs; only what changed is made again (the page cache).

In: outcomes, agencies, registries, scores. Out: content/ (and its page cache under .cache/).
"""
