"""Cached public pages. An article page is cached under its own key, list pages under a generation number;
publishing or withdrawing deletes the article's key and bumps the generation. With a per-process cache
(LocMemCache, the default without Redis) other processes see the change when their copy expires
(`page_cache_seconds`); with Redis (REDIS_URL) the change is seen at once by every process."""

from __future__ import annotations

from django.core.cache import cache

GEN_KEY = "portal:gen"


def article_key(pk: int) -> str:
    return f"portal:article:{pk}"


def generation() -> int:
    gen = cache.get(GEN_KEY)
    if gen is None:
        gen = 1
        cache.add(GEN_KEY, gen, None)
    return gen


def list_key(name: str) -> str:
    return f"portal:list:{generation()}:{name}"


def invalidate(article_pk: int | None = None) -> None:
    if article_pk is not None:
        cache.delete(article_key(article_pk))
    try:
        cache.incr(GEN_KEY)
    except ValueError:
        cache.set(GEN_KEY, 2, None)
