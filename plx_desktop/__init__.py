"""PLX Desktop: the administrator's app for the two-way Salesforce <-> PeopleLinx integration."""

__version__ = "0.1.0"
