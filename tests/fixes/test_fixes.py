"""`noticelint fix`: before/after pairs for every fixer, safety, idempotence."""

from __future__ import annotations

import os
import py_compile
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.cli import main
from scanner.fixes import FixError, plan, write
from scanner.rulepack.ruleset import RuleSet
from tests.conftest import REPO, scan_tree, triples, write_tree

NESTED_HOSTS = (
    '@register("https://open.shoplineapp.com/v1/hooks")\n'
    "class Hooks:\n"
    "    pass\n\n\n"
    "class Shop:\n"
    "    def helper(self):\n"
    '        return "https://open.shopline.io/v1"\n\n'
    "    @functools.cache\n"
    '    @route("https://open.shoplineapp.com/v1/ping")\n'
    "    def ping(self):\n"
    "        return 1\n\n"
    "    class Inner:\n"
    "        def orders(self, session):\n"
    "            if session:\n"
    "                return session.get(\n"
    '                    build("https://open.shoplineapp.com/v1/orders"),\n'
    '                    params={"page": 1},\n'
    "                )\n"
    "            return None\n"
)
CASES = {
    "SL001 strings of every form": (
        'A = "https://open.shoplineapp.com/v1"\n'
        "B = f'https://OPEN.SHOPLINEAPP.COM/{v}/orders'\n"
        'C = ("https://open.shoplineapp.com"\n     "/v1")  # keep me\n'
        'D = "https://%s/v1" % "open.shoplineapp.com"\n'
        'E = "https://open." + "shoplineapp.com"\n'
        '"""Docs mention open.shoplineapp.com."""\n',
        'A = "https://open.shopline.io/v1"\n'
        "B = f'https://open.shopline.io/{v}/orders'\n"
        'C = ("https://open.shopline.io"\n     "/v1")  # keep me\n'
        'D = "https://%s/v1" % "open.shopline.io"\n'
        'E = "https://open." + "shoplineapp.com"\n'
        '"""Docs mention open.shoplineapp.com."""\n',
    ),
    "SL002 topics": (
        'TOPICS = ["user/new_member", \'user/send_info_reward\', "user/update"]\n',
        'TOPICS = ["customer/new_member", \'customer/send_info_reward\', "user/update"]\n',
    ),
    "SL003 f-string URL, body in the call": (
        "import requests\n"
        'BASE = "https://open.shopline.io/v1"\n'
        "def claim(code, uid):\n"
        '    return requests.post(f"{BASE}/user_coupons/singleMultiCoupon",\n'
        '                         json={"couponCode": code, "userId": uid, "locale": "en"})\n',
        "import requests\n"
        'BASE = "https://open.shopline.io/v1"\n'
        "def claim(code, uid):\n"
        '    return requests.post(f"{BASE}/user_coupons/{code}/claim",\n'
        '                         json={"customer_id": uid, "locale": "en"})\n',
    ),
    "SL003 plain string URL": (
        "def claim(session, c, uid):\n"
        '    return session.post("https://open.shopline.io/v1/user_coupons/singleMultiCoupon", '
        "json={'userId': uid, 'couponCode': c['code']})\n",
        "def claim(session, c, uid):\n"
        "    return session.post(f\"https://open.shopline.io/v1/user_coupons/{c['code']}/claim\", "
        "json={'customer_id': uid})\n",
    ),
    "SL003 a coupon code written as a string": (
        'BASE = "https://open.shopline.io/v1"\n'
        "def claim(session, uid):\n"
        '    session.post("https://open.shopline.io/v1/user_coupons/singleMultiCoupon",\n'
        '                 json={"couponCode": "SPRING-24", "userId": uid})\n'
        '    return session.post(f"{BASE}/user_coupons/singleMultiCoupon",\n'
        '                        json={"couponCode": "A_1", "userId": uid})\n',
        'BASE = "https://open.shopline.io/v1"\n'
        "def claim(session, uid):\n"
        '    session.post("https://open.shopline.io/v1/user_coupons/SPRING-24/claim",\n'
        '                 json={"customer_id": uid})\n'
        '    return session.post(f"{BASE}/user_coupons/A_1/claim",\n'
        '                        json={"customer_id": uid})\n',
    ),
    "SL012 return order keys": (
        "def open_return(session, order):\n"
        "    return session.post('https://open.shopline.io/v1/return_orders', json={\n"
        "        'order_id': order,\n"
        "        'status': 'pending',\n"
        "        'recipient_address': None,\n"
        "        'subtotal_items': [1],\n"
        "    })\n",
        "def open_return(session, order):\n"
        "    return session.post('https://open.shopline.io/v1/return_orders', json={\n"
        "        'order_id': order,\n"
        "        'subtotal_items': [1],\n"
        "    })\n",
    ),
    "SL012 the last key, with no comma after it": (
        "def open_return(session, order):\n"
        "    body = {\n"
        "        'order_id': order,\n"
        "        'subtotal_items': [1],  # kept\n"
        "        'status': 'pending'\n"
        "    }\n"
        "    session.post('https://open.shopline.io/v1/return_orders', json=body)\n"
        "    return session.post('https://open.shopline.io/v1/return_orders',\n"
        "                        json={'order_id': order, 'subtotal_items': [1], 'status': 1})\n",
        "def open_return(session, order):\n"
        "    body = {\n"
        "        'order_id': order,\n"
        "        'subtotal_items': [1],  # kept\n"
        "    }\n"
        "    session.post('https://open.shopline.io/v1/return_orders', json=body)\n"
        "    return session.post('https://open.shopline.io/v1/return_orders',\n"
        "                        json={'order_id': order, 'subtotal_items': [1]})\n",
    ),
    # A fix removes a key with what follows it on its line; a comment on a line of its own
    # (above a key that stays, or before the closing brace) stays.
    "SL012 comments on lines of their own stay": (
        "def open_return(session, order):\n"
        "    body = {\n"
        "        'order_id': order,\n"
        "        'status': 'pending',  # the old status\n"
        "        # the warehouse reads the note\n"
        "        'note': 'x',\n"
        "\n"
        "        'recipient_address': None,  # where it went\n"
        "# end of the body\n"
        "    }\n"
        "    return session.post('https://open.shopline.io/v1/return_orders', json=body)\n",
        "def open_return(session, order):\n"
        "    body = {\n"
        "        'order_id': order,\n"
        "        # the warehouse reads the note\n"
        "        'note': 'x',\n"
        "\n"
        "# end of the body\n"
        "    }\n"
        "    return session.post('https://open.shopline.io/v1/return_orders', json=body)\n",
    ),
    "SL012 keys first, last and alone on one line": (
        "def open_return(session, order):\n"
        "    session.post('https://open.shopline.io/v1/return_orders',\n"
        "                 json={'status': 1, 'order_id': order, 'recipient_address': 2, })\n"
        "    session.post('https://open.shopline.io/v1/return_orders', json={'status': 1})\n"
        "    return session.post('https://open.shopline.io/v1/return_orders', json={\n"
        "        'status': 1,\n"
        "    })\n",
        "def open_return(session, order):\n"
        "    session.post('https://open.shopline.io/v1/return_orders',\n"
        "                 json={'order_id': order, })\n"
        "    session.post('https://open.shopline.io/v1/return_orders', json={})\n"
        "    return session.post('https://open.shopline.io/v1/return_orders', json={})\n",
    ),
    "SL003 a comment on a line of its own stays when couponCode goes": (
        "def claim(session, uid):\n"
        "    return session.post('https://open.shopline.io/v1/user_coupons/singleMultiCoupon',"
        " json={\n"
        "        'couponCode': 'A_1',  # the campaign's code\n"
        "        # the member who claims it\n"
        "        'userId': uid,\n"
        "    })\n",
        "def claim(session, uid):\n"
        "    return session.post('https://open.shopline.io/v1/user_coupons/A_1/claim',"
        " json={\n"
        "        # the member who claims it\n"
        "        'customer_id': uid,\n"
        "    })\n",
    ),
    # A name is counted in its own function: two functions that each build and send a
    # `body` are both fixed; one that reads it again is not.
    "SL012 a body bound in each of two functions": (
        "URL = 'https://open.shopline.io/v1/return_orders'\n"
        "\n"
        "\n"
        "def open_return(session, order):\n"
        "    body = {'order_id': order, 'status': 'pending'}\n"
        "    return session.post(URL, json=body)\n"
        "\n"
        "\n"
        "def reopen(session, order):\n"
        "    body = {'order_id': order, 'status': 'pending'}\n"
        "    return session.post(URL, json=body)\n"
        "\n"
        "\n"
        "def kept(session, order):\n"
        "    body = {'order_id': order, 'status': 'pending'}\n"
        "    session.post(URL, json=body)\n"
        "    return body['status']\n",
        "URL = 'https://open.shopline.io/v1/return_orders'\n"
        "\n"
        "\n"
        "def open_return(session, order):\n"
        "    body = {'order_id': order}\n"
        "    return session.post(URL, json=body)\n"
        "\n"
        "\n"
        "def reopen(session, order):\n"
        "    body = {'order_id': order}\n"
        "    return session.post(URL, json=body)\n"
        "\n"
        "\n"
        "def kept(session, order):\n"
        "    body = {'order_id': order, 'status': 'pending'}\n"
        "    session.post(URL, json=body)\n"
        "    return body['status']\n",
    ),
    # Only the statements that hold a finding are walked: one in a decorator (before the
    # line where its class or function starts) or deep in nested blocks is still fixed.
    "SL001 in decorators and nested blocks": (
        NESTED_HOSTS,
        NESTED_HOSTS.replace("open.shoplineapp.com", "open.shopline.io"),
    ),
    "no-op: nothing to fix": (
        'A = "https://open.shopline.io/v1"\nTOPIC = "customer/new_member"\n',
        'A = "https://open.shopline.io/v1"\nTOPIC = "customer/new_member"\n',
    ),
}


def fix(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["fix", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("case", list(CASES))
def test_before_and_after(project: Path, case: str) -> None:
    before, after = CASES[case]
    write_tree(project, {"app.py": before})
    code, _, _ = fix()
    assert code == 0
    assert (project / "app.py").read_text() == after
    fix()
    assert (project / "app.py").read_text() == after, "a second fix changes nothing"


def test_sl003_without_a_literal_body_says_why(project: Path) -> None:
    source = (
        "def claim(session, body):\n"
        "    return session.post(\n"
        '        "https://open.shopline.io/v1/user_coupons/singleMultiCoupon", json=body)\n'
    )
    write_tree(project, {"app.py": source})
    fix()
    assert (project / "app.py").read_text() == source
    out = CliRunner().invoke(main, ["scan", "--select", "SL003"]).stdout
    assert "(no automatic fix: the body is not a dict literal in the call)" in out


@pytest.mark.parametrize(
    "url",
    ['"https://open.shop" "lineapp.com/v1/orders"', '"https://open.shop\\x6cineapp.com/v1/orders"'],
)
def test_sl001_leaves_a_host_not_written_out_in_one_string_and_says_why(
    project: Path, url: str
) -> None:
    source = f"import requests\n\nrequests.get({url})\n"
    write_tree(project, {"app.py": source})
    fix()
    assert (project / "app.py").read_text() == source
    out = CliRunner().invoke(main, ["scan", "--select", "SL001"]).stdout
    assert "(no automatic fix: the host is not written out in one string)" in out


@pytest.mark.parametrize(
    "body",
    [
        '{"couponCode": code, "userId": uid, "customer_id": cid}',
        '{"couponCode": code, "couponCode": other, "userId": uid}',
        '{"couponCode": code, "userId": uid, "userId": other}',
    ],
)
def test_sl003_leaves_a_body_whose_keys_repeat_or_already_moved(project: Path, body: str) -> None:
    """Python sends the last of two equal keys: renaming `userId` beside a `customer_id`, or
    taking the first `couponCode`, would change what is sent."""
    source = (
        "def claim(session, code, uid, cid, other):\n"
        '    return session.post("https://open.shopline.io/v1/user_coupons/singleMultiCoupon",\n'
        f"                        json={body})\n"
    )
    write_tree(project, {"app.py": source})
    fix()
    assert (project / "app.py").read_text() == source
    out = CliRunner().invoke(main, ["scan", "--select", "SL003"]).stdout
    assert "(no automatic fix: the body holds couponCode or userId twice, or customer_id)" in out


def test_sl004_only_with_unsafe_fixes(project: Path) -> None:
    source = (
        "def push(s, p, v):\n"
        '    s.put(f"https://open.shopline.io/v1/products/{p}/variations/{v}/update_price",\n'
        '          json={"price": None, "cost": 5})\n'
        "    api.update_variation_price(p, v, price_sale=None)\n"
    )
    write_tree(project, {"app.py": source})
    code, out, _ = fix()
    assert (code, out) == (0, "Fixed 0 findings in 0 files; 2 more with `--unsafe-fixes`.\n")
    assert (project / "app.py").read_text() == source
    # Beside a safe fix, as `fix --diff` says it.
    write_tree(project, {"api.py": 'BASE = "https://open.shoplineapp.com/v1"\n'})
    code, _, err = fix("--diff")
    assert (code, err) == (1, "Would fix 1 finding in 1 file; 2 more with `--unsafe-fixes`.\n")
    (project / "api.py").unlink()
    scan = CliRunner().invoke(main, ["scan", "--select", "SL004"]).stdout
    assert scan.count("SL004 [unsafe fix] ") == 2
    fix("--unsafe-fixes")
    fixed = (project / "app.py").read_text()
    assert 'json={"price": 0, "cost": 5}' in fixed and "price_sale=0" in fixed


def test_config_files(project: Path) -> None:
    write_tree(project, {
        ".env": "# old: https://open.shoplineapp.com\nAPI=https://open.shoplineapp.com/v1\n",
        "hooks.yaml": "topics:\n  - user/new_member  # welcome\n",
    })  # fmt: skip
    fix()
    assert (
        project / ".env"
    ).read_text() == "# old: https://open.shoplineapp.com\nAPI=https://open.shopline.io/v1\n"
    assert (project / "hooks.yaml").read_text() == "topics:\n  - customer/new_member  # welcome\n"


def test_diff_changes_nothing_and_exits_1(project: Path) -> None:
    write_tree(project, {"app.py": 'A = "https://open.shoplineapp.com/v1"\n'})
    code, out, err = fix("--diff")
    assert code == 1
    assert out.startswith("--- a/app.py\n+++ b/app.py\n")
    assert '-A = "https://open.shoplineapp.com/v1"\n+A = "https://open.shopline.io/v1"' in out
    assert "Would fix 1 finding in 1 file." in err
    assert (project / "app.py").read_text() == 'A = "https://open.shoplineapp.com/v1"\n'
    write_tree(project, {"app.py": 'A = "https://open.shopline.io/v1"\n'})
    assert fix("--diff")[0] == 0


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b'\xef\xbb\xbfA = "https://open.shoplineapp.com/v1"\r\nB = 1\r\n', "bom-crlf"),
        (
            '# -*- coding: latin-1 -*-\nA = "https://open.shoplineapp.com/é"\n'.encode("latin-1"),
            "latin-1",
        ),
        (b'A = "https://open.shoplineapp.com/v1"\rB = 1\r', "cr"),
        (
            b'# head\r\nB = 1\r\n\r\n# note\r\nA = "https://open.shoplineapp.com/v1"',
            "crlf-last-line",
        ),
        (b'B = 1\nA = ("https://open.shoplineapp.com"\n     "/v1")', "no-final-newline"),
        (
            b"class C:\r\n\tdef f(self):\r\n\t\tif self:\r\n# kept\r\n\t\t\tpass\r\n"
            b'\t\treturn "https://open.shoplineapp.com/v1"',
            "nested-tabs-crlf-last-line",
        ),
        (
            b"class C:\n    def f(self):\n        return 'https://open.shoplineapp.com/v1'\n\n"
            b"    def g(self):\n        return 'https://open.shoplineapp.com/v1'\n",
            "a-nested-statement-twice",
        ),
    ],
)
def test_encoding_bom_and_line_endings_are_kept(project: Path, data: bytes, encoding: str) -> None:
    (project / "app.py").write_bytes(data)
    fix()
    assert (project / "app.py").read_bytes() == data.replace(
        b"open.shoplineapp.com", b"open.shopline.io"
    )


def test_a_utf_16_or_32_config_file_is_fixed_in_its_own_encoding(project: Path) -> None:
    """As the byte-order mark says, this machine's order: the mark and the codec are kept.
    A file in the other order would be written back reversed: it is left, with why."""
    line = "API=https://open.shoplineapp.com/v1\r\n"
    for name, codec in (("a.env", "utf-16"), ("b.env", "utf-32")):
        (project / name).write_bytes(line.encode(codec))
    other = "utf-16-be" if sys.byteorder == "little" else "utf-16-le"
    (project / "c.env").write_bytes(("\ufeff" + line).encode(other))
    code, out, err = fix()
    assert code == 0 and "Fixed 2 findings in 2 files." in out
    assert "c.env: not fixed: UTF-16 text in the other byte order: fix it by hand" in out + err
    for name, codec in (("a.env", "utf-16"), ("b.env", "utf-32")):
        assert (project / name).read_bytes() == line.replace(
            "shoplineapp.com", "shopline.io"
        ).encode(codec)
    assert (project / "c.env").read_bytes() == ("\ufeff" + line).encode(other)


def test_file_changed_since_read_is_left_alone(project: Path, ruleset: RuleSet) -> None:
    write_tree(project, {"app.py": 'A = "https://open.shoplineapp.com/v1"\n'})
    planned = plan(project / "app.py", "app.py", ["SL001"], ruleset)
    (project / "app.py").write_text('A = "https://open.shoplineapp.com/v2"\n')
    with pytest.raises(FixError, match="changed since it was read"):
        write(planned)
    assert (project / "app.py").read_text() == 'A = "https://open.shoplineapp.com/v2"\n'


def test_failed_write_leaves_the_original(
    project: Path, ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(project, {"app.py": 'A = "https://open.shoplineapp.com/v1"\n'})
    planned = plan(project / "app.py", "app.py", ["SL001"], ruleset)

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(FixError, match="No space left on device"):
        write(planned)
    assert (project / "app.py").read_text() == 'A = "https://open.shoplineapp.com/v1"\n'
    assert [p.name for p in project.iterdir()] == ["app.py"]


def test_legacy_sample_after_fix(project: Path, ruleset: RuleSet) -> None:
    """Every fixable finding goes, and fixing reveals nothing: each finding left was reported
    (as not fixable) before the fix, in the same file."""
    for app in ("legacy_coupon_webhooks", "legacy_catalog_sync"):
        shutil.copytree(REPO / "sample_apps" / app, project / app)
    before = scan_tree(project, ruleset)
    fix("--unsafe-fixes")
    for path in project.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)
    remaining = scan_tree(project, ruleset)
    fixable = {"SL001", "SL002", "SL004", "SL012"}
    assert not [f for f in remaining.findings if f.code in fixable and f.fix]
    left = Counter((f.path, f.code) for f in remaining.findings)
    assert left <= Counter((f.path, f.code) for f in before.findings if not f.fix)
    again = scan_tree(project, ruleset)
    assert triples(again) == triples(remaining)
    codes = {code for *_, code in triples(remaining)}
    assert "SL001" not in codes, "every old host in these apps is a fixable literal"


HOSTS = st.sampled_from(["open.shoplineapp.com", "OPEN.SHOPLINEAPP.COM", "open.shopline.io"])
PATHS = st.text(alphabet="abcdefgh/", max_size=8)


@st.composite
def programs(draw: st.DrawFn) -> str:
    lines = []
    for index in range(draw(st.integers(1, 6))):
        host, path = draw(HOSTS), draw(PATHS)
        form = draw(st.sampled_from(["plain", "fstring", "concat", "comment", "topic", "percent"]))
        lines.append({
            "plain": f'V{index} = "https://{host}/{path}"',
            "fstring": f'V{index} = f"https://{host}/{{x}}/{path}"',
            "concat": f'V{index} = ("https://{host}"\n      "/{path}")',
            "comment": f"# https://{host}/{path}",
            "topic": f'V{index} = "{draw(st.sampled_from(["user/new_member", "user/update"]))}"',
            "percent": f'V{index} = "https://%s/{path}" % "{host}"',
        }[form])  # fmt: skip
    return "\n".join(lines) + "\n"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(source=programs())
def test_fix_is_idempotent_and_keeps_valid_python(
    source: str, ruleset: RuleSet, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("prop")
    path = root / "gen.py"
    path.write_text(source)
    first = plan(path, str(path), ["SL001", "SL002"], ruleset)
    compile(first.edits.after, "gen.py", "exec")
    path.write_text(first.edits.after)
    second = plan(path, str(path), ["SL001", "SL002"], ruleset)
    assert second.edits.after == first.edits.after
    assert "open.shoplineapp.com" not in first.edits.after.lower().replace(
        "# https://open.shoplineapp.com", ""
    )


REFUSED_FIRST = (
    "def claim(session, body):\n"
    '    return session.post("https://open.shopline.io/v1/user_coupons/singleMultiCoupon", '
    "json=body)\n\n\n"
    "def open_return(session, order):\n"
    "    return session.post('https://open.shopline.io/v1/return_orders',\n"
    "                        json={'order_id': order, 'status': 1, 'subtotal_items': [1]})\n"
)


def test_scan_previews_are_the_fix_plans(
    ruleset: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner.fixes import mark_fixable

    for app in ("legacy_coupon_webhooks", "legacy_catalog_sync"):
        shutil.copytree(REPO / "sample_apps" / app, tmp_path / app)
    sources = {name: before for name, (before, _) in CASES.items() if "\n" in before}
    write_tree(tmp_path, {f"case{i}.py": text for i, text in enumerate(sources.values())})
    write_tree(tmp_path, {"two_rules.py": CASES["SL001 strings of every form"][0]
                          + CASES["SL002 topics"][0]})  # fmt: skip
    # The first rule's fix is refused (no body written in the call): the next one's acts on
    # the same parse.
    write_tree(tmp_path, {"refused_first.py": REFUSED_FIRST})
    monkeypatch.chdir(tmp_path)
    result = scan_tree(tmp_path, ruleset)
    assert "two_rules.py" in result.previews and len(result.previews) > 5
    previewed = mark_fixable(result.findings, ruleset, None, result.previews)
    planned = mark_fixable(result.findings, ruleset, None, None)
    assert previewed == planned
    assert any("no automatic fix" in f.message for f in previewed[0])
    assert (
        previewed[1]["two_rules.py"][1]
        == plan(Path("two_rules.py"), "two_rules.py", ["SL001", "SL002"], ruleset).edits.after
    )
    refused = plan(Path("refused_first.py"), "refused_first.py", ["SL003", "SL012"], ruleset)
    assert "'status'" not in refused.edits.after and "singleMultiCoupon" in refused.edits.after
    assert previewed[1]["refused_first.py"][1] == refused.edits.after


def test_each_fixers_safety_is_read_as_its_module_says_it() -> None:
    """Read from the modules' source (so that rendering a rule's page loads no parser), the
    same as importing them gives."""
    from scanner.fixes import fixer_safety, fixers

    assert fixer_safety() == {code: module.SAFE for code, module in fixers().items()}
    assert fixer_safety()["SL004"] is False and fixer_safety()["SL001"] is True


def test_an_unsafe_fix_beside_a_safe_one_in_a_file_is_counted_as_held(project: Path) -> None:
    """`fix` writes the safe fix and says the unsafe one of the same file is there (it is
    counted on the file as it was scanned, before anything is written)."""
    source = (
        "def open_return(session, order):\n"
        "    body = {\n"
        '        "order_id": order["id"],\n'
        '        "status": "pending",\n'
        "    }\n"
        '    session.post("https://open.shopline.io/v1/return_orders", json=body)\n'
        "\n"
        "\n"
        "def clear(s, p, v):\n"
        '    s.put(f"https://open.shopline.io/v1/products/{p}/variations/{v}/update_price",\n'
        '          json={"price": None})\n'
    )
    write_tree(project, {"app.py": source})
    code, out, _ = fix()
    assert (code, out) == (0, "Fixed 1 finding in 1 file; 1 more with `--unsafe-fixes`.\n")
    assert '"status"' not in (project / "app.py").read_text()


def test_a_transformer_walks_only_the_statements_that_hold_a_target() -> None:
    """A statement none of whose lines holds a target is passed over whole (a large class
    is not walked for one line of it); the statements around the target are walked."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from scanner.fixes.positioned import PositionedTransformer, Target

    module = cst.parse_module("def a():\n    x = 1\n    y = 2\n\n\ndef b():\n    z = 3\n")
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    left: list[str] = []

    class Seen(PositionedTransformer):
        def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
            left.append(original.value)
            return updated

    module.visit(Seen([Target(3, 5)], positions))
    assert left == ["a", "y"]


# A rule fixed after another changed the text finds its findings where they moved: further
# along the line (a shorter host before them) or lines higher (keys removed above them).
MOVED_BY_AN_EARLIER_FIX = {
    "same line": (
        "import requests\n\n\ndef a(addr):\n"
        '    return requests.post("https://open.shoplineapp.com/v1/return_orders", '
        'json={"order_id": 1, "status": "x", "recipient_address": addr, "subtotal_items": [1]})\n',
        "import requests\n\n\ndef a(addr):\n"
        '    return requests.post("https://open.shopline.io/v1/return_orders", '
        'json={"order_id": 1, "subtotal_items": [1]})\n',
    ),
    "lines higher": (
        "import requests\n\n\ndef claim(code, uid):\n    return requests.post(\n"
        '        "https://open.shopline.io/v1/user_coupons/singleMultiCoupon",\n'
        '        json={\n            "couponCode": code,\n            "userId": uid,\n'
        "        },\n    )\n\n\ndef open_return(order):\n"
        '    return requests.post("https://open.shopline.io/v1/return_orders", '
        'json={"order_id": order, "status": "x"})\n',
        "import requests\n\n\ndef claim(code, uid):\n    return requests.post(\n"
        '        f"https://open.shopline.io/v1/user_coupons/{code}/claim",\n'
        '        json={\n            "customer_id": uid,\n'
        "        },\n    )\n\n\ndef open_return(order):\n"
        '    return requests.post("https://open.shopline.io/v1/return_orders", '
        'json={"order_id": order})\n',
    ),
}


@pytest.mark.parametrize("case", list(MOVED_BY_AN_EARLIER_FIX))
def test_findings_moved_by_an_earlier_rules_fix_are_fixed_and_marked(
    project: Path, ruleset: RuleSet, case: str
) -> None:
    from scanner.fixes import mark_fixable

    before, after = MOVED_BY_AN_EARLIER_FIX[case]
    write_tree(project, {"app.py": before})
    result = scan_tree(project, ruleset)
    marked, _ = mark_fixable(result.findings, ruleset, None, result.previews)
    assert len(marked) > 1 and all(finding.fix for finding in marked), "scan marks every one"
    code, out, _ = fix()
    assert (code, out) == (0, f"Fixed {len(marked)} findings in 1 file.\n")
    assert (project / "app.py").read_text() == after


def test_a_place_after_fixes_is_told_where_it_was() -> None:
    from scanner.scan.edits import placed_before

    before = "a = 'https://open.shoplineapp.com'; b = 1\nc = 2\n"
    after = "a = 'https://open.shopline.io'; b = 1\nc = 2\n"
    was = placed_before(before, after)
    assert was(1, after.index("b") + 1) == (1, before.index("b") + 1)
    assert was(1, 1) == (1, 1) and was(2, 5) == (2, 5)
    inserted = placed_before("x\ny\n", "x\nnew\ny\n")
    assert inserted(2, 3) == (2, 1) and inserted(3, 1) == (2, 1)
    removed = placed_before("x\ngone\ny\n", "x\ny\n")
    assert removed(2, 1) == (3, 1)
    assert placed_before("same\n", "same\n")(7, 9) == (7, 9)


@pytest.mark.parametrize(
    "rest",
    [
        '    requests.put("https://open.shopline.io/v1/return_orders/1", json=body)\n',
        '    return body["status"]\n',
        "    save(body)\n",
    ],
)
def test_sl012_leaves_the_keys_of_a_dict_other_code_reads(project: Path, rest: str) -> None:
    """`body` sent to create a return order and read again (sent to update one, its status
    returned): removing the keys would change what the rest of the code gets."""
    source = (
        "import requests\n\n\ndef open_return(addr):\n"
        '    body = {"order_id": 1, "status": "x", "recipient_address": addr}\n'
        '    requests.post("https://open.shopline.io/v1/return_orders", json=body)\n' + rest
    )
    write_tree(project, {"app.py": source})
    fix()
    assert (project / "app.py").read_text() == source
    out = CliRunner().invoke(main, ["scan", "--select", "SL012"]).stdout
    assert out.count("(no automatic fix: `body` is read elsewhere too") == 2
