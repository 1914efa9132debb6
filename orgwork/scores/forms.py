"""Forms of the scores pages: they parse what was typed; the services validate and answer per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AssessmentKind, AssessmentSubject

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SubmitForm(forms.Form):
    """The member's phone form: what, when, how much, a photo."""

    indicator = forms.ChoiceField(label=_("积分项目"))
    occurred_on = forms.DateField(label=_("日期"), widget=DATE)
    units = forms.DecimalField(label=_("数量"), min_value=0, max_value=10000, decimal_places=2, initial=1, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label=_("照片"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.code, f"{i.name}（{i.points}分{'/' + i.unit if i.unit else ''}）") for i in indicators]


class DecideForm(forms.Form):
    entry = forms.IntegerField(min_value=1)
    act = forms.ChoiceField(choices=[("approve", _("认定")), ("return", _("退回"))])
    reason = forms.CharField(label=_("退回原因"), max_length=500, required=False)


class RankingForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12, required=False)
    set = forms.ChoiceField(label=_("指标体系"), required=False, choices=[("scores.member_points", _("党员先锋储值积分")), ("scores.branch_stars", _("支部星级评定"))])


class PublishForm(forms.Form):
    org = forms.IntegerField(label=_("党组织"), min_value=1)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    until = forms.DateField(label=_("公示截止"), required=False, widget=DATE)


class LockForm(forms.Form):
    period = forms.IntegerField(min_value=1)


class AppealForm(forms.Form):
    period = forms.IntegerField(min_value=1)
    content = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    appeal = forms.IntegerField(min_value=1)
    upheld = forms.TypedChoiceField(label=_("核查结论"), coerce=lambda v: v == "1", choices=[("1", _("异议成立")), ("0", _("异议不成立"))])
    answer = forms.CharField(label=_("答复意见"), max_length=2000)


class SelfAssessForm(forms.Form):
    org = forms.IntegerField(min_value=1)
    year = forms.IntegerField(min_value=2000, max_value=2100)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_fields = []
        for i in indicators:
            name = f"i_{i.code}"
            self.fields[name] = forms.DecimalField(label=_("%(area)s：%(name)s（满分%(points)s）") % {"area": i.area, "name": i.name, "points": i.points}, min_value=0, max_value=i.points, decimal_places=2, required=False)
            self.indicator_fields.append((name, i.code))


class RateForm(forms.Form):
    org = forms.IntegerField(min_value=1)
    year = forms.IntegerField(min_value=2000, max_value=2100)


class CaseForm(forms.Form):
    leader = forms.IntegerField(label=_("包联领导"), min_value=1, required=False)
    team = forms.CharField(label=_("整顿工作组"), max_length=300, required=False)
    measures = forms.CharField(label=_("整顿措施"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整顿期限"), required=False, widget=DATE)


class AcceptForm(forms.Form):
    act = forms.ChoiceField(choices=[("accept", _("验收")), ("remove", _("销号"))])
    opinion = forms.CharField(label=_("验收意见"), max_length=500, required=False)


class AssessmentForm(forms.Form):
    org = forms.IntegerField(label=_("党组织"), min_value=1)
    subject = forms.ChoiceField(label=_("考核对象"), choices=AssessmentSubject.choices)
    member = forms.IntegerField(label=_("书记"), min_value=1, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("类别"), choices=AssessmentKind.choices)
    held_on = forms.DateField(label=_("评议日期"), widget=DATE)


class TallyForm(forms.Form):
    group = forms.CharField(max_length=20)
    good = forms.IntegerField(label=_("好"), min_value=0, max_value=100000, required=False)
    fair_good = forms.IntegerField(label=_("较好"), min_value=0, max_value=100000, required=False)
    average = forms.IntegerField(label=_("一般"), min_value=0, max_value=100000, required=False)
    poor = forms.IntegerField(label=_("差"), min_value=0, max_value=100000, required=False)

    def counts(self) -> dict:
        d = self.cleaned_data
        return {"好": d.get("good") or 0, "较好": d.get("fair_good") or 0, "一般": d.get("average") or 0, "差": d.get("poor") or 0}


class PostForm(forms.Form):
    member = forms.IntegerField(label=_("党员"), min_value=1)
    title = forms.CharField(label=_("岗位"), max_length=60)
    duties = forms.CharField(label=_("岗位职责"), max_length=500)
    started_on = forms.DateField(label=_("设岗日期"), widget=DATE)


class PostScoreForm(forms.Form):
    post = forms.IntegerField(min_value=1)
    act = forms.ChoiceField(choices=[("score", _("评分")), ("end", _("撤岗"))])
    month = forms.DateField(label=_("月份"), required=False, widget=DATE)
    points = forms.DecimalField(label=_("得分"), min_value=0, max_value=100, decimal_places=2, required=False)


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))


class VersionForm(forms.Form):
    set = forms.IntegerField(min_value=1)
    version = forms.CharField(label=_("版本号"), max_length=40)
    effective_from = forms.DateField(label=_("施行日期"), widget=DATE)
    source = forms.CharField(label=_("依据（文件名称、文号）"), max_length=300)


class IndicatorForm(forms.Form):
    """One indicator of a draft version (the department's own rubric)."""

    version = forms.IntegerField(min_value=1)
    code = forms.SlugField(label=_("代码"), max_length=60)
    name = forms.CharField(label=_("指标名称"), max_length=200)
    area = forms.CharField(label=_("类别"), max_length=60, required=False)
    direction = forms.ChoiceField(label=_("加减分"), choices=[("add", _("加分")), ("deduct", _("扣分"))])
    mode = forms.ChoiceField(label=_("计分方式"), choices=[("fixed", _("每次固定分值")), ("per_unit", _("按数量计分"))])
    points = forms.DecimalField(label=_("分值"), min_value=0, max_value=1000, decimal_places=2)
    unit = forms.CharField(label=_("计量单位"), max_length=20, required=False)
    cap_day = forms.DecimalField(label=_("每日上限"), min_value=0, max_value=10000, decimal_places=2, required=False)
    cap_month = forms.DecimalField(label=_("每月上限"), min_value=0, max_value=10000, decimal_places=2, required=False)
    cap_year = forms.DecimalField(label=_("每年上限"), min_value=0, max_value=100000, decimal_places=2, required=False)
    evidence_required = forms.BooleanField(label=_("须附佐证"), required=False)
    source = forms.ChoiceField(label=_("来源"), choices=[("self", _("本人申报")), ("reviewer", _("评审人评分")), ("automatic", _("系统自动"))])
    approver_role = forms.ChoiceField(label=_("审核人"), choices=[("secretary", _("本组织书记/管理员")), ("level_above", _("上级党组织")), ("department", _("组织部")), ("system", _("系统（自动认定）"))])
    provider = forms.CharField(label=_("自动计算来源"), max_length=80, required=False)
    basis = forms.CharField(label=_("依据"), max_length=300, required=False)


class PublishVersionForm(forms.Form):
    version = forms.IntegerField(min_value=1)
