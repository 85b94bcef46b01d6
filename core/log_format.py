"""One JSON object a line for the application's log, each with the request id.

The request id is the one RequestIdMiddleware gives the request being served (and
echoes in the X-Request-ID response header, and nginx logs), so a line in any log can
be matched with the request that caused it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from core.security_log import current_request


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # Django's request log is written after the middleware has finished with the
        # request, so it carries the request itself.
        request = getattr(record, "request", None) or current_request.get()
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(request, "request_id", "") if request is not None else "",
        }
        if request is not None:
            line["method"] = getattr(request, "method", "")
            line["path"] = getattr(request, "path", "")[:500]
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
