"""Words users read: the main pages, rendered for a county administrator over demo-like data, show Chinese
labels and real names — no internal codes (sending/receive/started_on/id_checksum…) and no login names."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client

from orgwork.core.actor import Actor
from orgwork.lifecycle.services import transfers
from orgwork.members import services as member_services
from orgwork.orgs import services as org_services

pytestmark = pytest.mark.django_db

CODE_WORDS = {
    "sending", "receiving", "receive", "start", "resubmit", "letter", "receipt", "register", "department",
    "post", "started_on", "ended_on", "member", "discipline", "secretary", "deputy_secretary", "committee_member",
    "id_checksum", "id_format", "duplicate_existing", "full", "probationary", "normal", "within", "pending",
    "salaried", "self_employed", "cash", "self",
}
USERNAMES = {"county", "town_a", "sec_a", "sec_b", "sysadmin"}


def visible_words(html: str) -> set[str]:
    body = html.split("<body", 1)[-1].split(">", 1)[-1]
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", body))
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]+", text))


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.fixture
def county_data(users, tree, make_member, system):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for username, name in (("county", "陈组织"), ("town_a", "林镇委")):
        User.objects.filter(username=username).update(first_name=name)
    town = Actor.for_user(User.objects.get(username="town_a"))
    m = make_member(tree.village_a, name="吴转接", phone="13912340000")
    t = transfers.start_within(actor=town, member_id=m.pk, to_org_id=tree.office_a.pk, reason="工作调动", on=dt.date.today())
    transfers.return_for_correction(actor=town, transfer_id=t.pk, reason="材料不全", on=dt.date.today())
    transfers.resubmit(actor=town, transfer_id=t.pk, on=dt.date.today(), comment="已补齐", to_org_id=tree.office_a.pk)
    transfers.receive(actor=town, transfer_id=t.pk, on=dt.date.today(), comment="")
    org_services.appoint_officer(actor=town, org_id=tree.village_a.pk, name="吴转接", post="secretary", started_on=dt.date(2024, 1, 1))
    member_services.update_member(actor=town, member_id=m.pk, phone="13912349999")
    return {"member": m, "transfer": t}


def test_main_pages_show_no_codes_and_no_login_names(users, tree, county_data):
    c = Client()
    c.force_login(users["county"])
    m, t = county_data["member"], county_data["transfer"]
    pages = [
        "/", "/orgs/", f"/orgs/{tree.village_a.pk}/", "/members/", f"/members/{m.pk}/",
        "/lifecycle/transfers/", f"/lifecycle/transfers/{t.pk}/", "/lifecycle/mobile/", "/lifecycle/exits/",
        "/dues/", f"/dues/members/{m.pk}/", "/dues/arrears/", "/meetings/", "/meetings/appraisals/", "/stats/",
        "/elections/", "/recruitment/",
    ]
    for url in pages:
        r = c.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        found = visible_words(html)
        assert not (found & CODE_WORDS), (url, sorted(found & CODE_WORDS))
        assert not (found & USERNAMES), (url, sorted(found & USERNAMES), [ln for ln in html.splitlines() if any(u in ln for u in found & USERNAMES)][:3])
        assert "<" not in title_of(html), url  # no markup inside <title>
    history = c.get(f"/lifecycle/transfers/{t.pk}/").content.decode()
    for words in ("转出方", "转入方", "发起转接", "退回补正", "重新提交", "接收", "林镇委"):
        assert words in history, words
    org_log = c.get(f"/orgs/{tree.village_a.pk}/").content.decode()
    assert "职务" in org_log and "任职日期" in org_log and "林镇委" in org_log


def test_a_success_message_shows_once(users, tree, make_member):
    c = Client()
    c.force_login(users["county"])
    r = c.post("/meetings/new/", {}, follow=True)  # whatever the outcome, a message is rendered by the shell only
    html = r.content.decode()
    for msg in re.findall(r'role="status">([^<]+)<', html):
        assert html.count(msg) == 1, msg


def test_import_error_table_names_the_problem_in_words():
    from pathlib import Path

    from orgwork.core.errors import error_kind

    assert error_kind("id_checksum") == "身份证号码校验位不对"
    assert error_kind("id_upgraded") == "15位旧号码已升位"
    assert error_kind("something_new") == "其他问题"
    template = Path(__file__).resolve().parents[2] / "roster" / "templates" / "roster" / "_progress.html"
    text = template.read_text()
    assert "{{ r.code }}" not in text and "r.code|error_kind" in text
