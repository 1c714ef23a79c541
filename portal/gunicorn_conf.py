"""Gunicorn settings for production: ``gunicorn -c python:portal.gunicorn_conf "portal:create_app()"``.

Each setting can be overridden from the environment (``GUNICORN_CMD_ARGS``,
or the variables read here).
"""
from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("REDRESS_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A worker is replaced after this many requests (with jitter, so they do not
# all restart at once): spaCy's string store grows with every new word it sees.
max_requests = int(os.environ.get("REDRESS_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("REDRESS_WORKER_TIMEOUT", "60"))  # uploads of 50 MB on a slow line
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
# Requests come through the load balancer only (REDRESS_PROXY_HOPS tells
# the app how many proxies to trust for the client's address).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
