import xlsxwriter


def write_xlsx(path, header, rows, *, above=()):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    for line in above:
        for c, v in enumerate(line):
            ws.write(r, c, v)
        r += 1
    for c, h in enumerate(header):
        ws.write_string(r, c, h)
    for row in rows:
        r += 1
        for c, v in enumerate(row):
            if v is None:
                continue
            if hasattr(v, "year") and hasattr(v, "month"):
                import datetime as dt

                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return path


# ---------------------------------------------------------------------------------------------------------
import datetime as dt  # noqa: E402
import json  # noqa: E402

import pytest  # noqa: E402
from django.core.management import call_command  # noqa: E402

from orgwork.conftest import make_id  # noqa: E402
from orgwork.core import idcard  # noqa: E402
from orgwork.core.models import AuditEvent  # noqa: E402
from orgwork.members.models import Member  # noqa: E402
from orgwork.orgs.models import Org  # noqa: E402
from orgwork.roster.importer import import_members, import_orgs  # noqa: E402
from orgwork.stats.recount import recount  # noqa: E402

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党组织", "入党日期", "转为正式党员日期", "联系电话"]


def id_with_x(birth=dt.date(1980, 5, 6)):
    for seq in range(1, 999):
        number = idcard.make("511526", birth, seq)
        if number.endswith("X"):
            return number
    raise AssertionError


def row(**kw):
    birth = kw.pop("birth", dt.date(1980, 5, 6))
    base = {
        "姓名": "张三",
        "性别": "男",
        "公民身份号码": make_id(birth, True),
        "民族": "汉族",
        "出生日期": birth,
        "学历": "大学本科",
        "人员类别": "正式党员",
        "所在党组织": "甲镇党委/红旗村党支部",
        "入党日期": dt.date(2005, 7, 1),
        "转为正式党员日期": dt.date(2006, 7, 1),
        "联系电话": "13800138000",
    }
    if "公民身份号码" in kw and "出生日期" not in kw:
        base["出生日期"] = None  # derived from the number
    base.update(kw)
    return base


def sheet(tmp_path, rows, header=HEADER, above=(), name="m.xlsx"):
    return write_xlsx(tmp_path / name, header, [[r.get(h) for h in header] for r in rows], above=above)


def codes(report):
    return {(r["row"], r["code"], r["column"]) for r in report.as_dict()["rejected"]}


def test_header_found_under_a_title_and_blank_rows_with_column_variants(tree, system, tmp_path):
    header = ["序号", "姓名", "身份证号码", "人员类别", "所在党支部", "加入党组织日期", "手机", "籍贯"]
    r = row(**{"身份证号码": make_id(dt.date(1985, 3, 3), False), "姓名": "李 梅", "所在党支部": "C001", "加入党组织日期": "2010/7/1", "手机": "13900001111", "籍贯": "四川"})
    path = write_xlsx(tmp_path / "v.xlsx", header, [[1, r["姓名"], r["身份证号码"], "预备", "乙镇党委/机关党支部", "2010/7/1", "139 0000 1111", "四川"]], above=[["珙县党员花名册"], [], ["填报单位：乙镇党委"]])
    report = import_members(str(path), actor=system)
    assert report.as_dict()["rejected"] == []
    assert report.accepted == 1
    m = Member.objects.get()
    assert (m.name, m.org_id, m.joined_on, m.phone, m.category, m.gender) == ("李梅", tree.office_b.pk, dt.date(2010, 7, 1), "13900001111", "probationary", "F")
    assert [w["column"] for w in report.warnings] == ["籍贯"]
    assert report.warnings[0]["row"] == 4  # the header is on Excel row 4


def test_what_people_type_is_normalized(tree, system, tmp_path):
    x_id = id_with_x(dt.date(1979, 2, 3))
    full_width = make_id(dt.date(1990, 8, 9), False).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rows = [
        row(**{"姓名": "  王  小明 ", "性别": "男性", "公民身份号码": make_id(dt.date(1980, 5, 6)), "入党日期": "2019-07-01", "人员类别": "正式", "转为正式党员日期": "2020-07-01"}),
        row(**{"姓名": "赵丽", "性别": "女性", "公民身份号码": full_width, "出生日期": None, "入党日期": "2019/7/1", "人员类别": "预备党员", "转为正式党员日期": None}),
        row(**{"姓名": "钱进", "性别": "", "公民身份号码": x_id.lower(), "出生日期": "1979年2月3日", "入党日期": "2019.07.01", "转为正式党员日期": "2020-07-01"}),
        row(**{"姓名": "孙立", "公民身份号码": make_id(dt.date(1970, 1, 1)), "出生日期": "19700101", "入党日期": "2019年7月1日", "转为正式党员日期": "20200701"}),
        row(**{"姓名": "周全", "公民身份号码": make_id(dt.date(1971, 1, 1)), "出生日期": 25934, "入党日期": "20190701", "人员类别": "正式党员", "转为正式党员日期": "2020-07-01", "联系电话": "１３８００１３８０００"}),
    ]
    report = import_members(str(sheet(tmp_path, rows)), actor=system)
    assert report.as_dict()["rejected"] == []
    got = {m.name: m for m in Member.objects.all()}
    assert set(got) == {"王小明", "赵丽", "钱进", "孙立", "周全"}
    assert got["赵丽"].id_number == full_width.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    assert got["赵丽"].gender == "F" and got["赵丽"].category == "probationary"
    assert got["钱进"].id_number == x_id and got["钱进"].birth_date == dt.date(1979, 2, 3)
    assert {m.joined_on for m in got.values()} == {dt.date(2019, 7, 1)}
    assert got["孙立"].confirmed_on == dt.date(2020, 7, 1)
    assert got["周全"].birth_date == dt.date(1971, 1, 1)  # an Excel serial number
    assert got["周全"].phone == "13800138000"


def test_an_old_15_digit_number_is_converted_and_the_row_flagged(tree, system, tmp_path):
    old = "511526800506003"  # region 511526, born 1980-05-06, sequence 003 (a man)
    report = import_members(str(sheet(tmp_path, [row(**{"姓名": "吴旧", "公民身份号码": old})])), actor=system)
    assert report.as_dict()["rejected"] == []
    m = Member.objects.get(name="吴旧")
    assert m.id_number == idcard.upgrade15(old) and len(m.id_number) == 18 and m.id_number.startswith("51152619800506003")
    assert m.id_number_old == old
    assert m.birth_date == dt.date(1980, 5, 6) and m.gender == "M"
    flagged = [w for w in report.warnings if w["code"] == "id_upgraded"]
    assert [(w["row"], w["column"]) for w in flagged] == [(2, "公民身份号码")]
    assert old in flagged[0]["message"] and m.id_number in flagged[0]["message"]
    # the same person again with the 18-digit number is a duplicate, not a second record
    again = import_members(str(sheet(tmp_path, [row(**{"姓名": "吴旧", "公民身份号码": m.id_number})], name="again.xlsx")), actor=system)
    assert {r["code"] for r in again.as_dict()["rejected"]} == {"duplicate_existing"}


def test_every_error_code_is_reported_with_its_excel_row_and_column(tree, system, make_member, tmp_path):
    existing = make_member(tree.village_b, name="老党员")
    dup = make_id(dt.date(1982, 2, 2))
    good = make_id(dt.date(1983, 3, 3))
    rows = [
        row(**{"姓名": ""}),  # 2 required
        row(**{"公民身份号码": "51152619800506123"}),  # 3 id_format
        row(**{"公民身份号码": good[:-1] + ("0" if good[-1] != "0" else "1")}),  # 4 id_checksum
        row(**{"公民身份号码": make_id(dt.date(1980, 5, 6)), "出生日期": dt.date(1980, 5, 7)}),  # 5 id_birth_mismatch
        row(**{"公民身份号码": make_id(dt.date(1980, 5, 6)), "性别": "女"}),  # 6 id_gender_mismatch
        row(**{"公民身份号码": dup}),  # 7
        row(**{"公民身份号码": dup}),  # 8 duplicate_in_file
        row(**{"公民身份号码": existing.id_number, "出生日期": existing.birth_date}),  # 9 duplicate_existing
        row(**{"所在党组织": "不存在党支部"}),  # 10 unknown_org
        row(**{"所在党组织": "红旗村党支部"}),  # 11 ambiguous_org
        row(**{"入党日期": "2019-13-45"}),  # 12 bad_date
        row(**{"入党日期": dt.date.today() + dt.timedelta(days=3)}),  # 13 future_date
        row(**{"转为正式党员日期": dt.date(2004, 1, 1)}),  # 14 date_order
        row(**{"入党日期": dt.date(1995, 1, 1), "转为正式党员日期": None}),  # 15 under_age (born 1980-05-06)
        row(**{"联系电话": "12345"}),  # 16 bad_phone
        row(**{"学历": "火星大学"}),  # 17 bad_value
        row(),  # 18 valid
    ]
    # row 13 must not also be under age or order: default birth 1980
    report = import_members(str(sheet(tmp_path, rows)), actor=system)
    got = codes(report)
    expected = {
        (2, "required", "姓名"),
        (3, "id_format", "公民身份号码"),
        (4, "id_checksum", "公民身份号码"),
        (5, "id_birth_mismatch", "出生日期"),
        (6, "id_gender_mismatch", "性别"),
        (8, "duplicate_in_file", "公民身份号码"),
        (9, "duplicate_existing", "公民身份号码"),
        (10, "unknown_org", "所在党组织"),
        (11, "ambiguous_org", "所在党组织"),
        (12, "bad_date", "入党日期"),
        (13, "future_date", "入党日期"),
        (14, "date_order", "转为正式党员日期"),
        (15, "under_age", "入党日期"),
        (16, "bad_phone", "联系电话"),
        (17, "bad_value", "学历"),
    }
    assert got == expected
    assert all(r["message"] for r in report.rejected)
    # all-or-nothing: the valid rows (7 and 18) were not imported either
    assert report.accepted == 0
    assert Member.objects.count() == 1


def test_partial_imports_the_valid_rows_and_a_second_run_creates_no_duplicates(tree, system, tmp_path):
    rows = [row(), row(**{"联系电话": "abc"}), row(**{"姓名": "李四", "公民身份号码": make_id(dt.date(1981, 1, 1))})]
    path = sheet(tmp_path, rows)
    report = import_members(str(path), actor=system, partial=True)
    assert report.accepted == 2 and codes(report) == {(3, "bad_phone", "联系电话")}
    again = import_members(str(path), actor=system, partial=True)
    assert again.accepted == 0
    assert codes(again) == {(2, "duplicate_existing", "公民身份号码"), (3, "bad_phone", "联系电话"), (4, "duplicate_existing", "公民身份号码")}
    assert Member.objects.count() == 2
    assert recount(fix=False).drift == []


def test_update_changes_registered_members_instead_of_rejecting_them(tree, system, tmp_path):
    first = row()
    import_members(str(sheet(tmp_path, [first])), actor=system)
    changed = {**first, "联系电话": "13700000000", "学历": "硕士", "所在党组织": "乙镇党委/机关党支部"}
    report = import_members(str(sheet(tmp_path, [changed], name="u.xlsx")), actor=system, update=True)
    assert report.as_dict()["rejected"] == [] and report.accepted == 1 and report.updated == 1
    m = Member.objects.get()
    assert (m.phone, m.education, m.org_id) == ("13700000000", "master", tree.office_b.pk)
    assert recount(fix=False).drift == []


def test_a_crash_in_the_middle_leaves_nothing(tree, system, tmp_path, monkeypatch):
    from orgwork.stats import counters

    path = sheet(tmp_path, [row(), row(**{"公民身份号码": make_id(dt.date(1981, 1, 1))})])
    events = AuditEvent.objects.count()

    def boom(*a, **k):
        raise RuntimeError("killed")

    monkeypatch.setattr(counters, "_apply", boom)  # every way members are counted goes through it
    with pytest.raises(RuntimeError):
        import_members(str(path), actor=system)
    assert Member.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_command_writes_the_json_report_in_the_documented_shape(tree, tmp_path):
    path = sheet(tmp_path, [row(), row(**{"入党日期": "昨天"})])
    out = tmp_path / "r.json"
    with pytest.raises(SystemExit):
        call_command("import_members", str(path), "--report", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"accepted", "rejected", "warnings"}
    assert data["accepted"] == 0
    assert data["rejected"] == [{"row": 3, "code": "bad_date", "column": "入党日期", "message": data["rejected"][0]["message"]}]
    call_command("import_members", str(path), "--partial", "--report", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["accepted"] == 1


def test_export_then_import_round_trips(tree, system, make_member, tmp_path):
    from orgwork.roster.exporter import export_members

    make_member(tree.village_a, name="甲一", ethnicity="苗族", education="college", phone="13800000001", address="甲镇1号", job="农民")
    make_member(tree.village_b, name="乙二", male=False, category="probationary", joined=dt.date.today() - dt.timedelta(days=100))
    make_member(tree.office_b, name="乙三", birth=dt.date(1950, 1, 1), joined=dt.date(1975, 7, 1))
    fields = ["name", "gender", "id_number", "ethnicity", "birth_date", "education", "category", "org_id", "joined_on", "confirmed_on", "job", "phone", "address", "lost_contact"]
    before = sorted(Member.objects.values_list(*fields))
    path = tmp_path / "export.xlsx"
    assert export_members(str(path), actor=system, full=True) == 3  # a masked export does not import back
    # Drop the members (tests only: the registry never deletes) and import the export back.
    Member.objects.all()._raw_delete(Member.objects.db)
    recount()
    report = import_members(str(path), actor=system)
    assert report.as_dict() == {"accepted": 3, "rejected": [], "warnings": []}
    assert sorted(Member.objects.values_list(*fields)) == before
    assert recount(fix=False).drift == []


def test_export_respects_the_actors_scope(tree, users, make_member, tmp_path):
    from orgwork.core.actor import Actor
    from orgwork.roster.exporter import export_members

    make_member(tree.village_b, name="乙镇党员")
    assert export_members(str(tmp_path / "a.xlsx"), actor=Actor.for_user(users["sec_a"])) == 1  # only 李四 in 红旗村(甲)
    assert export_members(str(tmp_path / "b.xlsx"), actor=Actor.for_user(users["county"])) == 2


def test_import_is_refused_outside_the_actors_scope(tree, users, tmp_path):
    from orgwork.core.actor import Actor

    report = import_members(str(sheet(tmp_path, [row(**{"所在党组织": "乙镇党委/红旗村党支部"})])), actor=Actor.for_user(users["sec_a"]))
    assert codes(report) == {(2, "unknown_org", "所在党组织")}


# --- orgs ------------------------------------------------------------------------------------------------
ORG_HEADER = ["党组织名称", "党组织类别", "上级党组织", "单位所属领域", "成立日期"]


def test_org_import_creates_parents_before_children_and_resolves_paths(tree, system, tmp_path):
    rows = [
        ["第二党小组", "党小组", "乙镇党委/红旗村党支部", "农村", "2020-01-01"],
        ["新村党支部", "支部", "中共丙镇委员会", "农村", "2018/3/1"],
        ["中共丙镇委员会", "党委", "中共测试县委员会", "农村", 43101],
        ["  丙镇 机关党支部", "党支部", "丙镇党委", "党政机关", ""],
    ]
    path = write_xlsx(tmp_path / "o.xlsx", [*ORG_HEADER, "简称"], [[*r, "丙镇党委" if i == 2 else ""] for i, r in enumerate(rows)], above=[["党组织信息表"]])
    report = import_orgs(str(path), actor=system)
    assert report.as_dict()["rejected"] == [] and report.accepted == 4
    town = Org.objects.get(name="中共丙镇委员会")
    assert town.parent_id == tree.county.pk and town.founded_on == dt.date(2018, 1, 1)
    assert Org.objects.get(name="丙镇机关党支部").parent_id == town.pk
    assert Org.objects.get(name="第二党小组").parent_id == tree.village_b.pk
    again = import_orgs(str(path), actor=system)
    assert {r["code"] for r in again.rejected} == {"duplicate_existing"} and again.accepted == 0


def test_org_import_errors(tree, system, tmp_path):
    rows = [
        ["新党支部", "党支部", "红旗村党支部", "农村", ""],  # 2 ambiguous parent
        ["新党支部2", "党支部", "不存在党委", "农村", ""],  # 3 unknown parent
        ["新党支部3", "协会", "甲镇党委", "农村", ""],  # 4 bad kind
        ["新党支部4", "党支部", "甲镇党委", "火星", ""],  # 5 bad sector
        ["新党支部5", "党支部", "甲镇党委", "农村", "2019-02-30"],  # 6 bad date
        ["新党支部6", "党支部", "甲镇党委", "农村", ""],  # 7
        ["新党支部6", "党支部", "甲镇党委", "农村", ""],  # 8 duplicate in file
        ["", "党支部", "甲镇党委", "农村", ""],  # 9 required
    ]
    report = import_orgs(str(write_xlsx(tmp_path / "o.xlsx", ORG_HEADER, rows)), actor=system)
    assert codes(report) == {
        (3 - 1, "ambiguous_org", "上级党组织"),
        (3, "unknown_org", "上级党组织"),
        (4, "bad_value", "党组织类别"),
        (5, "bad_value", "单位所属领域"),
        (6, "bad_date", "成立日期"),
        (8, "duplicate_in_file", "党组织名称"),
        (9, "required", "党组织名称"),
    }
    assert not Org.objects.filter(name__startswith="新党支部").exists()


def test_export_command_limits_to_an_org_subtree(tree, make_member, tmp_path, capsys):
    from python_calamine import CalamineWorkbook

    make_member(tree.village_a, name="甲镇人")
    make_member(tree.village_b, name="乙镇人")
    out = tmp_path / "e.xlsx"
    call_command("export_members", str(out), "--org", "甲镇党委")
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["姓名", "性别", "公民身份号码"]
    assert [r[0] for r in rows[1:]] == ["甲镇人"]
    assert rows[1][7] == "中共测试县委员会/中共甲镇委员会/红旗村党支部"
    assert isinstance(rows[1][4], dt.date)  # dates are Excel dates, not text


def test_import_orgs_command_and_update(tree, tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", ORG_HEADER, [["丙村党支部", "党支部", "甲镇党委", "农村", "2001-01-01"]])
    call_command("import_orgs", str(path))
    assert Org.objects.get(name="丙村党支部").sector == "rural"
    path = write_xlsx(tmp_path / "o2.xlsx", ORG_HEADER, [["丙村党支部", "党支部", "甲镇党委", "社区", "2001-01-01"]])
    report = tmp_path / "r.json"
    call_command("import_orgs", str(path), "--update", "--report", str(report))
    assert json.loads(report.read_text(encoding="utf-8"))["accepted"] == 1
    assert Org.objects.get(name="丙村党支部").sector == "community"


def test_one_audit_event_per_import_carries_every_rows_digest_and_the_chain_verifies(tree, system, tmp_path):
    from orgwork.core import audit
    from orgwork.members.selectors import member_history
    from orgwork.members.services import row_digest

    rows = [row(**{"姓名": name, "公民身份号码": make_id(dt.date(1980 + i, 1, 1 + i))}) for i, name in enumerate(["张三", "李四", "王五"])]
    rows[2]["所在党组织"] = "乙镇党委/机关党支部"
    before = AuditEvent.objects.count()
    report = import_members(str(sheet(tmp_path, rows)), actor=system)
    assert report.accepted == 3 and report.as_dict()["rejected"] == []
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert len(events) == 1
    ev = events[0]
    assert ev.action == "member.import" and ev.object_type == "members.batch"
    members = list(Member.objects.order_by("pk"))
    assert set(ev.data["digests"]) == {str(m.pk) for m in members}
    assert ev.org_path == tree.county.path  # the common ancestor of the two towns' branches
    for m in members:
        values = {f: getattr(m, f) for f in ("name", "gender", "id_number", "id_number_old", "ethnicity", "birth_date", "education", "category", "org_id", "joined_on", "confirmed_on", "job", "phone", "address", "lost_contact", "lost_contact_on")}
        assert ev.data["digests"][str(m.pk)] == row_digest(m.pk, values)
        assert [e.seq for e in member_history(system, m)] == [ev.seq]
        assert (m.name_pinyin, m.name_initials, m.id_tail) != ("", "", "")
    assert audit.verify().ok
    assert recount(fix=False).drift == []


def test_a_rejected_row_keeps_all_or_nothing_with_the_chinese_message_and_row_number(tree, system, tmp_path):
    rows = [row(), row(**{"公民身份号码": make_id(dt.date(1981, 1, 1)), "入党日期": "昨天"}), row(**{"公民身份号码": make_id(dt.date(1982, 1, 1))})]
    before = AuditEvent.objects.count()
    report = import_members(str(sheet(tmp_path, rows)), actor=system)
    rejected = report.as_dict()["rejected"]
    assert report.accepted == 0 and Member.objects.count() == 0 and AuditEvent.objects.count() == before
    assert [(r["row"], r["code"], r["column"]) for r in rejected] == [(3, "bad_date", "入党日期")]
    assert "不是有效日期" in rejected[0]["message"]
