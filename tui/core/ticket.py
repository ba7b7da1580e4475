"""A ticket note: one send summed up in short Markdown, to paste into a support ticket.

What the first reply to a failed-send ticket needs: which send (ids, kind, profile), where
it stands, when (UTC and Marketing Cloud time, docs/api.md §6), how many got it, why the
others did not (failures by code, largest first) and which numbers failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from tui.core.api import codes
from tui.core.api.codes import Outcome
from tui.core.api.errors import SERVER_SAID, ApiError, server_said
from tui.core.api.model import MC_TZ, Recipient
from tui.core.breakdown import failure_breakdown
from tui.core.mask import mask_number
from tui.core.state import SendState
from tui.core.text import safe_text

__all__ = ["FAILED_LISTED", "failure_breakdown", "ticket_note"]

FAILED_LISTED: Final = 50
"""Failed numbers listed in a note; the rest are counted."""


def _utc(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _when(moment: datetime | None) -> str:
    """An API time in UTC and in Marketing Cloud time, as the API wrote it."""
    if moment is None:
        return "—"
    mc = moment.astimezone(MC_TZ).strftime("%Y-%m-%d %H:%M:%S")
    return f"{_utc(moment)} / {mc} MC time (UTC−6)"


def _failed_numbers(recipients: Sequence[Recipient], total: int, mask: bool) -> list[str]:
    listed: list[str] = []
    for r in recipients:
        if len(listed) == FAILED_LISTED:
            break
        if r.outcome is Outcome.FAILED:
            number = mask_number(r.mobile_number) if mask else r.mobile_number
            number = safe_text(number).replace("`", "'")  # inside a fence: never its end
            listed.append(f"{number}  {codes.code_label(r.outcome_code)}")
    lines = [f"**Failed numbers** ({len(listed):,} of {total:,})", "", "```", *listed, "```"]
    if total > len(listed):
        lines.append(f"and {total - len(listed):,} more")
    return lines


def ticket_note(state: SendState, *, mask: bool = False) -> str:
    """The note for one send as last read; `mask` hides the middle of every number."""
    send, delivery = state.send, state.delivery
    lines = [
        f"### {safe_text(send.display_name)}",
        "",
        f"- Message id: `{send.message_id}`",
        f"- Token id: `{send.token_id}`",
        f"- Kind: {send.kind.value} · profile: {send.profile}",
    ]
    if delivery is not None:
        c = delivery.counts
        count = "—" if delivery.count is None else f"{delivery.count:,}"
        lines += [
            f"- Status: {safe_text(delivery.status)}",
            f"- Created (API): {_when(delivery.create_date)}",
            f"- Completed (API): {_when(delivery.complete_date)}",
            f"- Last read by sendwatch: {_utc(state.fetched_at)}",
            f"- Recipients: {len(delivery.recipients):,} seen of {count} (the API's count) · "
            f"{c.delivered:,} delivered · {c.failed:,} failed · {c.pending:,} pending · "
            f"{c.unknown:,} unknown",
        ]
        if state.first_read is not None:
            lines.insert(
                -1,
                f"- First read by sendwatch: {_utc(state.first_read)} "
                "(what it showed had already happened by then)",
            )
    else:
        lines.append("- No data: the send has not been read successfully yet")
    if state.error is not None:
        lines.append(f"- Last read failed: {safe_text(state.error, limit=300)}")
        if said := server_said(state.error):
            lines.append(f"- {SERVER_SAID} {said}")
        if isinstance(state.error, ApiError) and state.error.reference_id:
            lines.append(f"- Reference id: `{safe_text(state.error.reference_id)}`")
    if delivery is None or not delivery.counts.failed:
        return "\n".join(lines) + "\n"
    breakdown = failure_breakdown(delivery.recipients)
    lines += ["", f"**Failures by code** ({delivery.counts.failed:,})", ""]
    lines += [f"- {codes.code_label(code)}: {n:,}" for code, n in breakdown]
    lines += ["", *_failed_numbers(delivery.recipients, delivery.counts.failed, mask)]
    return "\n".join(lines) + "\n"
