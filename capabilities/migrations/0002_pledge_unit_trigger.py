"""In PostgreSQL, the database itself refuses a live pledge whose unit is not its
requirement's and its offer's (a check constraint cannot read another table; a trigger can).
The services refuse it first, in plain words; this holds whatever writes the row."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION capabilities_pledge_unit_check() RETURNS trigger AS $$
BEGIN
    IF NEW.status IN ('proposed', 'accepted') AND (
        NEW.unit IS DISTINCT FROM (
            SELECT unit FROM capabilities_requirement WHERE id = NEW.requirement_id
        )
        OR NEW.unit IS DISTINCT FROM (
            SELECT unit FROM capabilities_capabilityoffer WHERE id = NEW.offer_id
        )
    ) THEN
        RAISE EXCEPTION 'pledge_unit_matches: a pledge counts in its requirement''s and its offer''s unit'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER capabilities_pledge_unit_matches
    BEFORE INSERT OR UPDATE ON capabilities_pledge
    FOR EACH ROW EXECUTE FUNCTION capabilities_pledge_unit_check();
"""

DROP = """
DROP TRIGGER IF EXISTS capabilities_pledge_unit_matches ON capabilities_pledge;
DROP FUNCTION IF EXISTS capabilities_pledge_unit_check();
"""


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
