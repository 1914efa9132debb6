import pytest

from orgwork.cadres import selectors
from orgwork.cadres.models import Cadre, Selection
from orgwork.core.actor import Actor


@pytest.mark.django_db
def test_demo_county_shows_cadres_alive():
    from orgwork.demo.generator import build_county

    result = build_county(members=200)
    assert result.activity["cadres"]["cadres"] == 12 and Cadre.objects.count() == 12
    system = Actor.system_actor("test")
    assert any(q["state"] == "over" for q in selectors.quota_status(system))
    kinds = {w["kind"] for w in selectors.registry_warnings(system)}
    assert {"rotation", "kinship", "secretary"} <= kinds
    sel = Selection.objects.get()
    assert sel.instance.step == "candidates" and sel.flags.count() == 1
