"""gunicorn settings for every deployment: systemd, the container image and `make cluster`.

Give the address on the command line (`--bind 127.0.0.1:8000`); WEB_CONCURRENCY (gunicorn's
own variable) overrides the worker count. App settings stay FINDER_* variables, read by the app.
"""
import multiprocessing
import os

wsgi_app = "wsgi:app"
bind = ["127.0.0.1:8000"]

# The work is CPU-bound (ranking, rendering): gunicorn's rule of thumb of two workers a core plus
# one, each with two threads so a slow client or database wait does not idle a whole worker.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = 2

timeout = 30  # a worker silent this long is killed and replaced (the proxy waits 35 s)
graceful_timeout = 30  # on SIGHUP (reload) or SIGTERM, requests in flight get this long
keepalive = 5
max_requests = 5000  # workers are replaced now and then, staggered by the jitter
max_requests_jitter = 500
limit_request_line = 8190
preload_app = False  # each worker imports the code: SIGHUP then reloads new code gracefully

# The access log names the path only: no query string (%(r)s, %(q)s) and no referrer (%(f)s),
# because a search URL carries the drug and the town a patient typed.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"
