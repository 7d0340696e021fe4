from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles an official holds in one agency. Citizens hold none."""

    RECEPTION_OFFICER = "reception_officer", _("Reception officer")
    SPECIALIST = "specialist", _("Specialist")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    LEADER = "leader", _("Leader")
    CLERK = "clerk", _("Clerk")
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    SUPERVISOR = "supervisor", _("Supervisor")


class AgencyKind(models.TextChoices):
    PROVINCE_PC = "province_pc", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Department")
    SERVICE_CENTRE = "service_centre", _("Public administration service centre")
    DISTRICT_PC = "district_pc", _("District People's Committee")
    COMMUNE_PC = "commune_pc", _("Commune People's Committee")
    OTHER = "other", _("Other agency")


class Level(models.TextChoices):
    """Administrative level. The district level was abolished on 1 July 2025."""

    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class AccountKind(models.TextChoices):
    """Whom a portal account applies for. The values are those of dossiers.ApplicantKind, so a
    dossier's applicant type is the account's kind."""

    PERSON = "citizen", _("A person (for myself)")
    ENTERPRISE = "enterprise", _("An enterprise or business")
    ORGANISATION = "organisation", _("Another organisation")
