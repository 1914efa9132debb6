"""Error pages (issue 11): Chinese, in the console's style; 500 and 400 render without the database; the API answers
JSON with a code."""

import pytest
from django.test import Client, RequestFactory

from orgwork.web.views import csrf_failure, error_400, error_403, error_404, error_500


def test_500_and_400_pages_render_without_touching_the_database():
    """No django_db mark: any query here would raise. The error may be the database itself."""
    req = RequestFactory().get("/members/")
    r = error_500(req)
    body = r.content.decode()
    assert r.status_code == 500 and "系统出错" in body and 'lang="zh-Hans"' in body and "/static/web/css/console.css" in body
    r = error_400(req)
    assert r.status_code == 400 and "请求有误" in r.content.decode()
    r = csrf_failure(req)
    assert r.status_code == 403 and "安全校验失败" in r.content.decode()


def test_api_errors_answer_json_with_a_code():
    req = RequestFactory().get("/api/v1/members/")
    for view, status, code in ((error_400, 400, "bad_request"), (error_403, 403, "permission_denied"), (error_404, 404, "not_found"), (error_500, 500, "server_error")):
        r = view(req)
        body = __import__("json").loads(r.content)
        assert r.status_code == status and body["code"] == code and body["message"]


@pytest.mark.django_db
def test_an_exception_in_a_view_gives_the_chinese_500_page(settings):
    settings.ROOT_URLCONF = "orgwork.web.tests.crash_urls"
    assert settings.DEBUG is False
    c = Client(raise_request_exception=False)
    r = c.get("/crash/")
    assert r.status_code == 500 and "系统出错" in r.content.decode() and "ZeroDivisionError" not in r.content.decode()
    r = c.get("/api/v1/crash/")
    assert r.status_code == 500 and r.json()["code"] == "server_error"


@pytest.mark.django_db
def test_unknown_pages_and_api_paths_answer_404_in_chinese(users):
    c = Client()
    c.force_login(users["county"])
    r = c.get("/no-such-page/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode() and "topbar" in r.content.decode()  # the console frame
    r = c.get("/api/v1/no-such-thing/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


@pytest.mark.django_db
def test_a_bad_host_header_gives_the_chinese_400_page():
    r = Client().get("/login/", HTTP_HOST="evil.example.com")
    assert r.status_code == 400 and "请求有误" in r.content.decode()


@pytest.mark.django_db
def test_a_post_without_csrf_token_gives_the_chinese_csrf_page():
    r = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert r.status_code == 403 and "安全校验失败" in r.content.decode()
