"""Console forms of remote education."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CourseKind, VenueKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HIDDEN = forms.HiddenInput()


class VenueForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    admin_member = forms.IntegerField(widget=HIDDEN, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=VenueKind.choices)
    name = forms.CharField(label=_("名称"), max_length=120, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    area = forms.IntegerField(label=_("面积（平方米）"), min_value=0, max_value=100000, required=False)
    admin_name = forms.CharField(label=_("管理员（未选党员时填写）"), max_length=60, required=False)
    equipment = forms.CharField(label=_("设备（每行一项：名称 数量）"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    opened_on = forms.DateField(label=_("建成日期"), required=False, widget=DATE)


class CourseForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    title = forms.CharField(label=_("课程名称"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=CourseKind.choices)
    topic = forms.CharField(label=_("专题"), max_length=60, required=False)
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=1, required=False)
    file = forms.FileField(label=_("文件（存储在本系统）"), required=False)
    description = forms.CharField(label=_("简介"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SessionForm(forms.Form):
    venue = forms.ChoiceField(label=_("站点"), choices=[])
    course = forms.ChoiceField(label=_("课程"), required=False, choices=[])
    title = forms.CharField(label=_("学习内容（未选课程时填写）"), max_length=200, required=False)
    held_on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    hours = forms.DecimalField(label=_("学时（留空按课程学时）"), max_digits=5, decimal_places=1, required=False)
    host = forms.CharField(label=_("主持人"), max_length=60, required=False)
    members = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.MultipleHiddenInput, choices=[])

    def __init__(self, *args, venues, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = venues
        self.fields["course"].choices = [("", "—"), *courses]

    def clean_members(self):
        return self.cleaned_data["members"]

    def full_clean(self):
        # members come from the searchable picker: any id, checked by the service (scope, standing)
        if self.is_bound:
            self.fields["members"].choices = [(v, v) for v in self.data.getlist("members")] if hasattr(self.data, "getlist") else []
        super().full_clean()


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        visible = e.field in form.fields and not form.fields[e.field].widget.is_hidden
        form.add_error(e.field if visible else None, str(e.message))
