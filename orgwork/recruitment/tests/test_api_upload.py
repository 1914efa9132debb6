"""The development API takes the documents themselves (multipart) beside their numbers."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgwork.conftest import make_id
from orgwork.core.models import Attachment


@pytest.mark.django_db
def test_application_scan_and_a_step_document_uploaded_through_the_api(api, users, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = api(users["sec_a"])
    scan = SimpleUploadedFile("入党申请书.pdf", b"%PDF-1.4 application", content_type="application/pdf")
    r = c.post(
        "/api/v1/recruitment/applicants/",
        {"org": str(tree.village_a.pk), "name": "上传者", "id_number": make_id(dt.date(1998, 4, 4)), "applied_on": "2026-11-02", "application_file": scan},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    applicant = r.json()["id"]
    assert Attachment.objects.filter(label="入党申请书", filename="入党申请书.pdf", size=20).exists()
    note = SimpleUploadedFile("谈话记录.jpg", b"\xff\xd8\xff talk", content_type="image/jpeg")
    r = c.post(
        f"/api/v1/recruitment/applicants/{applicant}/complete/",
        {"step": "talk", "done_on": "2026-11-10", "data": json.dumps({"talker": "支部书记"}), "files": [note], "file_labels": ["谈话记录"]},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    assert [(a["label"], a["filename"]) for a in r.json()["attachments"]] == [("谈话记录", "谈话记录.jpg")]
    bad = c.post(f"/api/v1/recruitment/applicants/{applicant}/complete/", {"step": "activist", "done_on": "2026-11-11", "data": "{not json"}, format="multipart")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "data"
