# The strategies' migrations 0001 to 0004 in one, as makemigrations writes them today: a new
# database builds the tables at once instead of replaying every change. Databases that
# applied 0001-0004 go on as they are.
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("strategy", "0001_initial"),
        ("strategy", "0002_glossary_curation"),
        ("strategy", "0003_strategy_recent_first_index"),
        ("strategy", "0004_verbose_names_for_translation"),
    ]

    initial = True

    dependencies = [
        ("accounts", "0007_language_and_time_zone"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ConflictDriver",
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
                    "kind",
                    models.CharField(
                        choices=[
                            ("root_cause", "Root cause"),
                            ("mitigating_factor", "Mitigating factor"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("order", models.PositiveIntegerField(default=0, verbose_name="order")),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
            ],
            options={
                "verbose_name": "conflict driver",
                "verbose_name_plural": "conflict drivers",
                "ordering": ["strategy", "order", "id"],
            },
        ),
        migrations.CreateModel(
            name="GlossaryTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term", models.CharField(max_length=120, unique=True, verbose_name="term")),
                ("definition", models.TextField(verbose_name="definition")),
                (
                    "un_impp",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="UN integrated planning"
                    ),
                ),
                (
                    "nato_cpa",
                    models.CharField(blank=True, max_length=200, verbose_name="NATO planning"),
                ),
                (
                    "eu_integrated",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="EU integrated approach"
                    ),
                ),
                (
                    "whole_of_government",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="Whole of government"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("approved", "Approved"),
                            ("declined", "Declined"),
                            ("merged", "Merged"),
                        ],
                        default="proposed",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("decline_reason", models.TextField(blank=True, editable=False)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "merged_into",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged_proposals",
                        to="strategy.glossaryterm",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "glossary term",
                "verbose_name_plural": "glossary terms",
                "ordering": ["term"],
            },
        ),
        migrations.CreateModel(
            name="Goal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("order", models.PositiveIntegerField(default=0, verbose_name="order")),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "drivers",
                    models.ManyToManyField(
                        blank=True,
                        related_name="goals",
                        to="strategy.conflictdriver",
                        verbose_name="drivers",
                    ),
                ),
            ],
            options={
                "verbose_name": "goal",
                "verbose_name_plural": "goals",
                "ordering": ["strategy", "order", "id"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalGlossaryTerm",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("term", models.CharField(db_index=True, max_length=120, verbose_name="term")),
                ("definition", models.TextField(verbose_name="definition")),
                (
                    "un_impp",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="UN integrated planning"
                    ),
                ),
                (
                    "nato_cpa",
                    models.CharField(blank=True, max_length=200, verbose_name="NATO planning"),
                ),
                (
                    "eu_integrated",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="EU integrated approach"
                    ),
                ),
                (
                    "whole_of_government",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="Whole of government"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("approved", "Approved"),
                            ("declined", "Declined"),
                            ("merged", "Merged"),
                        ],
                        default="proposed",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("created", models.DateTimeField(blank=True, editable=False)),
                ("decided_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("decline_reason", models.TextField(blank=True, editable=False)),
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
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
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
                    "merged_into",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="strategy.glossaryterm",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical glossary term",
                "verbose_name_plural": "historical glossary terms",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Indicator",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("unit", models.CharField(blank=True, max_length=40, verbose_name="unit")),
                (
                    "baseline",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="baseline"),
                ),
                (
                    "target",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="target"),
                ),
                (
                    "warning_threshold",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Early warning.",
                        max_digits=14,
                        null=True,
                        verbose_name="warning threshold",
                    ),
                ),
                (
                    "warning_direction",
                    models.CharField(
                        blank=True,
                        choices=[("above", "Warn when above"), ("below", "Warn when below")],
                        max_length=5,
                        verbose_name="warning direction",
                    ),
                ),
                (
                    "in_warning",
                    models.BooleanField(
                        default=False,
                        editable=False,
                        help_text="Whether the latest reading is past the threshold.",
                        verbose_name="in warning",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "goal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="indicators",
                        to="strategy.goal",
                    ),
                ),
            ],
            options={
                "verbose_name": "indicator",
                "verbose_name_plural": "indicators",
                "ordering": ["goal", "id"],
            },
        ),
        migrations.CreateModel(
            name="IndicatorReading",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                (
                    "value",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="value"),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created", models.DateTimeField(auto_now_add=True)),
                (
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="readings",
                        to="strategy.indicator",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "indicator reading",
                "verbose_name_plural": "indicator readings",
                "ordering": ["indicator", "date", "id"],
            },
        ),
        migrations.CreateModel(
            name="Strategy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "theatre",
                    models.CharField(
                        help_text="Country or region.", max_length=120, verbose_name="theatre"
                    ),
                ),
                ("summary", models.TextField(blank=True, verbose_name="summary")),
                (
                    "approach",
                    models.CharField(
                        choices=[
                            ("prevention", "Conflict prevention"),
                            ("crisis_response", "Crisis response"),
                            ("stabilisation", "Stabilisation"),
                            ("reconstruction", "Reconstruction"),
                        ],
                        max_length=20,
                        verbose_name="approach",
                    ),
                ),
                (
                    "processes",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="The parallel planning processes this strategy links.",
                        verbose_name="processes",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("consultation", "In consultation"),
                            ("agreed", "Agreed"),
                            ("superseded", "Superseded"),
                            ("archived", "Archived"),
                        ],
                        default="draft",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "edition",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="edition"),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("updated", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "lead_organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="led_strategies",
                        to="accounts.organisation",
                        verbose_name="lead organisation",
                    ),
                ),
                (
                    "predecessor",
                    models.OneToOneField(
                        blank=True,
                        help_text="The strategy this one supersedes once agreed.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="successor",
                        to="strategy.strategy",
                        verbose_name="predecessor",
                    ),
                ),
            ],
            options={
                "verbose_name": "strategy",
                "verbose_name_plural": "strategies",
                "ordering": ["-updated", "-id"],
                "permissions": [
                    ("endorse_strategy", "Can endorse the strategy for their organisation"),
                    ("record_reading", "Can record indicator readings on the strategy"),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalStrategy",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "theatre",
                    models.CharField(
                        help_text="Country or region.", max_length=120, verbose_name="theatre"
                    ),
                ),
                ("summary", models.TextField(blank=True, verbose_name="summary")),
                (
                    "approach",
                    models.CharField(
                        choices=[
                            ("prevention", "Conflict prevention"),
                            ("crisis_response", "Crisis response"),
                            ("stabilisation", "Stabilisation"),
                            ("reconstruction", "Reconstruction"),
                        ],
                        max_length=20,
                        verbose_name="approach",
                    ),
                ),
                (
                    "processes",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="The parallel planning processes this strategy links.",
                        verbose_name="processes",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("consultation", "In consultation"),
                            ("agreed", "Agreed"),
                            ("superseded", "Superseded"),
                            ("archived", "Archived"),
                        ],
                        default="draft",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "edition",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="edition"),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("created", models.DateTimeField(blank=True, editable=False)),
                ("updated", models.DateTimeField(blank=True, editable=False)),
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
                (
                    "predecessor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The strategy this one supersedes once agreed.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="strategy.strategy",
                        verbose_name="predecessor",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical strategy",
                "verbose_name_plural": "historical strategies",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalEndorsement",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("comment", models.TextField(blank=True)),
                ("decided_at", models.DateTimeField()),
                ("edition", models.PositiveIntegerField()),
                (
                    "decision",
                    models.CharField(
                        choices=[("endorse", "Endorsed"), ("reject", "Rejected")],
                        max_length=10,
                        verbose_name="decision",
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
                (
                    "decided_by",
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
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "strategy",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="strategy.strategy",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical endorsement",
                "verbose_name_plural": "historical endorsements",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="goal",
            name="strategy",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="goals",
                to="strategy.strategy",
            ),
        ),
        migrations.CreateModel(
            name="Endorsement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("comment", models.TextField(blank=True)),
                ("decided_at", models.DateTimeField()),
                ("edition", models.PositiveIntegerField()),
                (
                    "decision",
                    models.CharField(
                        choices=[("endorse", "Endorsed"), ("reject", "Rejected")],
                        max_length=10,
                        verbose_name="decision",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "strategy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="endorsements",
                        to="strategy.strategy",
                    ),
                ),
            ],
            options={
                "verbose_name": "endorsement",
                "verbose_name_plural": "endorsements",
                "ordering": ["strategy", "-edition", "organisation__name"],
            },
        ),
        migrations.AddField(
            model_name="conflictdriver",
            name="strategy",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="drivers",
                to="strategy.strategy",
            ),
        ),
        migrations.CreateModel(
            name="StrategyEdition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("started_at", models.DateTimeField(auto_now_add=True)),
                ("reason", models.CharField(max_length=200)),
                ("agreed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "strategy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="editions",
                        to="strategy.strategy",
                    ),
                ),
            ],
            options={
                "ordering": ["strategy", "-number"],
            },
        ),
        migrations.CreateModel(
            name="StrategyGroupObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="strategy.strategy"
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.group"),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="StrategyPartner",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "strategy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partnerships",
                        to="strategy.strategy",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="strategy",
            name="partners",
            field=models.ManyToManyField(
                related_name="strategies",
                through="strategy.StrategyPartner",
                to="accounts.organisation",
                verbose_name="partners",
            ),
        ),
        migrations.CreateModel(
            name="StrategyUserObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="strategy.strategy"
                    ),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddConstraint(
            model_name="glossaryterm",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("merged_into__isnull", False), ("status", "merged")),
                    models.Q(
                        models.Q(("status", "merged"), _negated=True), ("merged_into__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="glossary_merged_term_names_its_target",
                violation_error_message="A merged proposal names the term it was merged into.",
            ),
        ),
        migrations.AddConstraint(
            model_name="glossaryterm",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("merged_into__isnull", True),
                    models.Q(("merged_into", models.F("pk")), _negated=True),
                    _connector="OR",
                ),
                name="glossary_term_not_merged_into_itself",
                violation_error_message="A term cannot be merged into itself.",
            ),
        ),
        migrations.AddConstraint(
            model_name="glossaryterm",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "declined"), _negated=True),
                    models.Q(("decline_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="glossary_declined_term_says_why",
                violation_error_message="A declined proposal says why.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("warning_direction", ""), ("warning_threshold__isnull", True)),
                    models.Q(
                        ("warning_threshold__isnull", False),
                        models.Q(("warning_direction", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="warning_threshold_has_direction",
                violation_error_message="A warning threshold needs a direction, and a direction a threshold.",
            ),
        ),
        migrations.AddIndex(
            model_name="indicatorreading",
            index=models.Index(fields=["indicator", "date"], name="strategy_in_indicat_c158f5_idx"),
        ),
        migrations.AddConstraint(
            model_name="endorsement",
            constraint=models.UniqueConstraint(
                fields=("strategy", "organisation", "edition"), name="one_decision_per_edition"
            ),
        ),
        migrations.AddConstraint(
            model_name="strategyedition",
            constraint=models.UniqueConstraint(
                fields=("strategy", "number"), name="one_row_per_edition"
            ),
        ),
        migrations.AlterUniqueTogether(
            name="strategygroupobjectpermission",
            unique_together={("group", "permission", "content_object")},
        ),
        migrations.AddConstraint(
            model_name="strategypartner",
            constraint=models.UniqueConstraint(
                fields=("strategy", "organisation"), name="one_partnership"
            ),
        ),
        migrations.AddIndex(
            model_name="strategy",
            index=models.Index(fields=["-updated", "-id"], name="strategy_recent_first"),
        ),
        migrations.AddIndex(
            model_name="strategy",
            index=models.Index(fields=["status", "-updated"], name="strategy_st_status_2b15ed_idx"),
        ),
        migrations.AddIndex(
            model_name="strategy",
            index=models.Index(fields=["approach"], name="strategy_st_approac_08722d_idx"),
        ),
        migrations.AddIndex(
            model_name="strategy",
            index=models.Index(fields=["theatre"], name="strategy_st_theatre_db187f_idx"),
        ),
        migrations.AlterUniqueTogether(
            name="strategyuserobjectpermission",
            unique_together={("user", "permission", "content_object")},
        ),
    ]
