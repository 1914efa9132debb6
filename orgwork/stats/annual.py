"""The annual party statistics report (党内统计年报): year-end tables as of 31 December, checks, failing records.

The report is computed from the registry's records, not from the live counters, because it is about a past date:
who was a member in good standing on 31 December of the year (and of the year before), in which org, and what moved
in between. One streamed pass over the scope's members does it (no query per member):

- on a date d a member counts if they had joined by d, had not yet arrived by a transfer from outside the system
  (`Transfer` kind "in" received after d), and their standing on d was normal: the first standing change after d
  (`MemberStatusChange.before`) says what it was; without a later change it is the current standing (a standing
  with no history and a `standing_since` after d counts as normal on d);
- the org on d is the `from_org` of the first in-system transfer received after d, else the current org;
- full or probationary on d follows `confirmed_on`; age and party standing are whole years on 31 December
  (party standing from `confirmed_on`, 党章第七条).

Movements in the year: developments (joined in the year, not arriving from outside), transfers in and out (in-system
across the scope's border, and from/to outside the system), restorations, deaths, exits, removals, suspensions.
Checks: every member table adds up to the total; opening + movements = closing, member by member; the opening
agrees with the previous year's filed closing figures (`AnnualFiling`), naming the records that differ.

Not modelled: org moves done as corrections without a transfer record (the member counts in the current org), and
org-tree reshapes (current paths are used).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from orgwork.core import params
from orgwork.core.fields import subtree_q
from orgwork.core.normalize import add_years
from orgwork.core.rules import UnknownRule
from orgwork.lifecycle.models import Transfer, TransferKind, TransferStatus
from orgwork.members.bands import AGE_BANDS, PARTY_AGE_BANDS, band_of
from orgwork.members.models import Category, Education, Gender, Member, MemberStatusChange, Standing, StatusAction
from orgwork.orgs.models import Org, OrgKind, Sector

from .annual_rules import annual_rules

NORMAL = Standing.NORMAL.value
STANDING_ACTIONS = [
    StatusAction.SUSPEND,
    StatusAction.RESTORE,
    StatusAction.REMOVE,
    StatusAction.EXIT,
    StatusAction.DECEASE,
    StatusAction.TRANSFER_OUT,
]
# Movement rows of the 党员增减变化 table: (code, label, sign)
MOVEMENTS = [
    ("developed", "发展党员", 1),
    ("transfer_in_outside", "从系统外转入", 1),
    ("transfer_in_within", "从本系统其他党组织转入", 1),
    ("restored", "恢复党籍", 1),
    ("deceased", "死亡", -1),
    ("exited", "出党", -1),
    ("removed", "除名", -1),
    ("suspended", "停止党籍", -1),
    ("transferred_out", "转出本系统", -1),
    ("transfer_out_within", "转到本系统其他党组织", -1),
]
STANDING_DECREASE = {
    Standing.DECEASED: "deceased",
    Standing.EXITED: "exited",
    Standing.REMOVED: "removed",
    Standing.SUSPENDED: "suspended",
    Standing.TRANSFERRED_OUT: "transferred_out",
}
COMBO_TABLES = ("sector", "gender", "age", "ethnicity", "education", "occupation", "party_age", "joining")
MEMBER_COLUMNS = [("n", gettext_noop("党员数")), ("full", gettext_noop("正式党员")), ("probationary", gettext_noop("预备党员")), ("women", gettext_noop("其中：女党员"))]
ORG_KIND_ROWS = [
    ("committee", "基层党委"),
    ("working_committee", "党工委"),
    ("general_branch", "党总支"),
    ("branch", "党支部"),
    ("joint_branch", "联合党支部"),
]


@dataclass
class Problem:
    check: str
    member_id: int | None
    name: str
    org: str
    detail: str
    severity: str = "error"  # error: a table or the reconciliation does not add up; warning: a record to look at

    def as_dict(self) -> dict:
        return {"check": self.check, "member_id": self.member_id, "name": self.name, "org": self.org, "detail": self.detail, "severity": self.severity}


@dataclass
class Report:
    year: int
    as_of: dt.date
    scope: list[str]
    scope_org_ids: list[int]
    rule_version: str
    tables: list[dict]
    movements: dict
    checks: list[dict]
    problems: list[Problem]
    closing_ids: list[int] = field(default_factory=list)
    opening_ids: list[int] = field(default_factory=list)
    previous_filing: dict | None = None
    member_count: int = 0

    def summary(self) -> dict:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "scope": self.scope,
            "rule_version": self.rule_version,
            "tables": self.tables,
            "movements": self.movements,
            "checks": self.checks,
            "ok": all(c["ok"] for c in self.checks),
            "problem_count": len(self.problems),
            "previous_filing": self.previous_filing,
        }


def year_bounds(year) -> int:
    """The statistics year, checked: a whole year that has started, and a rule version in force for it."""
    year = params.to_int(year, field="year", label=_("统计年度"), required=True, min_value=params.YEAR_MIN, max_value=dt.date.today().year)
    try:
        annual_rules(on=dt.date(year, 12, 31))
    except UnknownRule:
        raise params.ParamError("year", "no_rule_in_force", _("%(year)s年没有适用的统计口径（党内统计年报规则）") % {"year": year}, label="统计年度") from None
    return year


def _period(joined: dt.date, periods) -> str | None:
    iso = joined.isoformat()
    for code, _label, first, last in periods:
        if (first is None or iso >= first) and (last is None or iso <= last):
            return code
    return None


class _Tally:
    def __init__(self):
        self.cells: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))

    def add(self, table: str, row: str, category: str, female: bool, n: int = 1):
        c = self.cells[table][row]
        c["n"] += n
        c[category] += n
        if female:
            c["women"] += n


def _member_table(code, title, rows, tally: _Tally) -> dict:
    cells = tally.cells.get(code, {})
    out_rows = []
    total = Counter()
    for row_code, label in rows:
        c = cells.get(row_code, Counter())
        total.update(c)
        out_rows.append({"code": row_code, "label": label, "values": [c.get(k, 0) for k, _l in MEMBER_COLUMNS]})
    return {
        "code": code,
        "title": title,
        "head": gettext_noop("项目"),
        "columns": [label for _k, label in MEMBER_COLUMNS],
        "rows": out_rows,
        "total": [total.get(k, 0) for k, _l in MEMBER_COLUMNS],
    }


def _scope_filter(paths: list[str], field_name: str) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q(p, field_name)
    return q


def compute(*, roots: list[Org], year: int, previous_filing=None) -> Report:
    """The report for the subtrees under `roots` (already checked against the actor's scope)."""
    year = year_bounds(year)
    close_d = dt.date(year, 12, 31)
    open_d = dt.date(year - 1, 12, 31)
    rules = annual_rules(on=close_d)
    paths = [o.path for o in roots]

    def in_scope(path: str | None) -> bool:
        return bool(path) and any(path.startswith(p) for p in paths)

    orgs = {o["pk"]: o for o in Org.objects.values("pk", "path", "name", "kind", "sector", "founded_on", "abolished_on")}

    org_in = {oid: in_scope(o["path"]) for oid, o in orgs.items()}

    # Transfers and standing changes after the opening date, by member (a small fraction of the registry).
    transfers: dict[int, list[dict]] = defaultdict(list)
    for t in (
        Transfer.objects.filter(status__in=(TransferStatus.RECEIVED,), received_on__gt=open_d, member__isnull=False)
        .values("member_id", "kind", "from_org_id", "to_org_id", "received_on")
        .order_by("received_on", "id")
        .iterator(chunk_size=2000)
    ):
        transfers[t["member_id"]].append(t)
    changes: dict[int, list[dict]] = defaultdict(list)
    for ch in (
        MemberStatusChange.objects.filter(effective_on__gt=open_d, action__in=STANDING_ACTIONS)
        .values("member_id", "action", "effective_on", "before", "after")
        .order_by("effective_on", "id")
        .iterator(chunk_size=2000)
    ):
        changes[ch["member_id"]].append(ch)

    # Members now outside the scope who were inside it on a date of the year (moved out by an in-system transfer).
    extra_ids = {
        mid
        for mid, ts in transfers.items()
        for t in ts
        if t["kind"] == TransferKind.WITHIN and org_in.get(t["from_org_id"], False)
    }

    occupations = dict(rules["occupations"])
    job_map = rules["job_to_occupation"]
    periods = rules["joining_periods"]
    overdue = dt.timedelta(days=rules["probation_overdue_days"])
    other_occupation = rules["other_occupation"]
    ethnic_rows: Counter = Counter()
    combos: Counter = Counter()  # one count per combination of table rows: the tables are expanded from it once
    tally = _Tally()
    problems: list[Problem] = []
    movements = Counter()
    closing_ids: list[int] = []
    opening_ids: list[int] = []
    total = Counter()

    fields = (
        "pk", "name", "org_id", "gender", "birth_date", "ethnicity", "education", "category", "joined_on",
        "confirmed_on", "job", "standing", "standing_since",
    )  # fmt: skip
    # Two index-friendly reads (an OR of the path range and the id list would scan the table): the members now
    # in the scope, then those who were in it during the year and have moved out since.
    inside = Member.objects.filter(_scope_filter(paths, "org__path")).values_list(*fields).order_by("pk")
    moved_out = Member.objects.filter(pk__in=sorted(extra_ids)).exclude(_scope_filter(paths, "org__path")).values_list(*fields).order_by("pk")
    rows = chain(inside.iterator(chunk_size=5000), moved_out.iterator(chunk_size=2000) if extra_ids else ())
    seen = 0
    for pk, name, org_id, gender, birth, ethnicity, education, category, joined, confirmed, job, standing, since in rows:
        seen += 1
        ts = transfers.get(pk, ())
        chs = changes.get(pk, ())

        def org_at(d, ts=ts, org_id=org_id):
            for t in ts:
                if t["kind"] == TransferKind.WITHIN and t["received_on"] > d:
                    return t["from_org_id"]
            return org_id

        def standing_at(d, chs=chs, standing=standing, since=since):
            for ch in chs:
                if ch["effective_on"] > d and "standing" in (ch["before"] or {}):
                    return ch["before"]["standing"]
            if standing != NORMAL and since is not None and since > d:
                return NORMAL
            return standing

        def counted_at(d, ts=ts, joined=joined):
            if joined > d:
                return False
            if any(t["kind"] == TransferKind.IN and t["received_on"] > d for t in ts):
                return False
            return standing_at(d) == NORMAL and org_in.get(org_at(d), False)

        if ts or chs:
            is_open, is_close = counted_at(open_d), counted_at(close_d)
        else:  # most members: no transfer or standing change since the opening date
            here = org_in.get(org_id, False)
            is_open = here and joined <= open_d and (standing == NORMAL or (since is not None and since > open_d))
            is_close = here and joined <= close_d and (standing == NORMAL or (since is not None and since > close_d))
        org_name = orgs.get(org_at(close_d) if is_close else org_id, {}).get("name", "")
        # --- movements in the year, inside the scope -------------------------------------------------
        net = 0
        came_from_outside = any(t["kind"] == TransferKind.IN for t in ts)
        if open_d < joined <= close_d and not came_from_outside and org_in.get(org_at(joined), False):
            movements["developed"] += 1
            net += 1
        for t in ts:
            if not open_d < t["received_on"] <= close_d:
                continue
            src, dst = org_in.get(t["from_org_id"], False), org_in.get(t["to_org_id"], False)
            if t["kind"] == TransferKind.IN and dst:
                movements["transfer_in_outside"] += 1
                net += 1
            elif t["kind"] == TransferKind.WITHIN and src != dst:
                movements["transfer_in_within" if dst else "transfer_out_within"] += 1
                net += 1 if dst else -1
        for ch in chs:
            if not open_d < ch["effective_on"] <= close_d:
                continue
            before = (ch["before"] or {}).get("standing")
            after = (ch["after"] or {}).get("standing")
            if not org_in.get(org_at(ch["effective_on"]), False) or ch["effective_on"] < joined:
                continue
            if before == NORMAL and after in STANDING_DECREASE:
                movements[STANDING_DECREASE[after]] += 1
                net -= 1
            elif before == Standing.SUSPENDED and after == NORMAL:
                movements["restored"] += 1
                net += 1
        if int(is_close) - int(is_open) != net:
            problems.append(
                Problem(
                    "movement",
                    pk,
                    name,
                    org_name,
                    f"上年末{'在册' if is_open else '不在册'}、本年末{'在册' if is_close else '不在册'}，但本年记录的增减合计为{net:+d}"
                    "（缺少转接、党籍变动或入党日期记录）",
                ),
            )
        if is_open:
            opening_ids.append(pk)
        if not is_close:
            continue
        # --- year-end tables ---------------------------------------------------------------------------
        closing_ids.append(pk)
        cat = Category.FULL if (confirmed and confirmed <= close_d) or (category == Category.FULL and not confirmed) else Category.PROBATIONARY
        female = gender == Gender.FEMALE
        total["n"] += 1
        total[cat] += 1
        total["women"] += int(female)
        org = orgs.get(org_at(close_d), {})
        if org.get("abolished_on") and org["abolished_on"] <= close_d:
            problems.append(Problem("org_active", pk, name, org_name, f"所在党组织已于{org['abolished_on']:%Y年%m月%d日}撤销"))
        occupation = party_age = None
        if ethnicity:
            ethnic_rows[ethnicity] += 1
        else:
            problems.append(Problem("ethnicity", pk, name, org_name, "民族未填写"))
        if not education:
            problems.append(Problem("education", pk, name, org_name, "学历未填写"))
        if job:
            occupation = job_map.get(job.strip(), other_occupation)
        else:
            problems.append(Problem("occupation", pk, name, org_name, "工作岗位（职业）未填写"))
        if cat == Category.PROBATIONARY:
            party_age = "probationary"
            if joined < close_d - overdue:
                problems.append(Problem("probation", pk, name, org_name, f"{joined:%Y年%m月%d日}入党，至年末仍为预备党员，请核实是否已转正", "warning"))
        elif confirmed:
            party_age = band_of(max(0, year - confirmed.year), PARTY_AGE_BANDS)
        else:
            problems.append(Problem("party_age", pk, name, org_name, "正式党员缺少转为正式党员日期，党龄无法计算"))
        period = _period(joined, periods)
        combos[(cat, female, org.get("sector", Sector.OTHER), gender, band_of(max(0, year - birth.year), AGE_BANDS), ethnicity, education, occupation, party_age, period)] += 1
        if not period:
            problems.append(Problem("joining", pk, name, org_name, f"入党日期{joined}不在任何统计时段内"))
        if birth and add_years(birth, 18) > joined:
            problems.append(Problem("age_at_joining", pk, name, org_name, "入党时未满18周岁，请核实出生日期或入党日期", "warning"))

    # --- tables -----------------------------------------------------------------------------------------
    for (cat, female, *cells), n in combos.items():
        for table_code, row in zip(COMBO_TABLES, cells, strict=True):
            if row:
                tally.add(table_code, row, cat, female, n)
    minority = sorted((e for e in ethnic_rows if e != "汉族"), key=lambda e: (-ethnic_rows[e], e))
    tables = [
        _member_table("gender", gettext_noop("表1 党员性别情况"), [(v, str(label)) for v, label in Gender.choices], tally),
        _member_table("age", gettext_noop("表2 党员年龄情况"), [(c, label) for c, label, _lo, _hi in AGE_BANDS], tally),
        _member_table("ethnicity", gettext_noop("表3 党员民族情况"), [("汉族", "汉族"), *[(e, e) for e in minority]], tally),
        _member_table("education", gettext_noop("表4 党员学历情况"), [(v, str(label)) for v, label in Education.choices], tally),
        _member_table("occupation", gettext_noop("表5 党员职业情况"), list(occupations.items()), tally),
        _member_table("party_age", gettext_noop("表6 党员党龄情况"), [*[(c, label) for c, label, _lo, _hi in PARTY_AGE_BANDS], ("probationary", "预备党员（未计党龄）")], tally),
        _member_table("joining", gettext_noop("表7 党员入党时间情况"), [(c, label) for c, label, _a, _b in periods], tally),
        _member_table("sector", gettext_noop("表8 党员所在单位领域情况"), [(v, str(label)) for v, label in Sector.choices], tally),
    ]
    expected_total = [total.get(k, 0) for k, _l in MEMBER_COLUMNS]
    check_labels = {
        "gender": "性别", "age": "年龄", "ethnicity": "民族", "education": "学历", "occupation": "职业",
        "party_age": "党龄", "joining": "入党时间", "sector": "单位领域",
    }  # fmt: skip
    checks = []
    for t in tables:
        checks.append(
            {
                "code": t["code"],
                "label": f"{t['title']}合计与党员总数一致",
                "expected": expected_total[0],
                "actual": t["total"][0],
                "ok": t["total"] == expected_total,
                "problems": sum(1 for p in problems if p.check == t["code"]),
                "detail": f"按{check_labels[t['code']]}分组的合计应等于年末党员总数",
            }
        )

    # Orgs in the scope on 31 December, by kind and sector.
    org_cells: dict[str, Counter] = defaultdict(Counter)
    for o in orgs.values():
        if not in_scope(o["path"]) or o["kind"] == OrgKind.GROUP:
            continue
        if o["founded_on"] and o["founded_on"] > close_d:
            continue
        if o["abolished_on"] and o["abolished_on"] <= close_d:
            continue
        org_cells[o["kind"]][o["sector"]] += 1
    sector_cols = [(v, str(label)) for v, label in Sector.choices]
    org_rows = []
    org_total = Counter()
    for kind, label in ORG_KIND_ROWS:
        c = org_cells.get(kind, Counter())
        org_total.update(c)
        org_rows.append({"code": kind, "label": label, "values": [sum(c.values()), *[c.get(s, 0) for s, _l in sector_cols]]})
    tables.append(
        {
            "code": "orgs",
            "title": gettext_noop("表9 党组织情况（按类别和单位领域）"),
            "head": gettext_noop("党组织类别"),
            "columns": [gettext_noop("合计"), *[label for _s, label in sector_cols]],
            "rows": org_rows,
            "total": [sum(org_total.values()), *[org_total.get(s, 0) for s, _l in sector_cols]],
        }
    )
    checks.append(
        {
            "code": "org_active",
            "label": "党员所在党组织在年末存续",
            "expected": 0,
            "actual": sum(1 for p in problems if p.check == "org_active"),
            "ok": not any(p.check == "org_active" for p in problems),
            "problems": sum(1 for p in problems if p.check == "org_active"),
            "detail": "年末在册党员不应隶属已撤销的党组织",
        }
    )

    # Movements: opening + increases − decreases = closing.
    opening, closing = len(opening_ids), len(closing_ids)
    inc = sum(movements[c] for c, _l, s in MOVEMENTS if s > 0)
    dec = sum(movements[c] for c, _l, s in MOVEMENTS if s < 0)
    move_rows = [{"code": "opening", "label": "上年末党员数", "value": opening}]
    move_rows += [{"code": c, "label": ("增加：" if s > 0 else "减少：") + label, "value": movements[c]} for c, label, s in MOVEMENTS]
    move_rows.append({"code": "closing", "label": "本年末党员数", "value": closing})
    tables.append(
        {
            "code": "movements",
            "title": gettext_noop("表10 党员增减变化情况"),
            "head": gettext_noop("项目"),
            "columns": [gettext_noop("人数")],
            "rows": [{"code": r["code"], "label": r["label"], "values": [r["value"]]} for r in move_rows],
            "total": None,
        }
    )
    movement_problems = sum(1 for p in problems if p.check == "movement")
    checks.append(
        {
            "code": "movement",
            "label": "上年末数＋本年增加－本年减少＝本年末数",
            "expected": opening + inc - dec,
            "actual": closing,
            "ok": opening + inc - dec == closing and not movement_problems,
            "problems": movement_problems,
            "detail": f"{opening} + {inc} − {dec} = {opening + inc - dec}；本年末 {closing}",
        }
    )
    previous = None
    if previous_filing is not None:
        filed_ids = set(previous_filing.closing_ids)
        now_ids = set(opening_ids)
        previous = {"year": previous_filing.year, "closing": previous_filing.closing, "filed_at": previous_filing.filed_at.isoformat(), "by": previous_filing.filed_by_label}
        differ = sorted(filed_ids ^ now_ids)
        if differ:
            names = dict(Member.objects.filter(pk__in=differ).values_list("pk", "name"))
            org_names = dict(Member.objects.filter(pk__in=differ).values_list("pk", "org__name"))
            for mid in differ:
                detail = "上年报送时在册，按现有记录推算上年末不在册" if mid in filed_ids else "上年报送时未计入，按现有记录推算上年末在册"
                problems.append(Problem("previous_filing", mid, names.get(mid, ""), org_names.get(mid, ""), detail + "（上年报送后记录被改动）"))
        checks.append(
            {
                "code": "previous_filing",
                "label": "上年末数与上年已报送的年末数一致",
                "expected": previous_filing.closing,
                "actual": opening,
                "ok": previous_filing.closing == opening and not differ,
                "problems": len(differ),
                "detail": f"{previous_filing.year}年报送年末数 {previous_filing.closing}，按现有记录推算 {opening}",
            }
        )
    return Report(
        year=year,
        as_of=close_d,
        scope=[o.name for o in roots],
        scope_org_ids=[o.pk for o in roots],
        rule_version=rules.version,
        tables=tables,
        movements={"opening": opening, "closing": closing, "increase": inc, "decrease": dec, **{c: movements[c] for c, _l, _s in MOVEMENTS}},
        checks=checks,
        problems=problems,
        closing_ids=closing_ids,
        opening_ids=opening_ids,
        previous_filing=previous,
        member_count=seen,
    )
