"""One run of a profile: each enabled step in list order, through the handler for its kind.

Failures are sorted by who can act on them: a record the other side refused is logged and the run
goes on; a step whose settings Salesforce refuses (say, a filter on a field that no longer exists)
is logged and the next step runs; the API usage cap stops the run cleanly; a refused login or an
unreachable service ends it with one plain reason. An error nobody expected (a bug, a reply of a
shape nobody foresaw) stops only its step: its traceback goes to the log file, the step says so in
the Log, the steps after it still run, and the run ends as failed, "details in the log file".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial

from plx_desktop.connectors.errors import (
    AccessError,
    ApiLimitError,
    AuthError,
    ConnectorError,
    RequestError,
    TransientError,
)
from plx_desktop.domain import DomainError, Step
from plx_desktop.domain.error_words import explain
from plx_desktop.logfile import DETAILS, short
from plx_desktop.store import Store
from plx_desktop.store.step_problems import StepProblem
from plx_desktop.sync import (
    activity_steps,
    people_from_salesforce,
    people_to_salesforce,
    status_steps,
)
from plx_desktop.sync.context import (
    FAILED,
    UNEXPECTED_ERROR,
    Cancelled,
    RunContext,
    StepReport,
    StepSummary,
)

log = logging.getLogger(__name__)

Handler = Callable[[Step, RunContext, StepReport], None]

HANDLERS: dict[str, Handler] = {
    "contact_to_people": people_from_salesforce.run,
    "lead_to_people": people_from_salesforce.run,
    "people_to_contact": people_to_salesforce.run,
    "people_to_lead": people_to_salesforce.run,
    "sequence_status_to_lead_status": status_steps.run,
    "inbox_state_to_lead_status": status_steps.run,
    "emails_to_contact_tasks": activity_steps.run,
    "emails_to_lead_tasks": activity_steps.run,
    "tasks_to_lead_tasks": activity_steps.run,
    "tasks_to_contact_tasks": activity_steps.run,
    "calls_to_contact_tasks": activity_steps.run,
    "calls_to_lead_tasks": activity_steps.run,
}




@dataclass
class Outcome:
    status: str  # completed | stopped | failed
    steps: list[StepSummary]
    reason: str | None = None
    code: str = ""  # why: CANCELLED, API_LIMIT, AUTH, ACCESS, NETWORK, UNEXPECTED_ERROR


def run_profile(ctx: RunContext, only: Collection[str] | None = None) -> Outcome:
    """Run every enabled step of the profile (or only the steps whose uids are given); never
    raises for what the admin can act on."""
    summaries: list[StepSummary] = []
    unexpected: list[str] = []  # labels of the steps an unexpected error stopped
    for step in ctx.queries.enabled_steps():
        if only is not None and step.uid not in only:
            continue
        report = StepReport(step)
        status, reason, code = "completed", None, ""
        try:
            HANDLERS[step.kind.key](step, ctx, report)
        except Cancelled:
            status, reason, code = ("stopped", ctx.run.cancel.reason
                                    or "Stopped by the user", "CANCELLED")
        except ApiLimitError as exc:
            status, reason, code = "stopped", exc.reason, exc.code or "API_LIMIT"
        except AuthError as exc:
            status, reason, code = "failed", exc.reason, "AUTH"
        except AccessError as exc:
            # The org or user may not use the API or the object: every step would fail alike.
            status, reason, code = "failed", exc.reason, "ACCESS"
        except TransientError as exc:
            status, reason, code = "failed", exc.reason, "NETWORK"
        except (RequestError, DomainError) as exc:
            # This step's settings are wrong (or Salesforce changed under them): say so, go on.
            _refused(ctx, step, report, exc)
        except ConnectorError as exc:
            status, reason, code = "failed", exc.reason, exc.code or "ERROR"
        except Exception as exc:  # noqa: BLE001 - a bug stops its step, never the whole run
            log.exception("Run %s, step %s (%s): unexpected error", ctx.run.run_id, step.label,
                          step.uid)
            ctx.recorder.log(report, FAILED, code=UNEXPECTED_ERROR,
                             message=f"The step stopped on an unexpected error ({short(exc)}); {DETAILS}")
            report.failed_to_run = True
        finally:
            ctx.recorder.commit(report)  # whatever the step logged before it stopped
            ctx.run.steps_run.add(step.uid)
            summaries.append(report.summary())
            if report.unexpected and step.label not in unexpected:
                unexpected.append(step.label)
        if status != "completed":
            return Outcome(status, summaries, reason, code)
        if not report.failed_to_run:
            ctx.run.steps_completed.add(step.uid)
            ctx.recorder.write(partial(_clear_problem, step.uid), None)
    if unexpected:
        return Outcome("failed", summaries, f"An unexpected error in {', '.join(unexpected)}; "
                       f"the rest of the run went on; {DETAILS}", UNEXPECTED_ERROR)
    return Outcome("completed", summaries)


def _refused(ctx: RunContext, step: Step, report: StepReport,
             exc: RequestError | DomainError) -> None:
    """The step's settings were refused: the Log says it in the admin's words, and the step is
    kept as a problem (Sync health, the step list) with the service's raw text until it runs."""
    raw = getattr(exc, "reason", None) or str(exc)
    code = getattr(exc, "code", None) or "STEP_FAILED"
    sobject = step.source.name if step.direction.value == "salesforce_to_peoplelinx" else \
        step.target.name
    words = explain(code, raw, sobject=sobject) if isinstance(exc, RequestError) else raw
    ctx.recorder.log(report, FAILED, code=code, message=f"The step could not run: {words}")
    report.failed_to_run = True
    problem = StepProblem(step.uid, step.label, code, words, raw, None, ctx.run.run_id)
    ctx.recorder.write(lambda store: store.step_problems.note(problem), None)


def _clear_problem(step_uid: str, store: Store) -> None:
    store.step_problems.clear(step_uid)
