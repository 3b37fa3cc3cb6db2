"""The page cache's default store: Django's file cache, without a folder listing on every write."""

from django.core.cache.backends.filebased import FileBasedCache

# How many writes of one process pass between two looks at the folder's size.
CULL_EVERY = 100


class FileCache(FileBasedCache):
    """Django's FileBasedCache lists its whole folder on every ``set`` to decide whether to cull:
    8 ms of CPU at 4,500 entries, more than drawing the page it stores (bench/RESULTS.md, issue
    #17). This one looks on a process's first write and then every ``CULL_EVERY``: the folder
    may pass MAX_ENTRIES by that many writes per worker before a third of it is culled.
    """

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._writes = 0

    def _cull(self):
        self._writes += 1  # a race between two threads only moves the next look by a write
        if self._writes % CULL_EVERY == 1:
            super()._cull()
