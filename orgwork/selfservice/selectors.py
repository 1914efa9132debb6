"""Reads: the requests members sent (scoped), a member's own requests, the links on the member hub; the member's
meetings and appraisals come from meetings.selectors (own_* reads)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from orgwork.core.actor import Actor
from orgwork.core.scope import scope

from .models import MemberRequest, RequestStatus


def requests(actor: Actor, *, status: str | None = RequestStatus.OPEN, org_id: int | None = None):
    qs = scope(MemberRequest.objects.select_related("member", "org"), actor)
    if status:
        qs = qs.filter(status=status)
    if org_id:
        qs = qs.filter(org_id=org_id)
    return qs.order_by("-created_at", "-pk")


def own_requests(actor: Actor):
    if actor.user is None:
        return MemberRequest.objects.none()
    return scope(MemberRequest.objects.filter(member__user_id=actor.user_id), actor).order_by("-created_at", "-pk")


# the member pages (here and elsewhere): (url name, label); a module not installed is skipped. Labels are lazy: the hub
# shows them in the language of the request.
HUB_LINKS = (
    ("web:me", _("我的档案")),
    ("selfservice:meetings", _("我的会议")),
    ("selfservice:appraisals", _("我的评议")),
    ("selfservice:dues", _("我的党费")),
    ("training:me", _("我的学时")),
    ("scores:me", _("我的积分")),
    ("meetings:signin", _("会议签到")),
    ("polls:mine", _("民意调查")),
    ("disclosure:mine", _("党务公开")),
    ("worklists:member_wall", _("支部工作清单")),
    ("tipoffs_public:form", _("12380举报")),
    ("petitions_public:hall", _("网上信访大厅")),
)


def hub_links() -> list[tuple[str, str]]:
    out = []
    for name, label in HUB_LINKS:
        try:
            out.append((reverse(name), str(label)))
        except NoReverseMatch:
            continue
    return out


def members_without_account(actor: Actor) -> int:
    """How many members in the actor's write scope have no sign-in account yet."""
    from orgwork.members.models import Member, Standing

    return scope(Member.objects.all(), actor, write=True).filter(user__isnull=True, standing=Standing.NORMAL).count()
