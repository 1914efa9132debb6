"""Cached public pages, cleared on publish and withdrawal — in every server process.

Keys carry a generation: the modification time of one small file (`VAR_DIR/portal-generation`), read with one
`stat` per request. Publishing or withdrawing touches the file (after the transaction commits), so every process
on the machine — gunicorn workers each with their own LocMemCache — stops serving the old pages at once, and the
article's key is also deleted from the cache (which is all a shared Redis cache needs across machines)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache


def _gen_file() -> Path:
    return Path(getattr(settings, "VAR_DIR", ".")) / "portal-generation"


def generation() -> int:
    try:
        return os.stat(_gen_file()).st_mtime_ns
    except FileNotFoundError:
        return 0


def article_key(pk: int, lang: str = "zh-hans") -> str:
    return f"portal:article:{generation()}:{pk}:{lang}"


def list_key(name: str) -> str:
    return f"portal:list:{generation()}:{name}"


def invalidate(article_pk: int | None = None) -> None:
    if article_pk is not None:
        cache.delete_many([article_key(article_pk, lang) for lang, _name in settings.LANGUAGES])
    path = _gen_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    now = time.time_ns()
    if now <= generation():  # two changes within the file system's timestamp resolution: still move forward
        now = generation() + 1
    path.touch()
    os.utime(path, ns=(now, now))
