"""jointcampaign: turn one joint campaign folder into localized, co-branded deliverables, offline."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jointcampaign")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
