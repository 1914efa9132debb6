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
