"""The scoped base viewset every API module builds on."""

from __future__ import annotations

from django.http import Http404
from rest_framework import viewsets

from .actor import Actor
from .errors import NotFound
from .middleware import actor_for_request


class ScopedViewSet(viewsets.GenericViewSet):
    """Resolves the actor once; `get_queryset()` must come from a selector, so lookups are scoped."""

    @property
    def actor(self) -> Actor:
        return actor_for_request(self.request)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound() from None
