"""Spans a translation must keep: codes, names, links and prices protected before translating, verified
and repaired after."""
