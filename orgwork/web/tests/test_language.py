"""English console: the navigation, titles and headings of the main pages carry no untranslated Chinese."""

import re

import pytest
from django.test import Client

CJK = re.compile(r"[\u3400-\u9fff]")
MAIN_PAGES = [
    "/", "/members/", "/orgs/", "/dues/", "/dues/arrears/", "/dues/report/", "/meetings/", "/meetings/appraisals/",
    "/recruitment/", "/lifecycle/transfers/", "/lifecycle/mobile/", "/lifecycle/exits/", "/elections/", "/stats/",
    "/roster/import/", "/roster/export/", "/inbox/", "/account/",
]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _between(html: str, start: str, end: str) -> str:
    m = re.search(start + r"(.*?)" + end, html, flags=re.S)
    return m.group(1) if m else ""


@pytest.mark.django_db
def test_main_pages_in_english_have_no_untranslated_navigation_or_headings(users, tree):
    c = Client()
    c.force_login(users["county"])
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    data = {tree.county.name, *(o.name for o in tree.__dict__.values() if hasattr(o, "name"))}
    found = []
    for url in MAIN_PAGES:
        r = c.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert '<html lang="en">' in html, url
        parts = {
            "title": _between(html, "<title>", "</title>"),
            "nav": _between(html, '<nav class="sidenav"', "</nav>"),
            "crumbs": _between(html, '<nav class="crumbs"', "</nav>"),
            "h1": _between(html, "<h1[^>]*>", "</h1>"),
            "menu": _between(html, '<div class="menu">', "</div>"),
        }
        for part, chunk in parts.items():
            text = _text(chunk)
            for name in sorted(data, key=len, reverse=True):  # data (org names) stays as entered
                text = text.replace(name, "")
            text = re.sub(r"简体中文", "", text)  # the language's own name in the switch
            if CJK.search(text):
                found.append((url, part, " ".join(text.split())[:80]))
    assert found == []


@pytest.mark.django_db
def test_the_language_switch_is_in_the_account_menu_and_chinese_is_the_default(users):
    c = Client()
    c.force_login(users["county"])
    html = c.get("/members/").content.decode()
    assert '<html lang="zh-Hans">' in html and "党员名册" in html
    assert 'data-testid="language-switch"' in html and 'value="en"' in html


# --- the console apps' page bodies, on demo-like data ----------------------------------------------------------------
# The apps whose pages are translated: every console app. Within a page, the elements people read as the interface:
# headings, navigation, table headers, buttons, form labels (without the choices of a select, which may be data),
# legends, captions and placeholders.
TRANSLATED_APPS = {
    "web", "orgs", "members", "recruitment", "meetings", "elections", "roster", "stats", "discipline", "reorg", "funds",
    "staffing", "training", "scores", "education", "worklists", "awards", "portal", "disclosure", "delegates", "polls",
    "tipoffs", "petitions", "dues", "lifecycle", "notifications", "cadres", "villages", "selfservice",
}
HAN_WORD = re.compile(r"[^\s<>]*[\u3400-\u9fff]+[^\s<>]*")
INTERFACE = ["title", "h1", "h2", "h3", "h4", "th", "button", "label", "legend", "caption"]


def interface_chunks(html: str):
    html = re.sub(r"<select\b.*?</select>", " ", html, flags=re.S)  # the options of a select are data (names, stored labels)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    for tag in INTERFACE:
        for m in re.finditer(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, flags=re.S):
            yield tag, m.group(1)
    for cls in ("sidenav", "crumbs"):
        m = re.search(rf'<nav class="{cls}"(.*?)</nav>', html, flags=re.S)
        if m:
            yield cls, m.group(1)
    for m in re.finditer(r'\splaceholder="([^"]*)"', html):
        yield "placeholder", m.group(1)


def untranslated(html: str, data: set[str]) -> list[str]:
    found = []
    for part, chunk in interface_chunks(html):
        text = _text(chunk)
        for name in sorted(data, key=len, reverse=True):
            if name in text:
                text = text.replace(name, "")
        text = text.replace("简体中文", "")
        if CJK.search(text):
            words = " ".join(HAN_WORD.findall(text))
            found.append(f"{part}: {words[:90]}")
    return sorted(set(found))


@pytest.fixture
def county_en(db):
    from django.contrib.auth import get_user_model

    from orgwork.demo.generator import build_county
    from orgwork.members.models import Member
    from orgwork.orgs.models import Org

    build_county(members=150, activity=True)
    user = get_user_model().objects.get(username="county")
    data = set(Org.objects.values_list("name", flat=True)) | set(Org.objects.values_list("short_name", flat=True))
    data |= set(Member.objects.values_list("name", flat=True)) | set(get_user_model().objects.values_list("first_name", flat=True))
    from orgwork.awards.models import TalentCategory  # the information fields a department defines for its talents

    data |= {f.get("label", "") for cat in TalentCategory.objects.all() for f in cat.fields}
    from orgwork.core.scoring.models import Indicator, IndicatorSet  # indicator sets are the department's data

    data |= set(IndicatorSet.objects.values_list("name", flat=True)) | set(Indicator.objects.values_list("name", flat=True))
    data |= set(Indicator.objects.values_list("area", flat=True))
    from orgwork.cadres.models import Inspection  # an inspection's title is what the department typed

    data |= set(Inspection.objects.values_list("title", flat=True))
    from orgwork.roster.national import mapping  # the national system's own name for its template

    data.add(mapping().title)
    data.discard("")
    c = Client()
    c.force_login(user)
    assert c.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return c, data


def console_pages() -> list[str]:
    from django.urls import NoReverseMatch, reverse

    from orgwork.core import registry

    urls = ["/"]
    for item in registry._NAV.values():
        if item.url_name.split(":")[0] not in TRANSLATED_APPS:
            continue
        try:
            urls.append(reverse(item.url_name))
        except NoReverseMatch:
            continue
    return sorted(set(urls))


def detail_pages() -> list[str]:
    from orgwork.meetings.models import Meeting
    from orgwork.members.models import Member
    from orgwork.orgs.models import Org, OrgKind
    from orgwork.recruitment.models import Applicant

    branch = Org.objects.filter(kind=OrgKind.BRANCH, members__isnull=False).order_by("path").first()
    urls = [f"/members/{Member.objects.filter(org=branch).order_by('pk').first().pk}/", f"/orgs/{branch.pk}/", "/members/new/", "/recruitment/new/", "/meetings/new/"]
    applicant = Applicant.objects.order_by("pk").first()
    if applicant:
        urls.append(f"/recruitment/{applicant.pk}/")
    meeting = Meeting.objects.order_by("pk").first()
    if meeting:
        urls.append(f"/meetings/{meeting.pk}/")
    return urls


@pytest.mark.django_db
def test_console_pages_of_the_translated_apps_in_english_have_no_untranslated_interface(county_en):
    c, data = county_en
    found = {}
    for url in console_pages() + detail_pages():
        r = c.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert '<html lang="en">' in html, url
        problems = untranslated(html, data)
        if problems:
            found[url] = problems
    assert found == {}, "\n".join(f"{url}: {problems}" for url, problems in found.items())


@pytest.mark.django_db
def test_a_service_error_and_an_import_row_error_read_in_english_under_en(users, tree, tmp_path):
    from django.utils import translation

    from orgwork.core.actor import Actor
    from orgwork.core.errors import ServiceError
    from orgwork.orgs import services as org_services
    from orgwork.roster import importer

    actor = Actor.for_user(users["county"])
    with translation.override("en"):
        with pytest.raises(ServiceError) as err:
            org_services.abolish_org(actor=actor, org_id=tree.village_a.pk, on=None, reason="")
        message = err.value.errors[0].message
        assert not CJK.search(message) and message.startswith("Please enter")
    with translation.override("zh-hans"):
        with pytest.raises(ServiceError) as err:
            org_services.abolish_org(actor=actor, org_id=tree.village_a.pk, on=None, reason="")
        assert err.value.errors[0].message == "请填写撤销原因"

    import xlsxwriter

    from orgwork.roster import sheets

    def workbook(tmp_path, rows):
        path = tmp_path / "roster.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet()
        for r, line in enumerate([headings, *rows]):
            for col, value in enumerate(line):
                ws.write_string(r, col, value)
        wb.close()
        return open(path, "rb")

    headings = [spec[0] for spec in sheets.MEMBER_COLUMNS.values()]
    row = dict.fromkeys(headings, "")
    row[sheets.MEMBER_COLUMNS["name"][0]] = "王五"
    row[sheets.MEMBER_COLUMNS["id_number"][0]] = "123"  # not a citizen ID number
    with translation.override("en"):
        report = importer.import_members(workbook(tmp_path, [list(row.values())]), actor=actor)
    rejected = report.as_dict()["rejected"]
    assert rejected and all(not CJK.search(r["message"]) for r in rejected), rejected
    with translation.override("zh-hans"):
        report = importer.import_members(workbook(tmp_path, [list(row.values())]), actor=actor)
    assert any(CJK.search(r["message"]) for r in report.as_dict()["rejected"])
