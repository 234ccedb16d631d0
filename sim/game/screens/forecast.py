"""The forecast preview and the budget check of the plan, kept up to date as levers move."""

from __future__ import annotations

import time

import numpy as np

from sim.game import panels, units
from sim.game.preview import tasks_for
from sim.game.screens.dashboard_state import DashboardState

PREVIEW_BURST_S = 0.05  # plan changes closer together than this are one burst (a slider drag): one request after it


class Forecast(DashboardState):
    """The forecast preview and the budget check of the plan, kept up to date as levers move.  (A mixin of :class:`DashboardScreen`.)"""

    # -- budget and preview ------------------------------------------------
    def budget_state(self) -> dict:
        """The budget check of the plan (a dry run of next quarter), re-done only when the plan changes.

        The dry run plays the quarter on a copy restored from the session's snapshot, on the app's
        worker thread: until it is in, the lever panel shows no cut line (a fraction of a second).
        A plan changed is checked at once; after a quarter, the levers as they stand are checked once
        the player pauses (``budget_due``). Either way the model's snapshot is made then, on the
        worker: the next quarter keeps it as its undo point instead of making it on the window's thread.
        """
        if self.step_job is not None:  # never read a model in the middle of a step
            return self._budget[1] if self._budget is not None else panels.NO_CUTS
        if self.app.autoplay:  # quarters land several times a second: check the plan once it stops
            return panels.NO_CUTS
        session = self.session
        pending = dict(session.pending)
        key = (session.version, tuple(sorted(pending.items(), key=str)), id(session))
        if self._budget is not None and self._budget[0] == key:
            return self._budget[1]
        quiet = self.budget_due is not None and time.perf_counter() < self.budget_due
        if quiet and not pending:
            return panels.NO_CUTS  # a new quarter, nothing planned yet: checked once the player pauses
        if self.budget_job is not None and self.budget_job.done():
            self.budget_job.result()  # a dry run that failed is a bug: raise it here
        if self.budget_job is not None and not self.budget_job.done():
            return panels.NO_CUTS  # the next check starts when this one is done
        if panels.budget_may_cut(session):
            self.budget_job = self.app.background(self._budget_dry_run, session, key, pending)
            return panels.NO_CUTS
        self._budget = (key, panels.NO_CUTS)
        # no dry run needed: still make the snapshot the next quarter keeps as its undo point, now
        self.budget_job = self.app.background(session.state_snapshot, session.version)
        return panels.NO_CUTS

    def _budget_dry_run(self, session, key: tuple, pending: dict) -> None:
        """On the worker thread: the dry run for ``key`` (dropped if the game moved on meanwhile), on
        the model restored ahead of time if it is of this state (see :meth:`keep_trial_ready`)."""
        snapshot = session.state_snapshot(version=key[0])
        if snapshot is not None:
            kept, self._trial = self._trial, None  # used up either way: the next is restored when all is quiet
            trial = kept[2] if kept is not None and kept[1] is snapshot else None
            self._budget = (key, panels.budget_dry_run(snapshot, pending, trial))

    def keep_trial_ready(self) -> None:
        """Restore the model the next budget check plays on while nothing else runs (each frame asks).

        Restoring the player's model is most of a dry run's cost (6-14 ms at 50,000 adopter rows); done
        ahead, on the worker thread once the budget is checked, the forecast is in and no quarter runs,
        a lever move's check costs well under a millisecond, and no longer takes a core from its forecast.
        Kept with the snapshot it came from: a check of any other state restores its own.
        """
        session, previewer = self.session, self.app.previewer
        if (
            (self._trial is not None and self._trial[0] == (id(session), session.version))
            or self.step_job is not None
            or self.app.autoplay
            or (self.budget_job is not None and not self.budget_job.done())
            or (self.trial_job is not None and not self.trial_job.done())
            or self._budget is None
            or self._budget[0][::2] != (session.version, id(session))  # this state's plan not checked yet
            or (previewer is not None and (previewer.busy or self.preview_due is not None))  # the forecast first
            or not panels.budget_may_cut(session)  # no dry run would use it
        ):
            return
        if self.trial_job is not None:
            self.trial_job.result()  # a restore that failed is a bug: raise it here
        self.trial_job = self.app.background(self._restore_trial, session, session.version)

    def _restore_trial(self, session, version: int) -> None:
        """On the worker thread: a model of the player's state at ``version``, for the next budget check."""
        from sim.model.model import AIMarketModel

        snapshot = session.state_snapshot(version=version)
        if snapshot is not None:
            self._trial = ((id(session), version), snapshot, AIMarketModel.restore(snapshot))

    def want_preview(self, delay: float | None = None) -> None:
        """Ask for a new preview after ``delay`` seconds; by default (the plan changed) at once, unless
        the plan changed less than :data:`PREVIEW_BURST_S` ago: then when the burst (a slider drag) has
        been quiet that long, so a drag makes two requests, not one per frame. Running replications of
        the previous request stop at their next quarter (see :meth:`Previewer.cancel`)."""
        now = time.perf_counter()
        if delay is None:
            delay = PREVIEW_BURST_S if now - self.plan_changed_at < PREVIEW_BURST_S else 0.0
            self.plan_changed_at = now
        self.projection = None
        self.preview_due = now + delay
        if self.app.previewer is not None:
            self.app.previewer.cancel()
        self.preview_version += 1

    def update_preview(self) -> None:
        """Ask for a new forecast when the pending decisions changed; collect finished ones."""
        previewer = self.app.previewer
        if previewer is None or self.session.finished:
            return
        if self.app.autoplay:
            previewer.cancel()
            self.preview_due = time.perf_counter()
            return
        if self.preview_due is not None and time.perf_counter() >= self.preview_due:
            self.preview_due = None
            anchor = self.session.history[-1] if self.session.history else {}
            tasks = tasks_for(self.session) + self.option_tasks
            self.preview_tasks = len(tasks) - len(self.option_tasks)
            previewer.request(tasks, anchor)
        result = previewer.poll()
        if result is None:
            return
        from sim.game.preview import Projection

        if previewer.complete:
            split = self.preview_tasks
            self.projection = Projection(result.replications[:split], result.anchor)
            self.option_projection = (
                Projection(result.replications[split:], result.anchor) if self.option_tasks else None
            )
            if self.event_window is not None and self.option_projection is not None:
                self.show_option_previews()
        elif not self.option_tasks:  # a first look while the rest of the replications run
            self.projection = result
        self.preview_version += 1

    def projected_objectives(self) -> dict | None:
        """Each objective's projected end value from the latest forecast."""
        if self.projection is None:
            return None
        return self.projection.objective_values(self.session.scenario.objectives, self.session.history)

    def preview_subtitle(self, metric: str) -> str | list[str]:
        """The line under the forecast chart: what it compares, and how far along it is (for the effect, two
        wordings, longest first: the chart draws the first that fits, so a narrow one keeps the range)."""
        previewer = self.app.previewer
        if previewer is None:
            return ""
        if self.projection is None:
            if previewer.error is not None:
                return self.tr("preview_failed").format(error=previewer.error)
            percent = units.percent(previewer.progress(), 0)
            return self.tr("preview_computing").format(percent=percent) if previewer.busy else ""
        n = len(self.projection.replications)
        if not self.session.pending and not self.session.answers:
            return f"{self.tr('preview_none')} {self.tr('preview_legend').format(n=n)}"

        effect = self.projection.effect(metric)
        low, mid, high = np.percentile(effect, [5, 50, 95])
        values = {
            "year": self.session.scenario.end // 4,
            "effect": units.metric_change(metric, float(mid), self.lang),
            "n": n,
            "low": units.metric_change(metric, float(low), self.lang),
            "high": units.metric_change(metric, float(high), self.lang),
        }
        return [self.tr("preview_effect").format(**values), self.tr("preview_effect_short").format(**values)]
