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
