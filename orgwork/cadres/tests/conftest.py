import datetime as dt

import pytest

from orgwork.cadres import services
from orgwork.cadres.models import PostKind, Rank, ReportKind
from orgwork.conftest import make_id
from orgwork.core.actor import Actor
from orgwork.core.ballots import services as ballots

D = dt.date


class World:
    pass


@pytest.fixture
def world(tree, users):
    """A county bureau with a principal and a deputy post, quotas, and four cadres at staff rank."""
    w = World()
    w.actor = Actor.for_user(users["county"])
    w.tree = tree
    w.unit = services.create_unit(actor=w.actor, org_id=tree.county.pk, name="县交通运输局", kind="gov_agency")
    w.head = services.create_post(actor=w.actor, unit_id=w.unit.pk, title="局长", kind=PostKind.PRINCIPAL, rank=Rank.SECTION_PRINCIPAL, is_unit_head=True)
    w.deputy = services.create_post(actor=w.actor, unit_id=w.unit.pk, title="副局长", kind=PostKind.DEPUTY, rank=Rank.SECTION_DEPUTY, category="working_dept_deputy")
    services.set_quota(actor=w.actor, unit_id=w.unit.pk, kind=PostKind.PRINCIPAL, seats=1, document="县编委〔2024〕3号")
    services.set_quota(actor=w.actor, unit_id=w.unit.pk, kind=PostKind.DEPUTY, seats=2, document="县编委〔2024〕3号")
    w.cadres = [
        services.create_cadre(actor=w.actor, org_id=tree.county.pk, id_number=make_id(D(1985 + i, 3, 4), male=i % 2 == 0), name=name, education="大学本科",
                              work_started_on=D(2008, 7, 1), rank=Rank.STAFF)
        for i, name in enumerate(["王五", "赵六", "钱七", "孙八"])
    ]
    return w


def run_recommendation(w, sel, *, cadres, picks, close=True):
    """A meeting recommendation: one group of len(picks) voters with codes; each pick is an option number."""
    b = services.start_recommendation(actor=w.actor, selection_id=sel.pk, cadre_ids=[c.pk for c in cadres], groups=[{"name": "全体参会人员", "weight": 1, "size": len(picks)}])
    g = b.groups.get()
    codes = ballots.issue_codes(actor=w.actor, ballot_id=b.pk, group_id=g.pk, count=len(picks))
    ballots.open_ballot(actor=w.actor, ballot_id=b.pk)
    for code, pick in zip(codes, picks, strict=True):
        ballots.cast_with_code(code=code, answers={"1": [pick]})
    if close:
        ballots.close_ballot(actor=w.actor, ballot_id=b.pk)
    b.refresh_from_db()
    return b


JAN_20 = D(2026, 1, 20)


def file_reports(w, cadres, year=2026, on=JAN_20):
    for c in cadres:
        services.submit_report(actor=w.actor, cadre_id=c.pk, kind=ReportKind.ANNUAL, year=year, submitted_on=on, items={"marriage": "已婚", "housing": "住房一套"})
