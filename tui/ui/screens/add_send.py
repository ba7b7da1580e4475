"""The "watch a send" dialog: profile, kind, message id, token id and an optional label.

Ids are checked as they are typed (`tui.core.api.ids.id_problem`), the reason shown under
the field; a send that is already watched is refused. Spaces around a pasted id are
dropped (a copied id often brings them along), spaces inside one are reported.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from tui.core.api.ids import id_problem
from tui.core.api.model import SendKind
from tui.core.store.watchlist import MAX_LABEL, send_key
from tui.core.text import safe_text
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.choice import ChoiceButton
from tui.ui.widgets.footer import SteadyFooter

__all__ = ["AddSendResult", "AddSendScreen", "IdInput"]

_ID_FIELDS: dict[str, str] = {"message-id": "message id", "token-id": "token id"}


@dataclass(frozen=True, slots=True)
class AddSendResult:
    """What the user asked to watch; ids already stripped and checked."""

    profile: str
    message_id: str
    token_id: str
    kind: SendKind
    label: str


class IdValidator(Validator):
    """An id as `id_problem` judges it, spaces around it ignored (they are dropped when
    the field is left); an empty field fails only once its input insists (after a submit)."""

    def __init__(self, field: IdInput) -> None:
        super().__init__()
        self.field = field

    def validate(self, value: str) -> ValidationResult:
        stripped = value.strip()
        if not stripped and not self.field.insist:
            return self.success()
        problem = id_problem(stripped)
        return self.failure(problem) if problem else self.success()


class IdInput(Input):
    """An Input for an id, checked as it is typed.

    Text pasted into it loses the spaces around it; the check reads the value without
    them too, so only spaces inside an id are reported.
    """

    def __init__(self, *, placeholder: str, id: str) -> None:
        self.insist = False
        super().__init__(placeholder=placeholder, id=id, validators=[IdValidator(self)])

    @property
    def problem(self) -> str | None:
        """Why the value cannot be an id (and marks the field); None when it can."""
        result = self.validate(self.value)
        if result is None or result.is_valid:
            return None
        return result.failure_descriptions[0]

    def on_paste(self, event: events.Paste) -> None:
        # Instead of Input's own paste (prevent_default): the first line, stripped.
        event.prevent_default()
        event.stop()
        lines = event.text.strip().splitlines()
        text = lines[0].strip() if lines else ""
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)


class AddSendScreen(Dialog[AddSendResult | None]):
    """Ask for a send to watch. Dismisses with an `AddSendResult`, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Add", id="add_send.submit"),
        Binding("escape", "cancel", "Cancel", id="add_send.cancel"),
    ]

    DEFAULT_CSS = """
    AddSendScreen .add-row {
        height: auto;
    }
    AddSendScreen .add-row > Label {
        width: 12;
        padding: 1 0 0 0;
    }
    AddSendScreen .add-row > Input,
    AddSendScreen .add-row > Select,
    AddSendScreen .add-row > RadioSet {
        width: 1fr;
    }
    AddSendScreen #kind {
        layout: horizontal;
    }
    AddSendScreen #kind > RadioButton {
        width: auto;
        margin-right: 2;
    }
    AddSendScreen .add-row.-plain > Label {
        padding: 0;
    }
    AddSendScreen #profile-only {
        padding: 0 3;
        width: 1fr;
    }
    AddSendScreen .add-error {
        color: $error;
        height: auto;
    }
    AddSendScreen #add-buttons {
        height: auto;
        align-horizontal: right;
    }
    AddSendScreen #add-buttons > Button {
        margin-left: 2;
    }
    AddSendScreen #no-profiles {
        padding: 1 0;
    }
    """

    def __init__(
        self,
        profiles: Sequence[str],
        default_profile: str | None,
        existing_keys: Collection[str] = (),
        *,
        config_path: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.profiles: tuple[str, ...] = tuple(dict.fromkeys(profiles))
        if default_profile in self.profiles:
            self.default_profile: str | None = default_profile
        else:
            self.default_profile = self.profiles[0] if self.profiles else None
        self.existing_keys = frozenset(existing_keys)
        self.config_path = config_path

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog", classes="dialog") as dialog:
            dialog.border_title = Text("Watch a send")
            if not self.profiles:
                yield from self._compose_no_profiles()
            else:
                yield from self._compose_form()
        yield SteadyFooter()

    def _compose_no_profiles(self) -> ComposeResult:
        where = self.config_path or "config.toml in sendwatch's config folder"
        message = Text.assemble(
            "No profiles are configured, so there is nothing to watch a send with.\n\n",
            "Add a [profiles.NAME] table to\n",
            (f"  {safe_text(where)}\n", "bold"),
            "then restart sendwatch (`sendwatch doctor` shows every path it uses).\n",
            "To try it without an account, run `sendwatch demo`.",
        )
        yield Static(message, id="no-profiles")
        with Horizontal(id="add-buttons"):
            yield Button("Close", id="cancel", compact=True)

    def _compose_form(self) -> ComposeResult:
        if len(self.profiles) == 1:
            with Horizontal(classes="add-row -plain"):
                yield Label("Profile")
                yield Static(
                    Text.assemble(
                        (safe_text(self.profiles[0]), "bold"), "  (the only profile configured)"
                    ),
                    id="profile-only",
                )
        else:
            with Horizontal(classes="add-row"):
                yield Label("Profile")
                yield Select(
                    [(Text(safe_text(p)), p) for p in self.profiles],
                    value=self.default_profile or self.profiles[0],
                    allow_blank=False,
                    id="profile",
                )
        with Horizontal(classes="add-row"):
            yield Label("Kind")
            with RadioSet(id="kind"):
                yield ChoiceButton("MessageContact", value=True, id="kind-contact")
                yield ChoiceButton("MessageList", id="kind-list")
        with Horizontal(classes="add-row"):
            yield Label("Message id")
            yield IdInput(placeholder="paste the message id", id="message-id")
        yield Static(Text(""), id="message-id-error", classes="add-error")
        with Horizontal(classes="add-row"):
            yield Label("Token id")
            yield IdInput(placeholder="paste the tokenId the send returned", id="token-id")
        yield Static(Text(""), id="token-id-error", classes="add-error")
        with Horizontal(classes="add-row"):
            yield Label("Label")
            yield Input(placeholder="optional", max_length=MAX_LABEL, id="label")
        yield Static(Text(""), id="form-error", classes="add-error")
        with Horizontal(id="add-buttons"):
            yield Button("Add", variant="primary", id="add", compact=True)
            yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        if self.profiles:
            self.query_one("#message-id", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    # ------------------------------------------------------------------ state

    @property
    def profile(self) -> str | None:
        if not self.profiles:
            return None
        if len(self.profiles) == 1:
            return self.profiles[0]
        value = self.query_one("#profile", Select).value
        return value if isinstance(value, str) else None

    @property
    def kind(self) -> SendKind:
        if self.query_one("#kind-list", RadioButton).value:
            return SendKind.MESSAGE_LIST
        return SendKind.MESSAGE_CONTACT

    def _id_value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", IdInput).value.strip()

    def _show_id_problem(self, field_id: str) -> str | None:
        """Check one id field and show the reason under it; return that reason."""
        field = self.query_one(f"#{field_id}", IdInput)
        problem = field.problem
        message = "" if problem is None else f"{_ID_FIELDS[field_id]}: {problem}"
        self.query_one(f"#{field_id}-error", Static).update(Text(message))
        return problem

    def _duplicate(self) -> str | None:
        profile = self.profile
        message_id, token_id = self._id_value("message-id"), self._id_value("token-id")
        if profile is None or id_problem(message_id) or id_problem(token_id):
            return None
        if send_key(profile, self.kind, message_id, token_id) in self.existing_keys:
            return (
                f"This {self.kind.value} send is already watched with profile {safe_text(profile)}."
            )
        return None

    def _show_form_problem(self, extra: str | None = None) -> None:
        message = self._duplicate() or extra or ""
        self.query_one("#form-error", Static).update(Text(message))

    # ------------------------------------------------------------------ events

    @on(Input.Changed, "#message-id, #token-id")
    def _id_changed(self, event: Input.Changed) -> None:
        self._show_id_problem(event.input.id or "")
        self._show_form_problem()

    @on(Input.Blurred, "#message-id, #token-id")
    def _id_blurred(self, event: Input.Blurred) -> None:
        stripped = event.input.value.strip()
        if stripped != event.input.value:
            event.input.value = stripped

    @on(RadioSet.Changed)
    @on(Select.Changed)
    def _choice_changed(self) -> None:
        self._show_form_problem()

    @on(Input.Submitted, "#message-id")
    def _next_from_message(self) -> None:
        self.query_one("#token-id", Input).focus()

    @on(Input.Submitted, "#token-id")
    def _next_from_token(self) -> None:
        self.query_one("#label", Input).focus()

    @on(Input.Submitted, "#label")
    def _submit_from_label(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#add")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.profiles) or action != "submit"

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        """Add the send if every field is right; otherwise say what is wrong and stay."""
        profile = self.profile
        if profile is None:
            if self.profiles:
                self._show_form_problem("Choose a profile.")
            else:
                self.notify("Add a profile to the config first.", severity="warning")
            return
        for field_id in _ID_FIELDS:
            self.query_one(f"#{field_id}", IdInput).insist = True
        problems = {f: self._show_id_problem(f) for f in _ID_FIELDS}
        bad = [f for f, problem in problems.items() if problem]
        if bad:
            which = "the field" if len(bad) == 1 else "the fields"
            self._show_form_problem(f"Fix {which} marked above to add the send.")
            self.query_one(f"#{bad[0]}", Input).focus()
            return
        duplicate = self._duplicate()
        if duplicate:
            self._show_form_problem()
            return
        self.dismiss(
            AddSendResult(
                profile=profile,
                message_id=self._id_value("message-id"),
                token_id=self._id_value("token-id"),
                kind=self.kind,
                label=self.query_one("#label", Input).value.strip(),
            )
        )
