"""Console pages: list by stage, a person's file with the timeline, the complete-step form with gate errors in Chinese."""

import datetime as dt

import pytest

from orgwork.conftest import make_id

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def town_client(client, users):
    client.force_login(users["town_a"])
    return client


def test_list_shows_people_by_stage(town_client, pipeline, django_assert_max_num_queries):
    a = pipeline.apply()
    pipeline.run(a, until="candidate")
    pipeline.apply(name="刘新", birth=D(1990, 1, 1))
    with django_assert_max_num_queries(12):
        r = town_client.get("/recruitment/")
    text = r.content.decode()
    assert r.status_code == 200 and "王小明" in text and "刘新" in text and "确定发展对象" in text
    table = town_client.get("/recruitment/?stage=candidate").content.decode().split('data-testid="applicants"')[1]
    assert "王小明" in table and "刘新" not in table


def test_file_page_shows_every_step_and_the_form(town_client, pipeline):
    a = pipeline.apply()
    pipeline.run(a, through="pre_review")
    r = town_client.get(f"/recruitment/{a.pk}/")
    text = r.content.decode()
    assert r.status_code == 200
    assert "全程纪实" in text and "递交入党申请书" in text and "材料归档" in text and "政审〔2024〕12号" in text
    assert "关于王小明同志拟接收为预备党员的公示" in text
    assert "办理第14步：填写入党志愿书" in text


def test_complete_step_form_shows_gate_errors_in_chinese(town_client, pipeline):
    a = pipeline.apply()
    pipeline.run(a, until="training")
    r = town_client.post(f"/recruitment/{a.pk}/complete/", {"step": "training", "done_on": "2024-05-20", "f_days": "2", "f_hours": "16"})
    assert r.status_code == 400
    text = r.content.decode()
    assert "集中培训一般不少于3天或24个学时，现为2天、16学时" in text
    r = town_client.post(f"/recruitment/{a.pk}/complete/", {"step": "training", "done_on": "2024-05-20", "f_days": "3"})
    assert r.status_code == 302
    a.procedure.refresh_from_db()
    assert a.procedure.step == "committee_review"


def test_document_reference_and_assessment_through_the_page(town_client, pipeline):
    a = pipeline.apply()
    pipeline.run(a, until="political_review")
    r = town_client.post(
        f"/recruitment/{a.pk}/complete/",
        {"step": "political_review", "done_on": "2024-05-10", "f_conclusion": "pass", "doc_1_label": "政治审查结论性材料", "doc_1_ref": "政审〔2024〕9号"},
    )
    assert r.status_code == 302
    r = town_client.post(f"/recruitment/{a.pk}/act/", {"action": "terminate", "reason": ""})
    assert r.status_code == 400 and "请填写原因" in r.content.decode()


def test_new_application_page(town_client, tree):
    r = town_client.get("/recruitment/new/")
    assert r.status_code == 200
    r = town_client.post(
        "/recruitment/new/",
        {"org": tree.village_a.pk, "name": "小张", "id_number": make_id(D(2010, 1, 1)), "applied_on": "2026-03-02", "doc_application": "x"},
    )
    assert r.status_code == 200 and "申请入党须年满18周岁" in r.content.decode()
    r = town_client.post(
        "/recruitment/new/",
        {"org": tree.village_a.pk, "name": "小张", "id_number": make_id(D(2000, 1, 1)), "applied_on": "2026-03-02", "doc_application": "x"},
    )
    assert r.status_code == 302


def test_new_application_page_shows_each_error_beside_its_input(town_client, tree):
    r = town_client.post("/recruitment/new/", {"org": tree.village_a.pk, "name": "小张", "id_number": "123", "applied_on": "2026-03-02"})
    assert r.status_code == 200
    html = r.content.decode()
    field = html.split('<input type="text" id="id_number"')[1].split("</div>")[0]
    assert 'class="field-error"' in field and "公民身份号码" in field  # beside the input, naming the field
    assert "未能办理" not in html  # nothing left for the list at the top: every error sits beside its input


def test_plan_page_flags_villages_and_saves_a_plan(town_client, tree):
    r = town_client.get("/recruitment/plan/?year=2026")
    text = r.content.decode()
    assert r.status_code == 200 and "村党支部未发展" in text
    r = town_client.post("/recruitment/plan/?year=2026", {"org": tree.village_a.pk, "planned": "2"})
    assert r.status_code == 302
    assert "未完成计划" in town_client.get("/recruitment/plan/?year=2026").content.decode()


def test_word_documents(town_client, pipeline):
    import io

    from docx import Document

    a = pipeline.apply()
    pipeline.run(a, through="pre_review")
    r = town_client.get(f"/recruitment/{a.pk}/record.docx")
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    assert "发展党员全程纪实表" in doc.paragraphs[0].text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "进行政治审查" in cells and "2024-05-10" in cells
    notice = a.procedure.notices.get()
    r = town_client.get(f"/recruitment/notices/{notice.pk}.docx")
    assert r.status_code == 200 and "王小明" in " ".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)


def test_other_branch_gets_404(client, users, pipeline):
    a = pipeline.apply()
    client.force_login(users["sec_b"])
    assert client.get(f"/recruitment/{a.pk}/").status_code == 404


def test_uploaded_document_is_kept_and_served_only_in_scope(town_client, client, users, pipeline, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from orgwork.core.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    a = pipeline.apply()
    pipeline.run(a, until="political_review")
    upload = SimpleUploadedFile("政审.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = town_client.post(
        f"/recruitment/{a.pk}/complete/",
        {"step": "political_review", "done_on": "2024-05-10", "f_conclusion": "pass", "doc_1_label": "政治审查结论性材料", "doc_1_file": upload},
    )
    assert r.status_code == 302
    att = Attachment.objects.get(label="政治审查结论性材料")
    assert att.size == 13 and len(att.sha256) == 64 and att.filename == "政审.pdf"
    r = town_client.get(f"/recruitment/attachments/{att.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 test"
    client.force_login(users["sec_b"])
    assert client.get(f"/recruitment/attachments/{att.pk}/").status_code == 404


def test_home_page_lists_overdue_recruitment_steps(town_client, pipeline):
    from orgwork.core import registry
    from orgwork.core.actor import Actor

    pipeline.apply(name="逾期者", birth=D(1990, 1, 1), applied_on=D(2026, 3, 2))
    items = [i for i in registry.collect_attention(Actor.system_actor()) if i.kind == "recruitment"]
    assert items and items[0].severity == "danger" and "逾期者" in items[0].title and items[0].url.startswith("/recruitment/")
    assert town_client.get("/").status_code == 200


def test_contacts_picked_by_search_not_by_number(town_client, pipeline):
    a = pipeline.apply()
    pipeline.run(a, until="contacts")
    page = town_client.get(f"/recruitment/{a.pk}/").content.decode()
    assert 'data-picker' in page and 'data-name="f_contacts"' in page and "党员编号" not in page
    hits = town_client.get("/pick/members/", {"q": "赵一", "status": "full"}).content.decode()
    assert f'data-value="{pipeline.full[0].pk}"' in hits
    r = town_client.post(f"/recruitment/{a.pk}/complete/", {"step": "contacts", "done_on": "2023-04-25", "f_contacts": [str(pipeline.full[0].pk), str(pipeline.full[1].pk), ""]})
    assert r.status_code == 302
    page = town_client.get(f"/recruitment/{a.pk}/").content.decode()
    assert "培养联系人：赵一、钱二" in page
