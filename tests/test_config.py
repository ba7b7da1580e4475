"""config.toml: the documented schema, every validation message, secrets, safe writes."""

from __future__ import annotations

import os
import shlex
import sys
import tomllib
from pathlib import Path

import pytest
from rich.pretty import pretty_repr

from tui.core.api import secrets
from tui.core.api.errors import ConfigError, SendwatchError
from tui.core.api.profile import Profile
from tui.core.api.secrets import resolve_access_token, resolve_secret
from tui.core.store.config import Config, Settings, load_config, select_profile
from tui.core.store.config_write import write_profile
from tui.core.store.tomlfile import find_line

FULL_EXAMPLE = """\
[settings]
refresh_interval = 2.5        # seconds
bell = false
max_concurrency = 3
default_profile = "acme"

[profiles.acme]
auth = "oauth2"
subdomain = "mc563885gzs27c5t9-63k636ttgm"
client_id = "abc123"
client_secret_env = "ACME_SFMC_SECRET"
account_id = "514009999"
scope = "sms_read"
token_in_query = true
ca_bundle = "/etc/ssl/corp.pem"
timeout = 20

[profiles.local]
auth = "legacy"
auth_url = "http://127.0.0.1:8642"
rest_url = "http://127.0.0.1:8642/"
client_id = "sim"
client_secret_command = "pass show acme"

[profiles.static]
auth = "token"
rest_url = "https://example.test"
access_token_env = "STATIC_TOKEN"
"""

OAUTH = """\
[profiles.acme]
auth = "oauth2"
subdomain = "acme"
client_id = "abc"
client_secret_env = "ACME_SECRET"
"""


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def load_error(tmp_path: Path, text: str, mode: int = 0o600) -> tuple[Path, ConfigError]:
    path = write(tmp_path, text, mode)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return path, info.value


# --- schema -------------------------------------------------------------------------


def test_full_example_loads_every_field(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, FULL_EXAMPLE))
    assert cfg.settings == Settings(
        refresh_interval=2.5, bell=False, max_concurrency=3, default_profile="acme"
    )
    acme = cfg.profiles["acme"]
    assert acme == Profile(
        name="acme",
        auth="oauth2",
        subdomain="mc563885gzs27c5t9-63k636ttgm",
        client_id="abc123",
        client_secret_env="ACME_SFMC_SECRET",
        account_id="514009999",
        scope="sms_read",
        token_in_query=True,
        ca_bundle="/etc/ssl/corp.pem",
        timeout=20.0,
    )
    assert isinstance(acme.timeout, float)
    assert acme.auth_base == "https://mc563885gzs27c5t9-63k636ttgm.auth.marketingcloudapis.com"
    local = cfg.profiles["local"]
    assert (local.auth, local.client_secret_command) == ("legacy", "pass show acme")
    assert local.rest_base == "http://127.0.0.1:8642"
    assert cfg.profiles["static"].access_token_env == "STATIC_TOKEN"
    assert list(cfg.profiles) == ["acme", "local", "static"]


def test_integer_refresh_interval_becomes_float(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, "[settings]\nrefresh_interval = 5\n"))
    assert cfg.settings.refresh_interval == 5.0
    assert isinstance(cfg.settings.refresh_interval, float)


def test_keymap_maps_binding_ids_to_keys(tmp_path: Path) -> None:
    text = '[keymap]\n"app.quit" = "ctrl+q"\n"monitor.refresh" = "r,f5"\n'
    cfg = load_config(write(tmp_path, text))
    assert cfg.keymap == {"app.quit": "ctrl+q", "monitor.refresh": "r,f5"}
    assert load_config(write(tmp_path, FULL_EXAMPLE)).keymap == {}
    assert Config(tmp_path).keymap == {}


def test_missing_file_is_an_empty_config(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    assert load_config(path) == Config(path)


def test_default_path_is_in_the_xdg_config_dir(isolated_dirs: Path) -> None:
    path = isolated_dirs / "config" / "sendwatch" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(OAUTH)
    assert load_config().path == path
    assert "acme" in load_config().profiles


# --- errors -------------------------------------------------------------------------


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    path, err = load_error(tmp_path, '[settings]\nbell = true\nrefresh_interval = "5\n')
    assert err.line == 3
    assert str(err).startswith(f"{path}:3: invalid TOML")
    assert "(at line" not in str(err)


def test_invalid_toml_at_end_of_document_points_at_last_line(tmp_path: Path) -> None:
    _, err = load_error(tmp_path, "[settings]\nbell =")
    assert err.line == 2


def test_not_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"[settings]\n# caf\xe9\n")
    with pytest.raises(ConfigError, match="not UTF-8") as info:
        load_config(path)
    assert info.value.line == 2


MISTAKES = [
    # (toml appended to OAUTH or standalone, expected key path, expected words, line)
    (OAUTH + "timeout = '15'\n", "profiles.acme.timeout", "must be a number, not a string", 6),
    (OAUTH + "timeout = -1\n", "profiles.acme.timeout", "above 0, not -1", 6),
    (OAUTH + "timeout = inf\n", "profiles.acme.timeout", "finite number of seconds", 6),
    (OAUTH + "token_in_query = 1\n", "profiles.acme.token_in_query", "true or false", 6),
    (OAUTH.replace('"oauth2"', '"saml"'), "profiles.acme.auth", "unknown auth mode 'saml'", 2),
    (OAUTH + "client_secert_env = 'X'\n", "profiles.acme.client_secert_env", "did you mean", 6),
    (OAUTH.replace('"acme"\n', '"Acme.corp"\n'), "profiles.acme.subdomain", "a-z, 0-9", 3),
    (OAUTH + "auth_url = 'ftp://x'\n", "profiles.acme.auth_url", "http:// or https://", 6),
    (OAUTH + "rest_url = 'localhost'\n", "profiles.acme.rest_url", "http:// or https://", 6),
    (OAUTH.replace('"ACME_SECRET"', '"ACME-SECRET"'), "profiles.acme.client_secret_env",
     "environment variable", 5),
    (OAUTH.replace("client_secret_env = \"ACME_SECRET\"", "client_secret_command = \"pass 'x\""),
     "profiles.acme.client_secret_command", "cannot split", 5),
    (OAUTH.replace('client_id = "abc"\n', ""), "profiles.acme", "oauth2 mode needs client_id", 1),
    (OAUTH + "client_secret_command = 'pass x'\n", "profiles.acme",
     "exactly one of client_secret_env, client_secret_command, client_secret "
     "(found: client_secret_env, client_secret_command)", 1),
    (OAUTH.replace('client_secret_env = "ACME_SECRET"\n', ""), "profiles.acme", "(found: none)", 1),
    (OAUTH.replace('subdomain = "acme"\n', ""), "profiles.acme", "subdomain or auth_url", 1),
    ('[profiles.t]\nauth = "token"\nrest_url = "https://x.test"\n', "profiles.t",
     "token mode needs exactly one of access_token_env, access_token", 1),
    ('[profiles.t]\nauth = "token"\naccess_token_env = "T"\n', "profiles.t",
     "token mode needs rest_url or subdomain", 1),
    ('[profiles.l]\nauth = "legacy"\nclient_id = "c"\nclient_secret_env = "S"\n'
     'auth_url = "https://auth.test"\n', "profiles.l", "legacy mode needs rest_url", 1),
    ('[profiles."acme prod"]\nauth = "token"\n', 'profiles."acme prod"', "profile names", 1),
    ("profiles = 3\n", "profiles", "must be a table, not an integer", 1),
    ("[profiles]\nacme = 'x'\n", "profiles.acme", "must be a table, not a string", 2),
    ("colour = true\n", "colour", "unknown key", 1),
    ("[settings]\nbell = 'yes'\n", "settings.bell", "true or false, not a string", 2),
    ("[settings]\nrefresh_interval = 0\n", "settings.refresh_interval", "above 0", 2),
    ("[settings]\nrefresh_interval = nan\n", "settings.refresh_interval", "not nan", 2),
    ("[settings]\nmax_concurrency = 2.5\n", "settings.max_concurrency", "whole number", 2),
    ("[settings]\nmax_concurrency = 0\n", "settings.max_concurrency", "at least 1", 2),
    ("[settings]\nrefresh = 5\n", "settings.refresh", "did you mean 'refresh_interval'", 2),
    ("# c\n[settings]\ndefault_profile = 'nope'\n", "settings.default_profile",
     "no profile named 'nope'", 3),
    ("[settings]\nmax_concurrency = true\n", "settings.max_concurrency",
     "must be a whole number, not a boolean", 2),
    (OAUTH + "timeout = 1979-05-27\n", "profiles.acme.timeout", "a number, not a date/time", 6),
    (OAUTH + "scope = ['a']\n", "profiles.acme.scope", "must be a string, not an array", 6),
    (OAUTH + "name = 'x'\n", "profiles.acme.name", "unknown key", 6),
    ("settings = [1]\n", "settings", "must be a table, not an array", 1),
    ("[keymaps]\n", "keymaps", "unknown key; did you mean 'keymap'?", 1),
    ("keymap = 3\n", "keymap", "must be a table, not an integer", 1),
    ("[keymap]\n'app.quit' = 3\n", 'keymap."app.quit"', "must be a string, not an integer", 2),
    ("[keymap]\n\"app.quit\" = ' '\n", 'keymap."app.quit"', "must name at least one key", 2),
]  # fmt: skip


@pytest.mark.parametrize(("text", "keypath", "words", "line"), MISTAKES)
def test_each_mistake_names_file_key_and_line(
    tmp_path: Path, text: str, keypath: str, words: str, line: int
) -> None:
    path, err = load_error(tmp_path, text)
    assert err.path == str(path)
    assert err.detail.startswith(f"{keypath}: ")
    assert words in err.detail
    assert err.line == line
    assert str(err).startswith(f"{path}:{line}: {keypath}")


def test_dotted_keys_still_name_the_key_without_a_line(tmp_path: Path) -> None:
    _, err = load_error(tmp_path, "profiles.acme.auth = 3\n")
    assert err.detail == "profiles.acme.auth: must be a string, not an integer"
    assert err.line is None


def test_an_unquoted_binding_id_with_dots_gets_a_hint(tmp_path: Path) -> None:
    _, err = load_error(tmp_path, '[keymap]\napp.quit = "ctrl+q"\n')
    assert err.detail.startswith("keymap.app: must be a string, not a table")
    assert '"app.quit" = ' in err.detail


def test_find_line_understands_spaced_and_quoted_headers() -> None:
    text = 'x = 1\n[ profiles . "acme" ]  # main\n  "timeout" = 3\n[[sends]]\ntimeout = 4\n'
    assert find_line(text, ("profiles", "acme")) == 2
    assert find_line(text, ("profiles", "acme", "timeout")) == 3
    assert find_line(text, ("x",)) == 1
    assert find_line(text, ("settings", "bell")) is None


# --- permissions --------------------------------------------------------------------

INLINE_SECRET = OAUTH.replace('client_secret_env = "ACME_SECRET"', 'client_secret = "hunter2"')
INLINE_TOKEN = '[profiles.t]\nauth = "token"\nrest_url = "https://x.test"\naccess_token = "tok"\n'


@pytest.mark.parametrize(("text", "key", "line"), [(INLINE_SECRET, "client_secret", 5),
                                                   (INLINE_TOKEN, "access_token", 4)])  # fmt: skip
def test_inline_secret_in_readable_file_is_refused(
    tmp_path: Path, text: str, key: str, line: int
) -> None:
    path, err = load_error(tmp_path, text, mode=0o644)
    assert f"chmod 600 {path}" in str(err)
    assert "0644" in str(err)
    assert err.detail.startswith(f"profiles.{text.split(']')[0].split('.')[1]}.{key}")
    assert err.line == line
    assert "hunter2" not in str(err) and 'tok"' not in str(err)


def test_inline_secret_in_owner_only_file_loads(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, INLINE_SECRET, mode=0o600))
    assert resolve_secret(cfg.profiles["acme"]) == "hunter2"
    assert "hunter2" not in repr(cfg)
    assert "hunter2" not in pretty_repr(cfg)  # how Textual's tracebacks show locals
    assert "client_id='abc'" in repr(cfg.profiles["acme"])


def test_readable_file_without_inline_secret_is_fine(tmp_path: Path) -> None:
    assert "acme" in load_config(write(tmp_path, OAUTH, mode=0o644)).profiles


# --- secrets ------------------------------------------------------------------------


def profile(**fields: object) -> Profile:
    return Profile(name="acme", **fields)  # type: ignore[arg-type]


def py_command(code: str) -> str:
    return shlex.join([sys.executable, "-c", code])


def test_secret_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_SECRET", "  s3cret\n")
    assert resolve_secret(profile(client_secret_env="ACME_SECRET")) == "s3cret"


def test_missing_or_empty_env_var_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_SECRET", raising=False)
    with pytest.raises(ConfigError, match=r"profile 'acme'.*ACME_SECRET .*is not set"):
        resolve_secret(profile(client_secret_env="ACME_SECRET"))
    monkeypatch.setenv("ACME_SECRET", " ")
    with pytest.raises(ConfigError, match=r"ACME_SECRET .*is empty"):
        resolve_secret(profile(client_secret_env="ACME_SECRET"))


def test_secret_from_command_first_line() -> None:
    cmd = py_command("print('  s3cret-from-vault  '); print('second line')")
    assert resolve_secret(profile(client_secret_command=cmd)) == "s3cret-from-vault"


def test_failed_command_never_shows_the_secret() -> None:
    code = (
        "import sys; print('s3cret-leak'); "
        "print('vault sealed; last value was s3cret-leak', file=sys.stderr); sys.exit(3)"
    )
    with pytest.raises(ConfigError) as info:
        resolve_secret(profile(client_secret_command=py_command(code)))
    message = str(info.value)
    assert "exit status 3" in message
    assert "vault sealed" in message
    assert "s3cret-leak" not in message
    assert "profile 'acme'" in message


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("/nonexistent/secret-tool get x", "'/nonexistent/secret-tool' was not found"),
        (py_command("pass"), "printed nothing"),
        (py_command("print()"), "printed nothing"),
    ],
)
def test_command_problems_are_explained(command: str, words: str) -> None:
    with pytest.raises(ConfigError, match="client_secret_command") as info:
        resolve_secret(profile(client_secret_command=command))
    assert words in str(info.value)


def test_slow_command_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "SECRET_COMMAND_TIMEOUT", 0.3)
    cmd = py_command("import time; print('s3cret', flush=True); time.sleep(5)")
    with pytest.raises(ConfigError, match=r"did not finish within 0\.3 s") as info:
        resolve_secret(profile(client_secret_command=cmd))
    assert "s3cret" not in str(info.value)


def test_env_wins_over_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S", "from-env")
    p = profile(client_secret_env="S", client_secret_command="/nonexistent/x")
    assert resolve_secret(p) == "from-env"


def test_no_secret_source() -> None:
    with pytest.raises(ConfigError, match="has no client secret"):
        resolve_secret(profile())


def test_access_token_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOK", "tok-env")
    assert resolve_access_token(profile(auth="token", access_token_env="TOK")) == "tok-env"
    assert resolve_access_token(profile(auth="token", access_token="tok-inline")) == "tok-inline"
    monkeypatch.delenv("TOK")
    with pytest.raises(ConfigError, match="TOK"):
        resolve_access_token(profile(auth="token", access_token_env="TOK"))
    with pytest.raises(ConfigError, match="has no access token"):
        resolve_access_token(profile(auth="token"))


def test_config_error_is_a_sendwatch_error() -> None:
    assert issubclass(ConfigError, SendwatchError)


# --- select_profile -----------------------------------------------------------------


def test_select_profile_rules(tmp_path: Path) -> None:
    a, b = Profile(name="a"), Profile(name="b")
    path = tmp_path / "c.toml"
    assert select_profile(Config(path, profiles={"a": a})) is a
    assert select_profile(Config(path, profiles={"a": a, "b": b}), "b") is b
    with_default = Config(path, Settings(default_profile="b"), {"a": a, "b": b})
    assert select_profile(with_default) is b
    with pytest.raises(ConfigError, match="several profiles"):
        select_profile(Config(path, profiles={"a": a, "b": b}))
    with pytest.raises(ConfigError, match="no profiles yet"):
        select_profile(Config(path))
    with pytest.raises(ConfigError, match=r"no profile named 'c' \(profiles: a, b\)"):
        select_profile(Config(path, profiles={"a": a, "b": b}), "c")


# --- write_profile ------------------------------------------------------------------

DEMO = {"auth": "token", "rest_url": "http://127.0.0.1:8642", "access_token": "demo-token"}


def test_write_profile_creates_owner_only_file_that_loads(isolated_dirs: Path) -> None:
    path = write_profile("demo", {**DEMO, "scope": None}, make_default=True)
    assert path == isolated_dirs / "config" / "sendwatch" / "config.toml"
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    cfg = load_config(path)
    assert cfg.settings.default_profile == "demo"
    assert resolve_access_token(cfg.profiles["demo"]) == "demo-token"
    assert cfg.profiles["demo"].scope is None


def test_write_profile_keeps_other_profiles_settings_and_comments(tmp_path: Path) -> None:
    path = write(tmp_path, "# my settings\n" + FULL_EXAMPLE, mode=0o644)
    write_profile("demo", DEMO, path)
    text = path.read_text()
    assert text.startswith("# my settings\n")
    assert "refresh_interval = 2.5        # seconds" in text
    cfg = load_config(path)
    assert list(cfg.profiles) == ["acme", "local", "static", "demo"]
    assert cfg.settings.refresh_interval == 2.5
    assert path.stat().st_mode & 0o777 == 0o600


def test_write_profile_replaces_an_existing_profile(tmp_path: Path) -> None:
    path = write(tmp_path, FULL_EXAMPLE)
    write_profile("local", DEMO, path)
    cfg = load_config(path)
    assert cfg.profiles["local"].auth == "token"
    assert cfg.profiles["local"].client_id is None
    assert cfg.profiles["acme"].client_id == "abc123"
    assert cfg.settings.default_profile == "acme"


def test_write_profile_validates_before_touching_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, FULL_EXAMPLE)
    for bad in ({**DEMO, "rest_url": "ftp://x"}, {**DEMO, "colour": "red"}, {"auth": "token"}):
        with pytest.raises(ConfigError, match=r"profiles\.demo"):
            write_profile("demo", bad, path)
    with pytest.raises(ConfigError, match="profile names"):
        write_profile("de mo", DEMO, path)
    assert path.read_text() == FULL_EXAMPLE


def test_write_profile_refuses_to_overwrite_an_unparsable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[profiles.acme\nbroken")
    with pytest.raises(ConfigError, match="invalid TOML"):
        write_profile("demo", DEMO, path)
    assert path.read_text() == "[profiles.acme\nbroken"


def test_write_profile_failure_mid_write_keeps_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, FULL_EXAMPLE)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("tui.core.store.atomic.os.replace", broken_replace)
    with pytest.raises(SendwatchError, match=f"could not write {path}: Input/output error"):
        write_profile("demo", DEMO, path)
    assert path.read_text() == FULL_EXAMPLE
    assert sorted(p.name for p in path.parent.glob("*config*")) == [
        "config.toml",
        "config.toml.lock",
    ]


def test_written_toml_round_trips_special_characters(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    fields = {**DEMO, "access_token": 'a"b\\c\n', "scope": "sms_read sms_send"}
    write_profile("demo", fields, path)
    data = tomllib.loads(path.read_text())
    assert data["profiles"]["demo"]["access_token"] == 'a"b\\c\n'
    assert os.stat(path).st_mode & 0o077 == 0


COMMENTED = """\
# my sendwatch config
[settings]
refresh_interval = 2.5        # seconds
default_profile = "acme"  # the main one

# production
[profiles.acme]
auth = "oauth2"   # always
subdomain = "acme"
client_id = "abc123"
client_secret_env = "ACME"

# the simulator
[profiles.local]  # on this machine
auth = "legacy"
# the simulator's id
client_id = "sim"
auth_url = "http://127.0.0.1:8642"
rest_url = "http://127.0.0.1:8642"
client_secret_command = "pass show sim"

# static token, keep last
[profiles.static]
auth = "token"
rest_url = "https://example.test"
access_token_env = "STATIC_TOKEN"
# timeout = 30
"""
LOCAL = """\
[profiles.local]  # on this machine
auth = "legacy"
# the simulator's id
client_id = "sim"
auth_url = "http://127.0.0.1:8642"
rest_url = "http://127.0.0.1:8642"
client_secret_command = "pass show sim"
"""
NEW_LOCAL = """\
[profiles.local]  # on this machine
auth = "token"
rest_url = "http://127.0.0.1:8642"
access_token = "demo-token"
"""
DEMO_TABLE = """\
[profiles.demo]
auth = "token"
rest_url = "http://127.0.0.1:8642"
access_token = "demo-token"
"""


def test_replacing_a_profile_keeps_every_comment_outside_it(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    write_profile("local", DEMO, path)
    assert path.read_text() == COMMENTED.replace(LOCAL, NEW_LOCAL)
    assert load_config(path).profiles["local"].access_token == "demo-token"


def test_make_default_keeps_the_comments(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    write_profile("local", DEMO, path, make_default=True)
    expected = COMMENTED.replace(LOCAL, NEW_LOCAL)
    assert path.read_text() == expected.replace('"acme"  # the main', '"local"  # the main')
    without_settings = COMMENTED.split("\n# production\n", 1)[1]
    write(tmp_path, without_settings)
    write_profile("demo", DEMO, path, make_default=True)
    assert path.read_text().startswith(without_settings + "\n" + DEMO_TABLE)
    assert path.read_text().endswith('[settings]\ndefault_profile = "demo"\n')
    assert load_config(path).settings.default_profile == "demo"


def test_a_profile_added_before_another_table_keeps_that_tables_comment(tmp_path: Path) -> None:
    text = '[profiles.acme]\nauth = "token"\n\n# how often\n[settings]\nbell = false\n'
    path = write(tmp_path, text)
    write_profile("demo", DEMO, path)
    assert path.read_text() == (
        '[profiles.acme]\nauth = "token"\n\n'
        + DEMO_TABLE
        + "\n# how often\n[settings]\nbell = false\n"
    )


def test_an_inline_profile_is_replaced_inline(tmp_path: Path) -> None:
    path = write(tmp_path, "[profiles]\nlocal = {auth = 'x'}  # mine\nother = {auth = 'y'}\n")
    write_profile(
        "local", {"auth": "token", "rest_url": "http://x.test", "access_token": "t"}, path
    )
    assert path.read_text() == (
        '[profiles]\nlocal = {auth = "token", rest_url = "http://x.test", access_token = "t"}'
        "  # mine\nother = {auth = 'y'}\n"
    )


def test_a_layout_tomlkit_cannot_edit_still_gets_the_right_values(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles.local.auth = 'x'\nprofiles.other.auth = 'y'\n")
    write_profile("local", DEMO, path)
    data = tomllib.loads(path.read_text())
    assert data == {"profiles": {"local": DEMO, "other": {"auth": "y"}}}


def test_write_profile_refuses_a_file_whose_profiles_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "profiles = 3\n")
    with pytest.raises(ConfigError, match="profiles: must be a table, not an integer"):
        write_profile("demo", DEMO, path)
    assert path.read_text() == "profiles = 3\n"
