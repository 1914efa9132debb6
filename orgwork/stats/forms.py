"""Console forms for statistics: filing the annual report."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf


class FileAnnualForm(cf.ConsoleForm):
    org = cf.IdField(label=_("党组织"), required=True)
    year = cf.YearField(label=_("统计年度"), required=True)
