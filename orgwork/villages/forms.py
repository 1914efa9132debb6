"""Console forms (typed, bounded; the services validate the rest)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf
from orgwork.members.models import Education
from orgwork.orgs.models import OrgKind

from .models import Grade, PartyPost, Probation, UnitKind, VillagePost


class ActForm(cf.ConsoleForm):
    act = cf.ChoiceField(
        label=_("操作"),
        choices=["register", "end", "log", "assess", "assign", "request", "link", "change", "probation", "allowance", "score", "approve", "former", "stop",
                 "remove", "train", "place", "assess_place", "year", "visit", "end_pairing"],
        default="register",
    )  # fmt: skip


class CadreForm(cf.ConsoleForm):
    org = cf.IdField(label=_("村（社区）党组织"), required=True)
    id_number = cf.TextField(label=_("公民身份号码"), max_length=18, required=True)
    name = cf.TextField(label=_("姓名"), max_length=60)
    member = cf.IdField(label=_("党员"))
    education = cf.ChoiceField(label=_("学历"), choices=Education.choices, required=True)
    graduate_official = cf.FlagField(label=_("大学生村官"))
    party_post = cf.ChoiceField(label=_("党组织职务"), choices=PartyPost.choices)
    village_post = cf.ChoiceField(label=_("村（居）委会职务"), choices=VillagePost.choices)
    started_on = cf.DateField(label=_("任职日期"), required=True)


class EndCadreForm(cf.ConsoleForm):
    cadre = cf.IdField(label=_("两委成员"), required=True)
    ended_on = cf.DateField(label=_("离任日期"), required=True)
    reason = cf.TextField(label=_("离任原因"), max_length=200)


class SecondmentForm(cf.ConsoleForm):
    org = cf.IdField(label=_("派驻单位党组织"), required=True)
    kind = cf.TextField(label=_("类别"), max_length=40, required=True)
    member = cf.IdField(label=_("党员"))
    id_number = cf.TextField(label=_("公民身份号码"), max_length=18)
    name = cf.TextField(label=_("姓名"), max_length=60)
    place = cf.TextField(label=_("派驻岗位/单位"), max_length=120)
    started_on = cf.DateField(label=_("开始日期"), required=True)
    ends_on = cf.DateField(label=_("结束日期"), required=True)
    tasks = cf.TextField(label=_("工作任务"), max_length=2000, textarea=True)


class LogForm(cf.ConsoleForm):
    on = cf.DateField(label=_("日期"), required=True)
    text = cf.TextField(label=_("工作纪实"), max_length=2000, textarea=True, required=True)


class AssessForm(cf.ConsoleForm):
    grade = cf.ChoiceField(label=_("考核等次"), choices=Grade.choices, required=True)
    assessed_on = cf.DateField(label=_("考核日期"), required=True)
    comment = cf.TextField(label=_("考核意见"), max_length=2000, textarea=True)


class UnitForm(cf.ConsoleForm):
    org = cf.IdField(label=_("属地党组织"), required=True)
    name = cf.TextField(label=_("单位名称"), max_length=120, required=True)
    kind = cf.ChoiceField(label=_("单位类别"), choices=UnitKind.choices, required=True)
    employees = cf.IntField(label=_("从业人员"), min_value=0, default=0)
    party_members = cf.IntField(label=_("党员人数"), min_value=0, default=0)
    registered_on = cf.DateField(label=_("登记日期"), required=True)


class AssignForm(cf.ConsoleForm):
    unit = cf.IdField(label=_("单位"), required=True)
    secondment = cf.IdField(label=_("党建指导员"), required=True)


class RequestBranchForm(cf.ConsoleForm):
    unit = cf.IdField(label=_("单位"), required=True)
    parent = cf.IdField(label=_("上级党组织"), required=True)
    name = cf.TextField(label=_("拟成立党组织名称"), max_length=120, required=True)
    kind = cf.ChoiceField(label=_("党组织类别"), choices=[(OrgKind.BRANCH, OrgKind.BRANCH.label), (OrgKind.JOINT_BRANCH, OrgKind.JOINT_BRANCH.label)], required=True)
    full_members = cf.IntField(label=_("正式党员人数"), min_value=0, required=True)
    reason = cf.TextField(label=_("成立理由"), max_length=500, required=True)
    on = cf.DateField(label=_("请示日期"), required=True)


class LinkForm(cf.ConsoleForm):
    unit = cf.IdField(label=_("单位"), required=True)


class ChangePostForm(cf.ConsoleForm):
    party_post = cf.ChoiceField(label=_("党组织职务"), choices=PartyPost.choices)
    village_post = cf.ChoiceField(label=_("村（居）委会职务"), choices=VillagePost.choices)
    on = cf.DateField(label=_("变动日期"), required=True)
    reason = cf.TextField(label=_("变动原因"), max_length=200, required=True)


class ProbationForm(cf.ConsoleForm):
    decision = cf.ChoiceField(label=_("考察结论"), choices=[(v, lbl) for v, lbl in Probation.choices if v != Probation.ON], required=True)
    on = cf.DateField(label=_("考察日期"), required=True)
    months = cf.IntField(label=_("延长月数"), min_value=1, max_value=12)
    note = cf.TextField(label=_("考察意见"), max_length=500)


class AllowanceForm(cf.ConsoleForm):
    on = cf.DateField(label=_("核定日期"), required=True)


class ScoreForm(cf.ConsoleForm):
    which = cf.ChoiceField(label=_("评价类别"), choices=["stars", "review", "competence"], required=True)
    cadre = cf.IdField(label=_("两委成员"), required=True)
    year = cf.YearField(label=_("年度"), required=True)
    scores = cf.KeyedField(label=_("得分"), prefix="score_", value=cf.DecimalField(label=_("得分"), max_digits=6, decimal_places=2, min_value=0), ids=False, max_items=50)
    note = cf.TextField(label=_("说明"), max_length=500)


class ApproveForm(cf.ConsoleForm):
    entries = cf.IdListField(label=_("评分记录"), required=True, max_items=500)


class FormerForm(cf.ConsoleForm):
    org = cf.IdField(label=_("村（社区）党组织"), required=True)
    id_number = cf.TextField(label=_("公民身份号码"), max_length=18, required=True)
    name = cf.TextField(label=_("姓名"), max_length=60, required=True)
    main_post = cf.FlagField(label=_("曾任主职干部"))
    years = cf.IntField(label=_("任职年限"), min_value=0, max_value=80, required=True)
    left_on = cf.DateField(label=_("离任日期"), required=True)
    subsidy_from = cf.DateField(label=_("补助起始日期"), required=True)


class StopForm(cf.ConsoleForm):
    former = cf.IdField(label=_("退职村干部"), required=True)
    until = cf.DateField(label=_("终止日期"), required=True)
    reason = cf.TextField(label=_("终止原因"), max_length=200, required=True)


class ReserveForm(cf.ConsoleForm):
    org = cf.IdField(label=_("村（社区）党组织"), required=True)
    id_number = cf.TextField(label=_("公民身份号码"), max_length=18, required=True)
    name = cf.TextField(label=_("姓名"), max_length=60)
    member = cf.IdField(label=_("党员"))
    education = cf.ChoiceField(label=_("学历"), choices=Education.choices, required=True)
    strengths = cf.TextField(label=_("特长与培养方向"), max_length=200)
    added_on = cf.DateField(label=_("纳入日期"), required=True)


class RemoveReserveForm(cf.ConsoleForm):
    on = cf.DateField(label=_("退出日期"), required=True)
    reason = cf.TextField(label=_("退出原因"), max_length=200, required=True)


class TrainForm(cf.ConsoleForm):
    hours = cf.DecimalField(label=_("学时"), max_digits=6, decimal_places=1, min_value=0, required=True)
    on = cf.DateField(label=_("培训日期"), required=True)
    course = cf.TextField(label=_("培训内容"), max_length=120, required=True)


class PlacementForm(cf.ConsoleForm):
    place = cf.TextField(label=_("锻炼岗位/单位"), max_length=120, required=True)
    started_on = cf.DateField(label=_("开始日期"), required=True)
    ends_on = cf.DateField(label=_("结束日期"), required=True)
    tasks = cf.TextField(label=_("锻炼任务"), max_length=2000, textarea=True)


class AssessPlacementForm(cf.ConsoleForm):
    placement = cf.IdField(label=_("实践锻炼"), required=True)
    grade = cf.ChoiceField(label=_("考核等次"), choices=Grade.choices, required=True)
    on = cf.DateField(label=_("考核日期"), required=True)
    comment = cf.TextField(label=_("考核意见"), max_length=2000, textarea=True)


class YearAssessForm(cf.ConsoleForm):
    year = cf.YearField(label=_("年度"), required=True)
    grade = cf.ChoiceField(label=_("年度考核等次"), choices=Grade.choices, required=True)
    on = cf.DateField(label=_("考核日期"), required=True)
    comment = cf.TextField(label=_("考核意见"), max_length=2000, textarea=True)


class PairingForm(cf.ConsoleForm):
    kind = cf.TextField(label=_("类别"), max_length=30, required=True)
    org = cf.IdField(label=_("所在党组织"), required=True)
    helper = cf.TextField(label=_("帮扶（联系）方"), max_length=120)
    helper_member = cf.IdField(label=_("联系党员"))
    target = cf.TextField(label=_("帮扶（联系）对象"), max_length=120, required=True)
    started_on = cf.DateField(label=_("开始日期"), required=True)
    goals = cf.TextField(label=_("帮扶目标"), max_length=2000, textarea=True)


class VisitForm(cf.ConsoleForm):
    on = cf.DateField(label=_("走访日期"), required=True)
    text = cf.TextField(label=_("走访情况"), max_length=2000, textarea=True, required=True)


class EndPairingForm(cf.ConsoleForm):
    on = cf.DateField(label=_("结束日期"), required=True)
