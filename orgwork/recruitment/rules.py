"""Member development (发展党员) as procedure data: rules.md §3.

Sources: 《中国共产党发展党员工作细则》(中办发〔2014〕31号, “细则”) and 《中国共产党章程》(“党章”).
Article numbers are given as we read them in the 2014 text; the numbers themselves live in the rule-set
values below, so the 2026 revision (text not at hand) is added with `derive()` as data only.

Versions:
  "2014"        the five stages and 25 steps of the 2014 rules
  "2014-两考两票两审两公示"  optional (a county switches it on with procedures.set_version): the local practice
                of seed 002 — theory exam + branch inspection, mass-satisfaction vote + members' vote,
                township review + county review, village notice + higher-level notice
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from orgwork.core.errors import FieldError, ServiceError
from orgwork.core.normalize import add_months, years_between
from orgwork.core.procedures import DateRule, Field, NoticeDef, Stage, StepDef, define, gate, hook, insert_steps
from orgwork.core.rules import more_than_share, share_words

KIND = "recruitment"
VARIANT = "2014-两考两票两审两公示"

STAGES = (
    Stage("applicant", gettext_noop("入党申请")),
    Stage("activist", gettext_noop("入党积极分子的确定和培养教育")),
    Stage("candidate", gettext_noop("发展对象的确定和考察")),
    Stage("admission", gettext_noop("预备党员的接收")),
    Stage("probation", gettext_noop("预备党员的教育考察和转正")),
)
# Short names of the five stages for lists (who is at which stage).
STAGE_SHORT = {"applicant": "入党申请人", "activist": "入党积极分子", "candidate": "发展对象", "admission": "接收预备党员", "probation": "预备党员"}

PASS = (("pass", "合格"), ("fail", "不合格"))
VOTE_FIELDS = (
    # Left blank, the registry's count is used: full members less those under 留党察看 (党章第四十条).
    Field("entitled", gettext_noop("应到会有表决权的正式党员人数"), "int", required=False, help="不填则按党员名册计算（不含受留党察看处分的党员）"),
    Field("present", gettext_noop("实到会有表决权的正式党员人数"), "int"),
    Field("in_favour", gettext_noop("赞成票"), "int"),
    Field("against", gettext_noop("反对票"), "int", required=False),
    Field("abstain", gettext_noop("弃权票"), "int", required=False),
)
PROBATION_END = DateRule("general_meeting", months="probation_months", plus_months_from="probation_extension_months", note="预备期满（党章第七条）")
APPROVAL_DUE = DateRule("general_meeting", months="approval_months", note="上级党委应在3个月内审批（细则第二十八条）")
APPROVAL_LIMIT = DateRule("general_meeting", months="approval_max_months", note="特殊情况可适当延长，但不得超过6个月（细则第二十八条）")

NOTICE_TEXT = (
    "根据《中国共产党发展党员工作细则》有关规定，经{org}支部委员会审查、上级党委预审，拟将{title}同志"
    "（{gender}，{birth}出生，{education}，{job}）列为接收预备党员对象，现予公示。"
    "公示时间：{start}至{end}（{days}个工作日）。公示期间，如对其有意见，可通过来信、来电、来访等方式向{org}或上级党委反映。"
    "反映情况应实事求是，以真实姓名反映的，我们将予以保密。"
)

STEPS_2014 = (
    # 1 入党申请
    StepDef("apply", gettext_noop("递交入党申请书"), "applicant", gates=("recruitment.age",), documents=(gettext_noop("入党申请书"),), article="党章第一条；细则第六、七条"),
    StepDef(
        "talk",
        gettext_noop("党组织派人谈话"),
        "applicant",
        fields=(Field("talker", gettext_noop("谈话人")),),
        due=DateRule("apply", months="talk_within_months", note="党组织应在收到入党申请书后1个月内派人谈话（细则第八条）"),
        due_strict=True,
        article="细则第八条",
    ),
    # 2 入党积极分子
    StepDef(
        "activist",
        gettext_noop("推荐和确定入党积极分子"),
        "activist",
        fields=(
            Field("method", gettext_noop("推荐方式"), "choice", choices=(("members", "党员推荐"), ("mass_org", "群团组织推优"))),
            Field("decided_by", gettext_noop("研究决定"), "choice", choices=(("committee", "支部委员会"), ("general_meeting", "支部大会（不设支部委员会的）"))),
        ),
        article="细则第九条",
    ),
    StepDef("activist_filed", gettext_noop("上级党委备案"), "activist", role="committee", article="细则第九条"),
    StepDef("contacts", gettext_noop("指定培养联系人"), "activist", fields=(Field("contacts", gettext_noop("培养联系人"), "members"),), gates=("recruitment.contacts",), article="细则第十条"),
    StepDef(
        "activist_assessment",
        gettext_noop("培养教育考察"),
        "activist",
        gates=("recruitment.half_yearly",),
        entry_fields=(Field("result", gettext_noop("考察情况")),),
        entry_label=gettext_noop("半年考察"),
        article="细则第十一、十二条",
    ),
    # 3 发展对象
    StepDef(
        "candidate",
        gettext_noop("确定发展对象"),
        "candidate",
        fields=(Field("opinions_heard", gettext_noop("已听取党小组、培养联系人、党员和群众意见"), "bool"),),
        gates=("recruitment.opinions_heard",),
        earliest=DateRule("activist", months="min_activist_months", note="经过1年以上培养教育和考察（细则第十四条）"),
        article="细则第十四条",
    ),
    StepDef("candidate_filed", gettext_noop("报上级党委备案"), "candidate", role="committee", article="细则第十四条"),
    StepDef("sponsors", gettext_noop("确定入党介绍人"), "candidate", fields=(Field("sponsors", gettext_noop("入党介绍人"), "members"),), gates=("recruitment.sponsors",), article="党章第五条；细则第十五条"),
    StepDef(
        "political_review",
        gettext_noop("进行政治审查"),
        "candidate",
        fields=(Field("conclusion", gettext_noop("政审结论"), "choice", choices=PASS),),
        gates=("recruitment.passed",),
        documents=(gettext_noop("政治审查结论性材料"),),
        article="细则第十七、十八、十九条",
    ),
    StepDef(
        "training",
        gettext_noop("开展集中培训"),
        "candidate",
        fields=(Field("days", gettext_noop("培训天数"), "int", required=False), Field("hours", gettext_noop("培训学时"), "int", required=False), Field("organizer", gettext_noop("举办单位"), required=False)),
        gates=("recruitment.training",),
        article="细则第二十条",
    ),
    # 4 预备党员的接收
    StepDef("committee_review", gettext_noop("支部委员会审查"), "admission", fields=(Field("conclusion", gettext_noop("审查结论"), "choice", choices=PASS),), gates=("recruitment.passed",), article="细则第二十一条"),
    StepDef(
        "pre_review",
        gettext_noop("上级党委预审"),
        "admission",
        role="committee",
        fields=(Field("conclusion", gettext_noop("预审结论"), "choice", choices=PASS),),
        gates=("recruitment.passed",),
        notice=NoticeDef(title="关于{title}同志拟接收为预备党员的公示", text=NOTICE_TEXT, working_days="notice_working_days", note="预审结果公示"),
        article="细则第二十二条",
    ),
    StepDef("form", gettext_noop("填写入党志愿书"), "admission", documents=(gettext_noop("入党志愿书"),), article="细则第二十三条"),
    StepDef("general_meeting", gettext_noop("支部大会讨论"), "admission", fields=VOTE_FIELDS, gates=("recruitment.votes",), article="细则第二十四、二十五条"),
    StepDef(
        "higher_talk", gettext_noop("上级党委派人谈话"), "admission", role="committee", fields=(Field("talker", gettext_noop("谈话人")),), due=APPROVAL_DUE, due_strict=True, due_limit=APPROVAL_LIMIT, article="细则第二十七条"
    ),
    StepDef(
        "approval",
        gettext_noop("上级党委审批"),
        "admission",
        role="committee",
        fields=(Field("conclusion", gettext_noop("审批结论"), "choice", choices=(("approve", "批准"), ("reject", "不批准"))),),
        gates=("recruitment.approved",),
        due=APPROVAL_DUE,
        due_strict=True,
        due_limit=APPROVAL_LIMIT,
        on_complete=("recruitment.admit",),
        locks=True,
        article="细则第二十八条；党章第五条",
    ),
    StepDef("approval_filed", gettext_noop("再上一级党委组织部门备案"), "admission", role="committee", article="细则第二十八条"),
    # 5 预备党员的教育考察和转正
    StepDef("assigned", gettext_noop("编入党支部和党小组"), "probation", fields=(Field("group", gettext_noop("所在党小组"), required=False),), article="细则第三十条"),
    StepDef("oath", gettext_noop("入党宣誓"), "probation", fields=(Field("place", gettext_noop("宣誓地点"), required=False),), article="细则第三十一条；党章第六条"),
    StepDef(
        "probation_assessment",
        gettext_noop("继续教育考察"),
        "probation",
        gates=("recruitment.half_yearly",),
        entry_fields=(Field("result", gettext_noop("考察情况")),),
        entry_label=gettext_noop("半年考察"),
        article="细则第三十二条",
    ),
    StepDef("confirmation_application", gettext_noop("提出转正申请"), "probation", documents=(gettext_noop("转正申请书"),), due=PROBATION_END, article="细则第三十三条"),
    StepDef(
        "confirmation_meeting",
        gettext_noop("支部大会讨论"),
        "probation",
        fields=VOTE_FIELDS,
        gates=("recruitment.votes",),
        earliest=PROBATION_END,
        article="细则第三十四条；党章第七条",
    ),
    StepDef(
        "confirmation_approval",
        gettext_noop("上级党委审批"),
        "probation",
        role="committee",
        fields=(Field("conclusion", gettext_noop("审批结论"), "choice", choices=(("approve", "批准"), ("reject", "不批准"))),),
        gates=("recruitment.approved",),
        due=DateRule("confirmation_meeting", months="approval_months", note="上级党委应在3个月内审批（细则第三十五条）"),
        due_strict=True,
        due_limit=DateRule("confirmation_meeting", months="approval_max_months", note="不得超过6个月"),
        on_complete=("recruitment.confirm",),
        locks=True,
        article="细则第三十五条",
    ),
    StepDef("archive_files", gettext_noop("材料归档"), "probation", fields=(Field("archive_no", gettext_noop("档案编号"), required=False),), article="细则第三十七条"),
)

NUMBERS_2014 = {
    "min_age": 18,  # 党章第一条；细则第六条
    "talk_within_months": 1,  # 细则第八条
    "contact_min": 1,  # 细则第十条: 一至两名正式党员作培养联系人
    "contact_max": 2,
    "assessment_interval_months": 6,  # 细则第十二条: 每半年考察一次
    "min_activist_months": 12,  # 细则第十四条: 一年以上培养教育和考察
    "sponsor_count": 2,  # 党章第五条；细则第十五条
    "training_min_days": 3,  # 细则第二十条: 一般不少于3天（或不少于24个学时）
    "training_min_hours": 24,
    "notice_working_days": 5,  # rules.md §3: local practice ≥ 5 working days (the 2026 revision reportedly 5)
    "approval_months": 3,  # 细则第二十八条
    "approval_max_months": 6,
    "probation_months": 12,  # 党章第七条
    "probation_extension_min_months": 6,  # 党章第七条；细则第三十四条: 延长不少于半年，最长不超过一年
    "probation_extension_max_months": 12,
    # 细则第二十四、二十五条: more than half of those entitled present; in favour more than half of those entitled.
    "vote_quorum_share": "1/2",
    "vote_pass_share": "1/2",
}

RULES_2014 = define(
    kind=KIND,
    version="2014",
    effective=dt.date(2014, 6, 10),
    source="《中国共产党发展党员工作细则》（中办发〔2014〕31号）；《中国共产党章程》",
    title="发展党员",
    stages=STAGES,
    steps=STEPS_2014,
    **NUMBERS_2014,
)

# 两考两票两审两公示 (seed 002): extra steps around the 2014 ones; the members' vote is the general meeting (⑮)
# and the township review is the pre-review (⑬), which also publishes the higher-level notice.
_VARIANT_STEPS = insert_steps(
    STEPS_2014,
    after="training",
    new=(
        StepDef(
            "theory_exam", gettext_noop("理论考试"), "candidate", fields=(Field("score", gettext_noop("考试成绩"), "int"),), gates=("recruitment.exam",), article="两考：理论考试（地方做法）"
        ),
        StepDef("branch_inspection", gettext_noop("支部考察"), "candidate", fields=(Field("conclusion", gettext_noop("考察结论"), "choice", choices=PASS),), gates=("recruitment.passed",), article="两考：支部考察"),
    ),
)
_VARIANT_STEPS = insert_steps(
    _VARIANT_STEPS,
    after="committee_review",
    new=(
        StepDef(
            "mass_vote",
            gettext_noop("群众满意票测评"),
            "admission",
            fields=(Field("polled", gettext_noop("参加测评群众人数"), "int"), Field("satisfied", gettext_noop("满意票"), "int")),
            gates=("recruitment.mass_vote",),
            article="两票：群众满意票",
        ),
        StepDef(
            "village_notice",
            gettext_noop("村（社区）内公示"),
            "admission",
            notice=NoticeDef(title="关于{title}同志列为拟接收预备党员对象的村内公示", text=NOTICE_TEXT, working_days="notice_working_days"),
            article="两公示：村内公示",
        ),
    ),
)
_VARIANT_STEPS = insert_steps(
    _VARIANT_STEPS,
    after="pre_review",
    new=(
        StepDef(
            "county_review",
            gettext_noop("县委组织部审查"),
            "admission",
            role="department",
            fields=(Field("conclusion", gettext_noop("审查结论"), "choice", choices=PASS),),
            gates=("recruitment.passed",),
            article="两审：县委审查",
        ),
    ),
)
RULES_VARIANT = define(
    kind=KIND,
    version=VARIANT,
    effective=dt.date(2014, 6, 10),
    source="细则（2014）及本地“两考两票两审两公示”做法",
    title="发展党员（两考两票两审两公示）",
    stages=STAGES,
    steps=_VARIANT_STEPS,
    optional=True,
    **NUMBERS_2014,
    exam_pass_score=60,  # local practice; the seed gives no number — a county changes it as data
    mass_satisfaction_min_percent=50,  # more than half of those polled satisfied (assumed; not in the seed)
)


# --- gates -----------------------------------------------------------------------------------


def _applicant(ctx):
    from .models import Applicant

    return Applicant.objects.get(pk=ctx.instance.subject_id)


@gate("recruitment.age")
def age_at_application(ctx):
    person = _applicant(ctx)
    minimum = ctx.value("min_age")
    age = years_between(person.birth_date, ctx.done_on)
    if age < minimum:
        return [FieldError("birth_date", "too_young", _("申请入党须年满%(minimum)s周岁，%(name)s递交申请时为%(age)s周岁（党章第一条）") % {"minimum": minimum, "name": person.name, "age": age})]
    return []


def _full_members(ids, field, label) -> tuple[list, list[FieldError]]:
    from orgwork.members.models import Category, Member, Standing

    members = {m.pk: m for m in Member.objects.filter(pk__in=ids)}
    errors = []
    for i in ids:
        m = members.get(i)
        if m is None:
            errors.append(FieldError(field, "unknown_member", _("编号为%(i)s的党员不存在") % {"i": i}))
        elif m.standing != Standing.NORMAL or m.category != Category.FULL:
            errors.append(FieldError(field, "not_full_member", _("%(name)s不是正式党员（当前：%(status_label)s），不能担任%(label)s") % {"name": m.name, "status_label": m.status_label, "label": label}))
    return [members[i] for i in ids if i in members], errors


@gate("recruitment.contacts")
def contacts(ctx):
    ids = list(dict.fromkeys(ctx.data.get("contacts") or []))
    low, high = ctx.value("contact_min"), ctx.value("contact_max")
    if not low <= len(ids) <= high:
        return [FieldError("contacts", "bad_count", _("应指定%(low)s至%(high)s名正式党员作培养联系人，现为%(n)s名（细则第十条）") % {"low": low, "high": high, "n": len(ids)})]
    return _full_members(ids, "contacts", "培养联系人")[1]


@gate("recruitment.sponsors")
def sponsors(ctx):
    ids = list(dict.fromkeys(ctx.data.get("sponsors") or []))
    n = ctx.value("sponsor_count")
    if len(ids) != n:
        return [FieldError("sponsors", "bad_count", _("应有%(n)s名正式党员作入党介绍人，现为%(n2)s名（党章第五条、细则第十五条）") % {"n": n, "n2": len(ids)})]
    return _full_members(ids, "sponsors", "入党介绍人")[1]


@gate("recruitment.half_yearly")
def half_yearly(ctx):
    """Each half-year since the stage began must have an assessment (细则第十二条; 第三十二条 for probation)."""
    anchor_step = {"activist_assessment": "activist", "probation_assessment": "general_meeting"}[ctx.step.key]
    start = ctx.done_on_of(anchor_step)
    if start is None:
        return []
    interval = ctx.value("assessment_interval_months")
    dates = [r.done_on for r in ctx.entries(ctx.step.key)]
    errors = []
    k = 0
    while add_months(start, interval * (k + 1)) <= ctx.done_on:
        low, high = add_months(start, interval * k), add_months(start, interval * (k + 1))
        if not any(low < d <= high for d in dates):
            errors.append(
                FieldError("entries", "assessment_missing", _("每半年应考察一次：%(low)s至%(high)s期间没有考察记录（细则第十二条）") % {"low": format(low, '%Y-%m-%d'), "high": format(high, '%Y-%m-%d')})
            )
        k += 1
    if not dates:
        errors.append(FieldError("entries", "assessment_missing", _("尚无考察记录，请先登记考察情况")))
    return errors


@gate("recruitment.opinions_heard")
def opinions_heard(ctx):
    if not ctx.data.get("opinions_heard"):
        return [FieldError("opinions_heard", "required", _("确定发展对象前应听取党小组、培养联系人、党员和群众意见（细则第十四条）"))]
    return []


@gate("recruitment.passed")
def passed(ctx):
    if ctx.data.get("conclusion") != "pass":
        return [FieldError("conclusion", "not_passed", _("“%(title)s”结论为不合格，不能进入下一步；如需终止，请办理终止并说明原因") % {"title": ctx.step.title})]
    return []


@gate("recruitment.approved")
def approved(ctx):
    if ctx.data.get("conclusion") != "approve":
        return [FieldError("conclusion", "not_approved", _("上级党委未批准的，请办理终止并说明原因"))]
    return []


@gate("recruitment.training")
def training(ctx):
    days, hours = ctx.data.get("days") or 0, ctx.data.get("hours") or 0
    min_days, min_hours = ctx.value("training_min_days"), ctx.value("training_min_hours")
    if days < min_days and hours < min_hours:
        return [FieldError("days", "too_short", _("集中培训一般不少于%(min_days)s天或%(min_hours)s个学时，现为%(days)s天、%(hours)s学时（细则第二十条）") % {"min_days": min_days, "min_hours": min_hours, "days": days, "hours": hours})]
    return []


@gate("recruitment.votes")
def votes(ctx):
    """More than half of those entitled present; votes in favour more than half of those entitled (细则第二十四、二十五条)."""
    from orgwork.discipline.selectors import voting_basis

    d = ctx.data
    basis = voting_basis(ctx.instance.org, on=ctx.done_on)
    if d.get("entitled") is None:
        d["entitled"] = basis.entitled
    d["entitled_note"] = basis.note()
    errors = basis.check(d["entitled"])
    if errors:
        return errors
    entitled, present, favour = d["entitled"], d["present"], d["in_favour"]
    cast = favour + (d.get("against") or 0) + (d.get("abstain") or 0)
    if entitled < 1:
        errors.append(FieldError("entitled", "bad_value", _("应到会有表决权的正式党员人数应大于0")))
        return errors
    if present > entitled:
        errors.append(FieldError("present", "bad_value", _("实到人数%(present)s不能多于应到人数%(entitled)s") % {"present": present, "entitled": entitled}))
    if cast > present:
        errors.append(FieldError("in_favour", "bad_value", _("赞成、反对、弃权票合计%(cast)s票，多于实到人数%(present)s") % {"cast": cast, "present": present}))
    quorum, passing = ctx.value("vote_quorum_share"), ctx.value("vote_pass_share")
    if not more_than_share(present, entitled, quorum):
        errors.append(FieldError("present", "no_quorum", _("有表决权的到会人数%(present)s人，未超过应到会有表决权人数%(entitled)s人的%(share_words)s，不能开会表决（细则第二十四条）") % {"present": present, "entitled": entitled, "share_words": share_words(quorum)}))
    if not more_than_share(favour, entitled, passing):
        errors.append(FieldError("in_favour", "not_passed", _("赞成%(favour)s票，未超过应到会有表决权的正式党员%(entitled)s人的%(share_words)s，决议未通过（细则第二十五条）") % {"favour": favour, "entitled": entitled, "share_words": share_words(passing)}))
    return errors


@gate("recruitment.exam")
def exam(ctx):
    score, pass_score = ctx.data["score"], ctx.value("exam_pass_score")
    if score < pass_score:
        return [FieldError("score", "not_passed", _("理论考试成绩%(score)s分，未达到%(pass_score)s分") % {"score": score, "pass_score": pass_score})]
    return []


@gate("recruitment.mass_vote")
def mass_vote(ctx):
    polled, satisfied = ctx.data["polled"], ctx.data["satisfied"]
    minimum = ctx.value("mass_satisfaction_min_percent")
    if polled < 1 or satisfied > polled:
        return [FieldError("satisfied", "bad_value", _("满意票不能多于参加测评人数，参加人数应大于0"))]
    if satisfied * 100 <= polled * minimum:
        return [FieldError("satisfied", "not_passed", _("群众满意票%(satisfied)s/%(polled)s，未超过%(minimum)s%%") % {"satisfied": satisfied, "polled": polled, "minimum": minimum})]
    return []


# --- hooks: the registry follows the pipeline ------------------------------------------------


def probation_end(instance) -> dt.date | None:
    meeting = (instance.data.get("steps") or {}).get("general_meeting", {}).get("done_on")
    if not meeting:
        return None
    from orgwork.core.procedures import definition_for

    months = definition_for(instance).value("probation_months") + int(instance.data.get("probation_extension_months") or 0)
    return add_months(dt.date.fromisoformat(meeting), months)


@hook("recruitment.admit")
def admit(ctx, record):
    """Approved: the person enters the registry as a probationary member from the general meeting's date (党章第七条)."""
    from orgwork.members import services as member_services

    person = _applicant(ctx)
    joined = ctx.done_on_of("general_meeting")
    fields = {
        "name": person.name,
        "id_number": person.id_number,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "category": "probationary",
        "joined_on": joined,
    }
    for key in ("ethnicity", "education", "job", "phone"):
        if getattr(person, key):
            fields[key] = getattr(person, key)
    try:
        earlier = member_services.rejoinable_record(person.id_number)
        if earlier is not None:
            # 党员教育管理工作条例 第二十四条: one who left re-joins through this procedure, with new dates; the
            # earlier membership stays on the same person's record, linked in the 党籍变动记录.
            rest = {k: v for k, v in fields.items() if k not in ("id_number", "category", "joined_on")}
            member = member_services.rejoin(
                actor=ctx.actor, id_number=person.id_number, org_id=person.org_id, joined_on=joined,
                reason=f"经发展程序重新入党（支部大会{joined:%Y-%m-%d}通过，办理事项#{ctx.instance.pk}）", **rest,
            )  # fmt: skip
        else:
            member = member_services.create_member(actor=ctx.actor, org_id=person.org_id, **fields)
    except ServiceError as exc:
        raise ServiceError([FieldError("member", e.code, _("登记为预备党员失败：%(message)s") % {"message": e.message}) for e in exc.errors]) from None
    person.member = member
    person.save(update_fields=["member"])


@hook("recruitment.confirm")
def confirm(ctx, record):
    """Confirmation approved: full member from the day probation ended (党章第七条)."""
    from orgwork.members import services as member_services

    person = _applicant(ctx)
    end = probation_end(ctx.instance)
    member_services.change_status(
        actor=ctx.actor,
        member_id=person.member_id,
        action="confirm",
        on=end,
        reason=f"预备期满，经支部大会讨论、上级党委于{ctx.done_on:%Y-%m-%d}批准，转为正式党员",
    )
