"""GB 11643-1999: 18 characters, birth date in positions 7–14, gender by position 17, MOD 11-2 check."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgwork.core import idcard

# Real-format numbers computed by hand from the standard's weights (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).
KNOWN_VALID = ["11010519491231002X", "440524198001010013", "51152619800506001X"]


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_known_numbers_are_valid(number):
    assert idcard.parse(number).value == number


def test_check_digit_matches_the_standard_table():
    # sum of products for 11010519491231002 is 167; 167 mod 11 = 2 → 'X'
    assert idcard.check_char("11010519491231002") == "X"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_is_the_weighted_sum_for_every_number(first17):
    # check_char reads the digits in base 13 (13 ≡ 2 mod 11, the weights being 2^(17-i) mod 11): it must equal the
    # standard's sum of products for every number, not only the examples
    total = sum(int(d) * w for d, w in zip(first17, idcard.WEIGHTS, strict=True))
    assert idcard.check_char(first17) == idcard.CHECK_CHARS[total % 11]


def test_birth_date_and_gender_are_derived():
    parsed = idcard.parse("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "F"  # position 17 is 2 (even)
    assert idcard.parse("440524198001010013").gender == "M"


@pytest.mark.parametrize(
    "raw",
    ["11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ", " 110105 19491231 002X ", "110105-19491231-002X"],
)
def test_lower_case_x_full_width_digits_and_separators_are_normalized(raw):
    assert idcard.parse(raw).value == "11010519491231002X"


@pytest.mark.parametrize(
    "raw,code",
    [
        ("11010519491231002", "id_format"),  # 17 characters
        ("1101051949123100211", "id_format"),  # 19
        ("11010549123100A", "id_format"),  # old 15-digit with a letter
        ("110105491331002", "id_format"),  # old 15-digit, month 13
        ("11010519491331002X", "id_format"),  # month 13
        ("11010519490230002X", "id_format"),  # 30 February
        ("1101051949123100AX", "id_format"),  # letter inside
        ("110105194912310021", "id_checksum"),  # wrong check digit
        ("", "required"),
    ],
)
def test_bad_numbers_get_stable_codes(raw, code):
    with pytest.raises(idcard.IdNumberError) as exc:
        idcard.parse(raw)
    assert exc.value.code == code


def test_future_birth_date_is_rejected():
    future = idcard.make("110105", dt.date(2030, 1, 1), 11)
    with pytest.raises(idcard.IdNumberError) as exc:
        idcard.parse(future, today=dt.date(2026, 1, 1))
    assert exc.value.code == "id_format"


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))


@given(region=st.from_regex(r"\A[1-8]\d{5}\Z"), birth=dates, seq=st.integers(0, 999))
def test_every_generated_number_round_trips(region, birth, seq):
    number = idcard.make(region, birth, seq)
    parsed = idcard.parse(number)
    assert parsed.birth_date == birth
    assert parsed.gender == ("M" if seq % 2 else "F")


@given(birth=dates, seq=st.integers(0, 999), pos=st.integers(0, 16), delta=st.integers(1, 9))
def test_any_single_digit_change_is_caught(birth, seq, pos, delta):
    number = idcard.make("511526", birth, seq)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    with pytest.raises(idcard.IdNumberError):
        idcard.parse(changed)


@given(birth=dates, seq=st.integers(0, 999))
def test_swapping_two_adjacent_different_digits_is_caught(birth, seq):
    number = idcard.make("511526", birth, seq)
    for i in range(16):
        a, b = number[i], number[i + 1]
        if a != b:
            swapped = number[:i] + b + a + number[i + 2 :]
            with pytest.raises(idcard.IdNumberError):
                idcard.parse(swapped)
            break


def test_old_15_digit_numbers_are_converted_to_18_digits():
    """GB 11643-1999: "19" inserted before the 6-digit birth date, then the MOD 11-2 check character."""
    got = idcard.parse("110105491231002")
    assert got.value == "11010519491231002X"
    assert got.upgraded_from == "110105491231002"
    assert got.birth_date == dt.date(1949, 12, 31)
    assert got.gender == "F"  # sequence 002: even
    assert idcard.parse("440524800101001").value == "440524198001010013"
    assert idcard.parse("440524198001010013").upgraded_from == ""
