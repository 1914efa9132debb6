"""Every console POST goes through a Django form: no view reads `request.POST` by hand (issue 12, "Rooms").

The source of every module under orgwork/ (tests and forms modules aside) is parsed; each `request.POST` must be
an argument of a form constructor (a call whose name ends in "Form" or "form", e.g. `forms.StartForm(request.POST)`,
`forms.StartForm(request.POST if act == "start" else None)`, `step_form(step, request.POST)`). Subscripts,
`.get`, `.getlist`, `.dict()`, iteration, aliasing (`p = request.POST`) and passing it to anything else (the
`params` parsers included) fail. Asking which form was posted (`"plan-team" in request.POST`) reads no value and
passes.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _is_post(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Attribute) and node.attr == "POST"):
        return False
    v = node.value
    return (isinstance(v, ast.Name) and v.id == "request") or (isinstance(v, ast.Attribute) and v.attr == "request")


def _callee(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return ""


def _violations(source: str) -> list[int]:
    tree = ast.parse(source)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    bad = []
    for node in ast.walk(tree):
        if not _is_post(node):
            continue
        child, up, ok = node, parents.get(node), False
        # climb through the expressions that only choose the data (x if c else None, x or None)
        while isinstance(up, (ast.IfExp, ast.BoolOp)) and (not isinstance(up, ast.IfExp) or child is not up.test):
            child, up = up, parents.get(up)
        if isinstance(up, ast.Call) and child is not up.func and _callee(up).lower().endswith("form"):
            ok = True
        if isinstance(up, ast.Compare) and child is not up.left and all(isinstance(op, (ast.In, ast.NotIn)) for op in up.ops):
            ok = True  # `"plan-team" in request.POST`: which form was posted, no value read
        if isinstance(up, ast.keyword) and up.arg == "data":
            call = parents.get(up)
            ok = isinstance(call, ast.Call) and _callee(call).lower().endswith("form")
        if not ok:
            bad.append(node.lineno)
    return bad


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts or path.name == "forms.py" or path.name.endswith("_forms.py"):
            continue
        yield rel, path


def test_the_scan_catches_hand_parsing():
    assert _violations("def v(request):\n    return request.POST['x']\n") == [2]
    assert _violations("def v(request):\n    return request.POST.get('x')\n") == [2]
    assert _violations("def v(request):\n    p = request.POST\n    return p.getlist('x')\n") == [2]
    assert _violations("def v(request):\n    return params.date(request.POST, 'on', label='日期')\n") == [2]
    assert _violations("def v(self):\n    return self.request.POST.get('x')\n") == [2]
    assert _violations("def v(request):\n    return forms.XForm(request.POST)\n") == []
    assert _violations("def v(request):\n    return forms.XForm(request.POST or None, prefix='a')\n") == []
    assert _violations("def v(request):\n    return XForm(request.POST if a else None)\n") == []
    assert _violations("def v(request):\n    return XForm(data=request.POST)\n") == []
    assert _violations("def v(request):\n    return step_form(step, request.POST)\n") == []
    assert _violations("def v(request):\n    return XForm(request.POST.dict())\n") == [2]
    assert _violations("def v(request):\n    return 'a' in request.POST\n") == []


def test_no_view_reads_request_post_by_hand():
    problems = []
    for rel, path in _modules():
        source = path.read_text(encoding="utf-8")
        if "POST" not in source:
            continue
        problems += [f"orgwork/{rel}:{line}" for line in _violations(source)]
    assert not problems, "request.POST read by hand (use a form in the app's forms.py):\n" + "\n".join(problems)


def test_console_form_fields_are_typed_and_bounded_with_the_params_messages():
    import datetime as dt

    from django.http import QueryDict

    from orgwork.core import forms as cf
    from orgwork.core.forms import FormInvalid

    class F(cf.ConsoleForm):
        member = cf.IdField(label="党员", required=True)
        on = cf.DateField(label="日期", default=cf.TODAY)
        reason = cf.TextField(label="原因", max_length=5)
        done = cf.FlagField(label="完成")
        reason_by = cf.KeyedField(label="缺席人员", prefix="why_", value=cf.TextField(label="缺席原因", max_length=5), keep_empty=True)

    d = F(QueryDict("member=7&reason=+ab+&done=0&why_3=病假&why_4=")).values()
    assert d == {"member": 7, "on": dt.date.today(), "reason": "ab", "done": False, "reason_by": {3: "病假", 4: ""}}
    try:
        F(QueryDict("member=x&reason=abcdefg&on=2024-13-40&why_abc=1")).values()
    except FormInvalid as exc:
        got = {e.field: (e.code, e.message) for e in exc.errors}
    else:
        raise AssertionError("an invalid form was accepted")
    assert got["member"] == ("invalid_parameter", "党员须为整数")
    assert got["reason"] == ("out_of_range", "原因最多 5 个字")
    assert got["on"][0] == "invalid_parameter" and "日期" in got["on"][1]
    assert got["reason_by"][0] == "invalid_parameter"
    try:
        F(QueryDict("")).values()
    except FormInvalid as exc:
        assert exc.errors[0].code == "required" and exc.errors[0].message == "请填写党员"
        assert exc.status == 400  # a ParamError: a 400 naming the field when it escapes a view
