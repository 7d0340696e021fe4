"""Users, the effective-dated agency tree and the roles officials hold in agencies."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.validity import covers

from .constants import AccountKind, AgencyKind, Level, Role
from .identifiers import tax_code_validator

citizen_id_validator = RegexValidator(
    r"^\d{12}$", _("A citizen identification number has exactly 12 digits.")
)
agency_identifier_validator = RegexValidator(
    r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$",
    _("An agency identifier has the form 000.00.00.H49 (QCVN 102:2016)."),
)

# The fields of a portal account that say whom it applies for (see User).
ACCOUNT_FIELDS = (
    "account_kind",
    "organisation_name",
    "tax_code",
    "organisation_address",
    "representative_title",
)


class User(AbstractUser):
    """Anyone who logs in. Officials hold memberships; citizens hold none."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    citizen_id = models.CharField(
        _("citizen identification number"),
        max_length=12,
        blank=True,
        validators=[citizen_id_validator],
    )
    # Whom the account applies for: the person, or an organisation or business they represent
    # (then the person above is its representative on every dossier submitted online).
    account_kind = models.CharField(
        _("account type"), max_length=20, choices=AccountKind.choices, default=AccountKind.PERSON
    )
    organisation_name = models.CharField(_("organisation name"), max_length=255, blank=True)
    tax_code = models.CharField(
        _("tax code"), max_length=14, blank=True, validators=[tax_code_validator]
    )
    organisation_address = models.CharField(_("organisation address"), max_length=500, blank=True)
    representative_title = models.CharField(
        _("acts for the organisation as"),
        max_length=255,
        blank=True,
        help_text=_("A position (director, legal representative) or a letter of authorisation."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(account_kind=AccountKind.PERSON)
                | (~Q(organisation_name="") & ~Q(tax_code="")),
                name="user_organisation_named",
                violation_error_message=_(
                    "An organisation or business account needs its name and tax code."
                ),
            ),
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~Q(citizen_id=""),
                name="user_citizen_id_unique",
                violation_error_message=_(
                    "Another account already has this citizen identification number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username


class Agency(models.Model):
    """A state agency, valid over a date range; successors keep the history of merged units."""

    slug = models.SlugField(_("key"), max_length=100, unique=True)
    identifier = models.CharField(
        _("identifier code"),
        max_length=13,
        blank=True,
        validators=[agency_identifier_validator],
        help_text=_("Electronic identifier code under QCVN 102:2016, e.g. 000.00.00.H49."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    admin_unit_code = models.CharField(_("administrative unit code"), max_length=10, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day the agency existed.")
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text=_("Agencies merged into or renamed to this one."),
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier"], condition=~Q(identifier=""), name="agency_identifier_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
                violation_error_message=_("“Valid to” cannot be before “valid from”."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        return covers(self.valid_from, self.valid_to, day)


class Membership(models.Model):
    """One role of one official in one agency."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency}"
