"""Demo: the county congress with a dozen delegates, an office, last Friday's reception with an opinion, a proposal
and an online question waiting for its answer."""

from __future__ import annotations

import datetime as dt

from . import services
from .models import Congress
from .rules import next_reception_day

NAMES = ["李明", "王芳", "张伟", "刘丽", "陈军", "杨静", "赵强", "黄敏", "周涛", "吴霞", "徐刚", "孙燕"]
JOBS = ["worker", "farmer", "cadre", "professional", "farmer", "worker", "cadre", "other", "farmer", "professional", "cadre", "worker"]


def build(root, builder) -> dict:
    if Congress.objects.exists():
        return {"congresses": Congress.objects.count()}
    actor, today, rng = builder.actor, builder.today, builder.rng
    c = services.create_congress(actor=actor, org_id=root.pk, name=f"中国共产党{root.short_name or root.name}第十五次代表大会", term_start=dt.date(today.year - 2, 6, 1), term_end=dt.date(today.year + 3, 5, 31))
    orgs = builder.branches[: len(NAMES)] or [root]
    dels = []
    for i, name in enumerate(NAMES):
        dels.append(services.add_delegate(actor=actor, congress_id=c.pk, org_id=orgs[i % len(orgs)].pk, name=name, female=i % 3 == 1,
                                          birth_date=dt.date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28)), occupation=JOBS[i]))  # fmt: skip
    office = services.create_office(actor=actor, org_id=root.pk, name="县城社区党代表工作室", address="人民路1号党群服务中心")
    last_friday = next_reception_day(today - dt.timedelta(days=7))
    r = services.schedule_reception(actor=actor, office_id=office.pk, day=last_friday, delegate_ids=[d.pk for d in dels[:4]], today=today)
    services.record_reception(actor=actor, reception_id=r.pk, visitors=6, note="群众反映道路照明、养老服务等问题")
    services.schedule_reception(actor=actor, office_id=office.pk, delegate_ids=[d.pk for d in dels[4:6]], today=today)
    op = services.record_opinion(actor=actor, org_id=root.pk, content="建议在社区增设老年人日间照料中心。", delegate_id=dels[0].pk, reception_id=r.pk, from_name="居民刘女士")
    services.advance_opinion(actor=actor, opinion_id=op.pk, unit="县民政局")
    p = services.submit_proposal(actor=actor, delegate_id=dels[1].pk, title="关于加强农村党员冬训的建议", content="建议结合农闲时节集中开展党员冬训。")
    services.assign_proposal(actor=actor, proposal_id=p.pk, unit="县委组织部")
    services.ask_question(org_id=root.pk, title="入党申请书交给谁？", content="我在外地务工，想申请入党，应向哪个党组织提出？", asker_name="网友", today=today)
    return {"delegates": len(dels), "receptions": 2, "opinions": 1, "proposals": 1, "questions": 1}
