"""The watch-list edits of the monitor: add (`a`), label (`e`), remove (`d`), undo (`u`).

A base of `MonitorScreen`, as `SharingActions` is, so the screen keeps its layout,
selection and updates; the bindings are declared on `MonitorScreen` (help and the README
list a screen's own bindings). Every edit goes through the watch-list writer, so another
window's edits are kept and a slow disk never freezes the screen.
"""

from __future__ import annotations

from tui.core.store.profile_choice import last_used_profile
from tui.core.store.watchlist import WatchedSend
from tui.ui.screens.add_send import AddSendResult, AddSendScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.text_prompt import TextPromptScreen
from tui.ui.sharing import SharingActions
from tui.ui.view_model import MonitorModel


class WatchListEdits(SharingActions):
    """Adds, relabels, removes and restores sends; the monitor rebuilds what it shows."""

    _undo: list[tuple[int, WatchedSend]]

    @property
    def model(self) -> MonitorModel:
        return self.services.model

    def _rebuild_list(self, selected: str | None) -> None:
        """Show the watch list as the file now has it, `selected` selected (the monitor's)."""
        raise NotImplementedError

    def _selected_send(self) -> WatchedSend | None:
        state = self.model.selected_state
        return state.send if state is not None else None

    def action_add(self) -> None:
        config = self.services.config
        last = last_used_profile(self.services.watchlist.sends, config.profiles)
        screen = AddSendScreen(
            sorted(config.profiles),
            last or config.settings.default_profile,
            existing_keys=set(self.model.keys),
            config_path=str(config.path),
        )
        self.app.push_screen(screen, self._added)

    def _added(self, result: AddSendResult | None) -> None:
        if result is None:
            return
        send = WatchedSend(
            profile=result.profile,
            message_id=result.message_id,
            token_id=result.token_id,
            kind=result.kind,
            label=result.label,
            added=self.services.clock.now(),
        )
        watchlist = self.services.watchlist

        def saved(kept: WatchedSend) -> None:
            if kept is not send:  # another window watched it after the dialog opened
                self.notify(
                    f"{kept.display_name} was already watched (profile {kept.profile}): "
                    "nothing added",
                    severity="warning",
                    markup=False,
                )
            self._show_and_read(kept.key)

        self.services.writer.save(lambda: watchlist.add(send), saved)

    def _show_and_read(self, key: str) -> None:
        """A send is (back) on the list: show it selected and read it now."""
        self._rebuild_list(key)
        self.services.refresher.refresh_now(key)

    def action_edit_label(self) -> None:
        send = self._selected_send()
        if send is None:
            return
        watchlist, refresher = self.services.watchlist, self.services.refresher

        def relabelled(updated: WatchedSend | None) -> None:
            if updated is not None:
                refresher.update_send(updated)

        def done(label: str | None) -> None:
            if label is None or label == send.label:
                return
            self.services.writer.save(lambda: watchlist.set_label(send.key, label), relabelled)

        prompt = TextPromptScreen(
            "Label for this send", value=send.label, placeholder="e.g. Black Friday"
        )
        self.app.push_screen(prompt, done)

    def action_remove(self) -> None:
        send = self._selected_send()
        if send is None:
            return
        watchlist = self.services.watchlist

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.services.writer.save(lambda: watchlist.remove(send.key), removed)

        def removed(entry: tuple[int, WatchedSend] | None) -> None:
            if entry is not None:
                self._undo.append(entry)
            index = max(0, (entry[0] if entry else 0) - 1)
            sends = watchlist.sends
            self._rebuild_list(sends[min(index, len(sends) - 1)].key if sends else None)
            self.notify(f"Removed {send.display_name}. Press u to undo.", markup=False)

        question = ConfirmScreen(
            f"Stop watching {send.display_name}?",
            f"{send.kind} {send.message_id} / {send.token_id} on profile {send.profile}",
        )
        self.app.push_screen(question, done)

    def action_undo(self) -> None:
        if not self._undo:
            self.notify("Nothing to undo", severity="warning")
            return
        index, send = self._undo.pop()
        watchlist = self.services.watchlist

        def restored(_: object) -> None:
            self._show_and_read(send.key)
            self.notify(f"Restored {send.display_name}", markup=False)

        def failed() -> None:
            self._undo.append((index, send))

        self.services.writer.save(lambda: watchlist.restore(index, send), restored, failed)
