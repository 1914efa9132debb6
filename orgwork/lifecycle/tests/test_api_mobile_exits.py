"""Mobile members and exits through the API (in the OpenAPI schema), and step documents uploaded as files."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgwork.core.models import Attachment

D = dt.date


@pytest.mark.django_db
def test_mobile_member_register_contact_attach_end(api, users, tree, make_member):
    m = make_member(tree.village_a, name="外出甲")
    c = api(users["sec_a"])
    r = c.post("/api/v1/mobile/", {"member": m.pk, "left_on": "2026-03-01", "destination": "广东省深圳市", "home_contact": "支部书记"}, format="json")
    assert r.status_code == 201, r.content
    reg = r.json()
    assert reg["member_name"] == "外出甲" and reg["status"] == "away" and reg["away_flag_on"] == "2026-09-01"
    bad = c.post("/api/v1/mobile/", {"member": m.pk, "left_on": "2026-03-01", "destination": "", "home_contact": "x"}, format="json")
    assert bad.status_code == 400
    r = c.post(f"/api/v1/mobile/{reg['id']}/contacts/", {"contacted_on": "2026-05-02", "channel": "电话", "note": "在厂里上班"}, format="json")
    assert r.status_code == 201
    assert [x["note"] for x in c.get(f"/api/v1/mobile/{reg['id']}/contacts/").json()] == ["在厂里上班"]
    r = c.post(f"/api/v1/mobile/{reg['id']}/attach/", {"org": tree.village_b.pk, "on": "2026-05-03"}, format="json")
    assert r.status_code == 200 and r.json()["attached_org"] == tree.village_b.pk
    listed = c.get("/api/v1/mobile/").json()
    assert [x["id"] for x in listed["results"]] == [reg["id"]]
    r = c.post(f"/api/v1/mobile/{reg['id']}/end/", {"status": "returned", "on": "2026-06-01", "reason": "返乡"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "returned"
    assert c.get("/api/v1/mobile/").json()["results"] == [] and len(c.get("/api/v1/mobile/?status=all").json()["results"]) == 1
    # another branch cannot see or act on it
    other = api(users["sec_b"])
    assert other.get(f"/api/v1/mobile/{reg['id']}/").status_code == 404
    assert other.post(f"/api/v1/mobile/{reg['id']}/contacts/", {"contacted_on": "2026-05-02"}, format="json").status_code == 404


@pytest.mark.django_db
def test_exit_case_through_the_api_with_an_uploaded_document(api, users, tree, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = make_member(tree.village_a, name="出入乙")
    c = api(users["sec_a"])
    r = c.post("/api/v1/exits/", {"member": m.pk, "kind": "suspension", "on": "2026-10-01"}, format="json")
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["kind_label"] == "停止党籍" and case["member"] == m.pk and case["step"] == "propose"
    assert {f["name"] for f in case["step_fields"]} >= {"reason"}
    # multipart: data as JSON text, the file with its 材料名称
    pdf = SimpleUploadedFile("情况说明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = c.post(
        f"/api/v1/exits/{case['id']}/complete/",
        {"step": "propose", "done_on": "2026-10-01", "data": json.dumps({"reason": "失去联系超过6个月"}), "files": [pdf], "file_labels": ["情况说明"]},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    att = r.json()["attachments"]
    assert [(a["label"], a["filename"], a["size"]) for a in att] == [("情况说明", "情况说明.pdf", 13)]
    assert Attachment.objects.get(pk=att[0]["id"]).file
    # a file without its label is refused with the field named; nothing is written
    r = c.post(f"/api/v1/exits/{case['id']}/complete/", {"step": "meeting", "done_on": "2026-10-10", "files": [SimpleUploadedFile("a.pdf", b"x")]}, format="multipart")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "file_labels"
    # JSON with document numbers still works
    r = c.post(
        f"/api/v1/exits/{case['id']}/complete/",
        {"step": "meeting", "done_on": "2026-10-10", "data": {"meeting_on": "2026-10-10", "entitled": 20, "present": 15, "votes_for": 12}, "documents": {"会议记录": "支部〔2026〕7号"}},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["attachments"][0]["reference"] == "支部〔2026〕7号"
    # the branch cannot approve its own proposal
    r = c.post(f"/api/v1/exits/{case['id']}/complete/", {"step": "approve", "done_on": "2026-10-20", "data": {"decision": "approve"}}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "permission_denied"
    records = c.get(f"/api/v1/exits/{case['id']}/records/").json()
    assert [x["step"] for x in records if x["step"]] == ["propose", "meeting"]
    assert api(users["sec_b"]).get(f"/api/v1/exits/{case['id']}/").status_code == 404


@pytest.mark.django_db
def test_the_schema_lists_mobile_exits_and_multipart_uploads(api, users):
    schema = api(users["county"]).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/v1/mobile/" in paths and "/api/v1/exits/{id}/complete/" in paths
    body = paths["/api/v1/exits/{id}/complete/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in body and "application/json" in body
    assert "multipart/form-data" in paths["/api/v1/recruitment/applicants/{id}/complete/"]["post"]["requestBody"]["content"]
