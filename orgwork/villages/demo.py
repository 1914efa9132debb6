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
from orgwork.core.fields import subtree_q
from orgwork.members.models import Member

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
    extra = _rules_pay_reserves_pairing(actor, today, rural, community, town, root, s if rural else None)
    return {"cadres": count, "secondments": secondments, "units": 2, **extra}


def _rules_pay_reserves_pairing(actor, today, rural, community, town, root, first_secretary) -> dict:
    """Last year's 述职评议 of the first village's committee (approved), a post change, a former secretary on the
    subsidy, a reserve cadre with training and a placement, a unit–village pairing, a county leader's contact point
    and a member's household with visits, and the first secretary's yearly assessment."""
    last = today.year - 1
    out = {"reviews": 0, "reserves": 0, "pairings": 0, "former": 0}
    if not rural:
        return out
    village = rural[0]
    cadres = list(Cadre.objects.filter(org=village, ended_on__isnull=True).order_by("pk"))
    parts = [("19", "38", "37"), ("17", "33", "34"), ("15", "30", "30"), ("14", "27", "28"), ("16", "32", "31")]
    for c, (a, b, d) in zip(cadres, parts, strict=False):
        entries = services.score_cadre(actor=actor, which="review", cadre_id=c.pk, year=last, scores={"report": a, "members": b, "township": d}, today=today)
        services.approve_scores(actor=actor, entry_ids=[e.pk for e in entries])
        out["reviews"] += 1
    secretary = next((c for c in cadres if c.party_post == "secretary"), None)
    if secretary is not None:
        e = services.score_cadre(actor=actor, which="competence", cadre_id=secretary.pk, year=last,
                                 scores={"political": "18", "prosperity": "21", "governance": "20", "service": "17", "integrity": "9"}, today=today)  # fmt: skip
        services.approve_scores(actor=actor, entry_ids=[x.pk for x in e])
    member = next((c for c in cadres if not c.party_post and c.village_post == "member"), None)
    if member is not None:  # the 大学生村官 becomes vice chair: the old record ends, a new one starts
        services.change_post(actor=actor, cadre_id=member.pk, village_post="vice_chair", on=today - dt.timedelta(days=30), reason="村委会补选为副主任", today=today)
    services.register_former(actor=actor, org_id=village.pk, id_number=_id(today, 71, 950), name="陈老支书", main_post=True, years=18,
                             left_on=dt.date(today.year - 6, 5, 31), subsidy_from=dt.date(today.year - 6, 6, 1), today=today)  # fmt: skip
    services.register_former(actor=actor, org_id=rural[-1].pk, id_number=_id(today, 66, 951), name="林老委员", main_post=False, years=9,
                             left_on=dt.date(today.year - 3, 5, 31), subsidy_from=dt.date(today.year - 3, 6, 1), today=today)  # fmt: skip
    out["former"] = 2
    r = services.add_reserve(actor=actor, org_id=village.pk, id_number=_id(today, 27, 952), name="何青年", education="bachelor", strengths="电商、合作社经营",
                             added_on=today - dt.timedelta(days=200), today=today)  # fmt: skip
    services.credit_reserve_training(actor=actor, reserve_id=r.pk, hours="16", on=today - dt.timedelta(days=100), course="村级后备干部示范培训班", today=today)
    services.start_placement(actor=actor, reserve_id=r.pk, place="县供销社农产品市场", started_on=today - dt.timedelta(days=90), ends_on=today - dt.timedelta(days=5),
                             tasks="到市场上“强制锻炼”：农产品购销")  # fmt: skip
    services.add_reserve(actor=actor, org_id=(community or rural)[0].pk, id_number=_id(today, 31, 953), name="钟社工", education="college", strengths="社区治理",
                         added_on=today - dt.timedelta(days=100), today=today)  # fmt: skip
    out["reserves"] = 2
    p = services.start_pairing(actor=actor, kind="unit_village", org_id=village.pk, helper="县农业农村局", target=village.name, started_on=today - dt.timedelta(days=300),
                               goals="发展特色种植，村集体经济年增收5万元", today=today)  # fmt: skip
    services.log_visit(actor=actor, pairing_id=p.pk, on=today - dt.timedelta(days=40), text="对接种植项目资金，召开村民代表会议", today=today)
    services.start_pairing(actor=actor, kind="leader_point", org_id=rural[-1].pk, helper="县委副书记", target=f"{rural[-1].name}（县级领导联系点）",
                           started_on=today - dt.timedelta(days=200), goals="整顿软弱涣散党组织", today=today)  # fmt: skip
    out["pairings"] = 2
    m = Member.objects.filter(subtree_q(village.path, "org__path")).order_by("pk").first()
    if m is not None:
        h = services.start_pairing(actor=actor, kind="member_household", org_id=village.pk, helper_member_id=m.pk, target="五保户王大爷家",
                                   started_on=today - dt.timedelta(days=60), today=today)  # fmt: skip
        services.log_visit(actor=actor, pairing_id=h.pk, on=today - dt.timedelta(days=10), text="送米送油，帮助打扫卫生", today=today)
        out["pairings"] = 3
    if first_secretary is not None and first_secretary.started_on.year < today.year:
        services.assess_year(actor=actor, secondment_id=first_secretary.pk, year=first_secretary.started_on.year, grade="competent", on=today, comment="完成年度整顿任务", today=today)
    return out
