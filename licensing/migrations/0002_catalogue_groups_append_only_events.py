"""Load the control-list catalogue and the reviewer groups on a fresh database, and make the
audit table append-only at the database level on PostgreSQL."""

from django.db import migrations

REVIEWER_GROUPS = ("case_officer", "supervisor")

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION licensing_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'licensing_event is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER licensing_event_append_only
    BEFORE UPDATE OR DELETE ON licensing_event
    FOR EACH ROW EXECUTE FUNCTION licensing_event_append_only();
"""
DROP_APPEND_ONLY_SQL = """
DROP TRIGGER IF EXISTS licensing_event_append_only ON licensing_event;
DROP FUNCTION IF EXISTS licensing_event_append_only();
"""


def load_catalogue(apps, schema_editor):
    from licensing import catalogue  # noqa: PLC0415 - the loader, not a model

    models = catalogue.Models(
        ControlledItem=apps.get_model("licensing", "ControlledItem"),
        Measure=apps.get_model("licensing", "Measure"),
        Provision=apps.get_model("licensing", "Provision"),
        Suspension=apps.get_model("licensing", "Suspension"),
        RestrictedParty=apps.get_model("licensing", "RestrictedParty"),
    )
    catalogue.load_catalogue(catalogue.read_catalogue(), models)


def unload_catalogue(apps, schema_editor):
    for name in ("Suspension", "Provision", "Measure", "ControlledItem", "RestrictedParty"):
        apps.get_model("licensing", name).objects.all().delete()


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in REVIEWER_GROUPS:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=REVIEWER_GROUPS).delete()


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(load_catalogue, unload_catalogue),
        migrations.RunPython(create_groups, delete_groups),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
