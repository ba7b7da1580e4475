"""A 10 KB bad value is repeated in an error as its first 40 characters and its length."""

from __future__ import annotations

import pytest

from tests.test_cli import run, sim_profile, write_config
from tui.core.store.watchlist import WatchList
from tui.core.text import ECHO_LIMIT, cut_quoted, echoed
from tui.ui.keys import keymap_problems

HUGE = "A" * 10_326
SHOWN = f"'{'A' * ECHO_LIMIT}'… (10,326 characters)"
MOST = 300
"""Bytes an error line may take, however long the value it is about."""


def test_echoed_quotes_short_values_whole_and_cuts_long_ones() -> None:
    assert echoed("MzA6Nzg6MA") == "'MzA6Nzg6MA'"
    assert echoed("x" * ECHO_LIMIT) == repr("x" * ECHO_LIMIT)
    assert echoed(HUGE) == SHOWN
    assert echoed("\x1b[31m" + HUGE).startswith("'\\x1b[31mAAA")  # controls stay escaped


def test_cut_quoted_cuts_what_another_library_quoted() -> None:
    message = f"argument --timeout: invalid float value: '{HUGE}'"
    assert cut_quoted(message) == f"argument --timeout: invalid float value: {SHOWN}"
    assert cut_quoted("invalid choice: 'x' (choose from 'contact', 'list')") == (
        "invalid choice: 'x' (choose from 'contact', 'list')"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("status", HUGE, "dG9rZW4"),
        ("status", "MzA6Nzg6MA", HUGE),
        ("export", HUGE, "dG9rZW4"),
        ("add", HUGE, "dG9rZW4"),
        ("remove", HUGE),
        ("status", "--profile", HUGE, "MzA6Nzg6MA", "dG9rZW4"),
        ("profiles", "test", HUGE),
        ("status", "--timeout", HUGE, "MzA6Nzg6MA", "dG9rZW4"),
        ("status", "--kind", HUGE, "MzA6Nzg6MA", "dG9rZW4"),
    ],
    ids=[
        "message-id",
        "token-id",
        "export",
        "add",
        "remove",
        "profile",
        "profiles-test",
        "argparse-float",
        "argparse-choice",
    ],
)
def test_a_10_kb_bad_value_is_cut_in_the_one_line_error(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    write_config(sim_profile("http://127.0.0.1:9"))  # so only the bad value is wrong
    try:
        code, _, err = run(capsys, *argv)
    except SystemExit as exc:  # argparse's usage errors
        code, err = int(str(exc.code)), capsys.readouterr().err
    assert code == 2
    last = err.strip("\n").splitlines()[-1]
    assert len(last.encode()) < MOST, f"{len(last.encode()):,} bytes: {last[:120]}…"
    assert SHOWN in last


def test_a_watch_list_entry_with_a_10_kb_token_id_is_cut_in_the_warning() -> None:
    watchlist = WatchList()
    watchlist.path.parent.mkdir(parents=True, exist_ok=True)
    watchlist.path.write_text(
        'version = 1\n[[sends]]\nprofile = "acme"\nkind = "messageContact"\n'
        f'message_id = "MzA6Nzg6MA"\ntoken_id = "{HUGE}"\n'
    )
    skipped, *_ = warnings = watchlist.load()
    folder = str(watchlist.path.parent)  # the copy's path is named in full, however long
    lines = [line.replace(folder, "…") for line in warnings]
    assert all(len(line) < MOST for line in lines), [line[:120] for line in lines]
    assert SHOWN in skipped


def test_a_10_kb_keymap_id_is_cut_in_the_warning() -> None:
    (problem,) = keymap_problems({HUGE: "x"}, {"monitor.add"})
    assert problem == f"[keymap] {SHOWN} is not a key binding id"
