from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from orgwork.core import gate
from orgwork.core.errors import NotFound, ServiceError

from . import selectors, services
from .forms import PreferencesForm


@gate.account
def inbox(request, actor):
    qs = selectors.inbox(actor, unread_only=request.GET.get("unread") == "1")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread": selectors.unread_count(actor)})


@require_POST
@gate.account
def read(request, actor, pk):
    try:
        n = services.mark_read(actor=actor, notification_id=pk)
    except NotFound:
        raise Http404 from None
    return redirect(n.url or "notifications:inbox")


@require_POST
@gate.account
def read_all(request, actor):
    services.mark_all_read(actor=actor)
    return redirect("notifications:inbox")


@gate.account
def preferences(request, actor):
    current, saved = selectors.preferences(actor)
    form = PreferencesForm(request.POST or None, settings=current, saved=saved)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.save_preferences(
                actor=actor, quiet_enabled=d["quiet_enabled"], quiet_start=d["quiet_start"], quiet_end=d["quiet_end"], sms_phone=d["sms_phone"], channels=form.channels()
            )
        except ServiceError as exc:
            for e in exc.errors:
                form.add_error(e.field if e.field in form.fields else None, str(e.message))
        else:
            messages.success(request, _("消息接收设置已保存"))
            return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form, "crumbs": [(_("我的账号"), "/account/"), (_("消息接收设置"), "")]}, status=status)
