"""The citizen's e-warehouse (issue 16): its documents, the component files re-used from it,
and the draft files taken from it before submission."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0016_results"),
        ("eforms", "0002_draft_receiving_agency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="WarehouseDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("result", "E-result"), ("paper", "Verified paper")],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("name", models.TextField(verbose_name="name")),
                ("file_name", models.CharField(max_length=255, verbose_name="file name")),
                ("content_type", models.CharField(max_length=100, verbose_name="content type")),
                ("size", models.PositiveBigIntegerField(verbose_name="size (bytes)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("added_at", models.DateTimeField(verbose_name="added at")),
                (
                    "valid_until",
                    models.DateField(
                        blank=True,
                        help_text="Empty: no end of validity known.",
                        null=True,
                        verbose_name="valid until",
                    ),
                ),
                (
                    "signed",
                    models.BooleanField(
                        default=False,
                        help_text="A PDF whose digital signatures verified when it was added.",
                        verbose_name="digitally signed",
                    ),
                ),
                (
                    "owner_id_number",
                    models.CharField(blank=True, max_length=20, verbose_name="owner's ID number"),
                ),
                (
                    "procedure_code",
                    models.CharField(blank=True, max_length=30, verbose_name="procedure code"),
                ),
                (
                    "number_notation",
                    models.CharField(
                        blank=True, max_length=100, verbose_name="number and notation"
                    ),
                ),
                (
                    "issuer",
                    models.CharField(
                        blank=True, max_length=255, verbose_name="issued or verified by"
                    ),
                ),
                (
                    "issued_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="issued or verified at"
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="warehouse_documents",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                (
                    "source_dossier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="warehouse_documents",
                        to="dossiers.dossier",
                        verbose_name="from dossier",
                    ),
                ),
                (
                    "source_file",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="warehouse_documents",
                        to="dossiers.dossierfile",
                        verbose_name="file",
                    ),
                ),
            ],
            options={
                "verbose_name": "e-warehouse document",
                "verbose_name_plural": "e-warehouse documents",
                "ordering": ["owner", "kind", "-added_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="DraftReuse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "draft_file",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reuse",
                        to="eforms.draftfile",
                        verbose_name="draft file",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="draft_reuses",
                        to="dossiers.warehousedocument",
                        verbose_name="e-warehouse document",
                    ),
                ),
            ],
            options={
                "verbose_name": "re-used draft file",
                "verbose_name_plural": "re-used draft files",
            },
        ),
        migrations.CreateModel(
            name="ComponentReuse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "source_kind",
                    models.CharField(
                        choices=[("result", "E-result"), ("paper", "Verified paper")],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "source_dossier_code",
                    models.CharField(blank=True, max_length=60, verbose_name="from dossier"),
                ),
                ("reused_at", models.DateTimeField(verbose_name="re-used at")),
                (
                    "component",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reuses",
                        to="dossiers.dossiercomponent",
                        verbose_name="component",
                    ),
                ),
                (
                    "file",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reuse",
                        to="dossiers.dossierfile",
                        verbose_name="file",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="reuses",
                        to="dossiers.warehousedocument",
                        verbose_name="e-warehouse document",
                    ),
                ),
            ],
            options={
                "verbose_name": "re-used component file",
                "verbose_name_plural": "re-used component files",
                "ordering": ["component", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="warehousedocument",
            index=models.Index(
                fields=["owner", "kind", "added_at"], name="warehouse_owner_kind_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="warehousedocument",
            constraint=models.UniqueConstraint(
                fields=("owner", "kind", "sha256"), name="warehouse_document_once_per_owner"
            ),
        ),
    ]
