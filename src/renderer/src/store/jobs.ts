/**
 * Running AI jobs: the simulated work, then capture on success or release on failure / cancel.
 * Several jobs may run at once (one per clip).
 *
 * Main keeps every open charge (durably, per account) until the window has its result: the job's
 * outcome goes to main, which tells the service — at once, or, when the service cannot be
 * reached, as soon as it answers (the card waits, and `chargeSettled` finishes it). The result is
 * applied to the clip once per charge, saved, and only then acknowledged, so a restart at any point
 * neither loses a paid result nor applies it twice. After a restart (or a reload, or signing in
 * again) `resumeOpenCharges` picks up where the account's jobs were.
 */
import type { Charge } from '@cutline/contract/api';
import type { OpenCharge } from '@cutline/contract/ipc';
import type { Result } from '@cutline/contract/result';
import { returnedText, spentText } from '../format';
import { simulateJob } from '../jobs/simulate';
import { toolName } from '../tools';
import type { ActionTarget, Deps, Get, Job, JobsSlice, Set } from './types';

const KEEP_FINISHED = 20;
/** A finished card clears itself after this long; a failed one stays longer, for its Retry. */
export const FINISHED_CLEAR_MS = 60_000;
export const FAILED_CLEAR_MS = 180_000;
/** A job found running after a restart resumes only if its hold has at least this long left. */
export const RESUME_MIN_HOLD_MS = 60_000;

const isFinished = (status: Job['status']) => status === 'done' || status === 'failed' || status === 'cancelled' || status === 'error';
const LOST = 'The credits held for this action were returned before it finished, so nothing was charged.';

export function createJobsSlice(deps: Deps, set: Set, get: Get): JobsSlice {
  const { api } = deps;
  const stops = new Map<string, () => void>();
  const clearTimers = new Map<string, () => void>();
  let resuming: Promise<void> | null = null;

  const patch = (id: string, p: Partial<Job>) => {
    set((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? { ...j, ...p } : j)) }));
    if (p.status && isFinished(p.status) && find(id)) {
      clearTimers.get(id)?.();
      const after = p.status === 'failed' || p.status === 'error' ? FAILED_CLEAR_MS : FINISHED_CLEAR_MS;
      clearTimers.set(
        id,
        deps.schedule(after, () => {
          clearTimers.delete(id);
          get().dismissJob(id);
        }),
      );
    }
  };
  const forget = (id: string) => {
    clearTimers.get(id)?.();
    clearTimers.delete(id);
  };
  const find = (id: string) => get().jobs.find((j) => j.id === id);
  const byCharge = (chargeId: string) => get().jobs.find((j) => j.charge.id === chargeId);

  const clipOf = (target: ActionTarget) =>
    target.kind === 'clip' ? get().projects.find((p) => p.id === target.projectId)?.clips.find((c) => c.id === target.clipId) : undefined;

  const failureReason = (target: ActionTarget, corrupt: boolean): string => {
    if (corrupt) return "The clip's file is damaged, so it could not be processed";
    return target.kind === 'generate' ? 'The AI could not generate a result this time' : 'The AI could not process this clip this time';
  };

  /** The result is on the clip and saved: main may forget the charge. */
  const acknowledge = async (chargeId: string) => {
    await get().flushSave();
    await api.acknowledgeCharge({ chargeId }).catch(() => {});
  };

  /** What main answered to a capture (or announced later): the result applied once, or why not. */
  const captured = async (id: string, r: Result<Charge> | null) => {
    const job = find(id);
    if (!job) return;
    if (r && r.ok) {
      const t = job.target;
      if (t.kind === 'clip') get().applyEffect(t.projectId, t.clipId, job.toolId, r.value.id);
      else get().addGeneratedClip(t.projectId, job.toolId, t.prompt, r.value.id);
      patch(id, { status: 'done', charge: r.value, message: `${job.toolName} applied. ${spentText(r.value)}.` });
      await acknowledge(r.value.id);
      return;
    }
    if (r?.error.code === 'settle_pending') {
      patch(id, { status: 'waiting', message: r.error.message });
      return;
    }
    const lost = r?.error.code === 'hold_lost';
    const why = r ? r.error.message : 'The charge could not be completed.';
    patch(id, {
      status: 'error',
      message: lost
        ? `${why} Nothing was charged and the result was discarded; run the tool again.`
        : `${why} If the charge can't be completed, the held credits are returned automatically.`,
    });
    if (lost) await acknowledge(job.charge.id);
  };

  /** What main answered to a release (or announced later). */
  const released = async (id: string, r: Result<Charge> | null) => {
    const job = find(id);
    if (!job) return;
    const status = job.outcome === 'cancelled' ? 'cancelled' : 'failed';
    const what = job.why ?? (status === 'cancelled' ? 'Cancelled' : 'The job failed');
    if (r && r.ok) {
      patch(id, { status, charge: r.value, message: `${what}. ${returnedText(r.value)}.` });
      await acknowledge(r.value.id);
      return;
    }
    if (r?.error.code === 'settle_pending') {
      patch(id, { status: 'waiting', message: `${what}. ${r.error.message}` });
      return;
    }
    const why = r ? r.error.message : 'The credits could not be returned right now.';
    patch(id, { status, message: `${what}. ${why} Held credits are returned automatically when the hold expires.` });
  };

  const succeed = async (id: string) => {
    const job = find(id);
    if (!job || job.status !== 'running') return;
    patch(id, { status: 'capturing', progress: 1, outcome: 'succeeded' });
    await captured(id, await api.capture({ chargeId: job.charge.id }).catch(() => null));
  };

  const release = async (id: string, reason: 'failed' | 'cancelled', why: string) => {
    const job = find(id);
    if (!job) return;
    patch(id, { status: 'releasing', outcome: reason, why });
    await released(id, await api.release({ chargeId: job.charge.id, reason }).catch(() => null));
  };

  const trim = (jobs: Job[]): Job[] => {
    const finished = jobs.filter((j) => isFinished(j.status));
    if (finished.length <= KEEP_FINISHED) return jobs;
    const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED).map((j) => j.id));
    return jobs.filter((j) => !drop.has(j.id));
  };

  /** A card for a charge (new, or found open after a restart). */
  const addJob = (toolId: string, target: ActionTarget, charge: Charge, init: Partial<Job> = {}): Job => {
    const job: Job = {
      id: deps.newId(),
      toolId,
      toolName: toolName(toolId, get().tools),
      target,
      label: target.kind === 'clip' ? (clipOf(target)?.name ?? 'Clip') : target.prompt,
      charge,
      status: 'running',
      progress: 0,
      message: null,
      outcome: null,
      why: null,
      ...init,
    };
    set((s) => ({ jobs: trim([...s.jobs, job]) }));
    return job;
  };

  /** Runs the simulated work of a card, then captures or releases. */
  const run = (job: Job) => {
    const corrupt = clipOf(job.target)?.corrupt === true;
    const stop = simulateJob(
      { random: deps.random, schedule: deps.schedule, stepMs: deps.job.stepMs, failRate: deps.job.failRate, corrupt },
      (progress) => patch(job.id, { progress }),
      (outcome) => {
        stops.delete(job.id);
        if (outcome === 'success') void succeed(job.id);
        else void release(job.id, 'failed', failureReason(job.target, corrupt));
      },
    );
    stops.set(job.id, stop);
  };

  /** Picks up one open charge main kept. */
  const adopt = async (open: OpenCharge) => {
    const { charge, target } = open;
    if (!target || byCharge(charge.id)) return;
    const gone = target.kind === 'clip' ? !clipOf(target) : !get().projects.some((p) => p.id === target.projectId);
    switch (open.state) {
      case 'running': {
        const left = Date.parse(charge.holdExpiresAt) - deps.now();
        if (gone || left < RESUME_MIN_HOLD_MS) {
          const why = gone
            ? 'The clip is no longer on the timeline'
            : 'Cutline was closed while this ran, and its credits were held too long to finish it now';
          const job = addJob(charge.tool, target, charge, { status: 'releasing', outcome: 'failed', why });
          await released(job.id, await api.release({ chargeId: charge.id, reason: 'failed' }).catch(() => null));
          return;
        }
        run(addJob(charge.tool, target, charge, { message: 'Resumed where Cutline left off.' }));
        return;
      }
      case 'settling': {
        const why = open.outcome === 'cancelled' ? 'Cancelled' : open.outcome === 'failed' ? failureReason(target, false) : null;
        addJob(charge.tool, target, charge, { status: 'waiting', progress: 1, outcome: open.outcome, why, message: why ? `${why}. ${open.message ?? ''}`.trim() : open.message });
        return;
      }
      case 'captured': {
        const job = addJob(charge.tool, target, charge, { status: 'capturing', progress: 1, outcome: 'succeeded' });
        if (gone) {
          patch(job.id, { status: 'error', message: `${job.toolName} finished and was charged, but its clip is no longer on the timeline.` });
          await acknowledge(charge.id);
          return;
        }
        await captured(job.id, { ok: true, value: charge });
        return;
      }
      case 'released': {
        const job = addJob(charge.tool, target, charge, {
          status: 'releasing',
          outcome: open.outcome === 'cancelled' ? 'cancelled' : 'failed',
          why: open.outcome === 'cancelled' ? 'Cancelled' : failureReason(target, false),
        });
        await released(job.id, { ok: true, value: charge });
        return;
      }
      case 'lost': {
        const job = addJob(charge.tool, target, charge, { status: 'capturing', progress: 1, outcome: open.outcome });
        await captured(job.id, { ok: false, error: { code: 'hold_lost', message: open.message ?? LOST } });
      }
    }
  };

  return {
    jobs: [],

    startJob({ toolId, target, charge }) {
      const job = addJob(toolId, target, charge);
      run(job);
      return job.id;
    },

    async cancelJob(jobId) {
      const job = find(jobId);
      if (!job || job.status !== 'running') return;
      stops.get(jobId)?.();
      stops.delete(jobId);
      await release(jobId, 'cancelled', 'Cancelled');
    },

    dismissJob(jobId) {
      const job = find(jobId);
      if (!job || !isFinished(job.status)) return;
      forget(jobId);
      set((s) => ({ jobs: s.jobs.filter((j) => j.id !== jobId) }));
    },

    async retryJob(jobId) {
      const job = find(jobId);
      if (!job || job.status !== 'failed') return;
      if (get().flow) return;
      get().dismissJob(jobId);
      await get().retryAction(job.toolId, job.target);
    },

    clearFinishedJobs() {
      const done = get().jobs.filter((j) => isFinished(j.status));
      for (const j of done) forget(j.id);
      set((s) => ({ jobs: s.jobs.filter((j) => !isFinished(j.status)) }));
    },

    resetJobs() {
      for (const stop of stops.values()) stop();
      stops.clear();
      for (const cancel of clearTimers.values()) cancel();
      clearTimers.clear();
      if (get().jobs.length > 0) set({ jobs: [] });
    },

    async resumeOpenCharges() {
      if (resuming) return resuming;
      const epoch = get().accountEpoch;
      resuming = (async () => {
        const open = await api.listOpenCharges().catch(() => [] as OpenCharge[]);
        if (get().accountEpoch !== epoch) return;
        for (const c of open) await adopt(c);
      })().finally(() => {
        resuming = null;
      });
      return resuming;
    },

    chargeSettled(open) {
      const job = byCharge(open.charge.id);
      if (!job) {
        void adopt(open);
        return;
      }
      if (job.status !== 'waiting' && job.status !== 'capturing' && job.status !== 'releasing') return;
      if (open.state === 'captured') void captured(job.id, { ok: true, value: open.charge });
      else if (open.state === 'released') void released(job.id, { ok: true, value: open.charge });
      else if (open.state === 'lost') void captured(job.id, { ok: false, error: { code: 'hold_lost', message: open.message ?? LOST } });
    },

    jobForClip(clipId) {
      return get().jobs.find(
        (j) =>
          j.target.kind === 'clip' &&
          j.target.clipId === clipId &&
          (j.status === 'running' || j.status === 'capturing' || j.status === 'releasing' || j.status === 'waiting'),
      );
    },
  };
}
