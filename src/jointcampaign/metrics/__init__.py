"""Measuring a partnership: tracked-link clicks and code redemptions in, KPI states and plots out.

A library below the portal: it knows no campaign. The pipeline describes what to measure as a
plain `MeasurePlan` (links, KPIs, dates, split); this package stores events and does the sums.
"""
