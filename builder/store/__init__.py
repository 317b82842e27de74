"""The builder's own files between builds: what it writes whole or not at all, the stamps and digests that
tell it what changed, its caches under .cache/ (sealed JSON, never code; large ones in shards), and the
versions of its code that a cache entry or record stands for.

In: paths and plain data. Out: files on disk, and data read back only when its seal is this machine's.
Imports nothing else of the builder's.
"""
