from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least 3 of the 4 character classes (MLPS practice); long passphrases (20+) are accepted as is."""

    def __init__(self, min_classes: int = 3, passphrase_length: int = 20):
        self.min_classes = min_classes
        self.passphrase_length = passphrase_length

    def validate(self, password: str, user=None) -> None:
        if len(password) >= self.passphrase_length:
            return
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < self.min_classes:
            raise ValidationError(
                _("The password must mix at least three of: lower-case, upper-case, digits, symbols."),
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("Use at least three of: lower-case, upper-case, digits, symbols.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with the length read at each use: an administrator may raise it (never below 10)."""

    def __init__(self) -> None:
        pass

    @property
    def min_length(self) -> int:  # type: ignore[override]
        from core.config import config_value

        return config_value("PASSWORD_MIN_LENGTH")


class MaximumLengthValidator:
    """Long passphrases are welcome (a 64-character one must pass), but not unbounded input."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("The password may have at most %(n)d characters.") % {"n": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("At most %(n)d characters.") % {"n": self.max_length}


class PersonalDataValidator:
    """The password must not contain the username or the phone number (MLPS practice)."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in lowered:
            raise ValidationError(_("The password must not contain your username."), code="password_username")
        phone = "".join(ch for ch in (getattr(user, "phone", "") or "") if ch.isdigit())
        # The whole number, or its last eight digits (a landline without area code).
        if len(phone) >= 7 and (phone in password or phone[-8:] in password):
            raise ValidationError(
                _("The password must not contain your phone number."), code="password_phone"
            )

    def get_help_text(self) -> str:
        return _("Do not use your username or phone number in the password.")


class PasswordHistoryValidator:
    """No reuse of the last PASSWORD_HISTORY_COUNT passwords (the current one included)."""

    def validate(self, password: str, user=None) -> None:
        from django.contrib.auth.hashers import check_password

        from core.config import config_value

        if user is None or not getattr(user, "pk", None):
            return
        count = config_value("PASSWORD_HISTORY_COUNT")
        previous = list(user.password_history.values_list("password", flat=True)[:count])
        if not previous and user.password:
            previous = [user.password]
        if any(check_password(password, encoded) for encoded in previous):
            raise ValidationError(
                _("Choose a password you have not used for your last %(n)d passwords.") % {"n": count},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("Do not reuse a recent password.")
