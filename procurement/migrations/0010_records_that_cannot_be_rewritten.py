"""Records that cannot be rewritten: transition-only decisions and documents, and signed
checkpoints of the audit chains.

On PostgreSQL a row trigger on each table lets through only the legal transitions (the same
rules as procurement/transitions.py, which enforces them in code on other databases):

* a decision is inserted proposed and undecided, and changes once, to approved or returned,
  recording who decided, when and the note; nothing else about it ever changes;
* a justification document is inserted queued; it moves as its rendering job does (queued →
  rendering → ready | failed, back to queued after a transient error, re-enqueued by a sweep,
  one attempt counted per claim); a ready document's PDF must hash to its sha256 and then
  never changes again, and a failed one stays failed;
* neither is ever deleted; TRUNCATE only by ``manage.py flush`` (the ``procurement.maintenance``
  flag, as for the insert-only tables of migration 0002).

Checkpoints are insert-only, with migration 0002's function.
"""

from django.db import migrations, models

REFUSE = """
    IF TG_OP = 'TRUNCATE' THEN
        IF current_setting('procurement.maintenance', true) = 'on' THEN
            RETURN NULL;
        END IF;
        problem := 'TRUNCATE refused';
    ELSIF TG_OP = 'DELETE' THEN
        problem := 'DELETE refused';
"""
RAISE = """
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '% is transition-only: %', TG_TABLE_NAME, problem
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
"""

DECISION = f"""
CREATE OR REPLACE FUNCTION procurement_decision_transition() RETURNS trigger AS $$
DECLARE
    decided CONSTANT text[] := ARRAY['status', 'decided_by_id', 'decided_at', 'decision_note'];
    problem text;
BEGIN
{REFUSE}
    ELSIF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'proposed' OR NEW.decided_by_id IS NOT NULL
                OR NEW.decided_at IS NOT NULL OR NEW.decision_note <> '' THEN
            problem := 'a decision is recorded as proposed, undecided';
        END IF;
    ELSIF OLD.status <> 'proposed' THEN
        problem := format('decision %s is %s and never changes again', OLD.id, OLD.status);
    ELSIF NEW.status NOT IN ('approved', 'returned') THEN
        problem := format(
            'a proposed decision becomes approved or returned, not %s', NEW.status);
    ELSIF NEW.decided_by_id IS NULL OR NEW.decided_at IS NULL THEN
        problem := 'an approval or a return names who decided and when';
    ELSIF (to_jsonb(NEW) - decided) IS DISTINCT FROM (to_jsonb(OLD) - decided) THEN
        problem := 'only the status, who decided, when and the note change when a proposal '
            || 'is decided';
    END IF;
{RAISE}
END;
$$ LANGUAGE plpgsql;
"""

DOCUMENT = f"""
CREATE OR REPLACE FUNCTION procurement_document_transition() RETURNS trigger AS $$
DECLARE
    allowed text[];
    extra text[];
    problem text;
BEGIN
{REFUSE}
    ELSIF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'queued' OR NEW.attempts <> 0 OR NEW.pdf IS NOT NULL
                OR NEW.sha256 IS NOT NULL OR NEW.size IS NOT NULL THEN
            problem := 'a document is recorded queued, with no attempt and no PDF';
        END IF;
    ELSIF OLD.status = 'ready' THEN
        problem := format('document %s is ready and never changes', OLD.id);
    ELSE
        allowed := CASE OLD.status || '>' || NEW.status
            WHEN 'queued>queued' THEN ARRAY['enqueued_at']
            WHEN 'queued>rendering' THEN ARRAY['attempts', 'started_at', 'status']
            WHEN 'rendering>rendering' THEN ARRAY['attempts', 'enqueued_at', 'started_at']
            WHEN 'rendering>queued' THEN ARRAY['status']
            WHEN 'rendering>ready' THEN
                ARRAY['error', 'finished_at', 'pdf', 'sha256', 'size', 'status']
            WHEN 'rendering>failed' THEN ARRAY['error', 'finished_at', 'status']
        END;
        SELECT array_agg(n.key ORDER BY n.key) INTO extra
            FROM jsonb_each(to_jsonb(NEW)) AS n
            WHERE n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key
                AND NOT n.key = ANY (coalesce(allowed, ARRAY[]::text[]));
        IF allowed IS NULL THEN
            problem := format('a %s document cannot become %s', OLD.status, NEW.status);
        ELSIF extra IS NOT NULL THEN
            problem := format('from %s to %s only %s change, not %s', OLD.status, NEW.status,
                array_to_string(allowed, ', '), array_to_string(extra, ', '));
        ELSIF NEW.attempts NOT IN (OLD.attempts, OLD.attempts + 1)
                OR (OLD.status = 'queued' AND NEW.status = 'rendering'
                    AND NEW.attempts <> OLD.attempts + 1) THEN
            problem := 'a claim counts one attempt';
        ELSIF OLD.status = 'queued' AND NEW.status = 'rendering' AND NEW.started_at IS NULL THEN
            problem := 'a claim records when it started';
        ELSIF NEW.status = 'ready'
                AND NEW.sha256 IS DISTINCT FROM encode(sha256(NEW.pdf), 'hex') THEN
            problem := 'a ready document''s sha256 is the SHA-256 of its PDF';
        ELSIF NEW.status = 'ready' AND NEW.size IS DISTINCT FROM length(NEW.pdf) THEN
            problem := 'a ready document''s size is its PDF''s length';
        END IF;
    END IF;
{RAISE}
END;
$$ LANGUAGE plpgsql;
"""


def triggers(table, function):
    return f"""
CREATE TRIGGER {table}_transitions BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


CHECKPOINTS = "procurement_chaincheckpoint"
CREATE = (
    DECISION
    + DOCUMENT
    + triggers("procurement_decision", "procurement_decision_transition")
    + triggers("procurement_justificationdocument", "procurement_document_transition")
    + f"""
CREATE TRIGGER {CHECKPOINTS}_no_update_delete BEFORE UPDATE OR DELETE ON {CHECKPOINTS}
    FOR EACH ROW EXECUTE FUNCTION procurement_refuse_change();
CREATE TRIGGER {CHECKPOINTS}_no_truncate BEFORE TRUNCATE ON {CHECKPOINTS}
    FOR EACH STATEMENT EXECUTE FUNCTION procurement_refuse_change();
"""
)
DROP = """
DROP TRIGGER IF EXISTS procurement_decision_transitions ON procurement_decision;
DROP TRIGGER IF EXISTS procurement_decision_no_truncate ON procurement_decision;
DROP TRIGGER IF EXISTS procurement_justificationdocument_transitions
    ON procurement_justificationdocument;
DROP TRIGGER IF EXISTS procurement_justificationdocument_no_truncate
    ON procurement_justificationdocument;
DROP TRIGGER IF EXISTS procurement_chaincheckpoint_no_update_delete ON procurement_chaincheckpoint;
DROP TRIGGER IF EXISTS procurement_chaincheckpoint_no_truncate ON procurement_chaincheckpoint;
DROP FUNCTION IF EXISTS procurement_decision_transition();
DROP FUNCTION IF EXISTS procurement_document_transition();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # No parameters: the "%" of plpgsql's RAISE format must reach PostgreSQL as written.
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("procurement", "0009_every_api_key_has_a_holder")]

    operations = [
        migrations.CreateModel(
            name="ChainCheckpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("statement", models.TextField()),
                ("key_id", models.CharField(max_length=16)),
                ("signature", models.CharField(max_length=100)),
            ],
            options={"ordering": ["-created_at", "-pk"]},
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
