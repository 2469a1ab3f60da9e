"""Strings of a Django migration's schema operations (`code/history.py`): history, not
values the code uses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scanner.code.collect import collect
from scanner.code.history import migration_history
from scanner.code.parse import parse
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import scan_tree, triples, write_tree

INITIAL = """\
from django.db import migrations, models


def forwards(apps, schema_editor):
    requests.post("https://open.shoplineapp.com/v1/webhooks", json={})


class Migration(migrations.Migration):
    initial = True
    operations = [
        migrations.CreateModel(
            name="ShopConnection",
            fields=[
                ("api_base", models.URLField(default="https://open.shoplineapp.com/v1")),
            ],
        ),
        migrations.AlterField(
            model_name="shopconnection",
            name="report_base",
            field=models.URLField(default="https://open.shoplineapp.com/v1/reports"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
"""


def _history(path: str, source: str) -> list[str]:
    module = parse(source)
    facts = collect(path, module)
    found = migration_history(facts)
    return [module.code_for_node(item.node) for item in facts.strings if id(item.node) in found]


def test_the_strings_of_a_migrations_schema_operations_are_history() -> None:
    found = _history("shop/migrations/0001_initial.py", INITIAL)
    assert '"https://open.shoplineapp.com/v1"' in found
    assert '"https://open.shoplineapp.com/v1/reports"' in found
    assert '"https://open.shoplineapp.com/v1/webhooks"' not in found  # code it runs


def test_only_a_migration_module_has_history() -> None:
    assert _history("shop/schema.py", INITIAL) == []  # not in a migrations package
    plain = INITIAL.replace("class Migration(migrations.Migration):", "class Migration:")
    assert _history("shop/migrations/0001_initial.py", plain) == []


def test_a_past_migrations_field_default_is_no_finding(tmp_path: Path, ruleset: RuleSet) -> None:
    """The old host in a migration's field default is not reported; in what the migration
    runs, and in the model, it is."""
    files = {
        "shop/__init__.py": "",
        "shop/migrations/__init__.py": "",
        "shop/migrations/0001_initial.py": INITIAL,
        "shop/models.py": "from django.db import models\n\n\nclass ShopConnection(models.Model):\n"
        '    api_base = models.URLField(default="https://open.shoplineapp.com/v1")\n',
    }
    write_tree(tmp_path, files)
    result = scan_tree(tmp_path, ruleset.select(["SL001"]), as_of=date(2026, 1, 1))
    assert triples(result) == {
        ("shop/migrations/0001_initial.py", 5, "SL001"),
        ("shop/models.py", 5, "SL001"),
    }
