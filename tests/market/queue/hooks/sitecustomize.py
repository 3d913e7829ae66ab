"""Test hooks loaded by the worker processes that the queue tests start (PYTHONPATH).

Python imports `sitecustomize` at start-up; this one changes nothing unless the test
sets these variables in the worker's environment:
- TEST_SOLVE_LOCK: a file the patched `solver.allocate` locks (non-blocking) while it
  solves; if another process holds it, "OVERLAP" is appended to TEST_SOLVE_LOG.
- TEST_SOLVE_LOG: each solve appends "solve <pid>" to this file.
- TEST_SOLVE_PAUSE: seconds each solve lasts at least (to widen the overlap window).
- TEST_WRITE_GATE: a file whose absence holds a run in its writing phase, after its
  proposals are written and the old ones superseded, before it commits.
"""

import os

if os.environ.get("TEST_SOLVE_LOG") or os.environ.get("TEST_WRITE_GATE"):
    import fcntl
    import time

    import solver

    _real_allocate = solver.allocate

    def _allocate(*args, **kwargs):
        with open(os.environ["TEST_SOLVE_LOG"], "a") as log, \
                open(os.environ["TEST_SOLVE_LOCK"], "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.write("OVERLAP\n")
                log.flush()
            log.write(f"solve {os.getpid()}\n")
            log.flush()
            time.sleep(float(os.environ.get("TEST_SOLVE_PAUSE", "0")))
            return _real_allocate(*args, **kwargs)

    if os.environ.get("TEST_SOLVE_LOG"):
        solver.allocate = _allocate

    if os.environ.get("TEST_WRITE_GATE"):
        import market.matching.runs as _runs

        _real_consume = _runs._consume_pins

        def _consume_pins():
            while not os.path.exists(os.environ["TEST_WRITE_GATE"]):
                time.sleep(0.05)
            return _real_consume()

        _runs._consume_pins = _consume_pins

# - TEST_SEND_LOG: every send attempt appends "attempt <pid>" to this file, and a send that
#   goes through appends "sent <to> <subject>"; the first TEST_SEND_FAILS attempts (counted
#   across every worker process through the file) raise, like a mail server that is down.
if os.environ.get("TEST_SEND_LOG"):
    import fcntl

    import market.notifications.delivery as _delivery

    class _FlakySender:
        def send(self, to, subject, body):
            with open(os.environ["TEST_SEND_LOG"], "a+") as log:
                fcntl.flock(log, fcntl.LOCK_EX)
                log.seek(0)
                attempts = sum(line.startswith("attempt") for line in log) + 1
                log.write(f"attempt {os.getpid()}\n")
                if attempts <= int(os.environ.get("TEST_SEND_FAILS", "0")):
                    raise ConnectionError(f"mail server down (attempt {attempts})")
                log.write(f"sent {to} {subject}\n")

    _delivery.email_sender = _delivery.sms_sender = _FlakySender
