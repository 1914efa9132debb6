import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from orgwork.core import deadlines, gate
from orgwork.core.errors import NotFound, ServiceError

from . import selectors, services
from .forms import EscalationForm, PreferencesForm


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


@gate.staff
def escalation(request, actor):
    """逾期督办设定: the rule's default, this department's own period, and the form to change it."""
    today = dt.date.today()
    rules = deadlines.deadline_rules(today)
    orgs = selectors.escalation_orgs(actor)
    form = EscalationForm(request.POST or None, orgs=orgs, low=rules["escalate_min_working_days"], high=rules["escalate_max_working_days"])
    if request.method == "POST":
        if not orgs:
            raise PermissionDenied()
        if form.is_valid():
            d = form.cleaned_data
            try:
                deadlines.set_escalation_days(actor=actor, org_id=d["org"], working_days=None if d["reset"] else d["working_days"], reason=d["reason"])
            except ServiceError as exc:
                for e in exc.errors:
                    form.add_error(e.field if e.field in form.fields else None, str(e.message))
            else:
                messages.success(request, _("督办期限已保存"))
                return redirect("notifications:escalation")
    context = {
        "form": form,
        "can_edit": bool(orgs),
        "rules": rules,
        "settings_list": selectors.escalation_settings(actor),
        "crumbs": [(_("督办期限设定"), "")],
    }
    return render(request, "notifications/escalation.html", context, status=400 if request.method == "POST" else 200)
