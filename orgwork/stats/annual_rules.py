"""The annual party statistics report's classifications as versioned data (党内统计年报).

The tables are computed as of 31 December of the statistics year (the convention of the annual report). Party
standing (党龄) counts from the day a member became a full member (党章第七条: "党员的党龄，从预备期满转为正式
党员之日算起"), never from the joining date. The joining-period rows follow the periods used by the Central
Organization Department's annual statistical bulletin (中国共产党党内统计公报); occupation rows follow the
report's 职业 classification. A statistics year before the first version is answered with `no_rule_in_force`.
"""

from __future__ import annotations

import datetime as dt

from orgwork.core.rules import RuleSet, register, rule

ANNUAL_2013 = register(
    RuleSet(
        name="stats.annual",
        version="2013",
        effective=dt.date(2013, 1, 1),
        source="中共中央组织部《中国共产党党内统计公报》分类口径；《中国共产党章程》第七条（党龄从转为正式党员之日算起）",
        values={
            # 入党时间: (code, label, first day inclusive or None, last day inclusive or None)
            "joining_periods": [
                ("before_1949", "1949年10月前", None, "1949-09-30"),
                ("1949_1966", "1949年10月至1966年5月", "1949-10-01", "1966-05-31"),
                ("1966_1976", "1966年6月至1976年10月", "1966-06-01", "1976-10-31"),
                ("1976_1978", "1976年11月至1978年12月", "1976-11-01", "1978-12-31"),
                ("1979_2002", "1979年1月至2002年10月", "1979-01-01", "2002-10-31"),
                ("2002_2012", "2002年11月至2012年10月", "2002-11-01", "2012-10-31"),
                ("2012_2017", "2012年11月至2017年10月", "2012-11-01", "2017-10-31"),
                ("2017_2022", "2017年11月至2022年10月", "2017-11-01", "2022-10-31"),
                ("since_2022", "2022年11月以来", "2022-11-01", None),
            ],
            # 职业: (code, label)
            "occupations": [
                ("workers", "工人"),
                ("farmers", "农牧渔民"),
                ("professionals", "企事业单位、民办非企业单位专业技术人员"),
                ("managers", "企事业单位、民办非企业单位管理人员"),
                ("agency_staff", "党政机关工作人员"),
                ("students", "学生"),
                ("military", "军人、武警"),
                ("retired", "离退休人员"),
                ("other", "其他职业人员"),
            ],
            # The member record's 工作岗位 text → occupation row. A non-empty text not listed counts as "other";
            # an empty one is listed as a record the occupation table cannot place.
            "job_to_occupation": {
                "工人": "workers",
                "农牧渔民": "farmers",
                "村干部": "farmers",
                "外出务工": "farmers",
                "专业技术人员": "professionals",
                "教师": "professionals",
                "律师": "professionals",
                "医生": "professionals",
                "企业管理人员": "managers",
                "事业单位管理人员": "managers",
                "学校管理人员": "managers",
                "公务员": "agency_staff",
                "机关工作人员": "agency_staff",
                "学生": "students",
                "军人": "military",
                "武警": "military",
                "离退休人员": "retired",
                "离休人员": "retired",
                "退休人员": "retired",
            },
            "other_occupation": "other",
            # A probationary member whose probation (1 year, extended at most 1 year: rules.md §2) ended long ago
            # is a record to check before the report is filed.
            "probation_overdue_days": 2 * 366,
        },
    )
)


def annual_rules(*, on: dt.date | None = None, version: str | None = None) -> RuleSet:
    return rule("stats.annual", on=on, version=version)
