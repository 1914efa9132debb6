from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors, services


@login_required
def inbox(request):
    actor = actor_for_request(request)
    qs = selectors.inbox(actor, unread_only=request.GET.get("unread") == "1")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread": selectors.unread_count(actor)})


@login_required
@require_POST
def read(request, pk):
    actor = actor_for_request(request)
    try:
        n = services.mark_read(actor=actor, notification_id=pk)
    except NotFound:
        from django.http import Http404

        raise Http404 from None
    return redirect(n.url or "notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(actor=actor_for_request(request))
    return redirect("notifications:inbox")
