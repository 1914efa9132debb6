import datetime as dt

import pytest
from django.urls import reverse

from orgwork.members.models import Member
from orgwork.orgs.models import Org

pytestmark = pytest.mark.django_db
D = dt.date


def test_merge_page_previews_then_merges(client, users, tree, make_member):
    make_member(tree.office_a, name="机关甲")
    client.force_login(users["town_a"])
    url = reverse("reorg:merge")
    assert client.get(url).status_code == 200
    r = client.get(url, {"sources": [tree.office_a.pk], "target": tree.village_a.pk})
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="preview"' in body and "机关甲" in body
    assert Member.objects.get(name="机关甲").org_id == tree.office_a.pk  # a preview moves nothing
    r = client.post(url, {"sources": [tree.office_a.pk], "target": tree.village_a.pk, "on": "", "reason": ""})
    assert r.status_code == 400 and "请填写日期" in r.content.decode()
    r = client.post(url, {"sources": [tree.office_a.pk], "target": tree.village_a.pk, "on": "2026-11-01", "reason": "机构改革"})
    assert r.status_code == 302
    assert Member.objects.get(name="机关甲").org_id == tree.village_a.pk and Org.objects.get(pk=tree.office_a.pk).abolished_on == D(2026, 11, 1)
    assert client.get(r["Location"]).status_code == 200
    assert client.get(reverse("reorg:list")).status_code == 200


def test_other_towns_orgs_cannot_be_chosen(client, users, tree):
    client.force_login(users["town_a"])
    r = client.get(reverse("reorg:merge"), {"sources": [tree.office_b.pk], "target": tree.village_a.pk})
    assert r.status_code == 200 and 'data-testid="preview"' not in r.content.decode()
    client.force_login(users["sec_b"])
    assert client.get(reverse("reorg:detail", args=[999999])).status_code == 404


def test_setup_and_by_election_pages_run_the_procedures(client, users, tree, make_member, system):
    from orgwork.core.models import ProcedureInstance
    from orgwork.discipline import services as discipline
    from orgwork.orgs import services as org_services

    client.force_login(users["town_a"])
    url = reverse("reorg:procedures")
    assert client.get(url).status_code == 200
    r = client.post(url, {"action": "setup", "setup-parent": tree.town_a.pk, "setup-name": "甲镇物流企业党支部", "setup-kind": "branch", "setup-sector": "private", "setup-full_members": 2, "setup-reason": "新建企业", "setup-on": "2026-09-01"})
    assert r.status_code == 400 and "不足3人" in r.content.decode()
    r = client.post(url, {"action": "setup", "setup-parent": tree.town_a.pk, "setup-name": "甲镇物流企业党支部", "setup-kind": "branch", "setup-sector": "private", "setup-full_members": 4, "setup-reason": "新建企业", "setup-on": "2026-09-01"})
    assert r.status_code == 302
    inst = ProcedureInstance.objects.get(kind="org_setup")
    page = client.get(r["Location"]).content.decode()
    assert "拟成立党组织名称" in page and "甲镇物流企业党支部" in page and "非公有制企业" in page

    members = [make_member(tree.village_a, name=n) for n in ("赵甲", "钱乙", "孙丙")]
    org_services.update_org(actor=system, org_id=tree.village_a.pk, term_started_on=D(2024, 6, 1))
    discipline.record_sanction(actor=system, member_id=members[2].pk, kind="probation", probation_years=1, decided_on=D(2026, 7, 1), decided_by="甲镇纪委", document="甲纪发〔2026〕4号", reason="违纪")
    r = client.post(url, {"action": "by_election", "by-org": tree.village_a.pk, "by-post": "publicity", "by-reason": "宣传委员病故", "by-on": "2026-09-01"})
    assert r.status_code == 302
    by = ProcedureInstance.objects.get(kind="by_election")
    assert client.post(r["Location"], {"done_on": "2026-09-05", "decision": "approve", "approval_no": "甲组〔2026〕40号"}).status_code == 302
    r = client.post(reverse("reorg:procedure", args=[by.pk]), {"done_on": "2026-09-10", "candidate": members[0].pk, "present": 3, "votes_for": 3})
    assert r.status_code == 302, r.content.decode()[:2000]
    page = client.get(r["Location"]).content.decode()
    assert "表决权情况" in page and "孙丙" in page and "党章第四十条" in page
    assert inst.pk != by.pk


def test_split_page_assigns_each_member(client, users, tree, make_member, system):
    from orgwork.orgs import services as org_services
    from orgwork.orgs.models import OrgKind, Sector

    a, b = make_member(tree.office_a, name="分甲"), make_member(tree.office_a, name="分乙")
    north = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="北区党支部", kind=OrgKind.BRANCH, sector=Sector.AGENCY)
    client.force_login(users["town_a"])
    url = reverse("reorg:split")
    r = client.get(url, {"source": tree.office_a.pk})
    assert r.status_code == 200 and 'data-testid="split-members"' in r.content.decode() and "分乙" in r.content.decode()
    r = client.post(url, {"source": tree.office_a.pk, "on": "2026-11-05", "reason": "机构分设", f"to_{a.pk}": north.pk})
    assert r.status_code == 400 and "分乙未确定去向党组织" in r.content.decode()
    r = client.post(url, {"source": tree.office_a.pk, "on": "2026-11-05", "reason": "机构分设", f"to_{a.pk}": north.pk, f"to_{b.pk}": tree.village_a.pk})
    assert r.status_code == 302
    assert Member.objects.get(pk=a.pk).org_id == north.pk and Member.objects.get(pk=b.pk).org_id == tree.village_a.pk
    assert Org.objects.get(pk=tree.office_a.pk).abolished_on == D(2026, 11, 5)
