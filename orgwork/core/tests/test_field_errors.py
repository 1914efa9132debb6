"""{% field_errors %}: a form's errors beside the raw HTML input they belong to; the rest stay in the list at the top."""

import re

from django import forms
from django.template import Context, Template

from orgwork.core.errors import FieldError, ServiceError

PAGE = Template(
    '{% load field_errors %}'
    '<div class="top">{% for e in errors|unplaced:"name,id_number" %}<p>{{ e.message }}</p>{% endfor %}</div>'
    '<div class="field{% if errors|has_errors:"name" %} has-error{% endif %}" id="f-name"><input name="name">{% field_errors errors "name" %}</div>'
    '<div class="field{% if errors|has_errors:"id_number" %} has-error{% endif %}" id="f-id"><input name="id_number">{% field_errors errors "id_number" %}</div>'
)


def _block(html, id_):
    return re.search(rf'<div class="field[^"]*" id="{id_}">(.*?)</div>\s*(?=<div|$)', html, flags=re.S).group(0)


def test_each_error_is_shown_beside_its_own_input_and_only_the_others_at_the_top():
    errors = [
        FieldError("name", "required", "请填写姓名"),
        FieldError("id_number", "id_format", "公民身份号码应为18位"),
        FieldError("id_number", "id_checksum", "公民身份号码校验位不正确"),
        FieldError("org", "required", "请选择党组织"),
    ]
    html = PAGE.render(Context({"errors": errors}))
    name, id_number = _block(html, "f-name"), _block(html, "f-id")
    assert 'class="field has-error"' in name and "请填写姓名" in name and "公民身份号码" not in name
    assert 'data-field="id_number"' in id_number and "公民身份号码应为18位；公民身份号码校验位不正确" in id_number
    top = re.search(r'<div class="top">(.*?)</div>', html, flags=re.S).group(1)
    assert top == "<p>请选择党组织</p>"  # no input on the page for the org: it stays at the top


def test_a_service_error_and_a_bound_django_form_work_the_same():
    exc = ServiceError.single("name", "required", "请填写姓名")
    assert "请填写姓名" in _block(PAGE.render(Context({"errors": exc})), "f-name")

    class F(forms.Form):
        name = forms.CharField(max_length=3, error_messages={"max_length": "姓名最多3个字"})
        id_number = forms.CharField(required=False)

    html = PAGE.render(Context({"errors": F({"name": "王小明明明"})}))
    assert "姓名最多3个字" in _block(html, "f-name") and "field-error" not in _block(html, "f-id")
    assert "field-error" not in PAGE.render(Context({"errors": F()}))  # an unbound form has no errors
    assert "field-error" not in PAGE.render(Context({"errors": []}))
