/** The editor's Electron adapters (electron mocked): app menu → renderer commands, the file dialog, imported media over app://, the window title. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const { sent } = vi.hoisted(() => ({ sent: [] as unknown[] }));
vi.mock('electron', () => ({
  Menu: {
    buildFromTemplate: (template: unknown[]) => ({ template }),
    setApplicationMenu: (menu: unknown) => sent.push(menu),
  },
}));

import type { BrowserWindow, MenuItemConstructorOptions } from 'electron';
import { Menu } from 'electron';
import type { CoreDeps } from '../../../src/main/core/app-core';
import type { MenuCommand } from '@cutline/contract/ipc';
import { installAppMenu, menuTemplate } from '../../../src/main/electron/app-menu';
import { mediaUrl, serveAppScheme } from '../../../src/main/electron/app-scheme';
import { createFilePicker, MEDIA_FILTERS } from '../../../src/main/electron/media-dialog';
import { offlineCore } from '../helpers/offline-core';

const labels = (items: MenuItemConstructorOptions[]) => items.map((i) => i.label ?? i.role ?? i.type);
const submenu = (t: MenuItemConstructorOptions[], label: string) => t.find((i) => i.label === label)!.submenu as MenuItemConstructorOptions[];

const dir = mkdtempSync(join(tmpdir(), 'cutline-editor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const core = (extra: Partial<CoreDeps> = {}) => offlineCore({ media: { dir: join(dir, 'media'), urlFor: mediaUrl }, ...extra });

describe('application menu', () => {
  it('File, Edit, View, Help with the editor commands; Edit keeps the standard cut/copy/paste roles', () => {
    const t = menuTemplate(() => {}, 'linux');
    expect(labels(t)).toEqual(['File', 'Edit', 'View', 'Help']);
    expect(labels(submenu(t, 'File'))).toEqual(['New project', 'Import media…', 'separator', 'quit']);
    expect(labels(submenu(t, 'Edit'))).toEqual(['Undo', 'Redo', 'separator', 'cut', 'copy', 'paste', 'selectAll']);
    expect(submenu(t, 'Edit')[1].accelerator).toBe('CmdOrCtrl+Y');
    expect(menuTemplate(() => {}, 'darwin')[0].role).toBe('appMenu');
    expect(submenu(menuTemplate(() => {}, 'darwin'), 'Edit')[1].accelerator).toBe('Shift+CmdOrCtrl+Z');
  });

  it('each item sends its command to the renderer through the core (onMenuCommand)', () => {
    const c = core();
    const received: MenuCommand[] = [];
    c.cutline.onMenuCommand((cmd) => received.push(cmd));
    installAppMenu(Menu, (cmd) => c.sendMenuCommand(cmd), 'linux');
    const t = (sent.at(-1) as { template: MenuItemConstructorOptions[] }).template;
    const click = (menu: string, label: string) => (submenu(t, menu).find((i) => i.label === label)!.click as () => void)();
    click('File', 'Import media…');
    click('Edit', 'Undo');
    click('Edit', 'Redo');
    click('File', 'New project');
    click('View', 'Zoom timeline in');
    click('Help', 'Keyboard shortcuts');
    expect(received).toEqual(['import-media', 'undo', 'redo', 'new-project', 'zoom-in', 'shortcuts']);
  });
});

describe('Import media… dialog', () => {
  it('asks for several media files on the window and returns their paths; cancel is none', async () => {
    const calls: unknown[][] = [];
    const answers = [
      { canceled: false, filePaths: ['/home/me/a.webm', '/home/me/b.png'] },
      { canceled: true, filePaths: [] },
    ];
    const window = { id: 1 } as unknown as BrowserWindow;
    const pick = createFilePicker({ showOpenDialog: (async (...args: unknown[]) => (calls.push(args), answers.shift())) as never }, () => window);
    expect(await pick()).toEqual(['/home/me/a.webm', '/home/me/b.png']);
    expect(await pick()).toEqual([]);
    expect(calls[0][0]).toBe(window);
    expect(calls[0][1]).toMatchObject({ properties: ['openFile', 'multiSelections'] });
    expect(MEDIA_FILTERS[0].extensions).toEqual(expect.arrayContaining(['mp4', 'webm', 'mov', 'mp3', 'wav', 'png', 'jpg']));
  });

  it('the core reads the chosen files; a refused one comes back named, unread', async () => {
    const good = join(dir, 'clip.webm');
    const bad = join(dir, 'notes.txt');
    writeFileSync(good, Buffer.from([1, 2, 3, 4]));
    writeFileSync(bad, 'hello');
    const c = core({ pickFiles: async () => [good, bad, join(dir, 'gone.mp4')] });
    const r = await c.cutline.pickMediaFiles();
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((f) => [f.name, f.type, f.bytes.length, f.refused ?? null])).toEqual([
      ['clip.webm', 'video/webm', 4, null],
      ['notes.txt', '', 0, expect.stringContaining("“notes.txt” can't be imported")],
      ['gone.mp4', '', 0, '“gone.mp4” could not be read.'],
    ]);
  });
});

describe('imported media in the window', () => {
  it('is copied into the data folder and served from app://cutline/media/<id> with byte ranges; nothing else is', async () => {
    const c = core();
    const bytes = new Uint8Array(Array.from({ length: 100 }, (_, i) => i));
    const r = await c.cutline.importMedia({ name: 'Trip.webm', type: 'video/webm', bytes, meta: { duration: 3 } });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ name: 'Trip', kind: 'video', size: 100, url: `app://cutline/media/${r.value.id}` });
    expect(await c.cutline.listMedia()).toEqual([r.value]);

    let handler: ((request: Request) => Promise<Response>) | null = null;
    serveAppScheme({ handle: (_s: string, h: (request: Request) => Promise<Response>) => (handler = h) } as never, dir, 'csp', (id) => c.media!.fileOf(id));
    const whole = await handler!(new Request(r.value.url));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/webm');
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const part = await handler!(new Request(r.value.url, { headers: { range: 'bytes=10-19' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/100');
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect((await handler!(new Request(r.value.url, { headers: { range: 'bytes=500-' } }))).status).toBe(416);
    for (const bad of ['app://cutline/media/..%2f..%2fsettings.json', 'app://cutline/media/m-0000000000000000', 'app://cutline/media/']) {
      expect((await handler!(new Request(bad))).status, bad).toBe(404);
    }
  });

  it('main refuses a file the rules refuse, whatever the page says', async () => {
    const c = core();
    const r = await c.cutline.importMedia({ name: 'page.html', type: 'text/html', bytes: new Uint8Array(5), meta: { duration: 1 } });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await c.cutline.listMedia()).toEqual([]);
  });

  it('the window title follows the project through the adapter', async () => {
    const titles: string[] = [];
    const c = core({ setWindowTitle: (t) => titles.push(t) });
    await c.cutline.setWindowTitle('Launch trailer — Cutline');
    expect(titles).toEqual(['Launch trailer — Cutline']);
  });
});
