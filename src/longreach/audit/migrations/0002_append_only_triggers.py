"""Refuse UPDATE and DELETE on the audit tables at the database (PostgreSQL).

The models refuse them too, but only a trigger stops a raw query, a bug in a
bulk update or an injected statement. TRUNCATE needs the table owner's rights;
the admin guide shows how to run the application as a role without them.
"""

from django.db import migrations

TABLES = ["audit_auditentry", "audit_ledgernode", "audit_treehead"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION longreach_refuse_audit_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'longreach audit table % is append-only (% refused)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION longreach_refuse_audit_change();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS longreach_refuse_audit_change();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
