from django.utils.functional import SimpleLazyObject

from .actor import Actor

ACTIVE_GRANT_SESSION_KEY = "active_grant"


def actor_for_request(request) -> Actor:
    """The actor for a request; a scope switch chosen in the console is kept in the session."""
    cached = getattr(request, "_orgwork_actor", None)
    user = getattr(request, "user", None)
    if cached is not None and cached.user == (user if getattr(user, "is_authenticated", False) else None):
        return cached
    active = None
    session = getattr(request, "session", None)
    if session is not None:
        active = session.get(ACTIVE_GRANT_SESSION_KEY)
    read = getattr(request, "_orgwork_token_grants", None)  # read with the API token (core.tokens.lookup)
    if read is not None and read[0] is user:
        actor = Actor.from_grants(user, read[1], active_grant_id=active)
    else:
        actor = Actor.for_user(user, active_grant_id=active)
    request._orgwork_actor = actor
    return actor


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: actor_for_request(request))
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Everything is served from this host: no CDN, no third-party scripts, no telemetry."""

    POLICY = (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'; connect-src 'self'; font-src 'self' data:; "
        "frame-ancestors 'self'; form-action 'self'; base-uri 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        return response
