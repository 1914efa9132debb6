"""Daily oversight: talk records restricted to designated readers (reads audited, content sealed at rest), problems
followed up, 函询 answers due in 15 working days, 诫勉 bars promotion for 6 months, key moments reminded by the
deadline job, inspection findings sent to worklists' rectification ledger, side jobs flagged by rule data, and the
registry checks in the daily job."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from orgwork.cadres import deadlines, selectors, services
from orgwork.cadres.models import KeyMoment, Talk
from orgwork.cadres.rules import oversight_rules, side_job_rules
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent

pytestmark = pytest.mark.django_db
D = dt.date


def _talk_reader(w):
    u = get_user_model().objects.create_user(username=f"talks_{uuid.uuid4().hex[:6]}", password="Zugong#2026", is_staff=True)
    from orgwork.core.models import Role
    from orgwork.core.services import grant_role

    grant_role(actor=Actor.system_actor(), user=u, org=w.tree.county, role=Role.DEPT_ADMIN)
    services.designate_reader(actor=w.actor, user=u, org_id=w.tree.county.pk, purpose="talks")
    return Actor.for_user(u)


def test_rules_cite_the_regulations():
    rs = oversight_rules(D(2026, 5, 1))
    assert rs["inquiry_reply_working_days"] == 15 and "监督执纪工作规则" in rs.source
    assert rs["admonition_no_promotion_months"] == 6 and "诫勉" in rs.source
    flags = {f[0]: f[-1] for f in side_job_rules(D(2026, 5, 1))["flags"]}
    assert "中组发〔2013〕18号" in flags["enterprise_not_allowed"] and "中办发〔1998〕17号" in flags["association_not_approved"]


def test_talks_are_restricted_sealed_and_every_read_audited(world):
    w = world
    cadre = w.cadres[0]
    with pytest.raises(NotFound):  # the department admin is not designated for talk records
        services.record_talk(actor=w.actor, cadre_id=cadre.pk, kind="reminder", on=D(2026, 5, 6), talker="组织部副部长", record="工作中有情绪")
    reader = _talk_reader(w)
    t = services.record_talk(actor=reader, cadre_id=cadre.pk, kind="reminder", on=D(2026, 5, 6), talker="组织部副部长", record="反映其工作中有畏难情绪XYZSECRET")
    with connection.cursor() as cur:
        cur.execute("SELECT sealed_record FROM cadres_talk WHERE id = %s", [t.pk])
        raw = bytes(cur.fetchone()[0])
    assert b"XYZSECRET" not in raw and "畏难".encode() not in raw
    assert not AuditEvent.objects.filter(data__icontains="XYZSECRET").exists()
    with pytest.raises(NotFound):
        services.read_talk(actor=w.actor, talk_id=t.pk)
    # a personal-matters reader is not a talk reader either
    u = get_user_model().objects.create_user(username="pm_only", password="Zugong#2026")
    services.designate_reader(actor=w.actor, user=u, org_id=w.tree.county.pk)
    with pytest.raises(NotFound):
        services.read_talk(actor=Actor.for_user(u), talk_id=t.pk)
    before = AuditEvent.objects.filter(action="cadres.talk.read").count()
    out = services.read_talk(actor=reader, talk_id=t.pk)
    assert out["record"].endswith("XYZSECRET")
    assert AuditEvent.objects.filter(action="cadres.talk.read", actor_id=reader.user_id).count() == before + 1
    assert [x.pk for x in selectors.talks(reader)] == [t.pk]
    with pytest.raises(NotFound):
        selectors.talks(w.actor).count()


def test_problems_followed_up_and_reminded(world):
    w = world
    reader = _talk_reader(w)
    t = services.record_talk(actor=reader, cadre_id=w.cadres[1].pk, kind="heart", on=D(2026, 5, 6), talker="部长", record="谈心")
    p = services.add_problem(actor=reader, cadre_id=w.cadres[1].pk, talk_id=t.pk, text="分管领域项目推进慢", on=D(2026, 5, 6))
    assert p.due_on == D(2026, 6, 5)  # 30 days, rule data
    items = [i for i in deadlines.talk_items(D(2026, 6, 1)) if i.kind == "cadres.problem"]
    assert len(items) == 1 and "分管领域" not in items[0].title and items[0].due_on == D(2026, 6, 5)
    services.follow_up(actor=reader, problem_id=p.pk, on=D(2026, 6, 3), text="已制定推进计划", next_due=D(2026, 7, 3))
    assert [i.due_on for i in deadlines.talk_items(D(2026, 6, 4)) if i.kind == "cadres.problem"] == [D(2026, 7, 3)]
    services.follow_up(actor=reader, problem_id=p.pk, on=D(2026, 7, 1), text="项目已按期推进", close=True)
    assert not [i for i in deadlines.talk_items(D(2026, 7, 2)) if i.kind == "cadres.problem"]
    out = services.read_talk(actor=reader, talk_id=t.pk)
    assert out["problems"][0]["text"] == "分管领域项目推进慢" and len(out["problems"][0]["follow_ups"]) == 2


def test_inquiry_answer_due_in_15_working_days_and_admonition_bars_promotion(world):
    w = world
    reader = _talk_reader(w)
    t = services.record_talk(actor=reader, cadre_id=w.cadres[2].pk, kind="inquiry", on=D(2026, 9, 28), talker="县纪委", record="反映其违规打招呼")
    from orgwork.core import calendar as workcal

    assert t.reply_due == workcal.nth_workday_from(D(2026, 9, 28), 15)
    assert t.reply_due > D(2026, 10, 19)  # 15 weekdays would end on 19 October: the National Day holiday is skipped
    assert [i.title for i in deadlines.talk_items(D(2026, 10, 20)) if i.kind == "cadres.inquiry"] == ["钱七应提交函询说明材料"]
    services.record_reply(actor=reader, talk_id=t.pk, on=D(2026, 10, 20), text="已说明情况")
    assert not [i for i in deadlines.talk_items(D(2026, 10, 21)) if i.kind == "cadres.inquiry"]
    assert services.read_talk(actor=reader, talk_id=t.pk)["reply"] == "已说明情况"
    # 诫勉: six months without promotion — a competition refuses the application with its code
    c = w.cadres[3]
    services.update_cadre(actor=w.actor, cadre_id=c.pk, rank_since=D(2018, 1, 1))
    services.record_talk(actor=reader, cadre_id=c.pk, kind="admonition", on=D(2026, 1, 10), talker="县委组织部", record="诫勉谈话")
    comp = services.start_competition(actor=w.actor, post_id=w.deputy.pk, title="副局长竞争上岗", on=D(2026, 3, 2), apply_from=D(2026, 3, 2), apply_until=D(2026, 3, 13), max_age=50)
    services.complete_competition_step(actor=w.actor, competition_id=comp.pk, step="announce", done_on=D(2026, 3, 2), data={"scope": "全县"}, documents={"竞争上岗（公开选拔）公告": "公告"})
    with pytest.raises(ServiceError) as exc:
        services.apply_for_competition(actor=w.actor, competition_id=comp.pk, cadre_id=c.pk, on=D(2026, 3, 3))
    assert {e.code for e in exc.value.errors} == {"not_eligible_admonition"}


def test_key_moments_promoted_leaving_holiday(world):
    w = world
    today = dt.date.today()
    a = services.appoint(actor=w.actor, cadre_id=w.cadres[0].pk, post_id=w.deputy.pk, on=today)
    m = KeyMoment.objects.get(appointment=a)
    assert m.kind == "promoted" and "应进行廉政谈话" in m.title
    items = {i.key: i for i in deadlines.moment_items(today)}
    assert items[f"cadres.moment:{m.pk}"].due_on == today + dt.timedelta(days=30)
    reader = _talk_reader(w)
    services.record_talk(actor=reader, cadre_id=w.cadres[0].pk, kind="integrity", on=today, talker="组织部部长", record="任前廉政谈话")
    m.refresh_from_db()
    assert m.done_on == today
    # a historic promotion entered later opens no moment
    services.appoint(actor=w.actor, cadre_id=w.cadres[1].pk, post_id=w.head.pk, on=D(2015, 3, 1))
    assert not KeyMoment.objects.filter(cadre=w.cadres[1], kind="promoted").exists()
    # leaving a principal post: handover and the leaving-office audit
    leave = services.plan_leaving(actor=w.actor, cadre_id=w.cadres[1].pk, on=D(2026, 12, 31), reason="到龄退休")
    assert leave.audit_required
    kinds = {i.kind for i in deadlines.moment_items(D(2026, 12, 20))}
    assert {"cadres.moment.handover", "cadres.moment.audit"} <= kinds
    services.record_handover(actor=w.actor, moment_id=leave.pk, on=D(2026, 12, 28), note="已向继任者移交在办事项12件")
    leave.refresh_from_db()
    assert leave.done_on is None
    services.link_audit(actor=w.actor, moment_id=leave.pk, reference="县审计局审计报告〔2027〕3号")
    leave.refresh_from_db()
    assert leave.done_on == D(2026, 12, 31)
    with pytest.raises(ServiceError):
        services.close_moment(actor=w.actor, moment_id=leave.pk, on=D(2027, 1, 2))
    hol = services.add_holiday(actor=w.actor, org_id=w.tree.county.pk, on=D(2027, 2, 6), title="2027年春节")
    assert not [i for i in deadlines.moment_items(D(2027, 1, 10)) if i.kind == "cadres.moment.holiday"]
    (item,) = [i for i in deadlines.moment_items(D(2027, 1, 28)) if i.kind == "cadres.moment.holiday"]
    assert item.due_on == D(2027, 1, 30) and item.title == "节前廉洁提醒：2027年春节"
    services.close_moment(actor=w.actor, moment_id=hol.pk, on=D(2027, 1, 29), note="已发送节前廉洁提醒")
    assert not [i for i in deadlines.moment_items(D(2027, 1, 30)) if i.kind == "cadres.moment.holiday"]


def test_inspection_findings_go_to_the_rectification_ledger(world):
    from orgwork.worklists.models import Issue

    w = world
    with pytest.raises(ServiceError) as exc:
        services.start_inspection(actor=w.actor, org_id=w.tree.county.pk, unit_id=w.unit.pk, title="交通运输局巡查", team="张三", start_on=D(2026, 4, 1))
    assert exc.value.errors[0].code == "bad_value"
    i = services.start_inspection(actor=w.actor, org_id=w.tree.county.pk, unit_id=w.unit.pk, title="县交通运输局2026年巡查", team="张三、李五", start_on=D(2026, 4, 1))
    services.add_finding(actor=w.actor, inspection_id=i.pk, text="“三重一大”事项未集体决策", owner_name="王五", deadline=D(2026, 7, 1))
    services.add_finding(actor=w.actor, inspection_id=i.pk, text="干部档案材料不全", owner_name="赵六", deadline=D(2026, 6, 1))
    sent = services.send_findings(actor=w.actor, inspection_id=i.pk, on=D(2026, 4, 20))
    issues = Issue.objects.filter(pk__in=[f.issue_id for f in sent]).order_by("deadline")
    assert [(x.description, x.owner_name, x.source, x.year) for x in issues] == [
        ("干部档案材料不全", "赵六", "巡查：县交通运输局2026年巡查", 2026), ("“三重一大”事项未集体决策", "王五", "巡查：县交通运输局2026年巡查", 2026),
    ]
    with pytest.raises(ServiceError) as exc:
        services.send_findings(actor=w.actor, inspection_id=i.pk, on=D(2026, 4, 21))
    assert exc.value.errors[0].code == "required"  # nothing sent twice
    (row,) = selectors.inspections(w.actor)
    assert {f["issue_status"] for f in row["findings"]} == {"待整改"} and row["unsent"] == 0


def test_side_jobs_flagged_and_in_the_daily_job(world):
    w = world
    services.register_side_job(actor=w.actor, cadre_id=w.cadres[0].pk, organization="某某建设有限公司", kind="enterprise", role="独立董事", started_on=D(2025, 1, 1), paid=True)
    services.register_side_job(actor=w.actor, cadre_id=w.cadres[1].pk, organization="县摄影家协会", kind="association", role="副会长", leadership=True, started_on=D(2025, 1, 1))
    ok = services.register_side_job(actor=w.actor, cadre_id=w.cadres[2].pk, organization="县老年体育协会", kind="association", role="会长", leadership=True, started_on=D(2025, 1, 1), approval="县委组〔2025〕2号")
    rows = {r["job"].organization: [c for c, _b in r["flags"]] for r in selectors.side_jobs(w.actor)}
    assert rows == {"某某建设有限公司": ["enterprise_not_allowed", "paid_not_allowed"], "县摄影家协会": ["association_not_approved"], "县老年体育协会": []}
    keys = [i.kind for i in deadlines.registry_items(D(2026, 6, 1))]
    assert keys.count("cadres.side_job") == 2
    from orgwork.cadres.attention import registry_checks

    (item,) = [i for i in registry_checks(w.actor) if i.kind == "cadres.side_jobs"]
    assert item.title == "2项干部兼职不符合规定" and "某某建设有限公司" in item.detail
    services.end_side_job(actor=w.actor, job_id=ok.pk, on=D(2026, 1, 1))


def test_registry_checks_run_in_the_daily_deadline_job(world):
    from orgwork.core import deadlines as core_deadlines

    w = world
    a, b, c, d = w.cadres
    services.appoint(actor=w.actor, cadre_id=a.pk, post_id=w.head.pk, on=D(2014, 1, 1))
    services.appoint(actor=w.actor, cadre_id=b.pk, post_id=w.deputy.pk, on=D(2020, 1, 1))
    services.add_kinship(actor=w.actor, cadre_id=a.pk, relative_id=b.pk, relation="夫妻")
    assert "cadres.registry_checks" in core_deadlines.providers()
    items = list(deadlines.registry_items(D(2026, 6, 1)))
    kinds = {i.kind for i in items}
    assert {"cadres.registry.rotation", "cadres.registry.kinship"} <= kinds
    assert all(i.level == "department" and i.org_id == w.tree.county.pk for i in items if i.kind.startswith("cadres.registry.") and i.kind != "cadres.registry.township_share")
    report = core_deadlines.run(today=D(2026, 6, 1), only=["cadres.registry_checks"])
    assert report is not None


def test_console_pages(client, users, world):
    from django.urls import reverse

    w = world
    client.force_login(users["county"])
    url = reverse("cadres:oversight")
    assert client.get(url).status_code == 200
    r = client.post(url, {"action": "leaving", "lv-names": "王五", "lv-on": "2026-12-31", "lv-reason": "调任"})
    assert r.status_code == 302
    m = KeyMoment.objects.get(kind="leaving")
    r = client.post(url, {"action": "handover", "ho-moment": m.pk, "ho-on": "2026-12-30", "ho-note": ""})
    assert r.status_code == 400 and "请填写交接情况" in r.content.decode()
    r = client.post(url, {"action": "handover", "ho-moment": m.pk, "ho-on": "2026-12-30", "ho-note": "已交接"})
    assert r.status_code == 302
    r = client.post(url, {"action": "inspection", "in-org": w.tree.county.pk, "in-unit": w.unit.pk, "in-title": "交通局巡查", "in-team": "张三、李五", "in-start_on": "2026-04-01"})
    assert r.status_code == 302
    from orgwork.cadres.models import Inspection

    i = Inspection.objects.get()
    client.post(url, {"action": "finding", "fd-inspection": i.pk, "fd-text": "制度不健全", "fd-owner_name": "王五", "fd-deadline": "2026-06-30"})
    assert client.post(url, {"action": "send", "sd-inspection": i.pk}).status_code == 302
    r = client.post(url, {"action": "sidejob", "sj-names": "赵六", "sj-organization": "某公司", "sj-kind": "enterprise", "sj-role": "监事", "sj-started_on": "2025-01-01"})
    assert r.status_code == 302
    body = client.get(url).content.decode()
    assert "已移交" in body and "待整改" in body and "中组发〔2013〕18号" in body
    assert client.get(reverse("cadres:talks")).status_code == 404  # not designated for talk records
    client.force_login(users["sec_a"])
    assert client.get(url).status_code == 404
    # a designated talk reader
    reader = _talk_reader(w)
    client.force_login(reader.user)
    turl = reverse("cadres:talks")
    r = client.post(turl, {"action": "talk", "tk-names": "钱七", "tk-kind": "integrity", "tk-on": "2026-05-06", "tk-talker": "部长", "tk-record": "廉政谈话内容ABC"})
    assert r.status_code == 302
    t = Talk.objects.get()
    assert "廉政谈话内容ABC" not in client.get(turl).content.decode()  # the list never shows the content
    before = AuditEvent.objects.filter(action="cadres.talk.read").count()
    assert "廉政谈话内容ABC" in client.get(reverse("cadres:talk", args=[t.pk])).content.decode()
    assert AuditEvent.objects.filter(action="cadres.talk.read").count() == before + 1


def test_api(api, users, world):
    w = world
    c = api(users["county"])
    r = c.post("/api/v1/cadres/side-jobs/", {"cadre": w.cadres[0].pk, "organization": "某公司", "kind": "enterprise", "role": "董事", "started_on": "2025-01-01"}, format="json")
    assert r.status_code == 201 and [f["code"] for f in r.json()["flags"]] == ["enterprise_not_allowed"]
    assert c.get("/api/v1/cadres/side-jobs/").json()[0]["organization"] == "某公司"
    services.plan_leaving(actor=w.actor, cadre_id=w.cadres[1].pk, on=D(2026, 12, 31))
    assert c.get("/api/v1/cadres/moments/").json()[0]["kind"] == "leaving"
    i = services.start_inspection(actor=w.actor, org_id=w.tree.county.pk, title="巡查", team="甲、乙", start_on=D(2026, 4, 1))
    r = c.post(f"/api/v1/cadres/inspections/{i.pk}/findings/", {"text": "问题", "owner_name": "王五", "deadline": "2026-06-01"}, format="json")
    assert r.status_code == 201
    r = c.post(f"/api/v1/cadres/inspections/{i.pk}/send/", format="json")
    assert r.status_code == 200 and len(r.json()["issues"]) == 1
    r = c.post(f"/api/v1/cadres/inspections/{i.pk}/send/", format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "required"
    assert c.post("/api/v1/cadres/inspections/99999999999999999999/send/", format="json").status_code == 404
    assert c.get("/api/v1/cadres/talks/").status_code == 404  # not designated
    reader = _talk_reader(w)
    rc = api(reader.user)
    r = rc.post("/api/v1/cadres/talks/", {"cadre": w.cadres[2].pk, "kind": "reminder", "on": "2026-05-06", "talker": "部长", "record": "提醒内容QQQ"}, format="json")
    assert r.status_code == 201 and "QQQ" not in r.content.decode()
    assert rc.get(f"/api/v1/cadres/talks/{r.json()['id']}/").json()["record"] == "提醒内容QQQ"
    assert c.get(f"/api/v1/cadres/talks/{r.json()['id']}/").status_code == 404
    schema = c.get("/api/schema/").content.decode()
    assert "/api/v1/cadres/side-jobs/" in schema and "/api/v1/cadres/talks/{id}/" in schema
