"""Portal: sector sub-sites, the publishing workflow with its secrecy review, scope, cached public pages."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.models import AuditEvent
from orgwork.portal import rules, services
from orgwork.portal.models import Column, State, SubSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(tree, system):
    cache.clear()
    services.ensure_sites(actor=system, root_org_id=tree.county.pk)
    return {s.slug: s for s in SubSite.objects.all()}


def col(site, slug="news"):
    return Column.objects.get(site=site, slug=slug)


def draft(actor, site, org, title="村里的新闻"):
    return services.create_article(actor=actor, site_id=site.pk, column_id=col(site).pk, org_id=org.pk, title=title, body="正文第一段。\n\n第二段。")


def test_sites_follow_the_sectors_of_the_tree(sites):
    assert {"main", "rural", "agency"} <= set(sites)
    assert "school" not in sites  # no school org in the tree
    assert sites["rural"].name == "农村党建"


def test_sector_editor_files_only_for_orgs_of_the_sector_in_scope(sites, tree, users):
    sec_a = Actor.for_user(users["sec_a"])
    a = draft(sec_a, sites["rural"], tree.village_a)
    assert a.state == State.DRAFT and a.author_name
    with pytest.raises(ServiceError) as e:  # the village is rural, not an agency
        draft(sec_a, sites["agency"], tree.village_a)
    assert e.value.errors[0].field == "site"
    with pytest.raises(ServiceError):  # another township's village: not in scope
        draft(sec_a, sites["rural"], tree.village_b)


def test_publishing_needs_review_with_secrecy_by_someone_else(sites, tree, users):
    sec_a, county = Actor.for_user(users["sec_a"]), Actor.for_user(users["county"])
    a = draft(sec_a, sites["rural"], tree.village_a)
    with pytest.raises(ServiceError):
        services.publish(actor=sec_a, article_id=a.pk)  # not reviewed
    services.submit(actor=sec_a, article_id=a.pk)
    with pytest.raises(PermissionDenied):  # the editor does not run the site
        services.review(actor=sec_a, article_id=a.pk, approve=True, secrecy_checked=True)
    with pytest.raises(ServiceError) as e:  # approval without the secrecy review is refused (党务公开条例 第十四条)
        services.review(actor=county, article_id=a.pk, approve=True, secrecy_checked=False)
    assert e.value.errors[0].field == "secrecy_checked"
    services.review(actor=county, article_id=a.pk, approve=True, secrecy_checked=True, comment="同意")
    a = services.publish(actor=sec_a, article_id=a.pk)
    assert a.state == State.PUBLISHED and a.published_at
    actions = set(AuditEvent.objects.filter(object_type="portal.article", object_id=str(a.pk)).values_list("action", flat=True))
    assert actions == {"portal.article_create", "portal.article_submit", "portal.article_review", "portal.article_publish"}


def test_author_cannot_review_own_article(sites, tree, users):
    county = Actor.for_user(users["county"])
    a = draft(county, sites["main"], tree.county)
    services.submit(actor=county, article_id=a.pk)
    with pytest.raises(ServiceError):
        services.review(actor=county, article_id=a.pk, approve=True, secrecy_checked=True)


def test_rule_data_cites_the_secrecy_review():
    r = rules.portal_rules()
    assert r["secrecy_review_required"] and "第十四条" in r.source


def test_other_township_cannot_see_the_draft(sites, tree, users):
    a = draft(Actor.for_user(users["sec_a"]), sites["rural"], tree.village_a)
    with pytest.raises(NotFound):
        services.submit(actor=Actor.for_user(users["sec_b"]), article_id=a.pk)
    c = Client()
    c.force_login(users["sec_b"])
    assert c.get(f"/portal/console/{a.pk}/").status_code == 404


def _publish(sites, tree, users, title="发布的新闻"):
    sec_a, county = Actor.for_user(users["sec_a"]), Actor.for_user(users["county"])
    a = draft(sec_a, sites["rural"], tree.village_a, title=title)
    services.submit(actor=sec_a, article_id=a.pk)
    services.review(actor=county, article_id=a.pk, approve=True, secrecy_checked=True)
    return services.publish(actor=county, article_id=a.pk)


def test_public_pages_show_published_only_and_cache_is_cleared(sites, tree, users, django_capture_on_commit_callbacks):
    c = Client()
    a = draft(Actor.for_user(users["sec_a"]), sites["rural"], tree.village_a, title="尚未发布的稿件")
    assert c.get(f"/portal/a/{a.pk}/").status_code == 404
    assert "尚未发布的稿件" not in c.get("/portal/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        b = _publish(sites, tree, users, title="已发布的稿件")
    home = c.get("/portal/").content.decode()
    assert "已发布的稿件" in home and 'href="/12380/"' in home  # the 12380 public form (tipoffs app), or the plain link
    assert c.get(f"/portal/a/{b.pk}/").status_code == 200
    assert "已发布的稿件" in c.get("/portal/s/rural/").content.decode()
    assert "已发布的稿件" in c.get("/portal/search/?q=已发布").content.decode()
    # withdrawn: the cached page is gone at once
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(actor=Actor.for_user(users["county"]), article_id=b.pk, reason="信息有误")
    assert c.get(f"/portal/a/{b.pk}/").status_code == 404
    assert "已发布的稿件" not in c.get("/portal/").content.decode()


def test_attachments_stored_locally_and_served_when_published(sites, tree, users, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    sec_a = Actor.for_user(users["sec_a"])
    a = draft(sec_a, sites["rural"], tree.village_a)
    att = services.add_attachment(actor=sec_a, article_id=a.pk, upload=SimpleUploadedFile("活动照片.png", b"\x89PNG fake", content_type="image/png"))
    assert att.is_image and (tmp_path / att.file.name).exists()
    with pytest.raises(ServiceError):
        services.add_attachment(actor=sec_a, article_id=a.pk, upload=SimpleUploadedFile("x.exe", b"MZ"))
    assert Client().get(f"/portal/files/{att.pk}/").status_code == 404
    services.submit(actor=sec_a, article_id=a.pk)
    services.review(actor=Actor.for_user(users["county"]), article_id=a.pk, approve=True, secrecy_checked=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(actor=sec_a, article_id=a.pk)
    r = Client().get(f"/portal/files/{att.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"\x89PNG fake"
    assert f"/portal/files/{att.pk}/" in Client().get(f"/portal/a/{a.pk}/").content.decode()


def test_api_lists_and_moves_articles(sites, tree, users, api):
    sec = api(users["sec_a"])
    r = sec.post("/api/v1/portal/articles/", {"site": sites["rural"].pk, "column": col(sites["rural"]).pk, "org": tree.village_a.pk, "title": "接口稿件", "body": "内容"}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert sec.post(f"/api/v1/portal/articles/{pk}/action/", {"action": "publish"}, format="json").status_code == 400
    assert sec.post(f"/api/v1/portal/articles/{pk}/action/", {"action": "submit"}, format="json").json()["state"] == "review"
    r = api(users["county"]).post(f"/api/v1/portal/articles/{pk}/action/", {"action": "review", "approve": True}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "secrecy_checked"
    assert api(users["sec_b"]).post(f"/api/v1/portal/articles/{pk}/action/", {"action": "submit"}, format="json").status_code == 404
    assert sec.get("/api/v1/portal/articles/?state=review").json()["count"] == 1
    assert api().get("/api/v1/portal/published/").status_code == 200


def test_console_pages_render(sites, tree, users):
    c = Client()
    c.force_login(users["sec_a"])
    assert c.get("/portal/console/").status_code == 200
    assert c.get("/portal/console/new/").status_code == 200
    a = draft(Actor.for_user(users["sec_a"]), sites["rural"], tree.village_a)
    assert c.get(f"/portal/console/{a.pk}/").status_code == 200


def test_demo_builds_a_live_portal(tree, system):
    from types import SimpleNamespace

    from orgwork.portal import demo

    cache.clear()
    out = demo.build(tree.county, SimpleNamespace(actor=system))
    assert out["published"] >= 2
    assert "农村党建" in Client().get("/portal/s/rural/").content.decode()
    assert Client().get("/portal/").status_code == 200


def test_every_process_stops_serving_a_withdrawn_page(sites, tree, users, django_capture_on_commit_callbacks):
    """Another gunicorn worker has its own LocMemCache: the generation file moves every key, not just this cache's."""
    from orgwork.portal import cache as page_cache

    with django_capture_on_commit_callbacks(execute=True):
        a = _publish(sites, tree, users, title="会被撤回的稿件")
    old_key = page_cache.article_key(a.pk)
    other_process_cache = {old_key: "<html>旧页面</html>"}  # what another worker holds
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(actor=Actor.for_user(users["county"]), article_id=a.pk, reason="撤回")
    assert page_cache.article_key(a.pk) not in other_process_cache
    assert Client().get(f"/portal/a/{a.pk}/").status_code == 404


def test_a_sector_site_is_handed_to_its_committee(sites, tree, users):
    county, town = Actor.for_user(users["county"]), Actor.for_user(users["town_a"])
    with pytest.raises(NotFound):  # the township does not run the rural site yet
        services.assign_site(actor=town, site_id=sites["rural"].pk, org_id=tree.town_a.pk)
    services.assign_site(actor=county, site_id=sites["rural"].pk, org_id=tree.town_a.pk)
    a = draft(Actor.for_user(users["sec_a"]), sites["rural"], tree.village_a)
    services.submit(actor=Actor.for_user(users["sec_a"]), article_id=a.pk)
    assert services.review(actor=town, article_id=a.pk, approve=True, secrecy_checked=True).state == State.APPROVED
    with pytest.raises(ServiceError):  # a village of the other township is outside the rural site's new area
        draft(Actor.for_user(users["sec_b"]), sites["rural"], tree.village_b)
    c = Client()
    c.force_login(users["county"])
    assert c.post("/portal/console/", {"site": sites["agency"].pk, "org": tree.office_a.pk}).status_code == 302
    assert SubSite.objects.get(pk=sites["agency"].pk).org_id == tree.office_a.pk


@pytest.mark.django_db
def test_sites_are_named_in_chinese_even_when_the_admin_reads_english(tree, system):
    from django.utils import translation

    from orgwork.portal.models import Column, SubSite

    with translation.override("en"):
        services.ensure_sites(actor=system, root_org_id=tree.county.pk)
    names = set(SubSite.objects.values_list("name", flat=True))
    assert "农村党建" in names, names
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in Column.objects.values_list("name", flat=True))
