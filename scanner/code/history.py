"""Strings of a Django migration's schema operations: the fields as a past migration made them.

`migrations.AddField("shopconnection", "api_base", models.URLField(default="https://old.host"))`
records the schema as it was when the migration was written. Django sends a field's
`default` to no database (it fills the rows that exist once, as the migration runs); the model
(`models.py`) says what new rows get, and a later migration changes the rows. Such strings
are history, not values the code uses: the model and the later migrations are judged instead.
What a migration runs (`RunPython`, `RunSQL`) is code like any other.
"""

from __future__ import annotations

from scanner.code.facts import ModuleFacts, dotted_name, is_stringy
from scanner.code.treewalk import descendants

# Django's schema operations (`django.db.migrations.operations`): what they hold describes
# models and fields.
_SCHEMA_OPERATIONS = frozenset({
    "CreateModel", "DeleteModel", "RenameModel", "AlterModelTable", "AlterModelOptions",
    "AlterUniqueTogether", "AlterIndexTogether", "AddField", "RemoveField", "AlterField",
    "RenameField", "AddIndex", "RemoveIndex", "AddConstraint", "RemoveConstraint",
})  # fmt: skip


def migration_history(facts: ModuleFacts) -> set[int]:
    """The ids of the strings inside the schema operations of a Django migration module (a
    module of a `migrations` package whose `Migration` class derives from
    `migrations.Migration`); empty for any other module."""
    if "/migrations/" not in f"/{facts.path}" or not _defines_a_migration(facts):
        return set()
    return {
        id(node)
        for site in facts.calls
        if site.callee.rpartition(".")[2] in _SCHEMA_OPERATIONS
        for node in descendants(site.node)
        if is_stringy(node)
    }


def _defines_a_migration(facts: ModuleFacts) -> bool:
    info = facts.classes.get("Migration")
    return info is not None and any(
        dotted_name(base) in ("migrations.Migration", "Migration") for base in info.bases
    )
