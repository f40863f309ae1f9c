"""Django's file-based cache (the cache of a deploy without Redis), culled like a cache.

Django's own lists the whole folder on every write to decide whether to cull and, past
``MAX_ENTRIES`` (300 by default), deletes a random third of the entries, whatever they are.
Here that meant a directory listing for each row preview and page written, and, with a team of
agents, the steady loss of entries that must outlive the rest: the per-site generation numbers
(each loss makes every user's cached answers of that site miss), an agent's email learned once
a day, the waiting count's marks. So this one looks at the folder at most every
``CULL_EVERY`` seconds per process and, when it is over the limit, deletes what has expired
first, then what expires soonest; entries kept without a timeout go last.
"""

from __future__ import annotations

import os
import pickle
import threading
import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 30.0


class FileCache(FileBasedCache):
    def __init__(self, dir, params) -> None:
        super().__init__(dir, params)
        self._next_cull = 0.0
        self._cull_lock = threading.Lock()

    def _cull(self) -> None:
        now = time.monotonic()
        with self._cull_lock:
            if now < self._next_cull:
                return
            self._next_cull = now + CULL_EVERY
        files = self._list_cache_files()
        if len(files) < self._max_entries:
            return
        if self._cull_frequency == 0:
            self.clear()
            return
        keep = self._max_entries - self._max_entries // self._cull_frequency
        expiries = []
        for name in files:
            expires = self._expiry(name)
            if expires is not None and expires < time.time():
                self._delete(name)
            else:
                expiries.append((float("inf") if expires is None else expires, name))
        expiries.sort()
        for _expires, name in expiries[: max(0, len(expiries) - keep)]:
            self._delete(name)

    @staticmethod
    def _expiry(name: str) -> float | None:
        """When an entry expires (None: never); an unreadable one counts as expired."""
        try:
            with open(name, "rb") as entry:
                return pickle.load(entry)  # noqa: S301 (our own cache files)
        except (OSError, EOFError, pickle.UnpicklingError):
            return 0.0

    def _list_cache_files(self) -> list[str]:
        try:
            names = os.listdir(self._dir)
        except FileNotFoundError:
            return []
        return [os.path.join(self._dir, n) for n in names if n.endswith(self.cache_suffix)]
