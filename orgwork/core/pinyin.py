"""Pinyin for name search: full (zhangsan) and initials (zs).

Names are short; pypinyin segments each one into phrases and converts every segment in two styles, about 0.1 ms a
name. A name in which no run of two or more characters is a pypinyin phrase reads character by character, so it is
put together from a per-character cache (the same answer pypinyin gives, checked by core/tests/test_pinyin.py);
the others go to pypinyin whole. A name of the 3,755 common characters (GB 2312 level 1) is read from two tables
with no cache (cheaper than a cache of 100,000 different names); the rest are memoized.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT


@lru_cache(maxsize=65536)
def _char(ch: str) -> tuple[str, str]:
    try:
        return _COMMON[ch]
    except KeyError:
        pass
    full = "".join(lazy_pinyin(ch, style=Style.NORMAL, errors="default")).lower().replace(" ", "")
    initials = "".join(lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="default")).lower().replace(" ", "")
    return full, initials


def _common_chars() -> dict[str, tuple[str, str]]:
    """The 3,755 characters of GB 2312 level 1 (nearly every character of a name), converted once when the module
    loads (about 50 ms, two pypinyin calls over the list: each item alone, as _char converts it), so a process forked
    for a big import does not convert them again. Tested equal to _char's own conversion."""
    chars = [bytes([hi, lo]).decode("gb2312") for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF) if not (hi == 0xD7 and lo > 0xF9)]
    full = lazy_pinyin(chars, style=Style.NORMAL, errors="default")
    initials = lazy_pinyin(chars, style=Style.FIRST_LETTER, errors="default")
    return {c: (f.lower().replace(" ", ""), i.lower().replace(" ", "")) for c, f, i in zip(chars, full, initials, strict=True)}


_COMMON: dict[str, tuple[str, str]] = _common_chars()


def _has_phrase(name: str) -> bool:
    n = len(name)
    if n == 2:
        return name in PHRASES_DICT
    if n == 3:  # most names: the three runs of two or more, without a generator
        return name in PHRASES_DICT or name[:2] in PHRASES_DICT or name[1:] in PHRASES_DICT
    return any(name[i:j] in PHRASES_DICT for i in range(n - 1) for j in range(i + 2, n + 1))


_HANZI = re.compile("[\u4e00-\u9fff]+")


def _hanzi_only(name: str) -> bool:
    return _HANZI.fullmatch(name) is not None


_FULL = {c: full for c, (full, _initials) in _COMMON.items()}
_INITIALS = {c: initials for c, (_full, initials) in _COMMON.items()}


def name_pinyin(name: str) -> tuple[str, str]:
    if not name:
        return "", ""
    try:  # every character a common one (nearly every name): two C loops over the tables, no cache needed
        full = "".join(map(_FULL.__getitem__, name))
    except KeyError:
        return _rare(name)
    if _has_phrase(name):
        return _slow(name)
    return full, "".join(map(_INITIALS.__getitem__, name))


@lru_cache(maxsize=16384)
def _rare(name: str) -> tuple[str, str]:
    """A name with a character outside the common table, or not hanzi at all."""
    if _hanzi_only(name) and not _has_phrase(name):
        parts = [_char(ch) for ch in name]
        return "".join(p[0] for p in parts), "".join(p[1] for p in parts)
    return _slow(name)


@lru_cache(maxsize=16384)
def _slow(name: str) -> tuple[str, str]:
    full = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(full).lower().replace(" ", ""), "".join(initials).lower().replace(" ", "")
