"""Cadre rules as versioned data (rules.md §7) and the selection procedure on the kernel.

Sources: 《党政领导干部选拔任用工作条例》(2019, “条例”); 《领导干部报告个人有关事项规定》(2017, “规定”);
《党政领导干部交流工作规定》(2006) and 《党政领导干部任职回避暂行规定》(2006); seed 001 for local targets.
Article numbers are given as we read the texts; the numbers themselves live in the values below, so a revision
is a `derive()` — data only. Local numbers (spot-check share, ages) are marked "default — replace".
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from orgwork.core.errors import FieldError
from orgwork.core.normalize import add_months
from orgwork.core.procedures import DateRule, Field, NoticeDef, Stage, StepDef, define, gate, hook
from orgwork.core.rules import RuleSet, at_least_share, register, rule, share, share_words

KIND = "cadre_selection"

# --- selection numbers (条例 2019) ------------------------------------------------------------------------------
SELECTION_NUMBERS = {
    # 条例第二章/民主推荐: 民主推荐结果一般在一年内有效.
    "recommendation_valid_months": 12,
    # 条例第五章/考察: 考察组由两名以上成员组成.
    "vetting_team_min": 2,
    # 条例第七章/讨论决定: 必须有三分之二以上成员到会; 以应到会成员超过半数同意形成决定.
    "quorum_share": "2/3",
    "decision_share": "1/2",
    # 条例第八章/任职: 任前公示期不少于五个工作日.
    "publicity_working_days": 5,
    # 差额 (rules.md §7, seed 001 差额提名、差额考察): vetting candidates must be MORE than posts × this ratio.
    "contested_ratio": "1",
    # 条例 试用期条款: 提拔担任下列非选举产生的职务, 试用期为一年 — the list, as post categories of the registry.
    "probation_months": 12,
    "probation_categories": ("working_dept_deputy", "internal_unit_leader", "institution_deputy", "soe_deputy"),
}
CATEGORY_LABELS = {
    "working_dept_deputy": "党委、政府工作部门副职",
    "internal_unit_leader": "内设机构领导职务",
    "institution_deputy": "事业单位领导班子副职",
    "soe_deputy": "国有企业领导班子副职",
    "township_secretary": "乡镇（街道）党（工）委书记",
    "township_head": "乡镇长（街道办事处主任）",
}

STAGES = (
    Stage("proposal", "动议"),
    Stage("recommendation", "民主推荐"),
    Stage("vetting", "考察"),
    Stage("checks", "凡提四必"),
    Stage("decision", "讨论决定"),
    Stage("publicity", "任前公示"),
    Stage("appointment", "任职"),
)
OPINION = (("no_problem", "无问题"), ("problem", "有问题（见说明）"))
REPORT_RESULT = (("accurate", "如实报告"), ("omission", "漏报"), ("concealment", "瞒报"))
PUBLICITY_TEXT = (
    "经{org}研究，拟任用{appointee}同志为{post}，现予任前公示。公示时间：{start}至{end}（{days}个工作日）。"
    "公示期间，如有问题，可通过来信、来电、来访或12380举报平台向组织部门反映。以真实姓名反映的，我们将予以保密。"
)

STEPS = (
    StepDef("proposal", "动议", "proposal", role="department", fields=(Field("reason", "动议理由及初步建议"),), documents=("动议方案",), article="条例第二章"),
    StepDef(
        "recommendation",
        "民主推荐（会议推荐和谈话推荐）",
        "recommendation",
        role="department",
        fields=(Field("meeting_ballot", "会议推荐投票", "int"), Field("talk_ballot", "谈话推荐投票", "int", required=False)),
        gates=("cadres.recommendation_closed",),
        on_complete=("cadres.recommendation_recorded",),
        article="条例第三章",
    ),
    StepDef(
        "candidates",
        "确定考察对象",
        "vetting",
        role="department",
        fields=(Field("candidates", "考察对象", "members"),),
        gates=("cadres.recommendation_valid", "cadres.contested"),
        on_complete=("cadres.candidates_set",),
        article="条例第四章",
    ),
    StepDef(
        "vetting",
        "考察",
        "vetting",
        role="department",
        fields=(Field("team", "考察组成员（以、分隔）"), Field("talks", "个别谈话人数", "int")),
        gates=("cadres.vetting_team",),
        documents=("考察材料",),
        article="条例第五章",
    ),
    StepDef("dossier", "干部人事档案审核（三龄两历）", "checks", role="department", fields=(Field("conclusion", "审核结论"),), documents=("档案审核意见",), article="凡提四必"),
    StepDef(
        "discipline_opinion", "纪检监察机关意见", "checks", role="department", fields=(Field("opinion", "廉政意见", "choice", choices=OPINION), Field("note", "说明", required=False)),
        documents=("党风廉政意见回复",), article="凡提四必",
    ),
    StepDef("tipoff_check", "信访举报核查（12380）", "checks", role="department", fields=(Field("result", "核查结果"),), article="凡提四必"),
    StepDef(
        "personal_matters_check", "个人有关事项报告核查", "checks", role="department", fields=(Field("result", "核查结果", "choice", choices=REPORT_RESULT),),
        gates=("cadres.personal_report",), on_complete=("cadres.personal_report_checked",), article="凡提四必；规定第十七条",
    ),
    StepDef(
        "study_check", "年度考学等次、培训学时及巡视审计结果", "checks", role="department",
        fields=(Field("hours", "本年度培训学时", "int", required=False), Field("findings", "巡视、审计等结果", required=False)),
        gates=("cadres.study_grade",), article="rules.md §7 (seed 001 考学“较差”不得晋升)",
    ),
    StepDef(
        "decision", "讨论决定", "decision", role="department",
        fields=(
            Field("committee_size", "应到会成员数", "int"),
            Field("present", "实到会成员数", "int"),
            Field("appointee", "决定任用人选", "member"),
            Field("in_favour", "同意票", "int"),
            Field("against", "不同意票", "int", required=False),
            Field("abstain", "弃权票", "int", required=False),
        ),
        gates=("cadres.recommendation_valid", "cadres.quorum"),
        on_complete=("cadres.decided",),
        documents=("会议纪要",),
        article="条例第七章",
    ),
    StepDef(
        "publicity", "任前公示", "publicity", role="department",
        fields=(Field("notice_start", "公示开始日期", "date", required=False), Field("notice_end", "公示结束日期", "date", required=False)),
        notice=NoticeDef("任前公示", PUBLICITY_TEXT, "publicity_working_days", note="条例：任前公示期不少于五个工作日"),
        gates=("cadres.publicity_length",),
        article="条例第八章",
    ),
    StepDef(
        "appointment", "任职", "appointment", role="department", fields=(Field("document", "任职文号"),),
        on_complete=("cadres.appointed",), article="条例第八章",
    ),
    StepDef(
        "appointment_talk", "任职谈话、廉政谈话", "appointment", role="department", fields=(Field("talker", "谈话人"), Field("points", "谈话要点", required=False)),
        due=DateRule("appointment", months=1, note="任职后1个月内"), article="条例第八章",
    ),
)

SELECTION_2019 = define(
    kind=KIND,
    version="2019",
    effective=dt.date(2019, 3, 3),
    source="《党政领导干部选拔任用工作条例》（2019年3月修订）",
    title="干部选拔任用",
    stages=STAGES,
    steps=STEPS,
    **SELECTION_NUMBERS,
)


# --- gates ------------------------------------------------------------------------------------------------


def _selection(ctx):
    from .models import Selection

    return Selection.objects.select_related("post__unit").get(instance=ctx.instance)


@gate("cadres.recommendation_closed")
def _recommendation_closed(ctx):
    from orgwork.core.ballots.models import Ballot, BallotStatus

    sel = _selection(ctx)
    errors = []
    for key in ("meeting_ballot", "talk_ballot"):
        bid = ctx.data.get(key)
        if bid is None:
            continue
        b = Ballot.objects.filter(pk=bid, owner_type="cadres.selection", owner_id=str(sel.pk)).first()
        if b is None:
            errors.append(FieldError(key, "bad_value", _("该投票不属于本次选拔")))
        elif b.status != BallotStatus.CLOSED:
            errors.append(FieldError(key, "ballot_sealed", _("“%(title)s”尚未结束计票") % {"title": b.title}))
    return errors


@hook("cadres.recommendation_recorded")
def _recommendation_recorded(ctx, record):
    from orgwork.core.ballots.models import Ballot

    from .models import CandidateStage, SelectionCandidate

    sel = _selection(ctx)
    summary = {}
    for key in ("meeting_ballot", "talk_ballot"):
        bid = ctx.data.get(key)
        if bid is None:
            continue
        b = Ballot.objects.get(pk=bid)
        q = b.results["questions"][0]
        summary[key] = [{"label": o["label"], "votes": o.get("votes"), "weighted_share": o.get("weighted_share")} for o in q["options"]]
        for o in q["options"]:
            if o["subject_type"] == "cadres.cadre" and o["subject_id"]:
                SelectionCandidate.objects.get_or_create(selection=sel, cadre_id=int(o["subject_id"]), defaults={"stage": CandidateStage.RECOMMENDED})
    record.data = {**record.data, "results": summary}
    record.save(update_fields=["data"])


@gate("cadres.recommendation_valid")
def _recommendation_valid(ctx):
    done = ctx.done_on_of("recommendation")
    months = ctx.value("recommendation_valid_months")
    if done and ctx.done_on > add_months(done, months):
        return [
            FieldError(
                "done_on",
                "recommendation_expired",
                _("民主推荐（%(year)s年%(month)02d月%(day)02d日）结果已超过%(months)s个月有效期，须重新推荐（条例：民主推荐结果一般在一年内有效）")
                % {"year": done.year, "month": done.month, "day": done.day, "months": months},
            )
        ]
    return []


@gate("cadres.contested")
def _contested(ctx):
    sel = _selection(ctx)
    n = len(ctx.data.get("candidates") or [])
    ratio = ctx.value("contested_ratio")
    if sel.contested and not n > sel.seats * share(ratio):
        return [FieldError("candidates", "not_contested", _("差额考察：考察对象人数（%(n)s人）应多于拟选拔人数（%(seats)s人）×%(ratio)s") % {"n": n, "seats": sel.seats, "ratio": ratio})]
    return []


@hook("cadres.candidates_set")
def _candidates_set(ctx, record):
    from .models import CandidateStage, SelectionCandidate

    sel = _selection(ctx)
    chosen = set(ctx.data.get("candidates") or [])
    for cid in chosen:
        SelectionCandidate.objects.update_or_create(selection=sel, cadre_id=cid, defaults={"stage": CandidateStage.VETTING})
    SelectionCandidate.objects.filter(selection=sel).exclude(cadre_id__in=chosen).update(stage=CandidateStage.DROPPED)


def team_names(text: str) -> list[str]:
    import re

    return [p for p in re.split(r"[、,，;；\s]+", text or "") if p]


@gate("cadres.vetting_team")
def _vetting_team(ctx):
    names = team_names(ctx.data.get("team", ""))
    least = ctx.value("vetting_team_min")
    if len(set(names)) < least:
        return [FieldError("team", "vetting_team_too_small", _("考察组应由%(least)s名以上成员组成（现%(n)s人）") % {"least": least, "n": len(set(names))})]
    return []


def _vetting_cadres(ctx):
    from .models import CandidateStage, SelectionCandidate

    sel = _selection(ctx)
    return [c.cadre for c in SelectionCandidate.objects.filter(selection=sel, stage=CandidateStage.VETTING).select_related("cadre")]


@gate("cadres.personal_report")
def _personal_report(ctx):
    from .models import PersonalReport

    errors = []
    for cadre in _vetting_cadres(ctx):
        if not PersonalReport.objects.filter(cadre=cadre, year__gte=ctx.done_on.year - 1).exists():
            errors.append(FieldError("result", "personal_report_missing", _("%(name)s没有近一年的个人有关事项报告，不能完成提拔前核查") % {"name": cadre.name}))
    return errors


@hook("cadres.personal_report_checked")
def _personal_report_checked(ctx, record):
    from .models import PersonalReport, ReportCheck

    for cadre in _vetting_cadres(ctx):
        report = PersonalReport.objects.filter(cadre=cadre).order_by("-submitted_on", "-id").first()
        ReportCheck.objects.create(report=report, reason="pre_appointment", drawn_on=ctx.done_on, result=ctx.data["result"], checked_on=ctx.done_on, checked_by=ctx.actor.label)


@gate("cadres.study_grade")
def _study_grade(ctx):
    from orgwork.training.selectors import study_grade_poor

    errors = []
    for cadre in _vetting_cadres(ctx):
        if study_grade_poor(cadre.id_number, ctx.done_on.year):
            errors.append(FieldError("hours", "study_grade_poor", _("%(name)s本年度考学等次为“较差”，当年不得晋升（rules.md §7）") % {"name": cadre.name}))
    return errors


@gate("cadres.quorum")
def _quorum(ctx):
    sel = _selection(ctx)
    vetting = {c.pk for c in _vetting_cadres(ctx)}
    return quorum_errors(ctx, chosen=[ctx.data.get("appointee")], allowed=vetting, seats=sel.seats, field="appointee")


@hook("cadres.decided")
def _decided(ctx, record):
    from .models import CandidateStage, SelectionCandidate

    sel = _selection(ctx)
    sel.appointee_id = ctx.data["appointee"]
    sel.save(update_fields=["appointee"])
    SelectionCandidate.objects.filter(selection=sel, cadre_id=sel.appointee_id).update(stage=CandidateStage.DECIDED)
    ctx.instance.data = {**ctx.instance.data, "notice_context": {**(ctx.instance.data.get("notice_context") or {}), "appointee": sel.appointee.name}}
    ctx.instance.save(update_fields=["data"])


@gate("cadres.publicity_length")
def _publicity_length(ctx):
    from orgwork.core import calendar as workcal

    n = ctx.value("publicity_working_days")
    start = ctx.data.get("notice_start") or ctx.done_on
    end = ctx.data.get("notice_end")
    if end is None:
        return []
    try:
        counted = workcal.workdays_between(start, end)
    except workcal.UnknownCalendarYear as exc:
        return list(exc.errors)
    if counted < n:
        return [FieldError("notice_end", "publicity_too_short", _("任前公示期%(start)s至%(end)s只有%(counted)s个工作日，不得少于%(n)s个工作日") % {"start": start.isoformat(), "end": end.isoformat(), "counted": counted, "n": n})]
    return []


@hook("cadres.appointed")
def _appointed(ctx, record):
    from .services import appoint_from_selection

    appoint_from_selection(ctx=ctx, record=record)


def probation_applies(ruleset, *, post, promotion: bool) -> bool:
    """条例 试用期条款: only on promotion (提拔) to a listed non-elected post; never for principal posts or lateral moves."""
    from .models import PostKind

    return bool(promotion and not post.elected and post.kind != PostKind.PRINCIPAL and post.category in ruleset["probation_categories"])


def selection_rules(version: str | None = None, on: dt.date | None = None) -> RuleSet:
    return rule(f"procedure.{KIND}", version=version, on=on)


# --- personal matters reports (规定 2017) -------------------------------------------------------------
REPORTS = "cadres.personal_matters"
REPORTS_2017 = register(
    RuleSet(
        name=REPORTS,
        version="2017",
        effective=dt.date(2017, 2, 8),
        source="《领导干部报告个人有关事项规定》（2017）",
        values={
            # 规定第二条: 县处级副职以上 (rules.md §7 "county-level deputies and above") — as ranks of the registry.
            "ranks": ("county_principal", "county_deputy"),
            # 规定第四条: 每年1月31日前集中报告上一年度的个人有关事项.
            "annual_due": (1, 31),
            # 规定第五条: 发生变化的, 应在事后30日内报告.
            "change_within_days": 30,
            # 规定第六条: 新任领导干部在任职后30日内报告.
            "new_within_days": 30,
            # 规定第十七条 / 查核结果处理办法: 随机抽查; the share is local practice — default, replace.
            "spot_check_share": "1/10",
            "results": ("accurate", "omission", "concealment"),
        },
    )
)


def report_rules(on: dt.date | None = None) -> RuleSet:
    return rule(REPORTS, on=on)


# --- registry checks (daily) ---------------------------------------------------------------------------
REGISTRY = "cadres.registry"
REGISTRY_2006 = register(
    RuleSet(
        name=REGISTRY,
        version="2006",
        effective=dt.date(2006, 6, 10),
        source="《党政领导干部交流工作规定》（2006）；《党政领导干部任职回避暂行规定》（2006）；seed 001",
        values={
            # 交流工作规定第七条: 在同一职位上任职满10年的, 必须交流.
            "rotation_years": 10,
            # 任职回避暂行规定第四条: 夫妻、直系血亲、三代以内旁系血亲、近姻亲 — no two in the same unit's team.
            "kinship_relations": ("夫妻", "直系血亲", "三代以内旁系血亲", "近姻亲"),
            # Statutory retirement ages before the 2025 gradual reform — default, replace with the department's own.
            "retirement_age": {"M": 60, "F": 55},
            "retirement_warning_months": 12,
            # seed 001: 县级党政班子成员中具有镇委书记经历的比例逐步提高到一半以上.
            "township_secretary_share_target": "1/2",
        },
    )
)

# --- competitive selection targets (seed 001) -------------------------------------------------------------
COMPETITION = "cadres.competition"
COMPETITION_2011 = register(
    RuleSet(
        name=COMPETITION,
        version="2011",
        effective=dt.date(2011, 1, 1),
        source="seed 001（惠州市2011年组织工作要点：机关中层干部竞争上岗不低于4/5；新提拔委任制领导干部市直1/2、县直1/3）",
        values={
            "city_middle_managers_share": "4/5",
            "new_leaders_share_city": "1/2",
            "new_leaders_share_county": "1/3",
        },
    )
)


def registry_rules(on: dt.date | None = None) -> RuleSet:
    return rule(REGISTRY, on=on)


def competition_rules(on: dt.date | None = None) -> RuleSet:
    return rule(COMPETITION, on=on)


# --- reserve cadres (seed 000; rules.md §7) ------------------------------------------------------------------
RESERVES = "cadres.reserves"
RESERVE_SET = "cadres.reserve"
RESERVES_DEFAULT = register(
    RuleSet(
        name=RESERVES,
        version="default",
        effective=dt.date(2020, 1, 1),
        source="seed 000（后备干部德、能、勤、绩、廉、学年度评分，累计积分，连续两年靠后退出）— default, replace with the department's own",
        values={
            # the six dimensions and the most points each carries (weights as data), with where the score comes from
            "dimensions": (
                ("integrity", "德", 20, "民主推荐、民主测评"),
                ("ability", "能", 20, "能力测试"),
                ("diligence", "勤", 15, "民主测评"),
                ("performance", "绩", 25, "年度考核、实绩"),
                ("probity", "廉", 10, "纪检监察机关意见"),
                ("learning", "学", 10, "年度考学、培训学时"),
            ),
            # a year below this total counts as low; this many low years in a row → removed from the reserve
            "low_total": 60,
            "low_years": 2,
        },
    )
)


def reserve_rules(on: dt.date | None = None) -> RuleSet:
    return rule(RESERVES, on=on)


def reserve_set_spec(rs: RuleSet) -> dict:
    """The scoring engine's indicator set for reserve cadres, from the rule data (installed on first use)."""
    return {
        "code": RESERVE_SET,
        "name": "后备干部年度评分（德能勤绩廉学）",
        "purpose": "cadres.reserve",
        "subject_type": "cadres.cadre",
        "is_default": True,
        "version": {
            "version": rs.version,
            "effective_from": rs.effective,
            "source": rs.source,
            "indicators": [
                {"code": code, "name": f"{label}（{source}）", "area": label, "points": points, "source": "reviewer", "approver_role": "department", "basis": rs.source}
                for code, label, points, source in rs["dimensions"]
            ],
        },
    }


# --- competitive selection (竞争上岗 / 公开选拔; 条例 2019 第九章, eligibility 第八条) ---------------------------------
COMPETITION_KIND = "cadre_competition"
ELIGIBILITY = "cadres.competition_eligibility"

# Education levels, lowest first: (key, label, words that identify it in the registry's free-text 学历).
EDUCATION_LEVELS = (
    ("secondary", "高中（中专）及以下", ("高中", "中专", "初中", "技校")),
    ("college", "大学专科", ("专科", "大专")),
    ("bachelor", "大学本科", ("本科", "大学")),
    ("master", "硕士研究生", ("硕士", "研究生")),
    ("doctor", "博士研究生", ("博士",)),
)
EDUCATION_LABELS = {key: label for key, label, _words in EDUCATION_LEVELS}

ELIGIBILITY_2019 = register(
    RuleSet(
        name=ELIGIBILITY,
        version="2019",
        effective=dt.date(2019, 3, 3),
        source="《党政领导干部选拔任用工作条例》（2019）第八条、第九章；年龄上限与科员晋升年限为地方做法（default — replace）",
        values={
            # 条例第八条第三项: 由副职提任正职的, 应当在副职岗位工作两年以上; 由下级正职提任上级副职的, 应当在下级正职岗位工作三年以上.
            # (from rank, to rank, years in the rank held, basis). Staff → section deputy: local practice (default — replace).
            "years_in_rank": (
                ("section_deputy", "section_principal", 2, "条例第八条第三项：由副职提任正职的，应当在副职岗位工作两年以上"),
                ("county_deputy", "county_principal", 2, "条例第八条第三项：由副职提任正职的，应当在副职岗位工作两年以上"),
                ("section_principal", "county_deputy", 3, "条例第八条第三项：由下级正职提任上级副职的，应当在下级正职岗位工作三年以上"),
                ("staff", "section_deputy", 3, "地方做法：任科员满三年（default — replace）"),
            ),
            # An applicant holds the post's rank (lateral) or the rank right below it (条例第九章: 竞争上岗在本单位或系统内部进行).
            "rank_steps_below": 1,
            # 条例第八条第四项: 一般应当具有大学专科以上文化程度.
            "min_education": "college",
            # 条例第八条第一项: 提任县处级领导职务的, 应当具有五年以上工龄.
            "county_min_work_years": 5,
            "county_ranks": ("county_principal", "county_deputy"),
            # Age limits are set by each announcement; these defaults are local practice (default — replace).
            "max_age": {"section_deputy": 35, "section_principal": 40, "county_deputy": 45, "county_principal": 50},
            # Written exam and interview weights of the overall score (default — replace; each announcement may set its own).
            "exam_weight": "2/5",
            "interview_weight": "3/5",
            "score_max": 100,
        },
    )
)


def eligibility_rules(on: dt.date | None = None) -> RuleSet:
    return rule(ELIGIBILITY, on=on)


def education_level(text: str) -> int:
    """The registry's free-text 学历 as a level index of EDUCATION_LEVELS (0 when it says nothing we know)."""
    text = text or ""
    for i in range(len(EDUCATION_LEVELS) - 1, -1, -1):
        if any(w in text for w in EDUCATION_LEVELS[i][2]):
            return i
    return 0


def education_index(key: str) -> int:
    return [k for k, _label, _w in EDUCATION_LEVELS].index(key)


def eligibility_errors(rs: RuleSet, *, cadre, post, on: dt.date, max_age: int | None, min_education: str) -> list[FieldError]:
    """Whether a cadre may apply for a post opened for competition; every failed condition names the rule (pure)."""
    from orgwork.core.normalize import years_between

    from .models import RANK_ORDER, Rank

    errors = []
    ranks = dict(Rank.choices)
    if cadre.status != "serving":
        errors.append(FieldError("cadre", "not_eligible_status", _("%(name)s不是在职干部，不能报名") % {"name": cadre.name}))
    have, need = RANK_ORDER[cadre.rank], RANK_ORDER[post.rank]
    if have > need or need - have > rs["rank_steps_below"]:
        errors.append(FieldError("cadre", "not_eligible_rank", _("%(name)s现职级为%(rank)s，报名%(post)s（%(post_rank)s）须为同职级或低一个职级（条例第九章）") % {"name": cadre.name, "rank": ranks[cadre.rank], "post": post, "post_rank": ranks[post.rank]}))
    elif have < need:
        for frm, to, years, basis in rs["years_in_rank"]:
            if frm == cadre.rank and to == post.rank:
                held = years_between(cadre.rank_since, on) if cadre.rank_since else 0
                if held < years:
                    errors.append(FieldError("cadre", "not_eligible_years", _("%(name)s任%(rank)s%(held)s年，不满%(years)s年（%(basis)s）") % {"name": cadre.name, "rank": ranks[cadre.rank], "held": held, "years": years, "basis": basis}))
    if post.rank in rs["county_ranks"] and have < need:
        worked = years_between(cadre.work_started_on, on) if cadre.work_started_on else 0
        if worked < rs["county_min_work_years"]:
            errors.append(FieldError("cadre", "not_eligible_work_years", _("%(name)s工龄%(worked)s年，提任县处级领导职务应当具有%(least)s年以上工龄（条例第八条第一项）") % {"name": cadre.name, "worked": worked, "least": rs["county_min_work_years"]}))
    floor = min_education or rs["min_education"]
    if education_level(cadre.education) < education_index(floor):
        errors.append(FieldError("cadre", "not_eligible_education", _("%(name)s学历为“%(education)s”，应为%(floor)s以上（条例第八条第四项）") % {"name": cadre.name, "education": cadre.education or _("未登记"), "floor": EDUCATION_LABELS[floor]}))
    limit = max_age if max_age is not None else rs["max_age"].get(post.rank)
    if limit is not None:
        age = years_between(cadre.birth_date, on)
        if age > limit:
            errors.append(FieldError("cadre", "not_eligible_age", _("%(name)s%(age)s岁，超过报名年龄上限%(limit)s岁") % {"name": cadre.name, "age": age, "limit": limit}))
    return errors


def overall_score(exam, interview, *, exam_weight: str, interview_weight: str):
    """综合成绩 = 笔试 × 权重 + 面试 × 权重 (Decimal, two places)."""
    from decimal import ROUND_HALF_UP, Decimal

    if exam is None or interview is None:
        return None
    w1, w2 = share(exam_weight), share(interview_weight)
    total = Decimal(exam) * w1.numerator / w1.denominator + Decimal(interview) * w2.numerator / w2.denominator
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


COMPETITION_STAGES = (
    Stage("announcement", "发布公告"),
    Stage("qualification", "报名与资格审查"),
    Stage("exam", "笔试与面试"),
    Stage("vetting", "组织考察"),
    Stage("decision", "讨论决定"),
    Stage("publicity", "任前公示"),
    Stage("appointment", "任职"),
)
COMPETITION_PUBLICITY_TEXT = (
    "经{org}研究，{title}拟任用{appointee}同志为{post}，现予任前公示。公示时间：{start}至{end}（{days}个工作日）。"
    "公示期间，如有问题，可通过来信、来电、来访或12380举报平台向组织部门反映。"
)
COMPETITION_STEPS = (
    StepDef("announce", "发布公告（职位、资格条件、程序）", "announcement", role="department", fields=(Field("scope", "报名范围"),), documents=("竞争上岗（公开选拔）公告",), article="条例第九章"),
    StepDef(
        "qualification", "报名与资格审查", "qualification", role="department", fields=(Field("note", "资格审查情况", required=False),),
        gates=("cadres.competition_applications_closed", "cadres.competition_contested"), article="条例第九章",
    ),
    StepDef("exam", "笔试", "exam", role="department", fields=(Field("note", "笔试情况", required=False),), gates=("cadres.competition_exam_scored",), article="条例第九章"),
    StepDef(
        "interview", "面试与综合成绩排名", "exam", role="department", fields=(Field("note", "面试情况", required=False),),
        gates=("cadres.competition_interview_scored",), on_complete=("cadres.competition_ranked",), article="条例第九章",
    ),
    StepDef(
        "vetting", "组织考察", "vetting", role="department",
        fields=(Field("candidates", "考察对象", "members"), Field("team", "考察组成员（以、分隔）"), Field("talks", "个别谈话人数", "int")),
        gates=("cadres.vetting_team", "cadres.competition_vetting"), on_complete=("cadres.competition_vetted",), documents=("考察材料",), article="条例第五章、第九章",
    ),
    StepDef(
        "decision", "讨论决定", "decision", role="department",
        fields=(
            Field("committee_size", "应到会成员数", "int"),
            Field("present", "实到会成员数", "int"),
            Field("appointees", "决定任用人选", "members"),
            Field("in_favour", "同意票", "int"),
            Field("against", "不同意票", "int", required=False),
            Field("abstain", "弃权票", "int", required=False),
        ),
        gates=("cadres.competition_quorum",), on_complete=("cadres.competition_decided",), documents=("会议纪要",), article="条例第七章",
    ),
    StepDef(
        "publicity", "任前公示", "publicity", role="department",
        fields=(Field("notice_start", "公示开始日期", "date", required=False), Field("notice_end", "公示结束日期", "date", required=False)),
        notice=NoticeDef("任前公示", COMPETITION_PUBLICITY_TEXT, "publicity_working_days", note="条例：任前公示期不少于五个工作日"),
        gates=("cadres.publicity_length",), article="条例第八章",
    ),
    StepDef("appointment", "任职", "appointment", role="department", fields=(Field("document", "任职文号"),), on_complete=("cadres.competition_appointed",), article="条例第八章"),
)

COMPETITION_2019 = define(
    kind=COMPETITION_KIND,
    version="2019",
    effective=dt.date(2019, 3, 3),
    source="《党政领导干部选拔任用工作条例》（2019年3月修订）第九章 公开选拔和竞争上岗",
    title="竞争上岗（公开选拔）",
    stages=COMPETITION_STAGES,
    steps=COMPETITION_STEPS,
    publicity_working_days=SELECTION_NUMBERS["publicity_working_days"],
    vetting_team_min=SELECTION_NUMBERS["vetting_team_min"],
    quorum_share=SELECTION_NUMBERS["quorum_share"],
    decision_share=SELECTION_NUMBERS["decision_share"],
    # 差额: eligible applicants must be MORE than seats × this ratio (otherwise it is no competition).
    contested_ratio="1",
)


def _competition(ctx):
    from .models import Competition

    return Competition.objects.select_related("post__unit").get(instance=ctx.instance)


@gate("cadres.competition_applications_closed")
def _applications_closed(ctx):
    comp = _competition(ctx)
    if ctx.done_on <= comp.apply_until:
        return [FieldError("done_on", "applications_open", _("报名截止日期为%(date)s，报名结束后才能完成资格审查") % {"date": comp.apply_until.isoformat()})]
    return []


@gate("cadres.competition_contested")
def _competition_contested(ctx):
    comp = _competition(ctx)
    n = comp.applications.filter(withdrawn_on__isnull=True).count()
    ratio = ctx.value("contested_ratio")
    if not n > comp.seats * share(ratio):
        return [FieldError("applications", "not_contested", _("资格审查合格的报名人数（%(n)s人）应多于选拔职位数（%(seats)s个）×%(ratio)s，不能形成竞争") % {"n": n, "seats": comp.seats, "ratio": ratio})]
    return []


def _scored_gate(kind: str, label: str):
    def check(ctx):
        comp = _competition(ctx)
        missing = [a.cadre.name for a in comp.applications.filter(withdrawn_on__isnull=True).select_related("cadre") if getattr(a, f"{kind}_score") is None and not a.absent]
        if missing:
            return [FieldError("scores", "scores_missing", _("尚未录入%(label)s成绩：%(names)s") % {"label": label, "names": "、".join(missing)})]
        return []

    return check


gate("cadres.competition_exam_scored")(_scored_gate("exam", "笔试"))
gate("cadres.competition_interview_scored")(_scored_gate("interview", "面试"))


@hook("cadres.competition_ranked")
def _competition_ranked(ctx, record):
    from .services import rank_competition

    rows = rank_competition(competition=_competition(ctx))
    record.data = {**record.data, "ranking": [f"{r.rank}. {r.cadre.name} {r.total}" for r in rows]}
    record.save(update_fields=["data"])


@gate("cadres.competition_vetting")
def _competition_vetting(ctx):
    comp = _competition(ctx)
    chosen = set(ctx.data.get("candidates") or [])
    ranked = {a.cadre_id for a in comp.applications.filter(withdrawn_on__isnull=True, rank__isnull=False)}
    errors = []
    if chosen - ranked:
        errors.append(FieldError("candidates", "bad_value", _("考察对象须是参加了笔试和面试并有综合成绩的报名人")))
    if len(chosen) < comp.seats:
        errors.append(FieldError("candidates", "bad_value", _("考察对象人数（%(n)s人）不能少于选拔职位数（%(seats)s个）") % {"n": len(chosen), "seats": comp.seats}))
    return errors


@hook("cadres.competition_vetted")
def _competition_vetted(ctx, record):
    comp = _competition(ctx)
    chosen = set(ctx.data.get("candidates") or [])
    comp.applications.filter(cadre_id__in=chosen).update(vetted=True)


def quorum_errors(ctx, *, chosen: list, allowed: set, seats: int, field: str) -> list[FieldError]:
    """条例第七章 (shared by selections and competitions): 2/3 present; more than half of the members in favour."""
    size, present = ctx.data.get("committee_size") or 0, ctx.data.get("present") or 0
    q = ctx.value("quorum_share")
    errors = []
    if present > size:
        errors.append(FieldError("present", "bad_value", _("实到会人数不能多于应到会人数")))
    elif not at_least_share(present, size, q):
        errors.append(FieldError("present", "quorum_not_met", _("讨论决定干部任免须有%(share)s以上成员到会（应到%(size)s人，实到%(present)s人）") % {"share": share_words(q), "size": size, "present": present}))
    favour = ctx.data.get("in_favour") or 0
    if favour + (ctx.data.get("against") or 0) + (ctx.data.get("abstain") or 0) > present:
        errors.append(FieldError("in_favour", "bad_value", _("表决票数之和不能多于实到会人数")))
    elif not errors and not favour > size * share(ctx.value("decision_share")):
        errors.append(FieldError("in_favour", "not_adopted", _("同意票未超过应到会成员半数（%(favour)s/%(size)s），不能形成任用决定") % {"favour": favour, "size": size}))
    if not chosen or set(chosen) - allowed:
        errors.append(FieldError(field, "bad_value", _("决定任用人选须是考察对象")))
    elif len(chosen) > seats:
        errors.append(FieldError(field, "bad_value", _("决定任用人数不能多于选拔职位数（%(seats)s个）") % {"seats": seats}))
    return errors


@gate("cadres.competition_quorum")
def _competition_quorum(ctx):
    comp = _competition(ctx)
    allowed = {a.cadre_id for a in comp.applications.filter(vetted=True)}
    return quorum_errors(ctx, chosen=list(ctx.data.get("appointees") or []), allowed=allowed, seats=comp.seats, field="appointees")


@hook("cadres.competition_decided")
def _competition_decided(ctx, record):
    comp = _competition(ctx)
    chosen = list(ctx.data.get("appointees") or [])
    comp.applications.filter(cadre_id__in=chosen).update(chosen=True)
    names = "、".join(a.cadre.name for a in comp.applications.filter(chosen=True).select_related("cadre").order_by("rank"))
    ctx.instance.data = {**ctx.instance.data, "notice_context": {**(ctx.instance.data.get("notice_context") or {}), "appointee": names}}
    ctx.instance.save(update_fields=["data"])


@hook("cadres.competition_appointed")
def _competition_appointed(ctx, record):
    from .services import appoint_from_competition

    appoint_from_competition(ctx=ctx, record=record)


# --- daily oversight (seed 004: 谈心谈话, 从严管理) ----------------------------------------------------------------
OVERSIGHT = "cadres.oversight"
OVERSIGHT_2019 = register(
    RuleSet(
        name=OVERSIGHT,
        version="2019",
        effective=dt.date(2019, 3, 3),
        source="《中国共产党纪律检查机关监督执纪工作规则》（2019）；《关于对党员领导干部进行诫勉的规定》（2019）；"
        "《党政主要领导干部和国有企事业单位主要领导人员经济责任审计规定》（2019）；seed 004（谈心谈话、新提拔干部廉政谈话）",
        values={
            # 监督执纪工作规则 函询: 被函询人应当在收到函件后15个工作日内写出说明材料.
            "inquiry_reply_working_days": 15,
            # 诫勉规定: 受到诫勉的, 六个月内不得提拔或者重用.
            "admonition_no_promotion_months": 6,
            # seed 004: 对新提拔的干部, 进行廉政谈话教育 — within this many days of the appointment (default — replace).
            "promoted_talk_days": 30,
            # 节前廉洁提醒: remind the cadre section this many days before a holiday (default — replace).
            "holiday_remind_days": 7,
            # 经济责任审计规定: 主要领导干部 leaving office are audited — the post kinds that require it.
            "audit_post_kinds": ("principal",),
            # after leaving, the audit report should be linked within this many days (default — replace).
            "audit_link_days": 90,
            # a problem found in a talk is followed up within this many days unless a date is given (default — replace).
            "problem_follow_days": 30,
        },
    )
)


def oversight_rules(on: dt.date | None = None) -> RuleSet:
    return rule(OVERSIGHT, on=on)


# --- side jobs (兼职) ---------------------------------------------------------------------------------------------
SIDE_JOBS = "cadres.side_jobs"
SIDE_JOBS_2013 = register(
    RuleSet(
        name=SIDE_JOBS,
        version="2013",
        effective=dt.date(2013, 10, 19),
        source="中组发〔2013〕18号《关于进一步规范党政领导干部在企业兼职（任职）问题的意见》；中办发〔1998〕17号《关于党政机关领导干部不兼任社会团体领导职务的通知》；seed 004",
        values={
            # (code, applies to cadre status, job kinds, only leadership roles, only unapproved, only paid, basis)
            "flags": (
                ("enterprise_not_allowed", "serving", ("enterprise",), False, False, False,
                 "中组发〔2013〕18号：现职和不担任现职但未办理退（离）休手续的党政领导干部不得在企业兼职（任职）"),
                ("association_not_approved", "serving", ("association", "foundation"), True, True, False,
                 "中办发〔1998〕17号：党政机关领导干部不兼任社会团体领导职务，确需兼任的须按干部管理权限审批"),
                ("paid_not_allowed", "serving", ("enterprise", "association", "foundation", "other"), False, False, True,
                 "中组发〔2013〕18号、中办发〔1998〕17号：兼职不得领取薪酬、奖金、津贴等报酬"),
                ("retired_enterprise_not_approved", "retired", ("enterprise",), False, True, False,
                 "中组发〔2013〕18号：退（离）休后在企业兼职（任职）须按干部管理权限审批（三年内不得到原管辖地区和业务范围内的企业兼职）"),
            ),
        },
    )
)


def side_job_rules(on: dt.date | None = None) -> RuleSet:
    return rule(SIDE_JOBS, on=on)


def side_job_flags(rs: RuleSet, job, cadre_status: str) -> list[tuple[str, str]]:
    """Which rules a side job breaks: [(code, basis)] (pure; ended jobs are not flagged)."""
    if job.ended_on is not None:
        return []
    out = []
    for code, status, kinds, leadership, unapproved, paid, basis in rs["flags"]:
        if status != cadre_status or job.kind not in kinds:
            continue
        if leadership and not job.leadership:
            continue
        if unapproved and job.approval:
            continue
        if paid and not job.paid:
            continue
        out.append((code, basis))
    return out
