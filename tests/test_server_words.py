"""A catalogue error shows the server's own words next to our explanation, as literal text:
in the detail pane, in `sendwatch status` and in the ticket note."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.test_cli import SECRET, one_error_line, run, sim_profile, write_config
from tui.core.api.errors import (
    InvalidTokenId,
    RequestRejected,
    TokenNotForClient,
    UnexpectedServerError,
    from_error_messages,
    server_said,
    server_words,
)
from tui.core.api.model import SendKind
from tui.core.state import SendState
from tui.core.store.watchlist import WatchedSend
from tui.core.ticket import ticket_note
from tui.sim import Simulator
from tui.ui.widgets.send_detail import problem_text

TOKEN = "Po-HlkdHSq6TmXECfLlLcD1z1"
SAID = f"Token id {TOKEN} is not valid for this client."
SEND = WatchedSend("acme", "MzA6Nzg6MA", TOKEN, SendKind.MESSAGE_CONTACT, "Theirs")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def failed(error: Exception) -> SendState:
    return SendState(SEND, None, error=error, error_at=NOW)


def test_the_catalogue_message_is_kept_word_for_word() -> None:
    error = from_error_messages([SAID], message_id=SEND.message_id, token_id=TOKEN)
    assert isinstance(error, TokenNotForClient)
    assert "belongs to another client or business unit" in str(error)  # the explanation
    assert server_words(error) == (SAID,)
    assert server_said(error) == f'"{SAID}"'


def test_every_message_of_the_reply_is_kept_once() -> None:
    second = "Keyword TestKeyword is invalid for the code on the message"
    error = from_error_messages([SAID, second, SAID], message_id=SEND.message_id, token_id=TOKEN)
    assert server_words(error) == (SAID, second)


def test_nothing_is_repeated_that_the_explanation_already_quotes() -> None:
    rejected = from_error_messages(["Something new."], message_id="M", token_id="T")
    assert isinstance(rejected, RequestRejected)
    assert "Something new." in str(rejected)
    assert server_words(rejected) == ()
    assert server_said(ValueError("not from a server")) == ""


def test_the_detail_pane_shows_the_server_s_words_as_literal_text() -> None:
    hostile = "Token id [bold red]X[/] is \x1b[2Jnot valid."
    text = problem_text(failed(InvalidTokenId("X", messages=[hostile])), NOW)
    assert 'Marketing Cloud said: "Token id [bold red]X[/] is ␛[2Jnot valid."' in text.plain
    assert "\x1b" not in text.plain
    plain = problem_text(failed(TokenNotForClient(TOKEN, messages=[SAID])), NOW).plain
    assert f'Marketing Cloud said: "{SAID}"' in plain


def test_the_ticket_note_quotes_the_server() -> None:
    ref = "4b7c5a6e-0e0a-4a4b-9f0e-2a8f7f1d5c3b"
    message = (
        f"An unexpected error occurred, please contact Customer Support with reference id {ref}."
    )
    error = UnexpectedServerError(ref, messages=[message])
    note = ticket_note(failed(error))
    assert f'- Marketing Cloud said: "{message}"' in note
    assert f"- Reference id: `{ref}`" in note


@pytest.fixture(autouse=True)
def secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_SECRET", SECRET)


def test_status_puts_the_server_s_words_in_its_one_line_error(
    sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(sim_profile(sim.url))
    mid = sim.add_message("ours")
    sim.add_client("other-client", "other-secret")
    foreign = sim.create_send(
        sim.add_message("theirs", client_id="other-client"), 1, client_id="other-client"
    )
    code, out, err = run(capsys, "status", mid, foreign)
    assert (code, out) == (3, "")
    line = one_error_line(err)
    assert f"token id {foreign} belongs to another client or business unit" in line
    assert f'(Marketing Cloud said: "Token id {foreign} is not valid for this client.")' in line
