"""Console forms: they parse what was typed; the services validate and answer per field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import CourseKind, TraineeRole

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD = 10 * 1024 * 1024


def this_year() -> int:
    return dt.date.today().year


class CoverageForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    short = forms.BooleanField(label=_("只看未达标"), required=False)
    q = forms.CharField(label=_("姓名"), required=False, max_length=60)


class PersonForm(forms.Form):
    org = forms.IntegerField(label=_("所在党组织"), required=False, min_value=1)
    member = forms.IntegerField(label=_("党员"), required=False, min_value=1)
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=24, required=False)
    role = forms.ChoiceField(label=_("培训类别"), choices=TraineeRole.choices)
    post = forms.CharField(label=_("职务"), max_length=100, required=False)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名"), required=False, max_length=60)
    role = forms.ChoiceField(label=_("培训类别"), required=False, choices=[("", _("全部")), *TraineeRole.choices])


class CourseForm(forms.Form):
    org = forms.IntegerField(label=_("主办党组织"), required=False, min_value=1)
    title = forms.CharField(label=_("课程/班次名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=CourseKind.choices)
    hours = forms.DecimalField(label=_("学时"), max_digits=6, decimal_places=1, min_value=0)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE, required=False)
    seats = forms.IntegerField(label=_("名额（自主选学必填）"), required=False, min_value=1, max_value=100000)
    closed_on = forms.DateField(label=_("报名截止"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel文件"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件不能超过10MB"))
        return f


class EnrolForm(forms.Form):
    member = forms.IntegerField(label=_("党员"), required=False, min_value=1)
    name = forms.CharField(label=_("姓名（非党员）"), max_length=60, required=False)
    id_number = forms.CharField(label=_("公民身份号码（非党员）"), max_length=24, required=False)


class ExamForm(forms.Form):
    org = forms.IntegerField(label=_("组织考学的党组织"), required=False, min_value=1)
    title = forms.CharField(label=_("考学名称"), max_length=120)
    year = forms.IntegerField(label=_("考学年度"), min_value=2000, max_value=2100)
    held_on = forms.DateField(label=_("考试日期"), widget=DATE)
    full_marks = forms.DecimalField(label=_("满分"), max_digits=6, decimal_places=1, min_value=1, initial=100)


class ScoreForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=24)
    score = forms.DecimalField(label=_("成绩"), max_digits=6, decimal_places=1)


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))


class ActForm(cf.ConsoleForm):
    """Which button of a course or exam page was pressed (and the enrolment a cancel is about)."""

    act = cf.TextField(label=_("操作"), max_length=20)
    enrolment = cf.IdField(label=_("报名记录"))


class SelfEnrolForm(cf.ConsoleForm):
    """The elective a member enrols in from their phone page."""

    course = cf.IdField(label=_("课程"), required=True)
