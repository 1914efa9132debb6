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
