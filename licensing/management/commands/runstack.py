"""Start the whole system — web server, Celery worker and beat — and stop all three on Ctrl-C.

``make run`` calls this after migrating and seeding. With nothing configured it runs embedded
(SQLite, filesystem broker under var/); with DATABASE_URL and CELERY_BROKER_URL it uses
PostgreSQL and Redis.
"""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from licensing.management.commands.seed_demo import DEMO_API_KEYS, DEMO_PASSWORD, DEMO_USERS

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat until interrupted."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args: Any, **options: Any) -> None:
        bin_dir = os.path.dirname(sys.executable)
        env = os.environ | {"PYTHONUNBUFFERED": "1"}
        commands = {
            "web": [
                os.path.join(bin_dir, "gunicorn"),
                "licensing.wsgi:application",
                "--bind",
                f"{options['host']}:{options['port']}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--access-logfile",
                "-",
            ],
            "worker": [
                os.path.join(bin_dir, "celery"),
                "-A",
                "licensing",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                "worker@%h",
            ],
            "beat": [
                os.path.join(bin_dir, "celery"),
                "-A",
                "licensing",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
            ],
        }
        processes = {
            name: subprocess.Popen(argv, env=env, start_new_session=True)  # noqa: S603
            for name, argv in commands.items()
        }
        self._announce(options["host"], options["port"])
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping:
            exited = [name for name, p in processes.items() if p.poll() is not None]
            if exited:
                self.stderr.write(f"{', '.join(exited)} stopped unexpectedly; stopping the rest.")
                break
            time.sleep(0.5)
        self._stop(processes)

    def _stop(self, processes: dict[str, subprocess.Popen[bytes]]) -> None:
        self.stdout.write("Stopping web, worker and beat…")
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, process in processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in {STOP_GRACE_SECONDS}s; killing it.")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.stdout.write("Stopped.")

    def _announce(self, host: str, port: int) -> None:
        shown_host = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host  # noqa: S104
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
        lines = [
            "",
            f"Lodestone is running at http://{shown_host}:{port}/",
            f"  database: {database}   broker: {broker}   (Ctrl-C stops web, worker and beat)",
            "",
            f"Demo logins (password for all: {DEMO_PASSWORD}):",
            *(
                f"  {username:<6} {full_name:<12} {role}"
                for username, full_name, role in DEMO_USERS
            ),
            "",
            f"Demo API keys (REST API at http://{shown_host}:{port}/api/v1/, docs at /api/docs/;"
            " send 'Authorization: Bearer <key>'):",
            *(
                f"  {key}   {name} (acts as {username})"
                for username, name, _scope, _staff, key in DEMO_API_KEYS
            ),
            "",
        ]
        self.stdout.write("\n".join(lines))
