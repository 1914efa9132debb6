"""Demo: the county's portal — the main site, one sub-site per sector, a few published articles and notices."""

from __future__ import annotations

from orgwork.orgs.models import Org

from . import services
from .models import Article, Column, SubSite

TEXTS = [
    ("县委组织部召开基层党建工作推进会", "会议总结上半年基层党建工作，部署下半年重点任务。\n\n会议要求各级党组织压实责任，抓好“三会一课”等组织生活制度落实。"),
    ("关于开展党员冬训工作的通知", "各基层党组织：\n\n根据年度工作安排，现就开展党员冬训工作通知如下。"),
    ("村党支部开展主题党日活动", "支部党员走访慰问困难群众，为群众办实事。"),
    ("社区党委推行网格化服务", "社区党委将党员编入网格，联系服务群众。"),
    ("机关党支部开展读书分享会", "机关党员结合岗位交流学习体会。"),
]


def build(root, builder) -> dict:
    if SubSite.objects.exists():
        return {"sites": SubSite.objects.count()}
    actor = builder.actor
    services.ensure_sites(actor=actor, root_org_id=root.pk)
    made = 0
    for i, site in enumerate(SubSite.objects.order_by("order")):
        org = root if not site.sector else Org.objects.filter(path__startswith=root.path, sector=site.sector, abolished_on__isnull=True).order_by("depth", "path").first()
        if org is None:
            continue
        title, body = TEXTS[i % len(TEXTS)]
        kind = "notice" if "通知" in title else "news"
        column = Column.objects.get(site=site, slug="notices" if kind == "notice" else "news")
        a = services.create_article(actor=actor, site_id=site.pk, column_id=column.pk, org_id=org.pk, title=f"{title}" if not site.sector else f"{site.name}：{title}", body=body, kind=kind)
        services.submit(actor=actor, article_id=a.pk)
        services.review(actor=actor, article_id=a.pk, approve=True, secrecy_checked=True, comment="同意发布")
        services.publish(actor=actor, article_id=a.pk)
        made += 1
    return {"sites": SubSite.objects.count(), "articles": Article.objects.count(), "published": made}
