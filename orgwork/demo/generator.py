"""A realistic county for demos, tests and benchmarks: towns, villages, communities, agencies, schools,
enterprises; names repeating across towns; valid ID numbers; plausible dates."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from orgwork.core import idcard
from orgwork.core.actor import Actor
from orgwork.core.models import Role
from orgwork.core.normalize import add_years
from orgwork.core.services import grant_role
from orgwork.members import services as member_services
from orgwork.members.models import Category, Education
from orgwork.orgs import services as org_services
from orgwork.orgs.models import Org, OrgKind, Sector

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强志明海燕春梅小红德华文军永刚桂芳国庆丽华晓东晓燕婷雪梅宇飞浩然子涵欣怡思远俊杰雨轩梓萱"
TOWNS = ["城关镇", "清河镇", "石桥镇", "龙泉镇", "白沙镇", "新街乡", "桃源乡", "马鞍乡", "双河镇", "青山乡", "玉和乡", "洛亥镇"]
VILLAGES = ["红旗村", "团结村", "新民村", "先锋村", "和平村", "光明村", "胜利村", "建设村", "幸福村", "前进村", "长安村", "兴隆村"]
COMMUNITIES = ["东街社区", "西街社区", "南关社区", "北门社区", "滨河社区", "新城社区"]
AGENCIES = ["县财政局", "县教育局", "县人社局", "县卫健局", "县农业农村局", "县交通运输局", "县自然资源局", "县市场监管局", "县民政局", "县司法局"]
SCHOOLS = ["县第一中学", "县第二中学", "县职业中学", "县实验小学", "城关小学"]
SOES = ["县城投公司", "县水务公司", "县供销社", "县农商银行"]
PRIVATES = ["宏达建材有限公司", "金山煤业有限公司", "绿源茶业有限公司", "恒通物流有限公司", "新华书店", "天府酒业有限公司"]
SOCIALS = ["县个体劳动者协会", "县律师协会", "县物业管理协会"]
ETHNICITIES = ["汉族"] * 18 + ["苗族", "彝族", "回族", "土家族"]
EDUCATION_WEIGHTS = [
    (Education.DOCTORATE, 1),
    (Education.MASTER, 4),
    (Education.BACHELOR, 25),
    (Education.COLLEGE, 22),
    (Education.SECONDARY, 10),
    (Education.HIGH_SCHOOL, 14),
    (Education.JUNIOR_HIGH, 16),
    (Education.PRIMARY, 8),
]
JOBS = {
    Sector.RURAL: ["农牧渔民", "村干部", "外出务工"],
    Sector.COMMUNITY: ["社区工作者", "离退休人员", "个体工商户"],
    Sector.AGENCY: ["公务员", "机关工作人员"],
    Sector.SCHOOL: ["教师", "学校管理人员", "学生"],
    Sector.SOE: ["企业管理人员", "专业技术人员", "工人"],
    Sector.PRIVATE: ["企业管理人员", "专业技术人员", "工人"],
    Sector.SOCIAL: ["社会组织从业人员", "律师"],
    Sector.INSTITUTION: ["专业技术人员", "事业单位管理人员"],
}
REGIONS = ["511526", "511502", "511521", "511523", "511524", "511525"]
DEMO_PASSWORD = "Zugong#2026"


@dataclass
class DemoResult:
    orgs: int = 0
    members: int = 0
    users: list = field(default_factory=list)
    activity: dict = field(default_factory=dict)


class CountyBuilder:
    def __init__(self, *, members: int, seed: int = 20261123, county: str = "珙县", today: dt.date | None = None):
        self.rng = random.Random(seed)
        self.target_members = members
        self.county = county
        self.today = today or dt.date.today()
        self.actor = Actor.system_actor("demo")
        self.branches: list[Org] = []
        self.used_ids: set[str] = set()
        self.result = DemoResult()

    # --- orgs -------------------------------------------------------------------------------
    def org(self, parent, name, kind, sector, *, short_name="", term=True):
        founded = dt.date(self.rng.randint(1950, 2018), self.rng.randint(1, 12), self.rng.randint(1, 28))
        term_start = None
        if term and kind != OrgKind.GROUP and self.rng.random() > 0.08:
            term_start = dt.date(self.today.year - self.rng.randint(0, 5), self.rng.randint(1, 12), self.rng.randint(1, 28))
            term_start = max(term_start, founded)
            if term_start > self.today:
                term_start = self.today
        o = org_services.create_org(
            actor=self.actor,
            parent_id=parent.pk if parent else None,
            name=name,
            kind=kind,
            sector=sector,
            short_name=short_name,
            founded_on=founded,
            term_started_on=term_start,
            unit_name=name.replace("中共", "").replace("党支部", "").replace("党总支", "").replace("委员会", ""),
        )
        self.result.orgs += 1
        if kind in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH):
            self.branches.append(o)
        return o

    def build_tree(self) -> Org:
        c = self.county
        root = self.org(None, f"中共{c}委员会", OrgKind.COMMITTEE, Sector.AGENCY, short_name=f"{c}委")
        # Scale the number of towns to the requested size (about 40 members per branch).
        towns = TOWNS[: max(2, min(len(TOWNS), self.target_members // 450 + 2))]
        for town in towns:
            t = self.org(root, f"中共{c}{town}委员会", OrgKind.COMMITTEE, Sector.RURAL, short_name=f"{town}党委")
            villages = self.rng.sample(VILLAGES, k=min(len(VILLAGES), 4 + self.rng.randint(0, 5)))
            for i, village in enumerate(villages):
                if i == 0:
                    gb = self.org(t, f"{village}党总支", OrgKind.GENERAL_BRANCH, Sector.RURAL)
                    for n in ("第一党支部", "第二党支部", "第三党支部"):
                        self.org(gb, n, OrgKind.BRANCH, Sector.RURAL)
                else:
                    self.org(t, f"{village}党支部", OrgKind.BRANCH, Sector.RURAL)
            if town in ("城关镇", "清河镇", "龙泉镇"):
                for community in self.rng.sample(COMMUNITIES, k=2):
                    self.org(t, f"{community}党支部", OrgKind.BRANCH, Sector.COMMUNITY)
            self.org(t, "机关党支部", OrgKind.BRANCH, Sector.AGENCY)
            self.org(t, "非公企业联合党支部", OrgKind.JOINT_BRANCH, Sector.PRIVATE)
        agencies = self.org(root, f"中共{c}直属机关工作委员会", OrgKind.WORKING_COMMITTEE, Sector.AGENCY, short_name="县直机关工委")
        for a in AGENCIES:
            if a == "县教育局":
                gb = self.org(agencies, f"{a}机关党总支", OrgKind.GENERAL_BRANCH, Sector.AGENCY)
                for n in ("第一党支部", "第二党支部", "退休党支部"):
                    self.org(gb, n, OrgKind.BRANCH, Sector.AGENCY)
            else:
                self.org(agencies, f"{a}机关党支部", OrgKind.BRANCH, Sector.AGENCY)
        edu = self.org(root, f"中共{c}教育系统委员会", OrgKind.COMMITTEE, Sector.SCHOOL, short_name="教育系统党委")
        for s in SCHOOLS:
            if "中学" in s:
                gb = self.org(edu, f"{s}党总支", OrgKind.GENERAL_BRANCH, Sector.SCHOOL)
                for n in ("第一党支部", "第二党支部"):
                    self.org(gb, n, OrgKind.BRANCH, Sector.SCHOOL)
            else:
                self.org(edu, f"{s}党支部", OrgKind.BRANCH, Sector.SCHOOL)
        soe = self.org(root, f"中共{c}国有企业委员会", OrgKind.COMMITTEE, Sector.SOE, short_name="国企党委")
        for s in SOES:
            self.org(soe, f"{s}党支部", OrgKind.BRANCH, Sector.SOE)
        two_new = self.org(root, f"中共{c}非公有制经济组织和社会组织工作委员会", OrgKind.WORKING_COMMITTEE, Sector.PRIVATE, short_name="两新工委")
        for p in PRIVATES:
            self.org(two_new, f"{p}党支部", OrgKind.BRANCH, Sector.PRIVATE)
        for s in SOCIALS:
            self.org(two_new, f"{s}党支部", OrgKind.BRANCH, Sector.SOCIAL)
        hospital = self.org(root, f"中共{c}人民医院委员会", OrgKind.COMMITTEE, Sector.INSTITUTION, short_name="县医院党委")
        for n in ("内科党支部", "外科党支部", "行政后勤党支部"):
            self.org(hospital, n, OrgKind.BRANCH, Sector.INSTITUTION)
        return root

    # --- members ----------------------------------------------------------------------------
    def person(self, sector, *, probationary=False):
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 1, 2))))
        age = rng.choice([rng.randint(22, 35), rng.randint(30, 60), rng.randint(45, 85)])
        if sector == Sector.SCHOOL and rng.random() < 0.1:
            age = rng.randint(18, 22)
        birth = self.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        while True:
            seq = rng.randint(1, 999)
            number = idcard.make(rng.choice(REGIONS), birth, seq)
            if number not in self.used_ids:
                self.used_ids.add(number)
                break
        earliest = add_years(birth, 18) + dt.timedelta(days=30)
        if probationary:
            joined = self.today - dt.timedelta(days=rng.randint(20, 330))
        else:
            latest = self.today - dt.timedelta(days=400)
            if earliest >= latest:
                return self.person(sector, probationary=True)
            joined = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
        joined = max(joined, earliest)
        edu = rng.choices([e for e, _w in EDUCATION_WEIGHTS], weights=[w for _e, w in EDUCATION_WEIGHTS])[0]
        return {
            "name": name,
            "gender": "M" if seq % 2 else "F",
            "id_number": number,
            "birth_date": birth,
            "ethnicity": rng.choice(ETHNICITIES),
            "education": edu,
            "category": Category.PROBATIONARY if probationary else Category.FULL,
            "joined_on": joined,
            "confirmed_on": None if probationary else add_years(joined, 1),
            "job": rng.choice(JOBS.get(sector, ["其他"])),
            "phone": f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "address": f"{self.county}{rng.choice(TOWNS)}{rng.choice(VILLAGES + COMMUNITIES)}{rng.randint(1, 99)}号",
            "lost_contact": False,
        }

    def build_members(self):
        rng = self.rng
        weights = []
        for _branch in self.branches:
            r = rng.random()
            weights.append(0.05 if r < 0.04 else (1.6 if r > 0.96 else 0.5 + rng.random()))
        total_w = sum(weights)
        rows = []
        for branch, w in zip(self.branches, weights, strict=True):
            n = max(1, round(self.target_members * w / total_w))
            for _i in range(n):
                row = self.person(branch.sector, probationary=rng.random() < 0.05)
                row["org"] = branch
                rows.append(row)
        for start in range(0, len(rows), 5000):
            member_services.bulk_create_members(actor=self.actor, rows=rows[start : start + 5000], action="member.demo")
        self.result.members = len(rows)
        return rows

    def build_officers(self):
        from orgwork.members.models import Member

        for b in self.branches:
            names = list(Member.objects.filter(org=b, category=Category.FULL).values_list("pk", "name")[:5])
            if not names:
                continue
            seats = 1 if len(names) < 5 or self.rng.random() < 0.2 else min(5, len(names))
            posts = ["secretary", "organization", "publicity", "discipline", "member"][:seats]
            for (pk, name), post in zip(names, posts, strict=False):
                org_services.appoint_officer(actor=self.actor, org_id=b.pk, name=name, post=post, member_id=pk, started_on=b.term_started_on)


def demo_users(root: Org, builder: CountyBuilder) -> list[tuple[str, str, str]]:
    """Accounts at several levels; all share DEMO_PASSWORD (README lists them)."""
    from orgwork.members.models import Member

    User = get_user_model()
    actor = builder.actor
    town = Org.objects.filter(parent=root, kind=OrgKind.COMMITTEE).order_by("path").first()
    other_town = Org.objects.filter(parent=root, kind=OrgKind.COMMITTEE).order_by("path")[1]
    branch = Org.objects.filter(path__startswith=town.path, kind=OrgKind.BRANCH, members__isnull=False).order_by("path").first()
    other_branch = Org.objects.filter(path__startswith=other_town.path, kind=OrgKind.BRANCH, members__isnull=False).order_by("path").first()
    accounts = [
        ("admin", "系统管理员", [(root, Role.SYSADMIN)], True),
        ("county", "县委组织部管理员", [(root, Role.DEPT_ADMIN)], False),
        ("town", f"{town.short_name or town.name}管理员", [(town, Role.ORG_ADMIN), (other_branch, Role.SECRETARY)], False),
        ("secretary", f"{branch.name}书记", [(branch, Role.SECRETARY)], False),
    ]
    out = []
    for username, label, roles, superuser in accounts:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, first_name=label, is_staff=True, is_superuser=superuser)
        for org, role in roles:
            grant_role(actor=actor, user=user, org=org, role=role)
        out.append((username, label, ", ".join(f"{Role(r).label}@{o.name}" for o, r in roles)))
    # The member account is the branch's secretary: linking the account grants the post's console role
    # (orgs.services.grant_post_roles), so it reaches both the member's own pages and the secretary console.
    from orgwork.orgs.models import OrgOfficer

    secretary = OrgOfficer.objects.filter(org=branch, post="secretary", ended_on__isnull=True, member__isnull=False).first()
    member = secretary.member if secretary else Member.objects.filter(org=branch).order_by("id").first()
    user = User.objects.create_user(username="member", password=DEMO_PASSWORD, first_name=member.name)
    grant_role(actor=actor, user=user, org=branch, role=Role.MEMBER)
    member_services.link_user(actor=actor, member_id=member.pk, user=user)
    post = f"，{branch.name}书记（支部书记后台）" if secretary else ""
    out.append(("member", member.name, f"党员@{branch.name}{post}"))
    return out


@transaction.atomic
def build_county(*, members: int = 3000, seed: int = 20261123, users: bool = True, today: dt.date | None = None, activity: bool = False) -> DemoResult:
    builder = CountyBuilder(members=members, seed=seed, today=today)
    root = builder.build_tree()
    builder.build_members()
    builder.build_officers()
    if activity:
        from .activity import build_activity

        builder.result.activity = build_activity(builder)
    if users:
        builder.result.users = demo_users(root, builder)
        from .work import build_work  # work waiting at several levels, so the demo accounts have something to do

        build_work(root, builder)
        build_app_demos(root, builder)
    return builder.result


def build_app_demos(root, builder) -> None:
    """Each module may ship `orgwork/<app>/demo.py` with `build(root, builder) -> dict`; they run in INSTALLED_APPS order,
    after the registries, activity and waiting work exist, so a new module adds its demo data without editing this file."""
    import importlib
    import importlib.util

    from django.apps import apps as django_apps

    for config in django_apps.get_app_configs():
        name = f"{config.name}.demo"
        if not config.name.startswith("orgwork.") or config.name == "orgwork.demo":
            continue
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        builder.result.activity[config.label] = module.build(root, builder) or {}
