"""Facts about media files (probing), independent of how they are rendered."""

from jointcampaign.media.probe import MediaInfo, probe

__all__ = ["MediaInfo", "probe"]
