"""Every transfer made before transfers ran on the procedure kernel becomes a procedure instance, in flight or
finished, with its history copied into step records: who (user and name), when (the date done), the comment, in
order; returns mark the steps they sent back as superseded, as the kernel does. The old history rows stay
(nothing is deleted); the register rows keep their status, dates and letter data.

The step keys and titles are those of lifecycle/procedures.py, version "2019" (written out here: a migration does
not import code that may change later).
"""

from django.db import migrations

VERSION = "2019"
TITLES = {
    "transfer_within": "组织关系转接（系统内）",
    "transfer_out": "组织关系转出（介绍信）",
    "transfer_in": "组织关系转入（介绍信）",
}
STEPS = {  # kind -> [(key, title, stage)]
    "transfer_within": [("send", "转出党组织发起转接", "send"), ("receive", "接收党组织接收", "receive")],
    "transfer_out": [("letter", "开具组织关系介绍信", "letter"), ("receipt", "介绍信回执返回", "receipt")],
    "transfer_in": [("register", "登记转入介绍信", "register"), ("receive", "接收党组织接收", "receive")],
}
KIND = {"within": "transfer_within", "out": "transfer_out", "in": "transfer_in"}
# old event action -> (record action, step key) per kind; "return" goes back to the first step
EVENTS = {
    "transfer_within": {"start": ("complete", "send"), "resubmit": ("complete", "send"), "receive": ("complete", "receive"), "return": ("return", "send")},
    "transfer_out": {"letter": ("complete", "letter"), "receipt": ("complete", "receipt")},
    "transfer_in": {"register": ("complete", "register"), "receive": ("complete", "receive"), "return": ("return", "register")},
}
FIRST_EVENT = {"transfer_within": "start", "transfer_out": "letter", "transfer_in": "register"}


def _where(kind: str, status: str) -> tuple[str, str]:
    """(instance status, current step) for a transfer's status."""
    if status in ("received", "receipt_back"):
        return "completed", ""
    if status == "returned":
        return "active", STEPS[kind][0][0]
    if status == "cancelled":
        return "terminated", ""
    return "active", STEPS[kind][1][0]  # pending, letter_issued: waiting at the second step


def convert(apps, transfer) -> object:
    ProcedureInstance = apps.get_model("core", "ProcedureInstance")
    StepRecord = apps.get_model("core", "StepRecord")
    TransferEvent = apps.get_model("lifecycle", "TransferEvent")
    kind = KIND[transfer.kind]
    steps = STEPS[kind]
    titles = {k: (title, stage) for k, title, stage in steps}
    order = [k for k, _t, _s in steps]
    name = transfer.member.name if transfer.member_id else (transfer.person or {}).get("name", "")
    org_id = transfer.to_org_id if kind == "transfer_in" else (transfer.from_org_id or transfer.to_org_id)
    events = list(TransferEvent.objects.filter(transfer=transfer).order_by("id"))
    if not events or events[0].action != FIRST_EVENT[kind]:  # a row without its first line: the register row says it
        events.insert(0, TransferEvent(action=FIRST_EVENT[kind], done_on=transfer.started_on, comment=transfer.reason, actor_id=None, actor_label="数据迁移"))
    status, step = _where(kind, transfer.status)
    instance = ProcedureInstance.objects.create(
        kind=kind,
        rule_name=f"procedure.{kind}",
        rule_version=VERSION,
        org_id=org_id,
        subject_type="lifecycle.transfer",
        subject_id=str(transfer.pk),
        title=f"{name}·{TITLES[kind]}"[:200],
        status=status,
        stage=titles[step][1] if step else titles[order[-1]][1],
        step=step,
        started_on=transfer.started_on,
        data={"transfer_id": transfer.pk, "migrated": True},
    )
    seq = 1
    first = events[0]
    StepRecord.objects.create(
        instance=instance, seq=seq, action="start", step="", step_title="", stage=steps[0][2], done_on=transfer.started_on,
        actor_id=first.actor_id, actor_label=first.actor_label, responsible=first.actor_label[:100], data={"version": VERSION},
    )  # fmt: skip
    done = []  # valid completed records so far
    steps_data, last_on, current, end_reason, ended_on = {}, transfer.started_on, order[0], "", None
    for e in events:
        seq += 1
        common = {
            "instance": instance, "seq": seq, "done_on": e.done_on, "actor_id": e.actor_id, "actor_label": e.actor_label,
            "responsible": (e.actor_label or "")[:100], "comment": e.comment or "",
        }  # fmt: skip
        mapped = EVENTS[kind].get(e.action)
        if e.action == "cancel":
            title, stage = titles[current]
            StepRecord.objects.create(action="terminate", step=current, step_title=title, stage=stage, data={"event": e.pk}, **common)
            end_reason, ended_on = e.comment or "", e.done_on
        elif mapped and mapped[0] == "return":
            target = mapped[1]
            title, stage = titles[target]
            ret = StepRecord.objects.create(action="return", step=target, step_title=title, stage=stage, data={"from": current, "event": e.pk}, **common)
            later = set(order[order.index(target) :])
            superseded = [r for r in done if r.step in later]
            StepRecord.objects.filter(pk__in=[r.pk for r in superseded]).update(valid=False, returned_by=ret)
            done = [r for r in done if r.step not in later]
            steps_data = {k: v for k, v in steps_data.items() if k not in later}
            current = target
        elif mapped:
            key = mapped[1]
            title, stage = titles[key]
            rec = StepRecord.objects.create(action="complete", step=key, step_title=title, stage=stage, data={"event": e.pk} if e.pk else {}, **common)
            done.append(rec)
            steps_data[key] = {"done_on": e.done_on.isoformat()}
            i = order.index(key) + 1
            current = order[i] if i < len(order) else ""
        else:
            continue
        last_on = e.done_on
    instance.data = {**instance.data, "steps": steps_data}
    instance.step_since = last_on
    if status == "active" and step == order[-1]:
        instance.due_on = {"transfer_within": transfer.receive_due_on, "transfer_out": transfer.receipt_due_on, "transfer_in": transfer.valid_until}[kind]
        if kind == "transfer_in" and transfer.valid_until:
            instance.data["extensions"] = {"receive": transfer.valid_until.isoformat()}
    if status == "completed":
        instance.ended_on = transfer.received_on or transfer.receipt_back_on or last_on
    if status == "terminated":
        instance.ended_on = ended_on or last_on
        instance.end_reason = end_reason[:500]
        instance.step = current or order[-1]
        instance.stage = titles[instance.step][1]
    instance.save()
    transfer.procedure = instance
    transfer.save(update_fields=["procedure"])
    return instance


def forwards(apps, schema_editor):
    Transfer = apps.get_model("lifecycle", "Transfer")
    for transfer in Transfer.objects.filter(procedure__isnull=True).select_related("member").order_by("id").iterator(chunk_size=500):
        convert(apps, transfer)


def backwards(apps, schema_editor):
    """Unlink only: the instances and their records stay (nothing is deleted)."""
    Transfer = apps.get_model("lifecycle", "Transfer")
    Transfer.objects.filter(procedure__isnull=False).update(procedure=None)


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0003_transfer_procedure"),
        ("core", "0011_partition_audit_events"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
