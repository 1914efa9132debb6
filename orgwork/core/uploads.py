"""Completing a procedure step through the API: documents by number (文号/档案编号) and/or the files themselves.

JSON bodies carry `documents` as {材料名称: 文号}. A `multipart/form-data` body carries the same fields, with `data`
and `documents` as JSON text, plus the files: `files` (one part per file) and `file_labels` (the 材料名称 of each
file, in the same order). Both are in the OpenAPI schema (`step_request_schema()`).
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from rest_framework import serializers

from .errors import ServiceError
from .params import DateField

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10


class StepCompleteSerializer(serializers.Serializer):
    step = serializers.CharField(max_length=60)
    done_on = DateField()
    data = serializers.DictField(required=False, help_text='本步骤要求的字段，如 {"entitled": 20, "present": 18, "in_favour": 17}')
    documents = serializers.DictField(child=serializers.CharField(max_length=200), required=False, help_text="{材料名称: 文号/档案编号}")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    responsible = serializers.CharField(required=False, allow_blank=True, max_length=60)


class StepCompleteMultipartSerializer(serializers.Serializer):
    step = serializers.CharField(max_length=60)
    done_on = DateField()
    data = serializers.CharField(required=False, allow_blank=True, help_text="JSON 文本：本步骤要求的字段")
    documents = serializers.CharField(required=False, allow_blank=True, help_text="JSON 文本：{材料名称: 文号/档案编号}")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    responsible = serializers.CharField(required=False, allow_blank=True, max_length=60)
    files = serializers.ListField(child=serializers.FileField(max_length=255), required=False, max_length=MAX_FILES, help_text="材料文件（可多个）")
    file_labels = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=MAX_FILES, help_text="每个文件对应的材料名称，顺序与 files 相同")


def step_request_schema():
    return {"application/json": StepCompleteSerializer, "multipart/form-data": StepCompleteMultipartSerializer}


def _json_dict(value, field: str, label: str) -> dict:
    if value in (None, ""):
        return {}
    try:
        out = json.loads(value)
    except ValueError:
        raise ServiceError.single(field, "invalid_parameter", _("%(label)s应为 JSON 对象") % {"label": label}) from None
    if not isinstance(out, dict):
        raise ServiceError.single(field, "invalid_parameter", _("%(label)s应为 JSON 对象") % {"label": label})
    return out


def parse_step(request) -> tuple[dict, dict]:
    """(fields for `complete_step`, files as {材料名称: [file, …]}) from a JSON or multipart request."""
    if request.content_type and request.content_type.startswith("multipart/"):
        d = StepCompleteMultipartSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = dict(d.validated_data)
        files = request.FILES.getlist("files")
        labels = request.data.getlist("file_labels") if hasattr(request.data, "getlist") else v.get("file_labels", [])
        if len(files) > MAX_FILES:
            raise ServiceError.single("files", "out_of_range", _("一次最多上传%(MAX_FILES)s个文件") % {"MAX_FILES": MAX_FILES})
        if len(labels) != len(files):
            raise ServiceError.single("file_labels", "required", _("请为每个文件填写材料名称（file_labels 与 files 一一对应）"))
        grouped: dict[str, list] = {}
        for label, f in zip(labels, files, strict=True):
            label = (label or "").strip()
            if not label:
                raise ServiceError.single("file_labels", "required", _("材料名称不能为空"))
            if f.size > MAX_FILE_BYTES:
                raise ServiceError.single("files", "out_of_range", _("文件“%(name)s”超过%(value)sMB") % {"name": f.name, "value": MAX_FILE_BYTES // (1024 * 1024)})
            grouped.setdefault(label, []).append(f)
        fields = {
            "step": v["step"], "done_on": v["done_on"], "comment": v.get("comment", ""), "responsible": v.get("responsible", ""),
            "data": _json_dict(v.get("data"), "data", "data"), "documents": _json_dict(v.get("documents"), "documents", "documents"),
        }  # fmt: skip
        return fields, grouped
    d = StepCompleteSerializer(data=request.data)
    d.is_valid(raise_exception=True)
    v = d.validated_data
    fields = {"step": v["step"], "done_on": v["done_on"], "comment": v.get("comment", ""), "responsible": v.get("responsible", ""), "data": v.get("data") or {}, "documents": v.get("documents") or {}}
    return fields, {}
