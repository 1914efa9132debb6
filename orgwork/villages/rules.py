"""Village and community cadre targets and the kinds of secondment, as versioned rule data.

Source: seed 001 (惠州): "年内实现村村都有“大学生村官”和“村官大学生”,力争到2013年农村干部有大专以上学历的达30%以上,
社区干部有大专以上学历的达50%以上" — every village has a college-graduate village official; at least 30% of rural
cadres and 50% of community cadres with college education (大专以上). The county may publish a newer version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orgwork.core.rules import RuleSet, register, rule

STRUCTURE_2013 = register(
    RuleSet(
        name="villages.structure",
        version="2013",
        effective=dt.date(2012, 1, 1),
        source="seed 001《惠州市组织工作》：村村都有“大学生村官”，农村干部大专以上学历达30%以上，社区干部大专以上学历达50%以上",
        values={
            "college_share": {"rural": "0.30", "community": "0.50"},  # at least this share with 大专以上
            "college_levels": ["doctorate", "master", "bachelor", "college"],  # 大专以上
            "graduate_official_required": ["rural"],  # 村村都有大学生村官: every village
            "age_bands": [35, 45, 55],  # age structure: ≤35, 36–45, 46–55, over 55
        },
    )
)

KINDS_2013 = register(
    RuleSet(
        name="villages.secondment_kinds",
        version="2013",
        effective=dt.date(2012, 1, 1),
        source="seeds 001–004：党建指导员、第一书记（新进班子成员到后进村）、新录用公务员和新提拔领导干部到信访部门、领导干部和后备干部到企业、科技副县长、选调生到乡镇",
        values={
            "kinds": [
                ["instructor", "党建指导员"],
                ["first_secretary", "驻村第一书记"],
                ["petitions", "到信访部门挂职"],
                ["enterprise", "到企业挂职"],
                ["science_deputy", "科技副县长"],
                ["graduate_township", "选调生到乡镇"],
            ],
            "instructor_kind": "instructor",
        },
    )
)


def structure_rules(*, on: dt.date | None = None):
    return rule("villages.structure", on=on)


def kind_rules(*, on: dt.date | None = None):
    return rule("villages.secondment_kinds", on=on)


def kind_label(code: str, rules) -> str:
    return dict(rules["kinds"]).get(code, code)


def meets(college: int, total: int, target: str) -> bool:
    """Whether `college` of `total` reaches the target share (exact, Decimal); an empty group meets nothing."""
    return total > 0 and Decimal(college) >= Decimal(target) * total


def age_band(age: int, bands: list[int]) -> int:
    for i, top in enumerate(bands):
        if age <= top:
            return i
    return len(bands)


# --- the village-cadre rule set (seeds 002, 003) ----------------------------------------------------------------
# Seed 002 (**县《组织部门整合资源思考》): "建立了村干部试用期制度、星级管理制度、述职评议制度；实行村干部结构工资制，
# 并实行乡镇财政预算直发；加强退职村干部管理，按照“适当提高、分类定补、县乡分担”的原则，落实了660名退职村干部补助".
# Seed 003 (肥城): "探索支部书记胜任度评价，实行村书记报酬差异化管理、优秀村书记离任特殊贡献补贴".
# The seeds name the systems, not the numbers: every number below is a default the county replaces with its own
# (rules.md §10), by registering a newer version from its effective date.
DEFAULT_NOTE = "默认值——请替换为本县的规定（种子002、003只规定了制度，未规定数额；rules.md §10）"
SEED_002 = "种子002：建立村干部试用期制度、星级管理制度、述职评议制度；村干部结构工资制，乡镇财政预算直发；退职村干部“适当提高、分类定补、县乡分担”"
SEED_003 = "种子003：支部书记胜任度评价；村书记报酬差异化管理；优秀村书记离任特殊贡献补贴"

CADRE_STARS = "villages.cadre_stars"
CADRE_REVIEW = "villages.cadre_review"
SECRETARY_COMPETENCE = "villages.secretary_competence"

CADRE_2008 = register(
    RuleSet(
        name="villages.cadre_rules",
        version="默认-2008",
        effective=dt.date(2008, 1, 1),
        source=f"{SEED_002}；{SEED_003}。{DEFAULT_NOTE}",
        values={
            "title": "村干部管理制度（试用期、星级管理、述职评议、书记胜任度评价）",
            # 试用期制度: a person new to the two committees serves a probation of this many months; the township
            # decides (confirmed / not confirmed) and may extend once by at most `probation_extension_months`
            "probation_months": 6,
            "probation_extension_months": 6,
            # the yearly star management, 述职评议 and the secretaries' competence assessment run on the kernel's
            # scoring engine (indicator sets below); the 述职评议 grade sets the performance pay of the next year
            "sets": {"stars": CADRE_STARS, "review": CADRE_REVIEW, "competence": SECRETARY_COMPETENCE},
            "competence_posts": ["secretary"],  # 胜任度评价 is for branch secretaries (seed 003)
            "review_due": "03-31",  # the year's 述职评议 is held by this day of the next year
        },
    )
)

PAY_2008 = register(
    RuleSet(
        name="villages.pay",
        version="默认-2008",
        effective=dt.date(2008, 1, 1),
        source=f"{SEED_002}；{SEED_003}。{DEFAULT_NOTE}",
        values={
            "title": "村干部结构报酬、退职村干部补助、村书记差异化报酬和离任补贴（默认）",
            "payer": "乡镇财政预算直发",
            # 结构工资: a base by the highest post held plus a performance part (monthly yuan); holding both posts
            # (交叉任职) adds `cross_holding_extra`
            "base": {"secretary": "2400", "chair": "2200", "deputy": "1900", "vice_chair": "1800", "member": "1600"},
            "performance": {"secretary": "800", "chair": "700", "deputy": "600", "vice_chair": "600", "member": "500"},
            "cross_holding_extra": "300",
            # the performance part is paid at a coefficient of the previous year's 述职评议 grade (none yet: 1)
            "performance_coefficient": {"优秀": "1.2", "称职": "1.0", "基本称职": "0.6", "不称职": "0"},
            "performance_default": "1.0",
            # 村书记报酬差异化: a monthly supplement for the secretary by the previous year's competence grade
            "secretary_supplement": {"胜任": "300", "基本胜任": "0", "不胜任": "0"},
            # 退职村干部补助, 分类定补: the first class whose conditions hold (main post = secretary or chair)
            "former_classes": [
                {"code": "1", "label": "一类（主职干部任职满10年）", "main_post": True, "min_years": 10, "monthly": "300"},
                {"code": "2", "label": "二类（主职干部任职满6年）", "main_post": True, "min_years": 6, "monthly": "200"},
                {"code": "3", "label": "三类（两委成员任职满6年）", "main_post": False, "min_years": 6, "monthly": "120"},
            ],
            "former_county_share": "0.50",  # 县乡分担: the county's share, the township pays the rest
            # 优秀村书记离任特殊贡献补贴: a one-off on leaving, for a secretary with at least `min_years` as
            # secretary and at least `min_excellent` years graded 优秀 in 述职评议; amount per year as secretary
            "leaving_allowance": {"min_years": 10, "min_excellent": 3, "per_year": "1000", "max": "20000"},
        },
    )
)

PAIRING_2008 = register(
    RuleSet(
        name="villages.pairing",
        version="默认-2008",
        effective=dt.date(2008, 1, 1),
        source=f"种子002：县级领导联系点、部门驻村包保与捆绑帮扶、“党员包群众、富户联穷户”结对帮扶；种子004：选派干部到软弱涣散村任第一书记。{DEFAULT_NOTE}",
        values={
            "title": "结对帮扶、联系点与走访（默认）",
            "kinds": [
                ["unit_village", "单位结对帮扶村"],
                ["leader_point", "县级领导联系点"],
                ["member_household", "党员联系群众（结对户）"],
            ],
            # at most this many days between two visits; longer → overdue in the deadline job
            "visit_every_days": {"unit_village": 90, "leader_point": 90, "member_household": 30},
            # first secretaries go to villages flagged 软弱涣散 by the branch star rating of the year or the one before
            "weak_years_back": 1,
            "first_secretary_kind": "first_secretary",
            "first_secretary_grades": [["excellent", "优秀"], ["competent", "称职"], ["basic", "基本称职"], ["incompetent", "不称职"]],
        },
    )
)


def cadre_rules(*, on: dt.date | None = None):
    return rule("villages.cadre_rules", on=on)


def pay_rules(*, on: dt.date | None = None):
    return rule("villages.pay", on=on)


def pairing_rules(*, on: dt.date | None = None):
    return rule("villages.pairing", on=on)


def money(value) -> Decimal:
    """Yuan to the fen, half-up (rules.md §4: money is Decimal, never float)."""
    from decimal import ROUND_HALF_UP

    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


POST_RANK = ["secretary", "chair", "deputy", "vice_chair", "member"]


def base_key(party_post: str, village_post: str) -> str:
    """The post whose pay applies: the highest of the two (secretary > chair > deputy > vice chair > member)."""
    keys = {"secretary": "secretary", "deputy": "deputy", "member": "member"}.get(party_post, ""), {"chair": "chair", "vice_chair": "vice_chair", "member": "member"}.get(village_post, "")
    ranked = [k for k in POST_RANK if k in keys]
    return ranked[0] if ranked else "member"


def former_class(rules, *, main_post: bool, years: int):
    """The subsidy class of a former village cadre (分类定补): the first class whose conditions hold, else None."""
    for c in rules["former_classes"]:
        if years >= c["min_years"] and (main_post or not c["main_post"]):
            return c
    return None


def leaving_allowance(rules, *, secretary_years: int, excellent_years: int) -> Decimal | None:
    """The one-off allowance of an outstanding secretary leaving office, or None when the conditions do not hold."""
    r = rules["leaving_allowance"]
    if secretary_years < r["min_years"] or excellent_years < r["min_excellent"]:
        return None
    return min(money(Decimal(r["per_year"]) * secretary_years), money(r["max"]))


# --- the scoring sets (kernel engine), shipped as defaults -------------------------------------------------------
SCORE_EFFECTIVE = dt.date(2008, 1, 1)


def _reviewer(code, name, area, points, basis):
    return {"code": code, "name": name, "area": area, "points": points, "source": "reviewer", "approver_role": "level_above", "basis": basis}


CADRE_STARS_SPEC = {
    "code": CADRE_STARS, "name": "村（社区）干部星级管理", "purpose": "village_cadre_stars", "subject_type": "villages.cadre", "is_default": True,
    "description": f"{SEED_002}（星级管理制度）。{DEFAULT_NOTE}",
    "version": {
        "version": "默认-2008", "effective_from": SCORE_EFFECTIVE, "source": f"{SEED_002}。{DEFAULT_NOTE}",
        "grades": [{"grade": "五星", "min": "90"}, {"grade": "四星", "min": "80"}, {"grade": "三星", "min": "70"}, {"grade": "二星", "min": "60"}, {"grade": "一星"}],
        "indicators": [
            _reviewer("de", "德：政治品质、道德品行", "德", "20", "种子002 星级管理；德能勤绩廉五项为默认（rules.md §10）"),
            _reviewer("neng", "能：履职能力、带领致富", "能", "20", "种子002 星级管理（默认分值）"),
            _reviewer("qin", "勤：工作作风、坐班值班", "勤", "20", "种子002 星级管理（默认分值）"),
            _reviewer("ji", "绩：工作实绩、集体经济", "绩", "30", "种子002 星级管理（默认分值）"),
            _reviewer("lian", "廉：廉洁自律、村务公开", "廉", "10", "种子002 星级管理；村务公开、财务公开（默认分值）"),
        ],
    },
}  # fmt: skip

CADRE_REVIEW_SPEC = {
    "code": CADRE_REVIEW, "name": "村（社区）干部年度述职评议", "purpose": "village_cadre_review", "subject_type": "villages.cadre", "is_default": True,
    "description": f"{SEED_002}（述职评议制度）。{DEFAULT_NOTE}",
    "version": {
        "version": "默认-2008", "effective_from": SCORE_EFFECTIVE, "source": f"{SEED_002}。{DEFAULT_NOTE}",
        "grades": [{"grade": "优秀", "min": "90"}, {"grade": "称职", "min": "70"}, {"grade": "基本称职", "min": "60"}, {"grade": "不称职"}],
        "indicators": [
            _reviewer("report", "述职报告", "述职", "20", "种子002 述职评议制度（默认分值）"),
            _reviewer("members", "党员群众代表评议", "评议", "40", "种子002 述职评议；种子003 书记既向全体党员述职、接受评议（默认分值）"),
            _reviewer("township", "乡镇（街道）党委考核", "考核", "40", "种子003 向上级党组织述职，双向考核（默认分值）"),
        ],
    },
}  # fmt: skip

SECRETARY_COMPETENCE_SPEC = {
    "code": SECRETARY_COMPETENCE, "name": "村（社区）党组织书记胜任度评价", "purpose": "village_secretary_competence", "subject_type": "villages.cadre",
    "is_default": True, "description": f"{SEED_003}。{DEFAULT_NOTE}",
    "version": {
        "version": "默认-2008", "effective_from": SCORE_EFFECTIVE, "source": f"{SEED_003}。{DEFAULT_NOTE}",
        "grades": [{"grade": "胜任", "min": "80"}, {"grade": "基本胜任", "min": "60"}, {"grade": "不胜任"}],
        "indicators": [
            _reviewer("political", "政治素质", "政治素质", "20", "种子003 支部书记胜任度评价（默认分值）"),
            _reviewer("prosperity", "带富能力（集体经济增收）", "带富能力", "25", "种子003 抓村集体经济“责任清单”（默认分值）"),
            _reviewer("governance", "治理能力", "治理能力", "25", "种子003（默认分值）"),
            _reviewer("service", "服务群众", "服务群众", "20", "种子003（默认分值）"),
            _reviewer("integrity", "廉洁自律", "廉洁自律", "10", "种子003（默认分值）"),
        ],
    },
}  # fmt: skip

SCORE_SPECS = {"stars": CADRE_STARS_SPEC, "review": CADRE_REVIEW_SPEC, "competence": SECRETARY_COMPETENCE_SPEC}
