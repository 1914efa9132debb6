from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from orgwork.core.actor import Actor

from .models import Channel, MessageLog, Notification


def inbox(actor: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    """A user's own messages only: the inbox is personal, whatever the role."""
    if actor is None or actor.user is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=actor.user_id).prefetch_related(
        Prefetch("log", queryset=MessageLog.objects.exclude(channel=Channel.INAPP).order_by("id"), to_attr="deliveries")
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(actor: Actor) -> int:
    return inbox(actor, unread_only=True).count()


def preferences(actor: Actor):
    """(DeliverySettings or None, {category: (email, sms)}) of the actor's own account."""
    from .models import ChannelPreference, DeliverySettings

    if actor is None or actor.user is None:
        return None, {}
    current = DeliverySettings.objects.filter(user_id=actor.user_id).first()
    saved = {p.category: (p.email, p.sms) for p in ChannelPreference.objects.filter(user_id=actor.user_id)}
    return current, saved


def escalation_settings(actor: Actor):
    """The departments' escalation periods in the actor's scope (the active ones), nearest first."""
    from orgwork.core.models import EscalationSetting
    from orgwork.core.scope import scope

    return scope(EscalationSetting.objects.filter(ended_at__isnull=True).select_related("org"), actor).order_by("org__path")


def escalation_orgs(actor: Actor) -> list[tuple[int, str]]:
    """The organizations where the actor may set the period: those of their department (and system) roles."""
    from orgwork.core.models import Role

    if actor is None or actor.user is None:
        return []
    return [(g.org_id, g.org_name) for g in actor.effective_grants if g.role in (Role.DEPT_ADMIN, Role.SYSADMIN)]


# --- bulk SMS and the per-organization message log ---------------------------------------------------------------


def campaigns(actor: Actor, *, status: str = ""):
    """Bulk sends in the actor's scope, and those waiting for the actor's approval."""
    from django.db.models import Q

    from orgwork.core.scope import scope

    from .models import SmsCampaign

    qs = SmsCampaign.objects.select_related("org", "requested_by", "decided_by")
    ids = [c.pk for c in campaigns_to_approve(actor)]
    out = qs.filter(Q(pk__in=scope(qs, actor).values("pk")) | Q(pk__in=ids))
    if status:
        out = out.filter(status=status)
    return out.order_by("-requested_at", "-id")


def campaigns_to_approve(actor: Actor) -> list:
    from orgwork.core.fields import subtree_q

    from . import bulk
    from .models import CampaignStatus, SmsCampaign

    if actor is None or actor.user is None:
        return []
    grants = [g for g in actor.effective_grants if g.role in bulk.APPROVER_ROLES]
    if not grants:
        return []
    from django.db.models import Q

    cond = Q(pk__in=[])
    for g in grants:
        cond |= subtree_q(g.path, "org__path")
    qs = SmsCampaign.objects.filter(cond, status=CampaignStatus.PENDING).exclude(requested_by_id=actor.user_id).select_related("org")
    return list(qs.order_by("requested_at", "id"))


def campaign(actor: Actor, campaign_id: int):
    from orgwork.core.errors import NotFound

    from .models import SmsCampaign

    try:
        return campaigns(actor).get(pk=campaign_id)
    except (SmsCampaign.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def templates(actor: Actor, *, include_retired: bool = False):
    from orgwork.core.scope import scope

    from .models import SmsTemplate

    qs = scope(SmsTemplate.objects.select_related("org", "created_by"), actor)
    if not include_retired:
        qs = qs.filter(active=True)
    return qs.order_by("org__path", "name", "id")


def message_log(actor: Actor, *, org=None, channel: str = "", status: str = "", since=None, until=None, campaign_id: int | None = None):
    """Every message logged for the organizations in the actor's scope (optionally one subtree), newest first."""
    from orgwork.core.fields import subtree_q
    from orgwork.core.scope import scope

    qs = scope(MessageLog.objects.select_related("org", "recipient", "member", "campaign"), actor)
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    return qs.order_by("-created_at", "-id")


def status_counts(qs) -> dict[str, int]:
    from django.db.models import Count

    return {row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("pk"))}


def tariffs(actor: Actor):
    from orgwork.core.scope import scope

    from .models import SmsTariff

    return scope(SmsTariff.objects.select_related("org", "set_by"), actor).order_by("-effective_on", "-id")
