"""Forms of the user administration screens. They parse input only: the separation of duties and the
membership rules are checked by accounts.services."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from core.choices import Role
from registry.models import Department, Enterprise, Jurisdiction
from registry.validators import normalise_credit_code, validate_phone


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, method="filter_role")
    town = django_filters.ModelChoiceFilter(
        label=_("Town/street"), queryset=Jurisdiction.objects.towns().order_by("code"), method="filter_town"
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.order_by("code")
    )
    active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            ("1", pgettext_lazy("account", "Active")),
            ("0", _("Disabled")),
            ("reset", _("Must change password")),
            ("locked", _("Locked after failed logins")),
        ],
        method="filter_active",
    )

    class Meta:
        model = User
        fields = ["role", "town", "department", "active"]

    def filter_role(self, queryset, name, value):
        return queryset.filter(role_assignments__role=value)

    def filter_town(self, queryset, name, value):
        # An enterprise's users belong to the town through their enterprise.
        return queryset.filter(Q(town=value) | Q(enterprise__town=value))

    def filter_active(self, queryset, name, value):
        if value == "reset":
            return queryset.filter(must_change_password=True, is_active=True)
        if value == "locked":
            return queryset.filter(is_locked=True)  # annotated by the list page
        return queryset.filter(is_active=value == "1")


class EnterpriseByCreditCodeField(forms.CharField):
    """An enterprise typed as its unified social credit code (a select of thousands would not serve)."""

    def prepare_value(self, value):
        if isinstance(value, Enterprise):
            return value.credit_code
        if isinstance(value, int):
            return Enterprise.objects.filter(pk=value).values_list("credit_code", flat=True).first() or ""
        return value

    def clean(self, value):
        code = normalise_credit_code(super().clean(value) or "")
        if not code:
            return None
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise has this credit code."), code="unknown")
        return enterprise


class RolesMixin:
    """The roles checkboxes offer only what the actor may grant (accounts.services.grantable_roles); roles
    the account holds outside that set are kept as they are. A form without the checkboxes still passes
    on roles a crafted request sends, so that the service refuses them rather than the form dropping
    them silently."""

    def _setup_roles(self, instance: User | None, grantable: frozenset[str], editable: bool) -> None:
        held = set(instance.role_codes) if instance is not None else set()
        self.kept_roles = held - grantable if editable else held
        if not editable:
            del self.fields["roles"]
            return
        field = self.fields["roles"]
        field.choices = [(code, label) for code, label in Role.choices if code in grantable]
        field.initial = sorted(held & grantable)
        # A new account starts with a role; an existing one may lose all (as on the roles page).
        field.required = field.required and instance is None

    def kept_role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in sorted(self.kept_roles) if code in Role.values]

    def roles_value(self) -> set[str] | None:
        """The full set of roles to store, or None for "no change of roles asked"."""
        if "roles" in self.fields:
            return set(self.cleaned_data["roles"]) | self.kept_roles
        if "roles" in self.data:
            return set(self.data.getlist("roles"))
        return None


class UserForm(RolesMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    name = forms.CharField(label=_("Full name"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
        validators=[validate_phone],
    )
    email = forms.EmailField(label=_("Email"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A user may hold several business roles. The system, security and audit administrator roles are "
            "held by different people and never with a business role."
        ),
    )
    town = forms.ModelChoiceField(
        label=_("Town/street"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        help_text=_("For town officers and town inspectors."),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("For department officers and department inspectors."),
    )
    enterprise = EnterpriseByCreditCodeField(
        label=_("Enterprise (unified social credit code)"),
        max_length=30,
        required=False,
        help_text=_("For enterprise users: the 18-character code of their enterprise."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        required=False,
        help_text=_("Optional; stored encrypted and shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    password1 = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The user must choose a new password at the first login."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(
        self,
        *args,
        instance: User | None = None,
        grantable: frozenset[str] = frozenset(),
        roles_editable: bool = True,
        **kwargs,
    ):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "phone": instance.phone,
                    "email": instance.email,
                    "town": instance.town_id,
                    "department": instance.department_id,
                    "enterprise": instance.enterprise,
                },
            )
        super().__init__(*args, **kwargs)
        towns = Jurisdiction.objects.towns().order_by("code")
        departments = Department.objects.order_by("code")
        if instance is None:
            towns, departments = towns.filter(is_active=True), departments.filter(is_active=True)
        else:
            # Keep a deactivated membership selectable on the user who still has it.
            towns = towns.filter(Q(is_active=True) | Q(pk=instance.town_id))
            departments = departments.filter(Q(is_active=True) | Q(pk=instance.department_id))
            for name in ("username", "password1", "password2"):
                del self.fields[name]
            # The number is never sent back to the browser; typing a new one replaces it.
            self.fields["id_number"].help_text = _("Leave empty to keep the recorded number.")
        self.fields["town"].queryset = towns
        self.fields["department"].queryset = departments
        self._setup_roles(instance, grantable, roles_editable and bool(grantable))
        _style(self)

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        extra = {"id_number": data["id_number"].strip()} if data.get("id_number", "").strip() else {}
        return extra | {
            "name": data["name"].strip(),
            "phone": data["phone"].strip(),
            "email": data["email"].strip(),
            "town": data["town"],
            "department": data["department"],
            "enterprise": data["enterprise"],
        }


class RolesForm(RolesMixin, forms.Form):
    """The roles of one account, on their own page (the security administrator's, MLPS 8.1.4.2 d)."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The system, security and audit administrator roles are held by different people and never "
            "with a business role. Leaving every box empty revokes all roles."
        ),
    )

    def __init__(self, *args, instance: User, grantable: frozenset[str], editable: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_roles(instance, grantable, editable)


class PasswordResetForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("New temporary password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Tell the user in person or by phone; the user must change it at the next login."),
    )
    new_password2 = forms.CharField(
        label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data
