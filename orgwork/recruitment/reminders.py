"""Deadlines of member development: every step is reminded by the kernel's procedure provider (core.deadlines) —
due dates (e.g. the talk within 1 month, 细则第八条; approval within 3 months, 细则第二十八条; the end of probation,
党章第七条) and steps waiting for the higher committee or the county (备案, 预审, 审批). This module says where the
work is done."""

from __future__ import annotations

from django.urls import reverse

from orgwork.core import deadlines

from .rules import KIND


@deadlines.procedure_link(KIND)
def applicant_link(instance) -> str:
    return reverse("recruitment:detail", args=[instance.subject_id]) if instance.subject_id else reverse("recruitment:list")
