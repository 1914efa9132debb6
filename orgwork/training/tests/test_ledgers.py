"""The four ledgers inspectors check, printed per branch from existing records (meetings, development, training)."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from orgwork.core import idcard
from orgwork.core.actor import Actor
from orgwork.meetings import services as meeting_services
from orgwork.orgs import services as org_services
from orgwork.recruitment import services as recruitment_services
from orgwork.training import ledgers, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch_year(tree, system, make_member):
    today = dt.date.today()
    year = today.year
    a = make_member(tree.village_a, name="台账甲", birth=dt.date(1970, 1, 1))
    make_member(tree.village_a, name="台账乙", birth=dt.date(1971, 1, 1))
    org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, member_id=a.pk, name="台账甲", post="secretary", started_on=dt.date(year - 1, 3, 1))
    m = meeting_services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习党章", planned_on=dt.date(year, 1, 2))
    meeting_services.record_meeting(actor=system, meeting_id=m.pk, held_on=dt.date(year, 1, 2), present_ids=[a.pk], absent={}, minutes="学习")
    meeting_services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="theme_day", topic="清扫村道主题党日", planned_on=dt.date(year, 1, 3))
    meeting_services.plan_meeting(actor=system, org_id=tree.village_b.pk, kind="general_meeting", topic="别的支部的会", planned_on=dt.date(year, 1, 2))
    recruitment_services.start_application(
        actor=system, org_id=tree.village_a.pk, applied_on=dt.date(year, 1, 1), name="申请人丙",
        id_number=idcard.make("511526", dt.date(2000, 3, 3), 11), documents={"入党申请书": "SQ-1"},
    )  # fmt: skip
    services.credit_hours(system, id_number=a.id_number, name="台账甲", hours=20, on=dt.date(year, 1, 1), source="manual", ref="led-1")
    return tree.village_a, year


def test_four_ledgers_from_existing_records(branch_year, users):
    org, year = branch_year
    actor = Actor.for_user(users["town_a"])
    work = ledgers.build(actor, "work", org, year)
    assert work.title == f"红旗村党支部{year}年党建工作台账" and work.org_path == "中共测试县委员会/中共甲镇委员会/红旗村党支部"
    assert work.sections[0].rows == [["台账甲", "书记", f"{year - 1}-03-01"]]
    assert [r[2] for r in work.sections[1].rows] == ["学习党章"] and work.sections[1].rows[0][4] == "1/2"  # 甲 and 乙 expected, 甲 present
    edu = ledgers.build(actor, "education", org, year)
    rows = {r[0]: r for r in edu.sections[0].rows}
    assert rows["台账甲"][2:6] == ["基层党组织书记和班子成员", "56.0", "20.0", "36.0"]  # rules.md §7: a branch secretary's 56 h
    assert rows["台账乙"][2:6] == ["党员", "32.0", "0.0", "32.0"]  # rules.md §5: 32 h
    dev = ledgers.build(actor, "development", org, year)
    assert dev.sections[0].rows[0][0] == "申请人丙" and dev.sections[0].rows[0][3] == "入党申请人"
    feature = ledgers.build(actor, "feature", org, year)
    assert [r[2] for r in feature.sections[0].rows] == ["清扫村道主题党日"]
    assert feature.sections[2].rows == [] and "尚未纳入本系统" in feature.sections[2].empty  # said, not faked
    pdf = ledgers.to_pdf(work)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "党建工作台账" in text and "学习党章" in text and "别的支部的会" not in text
    buf = io.BytesIO()
    ledgers.to_xlsx(edu, buf)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(buf.getvalue())).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == f"红旗村党支部{year}年党员教育管理台账" and any(r[1] == "台账乙" for r in sheet)


def test_ledger_pages_and_downloads(branch_year, users, client):
    org, year = branch_year
    client.force_login(users["town_a"])
    page = client.get("/training/ledgers/", {"org": org.pk, "year": year})
    assert page.status_code == 200 and "申请人丙" in page.content.decode()
    pdf = client.get("/training/ledgers/work.pdf", {"org": org.pk, "year": year})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    x = client.get("/training/ledgers/development.xlsx", {"org": org.pk, "year": year})
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert client.get("/training/ledgers/work.pdf", {"org": org.pk + 1000}).status_code == 404
    assert client.get("/training/ledgers/work.pdf", {"org": org.parent_id}).status_code == 400  # a committee is not a branch
    assert client.get("/training/ledgers/nope.pdf", {"org": org.pk}).status_code == 404
    client.force_login(users["sec_b"])
    assert client.get("/training/ledgers/work.pdf", {"org": org.pk}).status_code == 404  # another branch's secretary
