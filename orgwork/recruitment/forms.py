"""Console forms for member development: the application, a step, the file's small actions, the yearly plan
(typed, bounded; step values are cleaned by the procedure engine by the step's field types)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from orgwork.core import forms as cf


class ApplicationForm(cf.ConsoleForm):
    org = cf.IdField(label=_("党支部"), required=True)
    name = cf.TextField(label=_("姓名"), max_length=60)
    id_number = cf.TextField(label=_("公民身份号码"), max_length=30)
    gender = cf.TextField(label=_("性别"), max_length=10)
    birth_date = cf.TextField(label=_("出生日期"), max_length=40)
    ethnicity = cf.TextField(label=_("民族"), max_length=30)
    education = cf.TextField(label=_("学历"), max_length=40)
    job = cf.TextField(label=_("工作岗位"), max_length=100)
    phone = cf.TextField(label=_("联系电话"), max_length=30)
    applied_on = cf.DateField(label=_("申请日期"))
    doc_application = cf.TextField(label=_("入党申请书（档案编号）"), max_length=200)
    responsible = cf.TextField(label=_("责任人"), max_length=60)
    comment = cf.TextField(label=_("备注"), max_length=2000, textarea=True)

    def person(self, fields) -> dict:
        return {k: self.cleaned_data[k] for k in fields}


class CompleteForm(cf.ConsoleForm):
    """A step: its values posted as `f_<field>` (several values of one field joined with ","), document numbers as
    `doc_<n>_ref` with their names in `doc_<n>_label`."""

    step = cf.TextField(label=_("步骤"), max_length=60)
    done_on = cf.DateField(label=_("办理日期"))
    comment = cf.TextField(label=_("办理意见"), max_length=2000, textarea=True)
    responsible = cf.TextField(label=_("责任人"), max_length=60)
    f = cf.KeyedField(label=_("办理内容"), prefix="f_", ids=False, multi=True, keep_empty=True, max_items=200, value=cf.TextField(label=_("办理内容"), max_length=cf.STEP_TEXT_MAX))
    doc = cf.KeyedField(label=_("材料"), prefix="doc_", ids=False, keep_empty=True, max_items=200, value=cf.TextField(label=_("材料"), max_length=200))

    def documents(self) -> dict:
        doc = self.cleaned_data["doc"]
        return {doc.get(k[:-4] + "_label") or "": v for k, v in doc.items() if k.endswith("_ref")}

    def files_by_label(self, files) -> dict:
        """Uploaded documents (`doc_<n>_file`) under the names posted in `doc_<n>_label`."""
        doc = self.cleaned_data["doc"]
        return {doc.get(k[4:-5] + "_label") or "": files.getlist(k) for k in files if k.startswith("doc_") and k.endswith("_file")}


class ActForm(cf.ConsoleForm):
    action = cf.TextField(label=_("操作"), max_length=30)
    reason = cf.TextField(label=_("原因"), max_length=2000)
    on = cf.DateField(label=_("日期"))
    result = cf.TextField(label=_("考察情况"), max_length=5000, textarea=True)
    responsible = cf.TextField(label=_("责任人"), max_length=60)
    to_step = cf.TextField(label=_("退回到"), max_length=60)
    until = cf.DateField(label=_("延至日期"))
    months = cf.IntField(label=_("延长月数"), min_value=1, max_value=12)
    notice = cf.IdField(label=_("公示"))
    content = cf.TextField(label=_("反映内容"), max_length=5000, textarea=True)
    source = cf.TextField(label=_("反映人/来源"), max_length=200)
    objection = cf.IdField(label=_("反映意见"))
    upheld = cf.FlagField(label=_("反映属实"))
    resolution = cf.TextField(label=_("核查结论"), max_length=5000, textarea=True)

    def clean(self):
        data = super().clean()
        need = {"objection": "notice", "resolve": "objection"}.get(data.get("action"))
        if need and not data.get(need) and need not in self.errors:
            self.add_error(need, cf.required_error(self.fields[need]))
        return data


class PlanForm(cf.ConsoleForm):
    org = cf.IdField(label=_("党组织"), required=True)
    planned = cf.IntField(label=_("计划发展人数"), required=True, min_value=0, max_value=100_000)


class ThoughtReportReadForm(cf.ConsoleForm):
    report = cf.IdField(label=_("思想汇报"), required=True)
    comment = cf.TextField(label=_("支部意见"), max_length=500)
