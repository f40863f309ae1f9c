"""The file cache of a deploy without Redis keeps what must outlive the rest when it culls."""

from __future__ import annotations

import time

from dashboard.filecache import FileCache


def make(tmp_path, entries: int = 12) -> FileCache:
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": entries, "CULL_FREQUENCY": 3}})


def test_culling_drops_the_expired_then_the_soonest_to_expire_and_keeps_the_lasting(tmp_path):
    cache = make(tmp_path)
    for n in range(4):
        cache.set(f"generation-{n}", n, timeout=None)
    for n in range(6):
        cache.set(f"page-{n}", n, timeout=60 + n)
    for n in range(4):
        cache.set(f"gone-{n}", n, timeout=1)
    time.sleep(1.1)
    cache._next_cull = 0.0  # the next write looks at the folder

    cache.set("page-new", "x", timeout=600)

    assert all(cache.get(f"generation-{n}") == n for n in range(4))
    # Over the limit: the expired went, then the pages that expire soonest, down to 8 of 12.
    assert [cache.get(f"page-{n}") for n in range(6)] == [None, None, 2, 3, 4, 5]
    assert cache.get("page-new") == "x"
    assert len(cache._list_cache_files()) == 9


def test_the_folder_is_not_listed_on_every_write(tmp_path, monkeypatch):
    cache = make(tmp_path, entries=1000)
    listed = []
    original = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listed.append(1) or original())
    for n in range(20):
        cache.set(f"row-{n}", n)
    assert len(listed) == 1
