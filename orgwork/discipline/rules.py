"""Party discipline (党纪处分) as versioned rule data.

Sources: 《中国共产党章程》第四十条 (the five sanctions; 留党察看 at most two years; no right to vote, elect or
stand while under it) and 《中国共产党纪律处分条例》 (2015 text in force 2016-01-01, 2018 revision in force
2018-10-01, 2023 revision in force 2024-01-01). Article numbers of the 条例 are as we read them in the 2018 text:
第八条 the five kinds; 第十条 警告 1 year, 严重警告 18 months without promotion; 第十一条 撤销党内职务 2 years
without an equivalent post; 第十二条 留党察看 one or two years, party posts ended, no vote, extended once by a year
at most; 第十三条 开除党籍 no re-joining for five years. The numbers live here, referenced by name from services.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from orgwork.core.errors import ServiceError
from orgwork.core.rules import RuleSet, UnknownRule, register, rule

NAME = "discipline.sanctions"

SANCTIONS_2016 = register(
    RuleSet(
        name=NAME,
        version="2016",
        effective=dt.date(2016, 1, 1),
        source="《中国共产党章程》第四十条；《中国共产党纪律处分条例》（2015）第八、十至十三条",
        values={
            # 条例第八条 / 党章第四十条: the five kinds, mildest first.
            "kinds": ("warning", "serious_warning", "post_removal", "probation", "expulsion"),
            # 条例第十、十一条: how long a sanction weighs on promotion (影响期), in months from its effective date.
            "influence_months": {"warning": 12, "serious_warning": 18, "post_removal": 24},
            # 党章第四十条 / 条例第十二条: 留党察看 for one or two years; extended once, never past two years.
            "probation_years": (1, 2),
            "probation_max_years": 2,
            # 条例第十三条: an expelled person may not re-join for five years.
            "expulsion_rejoin_bar_years": 5,
            # 条例第十一、十二、十三条: these sanctions end the member's party posts (党内职务).
            "ends_posts": ("post_removal", "probation", "expulsion"),
            # 党章第四十条: no right to vote, elect or stand while under these.
            "no_vote_rights": ("probation",),
        },
    )
)
SANCTIONS_2018 = register(
    SANCTIONS_2016.derive(version="2018", effective=dt.date(2018, 10, 1), source="《中国共产党章程》第四十条；《中国共产党纪律处分条例》（2018）第八、十至十三条")
)
SANCTIONS_2024 = register(
    SANCTIONS_2018.derive(version="2024", effective=dt.date(2024, 1, 1), source="《中国共产党章程》第四十条；《中国共产党纪律处分条例》（2023年修订）第八、十至十三条")
)


def sanction_rules(on: dt.date | None = None, *, field: str = "effective_on") -> RuleSet:
    """The rule set in force on a date; a date before any version is a clean field error (no_rule_in_force)."""
    try:
        return rule(NAME, on=on)
    except UnknownRule:
        raise ServiceError.single(field, "no_rule_in_force", _("%(on)s之前没有可适用的纪律处分规定，无法登记") % {"on": format(on, '%Y年%m月%d日')}) from None


def rule_version(version: str) -> RuleSet:
    return rule(NAME, version=version)
