"""Console forms of the cadres app: they parse what was typed; services validate and answer per field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf
from orgwork.core.forms import ConsoleForm

from .models import CadreStatus, CompetitionKind, PostKind, Rank, ReportKind, SideJobKind, TalkKind, UnitKind
from .services import REPORT_SECTIONS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.Form, exc) -> None:
    for e in exc.errors:
        form.add_error(e.field if e.field in form.fields else None, str(e.message))


class CadreFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或身份证号码末几位"), required=False, max_length=60)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *CadreStatus.choices])


class CadreForm(forms.Form):
    org = forms.IntegerField(label=_("管理单位（党组织）"), widget=forms.HiddenInput)
    name = forms.CharField(label=_("姓名"), max_length=60)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=20)
    education = forms.CharField(label=_("学历"), required=False, max_length=40)
    rank = forms.ChoiceField(label=_("现职级"), choices=Rank.choices, initial=Rank.STAFF)
    work_started_on = forms.DateField(label=_("参加工作时间"), required=False, widget=DATE)
    joined_party_on = forms.DateField(label=_("入党时间"), required=False, widget=DATE)


class ImportForm(forms.Form):
    org = forms.IntegerField(label=_("管理单位（党组织）"), widget=forms.HiddenInput)
    file = forms.FileField(label=_("干部名册（.xlsx）"))


class UnitForm(forms.Form):
    org = forms.IntegerField(label=_("所属党组织"), widget=forms.HiddenInput)
    name = forms.CharField(label=_("单位名称"), max_length=120)
    kind = forms.ChoiceField(label=_("单位类别"), choices=UnitKind.choices)
    city_level = forms.BooleanField(label=_("市直单位"), required=False)


class PostForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("单位"), coerce=int)
    title = forms.CharField(label=_("职务名称"), max_length=80)
    kind = forms.ChoiceField(label=_("职务类别"), choices=PostKind.choices)
    rank = forms.ChoiceField(label=_("职级"), choices=Rank.choices)
    category = forms.ChoiceField(label=_("职务类型（试用期等规则按此适用）"), required=False)
    elected = forms.BooleanField(label=_("选任制职务"), required=False)
    is_unit_head = forms.BooleanField(label=_("行政主要负责人"), required=False)
    is_party_secretary = forms.BooleanField(label=_("党组织书记"), required=False)

    def __init__(self, *args, units=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, f"{u.name}（{u.org.name}）") for u in units]
        self.fields["category"].choices = [("", "—"), *categories]


class QuotaForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("单位"), coerce=int)
    kind = forms.ChoiceField(label=_("职务类别"), choices=[(PostKind.PRINCIPAL, _("正职")), (PostKind.DEPUTY, _("副职")), (PostKind.INTERNAL, _("内设机构领导"))])
    seats = forms.IntegerField(label=_("核定职数"), min_value=0, max_value=99)
    document = forms.CharField(label=_("核定依据"), required=False, max_length=200)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, f"{u.name}（{u.org.name}）") for u in units]


class AppointForm(forms.Form):
    post = forms.TypedChoiceField(label=_("职务"), coerce=int)
    on = forms.DateField(label=_("任职时间"), widget=DATE)
    document = forms.CharField(label=_("任职文号"), required=False, max_length=120)
    competitive = forms.BooleanField(label=_("竞争性选拔产生"), required=False)

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [(p.pk, str(p)) for p in posts]


class RemoveForm(forms.Form):
    appointment = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("免职时间"), widget=DATE)
    document = forms.CharField(label=_("免职文号"), required=False, max_length=120)


class SelectionForm(forms.Form):
    post = forms.TypedChoiceField(label=_("拟任职务"), coerce=int)
    title = forms.CharField(label=_("名称"), max_length=200)
    on = forms.DateField(label=_("动议日期"), widget=DATE)
    seats = forms.IntegerField(label=_("拟选拔人数"), min_value=1, max_value=20, initial=1)
    contested = forms.BooleanField(label=_("差额考察"), required=False, initial=True)
    competitive = forms.BooleanField(label=_("竞争性选拔"), required=False)

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [(p.pk, f"{p}（{p.unit.org.name}）") for p in posts]


class RecommendationForm(forms.Form):
    mode = forms.ChoiceField(label=_("推荐方式"), choices=[("meeting", _("会议推荐")), ("talk", _("谈话推荐"))])
    names = forms.CharField(label=_("推荐人选（姓名，以、分隔）"), max_length=500)
    voters = forms.IntegerField(label=_("参加推荐人数（生成一次性投票码）"), min_value=1, max_value=2000)


class FlagForm(forms.Form):
    text = forms.CharField(label=_("发现的问题"), max_length=500)


class AnswerForm(forms.Form):
    flag = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("整改说明"), max_length=500)


class StepForm(forms.Form):
    """The current step's fields (from the procedure data), its documents, date and comment."""

    done_on = forms.DateField(label=_("办理日期"), widget=DATE)

    def __init__(self, *args, step=None, candidates=(), vetting=(), ballots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        for f in step.fields:
            if f.name.endswith("_ballot"):  # the selection's own ballots, by title (never an id to type)
                field = forms.TypedChoiceField(label=f.label, coerce=int, empty_value=None, choices=[("", "—"), *((b.pk, f"{b.title}（{b.get_status_display()}）") for b in ballots)])
            elif f.type == "members":
                field = forms.TypedMultipleChoiceField(label=f.label, coerce=int, choices=[(c.pk, c.name) for c in candidates], widget=forms.CheckboxSelectMultiple)
            elif f.type == "member":
                field = forms.TypedChoiceField(label=f.label, coerce=int, choices=[(c.pk, c.name) for c in vetting])
            elif f.type == "choice":
                field = forms.ChoiceField(label=f.label, choices=list(f.choices))
            elif f.type == "int":
                field = forms.IntegerField(label=f.label, min_value=0, max_value=100000)
            elif f.type == "date":
                field = forms.DateField(label=f.label, widget=DATE)
            elif f.type == "bool":
                field = forms.BooleanField(label=f.label)
            else:
                field = forms.CharField(label=f.label, max_length=2000)
            field.required = False  # the kernel says which are missing, in one list with the rule refusals
            field.help_text = f.help
            self.fields[f"f_{f.name}"] = field
        if step.notice:
            self.fields["f_notice_place"] = forms.CharField(label=_("公示地点/方式"), max_length=200, required=False)
        for i, label in enumerate(step.documents):
            self.fields[f"doc_{i}"] = forms.CharField(label=f"{label}（文号/档案编号）", max_length=200, required=False)
        self.fields["comment"] = forms.CharField(label=_("意见/说明"), max_length=2000, required=False)

    def step_data(self) -> dict:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("f_") and v not in (None, "", [])}

    def documents(self) -> dict:
        return {label: self.cleaned_data.get(f"doc_{i}") or "" for i, label in enumerate(self.step.documents)}


class ObjectionForm(forms.Form):
    notice = forms.IntegerField(widget=forms.HiddenInput)
    received_on = forms.DateField(label=_("收到日期"), widget=DATE)
    source = forms.CharField(label=_("反映人/渠道"), required=False, max_length=200)
    content = forms.CharField(label=_("反映内容"), max_length=2000)


class ResolveForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    upheld = forms.BooleanField(label=_("反映属实"), required=False)
    resolution = forms.CharField(label=_("核查处理情况"), max_length=2000)


class ReportForm(forms.Form):
    cadre = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    submitted_on = forms.DateField(label=_("报告日期"), widget=DATE)
    change_on = forms.DateField(label=_("事项变化日期"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in REPORT_SECTIONS:
            self.fields[f"item_{key}"] = forms.CharField(label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def items(self) -> dict:
        return {k: self.cleaned_data[f"item_{k}"] for k, _label in REPORT_SECTIONS if self.cleaned_data.get(f"item_{k}")}


class CheckForm(forms.Form):
    check = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("核查结果"), choices=[("accurate", _("如实报告")), ("omission", _("漏报")), ("concealment", _("瞒报"))])
    handling = forms.CharField(label=_("处理情况"), required=False, max_length=2000)
    on = forms.DateField(label=_("核查完成日期"), widget=DATE)


class SpotForm(forms.Form):
    year = forms.IntegerField(label=_("报告年度"), min_value=2000, max_value=2100)
    on = forms.DateField(label=_("抽取日期"), widget=DATE)


class ActionForm(forms.Form):
    """Which button was pressed (and, for the ballot buttons, which ballot)."""

    action = forms.CharField(required=False, max_length=20)
    ballot = forms.IntegerField(required=False, min_value=1)

    def pressed(self) -> str | None:
        return (self.cleaned_data["action"] or None) if self.is_valid() else None


class ReserveForm(forms.Form):
    names = forms.CharField(label=_("干部姓名（重名时加身份证号码后4位）"), max_length=80)
    target = forms.CharField(label=_("拟培养方向"), required=False, max_length=120)
    on = forms.DateField(label=_("入库日期"), widget=DATE)


# --- competitive selection ----------------------------------------------------------------------------------------


class CompetitionForm(ConsoleForm):
    post = forms.TypedChoiceField(label=_("选拔职位"), coerce=int)
    title = cf.TextField(label=_("名称"), max_length=200, required=True)
    kind = forms.ChoiceField(label=_("方式"), choices=CompetitionKind.choices)
    seats = cf.IntField(label=_("选拔人数"), min_value=1, max_value=20, default=1)
    on = cf.DateField(label=_("公告日期"), required=True)
    apply_from = cf.DateField(label=_("报名开始"), required=True)
    apply_until = cf.DateField(label=_("报名截止"), required=True)
    max_age = cf.IntField(label=_("年龄上限（空=按规则默认）"), min_value=18, max_value=70)
    min_education = forms.ChoiceField(label=_("最低学历（空=大学专科）"), required=False)
    exam_weight = cf.TextField(label=_("笔试权重（如2/5，空=默认）"), max_length=10)
    interview_weight = cf.TextField(label=_("面试权重（如3/5，空=默认）"), max_length=10)

    def __init__(self, *args, posts=(), **kwargs):
        from .rules import EDUCATION_LEVELS

        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [(p.pk, f"{p}（{p.unit.org.name}）") for p in posts]
        self.fields["min_education"].choices = [("", "—"), *((k, label) for k, label, _w in EDUCATION_LEVELS)]


class ApplicationForm(ConsoleForm):
    names = cf.TextField(label=_("报名人姓名（重名时加身份证号码后4位）"), max_length=80)
    on = cf.DateField(label=_("报名日期"))
    statement = cf.TextField(label=_("竞职陈述"), max_length=2000, textarea=True)


class ScoresForm(ConsoleForm):
    """One score box (and a 缺考 tick) per application, for the exam or the interview."""

    kind = forms.ChoiceField(label=_("成绩类别"), choices=[("exam", _("笔试")), ("interview", _("面试"))])

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        for a in self.applications:
            self.fields[f"score_{a.pk}"] = cf.DecimalField(label=a.cadre.name, min_value=0, max_value=100, decimal_places=2, max_digits=5)
            self.fields[f"absent_{a.pk}"] = cf.FlagField(label=_("%(name)s缺考") % {"name": a.cadre.name})

    def scores(self) -> dict:
        return {a.pk: self.cleaned_data[f"score_{a.pk}"] for a in self.applications if self.cleaned_data.get(f"score_{a.pk}") is not None}

    def absent(self) -> list[int]:
        return [a.pk for a in self.applications if self.cleaned_data.get(f"absent_{a.pk}")]


class OnlineApplyForm(ConsoleForm):
    competition = cf.IdField(label=_("编号"), required=True)
    statement = cf.TextField(label=_("竞职陈述"), max_length=2000, textarea=True)


# --- daily oversight -----------------------------------------------------------------------------------------------


class LeavingForm(ConsoleForm):
    names = cf.TextField(label=_("离任干部（重名时加身份证号码后4位）"), max_length=80)
    on = cf.DateField(label=_("拟离任日期"))
    reason = cf.TextField(label=_("离任原因"), max_length=300)


class HolidayForm(ConsoleForm):
    org = cf.IdField(label=_("党组织"), required=True)
    title = cf.TextField(label=_("节日"), max_length=200)
    on = cf.DateField(label=_("节日日期"))


class HandoverForm(ConsoleForm):
    moment = cf.IdField(label=_("编号"), required=True)
    on = cf.DateField(label=_("交接日期"))
    note = cf.TextField(label=_("交接情况"), max_length=500)


class AuditLinkForm(ConsoleForm):
    moment = cf.IdField(label=_("编号"), required=True)
    reference = cf.TextField(label=_("离任审计报告（文号/链接）"), max_length=300)


class CloseMomentForm(ConsoleForm):
    moment = cf.IdField(label=_("编号"), required=True)
    on = cf.DateField(label=_("办结日期"))
    note = cf.TextField(label=_("说明"), max_length=500)


class InspectionForm(ConsoleForm):
    org = cf.IdField(label=_("被巡查党组织"), required=True)
    unit = forms.TypedChoiceField(label=_("被巡查单位"), coerce=int, required=False, empty_value=None)
    title = cf.TextField(label=_("巡查名称"), max_length=200)
    team = cf.TextField(label=_("巡查组成员（以、分隔）"), max_length=300)
    start_on = cf.DateField(label=_("开始日期"))
    end_on = cf.DateField(label=_("结束日期"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *((u.pk, f"{u.name}（{u.org.name}）") for u in units)]


class FindingForm(ConsoleForm):
    inspection = cf.IdField(label=_("编号"), required=True)
    text = cf.TextField(label=_("发现的问题"), max_length=2000)
    owner_name = cf.TextField(label=_("整改责任人"), max_length=60)
    deadline = cf.DateField(label=_("整改时限"))


class SendFindingsForm(ConsoleForm):
    inspection = cf.IdField(label=_("编号"), required=True)


class SideJobForm(ConsoleForm):
    names = cf.TextField(label=_("干部（重名时加身份证号码后4位）"), max_length=80)
    organization = cf.TextField(label=_("兼职单位"), max_length=200)
    kind = forms.ChoiceField(label=_("单位类别"), choices=SideJobKind.choices)
    role = cf.TextField(label=_("兼任职务"), max_length=80)
    leadership = cf.FlagField(label=_("领导职务（会长、副会长、秘书长、董事等）"))
    started_on = cf.DateField(label=_("兼职开始"))
    paid = cf.FlagField(label=_("领取报酬"))
    approval = cf.TextField(label=_("审批文号"), max_length=200)


class EndSideJobForm(ConsoleForm):
    job = cf.IdField(label=_("编号"), required=True)
    on = cf.DateField(label=_("兼职结束日期"))


class TalkForm(ConsoleForm):
    names = cf.TextField(label=_("谈话对象（重名时加身份证号码后4位）"), max_length=80)
    kind = forms.ChoiceField(label=_("类别"), choices=TalkKind.choices)
    on = cf.DateField(label=_("谈话（发函）日期"))
    talker = cf.TextField(label=_("谈话人"), max_length=100)
    occasion = cf.TextField(label=_("谈话事由"), max_length=100)
    record = cf.TextField(label=_("谈话内容及本人表态（加密保存）"), max_length=4000, textarea=True)


class ProblemForm(ConsoleForm):
    names = cf.TextField(label=_("干部（重名时加身份证号码后4位）"), max_length=80)
    text = cf.TextField(label=_("发现的问题（加密保存）"), max_length=2000, textarea=True)
    due_on = cf.DateField(label=_("跟踪期限（空=按规则默认）"))


class FollowUpForm(ConsoleForm):
    problem = cf.IdField(label=_("编号"), required=True)
    on = cf.DateField(label=_("跟踪日期"))
    text = cf.TextField(label=_("跟踪情况"), max_length=2000)
    close = cf.FlagField(label=_("办结"))
    next_due = cf.DateField(label=_("下次跟踪日期"))


class ReplyForm(ConsoleForm):
    talk = cf.IdField(label=_("编号"), required=True)
    on = cf.DateField(label=_("提交日期"))
    text = cf.TextField(label=_("说明材料（加密保存）"), max_length=4000, textarea=True)
