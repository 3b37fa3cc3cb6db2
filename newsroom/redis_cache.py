"""The page cache's store with Redis (CACHE_URL=redis://…): Django's RedisCache, one client per pool."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _PooledClient(RedisCacheClient):
    """Django's makes a new ``redis.Redis`` for every operation, and each fills a table of some
    170 response callbacks: about a tenth of a millisecond of CPU per lookup, a tenth of what a
    cached page costs (bench/RESULTS.md, issue #17). A ``redis.Redis`` is safe to share between
    threads (each command takes a connection from the pool), so one is kept per pool.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object: ids stay theirs
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _PooledClient
