# The plans' migrations 0001 to 0008 in one, as makemigrations writes them today: a new
# database builds the tables at once instead of replaying every change (the test databases,
# `make run`'s SQLite file). Databases that applied 0001-0008 go on as they are.

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import missions.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("missions", "0001_initial"),
        ("missions", "0002_review_decision_record"),
        ("missions", "0003_integrity_constraints"),
        ("missions", "0004_activity_coordinates_on_the_globe"),
        ("missions", "0005_plan_posts"),
        ("missions", "0006_lists_ordered_by_indexes"),
        ("missions", "0007_activity_sector_and_public"),
        ("missions", "0008_verbose_names_for_translation"),
    ]

    initial = True

    dependencies = [
        ("accounts", "0007_language_and_time_zone"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("secondments", "0003_secondment_latest_first_index"),
        ("strategy", "0001_squashed_0004_verbose_names_for_translation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalReview",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("comment", models.TextField(blank=True)),
                ("decided_at", models.DateTimeField()),
                ("submission", models.PositiveIntegerField()),
                (
                    "decision",
                    models.CharField(
                        choices=[("approve", "Approved"), ("request_changes", "Changes requested")],
                        max_length=16,
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical review",
                "verbose_name_plural": "historical reviews",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="LineOfEffort",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "domain",
                    models.CharField(
                        choices=[
                            ("security", "Security"),
                            ("governance", "Governance"),
                            ("development", "Development"),
                            ("rule_of_law", "Rule of law"),
                            ("policing", "Policing"),
                            ("humanitarian", "Humanitarian"),
                            ("public_diplomacy", "Public diplomacy"),
                        ],
                        max_length=20,
                        verbose_name="domain",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("order", models.PositiveIntegerField(default=0, verbose_name="order")),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
            ],
            options={
                "verbose_name": "line of effort",
                "verbose_name_plural": "lines of effort",
                "ordering": ["plan_id", "order", "id"],
            },
        ),
        migrations.CreateModel(
            name="Milestone",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("due_date", models.DateField(verbose_name="due date")),
                (
                    "achieved_on",
                    models.DateField(blank=True, null=True, verbose_name="achieved on"),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
            ],
            options={
                "ordering": ["plan_id", "due_date", "id"],
            },
        ),
        migrations.CreateModel(
            name="Participant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("lead", "Lead"),
                            ("contributor", "Contributor"),
                            ("consulted", "Consulted"),
                        ],
                        max_length=12,
                    ),
                ),
            ],
            options={
                "ordering": ["plan", "organisation__name"],
            },
        ),
        migrations.CreateModel(
            name="Plan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("theatre", models.CharField(max_length=120, verbose_name="theatre")),
                ("summary", models.TextField(blank=True, verbose_name="summary")),
                (
                    "phase",
                    models.CharField(
                        choices=[
                            ("assessment", "Assessment"),
                            ("planning", "Planning"),
                            ("execution", "Execution"),
                            ("transition", "Transition"),
                        ],
                        default="assessment",
                        max_length=12,
                        verbose_name="phase",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("approved", "Approved"),
                            ("active", "Active"),
                            ("closed", "Closed"),
                        ],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("start_date", models.DateField(verbose_name="start date")),
                ("end_date", models.DateField(verbose_name="end date")),
                (
                    "submission",
                    models.PositiveIntegerField(
                        default=0,
                        editable=False,
                        help_text="How many times it was put to review; reviews count per submission.",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("updated", models.DateTimeField(auto_now=True)),
                (
                    "review_requested_at",
                    models.DateTimeField(blank=True, editable=False, null=True),
                ),
            ],
            options={
                "ordering": ["-updated", "-id"],
                "permissions": [
                    ("review_plan", "Can review the plan for their organisation"),
                    ("approve_plan", "Can approve the plan for the lead organisation"),
                    ("file_field_report", "Can file field reports on the plan"),
                ],
            },
        ),
        migrations.CreateModel(
            name="PlanGroupObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="PlanUserObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="Review",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("comment", models.TextField(blank=True)),
                ("decided_at", models.DateTimeField()),
                ("submission", models.PositiveIntegerField()),
                (
                    "decision",
                    models.CharField(
                        choices=[("approve", "Approved"), ("request_changes", "Changes requested")],
                        max_length=16,
                    ),
                ),
            ],
            options={
                "ordering": ["plan", "-submission", "organisation__name"],
            },
        ),
        migrations.CreateModel(
            name="Activity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "actor_type",
                    models.CharField(
                        choices=[
                            ("civilian", "Civilian"),
                            ("military", "Military"),
                            ("police", "Police"),
                            ("ngo", "NGO"),
                            ("international", "International organisation"),
                        ],
                        max_length=14,
                        verbose_name="actor type",
                    ),
                ),
                (
                    "task_nature",
                    models.CharField(
                        choices=[
                            ("military", "Military task"),
                            ("non_military", "Non-military task"),
                        ],
                        max_length=14,
                        verbose_name="task nature",
                    ),
                ),
                (
                    "military_justification",
                    models.TextField(
                        blank=True,
                        help_text="Why a military actor does a non-military task (as civilian as possible).",
                        verbose_name="military justification",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("planned", "Planned"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("blocked", "Blocked"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="planned",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="progress")),
                ("start_date", models.DateField(verbose_name="start date")),
                ("end_date", models.DateField(verbose_name="end date")),
                (
                    "place_name",
                    models.CharField(blank=True, max_length=200, verbose_name="place name"),
                ),
                (
                    "latitude",
                    models.DecimalField(
                        blank=True,
                        decimal_places=5,
                        max_digits=8,
                        null=True,
                        validators=[missions.models.latitude_check],
                        verbose_name="latitude",
                    ),
                ),
                (
                    "longitude",
                    models.DecimalField(
                        blank=True,
                        decimal_places=5,
                        max_digits=8,
                        null=True,
                        validators=[missions.models.longitude_check],
                        verbose_name="longitude",
                    ),
                ),
                (
                    "sector",
                    models.CharField(
                        blank=True,
                        help_text="The OECD DAC 5-digit purpose code, for development activities (IATI).",
                        max_length=5,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[0-9]{5}\\Z",
                                "A DAC purpose code has five digits, e.g. 15130 (legal and judicial development).",
                                code="dac_sector_code",
                            )
                        ],
                        verbose_name="sector",
                    ),
                ),
                (
                    "public",
                    models.BooleanField(
                        default=False,
                        help_text="Shown, with its progress, on the plan's public page once the plan is published.",
                        verbose_name="public",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "responsible_organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="responsible organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "activity",
                "verbose_name_plural": "activities",
                "ordering": ["line_of_effort_id", "start_date", "id"],
            },
        ),
        migrations.CreateModel(
            name="Consultation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                ("summary", models.TextField(verbose_name="summary")),
                ("follow_up", models.TextField(blank=True, verbose_name="follow-up")),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "stakeholder",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="stakeholder",
                    ),
                ),
            ],
            options={
                "ordering": ["plan_id", "-date", "id"],
            },
        ),
        migrations.CreateModel(
            name="FieldReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                ("place", models.CharField(blank=True, max_length=200, verbose_name="place")),
                ("situation", models.TextField(verbose_name="situation")),
                (
                    "progress_update",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="progress update"
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True)),
                (
                    "activity",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="field_reports",
                        to="missions.activity",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["plan_id", "-date", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file", models.FileField(upload_to="field-reports/%Y/%m/")),
                ("original_name", models.CharField(max_length=200)),
                ("content_type", models.CharField(max_length=50)),
                ("size", models.PositiveIntegerField()),
                (
                    "field_report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="missions.fieldreport",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="HistoricalActivity",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "actor_type",
                    models.CharField(
                        choices=[
                            ("civilian", "Civilian"),
                            ("military", "Military"),
                            ("police", "Police"),
                            ("ngo", "NGO"),
                            ("international", "International organisation"),
                        ],
                        max_length=14,
                        verbose_name="actor type",
                    ),
                ),
                (
                    "task_nature",
                    models.CharField(
                        choices=[
                            ("military", "Military task"),
                            ("non_military", "Non-military task"),
                        ],
                        max_length=14,
                        verbose_name="task nature",
                    ),
                ),
                (
                    "military_justification",
                    models.TextField(
                        blank=True,
                        help_text="Why a military actor does a non-military task (as civilian as possible).",
                        verbose_name="military justification",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("planned", "Planned"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("blocked", "Blocked"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="planned",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="progress")),
                ("start_date", models.DateField(verbose_name="start date")),
                ("end_date", models.DateField(verbose_name="end date")),
                (
                    "place_name",
                    models.CharField(blank=True, max_length=200, verbose_name="place name"),
                ),
                (
                    "latitude",
                    models.DecimalField(
                        blank=True,
                        decimal_places=5,
                        max_digits=8,
                        null=True,
                        validators=[missions.models.latitude_check],
                        verbose_name="latitude",
                    ),
                ),
                (
                    "longitude",
                    models.DecimalField(
                        blank=True,
                        decimal_places=5,
                        max_digits=8,
                        null=True,
                        validators=[missions.models.longitude_check],
                        verbose_name="longitude",
                    ),
                ),
                (
                    "sector",
                    models.CharField(
                        blank=True,
                        help_text="The OECD DAC 5-digit purpose code, for development activities (IATI).",
                        max_length=5,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[0-9]{5}\\Z",
                                "A DAC purpose code has five digits, e.g. 15130 (legal and judicial development).",
                                code="dac_sector_code",
                            )
                        ],
                        verbose_name="sector",
                    ),
                ),
                (
                    "public",
                    models.BooleanField(
                        default=False,
                        help_text="Shown, with its progress, on the plan's public page once the plan is published.",
                        verbose_name="public",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "responsible_organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="responsible organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical activity",
                "verbose_name_plural": "historical activities",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalPlan",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("theatre", models.CharField(max_length=120, verbose_name="theatre")),
                ("summary", models.TextField(blank=True, verbose_name="summary")),
                (
                    "phase",
                    models.CharField(
                        choices=[
                            ("assessment", "Assessment"),
                            ("planning", "Planning"),
                            ("execution", "Execution"),
                            ("transition", "Transition"),
                        ],
                        default="assessment",
                        max_length=12,
                        verbose_name="phase",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("approved", "Approved"),
                            ("active", "Active"),
                            ("closed", "Closed"),
                        ],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("start_date", models.DateField(verbose_name="start date")),
                ("end_date", models.DateField(verbose_name="end date")),
                (
                    "submission",
                    models.PositiveIntegerField(
                        default=0,
                        editable=False,
                        help_text="How many times it was put to review; reviews count per submission.",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("created", models.DateTimeField(blank=True, editable=False)),
                ("updated", models.DateTimeField(blank=True, editable=False)),
                (
                    "review_requested_at",
                    models.DateTimeField(blank=True, editable=False, null=True),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "lead_organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="lead organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical plan",
                "verbose_name_plural": "historical plans",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="historicalplan",
            name="strategy",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Optional while a crisis is being assessed.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="strategy.strategy",
                verbose_name="strategy",
            ),
        ),
        migrations.AddField(
            model_name="historicalreview",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalreview",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalreview",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="lineofeffort",
            name="goals",
            field=models.ManyToManyField(
                blank=True, related_name="lines_of_effort", to="strategy.goal", verbose_name="goals"
            ),
        ),
        migrations.AddField(
            model_name="lineofeffort",
            name="lead_organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
                verbose_name="lead organisation",
            ),
        ),
        migrations.AddField(
            model_name="historicalactivity",
            name="line_of_effort",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="missions.lineofeffort",
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="line_of_effort",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="activities",
                to="missions.lineofeffort",
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="lead_organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="led_plans",
                to="accounts.organisation",
                verbose_name="lead organisation",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="posts",
            field=models.ManyToManyField(
                blank=True,
                help_text="The posts that serve this plan; each post's host organisation takes part.",
                related_name="plans",
                to="secondments.post",
                verbose_name="posts",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="strategy",
            field=models.ForeignKey(
                blank=True,
                help_text="Optional while a crisis is being assessed.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="strategy.strategy",
                verbose_name="strategy",
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="participants",
                to="missions.plan",
            ),
        ),
        migrations.AddField(
            model_name="milestone",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="milestones",
                to="missions.plan",
            ),
        ),
        migrations.AddField(
            model_name="lineofeffort",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lines_of_effort",
                to="missions.plan",
            ),
        ),
        migrations.AddField(
            model_name="historicalreview",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="missions.plan",
            ),
        ),
        migrations.AddField(
            model_name="fieldreport",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="field_reports",
                to="missions.plan",
            ),
        ),
        migrations.AddField(
            model_name="consultation",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="consultations",
                to="missions.plan",
            ),
        ),
        migrations.AddField(
            model_name="plangroupobjectpermission",
            name="content_object",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, to="missions.plan"
            ),
        ),
        migrations.AddField(
            model_name="plangroupobjectpermission",
            name="group",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.group"),
        ),
        migrations.AddField(
            model_name="plangroupobjectpermission",
            name="permission",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
            ),
        ),
        migrations.AddField(
            model_name="planuserobjectpermission",
            name="content_object",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, to="missions.plan"
            ),
        ),
        migrations.AddField(
            model_name="planuserobjectpermission",
            name="permission",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
            ),
        ),
        migrations.AddField(
            model_name="planuserobjectpermission",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="decided_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reviews",
                to="missions.plan",
            ),
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=["line_of_effort", "start_date", "id"], name="activity_in_order"
            ),
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["status", "end_date"], name="missions_ac_status_37374a_idx"),
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=["responsible_organisation", "status"], name="missions_ac_respons_48b74f_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gte", models.F("start_date"))),
                name="activity_dates_ordered",
                violation_error_message="An activity cannot end before it starts.",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(("progress__lte", 100)),
                name="activity_progress_at_most_100",
                violation_error_message="Progress is a percentage, from 0 to 100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("actor_type", "military"), ("task_nature", "non_military"), _negated=True
                    ),
                    models.Q(
                        django.db.models.lookups.Exact(
                            django.db.models.functions.text.Trim("military_justification"), ""
                        ),
                        _negated=True,
                    ),
                    _connector="OR",
                ),
                name="activity_military_on_civilian_task_justified",
                violation_error_message="A military actor on a non-military task needs a written justification: why can no civilian actor do this?",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("latitude__gte", -90), ("latitude__lte", 90)),
                    ("latitude__isnull", True),
                    _connector="OR",
                ),
                name="activity_latitude_on_the_globe",
                violation_error_message="A latitude is between -90 and 90 degrees.",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("longitude__gte", -180), ("longitude__lte", 180)),
                    ("longitude__isnull", True),
                    _connector="OR",
                ),
                name="activity_longitude_on_the_globe",
                violation_error_message="A longitude is between -180 and 180 degrees.",
            ),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("latitude__isnull", True), ("longitude__isnull", True)),
                    models.Q(("latitude__isnull", False), ("longitude__isnull", False)),
                    _connector="OR",
                ),
                name="activity_coordinates_paired",
                violation_error_message="A place on the map needs both latitude and longitude.",
            ),
        ),
        migrations.AddIndex(
            model_name="plan",
            index=models.Index(fields=["-updated", "-id"], name="plan_recent_first"),
        ),
        migrations.AddIndex(
            model_name="plan",
            index=models.Index(fields=["status", "-updated"], name="missions_pl_status_968501_idx"),
        ),
        migrations.AddIndex(
            model_name="plan",
            index=models.Index(fields=["phase"], name="missions_pl_phase_82c04a_idx"),
        ),
        migrations.AddIndex(
            model_name="plan",
            index=models.Index(fields=["theatre"], name="missions_pl_theatre_f10eb4_idx"),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gte", models.F("start_date"))),
                name="plan_dates_ordered",
                violation_error_message="A plan cannot end before it starts.",
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                fields=("plan", "organisation"), name="one_participation"
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                condition=models.Q(("role", "lead")),
                fields=("plan",),
                name="one_lead_participant",
                violation_error_message="A plan has one lead: its lead organisation.",
            ),
        ),
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(fields=["plan", "due_date", "id"], name="milestone_in_order"),
        ),
        migrations.AddIndex(
            model_name="lineofeffort",
            index=models.Index(fields=["plan", "order", "id"], name="line_of_effort_in_order"),
        ),
        migrations.AddIndex(
            model_name="fieldreport",
            index=models.Index(fields=["plan", "-date", "-id"], name="field_report_in_order"),
        ),
        migrations.AddIndex(
            model_name="consultation",
            index=models.Index(fields=["plan", "-date", "id"], name="consultation_in_order"),
        ),
        migrations.AlterUniqueTogether(
            name="plangroupobjectpermission",
            unique_together={("group", "permission", "content_object")},
        ),
        migrations.AlterUniqueTogether(
            name="planuserobjectpermission",
            unique_together={("user", "permission", "content_object")},
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                fields=("plan", "organisation", "submission"), name="one_review_per_submission"
            ),
        ),
    ]
