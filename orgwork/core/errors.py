"""Domain errors: one shape for services, forms, the API and file imports.

Every error names a field and carries a stable code; the message is Chinese for people.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": str(self.message)}


class ServiceError(Exception):
    """Raised by a service when input is invalid; nothing has been written."""

    def __init__(self, errors: list[FieldError] | FieldError):
        if isinstance(errors, FieldError):
            errors = [errors]
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @classmethod
    def single(cls, field: str, code: str, message: str) -> ServiceError:
        return cls([FieldError(field, code, message)])

    def by_field(self) -> dict[str, list[FieldError]]:
        out: dict[str, list[FieldError]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e)
        return out


class NotFound(Exception):
    """An object does not exist or is outside the actor's scope (the two are not told apart)."""


class PermissionDenied(Exception):
    """The actor may see the object but not change it."""


class Ambiguous(Exception):
    def __init__(self, message: str, candidates: list):
        super().__init__(message)
        self.candidates = candidates


# What an error code means, for tables users read (import reports); the API keeps the codes.
ERROR_KINDS = {
    "required": gettext_lazy("必填项为空"),
    "bad_value": gettext_lazy("内容不正确"),
    "bad_date": gettext_lazy("日期格式不正确"),
    "future_date": gettext_lazy("日期晚于今天"),
    "date_order": gettext_lazy("日期先后不对"),
    "under_age": gettext_lazy("入党时未满18周岁"),
    "id_format": gettext_lazy("身份证号码格式不对"),
    "id_checksum": gettext_lazy("身份证号码校验位不对"),
    "id_gender_mismatch": gettext_lazy("性别与身份证号码不符"),
    "id_birth_mismatch": gettext_lazy("出生日期与身份证号码不符"),
    "id_upgraded": gettext_lazy("15位旧号码已升位"),
    "bad_phone": gettext_lazy("电话号码不正确"),
    "duplicate_in_file": gettext_lazy("文件内重复"),
    "duplicate_existing": gettext_lazy("系统中已有"),
    "unknown_org": gettext_lazy("找不到党组织"),
    "ambiguous_org": gettext_lazy("党组织名称重复"),
    "extra_column": gettext_lazy("未识别的列"),
    "category_unchanged": gettext_lazy("人员类别未变更"),
    "permission_denied": gettext_lazy("无权办理"),
}


def error_kind(code: str) -> str:
    kind = ERROR_KINDS.get(code)
    return str(kind) if kind is not None else _("其他问题")
