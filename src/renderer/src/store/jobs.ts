/**
 * Running AI jobs: the simulated work, then capture on success or release on failure / cancel.
 * Several jobs may run at once (one per clip).
 */
import { returnedText, spentText } from '../format';
import { simulateJob } from '../jobs/simulate';
import { toolName } from '../tools';
import type { Deps, Get, Job, JobsSlice, Set } from './types';

const KEEP_FINISHED = 20;
/** A finished card clears itself after this long; a failed one stays longer, for its Retry. */
export const FINISHED_CLEAR_MS = 60_000;
export const FAILED_CLEAR_MS = 180_000;

const isFinished = (status: Job['status']) => status === 'done' || status === 'failed' || status === 'cancelled' || status === 'error';

export function createJobsSlice(deps: Deps, set: Set, get: Get): JobsSlice {
  const { api } = deps;
  const stops = new Map<string, () => void>();
  const clearTimers = new Map<string, () => void>();

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

  const failureReason = (job: Job, corrupt: boolean): string => {
    if (corrupt) return "The clip's file is damaged, so it could not be processed";
    return job.target.kind === 'generate'
      ? 'The AI could not generate a result this time'
      : 'The AI could not process this clip this time';
  };

  const succeed = async (id: string) => {
    const job = find(id);
    if (!job || job.status !== 'running') return;
    patch(id, { status: 'capturing', progress: 1 });
    const r = await api.capture({ chargeId: job.charge.id }).catch(() => null);
    if (!r || !r.ok) {
      const why = r ? r.error.message : 'The charge could not be completed.';
      const lost = r?.error.code === 'hold_lost';
      patch(id, {
        status: 'error',
        message: lost
          ? `${why} Nothing was charged and the result was discarded; run the tool again.`
          : `${why} If the charge can't be completed, the held credits are returned automatically.`,
      });
      return;
    }
    const t = job.target;
    if (t.kind === 'clip') get().applyEffect(t.projectId, t.clipId, job.toolId);
    else get().addGeneratedClip(t.projectId, job.toolId, t.prompt);
    patch(id, { status: 'done', charge: r.value, message: `${job.toolName} applied. ${spentText(r.value)}.` });
  };

  const release = async (id: string, reason: 'failed' | 'cancelled', what: string) => {
    const job = find(id);
    if (!job) return;
    patch(id, { status: 'releasing' });
    const r = await api.release({ chargeId: job.charge.id, reason }).catch(() => null);
    const status = reason === 'failed' ? 'failed' : 'cancelled';
    if (!r || !r.ok) {
      const why = r ? r.error.message : 'The credits could not be returned right now.';
      patch(id, { status, message: `${what}. ${why} Held credits are returned automatically when the hold expires.` });
      return;
    }
    patch(id, { status, charge: r.value, message: `${what}. ${returnedText(r.value)}.` });
  };

  const trim = (jobs: Job[]): Job[] => {
    const finished = jobs.filter((j) => isFinished(j.status));
    if (finished.length <= KEEP_FINISHED) return jobs;
    const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED).map((j) => j.id));
    return jobs.filter((j) => !drop.has(j.id));
  };

  return {
    jobs: [],

    startJob({ toolId, target, charge }) {
      const id = deps.newId();
      let label = '';
      let corrupt = false;
      if (target.kind === 'clip') {
        const clip = get()
          .projects.find((p) => p.id === target.projectId)
          ?.clips.find((c) => c.id === target.clipId);
        label = clip?.name ?? 'Clip';
        corrupt = clip?.corrupt === true;
      } else {
        label = target.prompt;
      }
      const job: Job = {
        id,
        toolId,
        toolName: toolName(toolId, get().tools),
        target,
        label,
        charge,
        status: 'running',
        progress: 0,
        message: null,
      };
      set((s) => ({ jobs: trim([...s.jobs, job]) }));
      const stop = simulateJob(
        { random: deps.random, schedule: deps.schedule, stepMs: deps.job.stepMs, failRate: deps.job.failRate, corrupt },
        (progress) => patch(id, { progress }),
        (outcome) => {
          stops.delete(id);
          if (outcome === 'success') void succeed(id);
          else void release(id, 'failed', failureReason(job, corrupt));
        },
      );
      stops.set(id, stop);
      return id;
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

    jobForClip(clipId) {
      return get().jobs.find(
        (j) =>
          j.target.kind === 'clip' &&
          j.target.clipId === clipId &&
          (j.status === 'running' || j.status === 'capturing' || j.status === 'releasing'),
      );
    },
  };
}
