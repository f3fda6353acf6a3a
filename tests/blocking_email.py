"""An e-mail backend that hangs mid-send, so a test can kill the worker in the middle of a
task. It touches the file named by BLOCKING_EMAIL_MARKER when it starts."""

import os
import time
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class BlockingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        Path(os.environ["BLOCKING_EMAIL_MARKER"]).touch()
        time.sleep(120)
        return 0
