"""Writes of the ballot engine: keyword-only arguments, one transaction, one audit event each.

Casting writes one audit event on the *ballot* (group and channel only), never on the slot it filled, and marks
the credential used without a time: the audit log says that someone of a group voted, as the sign-in sheet of a
meeting would, and nothing stored says what they chose.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .. import audit
from ..actor import Actor
from ..errors import FieldError, PermissionDenied, ServiceError
from ..normalize import clean_text
from ..scope import get_in_scope
from .models import (
    APPROVE_CHOICES,
    Ballot,
    BallotOption,
    BallotQuestion,
    BallotStatus,
    CastBallot,
    Channel,
    Credential,
    PaperEntry,
    PaperSheet,
    QuestionKind,
    SheetStatus,
    VoterGroup,
)
from .tally import compute_tally

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read off paper
CODE_LENGTH = 10  # 32^10 = 2^50 codes per ballot
MAX_CODES_PER_CALL = 5000
MAX_TEXT_ANSWER = 2000
DEFAULT_RATING_LEVELS = [
    {"key": "excellent", "label": "优秀", "score": 100},
    {"key": "competent", "label": "称职", "score": 80},
    {"key": "basic", "label": "基本称职", "score": 60},
    {"key": "incompetent", "label": "不称职", "score": 0},
]


def _err(field: str, code: str, message: str) -> ServiceError:
    return ServiceError.single(field, code, message)


def code_hash(code: str) -> str:
    """Keyed hash of a one-time code (SECRET_KEY-derived): a stolen database does not let codes be tried offline."""
    norm = normalize_code(code)
    return salted_hmac("orgwork.ballots.code", norm, algorithm="sha256").hexdigest()


def normalize_code(code: str) -> str:
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum()).replace("O", "0").replace("I", "1")


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _writable(actor: Actor, ballot_id) -> Ballot:
    ballot = get_in_scope(Ballot.objects.select_related("org"), actor, write=True, pk=ballot_id)
    return ballot


# --- creating ---------------------------------------------------------------------------------


def _clean_levels(levels, field: str) -> list[dict]:
    levels = levels or DEFAULT_RATING_LEVELS
    out, keys = [], set()
    for lv in levels:
        key = clean_text(lv.get("key"))[:20]
        label = clean_text(lv.get("label"))[:40]
        if not key or not label or key in keys:
            raise _err(field, "bad_value", _("评价等次须有不重复的代码和名称"))
        keys.add(key)
        score = lv.get("score")
        out.append({"key": key, "label": label, "score": None if score is None else float(score)})
    return out


@transaction.atomic
def create_ballot(
    *, actor: Actor, org, title: str, purpose: str, questions: list[dict], groups: list[dict], owner=None, opens_at=None, closes_at=None
) -> Ballot:
    """A draft ballot with its questions and voter groups.

    questions: [{"kind": "choose"|"approve"|"rating"|"text", "text": ..., "options": [{"label", "subject_type",
    "subject_id"}], "max_choices": k, "min_choices": 0, "levels": [...], "required": bool}]
    groups: [{"name": ..., "weight": Decimal|str, "size": expected voters}]
    owner: the app record the ballot belongs to (stored as type and id only).
    """
    if not actor.can_write_anything:
        raise PermissionDenied()
    title = clean_text(title)
    if not title:
        raise _err("title", "required", _("请填写投票名称"))
    if not questions:
        raise _err("questions", "required", _("至少要有一个题目"))
    if not groups:
        raise _err("groups", "required", _("至少要有一个投票人类别"))
    if opens_at and closes_at and closes_at <= opens_at:
        raise _err("closes_at", "date_order", _("截止时间须晚于开始时间"))
    ballot = Ballot.objects.create(
        org=org,
        title=title[:200],
        purpose=clean_text(purpose)[:40],
        owner_type=owner._meta.label_lower if owner is not None else "",
        owner_id=str(owner.pk) if owner is not None else "",
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor.label,
    )
    for qi, q in enumerate(questions, start=1):
        field = f"questions[{qi}]"
        kind = q.get("kind")
        if kind not in QuestionKind.values:
            raise _err(field, "bad_value", _("第%(qi)s题的题型不正确") % {"qi": qi})
        text = clean_text(q.get("text"))
        if not text:
            raise _err(field, "required", _("请填写第%(qi)s题的题目") % {"qi": qi})
        options = q.get("options") or []
        if kind != QuestionKind.TEXT and not options:
            raise _err(field, "required", _("第%(qi)s题没有选项") % {"qi": qi})
        max_choices = int(q.get("max_choices") or (1 if kind == QuestionKind.CHOOSE else len(options)))
        min_choices = int(q.get("min_choices") or 0)
        if kind == QuestionKind.CHOOSE and not (0 <= min_choices <= max_choices <= max(len(options), 1)):
            raise _err(field, "bad_value", _("第%(qi)s题的应选人数须在1到选项数之间") % {"qi": qi})
        question = BallotQuestion.objects.create(
            ballot=ballot,
            seq=qi,
            kind=kind,
            text=text[:500],
            max_choices=max_choices,
            min_choices=min_choices,
            levels=_clean_levels(q.get("levels"), field) if kind == QuestionKind.RATING else [],
            required=bool(q.get("required")),
        )
        for oi, o in enumerate(options, start=1):
            label = clean_text(o.get("label"))
            if not label:
                raise _err(field, "required", _("第%(qi)s题第%(oi)s个选项没有名称") % {"qi": qi, "oi": oi})
            BallotOption.objects.create(
                question=question, seq=oi, label=label[:200], subject_type=str(o.get("subject_type") or "")[:80], subject_id=str(o.get("subject_id") or "")[:64]
            )
    for gi, g in enumerate(groups, start=1):
        name = clean_text(g.get("name"))
        if not name:
            raise _err(f"groups[{gi}]", "required", _("请填写投票人类别名称"))
        try:
            weight = Decimal(str(g.get("weight", 1)))
        except InvalidOperation:
            raise _err(f"groups[{gi}]", "bad_value", _("“%(name)s”的权重不是数字") % {"name": name})
        if not (Decimal(0) < weight <= Decimal(1000)):
            raise _err(f"groups[{gi}]", "bad_value", _("“%(name)s”的权重须大于0") % {"name": name})
        VoterGroup.objects.create(ballot=ballot, seq=gi, name=name[:100], weight=weight, size=int(g.get("size") or 0))
    audit.record(actor, "ballot.create", ballot, data={"purpose": ballot.purpose, "questions": len(questions), "groups": len(groups)})
    return ballot


# --- credentials --------------------------------------------------------------------------------


def _check_issuable(ballot: Ballot):
    if ballot.status not in (BallotStatus.DRAFT, BallotStatus.OPEN):
        raise _err("ballot", "ballot_closed", _("投票已结束，不能再发放投票凭证"))


def _make_slots(ballot: Ballot, group: VoterGroup, n: int) -> None:
    # Empty slots with random keys; a vote later fills a random one of them (see CastBallot).
    CastBallot.objects.bulk_create([CastBallot(id=uuid.uuid4(), ballot=ballot, group=group) for _ in range(n)], batch_size=1000)


@transaction.atomic
def issue_codes(*, actor: Actor, ballot_id, group_id, count: int) -> list[str]:
    """`count` new one-time codes for a group, returned once (print them now: only their hashes are kept)."""
    ballot = _writable(actor, ballot_id)
    _check_issuable(ballot)
    group = VoterGroup.objects.filter(ballot=ballot, pk=group_id).first()
    if group is None:
        raise _err("group", "not_found", _("找不到该投票人类别"))
    if not (0 < int(count) <= MAX_CODES_PER_CALL):
        raise _err("count", "bad_value", _("一次发放的投票码须在1到%(MAX_CODES_PER_CALL)s个之间") % {"MAX_CODES_PER_CALL": MAX_CODES_PER_CALL})
    codes = []
    rows = []
    seen = set()
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        h = code_hash(code)
        if h in seen or Credential.objects.filter(code_hash=h).exists():
            continue
        seen.add(h)
        codes.append(code)
        rows.append(Credential(ballot=ballot, group=group, code_hash=h))
    Credential.objects.bulk_create(rows, batch_size=1000)
    _make_slots(ballot, group, count)
    audit.record(actor, "ballot.codes_issued", ballot, data={"group": group.name, "count": count})
    return [format_code(c) for c in codes]


@transaction.atomic
def register_voters(*, actor: Actor, ballot_id, group_id, voters: list[tuple[str, str, str]]) -> int:
    """Named voters of a group who vote signed in (voter_type, voter_id, label). Returns how many were added."""
    ballot = _writable(actor, ballot_id)
    _check_issuable(ballot)
    group = VoterGroup.objects.filter(ballot=ballot, pk=group_id).first()
    if group is None:
        raise _err("group", "not_found", _("找不到该投票人类别"))
    existing = set(Credential.objects.filter(ballot=ballot).exclude(voter_id="").values_list("voter_type", "voter_id"))
    rows = []
    for vtype, vid, label in voters:
        key = (str(vtype), str(vid))
        if key in existing:
            continue
        existing.add(key)
        rows.append(Credential(ballot=ballot, group=group, voter_type=key[0][:80], voter_id=key[1][:64], voter_label=clean_text(label)[:100]))
    Credential.objects.bulk_create(rows, batch_size=1000)
    _make_slots(ballot, group, len(rows))
    audit.record(actor, "ballot.voters_registered", ballot, data={"group": group.name, "count": len(rows)})
    return len(rows)


@transaction.atomic
def set_paper_sheets(*, actor: Actor, ballot_id, group_id, count: int) -> VoterGroup:
    """How many paper ballots were handed out to a group (the clerks may not enter more sheets than that)."""
    ballot = _writable(actor, ballot_id)
    _check_issuable(ballot)
    group = VoterGroup.objects.filter(ballot=ballot, pk=group_id).first()
    if group is None:
        raise _err("group", "not_found", _("找不到该投票人类别"))
    count = int(count)
    if count < PaperSheet.objects.filter(group=group).count() or count < 0:
        raise _err("count", "bad_value", _("发出票数不能少于已录入的纸质票数"))
    old = group.paper_sheets
    group.paper_sheets = count
    group.save(update_fields=["paper_sheets"])
    audit.record(actor, "ballot.paper_sheets", ballot, changes={"paper_sheets": [old, count]}, data={"group": group.name})
    return group


# --- opening and closing --------------------------------------------------------------------------


@transaction.atomic
def open_ballot(*, actor: Actor, ballot_id) -> Ballot:
    ballot = _writable(actor, ballot_id)
    if ballot.status != BallotStatus.DRAFT:
        raise _err("ballot", "bad_status", _("只有准备中的投票可以开始"))
    ballot.status = BallotStatus.OPEN
    ballot.opened_at = timezone.now()
    ballot.save(update_fields=["status", "opened_at"])
    audit.record(actor, "ballot.open", ballot)
    return ballot


@transaction.atomic
def close_ballot(*, actor: Actor, ballot_id) -> Ballot:
    """Stop voting, count, freeze the results (the only moment they become readable)."""
    ballot = _writable(actor, ballot_id)
    ballot = Ballot.objects.select_for_update().select_related("org").get(pk=ballot.pk)
    if ballot.status != BallotStatus.OPEN:
        raise _err("ballot", "bad_status", _("只有投票中的投票可以结束计票"))
    unresolved = PaperSheet.objects.filter(ballot=ballot).exclude(status__in=[SheetStatus.MATCHED, SheetStatus.RESOLVED]).count()
    if unresolved:
        raise _err("ballot", "paper_unresolved", _("还有%(unresolved)s张纸质票未完成两次录入核对，不能计票") % {"unresolved": unresolved})
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = timezone.now()
    ballot.results = compute_tally(ballot)
    ballot.results_sha256 = hashlib.sha256(json.dumps(ballot.results, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    ballot.save(update_fields=["status", "closed_at", "results", "results_sha256"])
    audit.record(actor, "ballot.close", ballot, data={"cast": ballot.results["cast"], "valid": ballot.results["valid"], "results_sha256": ballot.results_sha256})
    return ballot


@transaction.atomic
def cancel_ballot(*, actor: Actor, ballot_id, reason: str) -> Ballot:
    ballot = _writable(actor, ballot_id)
    reason = clean_text(reason)
    if not reason:
        raise _err("reason", "required", _("请填写取消原因"))
    if ballot.status in (BallotStatus.CLOSED, BallotStatus.CANCELLED):
        raise _err("ballot", "bad_status", _("已计票或已取消的投票不能取消"))
    ballot.status = BallotStatus.CANCELLED
    ballot.save(update_fields=["status"])
    audit.record(actor, "ballot.cancel", ballot, data={"reason": reason[:500]})
    return ballot


# --- answers ------------------------------------------------------------------------------------------


def clean_answers(ballot: Ballot, raw: dict, *, strict: bool) -> tuple[dict, bool]:
    """Answers keyed by question number (str): choose → [option numbers]; approve → {option: approve|disapprove|
    abstain}; rating → {option: level key}; text → str. Unknown keys and options are refused.

    strict (online): a rule broken is a ServiceError the voter fixes. Not strict (paper): a sheet that chose more
    than allowed is kept as an invalid ballot (多选无效), as the counting rules say.
    """
    if not isinstance(raw, dict):
        raise _err("answers", "bad_value", _("选票内容格式不正确"))
    questions = list(ballot.questions.prefetch_related("options").order_by("seq"))
    known = {str(q.seq) for q in questions}
    extra = set(map(str, raw)) - known
    if extra:
        raise _err("answers", "bad_value", _("选票中有不存在的题目"))
    out: dict = {}
    valid = True
    for q in questions:
        key = str(q.seq)
        value = raw.get(key, raw.get(q.seq))
        options = {o.seq for o in q.options.all()}
        field = f"answers.{key}"
        if value in (None, "", [], {}):
            if q.required and strict:
                raise _err(field, "required", _("第%(seq)s题必须作答") % {"seq": q.seq})
            continue
        if q.kind == QuestionKind.CHOOSE:
            if not isinstance(value, list):
                raise _err(field, "bad_value", _("第%(seq)s题的答案格式不正确") % {"seq": q.seq})
            try:
                picks = [int(v) for v in value]
            except (TypeError, ValueError):
                raise _err(field, "bad_value", _("第%(seq)s题的答案格式不正确") % {"seq": q.seq})
            if len(set(picks)) != len(picks) or not set(picks) <= options:
                raise _err(field, "bad_value", _("第%(seq)s题选择了不存在或重复的选项") % {"seq": q.seq})
            if len(picks) > q.max_choices or len(picks) < q.min_choices:
                if strict:
                    raise _err(field, "too_many_choices", _("第%(seq)s题最多选%(max_choices)s人，至少选%(min_choices)s人") % {"seq": q.seq, "max_choices": q.max_choices, "min_choices": q.min_choices})
                valid = False
            out[key] = sorted(picks)
        elif q.kind in (QuestionKind.APPROVE, QuestionKind.RATING):
            if not isinstance(value, dict):
                raise _err(field, "bad_value", _("第%(seq)s题的答案格式不正确") % {"seq": q.seq})
            allowed = APPROVE_CHOICES if q.kind == QuestionKind.APPROVE else {lv["key"] for lv in q.levels}
            cleaned = {}
            for opt, choice in value.items():
                try:
                    opt_no = int(opt)
                except (TypeError, ValueError):
                    raise _err(field, "bad_value", _("第%(seq)s题的答案格式不正确") % {"seq": q.seq})
                if opt_no not in options or choice not in allowed:
                    raise _err(field, "bad_value", _("第%(seq)s题有不存在的选项或等次") % {"seq": q.seq})
                cleaned[str(opt_no)] = choice
            out[key] = dict(sorted(cleaned.items(), key=lambda kv: int(kv[0])))
        else:
            text = clean_text(value)
            if len(text) > MAX_TEXT_ANSWER:
                raise _err(field, "too_long", _("第%(seq)s题不能超过%(MAX_TEXT_ANSWER)s字") % {"seq": q.seq, "MAX_TEXT_ANSWER": MAX_TEXT_ANSWER})
            if text:
                out[key] = text
    return out, valid


def _check_open(ballot: Ballot):
    now = timezone.now()
    if ballot.status != BallotStatus.OPEN or (ballot.opens_at and now < ballot.opens_at) or (ballot.closes_at and now >= ballot.closes_at):
        raise _err("ballot", "ballot_not_open", _("该投票不在投票时间内"))


def _fill_slot(ballot: Ballot, group: VoterGroup, answers: dict, valid: bool) -> None:
    empty = CastBallot.objects.filter(ballot=ballot, group=group, filled=False)
    for _attempt in range(20):
        start = uuid.uuid4()
        slot = empty.filter(id__gte=start).order_by("id").values_list("id", flat=True).first() or empty.order_by("id").values_list("id", flat=True).first()
        if slot is None:
            raise _err("ballot", "no_slot", _("该类别的选票已投完"))
        if CastBallot.objects.filter(pk=slot, filled=False).update(filled=True, answers=answers, valid=valid, channel=Channel.ONLINE):
            return
    raise _err("ballot", "busy", _("投票人数较多，请稍后重试"))


def _cast(actor: Actor | None, credential_q, answers: dict, *, field: str, missing_code: str, missing_message: str, used_code: str, used_message: str, ballot_id=None):
    with transaction.atomic():
        credential = credential_q.select_related("ballot__org", "group").first()
        if credential is None or credential.voided:
            raise _err(field, missing_code, missing_message)
        ballot = credential.ballot
        if ballot_id is not None and str(ballot.pk) != str(ballot_id):
            raise _err(field, missing_code, missing_message)
        _check_open(ballot)
        if credential.used:
            raise _err(field, used_code, used_message)
        cleaned, valid = clean_answers(ballot, answers, strict=True)
        # One vote per credential: the flag flips once; a second try (even concurrent) updates nothing.
        if not Credential.objects.filter(pk=credential.pk, used=False, voided=False).update(used=True):
            raise _err(field, used_code, used_message)
        _fill_slot(ballot, credential.group, cleaned, valid)
        audit.record(actor or Actor(user=None), "ballot.cast", ballot, data={"group": credential.group.name, "channel": Channel.ONLINE})
    return ballot


def cast_with_code(*, code: str, answers: dict, ballot_id=None, actor: Actor | None = None, client: str | None = None) -> Ballot:
    """Vote with a one-time code (no account needed). The code is spent; nothing links it to the ballot cast.
    `client` (the address of a public page's request) turns on the wrong-code limit of `guard`."""
    from . import guard

    guard.check(client, ballot_id)
    norm = normalize_code(code)
    if len(norm) != CODE_LENGTH:
        guard.failed(client, ballot_id)
        raise _err("code", "code_invalid", _("投票码不正确"))
    try:
        return _cast(
            actor,
            Credential.objects.filter(code_hash=code_hash(norm)),
            answers,
            field="code",
            missing_code="code_invalid",
            missing_message=_("投票码不正确"),
            used_code="code_used",
            used_message=_("该投票码已使用"),
            ballot_id=ballot_id,
        )
    except ServiceError as exc:
        if exc.errors and exc.errors[0].code == "code_invalid":
            guard.failed(client, ballot_id)
        raise


def cast_as_voter(*, actor: Actor, ballot_id, voter_type: str, voter_id, answers: dict) -> Ballot:
    """A named voter votes signed in (the caller has checked that `actor` is that voter)."""
    return _cast(
        actor,
        Credential.objects.filter(ballot_id=ballot_id, voter_type=voter_type, voter_id=str(voter_id)),
        answers,
        field="ballot",
        missing_code="not_a_voter",
        missing_message=_("您不在本次投票的投票人名单中"),
        used_code="already_voted",
        used_message=_("您已经投过票"),
    )


@transaction.atomic
def void_codes(*, actor: Actor, ballot_id, codes: list[str]) -> int:
    """Codes lost or printed in excess: voided, never usable. Returns how many unused codes were voided."""
    ballot = _writable(actor, ballot_id)
    hashes = [code_hash(c) for c in codes]
    n = Credential.objects.filter(ballot=ballot, code_hash__in=hashes, used=False, voided=False).update(voided=True)
    audit.record(actor, "ballot.codes_voided", ballot, data={"count": n})
    return n


# --- paper ballots, entered twice -------------------------------------------------------------------


def _canonical(answers: dict, spoiled: bool) -> str:
    return json.dumps({"a": answers, "s": bool(spoiled)}, sort_keys=True, ensure_ascii=False)


@transaction.atomic
def enter_paper(*, actor: Actor, ballot_id, group_id, sheet_no: int, answers: dict, spoiled: bool = False) -> PaperSheet:
    """One clerk types one paper sheet. The second typing must come from another clerk; both are compared:
    equal → the ballot goes into the box; different → the sheet is flagged `mismatch` for the supervisor."""
    ballot = _writable(actor, ballot_id)
    if ballot.status != BallotStatus.OPEN:
        raise _err("ballot", "ballot_not_open", _("只有投票中的投票可以录入纸质票"))
    group = VoterGroup.objects.filter(ballot=ballot, pk=group_id).first()
    if group is None:
        raise _err("group", "not_found", _("找不到该投票人类别"))
    sheet_no = int(sheet_no)
    if not (1 <= sheet_no <= group.paper_sheets):
        raise _err("sheet_no", "sheet_out_of_range", _("票号须在1到%(paper_sheets)s之间（发出的纸质票数）") % {"paper_sheets": group.paper_sheets})
    cleaned, valid = ({}, False) if spoiled else clean_answers(ballot, answers, strict=False)
    sheet, _created = PaperSheet.objects.get_or_create(ballot=ballot, group=group, sheet_no=sheet_no)
    sheet = PaperSheet.objects.select_for_update().get(pk=sheet.pk)
    entries = list(sheet.entries.order_by("pass_no"))
    if sheet.status != SheetStatus.PENDING or len(entries) >= 2:
        raise _err("sheet_no", "sheet_done", _("第%(sheet_no)s号票已录入两次") % {"sheet_no": sheet_no})
    if entries and entries[0].clerk_id == actor.user_id:
        raise _err("sheet_no", "same_clerk", _("同一张票的第二次录入须由另一名录入人员完成"))
    PaperEntry.objects.create(sheet=sheet, pass_no=len(entries) + 1, clerk=actor.user, clerk_label=actor.label, answers=cleaned, spoiled=bool(spoiled))
    if entries:
        first = entries[0]
        if _canonical(first.answers, first.spoiled) == _canonical(cleaned, spoiled):
            sheet.status = SheetStatus.MATCHED
            CastBallot.objects.create(ballot=ballot, group=group, filled=True, channel=Channel.PAPER, valid=valid and not spoiled, answers=cleaned)
        else:
            sheet.status = SheetStatus.MISMATCH
        sheet.save(update_fields=["status"])
    audit.record(actor, "ballot.paper_entry", ballot, data={"group": group.name, "sheet_no": sheet_no, "pass": len(entries) + 1, "status": sheet.status})
    return sheet


@transaction.atomic
def resolve_paper(*, actor: Actor, sheet_id, answers: dict, spoiled: bool = False, note: str) -> PaperSheet:
    """After a mismatch, a third person reads the paper sheet and records what it says (with a note)."""
    sheet = get_in_scope(PaperSheet.objects.select_related("ballot__org", "group"), actor, write=True, pk=sheet_id)
    ballot = sheet.ballot
    if ballot.status != BallotStatus.OPEN:
        raise _err("ballot", "ballot_not_open", _("只有投票中的投票可以核对纸质票"))
    if sheet.status != SheetStatus.MISMATCH:
        raise _err("sheet", "bad_status", _("只有两次录入不一致的票需要核对"))
    if actor.user_id in set(sheet.entries.values_list("clerk_id", flat=True)):
        raise _err("sheet", "same_clerk", _("核对更正须由两名录入人员以外的人完成"))
    note = clean_text(note)
    if not note:
        raise _err("note", "required", _("请填写核对说明"))
    cleaned, valid = ({}, False) if spoiled else clean_answers(ballot, answers, strict=False)
    PaperEntry.objects.create(sheet=sheet, pass_no=3, clerk=actor.user, clerk_label=actor.label, answers=cleaned, spoiled=bool(spoiled))
    CastBallot.objects.create(ballot=ballot, group=sheet.group, filled=True, channel=Channel.PAPER, valid=valid and not spoiled, answers=cleaned)
    sheet.status = SheetStatus.RESOLVED
    sheet.resolution = note[:500]
    sheet.save(update_fields=["status", "resolution"])
    audit.record(actor, "ballot.paper_resolved", ballot, data={"group": sheet.group.name, "sheet_no": sheet.sheet_no, "note": note[:500]})
    return sheet


__all__ = [
    "DEFAULT_RATING_LEVELS",
    "FieldError",
    "cancel_ballot",
    "cast_as_voter",
    "cast_with_code",
    "clean_answers",
    "close_ballot",
    "create_ballot",
    "enter_paper",
    "issue_codes",
    "open_ballot",
    "register_voters",
    "resolve_paper",
    "set_paper_sheets",
    "void_codes",
]
