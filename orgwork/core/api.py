"""The scoped base viewset every API module builds on."""

from __future__ import annotations

from django.http import Http404
from rest_framework import viewsets

from .actor import Actor
from .errors import NotFound
from .middleware import actor_for_request


class ScopedViewSet(viewsets.GenericViewSet):
    """Resolves the actor once; `get_queryset()` must come from a selector, so lookups are scoped.

    Object ids in paths are positive integers the database can hold; anything else is a 404 like a missing object.
    """

    lookup_value_regex = r"[0-9]{1,19}"

    @property
    def actor(self) -> Actor:
        return actor_for_request(self.request)

    def get_object(self):
        from .params import ID_MAX

        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if value is not None and (not str(value).isdigit() or not 1 <= int(value) <= ID_MAX):
            raise NotFound()
        try:
            return super().get_object()
        except Http404:
            raise NotFound() from None
