"""Remote education (seed 002) as rule data: venue kinds, what a course file may be, when a site counts as inactive.

Local practice, defaults marked "replace with the department's own": a site with fewer than 1 study session in a
month is flagged inactive. Course files are stored on this server (never a CDN): video and document types only.
"""

from __future__ import annotations

import datetime as dt

from orgwork.core.rules import RuleSet, register, rule

EDUCATION = register(
    RuleSet(
        name="education.sites",
        version="2024",
        effective=dt.date(2000, 1, 1),
        source="本地做法默认值（请替换为本部门的规定）：远程教育站点每月至少组织1次集中学习，未组织的列为不活跃站点（seed 002）",
        values={
            "min_sessions_per_month": 1,
            "video_suffixes": [".mp4", ".webm", ".m4v"],
            "document_suffixes": [".pdf", ".doc", ".docx", ".ppt", ".pptx", ".txt", ".ofd"],
            "max_file_mb": 1024,
            "credit_source": "remote",  # training.CreditSource: hours from site sessions are 远程教育
        },
    )
)


def education_rules(on: dt.date | None = None):
    return rule("education.sites", on=on)
