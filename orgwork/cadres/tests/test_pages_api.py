"""Console pages and /api/v1/cadres/: scope, refusal codes over the API, exports, Excel import, the voting page."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from orgwork.cadres import services
from orgwork.cadres.models import Cadre
from orgwork.conftest import make_id
from orgwork.core.ballots import services as ballots

from .conftest import run_recommendation

pytestmark = pytest.mark.django_db
D = dt.date


def test_pages_render_for_the_department_and_404_for_a_secretary(client, users, world):
    w = world
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    services.flag_selection(actor=w.actor, selection_id=sel.pk, text="动议理由不充分")
    client.force_login(users["county"])
    for name, args in (("cadres:list", []), ("cadres:units", []), ("cadres:selections", []), ("cadres:selection", [sel.pk]), ("cadres:detail", [w.cadres[0].pk]), ("cadres:reserves", [])):
        r = client.get(reverse(name, args=args))
        assert r.status_code == 200, name
    body = client.get(reverse("cadres:selections")).content.decode()
    assert "副局长选拔" in body and "1个问题" in body
    r = client.get(reverse("cadres:form", args=[w.cadres[0].pk, "docx"]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    from docx import Document

    text = "\n".join(c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells)
    assert "王五" in text and "干部任免审批表" in Document(io.BytesIO(r.content)).paragraphs[0].text
    assert client.get(reverse("cadres:form", args=[w.cadres[0].pk, "pdf"])).content[:4] == b"%PDF"
    assert client.get(reverse("cadres:form", args=[w.cadres[0].pk, "exe"])).status_code == 404
    assert client.get(reverse("cadres:reports")).status_code == 404  # not a designated reader
    client.force_login(users["sec_a"])
    for name, args in (("cadres:list", []), ("cadres:selection", [sel.pk]), ("cadres:detail", [w.cadres[0].pk])):
        assert client.get(reverse(name, args=args)).status_code == 404


def test_console_step_refusal_shows_the_rule(client, users, world):
    w = world
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    client.force_login(users["county"])
    url = reverse("cadres:selection", args=[sel.pk])
    r = client.post(url, {"action": "step", "s-done_on": "2026-03-02", "s-f_reason": "空缺", "s-doc_0": ""})
    assert r.status_code == 400 and "缺少材料“动议方案”" in r.content.decode()
    r = client.post(url, {"action": "step", "s-done_on": "2026-03-02", "s-f_reason": "空缺", "s-doc_0": "方案1"})
    assert r.status_code == 302
    # recommendation: the codes come back once, as printable slips
    r = client.post(url, {"action": "recommend", "r-mode": "meeting", "r-names": "王五、赵六、钱七", "r-voters": "3"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_api_lists_and_step_refusal_code(api, users, world):
    w = world
    c = api(users["county"])
    r = c.get("/api/v1/cadres/cadres/?q=王五")
    assert r.status_code == 200 and r.json()["count"] == 1
    cid = r.json()["results"][0]["id"]
    assert c.get(f"/api/v1/cadres/cadres/{cid}/").json()["resume"] == []
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    r = c.post(f"/api/v1/cadres/selections/{sel.pk}/steps/", {"step": "proposal", "done_on": "2026-03-02", "data": {"reason": "空缺"}, "documents": {"动议方案": "方案1"}}, format="json")
    assert r.status_code == 200
    b = run_recommendation(w, sel, cadres=w.cadres[:3], picks=[1, 2, 3])
    c.post(f"/api/v1/cadres/selections/{sel.pk}/steps/", {"step": "recommendation", "done_on": "2026-03-10", "data": {"meeting_ballot": b.pk}}, format="json")
    r = c.post(f"/api/v1/cadres/selections/{sel.pk}/steps/", {"step": "candidates", "done_on": "2026-03-16", "data": {"candidates": [w.cadres[0].pk]}}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "not_contested"
    assert c.get("/api/v1/cadres/selections/?in_flight=1").json()["count"] == 1
    assert c.get("/api/v1/cadres/quotas/").json()[0]["state"] == "vacant"
    assert c.get("/api/v1/cadres/warnings/").status_code == 200
    assert api(users["sec_a"]).get(f"/api/v1/cadres/selections/{sel.pk}/").status_code == 404
    schema = c.get("/api/schema/").content.decode()
    assert "/api/v1/cadres/selections/{id}/steps/" in schema


def test_excel_import_all_or_nothing(world):
    from orgwork.core.exports import workbook

    def sheet(rows):
        buf = io.BytesIO()
        wb = workbook(buf)
        ws = wb.add_worksheet()
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
        wb.close()
        return buf.getvalue()

    good = make_id(D(1980, 1, 1))
    data = sheet([["姓名", "公民身份号码", "学历", "现职级", "参加工作时间"], ["周一", good, "大学本科", "副科级", "2002-07-01"], ["吴二", "123", "", "", ""]])
    out = services.import_cadres(actor=world.actor, org_id=world.tree.county.pk, data=data)
    assert out["created"] == 0 and out["errors"][0]["row"] == 3 and not Cadre.objects.filter(name="周一").exists()
    data = sheet([["姓名", "公民身份号码", "学历", "现职级", "参加工作时间"], ["周一", good, "大学本科", "副科级", "2002-07-01"]])
    out = services.import_cadres(actor=world.actor, org_id=world.tree.county.pk, data=data)
    c = Cadre.objects.get(name="周一")
    assert out["created"] == 1 and c.rank == "section_deputy" and c.work_started_on == D(2002, 7, 1) and c.birth_date == D(1980, 1, 1)


def test_quota_warnings_and_registry_checks(world):
    w = world
    a, b, c, d = w.cadres
    services.appoint(actor=w.actor, cadre_id=a.pk, post_id=w.head.pk, on=D(2014, 1, 1))
    for x in (b, c, d):
        services.appoint(actor=w.actor, cadre_id=x.pk, post_id=w.deputy.pk, on=D(2020, 1, 1))
    services.add_kinship(actor=w.actor, cadre_id=a.pk, relative_id=b.pk, relation="夫妻")
    from orgwork.cadres import selectors
    from orgwork.core.actor import Actor

    rows = {(r["unit"].name, r["kind"]): r["state"] for r in selectors.quota_status(w.actor)}
    assert rows == {("县交通运输局", "正职"): "ok", ("县交通运输局", "副职"): "over"}
    texts = " ".join(x["text"] for x in selectors.registry_warnings(w.actor, today=D(2026, 6, 1)))
    assert "满12年，应当交流" in texts and "夫妻" in texts and "应当回避" in texts
    assert selectors.registry_warnings(Actor.system_actor(), today=D(2026, 6, 1))


def test_public_vote_page_with_a_code(client, world):
    w = world
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=D(2026, 3, 2))
    b = services.start_recommendation(actor=w.actor, selection_id=sel.pk, cadre_ids=[x.pk for x in w.cadres[:3]], groups=[{"name": "全体", "weight": 1}])
    (code,) = ballots.issue_codes(actor=w.actor, ballot_id=b.pk, group_id=b.groups.get().pk, count=1)
    ballots.open_ballot(actor=w.actor, ballot_id=b.pk)
    url = reverse("cadres:vote")
    r = client.post(url, {"code": code})
    assert r.status_code == 200 and "王五" in r.content.decode()
    r = client.post(url, {"code": code, "stage": "vote", "choice": ["2"]})
    assert r.status_code == 200 and "投票成功" in r.content.decode()
    r = client.post(url, {"code": code, "stage": "vote", "choice": ["2"]})
    assert r.status_code == 400


def test_home_attention_items_from_the_registry_checks(world, users):
    from orgwork.cadres.attention import registry_checks
    from orgwork.core.actor import Actor

    w = world
    for x in w.cadres[1:4]:
        services.appoint(actor=w.actor, cadre_id=x.pk, post_id=w.deputy.pk, on=D(2026, 1, 5))
    kinds = {i.kind for i in registry_checks(w.actor)}
    assert "cadres.quota" in kinds
    assert registry_checks(Actor.for_user(users["sec_a"])) == []
