"""Poll pages: the console (builder, opening with codes, turnout, results with charts, Excel), the member's
answer sheet, and the public pages (one-time code or SMS-verified phone)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import exports, gate, params
from orgwork.core.errors import NotFound, ServiceError

from . import forms, selectors, services
from .models import Audience, Poll, PollState


def _errors(request, exc):
    for e in exc.errors:
        messages.error(request, e.message)


@gate.staff
def index(request, actor):
    page = Paginator(selectors.polls(actor), 50).get_page(params.integer(request.GET, "page", label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX))
    return render(request, "polls/index.html", {"page": page, "crumbs": [(_("民意调查"), "")]})


@gate.staff
def new(request, actor):
    form = forms.PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.create_poll(actor=actor, org_id=form.cleaned_data["org"], **{k: v for k, v in form.cleaned_data.items() if k != "org"})
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            return redirect("polls:detail", pk=poll.pk)
    return render(request, "polls/new.html", {"form": form, "crumbs": [(_("民意调查"), reverse("polls:index")), (_("新建调查"), "")]})


@gate.staff
def detail(request, actor, pk):
    poll = selectors.get_poll(actor, pk)
    if poll is None:
        raise Http404
    action = forms.ActionForm(request.POST).choice("action", "") if request.method == "POST" else ""
    qform = forms.QuestionForm(request.POST if action == "question" else None, prefix="q")
    oform = forms.OpenForm(request.POST if action in ("open", "codes") else None, prefix="o")
    codes = []
    if request.method == "POST":
        try:
            if action == "question" and qform.is_valid():
                d = qform.cleaned_data
                services.add_question(actor=actor, poll_id=poll.pk, kind=d["kind"], text=d["text"], options=d["options"].splitlines(), max_choices=d["max_choices"], required=d["required"])
                messages.success(request, _("已添加题目"))
                return redirect("polls:detail", pk=poll.pk)
            elif action == "open" and oform.is_valid():
                poll, codes = services.open_poll(actor=actor, poll_id=poll.pk, codes=oform.cleaned_data["codes"] or 0)
                messages.success(request, _("调查已开始"))
            elif action == "codes" and oform.is_valid():
                codes = services.issue_codes(actor=actor, poll_id=poll.pk, count=oform.cleaned_data["codes"] or 0)
            elif action == "close":
                services.close_poll(actor=actor, poll_id=poll.pk)
                messages.success(request, _("调查已结束，结果已计出"))
                return redirect("polls:detail", pk=poll.pk)
            elif action not in ("question", "open", "codes"):
                raise ServiceError.single("action", "bad_value", _("请按提示填写"))
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            forms.apply_errors(qform if action == "question" else oform, exc)
            _errors(request, exc)
        poll = selectors.get_poll(actor, pk)
    res = charts = None
    if poll.state == PollState.CLOSED:
        res = selectors.results(poll)
        charts = selectors.chart_data(poll, res)
    public_url = request.build_absolute_uri(reverse("polls:answer_public", args=[poll.pk])) if poll.audience != Audience.MEMBERS else ""
    return render(request, "polls/detail.html", {
        "poll": poll, "questions": list(poll.questions.order_by("seq")), "qform": qform, "oform": oform, "codes": codes,
        "turnout": selectors.turnout(poll), "results": res, "charts": charts, "public_url": public_url,
        "crumbs": [(_("民意调查"), reverse("polls:index")), (poll.title, "")],
    })  # fmt: skip


@gate.staff
def export(request, actor, pk):
    poll = selectors.get_poll(actor, pk)
    if poll is None:
        raise Http404
    try:
        res = selectors.results(poll)
    except ServiceError as exc:
        _errors(request, exc)
        return redirect("polls:detail", pk=poll.pk)
    buf = io.BytesIO()
    wb = exports.workbook(buf)
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet(_("结果"))
    ws.write_row(0, 0, [poll.title], bold)
    ws.write_row(1, 0, [_("发起党组织"), poll.org.name, _("参与人数"), res["cast"], _("有效"), res["valid"]])
    row = 3
    texts = []
    for c in selectors.chart_data(poll, res):
        ws.write_row(row, 0, [f"{c['seq']}. {c['text']}"], bold)
        row += 1
        if c["kind"] == "text":
            ws.write_row(row, 0, [_("意见建议条数"), len(c["texts"]), _("见“意见建议”表")])
            texts.append(c)
            row += 2
            continue
        for label, value in zip(c["labels"], c["values"], strict=True):
            ws.write_row(row, 0, [label, value])
            row += 1
        if c["kind"] == "rating":
            ws.write_row(row, 0, [_("平均分"), c["mean"]])
            row += 1
        row += 1
    ws.set_column(0, 0, 40)
    if texts:
        ts = wb.add_worksheet(_("意见建议"))
        ts.write_row(0, 0, [_("题目"), _("意见建议")], bold)
        r = 1
        for c in texts:
            for t in c["texts"]:
                ts.write_row(r, 0, [c["text"], t])
                r += 1
        ts.set_column(0, 1, 50)
    wb.close()
    resp = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''poll-{poll.pk}.xlsx"
    return resp


# --- members --------------------------------------------------------------------------------------
@gate.member
def mine(request, actor):
    return render(request, "polls/mine.html", {"rows": selectors.member_polls(actor)})


@gate.member
def answer_member(request, actor, pk):
    poll = Poll.objects.select_related("org").filter(pk=pk, audience=Audience.MEMBERS).exclude(state=PollState.DRAFT).first()
    if poll is None:
        raise Http404
    form = forms.AnswerForm(poll.questions.order_by("seq"), request.POST or None)
    done = refused = None
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_as_member(actor=actor, poll_id=poll.pk, answers=form.answers())
            done = True
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            if exc.errors[0].code in ("already_voted", "not_a_voter", "ballot_not_open"):
                refused = exc.errors[0].message
            else:
                forms.apply_errors(form, exc)
    return render(request, "polls/answer_member.html", {"poll": poll, "form": form, "done": done, "refused": refused})


# --- public ---------------------------------------------------------------------------------------
@gate.public
def public_list(request):
    page = Paginator(selectors.public_polls(), 20).get_page(params.integer(request.GET, "page", label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX))
    return render(request, "polls/public_list.html", {"page": page})


@gate.public
def answer_public(request, pk):
    poll = Poll.objects.select_related("org").filter(pk=pk).exclude(audience=Audience.MEMBERS).exclude(state=PollState.DRAFT).first()
    if poll is None:
        raise Http404
    action = forms.ActionForm(request.POST).choice("action", "") if request.method == "POST" else ""
    form = forms.AnswerForm(poll.questions.order_by("seq"), request.POST if action == "answer" else None)
    code_form = forms.CodeForm(request.POST if action == "answer" and poll.audience == Audience.CODES else None)
    phone_form = forms.PhoneForm(request.POST if action in ("sms", "answer") and poll.audience == Audience.PUBLIC else None)
    sms_form = forms.CodeForm(request.POST if action == "answer" and poll.audience == Audience.PUBLIC else None, prefix="sms")
    done = refused = sent = None
    try:
        if action == "sms" and phone_form.is_valid():
            services.send_phone_code(poll_id=poll.pk, phone=phone_form.cleaned_data["phone"])
            sent = True
        elif action == "answer" and form.is_valid():
            if poll.audience == Audience.CODES and code_form.is_valid():
                from orgwork.core.clientip import client_ip

                services.answer_with_code(code=code_form.cleaned_data["code"], poll_id=poll.pk, answers=form.answers(), client=client_ip(request) or "unknown")
                done = True
            elif poll.audience == Audience.PUBLIC and phone_form.is_valid() and sms_form.is_valid():
                services.answer_with_phone(poll_id=poll.pk, phone=phone_form.cleaned_data["phone"], code=sms_form.cleaned_data["code"], answers=form.answers())
                done = True
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        e = exc.errors[0]
        if e.code in ("already_voted", "code_used", "ballot_not_open"):
            refused = e.message
        else:
            forms.apply_errors(form, exc)
            for err in exc.errors:
                if err.field in ("phone", "code"):
                    refused = err.message
    return render(request, "polls/answer_public.html", {"poll": poll, "form": form, "code_form": code_form, "phone_form": phone_form, "sms_form": sms_form,
                                                          "done": done, "refused": refused, "sent": sent})  # fmt: skip
