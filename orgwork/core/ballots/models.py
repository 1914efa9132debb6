"""Models of the ballot engine (orgwork.core.ballots). See the package docstring for the design.

Kept apart from core/models.py and imported from it with one line. Nothing here points from a cast ballot to a
voter, a code or a moment: `CastBallot` has a random UUID key, no timestamp, no credential and no entry.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..distribution import TopOrgMixin
from ..models import NoDeleteModel

__all__ = [
    "APPROVE_CHOICES",
    "Ballot",
    "BallotOption",
    "BallotQuestion",
    "BallotStatus",
    "CastBallot",
    "Channel",
    "Credential",
    "PaperEntry",
    "PaperSheet",
    "QuestionKind",
    "SheetStatus",
    "VoterGroup",
]


class BallotStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已计票")
    CANCELLED = "cancelled", _("已取消")


class QuestionKind(models.TextChoices):
    CHOOSE = "choose", _("限额选择")  # pick at most k of the options (推荐, 选举)
    APPROVE = "approve", _("赞成/不赞成/弃权")  # one of three per option
    RATING = "rating", _("等次评价")  # one level per option (优秀/称职/基本称职/不称职, or a scale)
    TEXT = "text", _("意见建议")  # free text


APPROVE_CHOICES = {"approve": _("赞成"), "disapprove": _("不赞成"), "abstain": _("弃权")}


class Ballot(TopOrgMixin, NoDeleteModel):
    """One vote: its questions, its voter groups, its credentials; sealed until closed."""

    org = models.ForeignKey("orgs.Org", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("投票名称"), max_length=200)
    purpose = models.CharField(_("用途"), max_length=40, db_index=True)  # e.g. cadres.recommendation, polls.survey
    owner_type = models.CharField(max_length=80, blank=True)  # the app record the ballot belongs to
    owner_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=BallotStatus.choices, default=BallotStatus.DRAFT, db_index=True)
    opens_at = models.DateTimeField(_("开始投票"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止投票"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("计票时间"), null=True, blank=True)
    results = models.JSONField(default=dict, blank=True)  # frozen tally, written once at close
    results_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self):
        return self.title


class BallotQuestion(NoDeleteModel):
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="questions")
    seq = models.PositiveSmallIntegerField()
    kind = models.CharField(_("题型"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=500)
    min_choices = models.PositiveSmallIntegerField(default=0)
    max_choices = models.PositiveSmallIntegerField(default=1)  # choose: at most k; over k on paper = invalid (多选无效)
    levels = models.JSONField(default=list, blank=True)  # rating: [{"key","label","score"}]
    required = models.BooleanField(default=False)

    SCOPE_PATH = "ballot__org__path"

    class Meta:
        verbose_name = _("投票题目")
        verbose_name_plural = _("投票题目")
        ordering = ["ballot", "seq"]
        constraints = [models.UniqueConstraint(fields=["ballot", "seq"], name="uniq_ballot_question_seq")]

    def __str__(self):
        return self.text


class BallotOption(NoDeleteModel):
    """A candidate or an item of a question; `subject_*` points at what the owner app means (a cadre, a member)."""

    question = models.ForeignKey(BallotQuestion, on_delete=models.PROTECT, related_name="options")
    seq = models.PositiveSmallIntegerField()
    label = models.CharField(_("选项"), max_length=200)
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)

    SCOPE_PATH = "question__ballot__org__path"

    class Meta:
        verbose_name = _("投票选项")
        verbose_name_plural = _("投票选项")
        ordering = ["question", "seq"]
        constraints = [models.UniqueConstraint(fields=["question", "seq"], name="uniq_ballot_option_seq")]

    def __str__(self):
        return self.label


class VoterGroup(NoDeleteModel):
    """A group of voters with its weight (e.g. 领导班子成员 40%, 中层干部 30%, 其他干部群众 30%)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="groups")
    seq = models.PositiveSmallIntegerField()
    name = models.CharField(_("投票人类别"), max_length=100)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=3, default=1)
    size = models.PositiveIntegerField(_("应参加人数"), default=0)
    paper_sheets = models.PositiveIntegerField(_("发出纸质票数"), default=0)

    SCOPE_PATH = "ballot__org__path"

    class Meta:
        verbose_name = _("投票人类别")
        verbose_name_plural = _("投票人类别")
        ordering = ["ballot", "seq"]
        constraints = [models.UniqueConstraint(fields=["ballot", "seq"], name="uniq_voter_group_seq")]

    def __str__(self):
        return self.name


class Credential(NoDeleteModel):
    """The right to cast one ballot: a one-time code (only its keyed hash is stored) or a named voter.

    `used` is a flag with no time on purpose. A named voter's credential says who took part, never what they chose.
    """

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="credentials")
    group = models.ForeignKey(VoterGroup, on_delete=models.PROTECT, related_name="credentials")
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    voter_type = models.CharField(max_length=80, blank=True)
    voter_id = models.CharField(max_length=64, blank=True)
    voter_label = models.CharField(max_length=100, blank=True)
    used = models.BooleanField(default=False)
    voided = models.BooleanField(default=False)

    SCOPE_PATH = "ballot__org__path"

    class Meta:
        verbose_name = _("投票凭证")
        verbose_name_plural = _("投票凭证")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "voter_type", "voter_id"], condition=~models.Q(voter_id=""), name="uniq_ballot_named_voter"
            )
        ]
        indexes = [models.Index(fields=["ballot", "group", "used"])]

    def __str__(self):
        return f"{self.ballot_id}/{self.group_id}"


class Channel(models.TextChoices):
    ONLINE = "online", _("网上投票")
    PAPER = "paper", _("纸质票")


def _random_uuid():
    return uuid.uuid4()


class CastBallot(models.Model):
    """One ballot in the box. Random key, no timestamp, no credential, no clerk: it cannot be traced back.

    Online slots are created empty when credentials are issued (one per credential, in random key order) and a
    vote fills a randomly chosen empty slot of its group with an UPDATE, so the row order in the table is the
    order the slots were made, not the order people voted. Paper ballots are inserted when their two entries agree.
    """

    id = models.UUIDField(primary_key=True, default=_random_uuid, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="cast")
    group = models.ForeignKey(VoterGroup, on_delete=models.PROTECT, related_name="cast")
    filled = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    valid = models.BooleanField(default=True)
    answers = models.JSONField(default=dict, blank=True)

    SCOPE_PATH = "ballot__org__path"

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        indexes = [models.Index(fields=["ballot", "group", "filled"])]

    def __str__(self):
        return str(self.id)

    def delete(self, *args, **kwargs):
        from ..models import HardDeleteForbidden

        raise HardDeleteForbidden("ballots are never deleted")


class SheetStatus(models.TextChoices):
    PENDING = "pending", _("待二次录入")
    MATCHED = "matched", _("两次录入一致")
    MISMATCH = "mismatch", _("两次录入不一致")
    RESOLVED = "resolved", _("已核对更正")


class PaperSheet(NoDeleteModel):
    """A paper ballot as numbered by the counting clerks after the box was opened and mixed (not a voter's number)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="sheets")
    group = models.ForeignKey(VoterGroup, on_delete=models.PROTECT, related_name="sheets")
    sheet_no = models.PositiveIntegerField(_("票号"))
    status = models.CharField(_("核对状态"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.PENDING)
    resolution = models.CharField(_("更正说明"), max_length=500, blank=True)

    SCOPE_PATH = "ballot__org__path"

    class Meta:
        verbose_name = _("纸质票")
        verbose_name_plural = _("纸质票")
        ordering = ["ballot", "group", "sheet_no"]
        constraints = [models.UniqueConstraint(fields=["group", "sheet_no"], name="uniq_paper_sheet_no")]

    def __str__(self):
        return f"{self.group_id}#{self.sheet_no}"


class PaperEntry(NoDeleteModel):
    """One clerk's typing of one paper sheet; two clerks per sheet, compared."""

    sheet = models.ForeignKey(PaperSheet, on_delete=models.PROTECT, related_name="entries")
    pass_no = models.PositiveSmallIntegerField()  # 1, 2; 3 = the supervisor's correction after a mismatch
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    clerk_label = models.CharField(_("录入人"), max_length=150)
    answers = models.JSONField(default=dict, blank=True)
    spoiled = models.BooleanField(_("废票"), default=False)

    SCOPE_PATH = "sheet__ballot__org__path"

    class Meta:
        verbose_name = _("纸质票录入")
        verbose_name_plural = _("纸质票录入")
        ordering = ["sheet", "pass_no"]
        constraints = [models.UniqueConstraint(fields=["sheet", "pass_no"], name="uniq_paper_entry_pass")]

    def __str__(self):
        return f"{self.sheet_id}/{self.pass_no}"
