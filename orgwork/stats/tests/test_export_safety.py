"""The statistics workbook writes sub-org names as text, never as formulas (issue 11)."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from orgwork.core.exports import formula_cells
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgKind, Sector

pytestmark = pytest.mark.django_db


def test_stats_xlsx_keeps_formula_like_org_names_as_text(tree, users, system, make_member, client):
    org = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="=1+2支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    make_member(org, name="王五")
    client.force_login(users["county"])
    r = client.get(reverse("stats:export"), {"org": tree.town_a.pk})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert formula_cells(r.content) == []
    subs = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_name("下级党组织").to_python()
    assert "=1+2支部" in [row[0] for row in subs]


def test_annual_report_xlsx_keeps_formula_like_org_names_as_text(tree, users, system, make_member, client):
    import datetime as dt

    org = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="=1+2支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    make_member(org, name="王五")
    client.force_login(users["county"])
    year = dt.date.today().year
    for query in ({"year": year, "org": org.pk}, {"year": year}):
        r = client.get(reverse("stats:annual_export"), query)
        assert r.status_code == 200 and r.content[:2] == b"PK", query
        assert formula_cells(r.content) == [], query
    book = CalamineWorkbook.from_filelike(io.BytesIO(client.get(reverse("stats:annual_export"), {"year": year, "org": org.pk}).content))
    cells = [str(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row]
    assert any("=1+2支部" in v for v in cells)
