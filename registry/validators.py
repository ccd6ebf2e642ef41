"""R-REG-1 unified social credit code (GB 32100-2015), R-REG-2 phone numbers, R-REG-3 resident ID."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]  # 3^i mod 31
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_error(value: str) -> str | None:
    """The reason a code is invalid, or None. Input is trimmed and upper-cased first (R-REG-1)."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        return str(_("A unified social credit code has 18 characters (got %(n)d).") % {"n": len(code)})
    bad = sorted({ch for ch in code if ch not in CREDIT_ALPHABET})
    if bad:
        return str(
            _("Character(s) not allowed in a credit code: %(chars)s (I, O, Z, S, V are never used).")
            % {"chars": " ".join(bad)}
        )
    if credit_check_char(code[:17]) != code[17]:
        return str(_("The check character is wrong: this is not a valid credit code."))
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="credit_code")


def phone_error(value: str) -> str | None:
    phone = (value or "").strip()
    if not phone:
        return None
    if MOBILE_RE.match(phone) or LANDLINE_RE.match(phone):
        return None
    return str(_("Enter an 11-digit mobile number (1[3-9]…) or a landline such as 0750-1234567."))


def validate_phone(value: str) -> None:
    error = phone_error(value)
    if error:
        raise ValidationError(error, code="phone")


# The same rule as a pattern for the API schema (ASCII digits, no surrounding blanks: a little stricter than
# the validator, so the schema never calls valid a number the form refuses).
validate_phone.api_pattern = r"(1[3-9][0-9]{9}|(0[0-9]{2,3}-?)?[0-9]{7,8}(-[0-9]{1,6})?)"


def id_number_error(value: str) -> str | None:
    number = (value or "").strip().upper()
    if not re.match(r"^\d{17}[\dX]$", number):
        return str(_("A resident ID number has 17 digits and a check digit or X."))
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != number[17]:
        return str(_("The check digit of the ID number is wrong."))
    return None
