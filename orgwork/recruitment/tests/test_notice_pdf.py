"""A development notice (公示) as PDF beside Word, on A4."""

import io

import pytest
from pypdf import PdfReader

A4 = (595.28, 841.89)


@pytest.mark.django_db
def test_a_recruitment_notice_as_pdf(pipeline_notice, client, users):
    notice = pipeline_notice
    client.force_login(users["county"])
    r = client.get(f"/recruitment/notices/{notice.pk}.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    page = reader.pages[0]
    assert abs(float(page.mediabox.width) - A4[0]) < 1
    text = page.extract_text()
    assert notice.title.replace(" ", "")[:6] in text.replace(" ", "") and notice.instance.org.name in text


@pytest.fixture
def pipeline_notice(tree, system, make_member):
    from orgwork.core.procedures import notices
    from orgwork.recruitment.tests.conftest import Pipeline

    p = Pipeline(tree, system, make_member)
    a = p.apply()
    p.run(a, through="pre_review")
    a.refresh_from_db()
    return notices(a.procedure)[0]
