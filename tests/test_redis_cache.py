"""The Redis store (newsroom/redis_cache.py): one client per connection pool, not one per lookup."""

from newsroom.redis_cache import RedisCache


def test_lookups_share_one_client_per_pool():
    store = RedisCache("redis://127.0.0.1:6379/15", {})  # no command is sent: no server needed
    client = store._cache.get_client()

    assert store._cache.get_client() is client
    assert store._cache.get_client(write=True) is client  # one server: reads and writes share its pool

