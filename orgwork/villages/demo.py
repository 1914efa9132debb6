"""Demo data (small, deterministic): the two committees of four villages and two communities, a few secondments
(one first secretary past its end without an assessment), two units without a party organization, one with an
instructor.

Rural: 4 villages × 5 cadres, 5 with college education (25%, under the 30% target), a 大学生村官 in three of the
four; every secretary also chairs the villagers' committee. Community: 2 × 4 cadres, 6 with college education (75%,
over the 50% target).
"""

from __future__ import annotations

import datetime as dt

from orgwork.core import idcard
from orgwork.core.actor import Actor

from . import selectors, services
from .models import Cadre

REGION = "511526"
# (party post, village post, education, years of age) per village; the first two villages' deputies have
# college education as well (and the second village's), the fourth village's graduate is missing (its member has only high school).
RURAL = [
    ("secretary", "chair", "high_school", 52),
    ("deputy", "", "secondary", 47),
    ("member", "vice_chair", "junior_high", 58),
    ("member", "", "high_school", 40),
    ("", "member", "bachelor", 26),  # the 大学生村官 (not in the fourth village)
]
COMMUNITY = [
    ("secretary", "chair", "bachelor", 44),
    ("deputy", "", "college", 38),
    ("member", "vice_chair", "college", 33),
    ("", "member", "high_school", 50),
]


def _id(today: dt.date, age: int, seq: int) -> str:
    """A valid number for someone exactly `age` years old today (their birthday 30–56 days ago)."""
    return idcard.make(REGION, today - dt.timedelta(days=int(age * 365.25) + 30 + seq % 27), 100 + seq % 899)


def build(root, builder) -> dict:
    if Cadre.objects.filter(org__path__startswith=root.path).exists():  # --if-empty
        return {}
    actor, today = builder.actor, builder.today
    system = Actor.system_actor("villages.demo")
    orgs = list(selectors.villages(system, under=root))
    rural = [o for o in orgs if o.sector == "rural"][:4]
    community = [o for o in orgs if o.sector == "community"][:2]
    seq = 0
    started = dt.date(today.year - 2, 6, 1)
    surnames = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
    count = 0
    for group, people in ((rural, RURAL), (community, COMMUNITY)):
        for i, org in enumerate(group):
            for j, (party_post, village_post, education, age) in enumerate(people):
                seq += 1
                if group is rural and i < 2 and j == 1:
                    education = "college"
                graduate = group is rural and j == 4 and i < 3
                if group is rural and j == 4 and i == 3:
                    education, age = "high_school", 45
                services.register_cadre(
                    actor=actor, org_id=org.pk, id_number=_id(today, age, seq), name=f"{surnames[seq % len(surnames)]}{'明华强军平芳丽敏'[seq % 8]}",
                    education=education, graduate_official=graduate, party_post=party_post, village_post=village_post, started_on=started, today=today,
                )  # fmt: skip
                count += 1
    secondments = 0
    if rural:
        # the fourth village was rated 软弱涣散 (no rubric points: under the line) the year its first secretary went
        from orgwork.scores import services as scores_services

        scores_services.rate_branch(actor=actor, org_id=rural[-1].pk, year=(today - dt.timedelta(days=730)).year, today=today)
        s = services.start_secondment(actor=actor, org_id=rural[-1].pk, kind="first_secretary", id_number=_id(today, 36, 900), name="周驻村",
                                      place="驻村第一书记", started_on=today - dt.timedelta(days=730), ends_on=today - dt.timedelta(days=20), tasks="抓党建促脱贫，整顿软弱涣散党组织")  # fmt: skip
        services.log_work(actor=actor, secondment_id=s.pk, on=today - dt.timedelta(days=400), text="召开村民代表大会，制定集体经济发展计划", today=today)
        secondments += 1
    town = orgs[0].parent if orgs else root
    instructor = services.start_secondment(actor=actor, org_id=town.pk, kind="instructor", id_number=_id(today, 41, 901), name="吴指导",
                                           place="党建指导员", started_on=today - dt.timedelta(days=90), ends_on=today + dt.timedelta(days=275), tasks="指导两新组织建立党组织")  # fmt: skip
    services.start_secondment(actor=actor, org_id=root.pk, kind="science_deputy", id_number=_id(today, 39, 902), name="郑科技", place="科技副县长",
                              started_on=today - dt.timedelta(days=200), ends_on=today + dt.timedelta(days=530), tasks="科技服务、产业项目对接")  # fmt: skip
    secondments += 2
    unit = services.register_unit(actor=actor, org_id=town.pk, name="兴旺竹木加工有限公司", kind="enterprise", employees=45, party_members=2, registered_on=today - dt.timedelta(days=120))
    services.assign_instructor(actor=actor, unit_id=unit.pk, secondment_id=instructor.pk)
    services.register_unit(actor=actor, org_id=town.pk, name="乡村振兴志愿者协会", kind="social", employees=12, party_members=1, registered_on=today - dt.timedelta(days=60))
    return {"cadres": count, "secondments": secondments, "units": 2}
