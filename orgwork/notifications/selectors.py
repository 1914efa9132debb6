from __future__ import annotations

from django.db.models import QuerySet

from orgwork.core.actor import Actor

from .models import Notification


def inbox(actor: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    """A user's own messages only: the inbox is personal, whatever the role."""
    if actor is None or actor.user is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=actor.user_id)
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
