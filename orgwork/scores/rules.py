"""Rule data of the scores module: the default indicator sets and the numbers of stars and assessments.

None of these numbers is a national rule: member points, standardization rubrics and assessment weights are local
practice (rules.md §10). They ship as data marked "default — replace with the department's own"; a department
edits its own version in the console (a new version of the set from its date), never in code. Where a number
rests on a rule — how often meetings are held (rules.md §5), dues paid monthly (§4), study exam grades (§7) — the
indicator's `basis` says so.
"""

from __future__ import annotations

import datetime as dt

from orgwork.core.rules import RuleSet, register

DEFAULT_NOTE = "默认细则——请替换为本部门的细则（rules.md §10：积分、标准化细则、考核权重属地方做法）"
EFFECTIVE = dt.date(2019, 1, 1)

MEMBER_POINTS = "scores.member_points"
BRANCH_STARS = "scores.branch_stars"

# --- member points 先锋储值 / 量化积分 (seeds 000, 003) -------------------------------------------------
MEMBER_POINTS_SPEC = {
    "code": MEMBER_POINTS,
    "name": "党员先锋储值积分",
    "purpose": "member_points",
    "subject_type": "members.member",
    "is_default": True,
    "description": DEFAULT_NOTE,
    "version": {
        "version": "默认-2019",
        "effective_from": EFFECTIVE,
        "source": DEFAULT_NOTE,
        # the year total is a reference for the annual appraisal (民主评议党员, rules.md §5): 优秀/合格/基本合格/不合格
        "grades": [{"grade": "优秀", "min": "60"}, {"grade": "合格", "min": "30"}, {"grade": "基本合格", "min": "10"}, {"grade": "不合格"}],
        "indicators": [
            {"code": "attend", "name": "参加组织生活（三会一课、主题党日）", "area": "履职尽责", "points": "2", "source": "automatic",
             "provider": "meetings.attendance", "basis": "rules.md §5 组织生活频次；每次2分为默认值（§10）"},
            {"code": "dues_on_time", "name": "按月按时交纳党费", "area": "履职尽责", "points": "1", "source": "automatic",
             "provider": "dues.on_time", "basis": "rules.md §4 党费按月交纳；每月1分为默认值（§10）"},
            {"code": "study_daily", "name": "日常学习（学习强国、线上学习）", "area": "学习提升", "mode": "per_unit", "points": "0.5", "unit": "半小时",
             "cap_day": "2", "cap_year": "200", "basis": "rules.md §10 默认：每半小时0.5分、每日上限2分（参照学习强国的日上限）"},
            {"code": "study_course", "name": "参加专题培训、读书班", "area": "学习提升", "points": "2", "cap_month": "8", "evidence_required": True,
             "basis": "rules.md §5 党员每年学习培训不少于32学时；每次2分、每月上限8分为默认值（§10）"},
            {"code": "volunteer", "name": "志愿服务", "area": "志愿服务", "points": "3", "cap_day": "3", "cap_month": "12", "evidence_required": True,
             "basis": "rules.md §10 默认：每次3分、每日上限3分、每月上限12分，须附照片"},
            {"code": "pioneer_deed", "name": "先锋事迹（急难险重、见义勇为、服务群众）", "area": "先锋作用", "mode": "tiered", "points": "0", "source": "reviewer",
             "unit": "级", "tiers": [{"min_units": "1", "points": "3"}, {"min_units": "2", "points": "6"}, {"min_units": "3", "points": "10"}],
             "cap_year": "30", "evidence_required": True, "basis": "rules.md §10 默认：支部认定3分、乡镇认定6分、县级以上10分，每年上限30分"},
            {"code": "duty_post", "name": "无职党员设岗定责履职", "area": "先锋作用", "points": "2", "source": "reviewer", "cap_month": "2",
             "basis": "rules.md §10 默认：履职良好每月2分"},
            {"code": "absent_unexcused", "name": "无故缺席组织生活", "area": "扣分", "direction": "deduct", "points": "3", "source": "automatic",
             "provider": "meetings.absent_unexcused", "basis": "rules.md §5 党员应参加组织生活；每次扣3分为默认值（§10）"},
            {"code": "dues_arrears", "name": "未按规定交纳党费", "area": "扣分", "direction": "deduct", "points": "2", "source": "reviewer",
             "basis": "rules.md §4 党费按月交纳；每欠交一月扣2分为默认值（§10）"},
            {"code": "misconduct", "name": "违反纪律、造成不良影响", "area": "扣分", "direction": "deduct", "points": "10", "source": "reviewer",
             "approver_role": "level_above", "basis": "rules.md §10 默认：每次扣10分，由上级党组织认定"},
        ],
    },
}  # fmt: skip

# --- branch standardization and stars (seed 003) ---------------------------------------------------------------
# Six content areas (政治建设、班子建设、党内生活、党员管理、基础保障、服务发展); basic / standard / innovation
# levels; five stars. Reviewer-scored items are self-assessed by the branch and reviewed by the level above.
BRANCH_STARS_SPEC = {
    "code": BRANCH_STARS,
    "name": "党支部标准化规范化建设星级评定",
    "purpose": "branch_stars",
    "subject_type": "orgs.org",
    "is_default": True,
    "description": DEFAULT_NOTE + "。依据种子003：六项重点内容、基本/规范/创新三个层次、五星级过硬党支部。",
    "version": {
        "version": "默认-2019",
        "effective_from": EFFECTIVE,
        "source": DEFAULT_NOTE,
        "grades": [{"grade": "五星", "min": "95"}, {"grade": "四星", "min": "85"}, {"grade": "三星", "min": "75"}, {"grade": "二星", "min": "65"},
                   {"grade": "一星", "min": "60"}, {"grade": "未评星"}],
        "indicators": [
            {"code": "political", "name": "政治建设：理论学习、贯彻上级部署", "area": "政治建设", "points": "15", "source": "reviewer", "approver_role": "level_above"},
            {"code": "team", "name": "班子建设：班子健全、按期换届", "area": "班子建设", "points": "15", "source": "reviewer", "approver_role": "level_above"},
            {"code": "secretary_vacant", "name": "支部书记空缺超过半年", "area": "班子建设", "direction": "deduct", "points": "4", "source": "automatic",
             "provider": "orgs.secretary_vacant", "basis": "种子003 基本标准（班子建设）；扣4分为默认值（rules.md §10）"},
            {"code": "term_overdue", "name": "任期届满未按期换届", "area": "班子建设", "direction": "deduct", "points": "3", "source": "automatic",
             "provider": "orgs.term_overdue", "basis": "支部工作条例（2018）第二十八条：支部委员会每届任期3年或5年，按期换届；扣3分为默认值（rules.md §10）"},
            {"code": "life", "name": "党内生活：三会一课、主题党日、组织生活会", "area": "党内生活", "points": "20", "source": "reviewer", "approver_role": "level_above",
             "basis": "rules.md §5 组织生活频次"},
            {"code": "three_one_missed", "name": "三会一课少开一次", "area": "党内生活", "direction": "deduct", "mode": "per_unit", "points": "2", "source": "automatic",
             "provider": "meetings.three_one_missed", "basis": "rules.md §5 三会一课频次；少一次扣2分为默认值（§10）"},
            {"code": "members", "name": "党员管理：发展党员、教育管理、党费收缴", "area": "党员管理", "points": "20", "source": "reviewer", "approver_role": "level_above"},
            {"code": "basics", "name": "基础保障：活动场所、经费、台账", "area": "基础保障", "points": "15", "source": "reviewer", "approver_role": "level_above"},
            {"code": "service", "name": "服务发展：围绕中心、服务群众、党建品牌", "area": "服务发展", "points": "15", "source": "reviewer", "approver_role": "level_above"},
        ],
    },
}  # fmt: skip

DEFAULT_SETS = (MEMBER_POINTS_SPEC, BRANCH_STARS_SPEC)

# --- numbers of stars, weak branches and assessments (rule sets with dates) ---------------------------------------
STARS = register(
    RuleSet(
        name="scores.stars",
        version="默认-2019",
        effective=EFFECTIVE,
        source=DEFAULT_NOTE,
        values={
            "title": "星级评定与软弱涣散认定（默认）",
            # stars by the year total of the rubric (100 points)
            "star_thresholds": ((5, 95), (4, 85), (3, 75), (2, 65), (1, 60)),
            # a total below this, or the secretary vacant this many months, flags the branch 软弱涣散
            "weak_below": 60,
            "weak_vacancy_months": 6,
            "secretary_vacancy_months": 6,  # "支部书记空缺超过半年" (seed 003)
            "rectification_months": 12,  # default deadline of a rectification case
        },
    )
)

ASSESSMENT = register(
    RuleSet(
        name="scores.assessment",
        version="默认-2019",
        effective=EFFECTIVE,
        source=DEFAULT_NOTE,
        values={
            "title": "领导班子和书记述职评议（默认）",
            # rater groups and weights (sum 100); the department replaces them with its own
            "groups": (("committee", "班子成员", 30), ("members", "党员代表", 40), ("above", "上级党组织", 30)),
            # points of each rating on a ballot
            "rating_points": (("好", 100), ("较好", 80), ("一般", 60), ("差", 0)),
            # grade of the weighted score
            "grade_thresholds": (("好", 90), ("较好", 75), ("一般", 60)),
            "lowest_grade": "差",
        },
    )
)


def stars_for(total, rules: RuleSet) -> int:
    for stars, minimum in rules["star_thresholds"]:
        if total >= minimum:
            return stars
    return 0


def assessment_grade(score, rules: RuleSet) -> str:
    for grade, minimum in rules["grade_thresholds"]:
        if score >= minimum:
            return grade
    return rules["lowest_grade"]
