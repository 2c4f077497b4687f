"""The portal's long-lived parts, built once per app and reached through ``app.state.portal``."""

from __future__ import annotations

from dataclasses import dataclass

from jointcampaign.metrics.store import MetricsStore
from jointcampaign.portal.audit import AuditLog
from jointcampaign.portal.catalog import Catalog
from jointcampaign.portal.pages import Pages
from jointcampaign.portal.redirects import LinkRegistry
from jointcampaign.portal.tokens import TokenStore


@dataclass(frozen=True)
class Portal:
    tokens: TokenStore
    audit: AuditLog
    catalog: Catalog
    pages: Pages
    links: LinkRegistry
    metrics: MetricsStore
