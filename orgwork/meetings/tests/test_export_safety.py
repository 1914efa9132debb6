"""The monthly / quarterly compliance export writes org names as text, never as formulas (issue 11)."""

import datetime as dt
import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from orgwork.core.exports import formula_cells
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgKind, Sector

pytestmark = pytest.mark.django_db


def test_compliance_xlsx_keeps_formula_like_org_names_as_text(tree, users, system, hold):
    org = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="=1+2支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="@SUM(A1)", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    hold(org, "theme_day", dt.date(2026, 5, 3))
    c = Client()
    c.force_login(users["county"])
    for url in ("/meetings/compliance/monthly/?year=2026&month=5&format=xlsx", "/meetings/compliance/quarterly/?year=2026&quarter=2&format=xlsx"):
        r = c.get(url)
        assert r.status_code == 200 and r.content[:2] == b"PK", url
        assert formula_cells(r.content) == [], url
        names = [str(row[0]) for row in CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()]
        assert any(n.endswith("=1+2支部") for n in names) and any(n.endswith("@SUM(A1)") for n in names), names
