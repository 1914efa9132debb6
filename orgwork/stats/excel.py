"""The statistics page as an Excel workbook (one sheet of structure figures, one of sub-orgs, one of the trend)."""

from __future__ import annotations

from orgwork.core.exports import workbook

SUB_ORG_COLUMNS = [
    ("name", "党组织"),
    ("members", "党员"),
    ("full", "正式党员"),
    ("probationary", "预备党员"),
    ("women", "女党员"),
    ("minority", "少数民族"),
    ("age_35_and_under", "35岁及以下"),
    ("college_and_above", "大专及以上"),
    ("developed_this_year", "本年入党"),
]


def write_dashboard(target, data: dict) -> None:
    wb = workbook(target)
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    pct = wb.add_format({"num_format": "0.0"})
    ws = wb.add_worksheet("结构")
    title = data["org"]["name"] if data.get("org") else "、".join(data.get("scope", []))
    ws.write_string(0, 0, f"{title} 党员队伍统计（{data['basis']}）", bold)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 2, 12)
    r = 2
    for label, key in (("在册党员", "members"), ("正式党员", "full"), ("预备党员", "probationary"), ("失联党员", "lost_contact")):
        ws.write_string(r, 0, label)
        ws.write_number(r, 1, data[key])
        r += 1
    r += 1
    ws.write_string(r, 0, "结构比例", head)
    ws.write_string(r, 1, "人数", head)
    ws.write_string(r, 2, "占比(%)", head)
    for item in data["ratios"]:
        r += 1
        ws.write_string(r, 0, item["label"])
        ws.write_number(r, 1, item["count"])
        ws.write_number(r, 2, item["percent"], pct)
    for section, key in (("党籍状态", "status"), ("性别", "gender"), ("年龄", "age"), ("学历", "education"), ("民族", "ethnicity"), ("党龄", "party_age"), ("单位所属领域", "sector")):
        r += 2
        ws.write_string(r, 0, section, head)
        ws.write_string(r, 1, "人数", head)
        for item in data[key]:
            r += 1
            ws.write_string(r, 0, item["label"])
            ws.write_number(r, 1, item["count"])
    subs = wb.add_worksheet("下级党组织")
    subs.set_column(0, 0, 36)
    for c, (_k, label) in enumerate(SUB_ORG_COLUMNS):
        subs.write_string(0, c, label, head)
    for i, row in enumerate(data["sub_orgs"], 1):
        for c, (k, _label) in enumerate(SUB_ORG_COLUMNS):
            if k == "name":
                subs.write_string(i, c, row[k])
            else:
                subs.write_number(i, c, row[k])
    trend = wb.add_worksheet("发展趋势")
    trend.write_string(0, 0, "入党年份", head)
    trend.write_string(0, 1, "人数", head)
    for i, item in enumerate(data["trend"], 1):
        trend.write_number(i, 0, item["year"])
        trend.write_number(i, 1, item["count"])
    wb.close()


def write_annual(target, report) -> None:
    """The annual statistics report (党内统计年报): one sheet per table with a 合计 row, then the checks and the
    records that make a check fail. Every text cell is written as a string (never a formula)."""
    wb = workbook(target)
    title_f = wb.add_format({"bold": True, "font_size": 13})
    head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "align": "center", "text_wrap": True})
    cell = wb.add_format({"border": 1})
    total_f = wb.add_format({"bold": True, "border": 1, "bg_color": "#F7F7F7"})
    scope = "、".join(report.scope)
    basis = f"统计截止：{report.year}年12月31日 · 统计口径版本 {report.rule_version}"
    for t in report.tables:
        ws = wb.add_worksheet(t["title"].split(" ", 1)[0] + " " + t["title"].split(" ", 1)[-1][:24])
        ws.write_string(0, 0, f"{scope} {t['title']}", title_f)
        ws.write_string(1, 0, basis)
        ws.set_column(0, 0, 34)
        ws.set_column(1, len(t["columns"]), 12)
        ws.write_string(3, 0, t["head"], head)
        for c, label in enumerate(t["columns"], 1):
            ws.write_string(3, c, label, head)
        r = 4
        for row in t["rows"]:
            ws.write_string(r, 0, row["label"], cell)
            for c, v in enumerate(row["values"], 1):
                ws.write_number(r, c, v, cell)
            r += 1
        if t["total"] is not None:
            ws.write_string(r, 0, "合计", total_f)
            for c, v in enumerate(t["total"], 1):
                ws.write_number(r, c, v, total_f)
    ws = wb.add_worksheet("表间校核")
    ws.set_column(0, 0, 40)
    ws.set_column(1, 4, 12)
    ws.set_column(5, 5, 50)
    for c, label in enumerate(("校核项目", "应为", "实际", "结果", "问题记录数", "说明")):
        ws.write_string(0, c, label, head)
    for r, chk in enumerate(report.checks, 1):
        ws.write_string(r, 0, chk["label"], cell)
        ws.write_number(r, 1, chk["expected"], cell)
        ws.write_number(r, 2, chk["actual"], cell)
        ws.write_string(r, 3, "通过" if chk["ok"] else "不通过", cell)
        ws.write_number(r, 4, chk["problems"], cell)
        ws.write_string(r, 5, chk["detail"], cell)
    ws = wb.add_worksheet("问题记录")
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 30)
    ws.set_column(3, 3, 60)
    for c, label in enumerate(("校核项目", "姓名", "所在党组织", "问题", "类别")):
        ws.write_string(0, c, label, head)
    labels = {c["code"]: c["label"] for c in report.checks}
    labels.update({"probation": "预备期核实", "age_at_joining": "入党年龄核实"})
    for r, p in enumerate(report.problems, 1):
        ws.write_string(r, 0, labels.get(p.check, p.check))
        ws.write_string(r, 1, p.name)
        ws.write_string(r, 2, p.org)
        ws.write_string(r, 3, p.detail)
        ws.write_string(r, 4, "错误" if p.severity == "error" else "提示")
    wb.close()
