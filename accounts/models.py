import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import Role
from core.crypto import EncryptedTextField, blind_index, blind_indexes
from core.masking import mask_id_number


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


class RedlineUserManager(UserManager):
    def with_id_number(self, value: str):
        """Users whose resident ID number equals `value`, found through its keyed hash (R-REG-3)."""
        return self.filter(
            id_number_digest__in=blind_indexes(normalise_id_number(value), purpose="id_number")
        )


class User(AbstractUser):
    """An official, inspector, enterprise safety officer or duty officer.

    A user belongs to a town, a department or an enterprise and may hold several roles (UserRole).
    """

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    town = models.ForeignKey(
        "registry.Jurisdiction",
        verbose_name=_("town/street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # R-REG-3: officials and inspectors must be identifiable; the number is stored encrypted, searched
    # through its keyed hash and shown masked unless someone with the need asks for it with a reason.
    id_number = EncryptedTextField(_("resident ID number"), blank=True, default="", context="accounts.user")
    id_number_digest = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)

    objects = RedlineUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.name or self.username

    def save(self, *args, **kwargs):
        self.id_number = normalise_id_number(self.id_number)
        self.id_number_digest = blind_index(self.id_number, purpose="id_number") if self.id_number else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "id_number_digest"}
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def display_name(self) -> str:
        return self.name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.role_assignments.values_list("role", flat=True))

    @cached_property
    def department_sector_codes(self) -> frozenset[str]:
        if not self.department_id:
            return frozenset()
        return frozenset(self.department.sectors.values_list("code", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes & set(roles))

    def role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in sorted(self.role_codes) if code in Role.values]

    def forget_cached_roles(self) -> None:
        for attr in ("role_codes", "department_sector_codes", "_redline_scope"):
            self.__dict__.pop(attr, None)


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """API token (API.md auth). Only the SHA-256 of the key is stored; the key is shown once. It stops
    working after API_TOKEN_IDLE_SECONDS unused or API_TOKEN_ABSOLUTE_SECONDS after creation
    (accounts.tokens); `prefix` (its first 8 of 40 hex characters) lets its owner tell tokens apart."""

    class Via(models.TextChoices):
        API = "api", _("Token endpoint")
        WEB = "web", _("Web page")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("token prefix"), max_length=8, blank=True, default="")
    via = models.CharField(_("created through"), max_length=8, choices=Via.choices, default=Via.API)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix or '?'}…"

    @classmethod
    def issue(cls, user: User, *, via: str = "api") -> str:
        key = secrets.token_hex(20)
        cls.objects.create(user=user, key_hash=hash_token(key), prefix=key[:8], via=via)
        return key


class LoginAttempt(models.Model):
    """One password or second-factor attempt; the lock and the address throttle count these rows, so
    they hold across any number of app servers."""

    class Kind(models.TextChoices):
        PASSWORD = "password", _("Password")
        TOKEN = "token", _("API token request")
        OTP = "otp", _("Second factor")

    username = models.CharField(max_length=150)  # lower-cased, whether or not such a user exists
    ip = models.CharField(max_length=45, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    success = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="login_attempt_user"),
            models.Index(fields=["ip", "at"], name="login_attempt_ip"),
        ]


class AccountLock(models.Model):
    """A username locked after repeated failures. Kept by username so that an unknown name behaves
    exactly like a known one."""

    username = models.CharField(max_length=150, unique=True)
    locked_until = models.DateTimeField()
    locked_at = models.DateTimeField(default=timezone.now)


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords (no reuse of the last N)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class TotpDevice(models.Model):
    """The user's authenticator app (RFC 6238). The shared secret is stored encrypted."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField(context="accounts.totp")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)  # a code works once: steps ≤ this are refused
    created_at = models.DateTimeField(default=timezone.now)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class UserSession(models.Model):
    """Index of a user's sessions, so that "log out everywhere" touches only that user's rows."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="session_index")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
