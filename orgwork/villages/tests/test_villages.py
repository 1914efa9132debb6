"""Village and community cadres (issue 17): the structure report against seed 001's targets, a secondment from start
to end assessment, a unit without a party organization moving from an instructor to a newly set-up branch."""

import datetime as dt
import io

import pytest
from python_calamine import CalamineWorkbook

from orgwork.core import deadlines, idcard
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.models import AuditEvent
from orgwork.demo.generator import CountyBuilder
from orgwork.scores import services as scores_services
from orgwork.villages import demo, selectors, services
from orgwork.villages.models import Cadre, Unit, WorkLog
from orgwork.villages.rules import meets, structure_rules

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _id(age: int, seq: int) -> str:
    return idcard.make("511526", TODAY - dt.timedelta(days=int(age * 365.25) + 40), seq)


def test_targets_are_seed_001_rule_data():
    # seed 001 (惠州): "村村都有“大学生村官”…农村干部有大专以上学历的达30%以上,社区干部有大专以上学历的达50%以上"
    rules = structure_rules(on=dt.date(2024, 1, 1))
    assert "seed 001" in rules.source and "30%" in rules.source and "50%" in rules.source
    assert rules["college_share"] == {"rural": "0.30", "community": "0.50"} and rules["graduate_official_required"] == ["rural"]
    assert meets(3, 10, "0.30") and not meets(2, 10, "0.30") and meets(1, 2, "0.50") and not meets(0, 0, "0.50")


def test_structure_report_of_the_demo_county_against_its_targets():
    builder = CountyBuilder(members=200, today=TODAY)
    root = builder.build_tree()
    out = demo.build(root, builder)
    assert out["cadres"] == 28 and demo.build(root, builder) == {}  # --if-empty
    assert (out["reviews"], out["reserves"], out["former"]) == (5, 2, 2) and out["pairings"] >= 2  # the rest of the module shows something too (a household when the village has members)
    rep = selectors.structure(Actor.system_actor("test"))
    rural, community = rep.sectors
    assert (rural.label, rural.total, rural.college, rural.target_percent, rural.meets_target) == ("农村", 20, 5, "30%", False)  # 25% < 30%
    assert (community.label, community.total, community.college, community.target_percent, community.meets_target) == ("社区", 8, 6, "50%", True)  # 75%
    assert (rural.cross, community.cross) == (8, 4) and rural.cross_share == 0.4
    assert rep.secretaries == rep.secretaries_chairing == 6  # seed 002: the secretary also chairs the committee
    assert rep.band_labels == ["35岁及以下", "36–45岁", "46–55岁", "55岁以上"]
    assert rural.ages == [3, 5, 8, 4] and community.ages == [2, 4, 2, 0]
    assert rural.graduate_officials == 3
    with_cadres = {c.org_id for c in Cadre.objects.all()}
    rural_orgs = [o for o in selectors.villages(Actor.system_actor("test")) if o.sector == "rural"]
    missing = {o.pk for o in rep.without_graduate}
    assert missing == {o.pk for o in rural_orgs} - set(Cadre.objects.filter(graduate_official=True).values_list("org_id", flat=True))
    assert len(missing & with_cadres) == 1  # the fourth demo village, whose cadres include no 大学生村官
    assert all(o.sector == "rural" for o in rep.without_graduate)  # the target is for villages only
    # One more graduate with college education lifts the rural share to 6/21 (28.6%): still under; a second, 7/22 (31.8%): met.
    village = next(o for o in rep.without_graduate if o.pk in with_cadres)
    for seq, age in ((700, 24), (701, 25)):
        services.register_cadre(actor=builder.actor, org_id=village.pk, id_number=_id(age, seq), name=f"新村官{seq}", education="bachelor",
                                graduate_official=True, village_post="member", started_on=TODAY)  # fmt: skip
        rep = selectors.structure(Actor.system_actor("test"))
        assert rep.sectors[0].meets_target is (seq == 701)
    assert village.pk not in {o.pk for o in rep.without_graduate}


def test_console_page_export_and_api(tree, users, client, api):
    town = Actor.for_user(users["town_a"])
    with pytest.raises(ServiceError) as exc:
        services.register_cadre(actor=town, org_id=tree.office_a.pk, id_number="123", name="", education="x", started_on=TODAY + dt.timedelta(days=1))
    assert {e.field for e in exc.value.errors} >= {"org", "id_number", "name", "education", "party_post", "started_on"}
    c = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=_id(50, 11), name="=王书记", education="college", party_post="secretary", village_post="chair", started_on=TODAY)
    assert c.cross_holding and c.birth_date == idcard.parse(c.id_number).birth_date
    with pytest.raises(ServiceError):  # the same person twice in one village
        services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=c.id_number, name="王书记", education="college", party_post="deputy", started_on=TODAY)
    with pytest.raises(ServiceError):  # another township's village
        services.register_cadre(actor=town, org_id=tree.village_b.pk, id_number=_id(40, 12), name="某人", education="college", party_post="member", started_on=TODAY)
    client.force_login(users["county"])
    page = client.get("/villages/")
    body = page.content.decode()
    assert page.status_code == 200 and "=王书记" in body and c.id_number not in body and "中共甲镇委员会/红旗村党支部" in body
    resp = client.get("/villages/export.xlsx")
    wb = CalamineWorkbook.from_filelike(io.BytesIO(resp.content))
    ws = wb.get_sheet_by_name("结构分析").to_python()
    assert ws[2][:6] == ["农村", 1, 1, 1, "30%", "达标"]
    people = wb.get_sheet_by_name("两委成员").to_python()
    assert people[1][1] == "=王书记" and people[1][7] == "是"  # text, not a formula
    data = api(users["county"]).get("/api/v1/villages/cadres/").json()
    assert data["count"] == 1 and data["results"][0]["cross_holding"] is True and "*" in data["results"][0]["id_number"]
    assert api(users["sec_b"]).get("/api/v1/villages/cadres/").json()["count"] == 0
    services.end_cadre(actor=town, cadre_id=c.pk, ended_on=TODAY, reason="换届")
    assert selectors.structure(town).sectors[0].total == 0 and Cadre.objects.count() == 1


def test_a_secondment_from_start_to_end_assessment(tree, users, client):
    town = Actor.for_user(users["town_a"])
    scores_services.rate_branch(actor=town, org_id=tree.village_a.pk, year=(TODAY - dt.timedelta(days=700)).year)  # 软弱涣散: first secretaries go there
    with pytest.raises(ServiceError) as exc:
        services.start_secondment(actor=town, org_id=tree.village_a.pk, kind="nonsense", id_number=_id(30, 20), name="李驻村", started_on=TODAY, ends_on=TODAY)
    assert {e.field for e in exc.value.errors} == {"kind", "ends_on"}
    s = services.start_secondment(actor=town, org_id=tree.village_a.pk, kind="first_secretary", id_number=_id(30, 20), name="李驻村", place="驻村第一书记",
                                  started_on=TODAY - dt.timedelta(days=700), ends_on=TODAY + dt.timedelta(days=30), tasks="整顿软弱涣散党组织")  # fmt: skip
    services.log_work(actor=town, secondment_id=s.pk, on=TODAY - dt.timedelta(days=300), text="走访全村困难户")
    with pytest.raises(ServiceError):  # a log before the start
        services.log_work(actor=town, secondment_id=s.pk, on=TODAY - dt.timedelta(days=800), text="x")
    assert not list(deadlines.collect(TODAY, only=["villages.assessments"])[0])
    later = TODAY + dt.timedelta(days=31)  # the term is over, no assessment yet → overdue in the deadline job
    items = [i for _name, i in deadlines.collect(later, only=["villages.assessments"])[0]]
    assert len(items) == 1 and items[0].title == "李驻村（驻村第一书记）期满考核未完成" and items[0].org_id == tree.village_a.pk and "中共甲镇委员会/红旗村党支部" in items[0].body
    with pytest.raises(ServiceError) as exc:
        services.assess(actor=town, secondment_id=s.pk, grade="top", assessed_on=TODAY)
    assert exc.value.errors[0].field == "grade"
    client.force_login(users["town_a"])
    resp = client.post(f"/villages/secondments/{s.pk}/", {"act": "assess", "grade": "excellent", "assessed_on": TODAY.isoformat(), "comment": "群众满意"})
    assert resp.status_code == 302
    s.refresh_from_db()
    assert (s.grade, s.assessed_on, s.assessment) == ("excellent", TODAY, "群众满意")
    assert not list(deadlines.collect(later, only=["villages.assessments"])[0])
    with pytest.raises(ServiceError):
        services.assess(actor=town, secondment_id=s.pk, grade="competent", assessed_on=TODAY)
    with pytest.raises(ServiceError):
        services.log_work(actor=town, secondment_id=s.pk, on=TODAY, text="考核后")
    assert WorkLog.objects.filter(secondment=s).count() == 1
    page = client.get(f"/villages/secondments/{s.pk}/").content.decode()
    assert "优秀" in page and "走访全村困难户" in page
    assert client.get("/villages/secondments/").status_code == 200
    client.force_login(users["sec_b"])
    assert client.get(f"/villages/secondments/{s.pk}/").status_code == 404


def test_a_unit_moves_from_instructor_to_a_new_branch(tree, users, client):
    town = Actor.for_user(users["town_a"])
    unit = services.register_unit(actor=town, org_id=tree.town_a.pk, name="甲镇光伏科技有限公司", kind="enterprise", employees=80, party_members=4, registered_on=TODAY)
    other = services.register_unit(actor=town, org_id=tree.town_a.pk, name="甲镇商会", kind="social", registered_on=TODAY)
    science = services.start_secondment(actor=town, org_id=tree.town_a.pk, kind="enterprise", id_number=_id(40, 30), name="企业挂职", started_on=TODAY, ends_on=TODAY + dt.timedelta(days=180))
    with pytest.raises(ServiceError):  # only a 党建指导员 is an instructor
        services.assign_instructor(actor=town, unit_id=unit.pk, secondment_id=science.pk)
    assert selectors.coverage(town).share == 0
    instructor = services.start_secondment(actor=town, org_id=tree.town_a.pk, kind="instructor", id_number=_id(45, 31), name="赵指导", started_on=TODAY, ends_on=TODAY + dt.timedelta(days=365))
    services.assign_instructor(actor=town, unit_id=unit.pk, secondment_id=instructor.pk)
    cov = selectors.coverage(town)
    assert (cov.units, cov.with_instructor, cov.share) == (2, 1, 0.5)
    with pytest.raises(ServiceError) as exc:
        services.link_branch(actor=town, unit_id=unit.pk)
    assert exc.value.errors[0].code == "not_ready"
    services.request_branch(actor=town, unit_id=unit.pk, parent_id=tree.town_a.pk, name="甲镇光伏科技有限公司党支部", kind="branch", full_members=4, reason="党员4人，具备单独建支部条件", on=TODAY)
    unit.refresh_from_db()
    with pytest.raises(ServiceError):  # the request is open
        services.request_branch(actor=town, unit_id=unit.pk, parent_id=tree.town_a.pk, name="x党支部", kind="branch", full_members=4, reason="x", on=TODAY)
    proc.complete_step(actor=town, instance_id=unit.setup_procedure_id, step="approve", done_on=TODAY, data={"decision": "approve", "approval_no": "甲组〔2026〕31号"})
    proc.complete_step(actor=town, instance_id=unit.setup_procedure_id, step="establish", done_on=TODAY, data={"founded_on": TODAY.isoformat()})
    # the procedure's completion links the unit to its new org at once (no second step to remember), audited
    unit = Unit.objects.get(pk=unit.pk)
    assert unit.party_org is not None
    assert AuditEvent.objects.filter(action="villages.unit_branch", object_id=str(unit.pk)).count() == 1
    client.force_login(users["town_a"])
    assert client.post("/villages/units/", {"act": "link", "unit": unit.pk}).status_code == 302  # linking again changes nothing
    assert AuditEvent.objects.filter(action="villages.unit_branch", object_id=str(unit.pk)).count() == 1
    unit = Unit.objects.get(pk=unit.pk)
    assert unit.party_org.name == "甲镇光伏科技有限公司党支部" and unit.party_org.parent_id == tree.town_a.pk and unit.party_org.sector == "private"
    cov = selectors.coverage(town)
    assert (cov.units, cov.with_instructor, cov.set_up) == (1, 0, 1)  # the unit has left the register of units without an org
    assert [u.pk for u in selectors.units(town, open_only=True)] == [other.pk]
    page = client.get("/villages/units/").content.decode()
    assert "中共甲镇委员会/甲镇光伏科技有限公司党支部" in page and "甲镇商会" in page
