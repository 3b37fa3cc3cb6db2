"""Store full-text entries under a sort key (first issue date, then id), so newest first is read off the index."""

from django.db import migrations, models

FTS = "articles_searchdocument_fts"
SORT_KEY_DAY = 10**10  # as articles.models.SORT_KEY_DAY


def _fts_statements(rowid_column: str) -> list[str]:
    return [
        f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
            title, body, content='articles_searchdocument', content_rowid='{rowid_column}',
            tokenize='unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON articles_searchdocument BEGIN
            INSERT INTO {FTS}(rowid, title, body) VALUES (new.{rowid_column}, new.title, new.body);
        END""",
        f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON articles_searchdocument BEGIN
            INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.{rowid_column}, old.title, old.body);
        END""",
        f"""CREATE TRIGGER {FTS}_update AFTER UPDATE ON articles_searchdocument BEGIN
            INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.{rowid_column}, old.title, old.body);
            INSERT INTO {FTS}(rowid, title, body) VALUES (new.{rowid_column}, new.title, new.body);
        END""",
        f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    ]


# IF EXISTS: SQLite's AlterField rebuilds the table, which drops its triggers along with it.
DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]


def fill_sort_keys(apps, schema_editor):
    SearchDocument = apps.get_model("articles", "SearchDocument")
    batch = []
    for document in SearchDocument.objects.only("article_id", "issue_date").iterator(chunk_size=2000):
        day = document.issue_date.toordinal() if document.issue_date else 0
        document.sort_key = day * SORT_KEY_DAY + document.article_id
        batch.append(document)
        if len(batch) == 2000:
            SearchDocument.objects.bulk_update(batch, ["sort_key"])
            batch = []
    SearchDocument.objects.bulk_update(batch, ["sort_key"])


def index_by_sort_key(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL's tsvector column stays as it is; the sort key has its own index
    for statement in [*DROP, *_fts_statements("sort_key")]:
        schema_editor.execute(statement)
    # "ORDER BY rank" then ranks by bm25 with the title lines counting four times the body.
    schema_editor.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('rank', 'bm25(4.0, 1.0)')")


def index_by_article_id(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*DROP, *_fts_statements("article_id")]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0004_add_search_documents'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchdocument',
            name='sort_key',
            field=models.BigIntegerField(editable=False, null=True, verbose_name='sort key'),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='searchdocument',
            name='sort_key',
            field=models.BigIntegerField(editable=False, unique=True, verbose_name='sort key'),
        ),
        migrations.AlterField(
            model_name='searchdocument',
            name='issue_date',
            field=models.DateField(blank=True, null=True, verbose_name='issue date'),
        ),
        migrations.RunPython(index_by_sort_key, index_by_article_id),
    ]
