"""The integration's rules in plain Python: step kinds, profiles, mappings, filters, actions. No Qt, no I/O."""
