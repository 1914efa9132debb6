"""Console forms for term elections: start, steps, nominations, vetting, the ballot count, posts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf


class StartForm(cf.ConsoleForm):
    on = cf.DateField(label=_("启动日期"), default=cf.TODAY)
    open_nomination = cf.FlagField(label=_("公开推荐"))


class ActionForm(cf.ConsoleForm):
    action = cf.ChoiceField(label=_("操作"), choices=["step", "nominate", "vet", "ballot", "post"])
    step = cf.TextField(label=_("步骤"), max_length=60)


class NominateForm(cf.ConsoleForm):
    member = cf.IdField(label=_("党员"), required=True)
    nominated_by = cf.TextField(label=_("推荐方式"), max_length=40, default="committee")
    recommendation_votes = cf.IntField(label=_("推荐票数"), min_value=0, max_value=1_000_000, default=0)


class VetForm(cf.ConsoleForm):
    candidate = cf.IdField(label=_("候选人"), required=True)
    passed = cf.FlagField(label=_("审查通过"))
    note = cf.TextField(label=_("审查意见"), max_length=500)


class PostForm(cf.ConsoleForm):
    candidate = cf.IdField(label=_("候选人"), required=True)
    post = cf.TextField(label=_("职务"), max_length=40)


class BallotForm(cf.ConsoleForm):
    """The count: attendance, ballots and one `vote_<candidate id>` per candidate (empty = not counted)."""

    entitled = cf.IntField(label=_("应到人数"), min_value=0, max_value=1_000_000)
    present = cf.IntField(label=_("实到人数"), min_value=0, max_value=1_000_000, default=0)
    issued = cf.IntField(label=_("发出选票数"), min_value=0, max_value=1_000_000, default=0)
    returned = cf.IntField(label=_("收回选票数"), min_value=0, max_value=1_000_000, default=0)
    invalid = cf.IntField(label=_("无效票数"), min_value=0, max_value=1_000_000, default=0)

    def __init__(self, *args, candidate_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        for pk in candidate_ids:
            field = cf.IntField(label=_("得票数"), min_value=0, max_value=1_000_000)
            field.param_name = self.add_prefix(f"vote_{pk}")
            self.fields[f"vote_{pk}"] = field

    def votes(self) -> dict[int, int]:
        d = self.values()
        return {int(k[5:]): v for k, v in d.items() if k.startswith("vote_") and v is not None}
