import pytest

from orgwork.cadres import selectors
from orgwork.cadres.models import Cadre, Selection
from orgwork.core.actor import Actor


@pytest.mark.django_db
def test_demo_county_shows_cadres_alive():
    """The cadres demo on a small county tree (the whole demo with every module is tested in orgwork/demo)."""
    from orgwork.cadres import demo
    from orgwork.demo.generator import CountyBuilder

    builder = CountyBuilder(members=60, seed=7)
    root = builder.build_tree()
    out = demo.build(root, builder)
    assert out["cadres"] == 12 and Cadre.objects.count() == 12 and out["reserves"] == 2
    system = Actor.system_actor("test")
    assert any(q["state"] == "over" for q in selectors.quota_status(system))
    kinds = {w["kind"] for w in selectors.registry_warnings(system)}
    assert {"rotation", "kinship", "secretary"} <= kinds
    sel = Selection.objects.get()
    assert sel.instance.step == "candidates" and sel.flags.count() == 1
    assert out["competitions"] == 1 and out["inspections"] == 1 and out["side_jobs"] == 2
    (comp,) = selectors.competitions(system)
    assert comp.instance.step == "vetting" and [a.rank for a in selectors.applications(comp)] == [1, 2, 3]
    assert len(selectors.flagged_side_jobs(system)) == 1
    assert {m.kind for m in selectors.moments(system)} >= {"leaving", "holiday"}
    assert demo.build(root, builder) == {}  # --if-empty
