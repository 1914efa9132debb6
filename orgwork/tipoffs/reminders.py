"""Time limits of tip-off handling (accept within 10 working days, conclude within 60, +30 once — rules.py) are
reminded and escalated by the kernel's procedure provider (core.deadlines); this module says where the work is done.
The reminder names only the reference number and the step, never content."""

from __future__ import annotations

from django.urls import reverse

from orgwork.core import deadlines

from .rules import KIND


@deadlines.procedure_link(KIND)
def tipoff_link(instance) -> str:
    return reverse("tipoffs:detail", args=[instance.subject_id]) if instance.subject_id else reverse("tipoffs:register")
