"""Keep tokens and clickers out of logs: sign-in links carry a token in their path, so access-log
lines are redacted; for tracked-link redirects (/r/<id>) the client address is dropped too."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

SIGN_IN_PATH = re.compile(r"/t/[^/?#\s\"]+")
REDACTED = "/t/[redacted]"
REDIRECT_PREFIX = "/r/"


def redact(text: str) -> str:
    return SIGN_IN_PATH.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrites uvicorn's access-log arguments (client, method, path, version, status) in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            args = [redact(arg) if isinstance(arg, str) else arg for arg in record.args]
            if len(args) == 5 and isinstance(args[2], str) and args[2].startswith(REDIRECT_PREFIX):
                args[0] = "-"  # who clicked a tracked link is not recorded anywhere, logs included
            record.args = tuple(args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging setup with the redacting filter on every handler."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_tokens"] = {"()": f"{__name__}.RedactTokens"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_tokens")
    return config
