"""gunicorn settings, read from ./gunicorn.conf.py when gunicorn starts in this folder.

Each can be overridden from the environment, so a deployment changes no file.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# Nothing long runs in a request (matching runs and what-if studies are the background
# worker's tasks): gunicorn's default worker timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = "-"
