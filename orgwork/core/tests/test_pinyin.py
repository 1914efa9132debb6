"""The per-character fast path of name pinyin gives exactly pypinyin's answer for whole names."""

import random

from orgwork.core import pinyin
from orgwork.demo.generator import GIVEN, SURNAMES


def test_fast_path_matches_pypinyin_on_names_and_random_characters():
    rng = random.Random(13)
    names = {rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) for _ in range(1500)}
    names |= {"".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.choice((2, 3, 4)))) for _ in range(1500)}
    names |= {"单雄信", "曾长安", "长孙无忌", "Tom李", "乐正", "解放", "重庆", "银行", "朴 正"}
    for name in names:
        assert pinyin.name_pinyin(name) == pinyin._slow.__wrapped__(name), name  # pypinyin itself, not its memo


def test_known_names():
    assert pinyin.name_pinyin("张三") == ("zhangsan", "zs")
    assert pinyin.name_pinyin("") == ("", "")


def test_the_common_characters_table_is_what_pypinyin_gives_each_character():
    # the table is filled at import in one pass over a list; each entry must equal converting the character alone
    assert len(pinyin._COMMON) == 3755
    for ch, got in pinyin._COMMON.items():
        full = "".join(pinyin.lazy_pinyin(ch, style=pinyin.Style.NORMAL, errors="default")).lower().replace(" ", "")
        initials = "".join(pinyin.lazy_pinyin(ch, style=pinyin.Style.FIRST_LETTER, errors="default")).lower().replace(" ", "")
        assert got == (full, initials), ch
