"""Each comparison's results, stored once: a row for every comparison made before they were stored
at insert, and the same insert-only triggers as the comparisons (migration 0002).

A row holds the canonical JSON of the snapshot's ``results`` (sorted keys, compact, UTF-8), the
very bytes the snapshot holds, compressed with zlib. On PostgreSQL the column is stored as it is
(compressing it again gains nothing), and the snapshots themselves are compressed with lz4 where
the server supports it: several times quicker to read back than the default pglz.
"""

import json
import zlib

from django.db import migrations

TABLE = "procurement_comparisonresults"

INSERT_ONLY = f"""
CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION procurement_refuse_change();
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION procurement_refuse_change();
"""
DROP_INSERT_ONLY = f"""
DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE};
DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};
"""
# A server built without lz4 keeps its default compression for the snapshots.
STORAGE = """
ALTER TABLE procurement_comparisonresults ALTER COLUMN json_zlib SET STORAGE EXTERNAL;
DO $$
BEGIN
    ALTER TABLE procurement_comparison ALTER COLUMN snapshot SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    NULL;
END $$;
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def store_results(apps, schema_editor):
    Comparison = apps.get_model("procurement", "Comparison")
    ComparisonResults = apps.get_model("procurement", "ComparisonResults")
    stored = set(ComparisonResults.objects.values_list("comparison_id", flat=True))
    for comparison in Comparison.objects.exclude(pk__in=stored).iterator():
        results = json.loads(comparison.snapshot).get("results", {})
        text = json.dumps(results, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        packed = zlib.compress(text.encode("utf-8"), 6)
        ComparisonResults.objects.create(comparison_id=comparison.pk, json_zlib=packed)


class Migration(migrations.Migration):
    dependencies = [("procurement", "0005_workload_bounds_from_the_engine_and_stored_results")]

    operations = [
        migrations.RunPython(on_postgresql(INSERT_ONLY), on_postgresql(DROP_INSERT_ONLY)),
        migrations.RunPython(on_postgresql(STORAGE), migrations.RunPython.noop),
        migrations.RunPython(store_results, migrations.RunPython.noop),
    ]
