"""Report paths are valid references for their consumers: SARIF URIs percent-encoded and
relative to %SRCROOT%, source links encoded, every common remote form accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.reporters.links import artifact, source_link, web_url
from tests.conftest import write_tree

OLD = 'BASE = "https://open.shoplineapp.com/v1"\n'


@pytest.mark.parametrize(
    ("remote", "web"),
    [
        ("https://github.com/acme/shop", "https://github.com/acme/shop"),
        ("https://github.com/acme/shop.git", "https://github.com/acme/shop"),
        ("git@github.com:acme/shop.git", "https://github.com/acme/shop"),
        ("ssh://git@github.com/acme/shop.git", "https://github.com/acme/shop"),
        ("git@gitlab.com:group/sub/shop.git", "https://gitlab.com/group/sub/shop"),
        ("ssh://git@gitlab.example.com:2222/group/shop.git", "https://gitlab.example.com/group/shop"),
        ("https://someone@bitbucket.org/team/shop.git", "https://bitbucket.org/team/shop"),
        ("git@bitbucket.org:team/shop.git", "https://bitbucket.org/team/shop"),
        ("not a url", None),
        ("https://github.com/", None),
    ],
)  # fmt: skip
def test_remotes_in_every_form(remote: str, web: str | None) -> None:
    assert web_url(remote) == web


@pytest.mark.parametrize(
    ("remote", "link"),
    [
        ("git@github.com:acme/shop.git", "https://github.com/acme/shop/blob/main/my%20dir/caf%C3%A9%20%231%25.py#L3"),
        ("git@gitlab.com:acme/shop.git", "https://gitlab.com/acme/shop/-/blob/main/my%20dir/caf%C3%A9%20%231%25.py#L3"),
        ("https://bitbucket.org/acme/shop", "https://bitbucket.org/acme/shop/src/main/my%20dir/caf%C3%A9%20%231%25.py#lines-3"),
    ],
)  # fmt: skip
def test_source_links_are_encoded_per_host(remote: str, link: str) -> None:
    assert source_link(remote, "main", "my dir/café #1%.py", 3) == link
    assert source_link(remote, "main", "/elsewhere/x.py", 3) is None


def test_sarif_uris_are_relative_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert artifact("a b/#1%.py") == {"uri": "a%20b/%231%25.py", "uriBaseId": "%SRCROOT%"}
    assert artifact("/abs/x y.py") == {"uri": "file:///abs/x%20y.py"}
    write_tree(tmp_path, {"my dir/#1 %odd.py": OLD})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "--format", "sarif"])
    (found,) = json.loads(result.stdout)["runs"][0]["results"]
    location = found["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "my%20dir/%231%20%25odd.py", "uriBaseId": "%SRCROOT%"}


def test_markdown_links_are_encoded_and_a_bad_remote_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"my file.py": OLD})
    monkeypatch.chdir(tmp_path)
    remote = "git@github.com:acme/shop.git"
    result = CliRunner().invoke(main, ["scan", "--format", "markdown", "--repo-url", remote])
    assert "(https://github.com/acme/shop/blob/HEAD/my%20file.py#L1)" in result.stdout
    refused = CliRunner().invoke(main, ["scan", "--repo-url", "acme/shop"])
    assert refused.exit_code == 2 and "--repo-url acme/shop" in refused.stderr


def test_from_a_subfolder_links_and_uris_are_from_the_repository_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    write_tree(tmp_path, {"pkg/ünï.py": OLD})
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@example.test", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    monkeypatch.chdir(tmp_path / "pkg")
    remote = "git@github.com:acme/shop.git"
    markdown = CliRunner().invoke(main, ["scan", "--format", "markdown", "--repo-url", remote])
    sha = commit.stdout.strip()
    assert f"(https://github.com/acme/shop/blob/{sha}/pkg/%C3%BCn%C3%AF.py#L1)" in markdown.stdout
    sarif = json.loads(CliRunner().invoke(main, ["scan", "--format", "sarif"]).stdout)
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "pkg/%C3%BCn%C3%AF.py"
