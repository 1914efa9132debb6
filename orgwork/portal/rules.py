"""Portal rule data: what may be uploaded and what the review must confirm (rules.md §8: channels to the public).

No regulation fixes upload sizes; the secrecy review before publishing follows 党务公开条例（试行）2017 第十四条
(公开前应当进行保密审查) and 保密法 — kept as data so a department can change the limits."""

from __future__ import annotations

import datetime as dt

from orgwork.core.rules import RuleSet, register, rule

PORTAL_2017 = register(
    RuleSet(
        name="portal.publishing",
        version="2017",
        effective=dt.date(2017, 12, 20),
        source="党务公开条例（试行）2017 第十四条：公开前进行保密审查；上传限制为本系统默认值（rules.md §8）",
        values={
            "secrecy_review_required": True,
            "reviewer_not_author": True,
            "max_file_mb": 20,
            "max_files": 20,
            "image_ext": ["jpg", "jpeg", "png", "gif", "webp"],
            "file_ext": ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "zip", "jpg", "jpeg", "png", "gif", "webp"],
            "page_cache_seconds": 600,
        },
    )
)


def portal_rules(*, on: dt.date | None = None):
    return rule("portal.publishing", on=on or dt.date.today())
