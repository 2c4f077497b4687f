"""The partner portal: each partner previews and downloads only their own bundles."""

from jointcampaign.portal.app import create_app

__all__ = ["create_app"]
