"""The compiled rule pack and calendar: a later run builds them from the cache folder without
YAML or validation, equal to what the YAML gives; any change to what they were made from,
and any damage, makes them read from YAML again."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scanner import runner
from scanner.maintenance.windows import Calendar, load_calendar
from scanner.rulepack.resources import rules_dir, schedules_dir
from scanner.rulepack.ruleset import RuleSet, load_rules
from scanner.scan import compiledpack
from scanner.scan.fastpath import signature
from tests.conftest import REPO, scan_tree, triples


def _compiled(directories: list[Path]) -> RuleSet:
    """The rule pack as a run loads it: under the signature its files have now."""
    return compiledpack.rules(directories, signature(directories))


def _refuse_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_: object) -> None:
        raise AssertionError("read from YAML")

    monkeypatch.setattr(compiledpack, "load_rules", refused)
    monkeypatch.setattr(compiledpack, "load_calendar", refused)


def _same_rules(compiled: RuleSet, loaded: RuleSet) -> None:
    assert compiled.digest == loaded.digest
    assert compiled.origins == loaded.origins and compiled.platforms == loaded.platforms
    assert [dataclasses.asdict(rule) for rule in compiled.rules] == [
        dataclasses.asdict(rule) for rule in loaded.rules
    ]
    for rule, again in zip(loaded.rules, compiled.rules, strict=True):
        assert type(rule) is type(again)
        for matcher, built in zip(rule.matchers, again.matchers, strict=True):
            assert type(matcher) is type(built)
            # Not what cached properties keep beside them, nor what `attach` sets.
            fields = [field.name for field in dataclasses.fields(matcher)]
            assert {k: matcher.__dict__[k] for k in fields} == {
                k: built.__dict__[k] for k in fields
            }
            assert built.all_platforms == compiled.platforms  # attached again
            assert built.platform_id == matcher.platform_id
    assert compiled.prefilter == loaded.prefilter


def test_the_second_load_is_built_from_the_record_and_equals_the_yaml(
    monkeypatch: pytest.MonkeyPatch, ruleset: RuleSet, calendar: Calendar
) -> None:
    first = _compiled([rules_dir()])
    first_calendar = compiledpack.calendar([schedules_dir()])
    _refuse_yaml(monkeypatch)
    again = _compiled([rules_dir()])
    _same_rules(again, ruleset)
    _same_rules(first, ruleset)
    compiled_calendar = compiledpack.calendar([schedules_dir()])
    assert compiled_calendar == first_calendar == calendar
    assert compiled_calendar.digest == calendar.digest
    assert compiled_calendar.windows == calendar.windows


def test_scans_with_the_compiled_pack_find_what_the_yaml_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ruleset: RuleSet, calendar: Calendar
) -> None:
    _compiled([rules_dir()])
    compiledpack.calendar([schedules_dir()])
    _refuse_yaml(monkeypatch)
    compiled = _compiled([rules_dir()])
    compiled_calendar = compiledpack.calendar([schedules_dir()])
    shutil.copytree(REPO / "sample_apps", tmp_path / "apps")
    expected = scan_tree(tmp_path / "apps", ruleset, calendar=calendar)
    found = scan_tree(tmp_path / "apps", compiled, calendar=compiled_calendar)
    assert len(expected.findings) > 50
    assert triples(found) == triples(expected)
    assert found.findings == expected.findings and found.unresolved == expected.unresolved
    for rule in compiled.rules:  # every rule's examples, as the YAML's rule finds them
        for example in [*rule.examples.bad, *rule.examples.good]:
            folder = tmp_path / "examples" / rule.code / example.name.replace("/", "_")
            for name, text in example.sources().items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text(text, encoding="utf-8")
            chosen = [*example.also_select, rule.code]
            got = scan_tree(folder, compiled.select(chosen), calendar=compiled_calendar)
            want = scan_tree(folder, ruleset.select(chosen), calendar=calendar)
            assert got.findings == want.findings, (rule.code, example.name)


def _rule_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(rules_dir(), folder)
    return folder


def test_an_edited_rule_file_is_read_from_yaml_again(tmp_path: Path) -> None:
    folder = _rule_folder(tmp_path)
    before = _compiled([folder])
    path = folder / "shopline" / "SL001-old-open-api-domain.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntitle: ", "\ntitle: Edited - ", 1), encoding="utf-8")
    after = _compiled([folder])
    assert after.by_code["SL001"].title.startswith("Edited - ")
    assert after.digest != before.digest
    assert after.by_code["SL001"].title == load_rules([folder]).by_code["SL001"].title


def test_a_catalogue_outside_the_rule_folders_is_checked_by_its_digest(
    tmp_path: Path,
) -> None:
    folder = _rule_folder(tmp_path)
    catalogues = tmp_path / "elsewhere"
    catalogues.mkdir()
    platforms = folder / "platforms.yaml"
    text = platforms.read_text(encoding="utf-8")
    assert "catalogue: shopline/data/openapi-endpoints.tsv" in text
    moved = catalogues / "endpoints.tsv"
    shutil.move(folder / "shopline/data/openapi-endpoints.tsv", moved)
    platforms.write_text(
        text.replace("shopline/data/openapi-endpoints.tsv", "../elsewhere/endpoints.tsv"),
        encoding="utf-8",
    )
    before = _compiled([folder])
    lines = moved.read_text(encoding="utf-8").splitlines(keepends=True)
    moved.write_text("".join(lines[:-1]), encoding="utf-8")  # one endpoint fewer
    after = _compiled([folder])
    assert after.digest != before.digest
    assert after.digest == load_rules([folder]).digest


@pytest.mark.parametrize(
    "damage",
    [
        lambda record: {**record, "digest": "0" * 64},
        lambda record: {**record, "content": {**record["content"], "value": "[]"}},
        lambda record: "not a record",
    ],
    ids=["digest", "value", "shape"],
)
def test_a_damaged_record_is_passed_by(
    monkeypatch: pytest.MonkeyPatch, ruleset: RuleSet, damage: object
) -> None:
    _compiled([rules_dir()])
    store = compiledpack._store("rulepack")
    record = json.loads(store.read_text(encoding="utf-8"))
    store.write_text(json.dumps(damage(record)), encoding="utf-8")  # type: ignore[operator]
    loaded: list[bool] = []
    real = compiledpack.load_rules

    def counted(directories: list[Path]) -> RuleSet:
        loaded.append(True)
        return real(directories)

    monkeypatch.setattr(compiledpack, "load_rules", counted)
    _same_rules(_compiled([rules_dir()]), ruleset)
    assert loaded == [True]


@pytest.fixture
def beside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The package's folders, for the records kept beside its modules: a folder of the test's
    own, bytecode written."""
    from scanner.maintenance import windows
    from scanner.rulepack import ruleset as rulesets

    package = tmp_path / "package"
    package.mkdir()
    monkeypatch.setattr(rulesets, "__file__", str(package / "ruleset.py"))
    monkeypatch.setattr(windows, "__file__", str(package / "windows.py"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return package


def test_without_the_cache_the_shipped_pack_is_kept_beside_the_package(
    beside: Path, monkeypatch: pytest.MonkeyPatch, ruleset: RuleSet, calendar: Calendar
) -> None:
    """`--no-cache` neither reads nor writes the cache folder; the rules noticelint ships are
    compiled once, as bytecode is, and read from there by every later run."""
    first = runner.load_rules(remember=False)  # from YAML
    first_calendar = runner.load_schedules(remember=False)
    assert sorted(path.name for path in beside.iterdir()) == ["ruleset.pyo", "windows.pyo"]
    _refuse_yaml(monkeypatch)
    _same_rules(runner.load_rules(remember=False), first)
    assert first.by_code.keys() == ruleset.by_code.keys()
    assert runner.load_schedules(remember=False) == first_calendar == calendar
    assert not compiledpack._store("rulepack").exists()
    assert not compiledpack._store("calendar").exists()
    assert not any(Path(os.environ["NOTICELINT_CACHE_DIR"]).iterdir())


def test_without_the_cache_nothing_is_kept_where_bytecode_is_not_written(
    beside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # -B, PYTHONDONTWRITEBYTECODE
    runner.load_rules(remember=False)
    runner.load_schedules(remember=False)
    assert not any(beside.iterdir())


def test_without_the_cache_rules_of_a_users_own_are_read_from_yaml(
    beside: Path, tmp_path: Path
) -> None:
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(rules_dir() / "shopline" / "SL001-old-open-api-domain.yaml", own / "X001.yaml")
    (own / "X001.yaml").write_text(
        (own / "X001.yaml").read_text(encoding="utf-8").replace("code: SL001", "code: XX001"),
        encoding="utf-8",
    )
    loaded = runner.load_rules(extra=[own], remember=False)
    assert "XX001" in loaded.by_code and "SL001" in loaded.by_code
    assert not any(beside.iterdir())


def test_a_shipped_rule_edited_is_read_from_yaml_again_without_the_cache(
    beside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _rule_folder(tmp_path)
    monkeypatch.setattr(compiledpack, "rules_dir", lambda: folder)
    before = compiledpack.rules([folder], signature([folder]), cache=False)
    assert (beside / "ruleset.pyo").exists()
    path = folder / "shopline" / "SL001-old-open-api-domain.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntitle: ", "\ntitle: Edited - ", 1), encoding="utf-8")
    after = compiledpack.rules([folder], signature([folder]), cache=False)
    assert after.by_code["SL001"].title.startswith("Edited - ")
    assert after.digest != before.digest
    _refuse_yaml(monkeypatch)
    assert compiledpack.rules([folder], signature([folder]), cache=False).digest == after.digest


def test_a_calendar_follows_its_schedule_files(tmp_path: Path) -> None:
    folder = _rule_folder(tmp_path)
    schedules = folder / "schedules"
    before = compiledpack.calendar([schedules])
    assert before == load_calendar([schedules])
    (schedules / "rakuten.yaml").unlink()
    after = compiledpack.calendar([schedules])
    assert after == load_calendar([schedules]) and after != before


def test_a_scan_from_the_command_line_compiles_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app.py").write_text('API = "https://open.shoplineapp.com/v1"\n')
    monkeypatch.chdir(tmp_path)
    request = runner.ScanRequest(paths=[Path("app.py")])

    def found() -> list[tuple[str, int, str]]:
        outcome = runner.scan(request)
        assert outcome.result is not None
        return [(f.path, f.line, f.code) for f in outcome.result.findings]

    first = found()
    _refuse_yaml(monkeypatch)
    assert found() == first == [("app.py", 1, "SL001")]


def test_a_run_with_a_current_record_imports_no_pydantic(tmp_path: Path) -> None:
    """pydantic is not imported and no rule file is parsed in a run whose rule pack and
    calendar come from their records (read in a fresh process, not timed)."""
    (tmp_path / "app.py").write_text('API = "https://open.shoplineapp.com/v1"\n')
    probe = (
        "import sys\n"
        "from scanner.launch import main\n"
        "from scanner.rulepack import yamlsource\n"
        "parsed = []\n"
        "real = yamlsource.parse_yaml\n"
        "yamlsource.parse_yaml = lambda *a: parsed.append(a) or real(*a)\n"
        "sys.argv = ['noticelint', 'scan', '--exit-zero', '-qq', 'app.py']\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    print(len(parsed), 'pydantic' in sys.modules)\n"
    )
    env = {**os.environ, "NOTICELINT_CACHE_DIR": str(tmp_path / "cache")}

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True,
            text=True, check=True,
        )  # fmt: skip
        return done.stdout.split()[-2] + " " + done.stdout.split()[-1]

    first = run()
    assert first.split()[0] != "0" and first.split()[1] == "True"
    assert run() == "0 False"
