"""Personal data shown to those who need it and masked for everyone else (R-REG-2, PIPL)."""

from core.choices import PERSONAL_DATA_ROLES, Role


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile; a landline keeps its area code and last four digits."""
    if not value:
        return value or ""
    digits = value.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]}****{digits[-4:]}"
    area, _dash, number = digits.partition("-")
    if number and len(number) >= 7:  # an area code is public; the number after it keeps its last four
        return f"{area}-****{digits[-4:]}"
    if len(digits) < 8:  # too short to show an end and still hide four
        return "*" * len(digits)
    if len(digits) < 10:
        return "*" * (len(digits) - 4) + digits[-4:]
    return f"{digits[:2]}****{digits[-4:]}"


def mask_id_number(value: str | None) -> str:
    if not value:
        return value or ""
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}" if len(value) > 8 else "*" * len(value)


def can_see_personal_data(user, enterprise_id: int | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    roles = user.role_codes
    if roles & PERSONAL_DATA_ROLES:
        return True
    return bool(Role.ENTERPRISE_USER in roles and enterprise_id and user.enterprise_id == enterprise_id)


def phone_for(user, value: str | None, enterprise_id: int | None = None) -> str:
    return (value or "") if can_see_personal_data(user, enterprise_id) else mask_phone(value)
