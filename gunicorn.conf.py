"""gunicorn settings, read from ./gunicorn.conf.py when gunicorn starts in this folder.

Each can be overridden from the environment, so a deployment changes no file.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# A matching run started from a page or the API runs inside its request. On a city-scale
# market (50,000 needs, 14 M lot-need arcs) an exact run takes about 35 s: over gunicorn's
# default 30 s worker timeout, which would kill the worker and roll the run back.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
accesslog = "-"
