"""The simulator states the API's facts itself; here they are held against the client's.

Each side writes them from the API notes on its own, so a wrong entry on either side shows
up as a disagreement instead of being mirrored by the server the tests talk to.
"""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.core.api import codes as core_codes
from tui.core.api import model as core_model
from tui.core.api.message_history import Direction, ReplyKind, parse_message_history
from tui.sim import Simulator, contact, facts
from tui.sim.clock import mc_date
from tui.sim.schedule import SUFFIX

SIM = Path(__file__).resolve().parent.parent / "tui" / "sim"


def test_every_core_code_is_known_to_the_sim_by_the_same_name() -> None:
    sim_names = {code: entry.name for code, entry in facts.STANDARD_CODES.items()}
    for code, entry in core_codes.STANDARD_CODES.items():
        assert sim_names.get(code) == entry.name, code


def test_every_sim_code_is_known_to_core_by_the_same_name() -> None:
    core_names = {code: entry.name for code, entry in core_codes.STANDARD_CODES.items()}
    for code, entry in facts.STANDARD_CODES.items():
        assert core_names.get(code) == entry.name, code


def test_the_sim_sends_only_standard_codes_with_a_description() -> None:
    assert set(SUFFIX) <= set(facts.STANDARD_CODES)
    assert all(entry.description for entry in facts.STANDARD_CODES.values())


@pytest.mark.parametrize("month", [1, 7], ids=["january", "july"])
def test_mc_time_is_utc_minus_six_in_both_and_all_year(month: int) -> None:
    moment = datetime(2024, month, 15, 12, tzinfo=UTC)
    offset = facts.MC_TZ.utcoffset(moment)
    assert offset == core_model.MC_TZ.utcoffset(moment) == timedelta(hours=-6)
    assert mc_date(moment.timestamp()) == f"2024-{month:02d}-15T06:00:00"


def test_the_kinds_agree() -> None:
    assert [k.value for k in facts.SendKind] == [k.value for k in core_model.SendKind]


def test_the_job_statuses_agree_and_end_in_the_same_two() -> None:
    core = {p.value: p.final for p in core_model.Phase if p is not core_model.Phase.UNKNOWN}
    assert {p.value: p.final for p in facts.Phase} == core


@pytest.mark.parametrize(
    "kind", [*core_model.SendKind, "messageList"], ids=["core-contact", "core-list", "str"]
)
def test_the_sim_takes_the_clients_kind_or_a_plain_str(kind: str) -> None:
    sim = Simulator(time_scale=0)
    message_id = sim.add_message("hi", kind=kind)
    assert sim.messages[message_id].kind is facts.SendKind(str(kind))


def test_the_sim_refuses_a_kind_the_api_does_not_have() -> None:
    sim = Simulator(time_scale=0)
    with pytest.raises(ValueError, match="messagecontact"):
        sim.add_message("hi", kind="messagecontact")
    assert sim.messages == {}


def test_the_history_entry_types_agree() -> None:
    core = {d.value for d in Direction if d is not Direction.OTHER}
    assert set(facts.HISTORY_TYPES) == core


def test_the_sims_replies_mean_to_core_what_the_sim_means() -> None:
    def kind(text: str) -> ReplyKind | None:
        body = {"history": [{"type": "MO", "message": text}]}
        return parse_message_history(body, "15555550100").entries[0].reply_kind

    assert {kind(text) for text in contact.STOP_TEXTS} == {ReplyKind.OPT_OUT}
    assert kind("HELP") is ReplyKind.HELP
    assert {kind(text) for text in contact.FREE_TEXTS} == {None}
    assert kind(contact.STOP_ANSWER) is kind(contact.HELP_ANSWER) is None  # the MTs aren't


def test_the_sims_history_reads_back_as_it_was_meant() -> None:
    sim = Simulator(seed=3, time_scale=0)
    token_id = sim.create_send(sim.add_message("hi"), 300)
    sim.advance(4 * 3600)
    send = sim.sends[token_id]
    seen: set[str] = set()
    for number in send.numbers:
        planned = sim.history_entries(token_id, number)
        read = parse_message_history(
            json.loads(contact.body(send, number, sim.now().timestamp())), number
        )
        assert [e.direction.value for e in read.entries] == [e.type for e in planned]
        for mine, theirs in zip(read.entries, planned, strict=True):
            assert mine.date is not None and abs(mine.date.timestamp() - theirs.at) < 0.001
        seen.update(e.type for e in planned)
    assert seen == set(facts.HISTORY_TYPES)


def _imported(source: str, package: str) -> list[str]:
    """Every module `source` imports, anywhere in it, relative imports made absolute."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found += [f"{module}.{alias.name}" for alias in node.names]
    return found


def _outside_sim(name: str) -> bool:
    return name.split(".")[0] == "tui" and name.split(".")[:2] != ["tui", "sim"]


def test_the_sim_imports_nothing_from_tui_outside_itself() -> None:
    offenders = []
    for path in sorted(SIM.rglob("*.py")):
        package = ".".join(("tui", "sim", *path.relative_to(SIM).parent.parts))
        names = _imported(path.read_text(encoding="utf-8"), package)
        offenders += [f"{path.relative_to(SIM)}: {name}" for name in names if _outside_sim(name)]
    assert offenders == []


def test_the_import_check_sees_function_level_and_relative_imports() -> None:
    source = (
        "from . import facts\nfrom .. import core\nimport tui\n"
        "def f():\n    from tui.core.api import codes\n    import tui.core.api.model\n"
    )
    names = _imported(source, "tui.sim")
    assert sorted(names) == [
        "tui",
        "tui.core",
        "tui.core.api.codes",
        "tui.core.api.model",
        "tui.sim.facts",
    ]
    assert [n for n in names if not _outside_sim(n)] == ["tui.sim.facts"]
