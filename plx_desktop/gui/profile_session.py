"""The profile being edited: loaded from the store, switched between Default and Custom, saved on
every change. GUI thread only (it uses the GUI thread's own store connection)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from plx_desktop.domain.errors import DomainError
from plx_desktop.domain.profile import Profile, ProfileKind, custom_copy_of_default
from plx_desktop.domain.step import Step
from plx_desktop.domain.step_names import write_clashes
from plx_desktop.store import Store

LOCKED_REASON = ("The Default profile is locked. Choose Custom profile to add, change or "
                 "reorder steps.")


class ProfileSession(QObject):
    """Signals: switched(Profile) after a switch; save_failed(str) when the store refused;
    warned(str) after a save that left two steps of the same kind writing the same field."""

    switched = Signal(object)
    save_failed = Signal(str)
    warned = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.profile = self._load(store.profiles.active_kind())

    def _load(self, kind: ProfileKind) -> Profile:
        if kind is ProfileKind.CUSTOM and not self.store.profiles.is_saved(ProfileKind.CUSTOM):
            # The first Custom profile starts as a copy of the Default one, so the admin edits
            # from a working setup rather than from an empty list.
            profile = custom_copy_of_default()
            self.store.profiles.save(profile)
            return profile
        return self.store.profiles.load(kind)

    @property
    def kind(self) -> ProfileKind:
        return self.profile.kind

    def switch(self, kind: ProfileKind | str) -> Profile:
        kind = ProfileKind(kind)
        if kind is not self.profile.kind:
            self.store.profiles.set_active_kind(kind)
            self.profile = self._load(kind)
            self.switched.emit(self.profile)
        return self.profile

    def reload(self) -> Profile:
        """Read the current profile from the store again (after a roll back or an import);
        announced like a switch, so everything showing its steps follows."""
        self.profile = self._load(self.profile.kind)
        self.switched.emit(self.profile)
        return self.profile

    def save(self) -> None:
        """Store the Custom profile as it is now (the Default one is never stored)."""
        try:
            self.store.profiles.save(self.profile)
        except (DomainError, OSError, ValueError) as exc:
            self.save_failed.emit(f"Could not save the profile: {exc}")
            return
        clashes = write_clashes(self.profile.steps)
        if clashes:
            more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
            self.warned.emit(f"Saved, but two steps of the same kind write the same field: "
                             f"{clashes[0]}{more}. Give them filters that do not overlap, or "
                             "remove the field from one of them.")

    def apply_step(self, step: Step) -> Step:
        """Put a step edited in the settings dialog into the profile (one change, checked by the
        domain; the steps model hears it and the profile is saved)."""
        return self.profile.replace_step(step.uid, step)
