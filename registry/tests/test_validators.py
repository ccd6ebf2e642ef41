"""R-REG-1 credit codes, R-REG-2 phone numbers, R-REG-3 resident ID numbers: the validators alone."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.validators import (
    CREDIT_ALPHABET,
    credit_check_char,
    credit_code_error,
    id_number_error,
    normalise_credit_code,
    phone_error,
    validate_credit_code,
)

VALID_EXAMPLE = "91350100M000100Y43"  # the example of GB 32100-2015 (R-REG-1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


BODIES = ["91440703MA4UL8K21", "11440703000000000", "52440703MJ0000001", "93440703081234567"]


def test_the_standard_example_is_valid():
    assert credit_code_error(VALID_EXAMPLE) is None
    validate_credit_code(VALID_EXAMPLE)


def test_the_check_character_of_the_standard_example_is_3():
    assert credit_check_char(VALID_EXAMPLE[:17]) == "3"


@pytest.mark.parametrize("body", BODIES)
def test_codes_built_from_the_check_formula_are_valid(body):
    assert credit_code_error(body + credit_check_char(body)) is None


@pytest.mark.parametrize("raw", ["  91350100M000100Y43 ", "91350100m000100y43", "\t91350100M000100y43\n"])
def test_codes_are_trimmed_and_upper_cased_before_checking(raw):
    assert normalise_credit_code(raw) == VALID_EXAMPLE
    assert credit_code_error(raw) is None


@pytest.mark.parametrize(
    ("code", "length"),
    [("", 0), ("91350100M000100Y4", 17), ("91350100M000100Y433", 19), ("9135", 4)],
)
def test_a_wrong_length_is_reported_with_the_length(code, length):
    assert credit_code_error(code) == f"A unified social credit code has 18 characters (got {length})."


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_each_forbidden_letter_is_refused_by_name(letter):
    code = VALID_EXAMPLE[:8] + letter + VALID_EXAMPLE[9:]
    assert credit_code_error(code) == (
        f"Character(s) not allowed in a credit code: {letter} (I, O, Z, S, V are never used)."
    )


def test_punctuation_is_a_forbidden_character_too():
    assert "Character(s) not allowed" in credit_code_error("91350100M000100Y4-")


def test_a_wrong_check_character_is_refused():
    wrong = VALID_EXAMPLE[:17] + "4"
    assert credit_code_error(wrong) == "The check character is wrong: this is not a valid credit code."
    with pytest.raises(ValidationError) as info:
        validate_credit_code(wrong)
    assert info.value.code == "credit_code"


@settings(deadline=None)
@given(st.text(alphabet=CREDIT_ALPHABET, min_size=17, max_size=17))
def test_any_body_with_its_computed_check_character_validates(body):
    assert credit_code_error(body + credit_check_char(body)) is None


@settings(deadline=None)
@given(st.text(alphabet=CREDIT_ALPHABET, min_size=17, max_size=17), st.sampled_from(CREDIT_ALPHABET))
def test_any_other_last_character_fails(body, last):
    if last == credit_check_char(body):
        return
    assert credit_code_error(body + last) == "The check character is wrong: this is not a valid credit code."


@pytest.mark.parametrize(
    "phone", ["13800138000", "19912345678", "0750-3123456", "07503123456", "3123456", "0750-3123456-801", ""]
)
def test_mobile_and_landline_numbers_are_accepted(phone):
    assert phone_error(phone) is None


@pytest.mark.parametrize(
    "phone",
    ["12800138000", "1380013800", "138001380001", "1380013800a", "电话13800138000", "+86 138 0013 8000"],
)
def test_malformed_phone_numbers_are_refused(phone):
    assert phone_error(phone) == (
        "Enter an 11-digit mobile number (1[3-9]…) or a landline such as 0750-1234567."
    )


@pytest.mark.parametrize("number", ["11010519491231002X", "440703199003074516", "11010519491231002x"])
def test_valid_resident_id_numbers_pass(number):
    assert id_number_error(number) is None


@pytest.mark.parametrize("number", ["110105194912310021", "440703199003074518"])
def test_a_wrong_id_check_digit_is_refused(number):
    assert id_number_error(number) == "The check digit of the ID number is wrong."


@pytest.mark.parametrize("number", ["", "11010519491231002", "1101051949123100211", "11010519491231002Y"])
def test_a_malformed_id_number_is_refused(number):
    assert id_number_error(number) == "A resident ID number has 17 digits and a check digit or X."
