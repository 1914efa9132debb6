"""docs/architecture.md stays true to the code: the layer rules hold and every peer arrow is documented."""

import importlib.util
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REGISTRIES = {"core", "orgs", "members"}


def _layers():
    spec = importlib.util.spec_from_file_location("layers", ROOT / "scripts" / "layers.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_layer_rules_hold():
    layers = _layers()
    apps, edges = layers.app_imports(ROOT / "orgwork")
    assert "web" not in {b for a in edges for b in edges[a]}, "an app imports the shell"
    assert not edges.get("core"), "the kernel imports an app"
    assert layers.cycles(apps, edges) == []


def test_every_peer_arrow_is_in_the_architecture_document():
    layers = _layers()
    apps, edges = layers.app_imports(ROOT / "orgwork")
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Allowed peer arrows", 1)[1].split("\n## ", 1)[0]
    allowed = set(re.findall(r"^\| (\w+) \| (\w+) \|", section, flags=re.M)) - {("from", "to")}
    actual = {(a, b) for a in edges for b in edges[a] if b not in REGISTRIES and a not in ("web", "demo")}
    assert actual - allowed == set(), "undocumented arrows: add them to docs/architecture.md or remove the import"
    listed = set(re.findall(r"^\| `(\w+)` \|", text.split("## Apps", 1)[1].split("\n## ", 1)[0], flags=re.M))
    assert set(apps) - listed == set(), "apps missing from the app table in docs/architecture.md"
