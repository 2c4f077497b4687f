"""Prefect flows: thin tasks, one per side effect, each calling the jointcampaign core."""
