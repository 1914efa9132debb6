"""No silent caps: a view never cuts a list the user thinks is complete (`rows[:500]`). Long lists are paged with
`core.params.paginate` (the pager says 第 n/N 页，共 M 条); a search picker shows its first hits *and* says how many
there are. The cuts that remain in views and API views are listed here, each with why it is not a list cut —
a new `[:N]` in a view fails this test until it is paged or listed with its reason."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "orgwork"

# (file, the sliced expression as ast.unparse prints it) → why it is not a silent cut of a list
ALLOWED = {
    ("cadres/api.py", "self.request.query_params.get('q') or ''"): "a search string cut to its field length",
    ("cadres/views.py", "selectors.cadre_ids_by_names(actor, c['names'])"): "the one cadre a name resolves to",
    ("delegates/views.py", "op.content"): "the first words of an opinion as its breadcrumb",
    ("dues/views.py", "order_no"): "an order number from the payment provider cut to its field length",
    ("dues/views.py", "provider_name"): "a provider name from a callback URL cut to its field length",
    ("petitions/views.py", "writable_orgs(actor)"): "whether the actor can write anywhere (the first org)",
    ("portal/views.py", "selectors.latest(site=s)"): "the portal home's latest six of a site, each block links to its full list",
    ("portal/views.py", "selectors.latest(kind='news')"): "the portal home's latest news, linked to the full list",
    ("portal/views.py", "selectors.notices()"): "the portal home's latest notices, linked to the full list",
    ("selfservice/views.py", "request.GET.get('order', '')"): "an order number cut to its field length",
    ("selfservice/views.py", "member_selectors.search_members(actor, q=q).filter(pk__in=writable).select_related('org')"): "a picker: 51 read to know there are more",
    ("selfservice/views.py", "found"): "a picker: the first 50 hits and “只显示前50名，请输入更完整的姓名”",
}


def _cuts():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel:
            continue
        if not (path.name.startswith(("views", "api")) or path.name.endswith(("_views.py", "_api.py"))):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            s = getattr(node, "slice", None)
            if isinstance(node, ast.Subscript) and isinstance(s, ast.Slice) and s.lower is None and s.step is None and isinstance(s.upper, ast.Constant):
                yield rel, ast.unparse(node.value), node.lineno


def test_views_cut_no_list_silently():
    found = {(rel, expr): line for rel, expr, line in _cuts()}
    new = [f"{rel}:{line}  {expr}[:…]" for (rel, expr), line in found.items() if (rel, expr) not in ALLOWED]
    assert not new, "a view cuts a list: page it with core.params.paginate (or list it here with why it is not a list cut):\n" + "\n".join(new)
    stale = [k for k in ALLOWED if k not in found]
    assert not stale, f"listed cuts no longer in the code (remove them from ALLOWED): {stale}"


def test_paginate_types_and_bounds_the_page_number():
    import pytest

    from orgwork.core import params

    items = list(range(125))
    page = params.paginate({"p": "3"}, items, size=50, name="p")
    assert list(page) == list(range(100, 125)) and page.paginator.count == 125 and page.paginator.num_pages == 3
    assert list(params.paginate({"p": "99"}, items, size=50, name="p")) == list(range(100, 125))  # past the end: the last page
    with pytest.raises(params.ParamError) as exc:
        params.paginate({"p": "abc"}, items, name="p")
    assert exc.value.errors[0].field == "p" and exc.value.errors[0].code == "invalid_parameter"
