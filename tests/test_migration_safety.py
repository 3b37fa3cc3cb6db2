"""New migrations on the big tables run while the old version still serves (docs/deploy.md, "Upgrades").

`migrate` runs before the new code replaces the old, on a database readers are using. On the
tables that grow with every issue (articles, photos, placements and their tags), an operation
that rewrites or scans the table under a lock stalls the site, and one that drops or renames a
column breaks the old code still running. This test reads every migration's operations and
names the ones that do either, with the online way to write them.
"""

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from newsroom.migration_operations import AddCheckConstraintOnline, AddIndexOnline

# One row per story, photo or placement, and per revision of a story (django-simple-history).
BIG_TABLES = {
    ("articles", "article"),
    ("articles", "photo"),
    ("articles", "historicalarticle"),
    ("issues", "placement"),
}
OUR_APPS = {"articles", "issues"}

# Migrations reviewed by hand and judged safe anyway, with the reason. Keep it short.
REVIEWED: dict[tuple[str, str], str] = {}

# Field attributes that live only in Python: changing them issues no SQL.
PYTHON_ONLY = {
    "verbose_name", "help_text", "choices", "validators", "editable", "blank", "default",
    "error_messages", "related_name", "related_query_name", "on_delete", "limit_choices_to",
    "upload_to", "width_field", "height_field", "storage", "auto_now", "auto_now_add", "config",
    "sanitize", "through",
}  # fmt: skip


def _field_changes(old: models.Field, new: models.Field) -> set[str]:
    _, old_path, old_args, old_kwargs = old.deconstruct()
    _, new_path, new_args, new_kwargs = new.deconstruct()
    changed = {
        key
        for key in old_kwargs.keys() | new_kwargs.keys()
        if old_kwargs.get(key) != new_kwargs.get(key)
    }
    if old_path != new_path or old_args != new_args:
        changed.add("type")
    return changed - PYTHON_ONLY


def blocking_operations(app_label: str, migration, state) -> list[str]:
    """Why each operation of this migration would lock a big table or break the old code."""
    problems = []
    created = {
        op.name_lower for op in migration.operations if isinstance(op, migrations.CreateModel)
    }
    for operation in migration.operations:
        model = getattr(operation, "model_name_lower", None) or getattr(
            operation, "name_lower", None
        )
        if (app_label, model) not in BIG_TABLES or model in created:
            continue  # a table made in this very migration is empty
        what = f"{operation.describe()}"
        if isinstance(operation, migrations.AddField):
            field = operation.field
            if field.unique or field.db_index:
                problems.append(
                    f"{what}: builds an index under lock; add it with db_index=False, then AddIndexOnline"
                )
            elif (
                not field.null
                and field.default is models.NOT_PROVIDED
                and field.db_default is models.NOT_PROVIDED
            ):
                problems.append(
                    f"{what}: NOT NULL without a default; add it nullable, backfill in batches, then AddCheckConstraintOnline"
                )
            elif field.db_default is not models.NOT_PROVIDED and not isinstance(
                field.db_default, models.Value
            ):
                problems.append(f"{what}: a computed db_default rewrites the table")
        elif isinstance(operation, migrations.AlterField):
            old = state.models[app_label, model].fields[operation.name]
            if changes := _field_changes(old, operation.field):
                problems.append(
                    f"{what}: changes {', '.join(sorted(changes))} in the database (rewrite or scan under lock)"
                )
        elif isinstance(
            operation, (AddIndexConcurrently, RemoveIndexConcurrently, AddCheckConstraintOnline)
        ):
            if migration.atomic:
                problems.append(f"{what}: needs `atomic = False` on the migration")
        elif isinstance(operation, migrations.AddIndex):
            problems.append(
                f"{what}: CREATE INDEX blocks writes while it builds; use AddIndexOnline"
            )
        elif isinstance(operation, migrations.AddConstraint):
            if isinstance(operation.constraint, models.CheckConstraint):
                problems.append(
                    f"{what}: validates every row under lock; use AddCheckConstraintOnline"
                )
            else:
                problems.append(
                    f"{what}: builds a unique index under lock; create it concurrently first (RunSQL, SeparateDatabaseAndState)"
                )
        elif isinstance(
            operation,
            (
                migrations.RemoveField,
                migrations.RenameField,
                migrations.DeleteModel,
                migrations.RenameModel,
                migrations.AlterModelTable,
            ),
        ):
            problems.append(
                f"{what}: the old version still running uses it; stop using it in one release, remove it in the next"
            )
    return problems


def test_no_migration_locks_a_big_table_or_breaks_the_running_version():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems = []
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if app_label not in OUR_APPS or (app_label, name) in REVIEWED:
            continue
        state = loader.project_state((app_label, name), at_end=False)
        problems += [
            f"{app_label}.{name}: {problem}"
            for problem in blocking_operations(app_label, migration, state)
        ]
    assert not problems, "\n".join(problems)


def _migration(*operations, atomic=True):
    return type(
        "Migration", (migrations.Migration,), {"operations": list(operations), "atomic": atomic}
    )("0099_probe", "articles")


@pytest.fixture
def state():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader.project_state()


@pytest.mark.parametrize(
    ("operation", "reason"),
    [
        (migrations.AddField("article", "slug", models.SlugField(default="")), "builds an index"),
        (
            migrations.AddField("article", "desk", models.CharField(max_length=20)),
            "NOT NULL without a default",
        ),
        (
            migrations.AlterField("article", "headline", models.CharField(max_length=300)),
            "changes max_length",
        ),
        (
            migrations.AddIndex(
                "placement", models.Index(fields=["order"], name="placement_order_idx")
            ),
            "use AddIndexOnline",
        ),
        (
            migrations.AddConstraint(
                "photo",
                models.CheckConstraint(
                    condition=models.Q(order__gte=0), name="photo_order_positive"
                ),
            ),
            "AddCheckConstraintOnline",
        ),
        (migrations.RemoveField("article", "byline"), "old version still running"),
        (migrations.RenameField("article", "kicker", "overline"), "old version still running"),
    ],
)
def test_linter_names_blocking_operations(state, operation, reason):
    problems = blocking_operations(
        "articles" if operation.model_name_lower in {"article", "photo"} else "issues",
        _migration(operation),
        state,
    )
    assert len(problems) == 1 and reason in problems[0]


def test_linter_accepts_the_online_forms(state):
    online = _migration(
        migrations.AddField(
            "article", "desk", models.CharField(max_length=20, null=True, blank=True)
        ),
        migrations.AddField("article", "priority", models.PositiveSmallIntegerField(default=0)),
        migrations.AlterField(
            "article",
            "headline",
            models.CharField("headline", max_length=200, help_text="Changed words only."),
        ),
        AddIndexOnline("article", models.Index(fields=["updated_at"], name="article_updated_idx")),
        atomic=False,
    )
    assert blocking_operations("articles", online, state) == []
    assert (
        "atomic = False"
        in blocking_operations("articles", _migration(*online.operations), state)[0]
    )


@pytest.mark.django_db(transaction=True)
def test_online_index_and_constraint_apply_on_this_database(state):
    """AddIndexOnline and AddCheckConstraintOnline run here (SQLite or PostgreSQL) and can be undone."""
    index = AddIndexOnline(
        "article", models.Index(fields=["updated_at"], name="article_updated_probe")
    )
    check = AddCheckConstraintOnline(
        "article",
        models.CheckConstraint(condition=models.Q(version__gte=1), name="article_version_probe"),
    )
    with_index = state.clone()
    index.state_forwards("articles", with_index)
    with_both = with_index.clone()
    check.state_forwards("articles", with_both)
    with connection.schema_editor(atomic=False) as editor:
        index.database_forwards("articles", editor, state, with_index)
        check.database_forwards("articles", editor, with_index, with_both)
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "articles_article")
    assert {"article_updated_probe", "article_version_probe"} <= constraints.keys()
    with connection.schema_editor(atomic=False) as editor:
        check.database_backwards("articles", editor, with_both, with_index)
        index.database_backwards("articles", editor, with_index, state)
