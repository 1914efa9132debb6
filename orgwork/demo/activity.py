"""Demo activity: every module alive for a new user — applicants at each development stage, transfers in flight,
mobile members, dues paid and in arrears, a term coming up for election. Written through the services (audited)
except the year of dues, which is bulk-loaded with one audit entry like the demo meetings."""

from __future__ import annotations

import datetime as dt
import logging
import random

from orgwork.core import audit, distribution
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.normalize import add_months, add_years

log = logging.getLogger(__name__)

# One development record from application to full membership, with dates that satisfy every gate of the 2014
# procedure (shifted as a whole so the chosen stopping step lies just before today).
SCRIPT = [
    ("talk", dt.date(2023, 3, 15), {"talker": "支部书记"}, {}),
    ("activist", dt.date(2023, 4, 10), {"method": "members", "decided_by": "committee"}, {}),
    ("activist_filed", dt.date(2023, 4, 20), {}, {}),
    ("contacts", dt.date(2023, 4, 25), "contacts", {}),
    ("activist_assessment", dt.date(2024, 4, 12), {}, {}),
    ("candidate", dt.date(2024, 4, 15), {"opinions_heard": True}, {}),
    ("candidate_filed", dt.date(2024, 4, 20), {}, {}),
    ("sponsors", dt.date(2024, 4, 25), "sponsors", {}),
    ("political_review", dt.date(2024, 5, 10), {"conclusion": "pass"}, {"政治审查结论性材料": "政审〔2024〕12号"}),
    ("training", dt.date(2024, 5, 20), {"days": 3, "organizer": "县委党校"}, {}),
    ("committee_review", dt.date(2024, 6, 3), {"conclusion": "pass"}, {}),
    ("pre_review", dt.date(2024, 6, 5), {"conclusion": "pass", "notice_place": "村务公开栏"}, {}),
    ("form", dt.date(2024, 6, 14), {}, {"入党志愿书": "志愿书编号 0012345"}),
    ("general_meeting", dt.date(2024, 6, 20), {"entitled": 10, "present": 8, "in_favour": 7, "against": 1}, {}),
    ("higher_talk", dt.date(2024, 7, 10), {"talker": "镇党委副书记"}, {}),
    ("approval", dt.date(2024, 7, 20), {"conclusion": "approve"}, {}),
    ("approval_filed", dt.date(2024, 7, 25), {}, {}),
    ("assigned", dt.date(2024, 7, 26), {"group": "第一党小组"}, {}),
    ("oath", dt.date(2024, 7, 28), {}, {}),
]
ASSESSMENTS = {"activist_assessment": [dt.date(2023, 10, 1), dt.date(2024, 4, 1)]}
APPLIED = dt.date(2023, 3, 1)
# Where each demo applicant stops: one or two per stage of the five.
STOPS = ["apply", "apply", "talk", "activist_filed", "contacts", "candidate_filed", "political_review", "training", "approval", "oath"]


class Activity:
    def __init__(self, builder):
        self.b = builder
        self.rng = random.Random(builder.rng.random())
        self.today = builder.today
        self.actor: Actor = builder.actor
        self.counts: dict[str, int] = {}

    def _count(self, key, n=1):
        self.counts[key] = self.counts.get(key, 0) + n

    def branches_with_members(self, n):
        from orgwork.members.models import Member

        ids = list(Member.objects.filter(standing="normal", category="full").values_list("org_id", flat=True).distinct().order_by("org_id"))
        return [b for b in self.b.branches if b.pk in set(ids)][:n]

    # --- development ------------------------------------------------------------------------------
    def applicants(self):
        from orgwork.members.models import Member
        from orgwork.recruitment import services as rec

        branches = self.branches_with_members(len(STOPS))
        for i, stop in enumerate(STOPS):
            if not branches:
                break
            branch = branches[i % len(branches)]
            full = list(Member.objects.filter(org=branch, standing="normal", category="full").values_list("pk", flat=True)[:2])
            if len(full) < 2:
                continue
            stop_on = self.today - dt.timedelta(days=14 + 7 * i)
            if stop == "apply":
                shift = stop_on - APPLIED
            else:
                shift = stop_on - next(d for k, d, *_r in SCRIPT if k == stop)
            person = self.b.person(branch.sector)
            birth = min(person["birth_date"], self.today - dt.timedelta(days=23 * 365))
            try:
                a = rec.start_application(
                    actor=self.actor, org_id=branch.pk, applied_on=APPLIED + shift, name=person["name"], id_number=self._new_id(birth),
                    education=person["education"], job=person["job"], phone=person["phone"], documents={"入党申请书": f"申请书 {self.today.year}-{i + 1:03d}"},
                )  # fmt: skip
            except ServiceError as exc:
                log.info("demo applicant skipped: %s", exc)
                continue
            self._count("applicants")
            if stop == "apply":
                continue
            for key, on, data, docs in SCRIPT:
                try:
                    for when in ASSESSMENTS.get(key, []):
                        rec.add_assessment(actor=self.actor, applicant_id=a.pk, done_on=when + shift, result="表现良好", step=key)
                    payload = {"contacts": full[:1]} if data == "contacts" else {"sponsors": full} if data == "sponsors" else dict(data)
                    rec.complete_step(actor=self.actor, applicant_id=a.pk, step=key, done_on=on + shift, data=payload, documents=docs)
                except ServiceError as exc:  # a holiday moved a notice period: the person stays at the stage reached
                    log.info("demo applicant %s stopped before %s: %s", a.pk, key, exc)
                    break
                if key == stop:
                    break

    def _new_id(self, birth):
        from orgwork.core import idcard
        from orgwork.members.models import Member

        while True:
            number = idcard.make("511526", birth, self.rng.randint(1, 999))
            if number not in self.b.used_ids and not Member.objects.filter(id_number=number).exists():
                self.b.used_ids.add(number)
                return number

    # --- transfers and mobile members --------------------------------------------------------------
    def transfers(self):
        from orgwork.lifecycle.services import transfers as tr
        from orgwork.members.models import Member

        branches = self.branches_with_members(12)
        if len(branches) < 4:
            return
        picks = list(Member.objects.filter(org__in=branches, standing="normal").order_by("-id")[:6])
        plans = [
            ("within", 3, "工作调动"),
            ("within", 12, "迁居"),
            ("within_returned", 20, "到新单位工作"),
            ("letter", 10, "考入外省公务员"),
            ("letter_late_receipt", 45, "随配偶迁居外市"),
        ]
        for (kind, days, reason), m in zip(plans, picks, strict=False):
            on = self.today - dt.timedelta(days=days)
            target = next(b for b in branches if b.pk != m.org_id)
            try:
                if kind.startswith("within"):
                    t = tr.start_within(actor=self.actor, member_id=m.pk, to_org_id=target.pk, reason=reason, on=on)
                    if kind == "within_returned":
                        tr.return_for_correction(actor=self.actor, transfer_id=t.pk, reason="转入党支部应为该单位所在的机关党支部，请核实", on=on + dt.timedelta(days=3))
                else:
                    tr.issue_letter(actor=self.actor, member_id=m.pk, to_org_name="中共宜宾市翠屏区委组织部", reason=reason, on=on, valid_days=30)
                self._count("transfers")
            except ServiceError as exc:
                log.info("demo transfer skipped: %s", exc)
        # one letter from outside waiting to be received, and one that arrived four months after it expired
        for number, issued_days, late_reason in (("川外2026-0301", 8, ""), ("渝2026-0117", 160, "在外地住院治疗，出院后报到")):
            person = self.b.person(branches[0].sector)
            issued = self.today - dt.timedelta(days=issued_days)
            try:
                tr.register_incoming(
                    actor=self.actor, letter_number=number, from_org_name="中共某县某镇委员会", to_org_id=branches[1].pk, letter_issued_on=issued,
                    valid_until=issued + dt.timedelta(days=30), on=self.today - dt.timedelta(days=2), late_reason=late_reason,
                    person={k: person[k] for k in ("name", "id_number", "category", "joined_on", "confirmed_on", "phone")},
                )  # fmt: skip
                self._count("transfers")
            except ServiceError as exc:
                log.info("demo incoming letter skipped: %s", exc)

    def mobile(self):
        from orgwork.lifecycle.services import mobile
        from orgwork.members.models import Member

        rural = [b for b in self.b.branches if b.sector == "rural"][:8]
        people = list(Member.objects.filter(org__in=rural, standing="normal", job="外出务工")[:12])
        places = ["广东省深圳市宝安区", "浙江省义乌市", "福建省晋江市", "江苏省苏州市工业园区", "重庆市渝北区", "新疆乌鲁木齐市"]
        for i, m in enumerate(people):
            left = add_months(self.today, -(2 + i % 10))
            try:
                reg = mobile.register(
                    actor=self.actor, member_id=m.pk, left_on=left, destination=places[i % len(places)], workplace="务工", home_contact="支部组织委员",
                    member_phone=m.phone, card_number=f"流动证{self.today.year}{i + 1:04d}",
                )  # fmt: skip
                if i % 3 != 2:  # every third one has not been heard from since leaving
                    mobile.record_contact(actor=self.actor, registration_id=reg.pk, contacted_on=min(self.today, left + dt.timedelta(days=40)), channel="微信", note="在外务工，参加当地流动党员活动")
                self._count("mobile")
            except ServiceError as exc:
                log.info("demo mobile member skipped: %s", exc)

    # --- dues: a year paid, a few in arrears, a few never declared -----------------------------------
    def dues(self):
        from orgwork.dues.calc import assess
        from orgwork.dues.models import DuesBase, DuesMonth, DuesPayment
        from orgwork.dues.rules import dues_rules
        from orgwork.members.models import Member

        rules = dues_rules(on=self.today)
        this_month = self.today.replace(day=1)
        first = add_months(this_month, -11)
        members = list(Member.objects.filter(standing="normal").values_list("pk", "org_id", "joined_on", "job"))
        bases, plans = [], []
        for pk, org_id, joined, job in members:
            r = self.rng.random()
            if r < 0.01:
                continue  # never declared: the first arrears to settle
            if job == "离退休人员":
                a = assess(rules, category="retired", base=str(self.rng.choice([2800, 3600, 4500, 6200])))
            elif job in ("农牧渔民", "外出务工"):
                a = assess(rules, category="farmer", amount=str(self.rng.choice(["0.50", "1.00"])))
            elif job == "学生":
                a = assess(rules, category="student")
            else:
                a = assess(rules, category="salaried", base=str(self.rng.choice([2600, 3800, 4600, 5200, 7400, 11000])))
            start = max(first, joined.replace(day=1))
            last = add_months(this_month, -1) if r < 0.80 else this_month
            if 0.80 <= r < 0.84:
                last = add_months(this_month, -self.rng.randint(3, 5))  # 3–5 months behind: listed
            elif 0.84 <= r < 0.87:
                last = add_months(this_month, -self.rng.randint(6, 9))  # 6 months or more: flagged for the branch
            row = DuesBase(
                member_id=pk, category=a.category, base=a.base, rate=a.rate, monthly_amount=a.monthly_amount, declared_on=start, effective_from=start,
                rule_version=a.rule_version, actor_label="演示数据",
            )  # fmt: skip
            bases.append(row)
            plans.append((pk, org_id, start, last, a.monthly_amount))
        distribution.fill(bases)
        DuesBase.objects.bulk_create(bases, batch_size=2000)
        base_of = dict(DuesBase.objects.values_list("member_id", "pk"))
        payments, months = [], []
        for pk, org_id, start, last, amount in plans:
            month = start
            while month <= last:  # paid quarter by quarter (or the months left), a few days into the quarter's last month
                chunk = [add_months(month, i) for i in range(3) if add_months(month, i) <= last]
                paid_on = min(self.today, chunk[-1].replace(day=self.rng.randint(3, 25)))
                payments.append(DuesPayment(member_id=pk, org_id=org_id, paid_on=paid_on, amount=amount * len(chunk), months=len(chunk), actor_label="演示数据"))
                months.append((pk, org_id, chunk, paid_on, amount))
                month = add_months(chunk[-1], 1)
        distribution.fill(payments)
        DuesPayment.objects.bulk_create(payments, batch_size=2000)
        rows = []
        for p, (pk, org_id, chunk, paid_on, amount) in zip(payments, months, strict=True):
            for m in chunk:
                rows.append(DuesMonth(member_id=pk, month=m, org_id=org_id, due=amount, paid=amount, paid_on=paid_on, base_id=base_of.get(pk), payment_id=p.pk, rule_version=rules.version))
        distribution.fill(rows)
        DuesMonth.objects.bulk_create(rows, batch_size=5000)
        audit.record_many(self.actor, [audit.Entry(action="dues.demo_load", object_type="dues.duespayment", object_id="*", data={"bases": len(bases), "payments": len(payments), "months": len(rows)})])
        self._count("dues_months", len(rows))

    # --- an election due --------------------------------------------------------------------------
    def election_due(self):
        from orgwork.orgs import services as org_services

        for b in self.b.branches[:2]:
            years = b.term_length() or 3
            started = add_years(add_months(self.today, 3), -years)  # the term ends in three months
            try:
                org_services.update_org(actor=self.actor, org_id=b.pk, term_started_on=started)
                self._count("elections_due")
            except ServiceError as exc:
                log.info("demo term skipped: %s", exc)

    def run(self) -> dict[str, int]:
        self.dues()
        self.transfers()
        self.mobile()
        self.election_due()
        self.applicants()
        return self.counts


def build_activity(builder) -> dict[str, int]:
    return Activity(builder).run()
