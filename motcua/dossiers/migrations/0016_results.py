"""Signed e-results (issue 16): the public verification token of a result file, the
signatures MotCua applied to results, and interrupted signings waiting for a signature value."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_chains"),
        ("documents", "0001_initial"),
        ("dossiers", "0015_statistics_index_with_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierfile",
            name="verify_token",
            field=models.CharField(blank=True, max_length=43, verbose_name="verification token"),
        ),
        migrations.AddConstraint(
            model_name="dossierfile",
            constraint=models.UniqueConstraint(
                condition=models.Q(("verify_token", ""), _negated=True),
                fields=("verify_token",),
                name="dossier_file_verify_token_unique",
            ),
        ),
        migrations.AddIndex(
            model_name="dossierfile",
            index=models.Index(fields=["sha256"], name="dossier_file_sha256_idx"),
        ),
        migrations.CreateModel(
            name="ResultSignature",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("personal", "Competent person's signature"),
                            ("organisation", "Organisation's signature (seal)"),
                        ],
                        max_length=15,
                        verbose_name="signature",
                    ),
                ),
                (
                    "way",
                    models.CharField(
                        choices=[
                            ("pkcs12", "Key kept by the server (PKCS#12)"),
                            ("pkcs11", "Token or HSM (PKCS#11)"),
                            ("csc", "Remote signing service (CSC)"),
                            ("external", "Signing plugin on the official's computer"),
                        ],
                        max_length=10,
                        verbose_name="signed with",
                    ),
                ),
                ("signed_at", models.DateTimeField(verbose_name="signed at")),
                ("field_name", models.CharField(max_length=100, verbose_name="signature field")),
                ("certificate_subject", models.CharField(max_length=500, verbose_name="certificate subject")),
                ("certificate_sha256", models.CharField(max_length=64, verbose_name="certificate SHA-256")),
                (
                    "number_notation",
                    models.CharField(
                        blank=True,
                        help_text="Given by the clerk with the organisation's signature, e.g. 125/QĐ-STP.",
                        max_length=100,
                        verbose_name="number and notation",
                    ),
                ),
                ("sha256_before", models.CharField(max_length=64, verbose_name="SHA-256 before")),
                ("sha256_after", models.CharField(max_length=64, verbose_name="SHA-256 after")),
                (
                    "previous_file",
                    models.FileField(
                        max_length=200, upload_to="dossiers/%Y/%m/", verbose_name="version before the signature"
                    ),
                ),
                (
                    "credential",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="documents.signingcredential",
                        verbose_name="signing credential",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.auditevent",
                        verbose_name="audit event",
                    ),
                ),
                (
                    "file",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signatures",
                        to="dossiers.dossierfile",
                        verbose_name="result document",
                    ),
                ),
                (
                    "signer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="signed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "result signature",
                "verbose_name_plural": "result signatures",
                "ordering": ["file", "signed_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="PendingSignature",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("personal", "Competent person's signature"),
                            ("organisation", "Organisation's signature (seal)"),
                        ],
                        max_length=15,
                        verbose_name="signature",
                    ),
                ),
                ("certificate_der", models.BinaryField(verbose_name="signer certificate (DER)")),
                (
                    "state",
                    models.BinaryField(
                        help_text="documents.signing.pades.PreparedSignature.state", verbose_name="prepared state"
                    ),
                ),
                ("digest", models.CharField(max_length=200, verbose_name="digest to sign (base64)")),
                ("to_be_signed", models.BinaryField(verbose_name="signed attributes (DER)")),
                ("sha256_before", models.CharField(max_length=64, verbose_name="SHA-256 of the file prepared")),
                ("field_name", models.CharField(max_length=100, verbose_name="signature field")),
                ("appearance", models.JSONField(blank=True, default=dict, verbose_name="appearance")),
                ("created_at", models.DateTimeField(verbose_name="created at")),
                ("expires_at", models.DateTimeField(verbose_name="expires at")),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="prepared for",
                    ),
                ),
                (
                    "credential",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="documents.signingcredential",
                        verbose_name="signing credential",
                    ),
                ),
                (
                    "file",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_signatures",
                        to="dossiers.dossierfile",
                        verbose_name="result document",
                    ),
                ),
            ],
            options={
                "verbose_name": "pending signature",
                "verbose_name_plural": "pending signatures",
                "ordering": ["created_at", "id"],
            },
        ),
    ]
