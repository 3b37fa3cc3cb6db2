"""Search documents and their full-text index: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

FTS = "articles_searchdocument_fts"

SQLITE_FORWARD = [
    # External content: the tokens live once, in articles_searchdocument; the triggers keep the
    # index in step with every insert, update and delete of a document, however it is made.
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        title, body, content='articles_searchdocument', content_rowid='article_id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON articles_searchdocument BEGIN
        INSERT INTO {FTS}(rowid, title, body) VALUES (new.article_id, new.title, new.body);
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON articles_searchdocument BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.article_id, old.title, old.body);
    END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE ON articles_searchdocument BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.article_id, old.title, old.body);
        INSERT INTO {FTS}(rowid, title, body) VALUES (new.article_id, new.title, new.body);
    END""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER {FTS}_update",
    f"DROP TRIGGER {FTS}_delete",
    f"DROP TRIGGER {FTS}_insert",
    f"DROP TABLE {FTS}",
]
POSTGRESQL_FORWARD = [
    # 'simple' only lowercases: the tokens are already cut, so no stemming or stop words apply.
    """ALTER TABLE articles_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED""",
    "CREATE INDEX articles_searchdocument_vector_idx ON articles_searchdocument USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX articles_searchdocument_vector_idx",
    "ALTER TABLE articles_searchdocument DROP COLUMN vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def fill_documents(apps, schema_editor):
    """Index the articles that exist already, the way articles.search indexes a saved one."""
    from articles.search import body_text, index_text

    Article = apps.get_model("articles", "Article")
    SearchDocument = apps.get_model("articles", "SearchDocument")
    Placement = apps.get_model("issues", "Placement")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    for article in Article.objects.order_by("pk").iterator():
        tags = []
        if content_type:
            tags = sorted(
                TaggedItem.objects.filter(content_type=content_type, object_id=article.pk)
                .values_list("tag__name", flat=True)
            )
        first = Placement.objects.filter(article=article).aggregate(first=models.Min("page__issue__date"))
        SearchDocument.objects.create(
            article=article,
            title=index_text(article.kicker, article.headline, article.subheadline),
            body=index_text(body_text(article.body), article.byline, *tags),
            issue_date=first["first"],
        )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0001_create_articles_and_photos'),
        ('issues', '0001_create_issues_pages_placements'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='articles.article', verbose_name='article')),
                ('title', models.TextField(blank=True, verbose_name='title tokens')),
                ('body', models.TextField(blank=True, verbose_name='body tokens')),
                ('issue_date', models.DateField(blank=True, db_index=True, null=True, verbose_name='issue date')),
            ],
            options={
                'verbose_name': 'search document',
                'verbose_name_plural': 'search documents',
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
    ]
