"""PostgreSQL: functions listing (and counting) the documents holding every token of a query.

Search newest first walks the sort key's index, checking the phrase in order, and stops after a
page; for a rarer phrase it walks through these candidates only (articles.search). Nothing on
SQLite, whose FTS5 index is already kept in the sort key's order.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    # SET enable_seqscan, enable_indexscan: every token of the query, without their order, is
    # answered by the GIN index's bitmap alone (no recheck, no tsvector read). For tokens in most
    # of the archive the planner would rather read every row's tsvector, in table order or the sort
    # key's: seconds, where the bitmap takes milliseconds. A function with SET is never inlined,
    # so the settings hold for this one query only.
    # low and high: the date filter's sort keys (NULL: no limit), so the index skips the rest.
    """CREATE FUNCTION articles_search_candidates(tokens tsquery, low bigint, high bigint) RETURNS bigint[]
        LANGUAGE sql STABLE PARALLEL SAFE
        SET enable_seqscan = off SET enable_indexscan = off
        AS $$ SELECT coalesce(array_agg(sort_key), '{}') FROM articles_searchdocument
            WHERE vector @@ tokens AND sort_key >= coalesce(low, 0) AND sort_key < coalesce(high, 9223372036854775807) $$""",
    # How many stories between two sort keys hold every token: the GIN bitmap alone, as above.
    """CREATE FUNCTION articles_search_candidate_count(tokens tsquery, low bigint, high bigint) RETURNS bigint
        LANGUAGE sql STABLE PARALLEL SAFE
        SET enable_seqscan = off SET enable_indexscan = off
        AS $$ SELECT count(*) FROM articles_searchdocument
            WHERE vector @@ tokens AND sort_key >= low AND sort_key < high $$""",
]
POSTGRESQL_REVERSE = [
    "DROP FUNCTION articles_search_candidate_count(tsquery, bigint, bigint)",
    "DROP FUNCTION articles_search_candidates(tsquery, bigint, bigint)",
]


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
