"""The step settings dialog: field mappings, filtering rules, status values and actions of one step."""

from plx_desktop.gui.step_settings.dialog import StepSettingsDialog

__all__ = ["StepSettingsDialog"]
