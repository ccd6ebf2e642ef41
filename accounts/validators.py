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
