"""Demo data for cadres: units, posts and quotas, a dozen cadres with appointment histories (one unit over quota,
one cadre due for rotation), a selection in flight with a closed contested recommendation and a flag, personal
matters reports (the demo user "county" is a designated reader) — small and fast, through the services."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from orgwork.core import idcard
from orgwork.core.ballots import services as ballots

from . import services
from .models import Cadre, PostKind, Rank, ReportKind

NAMES = ("周海涛", "吴文静", "郑国强", "冯晓燕", "陈立新", "褚明", "卫红梅", "蒋志勇", "沈佳", "韩冬", "杨建军", "朱丽")


def _new_id(builder, birth_year: int) -> str:
    while True:
        number = idcard.make("511526", dt.date(birth_year, builder.rng.randint(1, 12), builder.rng.randint(1, 28)), builder.rng.randint(1, 999))
        if number not in builder.used_ids and not Cadre.objects.filter(id_number=number).exists():
            builder.used_ids.add(number)
            return number


def build(root, builder) -> dict:
    if Cadre.objects.exists():  # --if-empty
        return {}
    a, today = builder.actor, builder.today
    transport = services.create_unit(actor=a, org_id=root.pk, name="县交通运输局", kind="gov_agency")
    education = services.create_unit(actor=a, org_id=root.pk, name="县教育局", kind="gov_agency")
    town_org = root.children.filter(name__contains="镇").order_by("path").first() or root
    town = services.create_unit(actor=a, org_id=town_org.pk, name=town_org.short_name or town_org.name, kind="township")
    posts = {}
    for unit in (transport, education):
        posts[(unit.pk, "head")] = services.create_post(actor=a, unit_id=unit.pk, title="局长", kind=PostKind.PRINCIPAL, rank=Rank.SECTION_PRINCIPAL, is_unit_head=True)
        posts[(unit.pk, "secretary")] = services.create_post(actor=a, unit_id=unit.pk, title="党组书记", kind=PostKind.PRINCIPAL, rank=Rank.SECTION_PRINCIPAL, is_party_secretary=True)
        posts[(unit.pk, "deputy")] = services.create_post(actor=a, unit_id=unit.pk, title="副局长", kind=PostKind.DEPUTY, rank=Rank.SECTION_DEPUTY, category="working_dept_deputy")
        services.set_quota(actor=a, unit_id=unit.pk, kind=PostKind.PRINCIPAL, seats=1, document="县编委〔2024〕3号")
        services.set_quota(actor=a, unit_id=unit.pk, kind=PostKind.DEPUTY, seats=2, document="县编委〔2024〕3号")
    posts[(town.pk, "secretary")] = services.create_post(actor=a, unit_id=town.pk, title="党委书记", kind=PostKind.PRINCIPAL, rank=Rank.SECTION_PRINCIPAL, elected=True, is_party_secretary=True, category="township_secretary")
    services.set_quota(actor=a, unit_id=town.pk, kind=PostKind.PRINCIPAL, seats=2)
    cadres = []
    for i, name in enumerate(NAMES):
        rank = Rank.SECTION_PRINCIPAL if i < 3 else Rank.SECTION_DEPUTY if i < 7 else Rank.STAFF
        cadres.append(services.create_cadre(actor=a, org_id=root.pk, id_number=_new_id(builder, 1968 + i), name=name, education="大学本科", work_started_on=dt.date(1990 + i, 7, 1), rank=rank))
    back = lambda years: dt.date(today.year - years, 3, 1)  # noqa: E731
    services.appoint(actor=a, cadre_id=cadres[0].pk, post_id=posts[(transport.pk, "head")].pk, on=back(11))  # due for rotation
    services.appoint(actor=a, cadre_id=cadres[1].pk, post_id=posts[(transport.pk, "secretary")].pk, on=back(4))  # head ≠ secretary: flagged
    services.appoint(actor=a, cadre_id=cadres[2].pk, post_id=posts[(town.pk, "secretary")].pk, on=back(5))
    for c in cadres[3:6]:  # three deputies on two seats: over quota
        services.appoint(actor=a, cadre_id=c.pk, post_id=posts[(transport.pk, "deputy")].pk, on=back(3))
    services.appoint(actor=a, cadre_id=cadres[6].pk, post_id=posts[(education.pk, "deputy")].pk, on=back(2))
    services.add_kinship(actor=a, cadre_id=cadres[3].pk, relative_id=cadres[4].pk, relation="夫妻")
    # a selection in flight for the education deputy seat: proposal and a contested recommendation, closed
    start = today - dt.timedelta(days=20)
    sel = services.start_selection(actor=a, post_id=posts[(education.pk, "deputy")].pk, title=f"{education.name}副局长选拔（{today.year}）", on=start)
    services.complete_step(actor=a, selection_id=sel.pk, step="proposal", done_on=start, data={"reason": "副局长职数空缺1名"}, documents={"动议方案": f"县委组〔{today.year}〕12号"})
    b = services.start_recommendation(actor=a, selection_id=sel.pk, cadre_ids=[c.pk for c in cadres[7:10]], groups=[{"name": "领导班子成员", "weight": "0.4", "size": 5}, {"name": "中层干部及干部代表", "weight": "0.6", "size": 20}])
    for g, n in zip(b.groups.order_by("seq"), (5, 20), strict=True):
        codes = ballots.issue_codes(actor=a, ballot_id=b.pk, group_id=g.pk, count=n)
        if g.seq == 1:
            ballots.open_ballot(actor=a, ballot_id=b.pk)
        for code in codes[: n - 2]:
            ballots.cast_with_code(code=code, answers={"1": [builder.rng.choice([1, 1, 2, 3])]})
    ballots.close_ballot(actor=a, ballot_id=b.pk)
    services.complete_step(actor=a, selection_id=sel.pk, step="recommendation", done_on=start + dt.timedelta(days=7), data={"meeting_ballot": b.pk})
    services.flag_selection(actor=a, selection_id=sel.pk, text="民主推荐参加人员范围请补充说明")
    # personal matters: the demo "county" account is the designated reader
    user = get_user_model().objects.filter(username="county").first()
    if user is not None:
        services.designate_reader(actor=a, user=user, org_id=root.pk)
    for c in cadres[:3]:
        services.submit_report(actor=a, cadre_id=c.pk, kind=ReportKind.ANNUAL, year=today.year - 1, submitted_on=dt.date(today.year, 1, 20), items={"marriage": "已婚", "housing": "自有住房一套"})
    reserves = _reserves(builder, cadres[10:12])
    competitions = _competition(builder, posts[(transport.pk, "deputy")], cadres[7:10])
    oversight = _oversight(builder, root, user, transport, cadres)
    return {"cadres": len(cadres), "selections": 1, "ballots": 1, "reserves": reserves, "competitions": competitions, **oversight}


def _competition(builder, post, applicants) -> int:
    """A 竞争上岗 with three eligible applicants, scored and ranked (the next step is the vetting)."""
    a, today = builder.actor, builder.today
    start = today - dt.timedelta(days=40)
    for c in applicants:
        services.update_cadre(actor=a, cadre_id=c.pk, rank_since=dt.date(today.year - 5, 1, 1))
    comp = services.start_competition(actor=a, post_id=post.pk, title=f"县交通运输局副局长竞争上岗（{today.year}）", on=start, apply_from=start, apply_until=start + dt.timedelta(days=10), max_age=60)
    services.complete_competition_step(actor=a, competition_id=comp.pk, step="announce", done_on=start, data={"scope": "全县科员及以上干部"}, documents={"竞争上岗（公开选拔）公告": f"县委组〔{today.year}〕20号"})
    apps = [services.apply_for_competition(actor=a, competition_id=comp.pk, cadre_id=c.pk, on=start + dt.timedelta(days=2), statement="竞职陈述") for c in applicants]
    services.complete_competition_step(actor=a, competition_id=comp.pk, step="qualification", done_on=start + dt.timedelta(days=12))
    services.record_scores(actor=a, competition_id=comp.pk, kind="exam", scores={x.pk: s for x, s in zip(apps, ("86", "78", "81"), strict=True)})
    services.complete_competition_step(actor=a, competition_id=comp.pk, step="exam", done_on=start + dt.timedelta(days=16))
    services.record_scores(actor=a, competition_id=comp.pk, kind="interview", scores={x.pk: s for x, s in zip(apps, ("88", "90", "79"), strict=True)})
    services.complete_competition_step(actor=a, competition_id=comp.pk, step="interview", done_on=start + dt.timedelta(days=20))
    return 1


def _oversight(builder, root, user, unit, cadres) -> dict:
    """Talks (the demo "county" account is designated for talk records), a leaving cadre, a holiday, an inspection
    tour with findings sent to the rectification ledger, and side jobs (one not allowed)."""
    from orgwork.core.actor import Actor

    a, today = builder.actor, builder.today
    out = {"talks": 0}
    if user is not None:
        services.designate_reader(actor=a, user=user, org_id=root.pk, purpose=services.TALKS)
        reader = Actor.for_user(user)
        t = services.record_talk(actor=reader, cadre_id=cadres[3].pk, kind="reminder", on=today - dt.timedelta(days=10), talker="县委组织部副部长", occasion="有反映工作推进慢",
                                 record="指出分管项目推进滞后，本人表示将制定计划按期完成。", today=today)
        services.add_problem(actor=reader, cadre_id=cadres[3].pk, talk_id=t.pk, text="分管项目推进滞后", on=today - dt.timedelta(days=10))
        services.record_talk(actor=reader, cadre_id=cadres[2].pk, kind="heart", on=today - dt.timedelta(days=5), talker="县委组织部部长", occasion="换届后谈心",
                             record="交流换届后工作打算。", today=today)
        out["talks"] = 2
    services.plan_leaving(actor=a, cadre_id=cadres[0].pk, on=today + dt.timedelta(days=20), reason="到龄交流")
    services.add_holiday(actor=a, org_id=root.pk, on=today + dt.timedelta(days=10), title="节日廉洁提醒")
    i = services.start_inspection(actor=a, org_id=root.pk, unit_id=unit.pk, title=f"{unit.name}{today.year}年巡查", team="县委巡察办、县委组织部干部科", start_on=today - dt.timedelta(days=30))
    services.add_finding(actor=a, inspection_id=i.pk, text="“三重一大”事项个别未经集体研究", owner_name=cadres[0].name, deadline=today + dt.timedelta(days=60))
    services.add_finding(actor=a, inspection_id=i.pk, text="干部人事档案材料收集不及时", owner_name=cadres[1].name, deadline=today + dt.timedelta(days=30))
    services.send_findings(actor=a, inspection_id=i.pk, on=today - dt.timedelta(days=5))
    services.register_side_job(actor=a, cadre_id=cadres[4].pk, organization="县某投资有限公司", kind="enterprise", role="董事", started_on=today - dt.timedelta(days=200))
    services.register_side_job(actor=a, cadre_id=cadres[5].pk, organization="县书法家协会", kind="association", role="副主席", leadership=True, started_on=today - dt.timedelta(days=400),
                               approval=f"县委组〔{today.year - 1}〕7号")
    return {**out, "inspections": 1, "side_jobs": 2}


def _reserves(builder, cadres) -> int:
    """Two reserve cadres scored for last year (entered by the system job, approved as data)."""
    from orgwork.core.scoring import services as scoring

    a, today = builder.actor, builder.today
    n = 0
    for c, scores in zip(cadres, ({"integrity": 18, "ability": 16, "diligence": 13, "performance": 21, "probity": 10, "learning": 8}, {"integrity": 15, "ability": 12, "diligence": 11, "performance": 16, "probity": 9, "learning": 6}), strict=False):
        r = services.add_reserve(actor=a, cadre_id=c.pk, on=dt.date(today.year - 2, 6, 1), target="正科级领导职务")
        for e in services.score_reserve(actor=a, reserve_id=r.pk, year=today.year - 1, scores=scores, on=dt.date(today.year - 1, 12, 20)):
            scoring.approve(actor=a, entry_id=e.pk)
        n += 1
    return n
