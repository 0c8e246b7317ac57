/**
 * The dialogs of one AI action: exchange prompt, generate prompt, confirm spend, not enough
 * credits. Which one shows is `flow.step` in the store.
 */
import { useId, useState } from 'react';
import { exchangeCredits } from '@cutline/contract/credit-types';
import { exchangeTradeOff } from '@cutline/contract/pro-uses';
import type { MemberLimit } from '@cutline/contract/api';
import { confirmQuestion, credits, num, proUses, usingTypes } from '../format';
import { ownOf, partsWords, personalParts, poolOf } from '../team-share';
import { useApp } from '../store';
import type { Flow } from '../store/types';
import { notEnoughCopy } from '../not-enough';
import { CLIP_TOOL_IDS, toolName } from '../tools';
import { Dialog } from './Dialog';

export function FlowDialogs() {
  const flow = useApp((s) => s.flow);
  if (!flow) return null;
  switch (flow.step) {
    case 'exchange':
      return <ExchangePrompt flow={flow} />;
    case 'prompt':
      return <PromptDialog flow={flow} />;
    case 'quoting':
    case 'confirm':
      return <ConfirmDialog flow={flow} />;
    case 'not-enough':
      return <NotEnoughDialog flow={flow} />;
  }
}

function useToolName(id: string): string {
  const tools = useApp((s) => s.tools);
  return toolName(id, tools);
}

function targetLabel(s: { projects: { id: string; clips: { id: string; name: string }[] }[] }, flow: Flow): string | null {
  if (flow.step !== 'confirm' && flow.step !== 'quoting') return null;
  const t = flow.target;
  if (t.kind === 'generate') return `“${t.prompt}”`;
  return s.projects.find((p) => p.id === t.projectId)?.clips.find((c) => c.id === t.clipId)?.name ?? null;
}

/** Whether the action's clip is marked damaged (the sample media's drone clip). */
function targetDamaged(s: { projects: { id: string; clips: { id: string; corrupt?: boolean }[] }[] }, flow: Flow): boolean {
  if (flow.step !== 'confirm' && flow.step !== 'quoting') return false;
  const t = flow.target;
  if (t.kind !== 'clip') return false;
  return s.projects.find((p) => p.id === t.projectId)?.clips.find((c) => c.id === t.clipId)?.corrupt === true;
}

export function ConfirmDialog({ flow }: { flow: Extract<Flow, { step: 'confirm' | 'quoting' }> }) {
  const name = useToolName(flow.toolId);
  const balance = useApp((s) => s.balance);
  const on = useApp((s) => targetLabel(s, flow));
  const damaged = useApp((s) => targetDamaged(s, flow));
  const confirm = useApp((s) => s.confirmFlow);
  const confirmAgain = useApp((s) => s.confirmAgain);
  const confirmPersonal = useApp((s) => s.confirmPersonal);
  const cancel = useApp((s) => s.cancelFlow);
  const questionId = useId();
  const againId = useId();
  const personalId = useId();

  if (flow.step === 'quoting') {
    return (
      <Dialog key="quoting" title={name} onCancel={cancel} role="alertdialog" actions={<button type="button" onClick={cancel}>Cancel</button>}>
        <p aria-live="polite">Checking the price…</p>
      </Dialog>
    );
  }

  const q = flow.quote;
  // main took the quote's snapshot before answering, and keeps the newest: the live balance is current
  const shown = balance ?? q.balance;
  const needsPersonalYes = flow.askPersonal && flow.personal > 0;
  const limit = !q.usesProUse ? (shown.limit ?? null) : null;
  return (
    <Dialog
      key="confirm"
      title={name}
      onCancel={cancel}
      role="alertdialog"
      className="confirm-dialog"
      describedBy={questionId}
      actions={
        <>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void confirm()}
            data-autofocus={flow.again || needsPersonalYes ? undefined : true}
            disabled={flow.busy || (flow.again !== null && !flow.againConfirmed) || (needsPersonalYes && !flow.personalConfirmed)}
          >
            {flow.busy ? 'Reserving…' : 'Continue'}
          </button>
        </>
      }
    >
      {on && <p className="dialog-target">On {on}</p>}
      {damaged && (
        <p className="dialog-warning" role="note" data-testid="damaged-warning">
          This clip's file looks damaged, so {name} will most likely fail on it. If it fails, the{' '}
          {q.usesProUse ? 'Pro use is' : 'credits are'} returned — but you may want to replace the clip first.
        </p>
      )}
      {flow.again && (
        <div className="dialog-warning" role="note" data-testid="applied-again">
          <p>
            {flow.again === 'shown'
              ? `${name} is already applied to this clip. Running it again is a second charge for the same result.`
              : `${name} was applied to this clip and then undone; the result is kept, hidden. Show it again at no cost from the preview, or run it again as a second charge.`}
          </p>
          <label htmlFor={againId} className="check">
            <input id={againId} type="checkbox" data-autofocus checked={flow.againConfirmed} onChange={(e) => confirmAgain(e.target.checked)} />{' '}
            Apply {name} again and pay for it a second time
          </label>
        </div>
      )}
      <p id={questionId} className="dialog-question">
        {confirmQuestion(q)}
      </p>
      {!q.usesProUse && q.plan.length > 0 && <p className="dialog-types">{usingTypes(q.plan)}</p>}
      {limit && (
        <p className="dialog-limit" data-testid="confirm-limit">
          {limitLine(limit, poolOf(shown))}
        </p>
      )}
      {needsPersonalYes && (
        <div className="dialog-warning" role="note" data-testid="personal-consent">
          <p>{personalWhy(flow.personal, personalParts(q, balance), limit, poolOf(shown))}</p>
          <label htmlFor={personalId} className="check">
            <input
              id={personalId}
              type="checkbox"
              data-autofocus={flow.again ? undefined : true}
              checked={flow.personalConfirmed}
              onChange={(e) => confirmPersonal(e.target.checked)}
            />{' '}
            Use {credits(flow.personal)} of my own
          </label>
        </div>
      )}
      <p className="dialog-balance">
        {q.usesProUse && shown.proUses
          ? `You have ${proUses(shown.proUses.remaining)} left.`
          : `Your balance: ${credits(shown.total)}.`}
      </p>
      <p className="hint">If the job fails or you cancel it, the {q.usesProUse ? 'Pro use is' : 'credits are'} returned.</p>
      {flow.error && (
        <p className="error" role="alert">
          {flow.error}
        </p>
      )}
    </Dialog>
  );
}

/** "Your limit on the team's credits: 60 of 100 left this cycle." */
function limitLine(limit: MemberLimit, pool: number): string {
  const left = Math.min(limit.remaining, pool);
  return `Your limit on the team's credits: ${num(left)} of ${num(limit.credits)} left this cycle.`;
}

/** Why the action needs the member's own credits, and how many of which. */
function personalWhy(amount: number, parts: Parameters<typeof partsWords>[0], limit: MemberLimit | null, pool: number): string {
  const because =
    limit && limit.remaining < pool
      ? `your limit on the team's credits has ${credits(limit.remaining)} left`
      : pool > 0
        ? `the team's pool has only ${credits(pool)} left`
        : "the team's pool is empty";
  const which = parts.length ? ` (${partsWords(parts)})` : '';
  return `This uses ${credits(amount)} of your own${which}, because ${because}.`;
}

export function NotEnoughDialog({ flow }: { flow: Extract<Flow, { step: 'not-enough' }> }) {
  const name = useToolName(flow.toolId);
  const tool = useApp((s) => s.tools?.find((t) => t.id === flow.toolId) ?? null);
  const account = useApp((s) => s.app?.account ?? null);
  const balance = useApp((s) => s.balance);
  const proUsesLeft = useApp((s) => s.balance?.proUses?.remaining ?? null);
  const openWeb = useApp((s) => s.openWeb);
  const cancel = useApp((s) => s.cancelFlow);
  const notify = useApp((s) => s.notify);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const textId = useId();
  const copy = notEnoughCopy({
    account,
    proUsesLeft,
    tool: { name, eligibleForProUses: tool?.eligibleForProUses ?? true },
    cost: flow.cost,
    available: flow.available,
    team: flow.why && balance ? { why: flow.why, pool: poolOf(balance), limit: balance.limit ?? null, own: ownOf(balance) } : undefined,
  });

  const go = async (path: '/store' | '/upgrade') => {
    setBusy(true);
    const e = await openWeb(path);
    setBusy(false);
    if (e) {
      setError(e);
      return;
    }
    cancel();
    notify(
      'info',
      path === '/store'
        ? 'The store is open in your browser. Your balance updates here as soon as you buy.'
        : 'The Pro checkout is open in your browser. Cutline updates as soon as you upgrade.',
    );
  };

  if (asking) return <RequestMoreDialog suggested={Math.max(1, flow.cost - flow.available)} onBack={() => setAsking(false)} onDone={cancel} />;

  return (
    <Dialog
      title="Not enough credits"
      onCancel={cancel}
      role="alertdialog"
      className="not-enough-dialog"
      describedBy={textId}
      actions={
        <>
          <button type="button" onClick={cancel}>
            Close
          </button>
          {copy.offerUpgrade && (
            <button type="button" onClick={() => void go('/upgrade')} disabled={busy}>
              Upgrade to Pro
            </button>
          )}
          <button type="button" className={copy.offerRequestMore ? undefined : 'primary'} data-autofocus={copy.offerRequestMore ? undefined : true} onClick={() => void go('/store')} disabled={busy}>
            Buy credits
          </button>
          {copy.offerRequestMore && (
            <button type="button" className="primary" data-autofocus onClick={() => setAsking(true)}>
              Request more…
            </button>
          )}
        </>
      }
    >
      <p id={textId} className="dialog-question">
        {copy.headline}
      </p>
      <p className="dialog-amounts">{copy.detail}</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}

/** *Request more…*: how many credits to add to the limit, and a note for the team admins. */
export function RequestMoreDialog({ suggested, onBack, onDone }: { suggested: number; onBack: () => void; onDone: () => void }) {
  const send = useApp((s) => s.requestMoreCredits);
  const notify = useApp((s) => s.notify);
  const [amount, setAmount] = useState(String(suggested));
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const amountId = useId();
  const noteId = useId();
  const formId = useId();

  const submit = async () => {
    if (busy) return;
    const text = amount.trim();
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > 1_000_000_000) {
      setError('Enter a whole number of credits from 1 to 1,000,000,000.');
      return;
    }
    setBusy(true);
    const problem = await send(n, note);
    setBusy(false);
    if (problem) {
      setError(problem);
      return;
    }
    onDone();
    notify('success', `Your request for ${credits(n)} more is sent to your team's admins. Cutline tells you as soon as they answer.`);
  };

  return (
    <Dialog
      title="Request more credits"
      onCancel={onDone}
      className="request-more-dialog"
      actions={
        <>
          <button type="button" onClick={onBack}>
            Back
          </button>
          <button type="submit" form={formId} className="primary" aria-disabled={busy || undefined}>
            {busy ? 'Sending…' : 'Send request'}
          </button>
        </>
      }
    >
      <form
        id={formId}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p>Ask your team's admins to raise your limit on the team's credits for this cycle.</p>
        <label htmlFor={amountId}>Credits to add to your limit</label>
        <input id={amountId} data-autofocus type="text" inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} aria-describedby={error ? `${formId}-error` : undefined} />
        <label htmlFor={noteId}>Note for the admins (optional)</label>
        <textarea id={noteId} rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder="What it is for" />
      </form>
      {error && (
        <p id={`${formId}-error`} className="error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}

export function ExchangePrompt({ flow }: { flow: Extract<Flow, { step: 'exchange' }> }) {
  const choose = useApp((s) => s.exchangeChoice);
  const uses = useApp((s) => s.balance?.proUses ?? s.app?.account?.proUses ?? null);
  const tools = useApp((s) => s.tools);
  const textId = useId();
  const remaining = uses?.remaining ?? 0;
  return (
    <Dialog
      title="Switch to flexible credits?"
      onCancel={() => void choose('close')}
      className="exchange-dialog"
      describedBy={textId}
      actions={
        <>
          <button type="button" onClick={() => void choose('not-now')}>
            Not now
          </button>
          <button type="button" onClick={() => void choose('learn-more')}>
            Learn More
          </button>
          <button type="button" className="primary" data-autofocus onClick={() => void choose('exchange-now')}>
            Exchange Now
          </button>
        </>
      }
    >
      <p id={textId} className="dialog-question">
        Would you like to switch from Pro uses to flexible credits?
      </p>
      <p>
        Your {proUses(remaining)} would become {credits(exchangeCredits(remaining))} you can spend on any AI tool until your
        billing cycle ends. The exchange happens on the web and can't be undone.
      </p>
      {tools && (
        <p className="dialog-tradeoff" data-testid="exchange-tradeoff">
          {exchangeTradeOff(remaining, exchangeCredits(remaining), tools, CLIP_TOOL_IDS)}
        </p>
      )}
      {flow.opened && <p className="hint" role="status">The exchange page is open in your browser.</p>}
      {flow.error && (
        <p className="error" role="alert">
          {flow.error}
        </p>
      )}
    </Dialog>
  );
}

export function PromptDialog({ flow }: { flow: Extract<Flow, { step: 'prompt' }> }) {
  const name = useToolName(flow.toolId);
  const submit = useApp((s) => s.submitPrompt);
  const cancel = useApp((s) => s.cancelFlow);
  const [text, setText] = useState('');
  const isScript = flow.toolId === 'script-to-video';
  const fieldId = useId();
  return (
    <Dialog
      title={name}
      onCancel={cancel}
      actions={
        <>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
          <button type="submit" form={`${fieldId}-form`} className="primary" disabled={!text.trim()}>
            Continue
          </button>
        </>
      }
    >
      <form
        id={`${fieldId}-form`}
        onSubmit={(e) => {
          e.preventDefault();
          void submit(text);
        }}
      >
        <label htmlFor={fieldId}>{isScript ? 'Your script' : 'Describe the image'}</label>
        <textarea
          id={fieldId}
          data-autofocus
          rows={isScript ? 6 : 3}
          maxLength={isScript ? 2000 : 200}
          value={text}
          placeholder={isScript ? 'Scene 1: a sunrise over the bay…' : 'A neon city street in the rain'}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              if (text.trim()) void submit(text);
            }
          }}
        />
      </form>
    </Dialog>
  );
}
