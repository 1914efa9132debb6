"""Bulk SMS (issue 21): templates with variables, a send to a scope that a second person approves after seeing the
count and the cost, the sending window, opt-out, delivery through the gateway, replies, the per-org message log."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from orgwork.core import sms
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.models import AuditEvent
from orgwork.core.sms import MemorySms
from orgwork.notifications import bulk, services
from orgwork.notifications.models import MessageLog, Notification, SmsCampaign, SmsOptOut, SmsReply
from orgwork.notifications.rules import bulk_rules, in_window, segments

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 12, 3, 12, 0, tzinfo=SHANGHAI)
NIGHT = dt.datetime(2026, 12, 3, 22, 30, tzinfo=SHANGHAI)


def test_segment_rule_cites_3gpp_and_the_sms_regulation():
    r = bulk_rules(dt.date(2026, 12, 3))
    # 3GPP TS 23.040 §9.2.3.24.1: 70 UCS-2 characters in one SMS, 67 per part of a concatenated one
    assert "23.040" in r.source and "第十九条" in r.source  # 《通信短信息服务管理规定》第十九条: the opt-out note
    assert segments("字" * 70, r) == 1
    assert segments("字" * 71, r) == 2
    assert segments("字" * 134, r) == 2 and segments("字" * 135, r) == 3
    assert in_window(dt.time(8, 0), r) and not in_window(dt.time(21, 0), r) and not in_window(dt.time(7, 59), r)


@pytest.fixture
def branch_members(tree, make_member):
    ms = [
        make_member(tree.village_a, name="王一", birth=dt.date(1980, 1, 1), phone="13800000001"),
        make_member(tree.village_a, name="王二", birth=dt.date(1980, 1, 2), phone="138 0000 0002"),
        make_member(tree.village_a, name="王三", birth=dt.date(1980, 1, 3), phone=""),  # no phone (nor 李四 of the users fixture)
        make_member(tree.village_a, name="王四", birth=dt.date(1980, 1, 4), phone="0571-87654321"),  # a landline: no SMS
        make_member(tree.village_a, name="王五", birth=dt.date(1980, 1, 5), phone="13800000001"),  # shares 王一's phone
        make_member(tree.village_b, name="赵六", birth=dt.date(1980, 1, 6), phone="13800000006"),  # another town
    ]
    return ms


BODY = "{姓名}同志：{会议名称}定于{时间}在{地点}召开，请准时参加。"
VALUES = {"会议名称": "12月主题党日", "时间": "12月5日上午9时", "地点": "村部会议室"}


def test_preview_counts_who_receives_and_why_others_do_not_and_the_cost(users, tree, branch_members):
    sec = Actor.for_user(users["sec_a"])
    SmsOptOut.objects.create(phone="13800000002", active=True, changed_at=NOON)
    p = bulk.preview(actor=sec, org_id=tree.village_a.pk, audience="members", body=BODY, values=VALUES)
    assert [r.name for r in p.recipients] == ["王一"]
    assert p.skipped == {"no_phone": 2, "bad_phone": 1, "duplicate": 1, "opted_out": 1}
    assert p.sample.startswith("【组工云】王一同志：12月主题党日定于12月5日上午9时在村部会议室召开") and p.sample.endswith("回复TD退订")
    assert p.parts == 1 and p.price_fen == 5 and p.cost_fen == 5  # default price until the department sets one
    # an urgent notice ignores 退订 and carries no opt-out note
    u = bulk.preview(actor=sec, org_id=tree.village_a.pk, audience="members", body=BODY, values=VALUES, urgent=True)
    assert {r.name for r in u.recipients} == {"王一", "王二"} and "TD" not in u.sample


def test_missing_variables_and_broken_braces_name_the_field(users, tree, branch_members):
    sec = Actor.for_user(users["sec_a"])
    with pytest.raises(ServiceError) as e:
        bulk.preview(actor=sec, org_id=tree.village_a.pk, audience="members", body=BODY, values={"会议名称": "x"})
    fields = {x.field: x.message for x in e.value.errors}
    assert set(fields) == {"var_2", "var_3"} and "时间" in fields["var_2"] and "地点" in fields["var_3"]
    with pytest.raises(ServiceError) as e:
        bulk.preview(actor=sec, org_id=tree.village_a.pk, audience="members", body="请于{时间参加", values={})
    assert e.value.errors[0].field == "body" and e.value.errors[0].code == "bad_value"
    with pytest.raises(ServiceError) as e:  # out of the secretary's scope: no such org for them
        bulk.preview(actor=sec, org_id=tree.village_b.pk, audience="members", body="通知", values={})
    assert e.value.errors[0].field == "org"


def test_too_long_text_is_refused_with_its_part_count(users, tree, branch_members):
    sec = Actor.for_user(users["sec_a"])
    with pytest.raises(ServiceError) as e:
        bulk.preview(actor=sec, org_id=tree.village_a.pk, audience="members", body="长" * 480 + "{甲}{乙}", values={"甲": "字" * 60, "乙": "字" * 60})
    assert e.value.errors[0].code == "too_long" and "分10条" in e.value.errors[0].message and "最多8条" in e.value.errors[0].message
    assert bulk.preview(actor=sec, org_id=tree.village_a.pk, audience="members", body="长" * 480, values={}).max_parts == 8


def test_request_needs_a_second_person_and_approval_queues_inside_the_window(users, tree, branch_members, settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    sec, town = Actor.for_user(users["sec_a"]), Actor.for_user(users["town_a"])
    c = bulk.request_send(actor=sec, org_id=tree.village_a.pk, audience="members", title="主题党日通知", body=BODY, values=VALUES)
    assert c.status == "pending" and c.recipients == 2 and c.cost_fen == 10
    # the approvers (town committee admins, the county department, the system admin — never the requester) are told at once
    told = set(Notification.objects.filter(kind="sms.campaign.approve").values_list("recipient__username", flat=True))
    assert "town_a" in told and "county" in told and "sec_a" not in told
    assert AuditEvent.objects.filter(action="sms_campaign.request").count() == 1
    with pytest.raises(PermissionDenied):
        bulk.approve(actor=sec, campaign_id=c.pk)  # nobody approves their own send
    with pytest.raises(NotFound):  # out of scope: for town B's secretary the send does not exist
        bulk.approve(actor=Actor.for_user(users["sec_b"]), campaign_id=c.pk)
    # at night the approved messages wait for 08:00
    bulk.approve(actor=town, campaign_id=c.pk, note="同意", confirm_cost_fen=10, now=NIGHT)
    c.refresh_from_db()
    assert c.status == "approved" and c.decided_by == users["town_a"]
    logs = list(MessageLog.objects.filter(campaign=c).order_by("address"))
    assert [x.address for x in logs] == ["13800000001", "13800000002"]
    assert all(x.status == "queued" and x.deliver_after == dt.datetime(2026, 12, 4, 8, 0, tzinfo=SHANGHAI) for x in logs)
    assert logs[0].member.name in {"王一", "王五"} and logs[0].org_id == tree.village_a.pk
    assert services.deliver_due(now=NIGHT)["sent"] == 0
    assert services.deliver_due(now=dt.datetime(2026, 12, 4, 8, 1, tzinfo=SHANGHAI))["sent"] == 2
    assert {m["phone"] for m in MemorySms.outbox} == {"13800000001", "13800000002"}
    assert any(m["text"].startswith("【组工云】王") for m in MemorySms.outbox)
    assert bulk.close_finished() == 1
    c.refresh_from_db()
    assert c.status == "sent" and bulk.delivery_counts(c) == {"sent": 2}
    with pytest.raises(ServiceError):
        bulk.approve(actor=town, campaign_id=c.pk)  # once


def test_approval_refuses_when_the_count_changed_since_the_preview(users, tree, branch_members, make_member):
    sec, town = Actor.for_user(users["sec_a"]), Actor.for_user(users["town_a"])
    c = bulk.request_send(actor=sec, org_id=tree.village_a.pk, audience="members", title="通知", body="明天开会", values={})
    make_member(tree.village_a, name="新来", birth=dt.date(1981, 1, 1), phone="13900000009")
    with pytest.raises(ServiceError) as e:
        bulk.approve(actor=town, campaign_id=c.pk, confirm_cost_fen=c.cost_fen)
    assert e.value.errors[0].code == "stale_preview" and "3人" in e.value.errors[0].message
    assert MessageLog.objects.filter(campaign=c).count() == 0
    c.refresh_from_db()
    bulk.approve(actor=town, campaign_id=c.pk, confirm_cost_fen=c.cost_fen, now=NOON)  # the new figures, confirmed
    assert MessageLog.objects.filter(campaign=c).count() == 3


def test_reject_needs_a_reason_and_tells_the_requester(users, tree, branch_members):
    sec, town = Actor.for_user(users["sec_a"]), Actor.for_user(users["town_a"])
    c = bulk.request_send(actor=sec, org_id=tree.village_a.pk, audience="members", title="通知", body="明天开会", values={})
    with pytest.raises(ServiceError):
        bulk.reject(actor=town, campaign_id=c.pk, note="")
    bulk.reject(actor=town, campaign_id=c.pk, note="内容请改为书面通知")
    c.refresh_from_db()
    assert c.status == "rejected" and not MessageLog.objects.filter(campaign=c).exists()
    assert Notification.objects.filter(recipient=users["sec_a"], kind="sms.campaign.decided", title__contains="内容请改为书面通知").exists()


def test_department_price_applies_to_its_subtree(users, tree, branch_members):
    county = Actor.for_user(users["county"])
    bulk.set_tariff(actor=county, org_id=tree.county.pk, price_fen=4, effective_on=dt.date(2026, 1, 1), reason="2026年短信服务合同")
    with pytest.raises(PermissionDenied):
        bulk.set_tariff(actor=Actor.for_user(users["town_a"]), org_id=tree.town_a.pk, price_fen=1, effective_on=dt.date(2026, 1, 1), reason="x")
    p = bulk.preview(actor=Actor.for_user(users["sec_a"]), org_id=tree.village_a.pk, audience="members", body="明天开会" * 20, values={})
    assert p.price_fen == 4 and p.tariff is not None and p.parts == 2 * 2 and p.cost_fen == 16  # 80+ chars: 2 parts × 2 people


def test_officers_audience_reaches_secretaries_by_their_sms_number(users, tree, branch_members):
    from orgwork.notifications.models import DeliverySettings

    DeliverySettings.objects.create(user=users["sec_a"], sms_phone="13700000001")
    DeliverySettings.objects.create(user=users["sec_b"], sms_phone="13700000002")
    p = bulk.preview(actor=Actor.for_user(users["town_a"]), org_id=tree.town_a.pk, audience="officers", body="{党组织}：请于周五前报送材料", values={})
    phones = {r.phone for r in p.recipients}
    assert "13700000001" in phones and "13700000002" not in phones  # sec_b is in town B
    assert "红旗村党支部：请于周五前报送材料" in p.sample or p.skipped


def test_a_reply_within_the_window_is_kept_on_the_send_not_made_a_petition(users, tree, branch_members, settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    sec, town = Actor.for_user(users["sec_a"]), Actor.for_user(users["town_a"])
    c = bulk.request_send(actor=sec, org_id=tree.village_a.pk, audience="members", title="通知", body="周五开会，能否参加请回复", values={})
    bulk.approve(actor=town, campaign_id=c.pk, now=NOON)  # inside the sending window whatever the clock says
    assert services.deliver_due(now=NOON)["sent"] == 2
    out = sms.receive_inbound(phone="13800000001", text="能参加")
    assert out["handled_by"] == "bulk_reply"
    r = SmsReply.objects.get()
    assert r.campaign == c and r.text == "能参加"
    assert Notification.objects.filter(recipient=users["sec_a"], kind="sms.campaign.reply").exists()
    page = Client()
    page.force_login(users["sec_a"])
    html = page.get(f"/inbox/sms/{c.pk}/").content.decode()
    assert "回复（1）" in html and "能参加" in html
    # a number that received nothing goes where it went before (the petition hall takes the rest)
    assert sms.receive_inbound(phone="13600000000", text="反映一个问题")["handled_by"] != "bulk_reply"
    # 退订 still wins over a reply
    assert sms.receive_inbound(phone="13800000001", text="TD")["handled_by"] == "optout"


def test_pages_preview_submit_approve_and_the_org_message_log(users, tree, branch_members, settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    c = Client()
    c.force_login(users["sec_a"])
    data = {"org": tree.village_a.pk, "audience": "members", "title": "主题党日", "body": BODY, "action": "preview"}
    r = c.post("/inbox/sms/new/", data)
    assert r.status_code == 400 and "请填写变量“会议名称”" in r.content.decode()
    r = c.post("/inbox/sms/new/", {**data, "var_1": VALUES["会议名称"], "var_2": VALUES["时间"], "var_3": VALUES["地点"]})
    page = r.content.decode()
    assert r.status_code == 200 and 'data-testid="preview-count">2<' in page and "未登记手机号 2 人" in page
    r = c.post("/inbox/sms/new/", {**data, "var_1": VALUES["会议名称"], "var_2": VALUES["时间"], "var_3": VALUES["地点"], "action": "submit"})
    assert r.status_code == 302
    camp = SmsCampaign.objects.get()
    assert "批准发送" not in c.get(f"/inbox/sms/{camp.pk}/").content.decode()  # not for the requester
    t = Client()
    t.force_login(users["town_a"])
    assert "主题党日" in t.get("/").content.decode()  # on the approver's home page (attention)
    r = t.post(f"/inbox/sms/{camp.pk}/", {"decision": "approve", "confirm_cost_fen": camp.cost_fen, "note": "同意"})
    assert r.status_code == 302
    services.deliver_due(now=NOON)
    log = t.get(f"/inbox/log/?org={tree.village_a.pk}&channel=sms").content.decode()
    assert "王一" in log and "138****0001" in log and "13800000001" not in log
    x = t.get(f"/inbox/log/export.xlsx?org={tree.village_a.pk}&channel=sms")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(x.streaming_content))).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "时间" and len(rows) == 3 and all("138****" in r[4] for r in rows[1:])
    # town B's secretary sees neither the send nor its messages
    b = Client()
    b.force_login(users["sec_b"])
    assert b.get(f"/inbox/sms/{camp.pk}/").status_code == 404
    assert "王一" not in b.get("/inbox/log/?channel=sms").content.decode()
    assert b.get(f"/inbox/log/?org={tree.village_a.pk}").status_code == 404


def test_templates_are_shared_down_the_tree(users, tree):
    county = Actor.for_user(users["county"])
    tpl = bulk.save_template(actor=county, org_id=tree.county.pk, name="会议通知", body=BODY)
    assert bulk.template_variables(tpl.body) == ["姓名", "会议名称", "时间", "地点"]
    assert bulk.send_variables(tpl.body) == ["会议名称", "时间", "地点"]
    assert tpl in bulk.usable_templates(Actor.for_user(users["sec_a"]), tree.village_a)
    with pytest.raises(ServiceError):
        bulk.save_template(actor=Actor.for_user(users["sec_a"]), org_id=tree.county.pk, name="x", body="y")
    c = Client()
    c.force_login(users["sec_a"])
    assert "会议名称" in c.get(f"/inbox/sms/new/?template={tpl.pk}").content.decode()
    bulk.retire_template(actor=county, template_id=tpl.pk)
    assert c.get(f"/inbox/sms/new/?template={tpl.pk}").status_code == 404


def test_demo_shows_a_template_a_pending_and_an_approved_send(tree, system, make_member):
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model

    from orgwork.core.models import Role
    from orgwork.core.services import grant_role
    from orgwork.notifications import demo

    User = get_user_model()
    for name, org, role in (("county", tree.county, Role.DEPT_ADMIN), ("town", tree.town_a, Role.ORG_ADMIN), ("secretary", tree.village_a, Role.SECRETARY)):
        grant_role(actor=system, user=User.objects.create_user(username=name, password="x"), org=org, role=role)
    make_member(tree.village_a, name="周一", birth=dt.date(1970, 2, 2), phone="13900000001")
    out = demo.build(tree.county, SimpleNamespace(today=dt.date(2026, 12, 3)))
    assert out["campaigns"] == 2 and out["messages"] == 1
    assert sorted(SmsCampaign.objects.values_list("status", flat=True)) == ["approved", "pending"]
    assert demo.build(tree.county, SimpleNamespace(today=dt.date(2026, 12, 3))) == {}  # --if-empty


def test_api_preview_request_decide_and_log(users, tree, branch_members, api, settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    sec, town = api(users["sec_a"]), api(users["town_a"])
    body = {"org": tree.village_a.pk, "audience": "members", "title": "通知", "body": "{姓名}同志：{事项}", "values": {"事项": "周五开会"}}
    r = sec.post("/api/v1/notifications/sms/preview/", body, format="json")
    assert r.status_code == 200 and r.json()["recipients"] == 2 and r.json()["cost_fen"] == 10
    r = sec.post("/api/v1/notifications/sms/preview/", {**body, "values": {}}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "var_1"
    r = sec.post("/api/v1/notifications/sms/", body, format="json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    pk = r.json()["id"]
    assert sec.post(f"/api/v1/notifications/sms/{pk}/decision/", {"decision": "approve"}, format="json").status_code == 403
    assert api(users["sec_b"]).post(f"/api/v1/notifications/sms/{pk}/decision/", {"decision": "approve"}, format="json").status_code == 404
    r = town.post(f"/api/v1/notifications/sms/{pk}/decision/", {"decision": "approve", "confirm_cost_fen": 999}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "stale_preview"
    r = town.post(f"/api/v1/notifications/sms/{pk}/decision/", {"decision": "approve", "confirm_cost_fen": 10}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = town.get(f"/api/v1/notifications/log/?org={tree.village_a.pk}&channel=sms")
    assert r.status_code == 200 and r.json()["count"] == 2 and all(x["address"].startswith("138****") for x in r.json()["results"])
    assert api(users["sec_b"]).get("/api/v1/notifications/log/?channel=sms").json()["count"] == 0
