"""The audit table refuses UPDATE and DELETE in the database itself, whatever
the application (or anyone with the application's database role) asks.

The one way through is the purge (``manage.py purge_audit_log``): it sets the
transaction-local variable ``audit.purge`` to ``on``, and even then the trigger
lets a DELETE through only for rows older than six months (183 days). TRUNCATE
is the table owner's alone: run the application as a role that does not own the
table (README, "Audit log"); the hash chain finds anything a superuser did."""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('audit.purge', true) = 'on'
       AND OLD.created_at < now() - interval '183 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit log rows cannot be changed or deleted (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(INSTALL, REMOVE)]
