"""The dues report export writes org names as text (issue 11: `=1+2支部` became a live formula)."""

import datetime as dt
import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from orgwork.core.exports import formula_cells
from orgwork.dues import services
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgKind, Sector

pytestmark = pytest.mark.django_db


def test_dues_report_xlsx_keeps_formula_like_org_names_as_text(tree, users, make_member, system):
    org = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="=1+2支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    m = make_member(org, name="王五", joined=dt.date(2010, 7, 1))
    services.set_base(actor=system, member_id=m.pk, category="salaried", base="4000", declared_on=dt.date(2026, 1, 5))
    services.record_payment(actor=system, member_id=m.pk, from_month=dt.date(2026, 11, 1), months=1, paid_on=dt.date(2026, 11, 20), today=dt.date(2026, 11, 20))
    c = Client()
    c.force_login(users["county"])
    for url in (f"/dues/report/?year=2026&under={tree.town_a.pk}&export=xlsx", f"/api/v1/dues/report/?year=2026&org={tree.town_a.pk}&export=xlsx", "/dues/report/?year=2026&export=xlsx"):
        r = c.get(url)
        assert r.status_code == 200 and r.content[:2] == b"PK", url
        assert formula_cells(r.content) == [], url
        rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
        assert "=1+2支部" in [row[0] for row in rows], url
