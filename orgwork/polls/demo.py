"""Demo: a closed survey with answers (by one-time codes) to show the charts, and an open members' poll."""

from __future__ import annotations

from . import services
from .models import Poll


def _questions(actor, poll):
    services.add_question(actor=actor, poll_id=poll.pk, kind="single", text="您对本单位党建工作是否满意？", options=["满意", "基本满意", "不满意"], required=True)
    services.add_question(actor=actor, poll_id=poll.pk, kind="multiple", text="希望加强哪些方面？", options=["学习教育", "服务群众", "组织生活", "作风建设"], max_choices=2)
    services.add_question(actor=actor, poll_id=poll.pk, kind="rating", text="给党组织工作打分", required=True)
    services.add_question(actor=actor, poll_id=poll.pk, kind="text", text="意见建议")


def build(root, builder) -> dict:
    if Poll.objects.exists():
        return {"polls": Poll.objects.count()}
    actor, rng = builder.actor, builder.rng
    done = services.create_poll(actor=actor, org_id=root.pk, title="群众对基层党组织满意度测评", audience="codes", description="匿名作答，感谢参与。")
    _questions(actor, done)
    done, codes = services.open_poll(actor=actor, poll_id=done.pk, codes=12)
    for code in codes[:9]:
        answers = {"1": [rng.choice([1, 1, 1, 2, 3])], "2": sorted(rng.sample([1, 2, 3, 4], 2)), "3": {"1": str(rng.choice([3, 4, 5, 5]))}}
        if rng.random() < 0.4:
            answers["4"] = rng.choice(["希望多开展志愿服务", "党务公开再及时一些", "组织生活形式可以更丰富"])
        services.answer_with_code(code=code, poll_id=done.pk, answers=answers)
    services.close_poll(actor=actor, poll_id=done.pk)
    opened = 0
    if builder.branches:
        branch = builder.branches[0]
        p = services.create_poll(actor=actor, org_id=branch.pk, title=f"{branch.name}党员满意度调查", audience="members")
        _questions(actor, p)
        try:
            services.open_poll(actor=actor, poll_id=p.pk)
            opened = 1
        except Exception:  # a branch without members stays a draft
            pass
    return {"polls": Poll.objects.count(), "answers": 9, "open": opened}
