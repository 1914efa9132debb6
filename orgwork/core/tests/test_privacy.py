"""The kernel's masking of personal fields and the table of roles that may read full values."""

import pytest

from orgwork.core import privacy
from orgwork.core.actor import Actor
from orgwork.core.models import Role


@pytest.mark.parametrize(
    "value, masked",
    [
        ("51152619800506001X", "511526********001X"),  # 18 characters: first 6, 8 stars, last 4
        ("511526800506001", "511526*****6001"),  # a 15-digit old card: first 6, 5 stars, last 4
        (" 51152619800506001x ", "511526********001x"),  # stray spaces do not shift the window
        ("1234567890", "********90"),  # too short for 6+4: only its last quarter is kept
        ("12345", "****5"),
        ("123", "***"),
        ("", ""),
        (None, ""),
        (51152619800506001, "511526*******6001"),  # a number from a spreadsheet cell
    ],
)
def test_id_numbers_keep_first_six_and_last_four(value, masked):
    assert privacy.mask_id_number(value) == masked


@pytest.mark.parametrize(
    "value, masked",
    [
        ("13800138000", "138****8000"),
        ("0831-4123456", "083*-***3456"),  # a landline keeps its separator
        ("138 0013 8000", "138 **** 8000"),
        ("4123456", "******6"),  # short local number
        ("", ""),
        (None, ""),
    ],
)
def test_phones_keep_first_three_and_last_four(value, masked):
    assert privacy.mask_phone(value) == masked


def test_no_masked_value_reveals_the_middle_digits():
    full = "51152619800506001X"
    assert "19800506" not in privacy.mask_id_number(full)
    assert "0013" not in privacy.mask_phone("13800138000")
    assert privacy.mask("id_number_old", "511526800506001") == "511526*****6001"
    assert privacy.mask("home_contact_phone", "13800138000") == "138****8000"


def test_free_text_masks_id_numbers_and_phone_like_numbers_but_not_dates_or_row_numbers():
    text = "号码51152619800506001X与第3行重复；联系电话“1380013800”无效；手机 138-0013-8000；出生日期19800506；第12行；旧号511526800506001"
    out = privacy.mask_text(text)
    assert "51152619800506001X" not in out and "511526********001X" in out
    assert "1380013800" not in out and "138-****-8000" in out
    assert "511526*****6001" in out
    assert "出生日期19800506" in out and "第12行" in out and "第3行" in out
    assert privacy.mask_text(None) == ""


@pytest.mark.django_db
def test_full_values_follow_the_role_table_over_the_persons_org(users, tree):
    path = tree.village_a.path
    can = {name: privacy.may_read_full(Actor.for_user(users[name]), path) for name in ("sysadmin", "county", "town_a", "sec_a", "sec_b", "member_a")}
    # 组织部管理员, the town's 党组织管理员 and the branch's secretary need the numbers; the system administrator
    # (an operator), another branch's secretary and a member do not.
    assert can == {"sysadmin": False, "county": True, "town_a": True, "sec_a": True, "sec_b": False, "member_a": False}
    assert privacy.may_read_full(Actor.system_actor("cli"), path)
    assert not privacy.may_read_full(None, path)
    assert not privacy.may_read_full(Actor.for_user(users["county"]), "")
    for field in privacy.MASKED_FIELDS:
        assert Role.MEMBER not in privacy.FULL_VALUE_ROLES[field] and Role.SYSADMIN not in privacy.FULL_VALUE_ROLES[field]


@pytest.mark.django_db
def test_full_export_needs_the_role_over_the_whole_scope(users, tree):
    assert privacy.may_export_full(Actor.for_user(users["town_a"]), None)
    assert privacy.may_export_full(Actor.for_user(users["town_a"]), tree.village_a.path)
    assert not privacy.may_export_full(Actor.for_user(users["sysadmin"]), None)
    assert not privacy.may_export_full(Actor.for_user(users["member_a"]), None)
