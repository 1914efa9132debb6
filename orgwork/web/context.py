from orgwork.core.middleware import actor_for_request


def console(request):
    """What every console page needs: the actor, their grants (for the scope switcher)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"site_name": "组工云"}
    actor = actor_for_request(request)
    return {"site_name": "组工云", "actor": actor, "grants": actor.grants, "active_grant": actor.active_grant}
