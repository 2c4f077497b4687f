"""Mount the campaign desk on the portal app: its state, its routes, and its runner's life."""

from __future__ import annotations

import atexit
from pathlib import Path

from fastapi import FastAPI

from jointcampaign.desk.form_routes import form_router
from jointcampaign.desk.routes import desk_router
from jointcampaign.desk.service import Desk, DeskConfig
from jointcampaign.portal import create_app


def mount_desk(app: FastAPI, config: DeskConfig, output_dir: Path, db_path: Path) -> Desk:
    desk = Desk(config, db_path, output_dir)
    app.state.desk = desk
    app.include_router(desk_router)
    app.include_router(form_router)
    desk.runner.start()
    # a run still going when the portal stops is ended with it (and marked failed on the next start)
    atexit.register(desk.runner.stop)
    return desk


def create_portal_with_desk(
    output_dir: Path, db_path: Path, config: DeskConfig, *, metrics_db: str | Path | None = None
) -> FastAPI:
    """The partner portal over ``output_dir`` with the campaign desk for leads under /desk."""
    app = create_app(output_dir, db_path, metrics_db=metrics_db)
    mount_desk(app, config, output_dir, db_path)
    return app
