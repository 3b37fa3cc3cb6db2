"""The file store (newsroom/file_cache.py): Django's file cache, culling without a listing per write."""

from unittest import mock

from newsroom import file_cache
from newsroom.file_cache import FileCache


def store(tmp_path, max_entries: int) -> FileCache:
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 3}})


def test_a_write_does_not_list_the_folder_each_time(tmp_path):
    cache = store(tmp_path, 5000)
    with mock.patch.object(FileCache, "_list_cache_files", wraps=cache._list_cache_files) as listing:
        for number in range(250):
            cache.set(f"page-{number}", "<html>", 60)
    assert listing.call_count == 3  # writes 1, 101 and 201; Django's own lists on all 250
    assert cache.get("page-249") == "<html>"


def test_the_folder_is_still_culled_past_its_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(file_cache, "CULL_EVERY", 10)
    cache = store(tmp_path, 30)
    for number in range(200):
        cache.set(f"page-{number}", "<html>", 60)
    assert len(cache._list_cache_files()) <= 30 + 10
