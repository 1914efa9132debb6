"""Poll writes. The questionnaire is drafted on the poll; opening creates the kernel ballot (core.ballots) with its
credentials: the members of the subtree (named, vote signed in), one-time codes, or — for the public — a credential
made for each phone once its SMS code is verified (keyed by a salted hash of the phone). Casting goes through the
engine, which keeps no link from an answer to a person and seals the results until the poll is closed."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from orgwork.core import audit, params, sms
from orgwork.core.actor import Actor
from orgwork.core.ballots import services as ballots
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.scope import get_in_scope
from orgwork.members.models import Member, Standing

from .models import Audience, PhoneCode, Poll, PollState, Question, QuestionKind
from .rules import poll_rules

MEMBER_VOTER = "members.member"
PHONE_VOTER = "polls.phone"
PUBLIC = "公众"


def _name(actor: Actor) -> str:
    u = getattr(actor, "user", None)
    return ((u.get_full_name() or u.first_name) if u is not None else "") or actor.label


def phone_hash(poll: Poll, phone: str) -> str:
    return salted_hmac("orgwork.polls.phone", f"{poll.salt}:{phone}", algorithm="sha256").hexdigest()


def _code_hash(poll: Poll, phone: str, code: str) -> str:
    return salted_hmac("orgwork.polls.sms", f"{poll.salt}:{phone}:{code}", algorithm="sha256").hexdigest()


def rating_levels(scale: int) -> list[dict]:
    return [{"key": str(i), "label": f"{i}分", "score": i} for i in range(1, scale + 1)]


# --- drafting -----------------------------------------------------------------------------------
@transaction.atomic
def create_poll(*, actor: Actor, org_id, title: str, audience: str, description: str = "", closes_at=None) -> Poll:
    org = params.writable_org(actor, org_id)
    errors = []
    title = (title or "").strip()
    if not title:
        errors.append(FieldError("title", "required", _("请填写调查名称")))
    elif len(title) > 200:
        errors.append(FieldError("title", "too_long", _("调查名称不能超过200字")))
    if audience not in Audience.values:
        errors.append(FieldError("audience", "bad_value", _("请选择调查对象")))
    if len(description or "") > 2000:
        errors.append(FieldError("description", "too_long", _("说明不能超过2000字")))
    if closes_at is not None and closes_at <= timezone.now():
        errors.append(FieldError("closes_at", "date_order", _("截止时间须晚于现在")))
    if errors:
        raise ServiceError(errors)
    poll = Poll.objects.create(org=org, title=title, audience=audience, description=(description or "").strip(), closes_at=closes_at, created_by=_name(actor)[:60])
    audit.record(actor, "polls.create", poll, changes={"title": [None, title], "audience": [None, audience]})
    return poll


def _poll(actor: Actor, poll_id, *, lock=True) -> Poll:
    qs = Poll.objects.select_related("org")
    if lock:
        qs = qs.select_for_update()
    return get_in_scope(qs, actor, write=True, pk=params.to_id(poll_id, field="poll", label=_("调查"), required=True))


@transaction.atomic
def add_question(*, actor: Actor, poll_id, kind: str, text: str, options: list[str] | None = None, max_choices: int | None = None, required: bool = False) -> Question:
    poll = _poll(actor, poll_id)
    rules = poll_rules()
    if poll.state != PollState.DRAFT:
        raise ServiceError.single("poll", "not_allowed", _("调查已开始，不能再修改题目"))
    if kind not in QuestionKind.values:
        raise ServiceError.single("kind", "bad_value", _("请选择题型"))
    text = (text or "").strip()
    if not text:
        raise ServiceError.single("text", "required", _("请填写题目"))
    if len(text) > 500:
        raise ServiceError.single("text", "too_long", _("题目不能超过500字"))
    options = [o.strip()[:200] for o in (options or []) if o and o.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(options) < 2:
            raise ServiceError.single("options", "required", _("单选、多选题至少要有两个选项（每行一个）"))
        if len(options) > rules["max_options"]:
            raise ServiceError.single("options", "out_of_range", _("选项不能超过%(max_options)s个") % {"max_options": rules['max_options']})
        if len(set(options)) != len(options):
            raise ServiceError.single("options", "duplicate", _("选项不能重复"))
    else:
        options = []
    if kind == QuestionKind.MULTIPLE:
        max_choices = int(max_choices or len(options))
        if not 1 <= max_choices <= len(options):
            raise ServiceError.single("max_choices", "out_of_range", _("最多选几项须在1到选项数之间"))
    else:
        max_choices = 1
    n = poll.questions.count()
    if n >= rules["max_questions"]:
        raise ServiceError.single("poll", "out_of_range", _("题目不能超过%(max_questions)s道") % {"max_questions": rules['max_questions']})
    q = Question.objects.create(poll=poll, seq=n + 1, kind=kind, text=text, options=options, max_choices=max_choices, required=bool(required))
    audit.record(actor, "polls.question_add", poll, data={"seq": q.seq, "kind": kind, "text": text})
    return q


def _ballot_questions(poll: Poll) -> list[dict]:
    scale = poll_rules()["rating_scale"]
    out = []
    for q in poll.questions.order_by("seq"):
        if q.kind == QuestionKind.SINGLE:
            out.append({"kind": "choose", "text": q.text, "options": [{"label": o} for o in q.options], "max_choices": 1, "min_choices": 1 if q.required else 0, "required": q.required})
        elif q.kind == QuestionKind.MULTIPLE:
            out.append({"kind": "choose", "text": q.text, "options": [{"label": o} for o in q.options], "max_choices": q.max_choices, "min_choices": 1 if q.required else 0, "required": q.required})
        elif q.kind == QuestionKind.RATING:
            out.append({"kind": "rating", "text": q.text, "options": [{"label": q.text}], "levels": rating_levels(scale), "required": q.required})
        else:
            out.append({"kind": "text", "text": q.text, "options": [], "required": q.required})
    return out


@transaction.atomic
def open_poll(*, actor: Actor, poll_id, codes: int = 0) -> tuple[Poll, list[str]]:
    """Create the sealed ballot and its credentials, then open it. Returns the one-time codes (shown once)."""
    poll = _poll(actor, poll_id)
    if poll.state != PollState.DRAFT:
        raise ServiceError.single("poll", "not_allowed", _("调查已经开始"))
    if not poll.questions.exists():
        raise ServiceError.single("poll", "required", _("请先添加题目"))
    if poll.closes_at is not None and poll.closes_at <= timezone.now():
        raise ServiceError.single("closes_at", "date_order", _("截止时间已过，请先修改截止时间"))
    if poll.audience == Audience.CODES and not (0 < int(codes or 0) <= ballots.MAX_CODES_PER_CALL):
        raise ServiceError.single("codes", "required", _("请填写要发放的投票码数量（1–%(MAX_CODES_PER_CALL)s）") % {"MAX_CODES_PER_CALL": ballots.MAX_CODES_PER_CALL})
    group_name = {Audience.MEMBERS: "党员", Audience.CODES: "投票码名单", Audience.PUBLIC: "社会公众"}[poll.audience]
    ballot = ballots.create_ballot(actor=actor, org=poll.org, title=poll.title, purpose="polls.survey", questions=_ballot_questions(poll), groups=[{"name": group_name, "weight": 1}],
                                   owner=poll, closes_at=poll.closes_at)  # fmt: skip
    group = ballot.groups.get()
    issued: list[str] = []
    if poll.audience == Audience.MEMBERS:
        members = Member.objects.filter(subtree_q(poll.org.path, "org__path"), standing=Standing.NORMAL).order_by("pk").values_list("pk", "name")
        voters = [(MEMBER_VOTER, str(pk), "") for pk, _n in members.iterator(chunk_size=5000)]
        if not voters:
            raise ServiceError.single("poll", "required", _("%(name)s及下级组织没有在册党员") % {"name": poll.org.name})
        ballots.register_voters(actor=actor, ballot_id=ballot.pk, group_id=group.pk, voters=voters)
        group.size = len(voters)
        group.save(update_fields=["size"])
    elif poll.audience == Audience.CODES:
        issued = ballots.issue_codes(actor=actor, ballot_id=ballot.pk, group_id=group.pk, count=int(codes))
    ballots.open_ballot(actor=actor, ballot_id=ballot.pk)
    poll.ballot, poll.state = ballot, PollState.OPEN
    poll.save(update_fields=["ballot", "state"])
    audit.record(actor, "polls.open", poll, changes={"state": [PollState.DRAFT, PollState.OPEN]}, data={"codes": len(issued)})
    return poll, issued


@transaction.atomic
def issue_codes(*, actor: Actor, poll_id, count: int) -> list[str]:
    poll = _poll(actor, poll_id)
    if poll.audience != Audience.CODES or poll.state != PollState.OPEN:
        raise ServiceError.single("poll", "not_allowed", _("只有进行中的投票码调查可以追加投票码"))
    return ballots.issue_codes(actor=actor, ballot_id=poll.ballot_id, group_id=poll.ballot.groups.get().pk, count=count)


@transaction.atomic
def close_poll(*, actor: Actor, poll_id) -> Poll:
    poll = _poll(actor, poll_id)
    if poll.state != PollState.OPEN:
        raise ServiceError.single("poll", "not_allowed", _("只有进行中的调查可以结束"))
    ballots.close_ballot(actor=actor, ballot_id=poll.ballot_id)
    poll.state = PollState.CLOSED
    poll.save(update_fields=["state"])
    audit.record(actor, "polls.close", poll, changes={"state": [PollState.OPEN, PollState.CLOSED]})
    return poll


# --- answering ------------------------------------------------------------------------------------
def _open_poll(poll_id, audience: str) -> Poll:
    poll = Poll.objects.select_related("org", "ballot").filter(pk=params.to_id(poll_id, field="poll", label=_("调查"), required=True), audience=audience).first()
    if poll is None or poll.state == PollState.DRAFT:
        raise NotFound()
    if poll.state != PollState.OPEN:
        raise ServiceError.single("poll", "ballot_not_open", _("调查已经结束"))
    return poll


def answer_as_member(*, actor: Actor, poll_id, answers: dict) -> Poll:
    """A member answers a members' poll signed in; the second try is refused (`already_voted`)."""
    poll = _open_poll(poll_id, Audience.MEMBERS)
    ids = actor.self_member_ids
    if not ids:
        raise ServiceError.single("poll", "not_a_voter", _("只有党员本人可以参加"))
    last = None
    for mid in ids:
        try:
            ballots.cast_as_voter(actor=actor, ballot_id=poll.ballot_id, voter_type=MEMBER_VOTER, voter_id=str(mid), answers=answers)
            return poll
        except ServiceError as exc:
            last = exc
            if exc.errors[0].code != "not_a_voter":
                raise
    raise last


def answer_with_code(*, code: str, poll_id, answers: dict, client: str | None = None) -> Poll:
    """`client`: the public page's address — wrong codes are limited per address and ballot by the kernel (core/ballots/guard.py)."""
    poll = _open_poll(poll_id, Audience.CODES)
    ballots.cast_with_code(code=code, answers=answers, ballot_id=poll.ballot_id, actor=Actor.system_actor(PUBLIC), client=client)
    return poll


def send_phone_code(*, poll_id, phone: str, now=None) -> None:
    """Text a 6-digit code to the phone (rate-limited per phone and poll); nothing about the phone is kept but its hash."""
    poll = _open_poll(poll_id, Audience.PUBLIC)
    now = now or timezone.now()
    rules = poll_rules()
    try:
        phone = sms.normalize_phone(phone)
    except sms.SmsError as exc:
        raise ServiceError.single("phone", "bad_value", str(exc)) from None
    h = phone_hash(poll, phone)
    with transaction.atomic():
        sent = PhoneCode.objects.select_for_update().filter(poll=poll, phone_hash=h).order_by("-sent_at")
        last = sent.first()
        if last is not None and (now - last.sent_at).total_seconds() < rules["sms_resend_seconds"]:
            raise ServiceError.single("phone", "too_soon", _("验证码已发送，请%(sms_resend_seconds)s秒后再试") % {"sms_resend_seconds": rules['sms_resend_seconds']})
        if sent.count() >= rules["sms_max_sends"]:
            raise ServiceError.single("phone", "too_many", _("该手机号获取验证码次数过多"))
        if _has_voted(poll, h):
            raise ServiceError.single("phone", "already_voted", _("该手机号已经参加过本次调查"))
        code = f"{secrets.randbelow(10**6):06d}"
        PhoneCode.objects.filter(poll=poll, phone_hash=h, spent=False).update(spent=True)
        PhoneCode.objects.create(poll=poll, phone_hash=h, code_hash=_code_hash(poll, phone, code), sent_at=now, expires_at=now + dt.timedelta(minutes=rules["sms_code_minutes"]))
        audit.record(Actor.system_actor(PUBLIC), "polls.sms_code", poll, data={"minutes": rules["sms_code_minutes"]})
    try:
        sms.gateway().send(phone=phone, text=_("您参加“%(title)s”的验证码是%(code)s，%(minutes)s分钟内有效。") % {"title": poll.title[:30], "code": code, "minutes": rules["sms_code_minutes"]})
    except sms.SmsError as exc:
        raise ServiceError.single("phone", "sms_failed", _("短信发送失败：%(exc)s") % {"exc": exc}) from None


def _has_voted(poll: Poll, h: str) -> bool:
    from orgwork.core.models import Credential

    return Credential.objects.filter(ballot_id=poll.ballot_id, voter_type=PHONE_VOTER, voter_id=h, used=True).exists()


def answer_with_phone(*, poll_id, phone: str, code: str, answers: dict, now=None) -> Poll:
    """Verify the SMS code, then cast as that phone: one response per phone number."""
    poll = _open_poll(poll_id, Audience.PUBLIC)
    now = now or timezone.now()
    rules = poll_rules()
    try:
        phone = sms.normalize_phone(phone)
    except sms.SmsError as exc:
        raise ServiceError.single("phone", "bad_value", str(exc)) from None
    h = phone_hash(poll, phone)
    system = Actor.system_actor(PUBLIC)
    ballots.clean_answers(poll.ballot, answers, strict=True)  # a wrong answer is fixed before the code is spent
    if _has_voted(poll, h):
        raise ServiceError.single("phone", "already_voted", _("该手机号已经参加过本次调查"))
    with transaction.atomic():
        pc = PhoneCode.objects.select_for_update().filter(poll=poll, phone_hash=h, spent=False).order_by("-sent_at").first()
        if pc is None or pc.expires_at < now:
            raise ServiceError.single("code", "code_invalid", _("验证码已失效，请重新获取"))
        if not constant_time_compare(pc.code_hash, _code_hash(poll, phone, (code or "").strip())):
            pc.attempts += 1
            pc.spent = pc.attempts >= rules["sms_max_attempts"]
            pc.save(update_fields=["attempts", "spent"])
            wrong = True
        else:
            wrong = False
            pc.spent = True
            pc.save(update_fields=["spent"])
            ballots.register_voters(actor=system, ballot_id=poll.ballot_id, group_id=poll.ballot.groups.get().pk, voters=[(PHONE_VOTER, h, "")])
    if wrong:
        raise ServiceError.single("code", "code_invalid", _("验证码不正确"))
    ballots.cast_as_voter(actor=system, ballot_id=poll.ballot_id, voter_type=PHONE_VOTER, voter_id=h, answers=answers)
    return poll
