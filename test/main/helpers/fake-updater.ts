/**
 * An update mechanism for tests of everything around it (the core's controller, the browser
 * host's window): what a check finds is set by the test (`offer`), a download either finishes by
 * itself or is driven step by step (`emit`), and every call is recorded. It speaks the same port
 * as the electron-updater adapter, with events arriving asynchronously as electron-updater's do.
 */
import type { UpdaterEvent, UpdaterPort } from '../../../src/main/core/update-controller';

export class FakeUpdater implements UpdaterPort {
  /** Every call, in order. */
  readonly calls: string[] = [];
  /** The last value `setInstallOnQuit` was given. */
  installOnQuit: boolean | null = null;
  /** What the next check finds; null: nothing newer. */
  private offered: { version: string } | null = null;
  /** A check fails with this message. */
  failChecks: string | null = null;
  /** Downloads finish by themselves (progress 50 %, then downloaded); false: the test emits them. */
  autoDownload = true;
  private readonly listeners = new Set<(event: UpdaterEvent) => void>();

  offer(version: string | null): this {
    this.offered = version === null ? null : { version };
    return this;
  }

  count(call: string): number {
    return this.calls.filter((c) => c === call).length;
  }

  async check(): Promise<void> {
    this.calls.push('check');
    await Promise.resolve();
    this.emit({ type: 'checking' });
    await Promise.resolve();
    if (this.failChecks) this.emit({ type: 'error', message: this.failChecks });
    else if (this.offered) this.emit({ type: 'available', version: this.offered.version });
    else this.emit({ type: 'not-available' });
  }

  async download(): Promise<void> {
    this.calls.push('download');
    if (!this.autoDownload || !this.offered) return;
    const { version } = this.offered;
    await Promise.resolve();
    this.emit({ type: 'progress', percent: 50 });
    await Promise.resolve();
    this.emit({ type: 'downloaded', version });
  }

  quitAndInstall(): void {
    this.calls.push('quitAndInstall');
  }

  setInstallOnQuit(enabled: boolean): void {
    this.calls.push(`installOnQuit=${enabled}`);
    this.installOnQuit = enabled;
  }

  onEvent(listener: (event: UpdaterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** What electron-updater would report next. */
  emit(event: UpdaterEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
