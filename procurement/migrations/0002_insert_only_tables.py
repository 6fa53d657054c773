"""Comparisons and audit events are insert-only. On PostgreSQL, row triggers refuse UPDATE and
DELETE and a statement trigger refuses TRUNCATE. The one exception is a deliberate wipe of the
whole database by ``manage.py flush`` (procurement/management/commands/flush.py), which sets the
transaction-local flag ``procurement.maintenance`` first; a deployment's application role should
also lack UPDATE, DELETE and TRUNCATE rights on these tables.
"""

from django.db import migrations

TABLES = ("procurement_comparison", "procurement_auditevent")

CREATE = """
CREATE OR REPLACE FUNCTION procurement_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('procurement.maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is insert-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION procurement_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION procurement_refuse_change();
"""
    for table in TABLES
)

DROP = (
    "".join(
        f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};"
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"
        for table in TABLES
    )
    + "DROP FUNCTION IF EXISTS procurement_refuse_change();"
)


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: the "%" of plpgsql's RAISE format must reach PostgreSQL as written.
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
