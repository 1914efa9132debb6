"""Every message a user reads from a service or a view goes through gettext (non-negotiable 9: zh-Hans first, English
from the catalogue). Walks the source of every app: a field error, a service error, a not-found or permission
message, a console flash message, an import row's rejection or warning, handed a bare Chinese literal or f-string,
never reaches the English catalogue. Data (rule citations, official letter and template text) is not handed to
these calls and is not scanned."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import orgwork

CJK = re.compile(r"[\u4e00-\u9fff]")
ROOT = Path(orgwork.__file__).resolve().parent
# callee name → positions of its message argument (and the keyword that may carry it)
MESSAGE_ARGS = {
    "FieldError": (2,),
    "single": (2,),  # ServiceError.single(field, code, message)
    "NotFound": (0,),
    "PermissionDenied": (0,),
    "ValidationError": (0,),
    "reject": (3,),  # roster/importer reports: (row, code, column, message)
    "warn": (3,),
}
FLASH = {"success", "error", "warning", "info"}  # messages.<level>(request, message)


def _bare(node) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(CJK.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and CJK.search(str(v.value)) for v in node.values)
    if isinstance(node, ast.BinOp):  # "…" % x, "…" + y
        return _bare(node.left) or _bare(node.right)
    if isinstance(node, ast.IfExp):
        return _bare(node.body) or _bare(node.orelse)
    return False


def _callee(call: ast.Call) -> tuple[str | None, str | None]:
    f = call.func
    if isinstance(f, ast.Attribute):
        owner = f.value.id if isinstance(f.value, ast.Name) else None
        return f.attr, owner
    if isinstance(f, ast.Name):
        return f.id, None
    return None, None


def bare_messages(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel.endswith("conftest.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name, owner = _callee(node)
            if name in FLASH and owner == "messages":
                positions = (1,)
            elif name in MESSAGE_ARGS:
                positions = MESSAGE_ARGS[name]
            else:
                continue
            args = [node.args[i] for i in positions if i < len(node.args)] + [k.value for k in node.keywords if k.arg in ("message", "msg")]
            if any(_bare(a) for a in args):
                found.append(f"{rel}:{node.lineno}")
    return found


def test_every_message_handed_to_an_error_or_a_flash_goes_through_gettext():
    found = bare_messages()
    assert found == [], f"{len(found)} messages without gettext:\n" + "\n".join(found)


def test_the_scan_finds_a_bare_message(tmp_path):
    # the scan itself can fail: a bare literal, an f-string and a concatenation are each found; gettext calls are not
    app = tmp_path / "orgwork" / "app"
    app.mkdir(parents=True)
    (app / "services.py").write_text(
        "from django.utils.translation import gettext as _\n"
        "def f(x, request):\n"
        "    FieldError('a', 'b', '请填写')\n"
        "    ServiceError.single('a', 'b', f'{x}无效')\n"
        "    messages.success(request, '已保存：' + x)\n"
        "    FieldError('a', 'b', _('请填写'))\n"
        "    messages.success(request, _('已保存：%(x)s') % {'x': x})\n"
        "    logger.error('日志', x)\n",
        encoding="utf-8",
    )
    assert bare_messages(tmp_path / "orgwork") == ["orgwork/app/services.py:3", "orgwork/app/services.py:4", "orgwork/app/services.py:5"]
