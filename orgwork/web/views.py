from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from orgwork.core.middleware import actor_for_request
from orgwork.members import selectors as member_selectors
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import OrgKind


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})


@login_required
def home(request):
    actor = actor_for_request(request)
    kinds = org_selectors.kind_counts(actor)
    members = member_selectors.members(actor)
    counts = {
        "orgs": [(label, kinds.get(value, 0)) for value, label in OrgKind.choices],
        "members_normal": members.filter(standing="normal").count(),
        "members_full": members.filter(standing="normal", category="full").count(),
        "members_probationary": members.filter(standing="normal", category="probationary").count(),
    }
    warnings = org_selectors.structure_warnings(actor)
    return render(request, "web/home.html", {"counts": counts, "warnings": warnings[:50], "warning_total": len(warnings)})


def error_403(request, exception=None):
    return render(request, "web/error.html", {"code": 403, "title": "没有权限", "text": "您没有访问此页面的权限。"}, status=403)


def error_404(request, exception=None):
    return render(request, "web/error.html", {"code": 404, "title": "页面不存在", "text": "您要找的内容不存在，或不在您的管理范围内。"}, status=404)


def error_500(request):
    return render(request, "web/error.html", {"code": 500, "title": "系统出错", "text": "服务器处理请求时出错，请稍后再试或联系系统管理员。"}, status=500)
