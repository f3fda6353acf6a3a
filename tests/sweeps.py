"""Run what beat and the workers would run, inline: the sweeps' selections, then each task
body called directly (the real-worker tests in test_worker.py cover the broker path)."""

from licensing import jobs, tasks
from licensing.models import RulesCheck


def run_due_work() -> jobs.DueWork:
    """A tick of sweep_due_work, each fanned-out task run in place."""
    work = jobs.due_work()
    for kind, task in tasks.DUE_WORK_TASKS.items():
        for pk in getattr(work, kind):
            task(pk)
    return work


def run_rules_check() -> RulesCheck | None:
    """A tick of check_rules, and the re-screening its new check fans out after commit."""
    check = jobs.check_rules()
    if check is not None:
        for pk in jobs.pending_rescreens(check):
            tasks.rescreen_application(pk, check.pk)
    return check
