"""Request parameters: typed, bounded parsers — the one place views and API views read query strings and forms.

Every parser takes the raw mapping (`request.GET`, `request.POST`, `request.query_params`, a dict) and the
parameter name, and either returns a value of the declared type inside its bounds, the default when the parameter
is absent or empty, or raises `ParamError` naming the field (its parameter name and its Chinese label) with a
stable code:

    required           the parameter is missing
    invalid_parameter  not of the declared type (not a number, not a date, not one of the choices)
    out_of_range       of the right type but outside the bounds

`ParamError` is a `ServiceError`, so a console form that already shows service errors shows it too; anything
that escapes a view is answered 400 by `orgwork.core.params.ParamErrorMiddleware` (console) and
`orgwork.core.drf.exception_handler` (API) with `{"code", "field", "message"}`. A date for which no rule version
is in force (`UnknownRule`) is answered the same way with the code `no_rule_in_force`.

The `to_*` functions parse one value (for keys built at run time such as `reason_<id>`); the others read a
parameter from a mapping.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .errors import FieldError, ServiceError

YEAR_MIN, YEAR_MAX = 1921, 2100  # the Party's founding year .. a generous planning horizon
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
ID_MAX = 2**63 - 1  # bigint primary keys; larger numbers overflow the database drivers
INT_MAX = 2**31 - 1  # a default upper bound for counts
PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX = 20, 200
PAGE_MAX = 100_000


class ParamError(ServiceError):
    """A request parameter that is missing, of the wrong type or out of bounds; nothing has been read or written."""

    status = 400

    def __init__(self, field: str, code: str, message: str, *, label: str = ""):
        self.field = field
        self.code = code
        self.label = label or field
        self.message = message
        super().__init__([FieldError(field, code, message)])

    def as_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": str(self.message)}


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _get(data, name):
    if data is None:
        return None
    if not hasattr(data, "get"):  # a JSON body that is a list or a scalar
        raise ParamError(name, "invalid_parameter", _("请求体须为 JSON 对象（{...}）"), label=name)
    value = data.get(name)
    if isinstance(value, (list, tuple)):  # a JSON body may send a list where one value is expected
        raise ParamError(name, "invalid_parameter", _("只能填写一个值"), label=name)
    if isinstance(value, str) and "\x00" in value:  # PostgreSQL cannot store or compare NUL characters
        raise ParamError(name, "invalid_parameter", _("含有不允许的控制字符"), label=name)
    return value


def _missing(field, label, default, required):
    if required:
        raise ParamError(field, "required", _("请填写%(label)s") % {"label": label}, label=label)
    return default


# --- integers ------------------------------------------------------------------------------------
_INT_RE = re.compile(r"^[+-]?\d{1,30}$")


def to_int(value, *, field: str, label: str, default=None, required: bool = False, min_value: int | None = None, max_value: int | None = INT_MAX):
    """An integer within [min_value, max_value]; accepts int or decimal digits only (no 1e3, no 1.5, no '١٢')."""
    if _empty(value):
        return _missing(field, label, default, required)
    if isinstance(value, bool):
        raise ParamError(field, "invalid_parameter", _("%(label)s须为整数") % {"label": label}, label=label)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not _INT_RE.match(text):
            raise ParamError(field, "invalid_parameter", _("%(label)s须为整数") % {"label": label}, label=label)
        number = int(text)
    if (min_value is not None and number < min_value) or (max_value is not None and number > max_value):
        raise ParamError(field, "out_of_range", _out_of_range(label, min_value, max_value), label=label)
    return number


def _out_of_range(label, low, high) -> str:
    if low is not None and high is not None:
        return _("%(label)s须在 %(low)s 到 %(high)s 之间") % {"label": label, "low": low, "high": high}
    if low is not None:
        return _("%(label)s须在不小于 %(low)s") % {"label": label, "low": low}
    return _("%(label)s须在不大于 %(high)s") % {"label": label, "high": high}


def integer(data, name: str, *, label: str, default=None, required: bool = False, min_value: int | None = None, max_value: int | None = INT_MAX):
    return to_int(_get(data, name), field=name, label=label, default=default, required=required, min_value=min_value, max_value=max_value)


def count(data, name: str, *, label: str, default=None, required: bool = False, max_value: int = 1_000_000):
    """A count of things: an integer ≥ 0 with a maximum."""
    return integer(data, name, label=label, default=default, required=required, min_value=0, max_value=max_value)


def year(data, name: str = "year", *, label: str = gettext_lazy("年份"), default=None, required: bool = False) -> int | None:
    return integer(data, name, label=label, default=default, required=required, min_value=YEAR_MIN, max_value=YEAR_MAX)


def month(data, name: str = "month", *, label: str = gettext_lazy("月份"), default=None, required: bool = False) -> int | None:
    return integer(data, name, label=label, default=default, required=required, min_value=1, max_value=12)


def quarter(data, name: str = "quarter", *, label: str = gettext_lazy("季度"), default=None, required: bool = False) -> int | None:
    return integer(data, name, label=label, default=default, required=required, min_value=1, max_value=4)


def to_id(value, *, field: str, label: str, default=None, required: bool = False) -> int | None:
    """A database id: a positive integer the database can hold."""
    return to_int(value, field=field, label=label, default=default, required=required, min_value=1, max_value=ID_MAX)


def object_id(data, name: str, *, label: str, default=None, required: bool = False) -> int | None:
    return to_id(_get(data, name), field=name, label=label, default=default, required=required)


def org_id(data, name: str = "org", *, label: str = gettext_lazy("党组织"), default=None, required: bool = False) -> int | None:
    return object_id(data, name, label=label, default=default, required=required)


def id_list(data, name: str, *, label: str, max_items: int = 5000) -> list[int]:
    """Ids from repeated parameters and/or comma- or space-separated text (as pickers send them)."""
    values = data.getlist(name) if hasattr(data, "getlist") else (data.get(name) or [])
    if isinstance(values, (str, int)):
        values = [values]
    out: list[int] = []
    for v in values:
        for part in str(v).replace("，", ",").replace(",", " ").split():
            out.append(to_id(part, field=name, label=label))
    if len(out) > max_items:
        raise ParamError(name, "out_of_range", _("%(label)s最多 %(max_items)s 项") % {"label": label, "max_items": max_items}, label=label)
    return out


# --- dates -------------------------------------------------------------------------------------------
def to_date(value, *, field: str, label: str, default=None, required: bool = False, allow_month: bool = False, min_value: dt.date = DATE_MIN, max_value: dt.date = DATE_MAX):
    """A date (ISO 2019-07-01 and the forms people type in China, see `normalize.parse_date`) within bounds."""
    from .normalize import BadDate, parse_date

    if _empty(value):
        return _missing(field, label, default, required)
    if isinstance(value, bool) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        raise ParamError(field, "invalid_parameter", _("%(label)s须为日期，例如 2024-07-01") % {"label": label}, label=label)
    if isinstance(value, str) and len(value) > 40:
        raise ParamError(field, "invalid_parameter", _("%(label)s须为日期，例如 2024-07-01") % {"label": label}, label=label)
    try:
        day = parse_date(value, allow_month=allow_month)
    except (BadDate, ValueError, OverflowError):
        raise ParamError(field, "invalid_parameter", _("%(label)s须为日期，例如 2024-07-01") % {"label": label}, label=label) from None
    if day is None:
        return _missing(field, label, default, required)
    if not min_value <= day <= max_value:
        raise ParamError(field, "out_of_range", _("%(label)s须在 %(min_value)s 到 %(max_value)s 之间") % {"label": label, "min_value": format(min_value, '%Y-%m-%d'), "max_value": format(max_value, '%Y-%m-%d')}, label=label)
    return day


def date(data, name: str, *, label: str, default=None, required: bool = False, allow_month: bool = False, min_value: dt.date = DATE_MIN, max_value: dt.date = DATE_MAX):
    return to_date(_get(data, name), field=name, label=label, default=default, required=required, allow_month=allow_month, min_value=min_value, max_value=max_value)


# --- decimals and choices --------------------------------------------------------------------------------
def to_decimal(value, *, field: str, label: str, default=None, required: bool = False, max_digits: int = 12, decimal_places: int = 2, min_value=None, max_value=None) -> Decimal | None:
    """A finite decimal with at most max_digits digits, decimal_places of them after the point (1e400, NaN, 40 digits: out)."""
    if _empty(value):
        return _missing(field, label, default, required)
    if isinstance(value, bool):
        raise ParamError(field, "invalid_parameter", _("%(label)s须为数字") % {"label": label}, label=label)
    text = str(value).replace(",", "").replace("，", "").strip()
    if len(text) > 64 or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ParamError(field, "invalid_parameter", _("%(label)s须为数字，例如 1234.56") % {"label": label}, label=label)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ParamError(field, "invalid_parameter", _("%(label)s须为数字，例如 1234.56") % {"label": label}, label=label) from None
    whole_part, _dot, fraction = text.lstrip("+-").partition(".")
    whole_digits = len(whole_part.lstrip("0"))
    places = len(fraction.rstrip("0"))
    if places > decimal_places:
        raise ParamError(field, "invalid_parameter", _("%(label)s最多保留 %(decimal_places)s 位小数") % {"label": label, "decimal_places": decimal_places}, label=label)
    if whole_digits > max_digits - decimal_places:
        raise ParamError(field, "out_of_range", _("%(label)s最多 %(value)s 位整数") % {"label": label, "value": max_digits - decimal_places}, label=label)
    if (min_value is not None and number < Decimal(str(min_value))) or (max_value is not None and number > Decimal(str(max_value))):
        raise ParamError(field, "out_of_range", _out_of_range(label, min_value, max_value), label=label)
    return number


def decimal(data, name: str, *, label: str, default=None, required: bool = False, max_digits: int = 12, decimal_places: int = 2, min_value=None, max_value=None):
    return to_decimal(_get(data, name), field=name, label=label, default=default, required=required, max_digits=max_digits, decimal_places=decimal_places, min_value=min_value, max_value=max_value)


def choice(data, name: str, *, label: str, choices, default="", required: bool = False) -> str:
    """One of the choices (a list of values or Django (value, label) pairs)."""
    value = _get(data, name)
    if _empty(value):
        return _missing(name, label, default, required)
    allowed = [c[0] if isinstance(c, (list, tuple)) else c for c in choices]
    if str(value) not in [str(a) for a in allowed]:
        raise ParamError(name, "invalid_parameter", _("%(label)s的取值无效") % {"label": label}, label=label)
    return str(value)


def text(data, name: str, *, label: str, default: str = "", required: bool = False, max_length: int = 200) -> str:
    value = _get(data, name)
    if _empty(value):
        return _missing(name, label, default, required)
    value = str(value).strip()
    if len(value) > max_length:
        raise ParamError(name, "out_of_range", _("%(label)s最多 %(max_length)s 个字") % {"label": label, "max_length": max_length}, label=label)
    return value


def flag(data, name: str, *, default: bool = False) -> bool:
    value = _get(data, name)
    if _empty(value):
        return default
    return str(value).strip().lower() in ("1", "true", "on", "yes")


# --- pages --------------------------------------------------------------------------------------------------
def page(data, *, default_size: int = PAGE_SIZE_DEFAULT, max_size: int = PAGE_SIZE_MAX) -> tuple[int, int]:
    """(page, page_size): page ≥ 1; page_size 1..max_size. A larger page_size is an error that names the cap."""
    number = integer(data, "page", label=_("页码"), default=1, min_value=1, max_value=PAGE_MAX)
    size = integer(data, "page_size", label=_("每页条数"), default=default_size, min_value=1, max_value=max_size)
    return number, size


def paginate(data, items, *, size: int = 50, name: str = "page"):
    """One page (Django's `Page`) of a list the user reads whole by paging — the console's one way to show a long
    list, never a silent cut. `name` is the query parameter (two lists on one page page separately); the number is
    typed and bounded like every parameter (a page past the end shows the last page)."""
    from django.core.paginator import Paginator

    return Paginator(items, size).get_page(integer(data, name, label=_("页码"), default=1, min_value=1, max_value=PAGE_MAX))


# --- orgs --------------------------------------------------------------------------------------------------
def _org_model():
    from django.apps import apps

    return apps.get_model("orgs", "Org")


def under(actor, data, name: str = "org", *, label: str = gettext_lazy("党组织")):
    """The org a list or report is narrowed to (`?org=<id>`), read through the actor's scope; None when absent.

    A malformed id is a 400 naming the field; an id outside the scope is `NotFound` (404), like a missing one.
    """
    from .scope import get_in_scope

    pk = org_id(data, name, label=label)
    if pk is None:
        return None
    return get_in_scope(_org_model().objects.all(), actor, pk=pk)


def writable_org(actor, org_id_value, *, field: str = "org", label: str = gettext_lazy("党组织"), active: bool = True, missing: str = "error", lock: bool = False, abolished_code: str = "abolished"):
    """The org the actor may write, by id — the one lookup services and views use.

    missing="error": a ServiceError naming `field` (unknown_org) when the org is absent or outside the write scope;
    missing="not_found": NotFound (a 404, no existence leak). With active=True an abolished org is refused.
    """
    from .errors import NotFound
    from .scope import scope

    Org = _org_model()
    qs = Org.objects.select_for_update() if lock else Org.objects.all()
    try:
        pk = to_id(org_id_value, field=field, label=label, required=True)
        org = scope(qs, actor, write=True).get(pk=pk)
    except (Org.DoesNotExist, ParamError):
        if missing == "not_found":
            raise NotFound() from None
        raise ServiceError.single(field, "unknown_org", _("%(label)s不存在或不在您的管理范围内") % {"label": label}) from None
    if active and not org.is_active:
        raise ServiceError.single(field, abolished_code, _("党组织“%(name)s”已撤销") % {"name": org.name})
    return org


def writable_orgs(actor, *, active: bool = True):
    """Every org the actor may write (for pickers), in tree order."""
    from .scope import scope

    qs = _org_model().objects.all()
    if active:
        qs = qs.filter(abolished_on__isnull=True)
    return scope(qs, actor, write=True).order_by("path")


# --- rules ---------------------------------------------------------------------------------------------------
def no_rule_message(exc) -> str:
    """The Chinese message for an UnknownRule: which rule, and the earliest date it covers."""
    title = getattr(exc, "title", "") or getattr(exc, "rule_name", "") or _("相关规定")
    earliest = getattr(exc, "earliest", None)
    on = getattr(exc, "on", None)
    if earliest is not None:
        if on:
            return _("日期 %(on)s 早于%(title)s的施行日期：该规则最早适用于 %(earliest)s 及以后的日期，请核对日期。") % {
                "on": format(on, "%Y-%m-%d"), "title": title, "earliest": format(earliest, "%Y-%m-%d")
            }
        return _("所填日期早于%(title)s的施行日期：该规则最早适用于 %(earliest)s 及以后的日期，请核对日期。") % {"title": title, "earliest": format(earliest, "%Y-%m-%d")}
    return _("%(title)s没有可用的版本，请核对日期。") % {"title": title}


def no_rule_error(exc) -> dict:
    return {"code": "no_rule_in_force", "field": getattr(exc, "field", "") or "date", "message": no_rule_message(exc)}


# --- the console's answer ----------------------------------------------------------------------------------------
class ParamErrorMiddleware:
    """A ParamError or UnknownRule escaping a view is a 400 naming the field, never a 500.

    (The kernel's NotFound / PermissionDenied are turned into 404 / 403 by the gate, `core.gate.GateMiddleware`.)

    Console pages get the console's error page (settings.ERROR_TEMPLATE, a template with code/title/text);
    paths under /api/ get the API's JSON shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        from .rules import UnknownRule

        if isinstance(exc, ParamError):
            body = exc.as_dict()
            title = _("参数有误：%(label)s") % {"label": exc.label}
        elif isinstance(exc, UnknownRule):
            body = no_rule_error(exc)
            title = _("没有适用的规定")
        else:
            return None
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        from django.conf import settings
        from django.http import HttpResponse
        from django.shortcuts import render
        from django.utils.html import escape

        template = getattr(settings, "ERROR_TEMPLATE", None)
        if template:
            return render(request, template, {"code": 400, "title": title, "text": body["message"], "error_code": body["code"], "field": body["field"]}, status=400)
        return HttpResponse(f"<h1>{escape(title)}</h1><p>{escape(body['message'])}</p>", status=400)


# --- the API's declarations (DRF serializer fields and OpenAPI parameters with the same bounds) ----------------
class DateField(serializers.DateField):
    """A DRF DateField bounded to DATE_MIN..DATE_MAX (a year 0 or 99999 date is a 400, not a crash downstream)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not DATE_MIN <= day <= DATE_MAX:
            message = _("日期须在 %(min)s 到 %(max)s 之间") % {"min": format(DATE_MIN, "%Y-%m-%d"), "max": format(DATE_MAX, "%Y-%m-%d")}
            raise serializers.ValidationError(message, code="out_of_range")
        return day


def YearField(**kwargs):
    return serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


def IdField(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def api_int(name: str, low: int | None, high: int | None, description: str = "", *, required: bool = False):
    from drf_spectacular.utils import OpenApiParameter

    schema: dict = {"type": "integer"}
    if low is not None:
        schema["minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return OpenApiParameter(name, schema, required=required, description=description)


def api_year(name: str = "year", description: str = "年份（默认今年）"):
    return api_int(name, YEAR_MIN, YEAR_MAX, description)


def api_month(name: str = "month", description: str = "月份"):
    return api_int(name, 1, 12, description)


def api_org(name: str = "org", description: str = "限定党组织（id）"):
    return api_int(name, 1, ID_MAX, description)


def api_id(name: str, description: str = ""):
    return api_int(name, 1, ID_MAX, description)


def api_date(name: str, description: str = ""):
    from drf_spectacular.utils import OpenApiParameter

    return OpenApiParameter(name, {"type": "string", "format": "date"}, description=description)


def api_choice(name: str, choices, description: str = ""):
    from drf_spectacular.utils import OpenApiParameter

    values = [c[0] if isinstance(c, (list, tuple)) else c for c in choices]
    return OpenApiParameter(name, str, enum=values, description=description)
