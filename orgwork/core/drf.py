"""DRF settings targets: pagination and the error shape (kept apart from viewsets to avoid import cycles)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Ambiguous, NotFound, PermissionDenied, ServiceError


class Pagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


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
        code = {"null": "required", "blank": "required", "invalid": "bad_value", "invalid_choice": "bad_value"}.get(code, code)
        out.append({"field": prefix or "non_field_errors", "code": code, "message": str(detail)})
    return out


def exception_handler(exc, context):
    """Errors always carry a stable `code`; validation errors list each field with its own code."""
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
        response.data = {"code": "validation_error", "message": "提交的数据有误", "errors": _flatten(exc.detail)}
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
