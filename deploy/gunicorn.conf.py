"""gunicorn for decision records, behind nginx (deploy/nginx.conf; README "Production").

    gunicorn -c deploy/gunicorn.conf.py

Sync workers are right here because nginx reads every request in full (headers and
body) and buffers every response before a worker sees it: a slow or stalled client
holds an nginx connection, never a worker. Without nginx in front, a few clients
dripping headers would hold every worker (issue 11).
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
# Loopback only: nginx is the only client.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A worker silent this long is killed and replaced (rendering a decision's PDF at
# approval takes a few seconds; nothing legitimate takes a minute).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 2
# Replace workers now and then so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
# Only nginx on this host may say what the client's scheme and address were.
forwarded_allow_ips = "127.0.0.1,::1"
# Requests larger than this never reach Django (nginx refuses them first anyway).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
