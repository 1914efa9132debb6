"""Two procedures on the kernel: setting up a new organization, and a mid-term by-election (届中调整).

org_setup    request (the org the new one will sit under) → approval by the level above → set up: the new org is
             created in the tree on its founding date (支部工作条例第五条: a branch needs 3 or more full members;
             fewer → a joint branch). The request, the approval number and the founding are the record.
by_election  proposal (a seat fell vacant between terms) → approval by the level above → the members' meeting
             votes → the elected member takes the seat. Those entitled are counted by discipline.selectors (members
             under 留党察看 excluded, 党章第四十条); the candidate must be a full member with the right to stand;
             validity and majority as in term elections (选举工作条例: more than 4/5 present, more than half of them).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import audit, params
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.discipline.selectors import is_on_probation, voting_basis
from orgwork.elections import voting
from orgwork.elections.rules import voting_rules
from orgwork.members.models import Category, Member, Standing
from orgwork.orgs import services as org_services
from orgwork.orgs.models import ALLOWED_PARENTS, OfficerPost, Org, OrgKind, OrgOfficer, Sector
from orgwork.orgs.rules import structure_rules

SOURCE = "《中国共产党支部工作条例（试行）》（2018）第五、六条；《中国共产党基层组织选举工作条例》（2020）"
EFFECTIVE = dt.date(2020, 7, 13)
DECISION = proc.Field("decision", gettext_lazy("审批意见"), "choice", choices=(("approve", gettext_lazy("批准")), ("reject", gettext_lazy("不批准"))))
KINDS = tuple((k, label) for k, label in OrgKind.choices if k != OrgKind.GROUP)
SINGLE_POSTS = (OfficerPost.SECRETARY, OfficerPost.ORGANIZATION, OfficerPost.PUBLICITY, OfficerPost.DISCIPLINE)

proc.define(
    kind="org_setup",
    version="2018",
    effective=dt.date(2018, 10, 28),
    source=SOURCE,
    title=gettext_lazy("成立党组织"),
    stages=(proc.Stage("request", gettext_lazy("申请")), proc.Stage("approve", gettext_lazy("审批")), proc.Stage("setup", gettext_lazy("成立"))),
    steps=(
        proc.StepDef(
            "request", gettext_lazy("提出成立党组织的请示"), "request",
            fields=(
                proc.Field("name", gettext_lazy("拟成立党组织名称")),
                proc.Field("kind", gettext_lazy("党组织类别"), "choice", choices=KINDS),
                proc.Field("sector", gettext_lazy("单位所属领域"), "choice", choices=tuple(Sector.choices)),
                proc.Field("unit_name", gettext_lazy("所在单位"), required=False),
                proc.Field("full_members", gettext_lazy("正式党员人数"), "int"),
                proc.Field("reason", gettext_lazy("成立理由")),
            ),
            gates=("org_setup.structure",),
            article="支部工作条例第五、六条",
        ),
        proc.StepDef("approve", gettext_lazy("上级党组织审批"), "approve", role="committee", fields=(DECISION, proc.Field("approval_no", gettext_lazy("批复文号"))), gates=("reorg.approved",), article="支部工作条例第五条"),
        proc.StepDef(
            "establish", gettext_lazy("宣布成立"), "setup", fields=(proc.Field("founded_on", gettext_lazy("成立日期"), "date"),), gates=("org_setup.founded",),
            on_complete=("org_setup.create",), locks=True, article="支部工作条例第五条",
        ),
    ),
)

proc.define(
    kind="by_election",
    version="2020",
    effective=EFFECTIVE,
    source=SOURCE,
    title=gettext_lazy("届中调整（补选）"),
    stages=(proc.Stage("propose", gettext_lazy("提出")), proc.Stage("approve", gettext_lazy("审批")), proc.Stage("vote", gettext_lazy("选举"))),
    steps=(
        proc.StepDef(
            "propose", gettext_lazy("提出补选请示"), "propose",
            fields=(proc.Field("post", gettext_lazy("补选职务"), "choice", choices=tuple(c for c in OfficerPost.choices if c[0] != OfficerPost.GROUP_LEADER)), proc.Field("reason", gettext_lazy("缺额原因"))),
            gates=("by_election.vacancy",),
            article="选举工作条例：委员出缺，一般应召开党员大会补选",
        ),
        proc.StepDef("approve", gettext_lazy("上级党组织批复"), "approve", role="committee", fields=(DECISION, proc.Field("approval_no", gettext_lazy("批复文号"))), gates=("reorg.approved",)),
        proc.StepDef(
            "vote", gettext_lazy("党员大会补选"), "vote",
            fields=(
                proc.Field("candidate", gettext_lazy("当选人"), "member"),
                proc.Field("entitled", gettext_lazy("应到会有选举权人数"), "int", required=False, help=gettext_lazy("不填则按党员名册计算（不含受留党察看处分的党员）")),
                proc.Field("present", gettext_lazy("实到会有选举权人数"), "int"),
                proc.Field("votes_for", gettext_lazy("得票"), "int"),
                proc.Field("invalid", gettext_lazy("无效票"), "int", required=False),
            ),
            gates=("by_election.vote",),
            on_complete=("by_election.appoint",),
            locks=True,
            article="党章第四十条；选举工作条例：到会超过应到会的五分之四，得票超过实到会的半数",
        ),
    ),
)


@proc.gate("reorg.approved")
def approved(ctx):
    if ctx.data.get("decision") != "approve":
        return [FieldError("decision", "not_approved", _("上级党组织未批准的，请办理终止并说明原因"))]
    return []


@proc.gate("org_setup.structure")
def structure(ctx):
    rules = structure_rules(ctx.done_on)
    kind, n, parent = ctx.data.get("kind"), ctx.data.get("full_members") or 0, ctx.instance.org
    errors = []
    if kind == OrgKind.BRANCH and n < rules["branch_min_full_members"]:
        errors.append(FieldError("full_members", "too_few", _("正式党员%(n)s人，不足%(branch_min_full_members)s人的不能单独成立党支部，可成立联合党支部（支部工作条例第五、六条）") % {"n": n, "branch_min_full_members": rules['branch_min_full_members']}))
    if kind in OrgKind.values and parent.kind not in ALLOWED_PARENTS[OrgKind(kind)]:
        errors.append(FieldError("kind", "bad_parent", _("%(label)s不能设在%(kind)s之下") % {"label": OrgKind(kind).label, "kind": parent.get_kind_display()}))
    if Org.objects.filter(parent=parent, name=ctx.data.get("name", ""), abolished_on__isnull=True).exists():
        errors.append(FieldError("name", "duplicate_existing", _("“%(name)s”下已有同名党组织") % {"name": parent.name}))
    return errors


@proc.gate("org_setup.founded")
def founded(ctx):
    if ctx.data.get("founded_on") and ctx.data["founded_on"] > ctx.done_on:
        return [FieldError("founded_on", "date_order", _("成立日期不能晚于办理日期"))]
    return []


@proc.hook("org_setup.create")
def create(ctx, record):
    req = ctx.data_of("request")
    org = org_services.create_org(
        actor=ctx.actor, parent_id=ctx.instance.org_id, name=req["name"], kind=req["kind"], sector=req["sector"],
        unit_name=req.get("unit_name", ""), founded_on=ctx.data["founded_on"],
    )
    ctx.instance.data = {**ctx.instance.data, "org_id": org.pk}
    ctx.instance.save(update_fields=["data", "updated_at"])


@proc.gate("by_election.vacancy")
def vacancy(ctx):
    org, post = ctx.instance.org, ctx.data.get("post")
    ends = org.term_ends_on()
    errors = []
    if ends and ctx.done_on >= ends:
        errors.append(FieldError("post", "term_over", _("本届任期已于%(ends)s届满，应进行换届选举而不是补选") % {"ends": format(ends, '%Y年%m月%d日')}))
    seats = OrgOfficer.objects.filter(org=org, ended_on__isnull=True).exclude(post=OfficerPost.GROUP_LEADER)
    if post in SINGLE_POSTS and seats.filter(post=post).exists():
        errors.append(FieldError("post", "not_vacant", _("%(label)s尚有在任人员，请先办理离任") % {"label": OfficerPost(post).label}))
    most = structure_rules(ctx.done_on)["committee_max_size"]
    if seats.count() >= most:
        errors.append(FieldError("post", "committee_full", _("委员会已有%(count)s人，最多%(most)s人") % {"count": seats.count(), "most": most}))
    return errors


@proc.gate("by_election.vote")
def vote(ctx):
    org, d = ctx.instance.org, ctx.data
    member = Member.objects.filter(subtree_q(org.path, "org__path"), pk=d.get("candidate")).first()
    if member is None or member.standing != Standing.NORMAL:
        return [FieldError("candidate", "not_in_roster", _("当选人应为本组织在册党员"))]
    if member.category != Category.FULL:
        return [FieldError("candidate", "probationary", _("预备党员没有被选举权"))]
    if is_on_probation(member, ctx.done_on):
        return [FieldError("candidate", "party_probation", _("%(name)s正受留党察看处分，没有被选举权（党章第四十条）") % {"name": member.name})]
    basis = voting_basis(org, on=ctx.done_on)
    errors = basis.check(d.get("entitled"), label=_("应到会有选举权人数"))
    if errors:
        return errors
    if d.get("entitled") is None:
        d["entitled"] = basis.entitled
    d["entitled_note"] = basis.note()
    present, invalid = d["present"], d.get("invalid") or 0
    tally = voting.count(seats=1, entitled=d["entitled"], present=present, issued=present, returned=present, invalid=invalid, votes={member.pk: d["votes_for"]}, rules=voting_rules(ctx.done_on))
    if not tally.valid:
        return tally.errors
    if member.pk not in tally.elected:
        return [FieldError("votes_for", "not_elected", _("%(name)s得票%(votes_for)s，未超过实到会人数%(present)s的半数，未当选") % {"name": member.name, "votes_for": d['votes_for'], "present": present})]
    return []


@proc.hook("by_election.appoint")
def appoint(ctx, record):
    member = Member.objects.get(pk=ctx.data["candidate"])
    post = ctx.data_of("propose")["post"]
    seat = org_services.appoint_officer(actor=ctx.actor, org_id=ctx.instance.org_id, name=member.name, post=post, member_id=member.pk, started_on=ctx.done_on)
    ctx.instance.data = {**ctx.instance.data, "officer_id": seat.pk}
    ctx.instance.save(update_fields=["data", "updated_at"])


# --- starting them: one service each --------------------------------------------------------------------------


@transaction.atomic
def request_setup(*, actor: Actor, parent_id, on: dt.date, data: dict, comment: str = "") -> proc.ProcedureInstance:
    """Open the set-up procedure at the future parent and record the request (its fields checked by the gates)."""
    parent = params.writable_org(actor, parent_id, field="parent", label=_("上级党组织"))
    name = (data or {}).get("name") or ""
    instance = proc.start(actor=actor, kind="org_setup", org_id=parent.pk, title=f"成立{name or '党组织'}", on=on)
    proc.complete_step(actor=actor, instance_id=instance.pk, step="request", done_on=on, data=data, comment=comment)
    audit.record(actor, "reorg.setup_request", instance, data={"parent": parent.pk, "name": name})
    return instance


@transaction.atomic
def propose_by_election(*, actor: Actor, org_id, on: dt.date, post: str, reason: str) -> proc.ProcedureInstance:
    org = params.writable_org(actor, org_id, field="org", label=_("党组织"))
    if org.kind == OrgKind.GROUP:
        raise ServiceError.single("org", "bad_value", _("党小组不设委员会"))
    instance = proc.start(actor=actor, kind="by_election", org_id=org.pk, title=f"{org.name}补选{OfficerPost(post).label if post in OfficerPost.values else ''}", on=on)
    proc.complete_step(actor=actor, instance_id=instance.pk, step="propose", done_on=on, data={"post": post, "reason": reason})
    return instance
