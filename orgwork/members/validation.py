"""Member field validation and normalization, shared by forms, the API and file imports.

`clean_member()` takes what a person typed (strings, Excel values) and returns clean model values or
raises ServiceError listing every bad field with a stable code and a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from orgwork.core import idcard
from orgwork.core.errors import FieldError, ServiceError
from orgwork.core.normalize import BadDate, clean_digits, clean_name, clean_text, parse_date, to_halfwidth, years_between

from .models import Category, Education, Gender
from .rules import membership_rules

FIELD_LABELS = {
    "name": gettext_noop("姓名"),
    "gender": gettext_noop("性别"),
    "id_number": gettext_noop("公民身份号码"),
    "id_number_old": gettext_noop("原15位身份证号码"),
    "ethnicity": gettext_noop("民族"),
    "birth_date": gettext_noop("出生日期"),
    "education": gettext_noop("学历"),
    "category": gettext_noop("人员类别"),
    "org": gettext_noop("所在党组织"),
    "joined_on": gettext_noop("入党日期"),
    "confirmed_on": gettext_noop("转为正式党员日期"),
    "job": gettext_noop("工作岗位"),
    "phone": gettext_noop("联系电话"),
    "address": gettext_noop("家庭住址"),
    "standing": gettext_noop("党籍状态"),
    "lost_contact": gettext_noop("是否失联"),
    "lost_contact_on": gettext_noop("失联日期"),
}

GENDER_WORDS = {"男": "M", "男性": "M", "m": "M", "male": "M", "女": "F", "女性": "F", "f": "F", "female": "F"}
CATEGORY_WORDS = {
    "正式党员": Category.FULL,
    "正式": Category.FULL,
    "full": Category.FULL,
    "预备党员": Category.PROBATIONARY,
    "预备": Category.PROBATIONARY,
    "probationary": Category.PROBATIONARY,
}
EDUCATION_WORDS = {
    "博士": Education.DOCTORATE,
    "博士研究生": Education.DOCTORATE,
    "研究生(博士)": Education.DOCTORATE,
    "硕士": Education.MASTER,
    "硕士研究生": Education.MASTER,
    "研究生": Education.MASTER,
    "研究生(硕士)": Education.MASTER,
    "大学本科": Education.BACHELOR,
    "本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "大学专科": Education.COLLEGE,
    "大专": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "高职": Education.COLLEGE,
    "中专": Education.SECONDARY,
    "中等专科": Education.SECONDARY,
    "中技": Education.SECONDARY,
    "技校": Education.SECONDARY,
    "职高": Education.SECONDARY,
    "高中": Education.HIGH_SCHOOL,
    "初中": Education.JUNIOR_HIGH,
    "小学": Education.PRIMARY,
    "小学及以下": Education.PRIMARY,
    "文盲": Education.PRIMARY,
    "不识字或识字很少": Education.PRIMARY,
}
for _code, _label in Education.choices:
    EDUCATION_WORDS[str(_label)] = _code
    EDUCATION_WORDS[_code] = _code

ETHNIC_GROUPS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 "
    "土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
ETHNICITIES = {f"{g}族" for g in ETHNIC_GROUPS} | {"其他", "外国血统中国籍人士"}
YES_WORDS = {"是", "y", "yes", "true", "1", "失联"}
NO_WORDS = {"否", "n", "no", "false", "0", "", "未失联"}

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_LOCAL = re.compile(r"^\d{7,8}$")
_PHONE_NOISE = re.compile(r"[\s\u3000()（）]")
_PHONE_PREFIX = re.compile(r"^(\+?86)(?=1\d{10}$)")


def _memo(fn):
    """Memoize a normalizer by (type, value): roster columns repeat a handful of words thousands of times."""
    from functools import lru_cache, wraps

    @lru_cache(maxsize=4096)
    def cached(_type, value):
        return fn(value)

    @wraps(fn)
    def wrapper(value):
        try:
            return cached(type(value), value)
        except TypeError:  # unhashable
            return fn(value)

    return wrapper


@_memo
def normalize_gender(value) -> str | None:
    text = clean_name(value).lower()
    if not text:
        return None
    return GENDER_WORDS.get(text, "?")


@_memo
def normalize_category(value) -> str | None:
    text = clean_name(value).replace("党员", "党员")
    if not text:
        return None
    return CATEGORY_WORDS.get(text.lower(), CATEGORY_WORDS.get(text, "?"))


@_memo
def normalize_education(value) -> str | None:
    text = to_halfwidth(clean_name(value)).replace("（", "(").replace("）", ")")
    if not text:
        return ""
    if text in EDUCATION_WORDS:
        return EDUCATION_WORDS[text]
    stripped = re.sub(r"(毕业|肄业|在读|学历|及同等学力)$", "", text)
    return EDUCATION_WORDS.get(stripped, "?")


@_memo
def normalize_ethnicity(value) -> str | None:
    text = clean_name(value)
    if not text:
        return ""
    if text in ETHNICITIES:
        return text
    if f"{text}族" in ETHNICITIES:
        return f"{text}族"
    return "?"


def normalize_phone(value) -> str | None:
    if value is None:
        return ""
    text = to_halfwidth(str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
    text = _PHONE_NOISE.sub("", text)
    text = _PHONE_PREFIX.sub("", text)
    if not text:
        return ""
    if _MOBILE.match(text) or _LANDLINE.match(text) or _LOCAL.match(text):
        return text
    return None


@_memo
def normalize_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = clean_name(value).lower()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    return None


def _date(errors, data, key, *, today):
    if key not in data:
        return None
    try:
        value = parse_date(data[key])
    except BadDate:
        errors.append(FieldError(key, "bad_date", _("%(value)s“%(clean_text)s”不是有效日期，请写成 2019-07-01 的形式") % {"value": _(FIELD_LABELS[key]), "clean_text": clean_text(data[key])}))
        return None
    if value and value > today:
        errors.append(FieldError(key, "future_date", _("%(value)s不能晚于今天") % {"value": _(FIELD_LABELS[key])}))
        return None
    return value


def clean_member(data: dict, *, partial: bool = False, current: dict | None = None, today: dt.date | None = None) -> dict:
    """Validate `data` (field → raw value); `current` holds the record's present values for updates.

    Returns the cleaned values for the keys given (plus derived birth_date/gender). The org is
    resolved by the caller and is not handled here.
    """
    today = today or dt.date.today()
    current = current or {}
    errors: list[FieldError] = []
    out: dict = {}

    def required(key):
        if not partial and (key not in data or data[key] in (None, "")):
            errors.append(FieldError(key, "required", _("%(value)s不能为空") % {"value": _(FIELD_LABELS[key])}))
            return False
        return key in data

    if required("name"):
        name = clean_name(data["name"])
        if not name:
            errors.append(FieldError("name", "required", _("姓名不能为空")))
        elif len(name) > 60 or re.search(r"\d", name):
            errors.append(FieldError("name", "bad_value", _("姓名“%(name)s”不正确") % {"name": name}))
        else:
            out["name"] = name

    decoded = None
    if required("id_number"):
        try:
            decoded = idcard.parse(data["id_number"], today=today)
            out["id_number"] = decoded.value
            if decoded.upgraded_from:
                # an old 15-digit card: stored as 18 digits, the original kept so the record shows it was converted
                out["id_number_old"] = decoded.upgraded_from
        except idcard.IdNumberError as exc:
            errors.append(FieldError("id_number", exc.code, exc.message))
    elif current.get("id_number"):
        try:
            decoded = idcard.parse(current["id_number"], today=today)
        except idcard.IdNumberError:
            decoded = None

    if "gender" in data and data["gender"] not in (None, ""):
        g = normalize_gender(data["gender"])
        if g is None:  # only spaces: as if left blank (the ID number gives the gender)
            pass
        elif g == "?":
            errors.append(FieldError("gender", "bad_value", _("性别“%(clean_text)s”应为“男”或“女”") % {"clean_text": clean_text(data['gender'])}))
        elif decoded and g != decoded.gender:
            errors.append(
                FieldError("gender", "id_gender_mismatch", _("性别“%(label)s”与公民身份号码不符（号码显示为%(label2)s）") % {"label": Gender(g).label, "label2": Gender(decoded.gender).label})
            )
        else:
            out["gender"] = g
    if decoded:
        out["gender"] = decoded.gender

    birth = _date(errors, data, "birth_date", today=today) if data.get("birth_date") not in (None, "") else None
    if birth and decoded and birth != decoded.birth_date:
        errors.append(
            FieldError("birth_date", "id_birth_mismatch", _("出生日期%(birth)s与公民身份号码不符（号码显示为%(birth_date)s）") % {"birth": format(birth, '%Y-%m-%d'), "birth_date": format(decoded.birth_date, '%Y-%m-%d')})
        )
    if decoded:
        out["birth_date"] = decoded.birth_date
    elif birth:
        out["birth_date"] = birth

    if "ethnicity" in data:
        eth = normalize_ethnicity(data["ethnicity"])
        if eth == "?":
            errors.append(FieldError("ethnicity", "bad_value", _("民族“%(clean_text)s”无法识别，请填写如“汉族”") % {"clean_text": clean_text(data['ethnicity'])}))
        else:
            out["ethnicity"] = eth
    if "education" in data:
        edu = normalize_education(data["education"])
        if edu == "?":
            errors.append(FieldError("education", "bad_value", _("学历“%(clean_text)s”无法识别，请填写如“大学本科”“大专”“高中”") % {"clean_text": clean_text(data['education'])}))
        else:
            out["education"] = edu
    if required("category"):
        cat = normalize_category(data["category"])
        if cat in (None, "?"):
            errors.append(FieldError("category", "bad_value", _("人员类别“%(clean_text)s”应为“正式党员”或“预备党员”") % {"clean_text": clean_text(data['category'])}))
        else:
            out["category"] = cat

    joined = None
    if required("joined_on"):
        joined = _date(errors, data, "joined_on", today=today)
        if joined is None and not any(e.field == "joined_on" for e in errors):
            errors.append(FieldError("joined_on", "required", _("入党日期不能为空")))
        if joined:
            out["joined_on"] = joined
    joined = joined or current.get("joined_on")
    born = out.get("birth_date") or current.get("birth_date")
    if joined and born:
        if joined <= born:
            errors.append(FieldError("joined_on", "date_order", _("入党日期不能早于出生日期")))
        else:
            min_age = membership_rules(on=today)["min_age_at_admission"]
            if years_between(born, joined) < min_age:
                errors.append(
                    FieldError("joined_on", "under_age", _("入党时未满%(min_age)s周岁（出生于%(born)s，入党于%(joined)s）") % {"min_age": min_age, "born": format(born, '%Y-%m-%d'), "joined": format(joined, '%Y-%m-%d')})
                )

    if "confirmed_on" in data:
        confirmed = _date(errors, data, "confirmed_on", today=today) if data["confirmed_on"] not in (None, "") else None
        category = out.get("category") or current.get("category")
        if confirmed:
            if category == Category.PROBATIONARY:
                errors.append(FieldError("confirmed_on", "bad_value", _("预备党员不应填写转为正式党员日期")))
            elif joined and confirmed <= joined:
                errors.append(FieldError("confirmed_on", "date_order", _("转为正式党员日期应晚于入党日期")))
            else:
                out["confirmed_on"] = confirmed
        else:
            out["confirmed_on"] = None

    if "phone" in data:
        phone = normalize_phone(data["phone"])
        if phone is None:
            errors.append(FieldError("phone", "bad_phone", _("联系电话“%(clean_text)s”不是有效的手机号或固定电话") % {"clean_text": clean_text(data['phone'])}))
        else:
            out["phone"] = phone
    for key, limit in (("job", 100), ("address", 200)):
        if key in data:
            value = clean_text(data[key])
            if len(value) > limit:
                errors.append(FieldError(key, "bad_value", _("%(value)s不能超过%(limit)s个字") % {"value": _(FIELD_LABELS[key]), "limit": limit}))
            else:
                out[key] = value
    if "lost_contact" in data:
        flag = normalize_bool(data["lost_contact"])
        if flag is None:
            errors.append(FieldError("lost_contact", "bad_value", _("是否失联应填写“是”或“否”")))
        else:
            out["lost_contact"] = flag
    if "lost_contact_on" in data and data["lost_contact_on"] not in (None, ""):
        lost_on = _date(errors, data, "lost_contact_on", today=today)
        if lost_on:
            if joined and lost_on < joined:
                errors.append(FieldError("lost_contact_on", "date_order", _("失联日期不能早于入党日期")))
            out["lost_contact_on"] = lost_on
            if "lost_contact" not in data:
                out["lost_contact"] = True
    if out.get("lost_contact") is False:
        out["lost_contact_on"] = None
    if errors:
        raise ServiceError(errors)
    return out


# --- the fast path of file imports ------------------------------------------------------------------------
# Characters clean_name would change (spaces of any kind, full-width ASCII) or reject in a name (digits).
_NAME_NOT_PLAIN = re.compile(r"[\s\u00a0\u200b\ufeff\uff01-\uff5e\d]")


_PLAIN_ID = re.compile(r"[0-9]{17}[0-9X]")


def _plain_id(value, today):
    """(number, birth date, gender) of an 18-character ID number already written plainly (ASCII digits, upper-case X)
    that idcard.parse accepts, decoded as it decodes; None for anything else (parse then gives the message)."""
    if value.__class__ is not str or len(value) != 18 or _PLAIN_ID.fullmatch(value) is None:
        return None
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    if born > today or born.year < 1900 or idcard.check_char(value[:17]) != value[17]:
        return None
    return value, born, "M" if int(value[16]) % 2 == 1 else "F"


@lru_cache(maxsize=65536, typed=True)
def _text_date(value):
    """parse_date of a text or number cell (a roster's column repeats the same few thousand dates); None if bad."""
    try:
        return parse_date(value)
    except BadDate:
        return None


def _plain_date(value, today):
    """A date cell as Excel gives it (a date, or a datetime at midnight or not), or text / a serial number that
    parse_date reads, not later than today; else None."""
    if value.__class__ is dt.datetime:
        value = value.date()
    elif value.__class__ is not dt.date:
        if value.__class__ is bool:
            return None
        try:
            value = _text_date(value)
        except TypeError:  # unhashable: not a cell value
            return None
        if value is None:
            return None
    return value if value <= today else None


def _any_id(value, today):
    """(number, birth date, gender, old 15-digit number) as clean_member decodes it (idcard.parse: full-width
    digits, a lower-case x, separators, an old 15-digit number upgraded); None when parse rejects it."""
    plain = _plain_id(value, today)
    if plain is not None:
        return (*plain, "")
    try:
        decoded = idcard.parse(value, today=today)
    except idcard.IdNumberError:
        return None
    return decoded.value, decoded.birth_date, decoded.gender, decoded.upgraded_from


def clean_member_fast(data: dict, *, today: dt.date, min_age: int) -> dict | None:
    """What `clean_member(data, today=today)` returns, for a row with nothing unusual in it; None otherwise.

    A roster row of 100,000 is nearly always plain: text already trimmed, dates as Excel dates, words the
    memoized normalizers know. This path decides those rows with fewer steps and no error objects; every row it
    cannot vouch for (an error of any kind, a lost-contact date, …) returns None and goes through `clean_member`,
    which gives the per-field messages. Cells a real roster writes in other ways that clean_member accepts — an old
    15-digit ID number, full-width digits, a date typed as text, spaces inside a name — are read here by the same
    functions clean_member uses, so those rows stay on this path. Both give the same values for the
    rows this one accepts (members/tests/test_validation_fast.py compares them); `min_age` is the rule table's
    membership_rules(on=today)["min_age_at_admission"], read once per file by the caller.
    """
    name = data.get("name")
    if name is None or name == "":
        return None
    if name.__class__ is not str or len(name) > 60 or _NAME_NOT_PLAIN.search(name) or not unicodedata.is_normalized("NFC", name):
        name = clean_name(name)  # spaces inside, full-width letters: what clean_member keeps of the cell
        if not name or len(name) > 60 or re.search(r"\d", name):
            return None
    raw_id = data.get("id_number")
    if raw_id is None or raw_id == "":
        return None
    decoded = _any_id(raw_id, today)
    if decoded is None:
        return None
    number, born, gender, old = decoded
    out = {"name": name, "id_number": number, "gender": gender, "birth_date": born}
    if old:
        out["id_number_old"] = old
    if "gender" in data:
        g = data["gender"]
        if g is not None and g != "" and normalize_gender(g) != gender:
            return None
    if "birth_date" in data:
        b = data["birth_date"]
        if b is not None and b != "" and _plain_date(b, today) != born:
            return None
    if "ethnicity" in data:
        eth = normalize_ethnicity(data["ethnicity"])
        if eth == "?":
            return None
        out["ethnicity"] = eth
    if "education" in data:
        edu = normalize_education(data["education"])
        if edu == "?":
            return None
        out["education"] = edu
    cat = data.get("category")
    if cat is None or cat == "":
        return None
    cat = normalize_category(cat)
    if cat is None or cat == "?":
        return None
    out["category"] = cat
    joined = data.get("joined_on")
    if joined is None or joined == "":
        return None
    joined = _plain_date(joined, today)
    if joined is None or joined <= born or years_between(born, joined) < min_age:
        return None
    out["joined_on"] = joined
    if "confirmed_on" in data:
        c = data["confirmed_on"]
        if c is None or c == "":
            out["confirmed_on"] = None
        else:
            c = _plain_date(c, today)
            if c is None or cat == Category.PROBATIONARY or c <= joined:
                return None
            out["confirmed_on"] = c
    if "phone" in data:
        phone = data["phone"]
        # a mobile number written plainly (nearly every row) is what normalize_phone returns for it
        if not (phone.__class__ is str and len(phone) == 11 and phone.isascii() and phone.isdigit() and phone[0] == "1" and phone[1] in "3456789"):
            phone = normalize_phone(phone)
            if phone is None:
                return None
        out["phone"] = phone
    if "job" in data:
        job = clean_text(data["job"])
        if len(job) > 100:
            return None
        out["job"] = job
    if "address" in data:
        address = clean_text(data["address"])
        if len(address) > 200:
            return None
        out["address"] = address
    if "lost_contact" in data:
        flag = normalize_bool(data["lost_contact"])
        if flag is None:
            return None
        out["lost_contact"] = flag
    if "lost_contact_on" in data and data["lost_contact_on"] not in (None, ""):
        return None
    if out.get("lost_contact") is False:
        out["lost_contact_on"] = None
    return out


def phone_tail(phone: str) -> str:
    return clean_digits(phone)[::-1]
