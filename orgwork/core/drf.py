"""DRF settings targets: pagination and the error shape (kept apart from viewsets to avoid import cycles)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, parsers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Ambiguous, NotFound, PermissionDenied, ServiceError
from .params import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, ParamError, no_rule_error
from .rules import UnknownRule


class ObjectJSONParser(parsers.JSONParser):
    """JSON bodies are objects: a list, a string or a number at the top level is a 400, never an AttributeError."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ParseError("请求体须为 JSON 对象（{...}）", code="invalid_body")
        return data


class Pagination(pagination.PageNumberPagination):
    """Pages of at most `max_page_size` rows; the response says the page size used and the cap.

    `page_size` above the cap is answered 400 `out_of_range` (never silently cut); a malformed one too.
    """

    page_size = PAGE_SIZE_DEFAULT
    page_size_query_param = "page_size"
    max_page_size = PAGE_SIZE_MAX

    def get_page_size(self, request):
        from . import params

        return params.integer(request.query_params, self.page_size_query_param, label=_("每页条数"), default=self.page_size, min_value=1, max_value=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        from . import params

        params.integer(request.query_params, self.page_query_param, label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX)
        self._used_page_size = self.get_page_size(request)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["page_size"] = getattr(self, "_used_page_size", self.page_size)
        response.data["max_page_size"] = self.max_page_size
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["page_size"] = {"type": "integer", "example": self.page_size}
        schema["properties"]["max_page_size"] = {"type": "integer", "example": self.max_page_size}
        return schema

    def get_schema_operation_parameters(self, view):
        out = super().get_schema_operation_parameters(view)
        for p in out:
            if p["name"] == self.page_query_param:
                p["schema"] = {"type": "integer", "minimum": 1, "maximum": 100_000}
            if p["name"] == self.page_size_query_param:
                p["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                p["description"] = f"每页条数（1–{self.max_page_size}，默认 {self.page_size}）"
        return out


_RANGE_CODES = {c: "out_of_range" for c in ("max_value", "min_value", "max_length", "min_length", "max_digits", "max_decimal_places", "max_whole_digits", "max_string_length", "max_items", "min_items")}


def _flatten(detail, prefix=""):
    """DRF's nested ValidationError detail → [{"field", "code", "message"}]."""
    out = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = f"{prefix}.{key}" if prefix else str(key)
            out.extend(_flatten(value, field))
    elif isinstance(detail, list):
        for item in detail:
            out.extend(_flatten(item, prefix))
    else:
        code = getattr(detail, "code", "invalid") or "invalid"
        code = {"null": "required", "blank": "required", "invalid": "bad_value", "invalid_choice": "bad_value", **_RANGE_CODES}.get(code, code)
        out.append({"field": prefix or "non_field_errors", "code": code, "message": str(detail)})
    return out


def exception_handler(exc, context):
    """Errors always carry a stable `code`; validation errors list each field with its own code."""
    if isinstance(exc, ParamError):
        body = exc.as_dict()
        return Response({**body, "errors": [body]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, UnknownRule):
        body = no_rule_error(exc)
        return Response({**body, "errors": [body]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ServiceError):
        return Response(
            {"code": "validation_error", "message": "提交的数据有误", "errors": [e.as_dict() for e in exc.errors]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Ambiguous):
        return Response(
            {"code": "ambiguous_org", "message": str(exc), "errors": [{"field": "org", "code": "ambiguous_org", "message": str(exc)}]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, (NotFound, Http404)):
        return Response({"code": "not_found", "message": "对象不存在或不在您的管理范围内"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, (PermissionDenied, DjangoPermissionDenied)):
        return Response({"code": "permission_denied", "message": "您没有执行此操作的权限"}, status=status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = errors[0] if errors else {"field": "non_field_errors", "message": "提交的数据有误"}
        response.data = {"code": "validation_error", "field": first["field"], "message": "提交的数据有误", "errors": errors}
        return response
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "error"
    messages = {
        "not_authenticated": "请先登录",
        "authentication_failed": "身份验证失败",
        "permission_denied": "您没有执行此操作的权限",
        "not_found": "对象不存在或不在您的管理范围内",
        "method_not_allowed": "不支持的请求方法",
        "throttled": "请求过于频繁",
    }
    response.data = {"code": code, "message": messages.get(code, str(getattr(exc, "detail", exc)))}
    return response


def paginated(request, queryset, serializer_class, *, view=None):
    """One page of a queryset as the API's paginated answer (count, next, previous, results, page_size)."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def page_schema(serializer_class, name: str):
    """The OpenAPI shape of `paginated(...)` for a view documented with extend_schema."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.CharField(allow_null=True),
            "previous": serializers.CharField(allow_null=True),
            "results": serializer_class(many=True),
            "page_size": serializers.IntegerField(),
            "max_page_size": serializers.IntegerField(),
        },
    )

