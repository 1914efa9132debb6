"""Console forms of work management: they parse what was typed; the services validate and answer per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf

from .models import CareKind, IssueStatus, TaskKind, VisitKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HIDDEN = forms.HiddenInput()


class WallFilter(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *TaskKind.choices])


class TaskForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    owner_member = forms.IntegerField(widget=HIDDEN, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=TaskKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("目标"), max_length=200, required=False)
    measures = forms.CharField(label=_("措施"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner_name = forms.CharField(label=_("责任人（未选党员时填写）"), max_length=60, required=False)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DATE)
    m1_title = forms.CharField(label=_("节点一"), max_length=200, required=False)
    m1_due = forms.DateField(label=_("节点一时限"), required=False, widget=DATE)
    m2_title = forms.CharField(label=_("节点二"), max_length=200, required=False)
    m2_due = forms.DateField(label=_("节点二时限"), required=False, widget=DATE)
    m3_title = forms.CharField(label=_("节点三"), max_length=200, required=False)
    m3_due = forms.DateField(label=_("节点三时限"), required=False, widget=DATE)
    show_to_members = forms.BooleanField(label=_("向本组织党员公开"), required=False)
    show_on_portal = forms.BooleanField(label=_("在门户公开"), required=False)

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        milestones = [(d.pop(f"m{i}_title"), d.pop(f"m{i}_due")) for i in (1, 2, 3)]
        return {**d, "org_id": d.pop("org"), "owner_member_id": d.pop("owner_member"), "milestones": milestones}


class ProgressForm(forms.Form):
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    progress = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=_("成效"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    review_half = forms.ChoiceField(label=_("半年评议（承诺践诺）"), required=False, choices=[])
    evidence = forms.FileField(label=_("佐证材料"), required=False)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_half"].choices = [("", "—"), (f"{year}-H1", _("上半年")), (f"{year}-H2", _("下半年"))]


class MilestoneForm(forms.Form):
    milestone = forms.IntegerField(widget=HIDDEN)
    on = forms.DateField(label=_("完成日期"), required=False, widget=DATE)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200, required=False)


class MatterForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    title = forms.CharField(label=_("事项"), max_length=200, required=False)
    body = forms.CharField(label=_("内容"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    assigned_by = forms.CharField(label=_("交办单位"), max_length=120, required=False)
    assigned_on = forms.DateField(label=_("交办日期"), required=False, widget=DATE)
    template = forms.ChoiceField(label=_("时限模板"), choices=[])

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = templates


class MatterStepForm(forms.Form):
    step = forms.CharField(widget=HIDDEN, max_length=20)
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("办理情况"), max_length=500, required=False)


class IssueFilter(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *IssueStatus.choices])


class IssueForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    owner_member = forms.IntegerField(widget=HIDDEN, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("问题来源"), max_length=120, required=False, initial="年终述职评议")
    description = forms.CharField(label=_("问题"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("整改措施"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner_name = forms.CharField(label=_("责任人（未选党员时填写）"), max_length=60, required=False)
    deadline = forms.DateField(label=_("整改时限"), required=False, widget=DATE)


class RectifyForm(forms.Form):
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    text = forms.CharField(label=_("整改情况"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("佐证材料"), required=False)
    close = forms.BooleanField(label=_("整改完成，申请销号"), required=False)
    result = forms.CharField(label=_("整改结果（销号时填写）"), max_length=2000, required=False)


class IncomeForm(forms.Form):
    org = forms.IntegerField(widget=HIDDEN, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    target = forms.DecimalField(label=_("目标收入（元）"), max_digits=12, decimal_places=2, required=False)
    actual = forms.DecimalField(label=_("实际收入（元）"), max_digits=12, decimal_places=2, required=False)
    measures = forms.CharField(label=_("增收措施"), max_length=2000, required=False)


class CareForm(forms.Form):
    member = forms.IntegerField(widget=HIDDEN, required=False)
    helper = forms.IntegerField(widget=HIDDEN, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=CareKind.choices)
    situation = forms.CharField(label=_("困难情况"), max_length=2000, required=False)


class VisitForm(forms.Form):
    case = forms.IntegerField(widget=HIDDEN)
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    kind = forms.ChoiceField(label=_("方式"), choices=VisitKind.choices)
    occasion = forms.CharField(label=_("时节"), max_length=20, required=False)
    visitor = forms.CharField(label=_("走访人"), max_length=120, required=False)
    amount = forms.DecimalField(label=_("慰问金（元）"), max_digits=10, decimal_places=2, required=False)
    note = forms.CharField(label=_("情况"), max_length=500, required=False)


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        visible = e.field in form.fields and not form.fields[e.field].widget.is_hidden
        form.add_error(e.field if visible else None, str(e.message))


class ActForm(cf.ConsoleForm):
    """Which form of a page was posted."""

    act = cf.TextField(label=_("操作"), max_length=20)
