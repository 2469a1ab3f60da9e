"""The results cache holds data only: a damaged value is dropped, a value that names code is
refused without running it, the folder is its owner's alone, and the fast path's record is
checked against its digest."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.rulepack.ruleset import RuleSet
from scanner.scan.cache import ResultCache
from scanner.scan.cachedir import default_path
from tests.conftest import scan_tree, triples, write_tree

OLD = 'HOST = "https://open.shoplineapp.com/v1"\n'


class _RunsCode:
    """A value whose reading back would run a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (f"touch {self.marker}",))


def _overwrite_every_value(database: Path, value: bytes) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("UPDATE results SET value = ?", (value,)).rowcount


def _filled(tree: Path, ruleset: RuleSet) -> Path:
    write_tree(tree, {"a.py": OLD})
    database = default_path()
    scan_tree(tree, ruleset, cache=ResultCache(database))
    return database


def test_a_damaged_value_is_dropped_and_the_file_analysed_again(
    tmp_path: Path, ruleset: RuleSet
) -> None:
    database = _filled(tmp_path, ruleset)
    # Bytes that make pickle raise UnicodeDecodeError, not UnpicklingError.
    assert (
        _overwrite_every_value(
            database, b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00\xff."
        )
        > 0
    )
    again = scan_tree(tmp_path, ruleset, cache=ResultCache(database))
    assert triples(again) == {("a.py", 1, "SL001")} and again.cache_hits == 0
    third = scan_tree(tmp_path, ruleset, cache=ResultCache(database))
    assert third.cache_hits == 1, "the damaged value was replaced"


def test_a_value_that_names_code_is_refused_unrun(tmp_path: Path, ruleset: RuleSet) -> None:
    database = _filled(tmp_path / "tree", ruleset)
    marker = tmp_path / "ran"
    _overwrite_every_value(database, pickle.dumps(_RunsCode(marker)))
    again = scan_tree(tmp_path / "tree", ruleset, cache=ResultCache(database))
    assert not marker.exists()
    assert triples(again) == {("a.py", 1, "SL001")}


def test_the_cache_folder_is_its_owners_alone(tmp_path: Path, ruleset: RuleSet) -> None:
    database = _filled(tmp_path, ruleset)
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    database.parent.chmod(0o777)
    scan_tree(tmp_path, ruleset, cache=ResultCache(database))
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700


def test_an_edited_trigger_record_does_not_turn_the_gate_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"a.py": OLD})
    runner = CliRunner()
    assert runner.invoke(main, ["scan", "a.py"]).exit_code == 1  # remembers the triggers
    record = default_path().with_name("triggers.json")
    document = json.loads(record.read_text(encoding="utf-8"))
    # Every rule's literals swapped for one no file holds.
    document["content"] = {
        code: [["zz_never_zz", False, False, []]] for code in document["content"]
    }
    record.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(main, ["scan", "a.py"])
    assert result.exit_code == 1 and "a.py:1:8: SL001" in result.stdout


def test_an_edited_rule_card_is_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The remembered cards a clean scan's report is written from are whole or not used."""
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"a.py": "x = 1\n"})
    runner = CliRunner()

    def titles() -> dict[str, str]:
        result = runner.invoke(main, ["scan", "--format", "sarif", "a.py"])
        assert result.exit_code == 0, result.output
        rules = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
        return {rule["id"]: rule["shortDescription"]["text"] for rule in rules}

    shipped = titles()  # the full path: it remembers the cards
    record = default_path().with_name("rulecards.json")
    document = json.loads(record.read_text(encoding="utf-8"))
    document["content"][0]["title"] = "forged"
    record.write_text(json.dumps(document), encoding="utf-8")
    assert titles() == shipped
    record.write_text(record.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    assert titles() == shipped


def test_the_code_digest_covers_every_module_of_the_analyser() -> None:
    """A change to a matcher or to the parser's wrapper invalidates cached analyses."""
    from scanner.scan.cachedir import analyser_sources

    package = Path(__file__).resolve().parents[2] / "scanner"
    names = {Path(source).relative_to(package.parent).as_posix() for source in analyser_sources()}
    assert {"scanner/code/parse.py", "scanner/matchers/spec.py", "scanner/scan/engine.py"} <= names
    assert len(names) == len(list(package.rglob("*.py")))


def test_the_code_digest_is_worked_out_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cache key digests the analyser: its modules are looked at once, not per key."""
    from scanner.scan import cache, cachedir

    cache.code_digest()
    looked: list[str] = []
    monkeypatch.setattr(cachedir, "analyser_sources", lambda: looked.append("") or [])
    for index in range(100):
        cache.key("file", str(index))
    assert looked == []


def test_installed_modules_count_by_the_hash_their_installation_recorded(tmp_path: Path) -> None:
    """As a wheel's installer writes `RECORD`: the package's own files by hash and size;
    another distribution's, a quoted path, the record's own line and an editable install's
    link are none of the analyser's."""
    from scanner import __version__
    from scanner.scan.cachedir import installed_hashes

    package = tmp_path / "site" / "scanner"
    package.mkdir(parents=True)
    info = tmp_path / "site" / f"noticelint-{__version__}.dist-info"
    info.mkdir()
    (info / "RECORD").write_text(
        "scanner/launch.py,sha256=23sS4ZbLwSgP3q76lbOFi4R_7CTTqwkiLyqjdHK6ZPY,8990\n"
        "scanner/scan/cachedir.py,sha256=abc,120\n"
        "scannerx/other.py,sha256=def,3\n"
        '"scanner/odd,name.py",sha256=ghi,4\n'
        f"noticelint-{__version__}.dist-info/RECORD,,\n"
        "__editable___noticelint_finder.py,sha256=jkl,5\n",
        encoding="utf-8",
    )
    assert installed_hashes(str(package)) == (
        {
            "launch.py": ("sha256=23sS4ZbLwSgP3q76lbOFi4R_7CTTqwkiLyqjdHK6ZPY", 8990),
            "scan/cachedir.py": ("sha256=abc", 120),
        },
        (info / "RECORD").stat().st_mtime_ns,
    )
    (info / "RECORD").write_text("__editable__.noticelint-0.1.0.pth,sha256=x,40\n")
    assert installed_hashes(str(package))[0] == {}
    (info / "RECORD").unlink()
    assert installed_hashes(str(package)) == ({}, 0)


def test_the_digest_of_an_installed_release_names_the_versions_it_runs_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI runner installs the release again, and may take a newer libcst or tzdata than
    the run that kept the cache: the analyses made on the older ones are not served."""
    from scanner import __version__
    from scanner.scan import cachedir

    site = tmp_path / "site"
    info = site / f"noticelint-{__version__}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Name: noticelint\nRequires-Dist: libcst>=1.1\nRequires-Dist: python-dateutil>=2.8.2\n"
        "Requires-Dist: PyYAML[libyaml] (>=6.0) ; python_version >= '3.8'\n"
        "Requires-Dist: pytest>=8.0; extra == 'test'\n",
        encoding="utf-8",
    )
    for name in ("libcst-1.9.0", "python_dateutil-2.9.0.post0", "PyYAML-6.0.2", "pytest-8.0",
                 "libcstx-1.0", "requests-2.32.3"):  # fmt: skip
        (site / f"{name}.dist-info").mkdir()
    assert cachedir.required_installs(str(site / "scanner")) == [
        "PyYAML-6.0.2.dist-info", "libcst-1.9.0.dist-info", "python_dateutil-2.9.0.post0.dist-info",
    ]  # fmt: skip
    monkeypatch.setattr(cachedir, "package_folder", lambda: str(site / "scanner"))
    monkeypatch.setattr(cachedir, "analyser_sources", lambda: [])
    monkeypatch.setattr(cachedir, "installed_hashes", lambda package: ({"x.py": ("h", 1)}, 0))

    def digest() -> str:
        monkeypatch.setattr(cachedir, "_CODE_DIGEST", [])
        return cachedir.code_digest()

    first = digest()
    (site / "requests-2.32.3.dist-info").rename(site / "requests-2.33.0.dist-info")
    assert digest() == first, "a distribution the release does not require"
    (site / "libcst-1.9.0.dist-info").rename(site / "libcst-1.10.0.dist-info")
    assert digest() != first


def test_an_installed_module_edited_in_place_changes_the_code_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module whose size is not the recorded one, or written after the record (an edit
    that keeps the size), counts by its stat: an edit made in site-packages, after
    installing, is not served analyses of the code it replaced."""
    from scanner.scan import cachedir

    module = tmp_path / "scanner" / "matchers" / "spec.py"
    module.parent.mkdir(parents=True)
    module.write_text("x = 1\n")
    recorded = {"matchers/spec.py": ("sha256=abc", module.stat().st_size)}
    installed = module.stat().st_ctime_ns + 60 * 10**9  # the record: written after the module
    monkeypatch.setattr(cachedir, "analyser_sources", lambda: [str(module)])
    monkeypatch.setattr(cachedir, "installed_hashes", lambda package: (recorded, installed))
    monkeypatch.setattr(cachedir, "package_folder", lambda: str(tmp_path / "scanner"))

    def digest() -> str:
        monkeypatch.setattr(cachedir, "_CODE_DIGEST", [])
        return cachedir.code_digest()

    first = digest()
    os.utime(module, ns=(1, 1))  # installed again: another time, the same content
    assert digest() == first
    # Edited after the record was written, keeping the size, its time set back to before it:
    # its change time tells.
    installed = module.stat().st_ctime_ns - 1
    module.write_text("x = 2\n")
    os.utime(module, ns=(1, 1))
    assert module.stat().st_mtime_ns < installed < module.stat().st_ctime_ns
    assert digest() != first


@pytest.mark.parametrize("git", [False, True])
def test_a_cache_folder_inside_the_scanned_tree_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git: bool
) -> None:
    """NOTICELINT_CACHE_DIR inside the repository (where a CI cache must lie, on GitLab): its
    records hold every rule's text, and were reported as findings in config files from the
    second scan on. The folder is tagged as a cache and passed by; git ignores it."""
    import subprocess

    write_tree(tmp_path, {"app/api.py": OLD, "settings.json": "{}\n"})
    if git:
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(tmp_path / ".noticelint-cache"))
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        result = CliRunner().invoke(main, ["scan", "--format", "json", "."])
        assert {f["path"] for f in json.loads(result.stdout)["findings"]} == {"app/api.py"}
    tag = (tmp_path / ".noticelint-cache" / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    if git:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert ".noticelint-cache" not in status and "app/api.py" in status


def test_the_cache_folder_is_tagged_once_and_a_tag_written_by_hand_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder itself holds the tags, whichever of its parts is made first (the replies'
    folder is pruned by count: a tag there would be pruned with the replies)."""
    from scanner.scan.cachedir import private_folder

    folder = tmp_path / "cache"
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(folder))
    private_folder(folder / "replies")
    assert sorted(os.listdir(folder)) == [".gitignore", "CACHEDIR.TAG", "replies"]
    assert os.listdir(folder / "replies") == []
    (folder / ".gitignore").write_text("records/\n")
    private_folder(folder)
    assert (folder / ".gitignore").read_text() == "records/\n"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: ")
    private_folder(tmp_path / "elsewhere")
    assert os.listdir(tmp_path / "elsewhere") == []
    # NOTICELINT_CACHE_DIR naming a folder of other things (a project's root) leaves it be:
    # a `.gitignore` of `*` there would hide the project from git, and the tag from a scan.
    project = tmp_path / "project"
    write_tree(project, {"app/api.py": OLD})
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(project))
    private_folder(project)
    assert sorted(os.listdir(project)) == ["app"]


def test_another_releases_database_unused_for_a_month_is_removed(tmp_path: Path) -> None:
    """A CI cache restored and saved run after run would carry it for good; one in use (by
    another install sharing the folder) stays."""
    import time

    month = time.time() - 31 * 86400
    for name in ("results-0.0.1.sqlite", "results-0.0.1.sqlite-wal", "results-0.0.2.sqlite",
                 "results-notes.txt"):  # fmt: skip
        (tmp_path / name).write_text("x")
    for name in ("results-0.0.1.sqlite", "results-0.0.1.sqlite-wal", "results-notes.txt"):
        os.utime(tmp_path / name, (month, month))
    cache = ResultCache(tmp_path / "results-9.9.9.sqlite")
    cache.put("k", {"a": 1})
    cache.flush()
    assert cache.get("k") == {"a": 1}
    left = set(os.listdir(tmp_path))
    assert {"results-0.0.2.sqlite", "results-9.9.9.sqlite", "results-notes.txt"} <= left
    assert not {"results-0.0.1.sqlite", "results-0.0.1.sqlite-wal"} & left


def _days(database: Path, table: str) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return dict(connection.execute(f"SELECT key, day FROM {table}").fetchall())


def test_rows_no_scan_used_for_a_month_are_removed_once_a_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each edit of a file adds a row under its new content: the rows no scan has read or
    written for `UNUSED_DAYS` go, the first time a scan opens the database on a day. Reading
    a row keeps it; a row read again the same day is not written again."""
    from scanner.scan import cache as module

    database = tmp_path / "results-9.9.9.sqlite"
    day = 20_000
    monkeypatch.setattr(module, "today", lambda: day)
    first = ResultCache(database)
    for name in ("old", "read", "fresh"):
        first.put(name, {"name": name})
        first.put_stamp(name, f"stamp {name}")
    first.close()
    # A month and more goes by: "read" was last used ten days ago (and is read now),
    # "fresh" a day ago, "old" not since it was written.
    day += module.UNUSED_DAYS + 5
    with sqlite3.connect(database) as connection:
        for table in module.TABLES:
            for name, last in (("read", day - 10), ("fresh", day - 1)):
                connection.execute(f"UPDATE {table} SET day = ? WHERE key = ?", (last, name))
    later = ResultCache(database)
    assert later.get("old") is None and later.stamp("old") is None
    assert later.get("read") == {"name": "read"} and later.stamp("read") == "stamp read"
    later.close()
    for table in module.TABLES:
        assert _days(database, table) == {"read": day, "fresh": day - 1}
    # The same day: nothing is pruned again, and rows read today are not written again.
    again = ResultCache(database)
    assert again.get("read") == {"name": "read"} and again.stamp("read") == "stamp read"
    assert not any(again._used.values())
    again.close()


def test_a_database_written_before_rows_had_days_keeps_its_rows(tmp_path: Path) -> None:
    database = tmp_path / "results-9.9.9.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE results (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        connection.execute("CREATE TABLE stamps (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        connection.execute("INSERT INTO stamps VALUES ('k', 'stamp')")
    cache = ResultCache(database)
    assert cache.stamp("k") == "stamp"
    cache.put("n", [1])
    cache.close()
    from scanner.scan.cache import today

    assert _days(database, "stamps") == {"k": today()}
    assert _days(database, "results") == {"n": today()}


def test_only_records_are_ever_pruned(tmp_path: Path) -> None:
    """NOTICELINT_CACHE_DIR naming a folder that holds other things: a record folder's
    pruning removes the oldest records beyond those kept, never a file of someone else's."""
    from scanner.scan.cachedir import is_reply, prune

    replies = tmp_path / "replies"
    replies.mkdir()
    for index in range(6):
        (replies / f"{index:016x}").write_text("reply")
        (replies / f"mine{index}.txt").write_text("notes")
        os.utime(replies / f"{index:016x}", ns=(index * 10**9, index * 10**9))
    prune(replies, 2, is_reply)
    assert sorted(os.listdir(replies)) == [
        "0000000000000004", "0000000000000005", *(f"mine{index}.txt" for index in range(6)),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("files", "ours"),
    [
        ({}, True),
        ({"results-0.1.0.sqlite": "", "results-0.1.0.sqlite-wal": "", "rulepack.json": "{}",
          "replies/0123456789abcdef": "", "reports/" + "a" * 32 + ".json": "{}",
          "revisions/" + "b" * 40 + "/app.py": "", ".held.json.x1.tmp": ""}, True),
        ({"results-check.py": ""}, False),
        ({"reports/gen.py": ""}, False),
        ({"replies/mine": ""}, False),
        ({"revisions/v1/notes.txt": ""}, False),
        ({"rulepack.json": "{}", "notes.md": ""}, False),
    ],
)  # fmt: skip
def test_a_folder_is_taken_for_the_cache_folder_only_by_what_it_holds(
    tmp_path: Path, files: dict[str, str], ours: bool
) -> None:
    from scanner.scan.cachedir import holds_only_records

    write_tree(tmp_path / "folder", files)
    (tmp_path / "folder").mkdir(exist_ok=True)
    assert holds_only_records(tmp_path / "folder") is ours


def test_a_cache_folder_of_other_things_keeps_them_and_their_modes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NOTICELINT_CACHE_DIR naming a folder of other things (here a `revisions/` of someone
    else's, where `--diff-base` unpacks the base and keeps the newest few): the cache goes
    into its `noticelint` folder; nothing of the folder's is removed, its modes stay, and it
    gets no tag (a `.gitignore` of `*` would hide what else it holds)."""
    from tests.conftest import git

    home = tmp_path / "home"
    write_tree(home, {f"revisions/v{index}/notes.txt": "mine" for index in range(5)})
    for folder in (home, home / "revisions"):
        folder.chmod(0o755)
    repo = tmp_path / "repo"
    write_tree(repo, {"shop/api.py": OLD})
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "base")
    monkeypatch.setenv("NOTICELINT_CACHE_DIR", str(home))
    monkeypatch.chdir(repo)
    for _ in range(2):
        result = CliRunner().invoke(main, ["scan", "--diff-base", "HEAD", "--format", "json"])
        assert json.loads(result.stdout)["findings"] == []
    assert {f"v{index}" for index in range(5)} <= set(os.listdir(home / "revisions"))
    assert stat.S_IMODE(home.stat().st_mode) == stat.S_IMODE((home / "revisions").stat().st_mode)
    assert stat.S_IMODE(home.stat().st_mode) == 0o755
    assert not (home / "CACHEDIR.TAG").exists() and not (home / ".gitignore").exists()
    assert sorted(os.listdir(home)) == ["noticelint", "revisions"]
    assert (home / "noticelint" / "CACHEDIR.TAG").is_file()


def test_scans_sharing_a_cache_that_is_being_damaged_never_crash(tmp_path: Path) -> None:
    """Real processes: while eight scans share one cache, its values and its file are
    overwritten with random bytes again and again. Each scan still reports its findings,
    with no traceback."""
    import random
    import subprocess
    import sys
    import threading
    import time

    write_tree(tmp_path, {f"m{index}.py": OLD for index in range(6)})
    cache_dir = tmp_path / ".cache"
    env = {**os.environ, "NOTICELINT_CACHE_DIR": str(cache_dir)}
    command = [sys.executable, "-m", "scanner", "scan", ".", "--jobs", "1"]
    subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=120)
    database = next(cache_dir.glob("*.sqlite"))
    stop = threading.Event()

    def damage() -> None:
        """Damaged values in a sound file, then damaged pages of the file itself."""
        noise = random.Random(7)
        while not stop.is_set():
            try:
                with sqlite3.connect(database, timeout=1) as connection:
                    connection.execute("UPDATE results SET value = ?", (noise.randbytes(40),))
            except (sqlite3.Error, UnicodeDecodeError):  # a damaged schema's text, too
                pass
            try:
                with database.open("r+b") as handle:
                    handle.seek(noise.randrange(max(1, database.stat().st_size)))
                    handle.write(noise.randbytes(64))
            except OSError:
                pass
            time.sleep(0.005)

    damager = threading.Thread(target=damage)
    damager.start()
    try:
        running = [
            subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
            for _ in range(8)
        ]  # fmt: skip
        outputs = [process.communicate(timeout=300) for process in running]
    finally:
        stop.set()
        damager.join()
    for process, (out, err) in zip(running, outputs, strict=True):
        assert b"Traceback" not in err, err.decode(errors="replace")
        assert process.returncode == 1 and out.count(b" SL001 ") == 6, (out, err)


def test_the_quick_answers_record_is_written_only_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every full scan remembers the rules' triggers and cards; one whose records stand for
    the rule files as they are does not make (a card's page takes a template), write and sync
    them again. A damaged record, or a changed rule file, has both made again."""
    from scanner.rulepack.resources import rules_dir
    from scanner.scan import atomicfile, fastpath

    writes: list[Path] = []
    made: list[str] = []
    replace = atomicfile.replace_text

    def counted(target: Path, text: str) -> None:
        writes.append(target)
        replace(target, text)

    monkeypatch.setattr(atomicfile, "replace_text", counted)
    extra = tmp_path / "rules"
    extra.mkdir()
    directories = [rules_dir(), extra]

    def remember() -> None:
        fastpath.remember(
            fastpath.signature(directories),
            lambda: (
                made.append("triggers") or {"SL001": [("shoplineapp", True, False, (), (), False)]}
            ),
            lambda: ["SL001"],
            lambda: made.append("cards") or [],
        )

    remember()
    remember()
    assert (len(writes), made) == (2, ["triggers", "cards"])
    cards = default_path().with_name("rulecards.json")
    cards.write_text(cards.read_text(encoding="utf-8")[:-10], encoding="utf-8")
    remember()
    assert len(writes) == 4
    mine = extra / "mine.yaml"
    mine.write_text("rules: []\n", encoding="utf-8")
    remember()
    remember()
    assert len(writes) == 6 and made.count("cards") == 3
    # Edited at the same size, its time put back: still a change.
    status = mine.stat()
    mine.write_text("rules: {}\n", encoding="utf-8")
    os.utime(mine, ns=(status.st_atime_ns, status.st_mtime_ns))
    remember()
    assert len(writes) == 8


def test_a_damaged_text_read_back_from_the_cache_is_a_damaged_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite hands back a damaged page's bytes as text (the journal mode, a stamp) and
    Python cannot decode them: read as damage (no cache), never a crash."""

    class Damaged:
        def execute(self, *args: object) -> None:
            raise UnicodeDecodeError("utf-8", b"\x9b", 0, 1, "invalid start byte")

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: Damaged())
    cache = ResultCache(tmp_path / "results.sqlite")
    assert cache.get("key") is None
    assert cache.stamp("key") is None
    cache.put_stamp("key", "stamp")
    cache.flush()
