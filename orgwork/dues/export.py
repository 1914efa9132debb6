"""Excel export of the collection report (xlsxwriter, in memory)."""

from __future__ import annotations

import io

from orgwork.core.exports import workbook

from .selectors import CollectionReport

HEADERS = ["党组织", "在册党员", "交纳人数", "交纳月数", "按月交纳（元）", "自愿多交<1000（元）", "自愿多交≥1000（元）", "本级收缴合计（元）", "上缴上级（元）", "下级上缴（元）", "本级留存（元）", "层级"]


def report_xlsx(report: CollectionReport) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf)
    ws = wb.add_worksheet("党费收缴")
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "#,##0.00"})
    money_bold = wb.add_format({"num_format": "#,##0.00", "bold": True})
    period = f"{report.year}年{report.month}月" if report.month else f"{report.year}年"
    ws.write(0, 0, f"党费收缴统计表（{period}）", bold)
    ws.write(
        1, 0,
        f"依据：组通字〔2008〕3号（规则版本 {report.rule_version}）；各级上缴比例：{report.remittance_source}（{report.remittance_version}）；"
        f"省级党委按{report.remit_rate * 100:.0f}%上缴中央，自愿一次性交纳1000元以上全额上缴；上缴截止 {report.remit_deadline:%Y年%m月%d日}",
    )  # fmt: skip
    for c, h in enumerate(HEADERS):
        ws.write(3, c, h, bold)
    r = 4
    for row in [*report.rows, report.total]:
        fmt = money_bold if row is report.total else money
        ws.write_string(r, 0, row.org_name, bold if row is report.total else None)
        ws.write_number(r, 1, row.members)
        ws.write_number(r, 2, row.payers)
        ws.write_number(r, 3, row.month_count)
        values = (row.regular, row.voluntary_small, row.voluntary_large, row.collected, row.remit)
        if row is not report.total:
            values = (*values, row.received, row.kept)
        for c, v in enumerate(values, start=4):
            # Decimal → str → number keeps the fen exact in the cell (xlsxwriter stores a double either way).
            ws.write_number(r, c, float(str(v)), fmt)
        if row is not report.total:
            ws.write(r, 11, row.level)
        r += 1
    ws.set_column(0, 0, 36)
    ws.set_column(1, 11, 16)
    wb.close()
    return buf.getvalue()
