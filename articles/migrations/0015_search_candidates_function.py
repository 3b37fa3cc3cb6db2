"""PostgreSQL: a function listing the sort keys of the documents holding every token of a query.

Search newest first walks the sort key's index and checks each of these candidates for the
phrase in order, stopping after a page (articles.search). Nothing on SQLite, whose FTS5 index is
already kept in the sort key's order.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    # SET enable_seqscan: every token of the query, without their order, is answered by the GIN
    # index alone (no recheck, no tsvector read). For tokens in most of the archive the planner
    # would rather read every row and its tsvector: seconds, where the index takes milliseconds.
    # A function with SET is never inlined, so the setting holds for this one query only.
    # low and high: the date filter's sort keys (NULL: no limit), so the index skips the rest.
    """CREATE FUNCTION articles_search_candidates(tokens tsquery, low bigint, high bigint) RETURNS bigint[]
        LANGUAGE sql STABLE PARALLEL SAFE
        SET enable_seqscan = off
        AS $$ SELECT coalesce(array_agg(sort_key), '{}') FROM articles_searchdocument
            WHERE vector @@ tokens AND sort_key >= coalesce(low, 0) AND sort_key < coalesce(high, 9223372036854775807) $$""",
]
POSTGRESQL_REVERSE = ["DROP FUNCTION articles_search_candidates(tsquery, bigint, bigint)"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_photo_image_pending'),
    ]

    operations = [
        migrations.RunPython(forward, reverse),
    ]
