"""The campaign desk: where marketing leads upload, validate, submit and follow a campaign.

An edge like the CLI: it reads campaigns (validation, snapshots) and queues runs, on top of the
portal library it is served with.
"""
