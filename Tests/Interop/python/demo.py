"""The demo tasks of DESIGN.md, in Python, for interop tests: a Python Celery worker runs what a
Celeriac client sends, and a Python client calls a Celeriac worker with the same names.

Configuration comes from the environment so each test can point it at its own server:
CELERY_BROKER_URL and CELERY_RESULT_BACKEND (defaults to the broker).
"""
import os
import time

from celery import Celery

broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
app = Celery("demo", broker=broker, backend=os.environ.get("CELERY_RESULT_BACKEND", broker))
app.conf.update(
    # The benchmark turns this off (Celery's default) so both workers store one state per task.
    task_track_started=os.environ.get("CELERY_TRACK_STARTED", "1") == "1",
    task_send_sent_event=True,
    worker_send_task_events=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    task_queues=None,
)
if os.environ.get("CELERY_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {"visibility_timeout": float(os.environ["CELERY_VISIBILITY_TIMEOUT"])}


class DemoError(Exception):
    """What demo.fail raises."""


@app.task(name="demo.add")
def add(x, y):
    return x + y


@app.task(name="demo.mul")
def mul(x, y):
    return x * y


@app.task(name="demo.xsum")
def xsum(numbers):
    return sum(numbers)


@app.task(name="demo.echo")
def echo(*args, **kwargs):
    return {"args": list(args), "kwargs": kwargs}


@app.task(name="demo.sleep")
def sleep(seconds):
    time.sleep(seconds)
    return seconds


@app.task(name="demo.fail")
def fail(message):
    raise DemoError(message)


@app.task(name="demo.flaky", bind=True, max_retries=20)
def flaky(self, failures):
    if self.request.retries < failures:
        raise self.retry(countdown=0.1)
    return self.request.retries


@app.task(name="demo.noop")
def noop():
    return None
