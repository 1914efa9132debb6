import pytest
from django.test import Client


@pytest.mark.django_db
def test_login_page_is_chinese_and_needs_no_cdn(client):
    r = client.get("/login/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "登录" in body and "用户名" in body and "密码" in body
    # Django's LoginView puts the host into `site_name`; the page title must still be ours.
    assert "<title>登录 · 组工云</title>" in body
    assert "http://" not in body and "https://" not in body
    assert "default-src 'self'" in r["Content-Security-Policy"]


@pytest.mark.django_db
def test_home_requires_login(client):
    r = client.get("/")
    assert r.status_code == 302 and "/login/" in r["Location"]


@pytest.mark.django_db
def test_login_then_home_shows_counts_in_scope(users, tree, make_member):
    c = Client()
    r = c.post("/login/", {"username": "sec_a", "password": "Zugong#2026"})
    assert r.status_code == 302
    body = c.get("/").content.decode()
    assert "在册党员" in body


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(users):
    c = Client()
    for _ in range(5):
        c.post("/login/", {"username": "sec_a", "password": "wrong"})
    r = c.post("/login/", {"username": "sec_a", "password": "Zugong#2026"})
    assert r.status_code == 429 or "锁定" in r.content.decode()


@pytest.mark.argon2
@pytest.mark.django_db
def test_passwords_are_argon2(users):
    assert users["sec_a"].password.startswith("argon2")


@pytest.mark.django_db
def test_unknown_page_is_a_chinese_404(client, users):
    client.force_login(users["sec_a"])
    r = client.get("/no-such-page/")
    assert r.status_code == 404


@pytest.mark.django_db
def test_member_page_links_to_the_members_meetings_and_dues(users, client):
    m = users["member_a_record"]
    client.force_login(users["sec_a"])
    body = client.get(f"/members/{m.pk}/").content.decode()
    assert f"/meetings/member/{m.pk}/" in body
    assert f"/dues/members/{m.pk}/" in body
    assert client.get(f"/meetings/member/{m.pk}/").status_code == 200
    assert client.get(f"/dues/members/{m.pk}/").status_code == 200
