import { beforeEach, describe, expect, it, vi } from 'vitest';

const shown: Array<{ title: string; body: string }> = [];
let supported = true;
vi.mock('electron', () => {
  class Notification {
    static isSupported = () => supported;
    private handlers: Record<string, () => void> = {};
    constructor(private readonly opts: { title: string; body: string }) {}
    on(event: string, fn: () => void) {
      this.handlers[event] = fn;
      return this;
    }
    show() {
      shown.push({ title: this.opts.title, body: this.opts.body });
      this.handlers.click?.();
    }
  }
  return { Notification };
});

const { createOsNotifier } = await import('../../../src/main/electron/notifier');

describe('createOsNotifier', () => {
  beforeEach(() => {
    shown.length = 0;
    supported = true;
  });

  it('shows one OS notification with the alert, and a click brings the window forward', () => {
    const front = vi.fn();
    createOsNotifier(front).show({ title: 'Cutline credits', body: '30 activity credits expire on Thursday.' });
    expect(shown).toEqual([{ title: 'Cutline credits', body: '30 activity credits expire on Thursday.' }]);
    expect(front).toHaveBeenCalledTimes(1);
  });

  it('throws where the OS has no notifications, so the core knows the window must show it', () => {
    supported = false;
    expect(() => createOsNotifier(() => {}).show({ title: 't', body: 'b' })).toThrow(/not supported/);
    expect(shown).toEqual([]);
  });
});
