"""Village and community cadre targets and the kinds of secondment, as versioned rule data.

Source: seed 001 (惠州): "年内实现村村都有“大学生村官”和“村官大学生”,力争到2013年农村干部有大专以上学历的达30%以上,
社区干部有大专以上学历的达50%以上" — every village has a college-graduate village official; at least 30% of rural
cadres and 50% of community cadres with college education (大专以上). The county may publish a newer version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orgwork.core.rules import RuleSet, register, rule

STRUCTURE_2013 = register(
    RuleSet(
        name="villages.structure",
        version="2013",
        effective=dt.date(2012, 1, 1),
        source="seed 001《惠州市组织工作》：村村都有“大学生村官”，农村干部大专以上学历达30%以上，社区干部大专以上学历达50%以上",
        values={
            "college_share": {"rural": "0.30", "community": "0.50"},  # at least this share with 大专以上
            "college_levels": ["doctorate", "master", "bachelor", "college"],  # 大专以上
            "graduate_official_required": ["rural"],  # 村村都有大学生村官: every village
            "age_bands": [35, 45, 55],  # age structure: ≤35, 36–45, 46–55, over 55
        },
    )
)

KINDS_2013 = register(
    RuleSet(
        name="villages.secondment_kinds",
        version="2013",
        effective=dt.date(2012, 1, 1),
        source="seeds 001–004：党建指导员、第一书记（新进班子成员到后进村）、新录用公务员和新提拔领导干部到信访部门、领导干部和后备干部到企业、科技副县长、选调生到乡镇",
        values={
            "kinds": [
                ["instructor", "党建指导员"],
                ["first_secretary", "驻村第一书记"],
                ["petitions", "到信访部门挂职"],
                ["enterprise", "到企业挂职"],
                ["science_deputy", "科技副县长"],
                ["graduate_township", "选调生到乡镇"],
            ],
            "instructor_kind": "instructor",
        },
    )
)


def structure_rules(*, on: dt.date | None = None):
    return rule("villages.structure", on=on)


def kind_rules(*, on: dt.date | None = None):
    return rule("villages.secondment_kinds", on=on)


def kind_label(code: str, rules) -> str:
    return dict(rules["kinds"]).get(code, code)


def meets(college: int, total: int, target: str) -> bool:
    """Whether `college` of `total` reaches the target share (exact, Decimal); an empty group meets nothing."""
    return total > 0 and Decimal(college) >= Decimal(target) * total


def age_band(age: int, bands: list[int]) -> int:
    for i, top in enumerate(bands):
        if age <= top:
            return i
    return len(bands)
