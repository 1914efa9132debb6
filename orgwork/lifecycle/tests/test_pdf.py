"""Letters and notices as PDF beside Word: A4, the Chinese text in an embedded Noto CJK font, one part per page."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from orgwork.lifecycle.letter import letter_pdf
from orgwork.lifecycle.services import transfers

D = dt.date
A4 = (595.28, 841.89)  # points


def _fonts(reader):
    names = set()
    for page in reader.pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(f.get_object()["/BaseFont"]))
    return names


@pytest.mark.django_db
def test_the_transfer_letter_as_pdf_is_three_a4_pages_in_noto_cjk(tree, users, make_member, client, system):
    from orgwork.core.actor import Actor

    sender = Actor.for_user(users["sec_a"])
    m = make_member(tree.village_a, name="转出丙")
    t = transfers.issue_letter(actor=sender, member_id=m.pk, to_org_name="中共某市某区委组织部", reason="工作调动", on=D(2026, 11, 2), today=D(2026, 11, 20))
    reader = PdfReader(io.BytesIO(letter_pdf(t)))
    assert len(reader.pages) == 3  # stub, letter, receipt
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1
    text = [p.extract_text() for p in reader.pages]
    assert "存根" in text[0] and t.letter_number in text[0] and m.id_number in text[0]
    assert "中共某市某区委组织部" in text[1] and "请转接组织关系" in text[1]
    assert "回执" in text[2]
    assert any("Noto-Serif-CJK-SC" in f for f in _fonts(reader)), _fonts(reader)  # embedded (subset), not a fallback
    # through the console, scoped: the sender's side gets it, another branch's secretary does not
    client.force_login(users["sec_a"])
    r = client.get(f"/lifecycle/transfers/{t.pk}/letter.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content[:5] == b"%PDF-"
    client.force_login(users["sec_b"])
    assert client.get(f"/lifecycle/transfers/{t.pk}/letter.pdf").status_code == 404

