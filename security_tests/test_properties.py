"""Property tests: validators (R-REG-1/2/3), masking (R-REG-2) and CSV escaping."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from core.exports import FORMULA_TRIGGERS, neutralise_csv, unneutralise_csv
from core.masking import mask_id_number, mask_phone
from registry.validators import (
    CREDIT_ALPHABET,
    ID_CHECK,
    ID_WEIGHTS,
    credit_check_char,
    credit_code_error,
    id_number_error,
    phone_error,
)

BODY17 = st.text(alphabet=CREDIT_ALPHABET, min_size=17, max_size=17)
DIGITS17 = st.text(alphabet="0123456789", min_size=17, max_size=17)
MOBILES = st.from_regex(r"\A1[3-9]\d{9}\Z")


@given(BODY17)
def test_every_code_with_its_check_character_is_valid(body):
    assert credit_code_error(body + credit_check_char(body)) is None
    assert credit_code_error((body + credit_check_char(body)).lower() + " ") is None  # trimmed, upper-cased


@given(BODY17, st.integers(0, 17), st.sampled_from(CREDIT_ALPHABET))
def test_changing_one_character_of_a_code_is_caught(body, index, replacement):
    code = body + credit_check_char(body)
    changed = code[:index] + replacement + code[index + 1 :]
    assert (credit_code_error(changed) is None) == (changed == code)


@given(st.text(max_size=20))
def test_anything_else_is_never_a_credit_code_by_accident(value):
    code = value.strip().upper()
    valid = credit_code_error(value) is None
    assert not valid or (len(code) == 18 and credit_check_char(code[:17]) == code[17])


def _id_check(body):
    return ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


@given(DIGITS17)
def test_id_numbers_with_their_check_digit_are_valid_and_one_digit_changed_is_not(body):
    number = body + _id_check(body)
    assert id_number_error(number) is None
    wrong = body + next(c for c in "0123456789X" if c != number[17])
    assert id_number_error(wrong) is not None


@given(MOBILES)
def test_mobiles_are_valid_and_masked_to_their_first_three_and_last_four(phone):
    assert phone_error(phone) is None
    masked = mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]
    assert phone[3:7] not in masked[3:7]


@given(st.text(max_size=30))
def test_masking_never_shows_more_than_the_ends(value):
    """At least four characters are hidden whenever there are more than four; a short value is all stars."""
    digits = value.strip()
    masked = mask_phone(value)
    if not value:
        assert masked == value
    elif len(digits) <= 7:
        assert masked == "*" * len(digits)
    else:
        assert "****" in masked and masked.endswith(digits[-4:])
        shown = masked.replace("*", "")
        assert len(shown) <= len(digits) - 4 or "-" in digits


@given(DIGITS17)
def test_masked_id_numbers_hide_the_birth_date(body):
    number = body + _id_check(body)
    masked = mask_id_number(number)
    assert len(masked) == 18 and masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert set(masked[4:14]) == {"*"}


@given(st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_csv_cells_never_start_with_a_trigger_and_read_back_exactly(values):
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutralise_csv(v) for v in values])
    row = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert all(not cell.startswith(FORMULA_TRIGGERS) for cell in row)
    assert [unneutralise_csv(cell) for cell in row] == values
