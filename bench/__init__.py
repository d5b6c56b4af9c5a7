"""Benchmarks for PLX Desktop (issue 5): each module prints figures and whether each target is met."""
