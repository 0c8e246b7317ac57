/**
 * Setting up one AI action (docs/product.md § The desktop app):
 * [exchange prompt] → [prompt, for AI Generate] → quote → confirm (or not enough) → hold → job.
 */
import { toolNotApplicable } from '@cutline/contract/tool-media';
import { personalAmount, shortfall } from '../team-share';
import { isGenerateTool, toolMediaKind, toolName } from '../tools';
import { chargeProject } from './project-cost';
import type { ActionTarget, Deps, FlowSlice, Get, Set } from './types';

export function createFlowSlice(deps: Deps, set: Set, get: Get): FlowSlice {
  const { api } = deps;

  /** Whether this action should first ask the Pro-uses account to exchange. */
  const shouldAskExchange = (toolId: string): boolean => {
    const s = get();
    if (s.exchangeAsked || s.prefs.exchangePromptDismissed) return false;
    const account = s.app?.account;
    if (!account || account.exchanged) return false;
    const uses = s.balance?.proUses ?? account.proUses;
    if (!uses || uses.remaining <= 0) return false;
    return s.tools?.find((t) => t.id === toolId)?.eligibleForProUses === true;
  };

  /** Prices the action and opens the confirm dialog (`note`: why it is asked again, shown in it). */
  const quoteAndConfirm = async (toolId: string, target: ActionTarget, note?: string): Promise<void> => {
    set({ flow: { step: 'quoting', toolId, target } });
    const r = await api.quote({ tool: toolId, quantity: 1, ...(target.kind === 'clip' ? { mediaId: target.mediaId } : {}) }).catch(() => null);
    // The user may have cancelled while the price was being checked.
    const f = get().flow;
    if (!f || f.step !== 'quoting' || f.target !== target) return;
    if (!r || !r.ok) {
      set({ flow: null });
      get().notify('error', r ? r.error.message : `The price of ${toolName(toolId, get().tools)} could not be checked.`);
      return;
    }
    const quote = r.value;
    const teamMember = !!get().app?.account?.teamId;
    if (!quote.covered) {
      const why = shortfall(quote.balance, quote.cost, teamMember);
      set({ flow: { step: 'not-enough', toolId, cost: quote.cost, available: quote.balance.total, error: null, ...(why ? { why } : {}) } });
      return;
    }
    // A team member is asked before their own credits are used (their setting, on by default).
    const personal = teamMember && !quote.usesProUse ? personalAmount(quote, get().balance) : 0;
    const askPersonal = teamMember && !quote.usesProUse && get().prefs.askBeforePersonalCredits;
    set({
      flow: {
        step: 'confirm', toolId, target, quote, actionId: deps.newId(), busy: false, error: note ?? null,
        again: appliedAlready(toolId, target), againConfirmed: false, personal, askPersonal, personalConfirmed: false,
      },
    });
  };

  /** Whether the clip already has this tool's paid result: shown, or hidden by an undo. */
  const appliedAlready = (toolId: string, target: ActionTarget): 'shown' | 'hidden' | null => {
    if (target.kind !== 'clip') return null;
    const clip = get().projects.find((p) => p.id === target.projectId)?.clips.find((c) => c.id === target.clipId);
    if (clip?.effects.includes(toolId)) return 'shown';
    if (clip?.hiddenEffects?.includes(toolId)) return 'hidden';
    return null;
  };

  /** After the exchange prompt (if any): ask for a prompt, or go price it. */
  const proceed = async (toolId: string, target: ActionTarget | null): Promise<void> => {
    const projectId = get().openProjectId;
    if (!target) {
      if (!projectId) return;
      set({ flow: { step: 'prompt', toolId, projectId } });
      return;
    }
    await quoteAndConfirm(toolId, target);
  };

  return {
    flow: null,
    exchangeAsked: false,

    aiUnavailableReason() {
      const s = get();
      if (!s.app) return 'Cutline is starting.';
      if (!s.app.account) return 'Sign in to use AI tools.';
      if (s.app.connection === 'connecting') return 'Connecting to the credit service…';
      if (s.app.connection !== 'online') {
        return s.app.offlineReason ?? "You're offline. AI tools need a connection to the credit service; editing still works.";
      }
      if (!s.tools) return s.toolsError ?? 'Loading prices…';
      return null;
    },

    aiBlockedReason(toolId, clipId) {
      const s = get();
      const all = s.aiUnavailableReason();
      if (all) return all;
      if (!s.tools?.some((t) => t.id === toolId)) return 'This tool is not available right now.';
      if (clipId) {
        const clip = s.projects.find((p) => p.id === s.openProjectId)?.clips.find((c) => c.id === clipId);
        const refused = clip && toolNotApplicable(toolId, toolName(toolId, s.tools), toolMediaKind(clip.mediaId));
        if (refused) return refused;
        if (s.jobForClip(clipId)) return 'An AI tool is already running on this clip.';
      }
      return null;
    },

    async startAction(toolId, on) {
      const s = get();
      if (s.flow) return;
      const reason = s.aiBlockedReason(toolId, on?.clipId);
      if (reason) {
        s.notify('error', reason);
        return;
      }
      const projectId = s.openProjectId;
      if (!projectId) return;
      let target: ActionTarget | null = null;
      if (on) {
        const clip = s.projects.find((p) => p.id === projectId)?.clips.find((c) => c.id === on.clipId);
        if (!clip) return;
        target = { kind: 'clip', projectId, clipId: clip.id, mediaId: clip.mediaId };
      } else if (!isGenerateTool(toolId)) {
        return;
      }
      if (shouldAskExchange(toolId)) {
        set({ exchangeAsked: true, flow: { step: 'exchange', toolId, target, opened: false, error: null } });
        return;
      }
      await proceed(toolId, target);
    },

    async retryAction(toolId, target) {
      const s = get();
      if (s.flow) return;
      const reason = s.aiBlockedReason(toolId, target.kind === 'clip' ? target.clipId : undefined);
      if (reason) {
        s.notify('error', reason);
        return;
      }
      if (target.kind === 'clip') {
        const clip = s.projects.find((p) => p.id === target.projectId)?.clips.find((c) => c.id === target.clipId);
        if (!clip) {
          s.notify('error', 'That clip is no longer on the timeline, so the tool cannot run again.');
          return;
        }
      } else if (!s.projects.some((p) => p.id === target.projectId)) {
        s.notify('error', 'That project no longer exists, so the tool cannot run again.');
        return;
      }
      await quoteAndConfirm(toolId, target);
    },

    async submitPrompt(prompt) {
      const f = get().flow;
      if (!f || f.step !== 'prompt') return;
      const text = prompt.trim();
      if (!text) return;
      await quoteAndConfirm(f.toolId, { kind: 'generate', projectId: f.projectId, prompt: text.slice(0, 200) });
    },

    async exchangeChoice(choice) {
      const f = get().flow;
      if (!f || f.step !== 'exchange') return;
      if (choice === 'close') {
        set({ flow: null });
        return;
      }
      if (choice === 'not-now') {
        set((s) => ({ prefs: { ...s.prefs, exchangePromptDismissed: true } }));
        void api
          .setPrefs({ exchangePromptDismissed: true })
          .then((p) => set({ prefs: p }))
          .catch(() => {});
        await proceed(f.toolId, f.target);
        return;
      }
      const error = await get().openWeb('/exchange');
      if (get().flow?.step !== 'exchange') return;
      if (error) {
        set({ flow: { ...f, error } });
        return;
      }
      if (choice === 'learn-more') {
        set({ flow: { ...f, opened: true, error: null } });
        return;
      }
      set({ flow: null });
      get().notify('info', "The exchange page is open in your browser. Cutline updates as soon as you've exchanged.");
    },

    confirmAgain(checked) {
      const f = get().flow;
      if (f?.step === 'confirm') set({ flow: { ...f, againConfirmed: checked } });
    },

    confirmPersonal(checked) {
      const f = get().flow;
      if (f?.step === 'confirm') set({ flow: { ...f, personalConfirmed: checked } });
    },

    async confirmFlow() {
      const f = get().flow;
      if (!f || f.step !== 'confirm' || f.busy) return;
      // a second charge for a result the clip already has needs its own yes
      if (f.again && !f.againConfirmed) return;
      // so does using a team member's own credits, when they asked to be asked
      if (f.askPersonal && f.personal > 0 && !f.personalConfirmed) return;
      set({ flow: { ...f, busy: true, error: null } });
      // What they agreed to: the hold may take no more of their own credits (a pool a teammate drained
      // meanwhile is refused, never paid from their own money unasked).
      const cap = f.askPersonal ? { personalCap: f.personal } : {};
      // The project the action is for goes with the charge (its cost in the project bar, the Activity panel, the web).
      const project = chargeProject(get().projects.find((p) => p.id === f.target.projectId));
      const r = await api.hold({ actionId: f.actionId, tool: f.toolId, quantity: 1, target: f.target, ...cap, ...(project ? { project } : {}) }).catch(() => null);
      const now = get().flow;
      if (!now || now.step !== 'confirm' || now.actionId !== f.actionId) {
        // Cancelled while the hold was being made: give the credits straight back.
        if (r && r.ok) void api.release({ chargeId: r.value.id, reason: 'cancelled' }).catch(() => {});
        return;
      }
      if (!r) {
        set({ flow: { ...f, busy: false, error: 'Your credits could not be reserved. Please try again.' } });
        return;
      }
      if (!r.ok) {
        if (r.error.code === 'insufficient_credits' && r.error.reason === 'personal_cap') {
          // The pool changed since the dialog: price it again and ask again, saying why.
          await quoteAndConfirm(f.toolId, f.target, r.error.message);
          return;
        }
        if (r.error.code === 'insufficient_credits') {
          const balance = get().balance;
          const teamMember = !!get().app?.account?.teamId;
          const cost = r.error.cost ?? f.quote.cost;
          // the service says what stopped it; without a reason (an older service) the snapshot tells
          const local = balance ? shortfall(balance, cost, teamMember) : null;
          const why = r.error.reason === 'member_limit' ? 'member_limit' : r.error.reason === 'insufficient' && local === 'member_limit' ? null : local;
          set({
            flow: { step: 'not-enough', toolId: f.toolId, cost, available: r.error.available ?? balance?.total ?? 0, error: null, ...(why ? { why } : {}) },
          });
          return;
        }
        // Continue again retries with the same actionId: the same charge, never a second one.
        set({ flow: { ...f, busy: false, error: r.error.message } });
        return;
      }
      set({ flow: null });
      get().startJob({ toolId: f.toolId, target: f.target, charge: r.value });
    },

    cancelFlow() {
      set({ flow: null });
    },
  };
}
