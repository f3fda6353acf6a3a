"""Run what beat and the workers would run, inline: the sweeps' selections, then each task
body called directly (the real-worker tests in test_worker.py cover the broker path)."""

from licensing import jobs, tasks
from licensing.models import RulesCheck


def run_due_work() -> jobs.DueWork:
    work = jobs.due_work()
    for pk in work.deemed_acceptances:
        tasks.deem_accepted(pk)
    for pk in work.decision_reminders:
        tasks.remind_decision_due(pk)
    for pk in work.breaches:
        tasks.escalate_breach(pk)
    for pk in work.answer_reminders:
        tasks.remind_answer_due(pk)
    for pk in work.lapses:
        tasks.lapse_unanswered(pk)
    for pk in work.expiries:
        tasks.expire_licence(pk)
    return work


def run_rules_check() -> RulesCheck | None:
    """A tick of check_rules, and the re-screening its new check fans out after commit."""
    check = jobs.check_rules()
    if check is not None:
        for pk in jobs.pending_rescreens(check):
            tasks.rescreen_application(pk, check.pk)
    return check
