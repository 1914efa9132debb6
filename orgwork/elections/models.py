"""Term elections (换届选举): the election's own data beside its procedure record (core ProcedureInstance)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class Election(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="elections")
    procedure = models.OneToOneField("core.ProcedureInstance", on_delete=models.PROTECT, related_name="election")
    rules_version = models.CharField(max_length=20)
    seats = models.PositiveSmallIntegerField(_("应选委员人数"))
    open_nomination = models.BooleanField(_("公推直选"), default=False)
    term_ends_on = models.DateField(_("本届任期届满"), null=True, blank=True)
    planned_on = models.DateField(_("计划选举日期"), null=True, blank=True)
    held_on = models.DateField(_("选举日期"), null=True, blank=True)
    voters_entitled = models.PositiveIntegerField(_("应到会有选举权人数"), null=True, blank=True)
    voters_present = models.PositiveIntegerField(_("实到会有选举权人数"), null=True, blank=True)
    ballots_issued = models.PositiveIntegerField(_("发出选票"), null=True, blank=True)
    ballots_returned = models.PositiveIntegerField(_("收回选票"), null=True, blank=True)
    ballots_invalid = models.PositiveIntegerField(_("无效票"), null=True, blank=True)
    valid = models.BooleanField(_("选举有效"), null=True)
    validity_notes = models.JSONField(default=list, blank=True)
    # Who counted as entitled and why (members under 留党察看 excluded, 党章第四十条): see discipline.selectors.
    voters_basis = models.JSONField(_("应到人数依据"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("换届选举")
        verbose_name_plural = _("换届选举")
        ordering = ["-created_at"]

    def __str__(self):
        return str(_("%(org)s 换届选举") % {"org": self.org_id})


class NominatedBy(models.TextChoices):
    COMMITTEE = "committee", _("党组织推荐")
    MEMBERS = "members", _("党员推荐")
    MASSES = "masses", _("群众推荐")
    SELF = "self", _("个人自荐")


class Candidate(TopOrgMixin, NoDeleteModel):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidates")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=60)
    nominated_by = models.CharField(_("提名方式"), max_length=12, choices=NominatedBy.choices)
    recommendation_votes = models.PositiveIntegerField(_("推荐票数"), default=0)
    vetted = models.BooleanField(_("考察合格"), null=True)
    vetting_note = models.CharField(_("考察意见"), max_length=500, blank=True)
    on_ballot = models.BooleanField(_("列为候选人"), default=False)
    votes_for = models.PositiveIntegerField(_("得票"), null=True, blank=True)
    elected = models.BooleanField(_("当选"), default=False)
    post = models.CharField(_("分工"), max_length=24, blank=True)

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "election__org__path"

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="uniq_candidate")]
        ordering = ["election_id", "-votes_for", "id"]

    def __str__(self):
        return self.name
