/**
 * The application menu: File (New project, Import media…), Edit (Undo/Redo, then the standard
 * cut/copy/paste roles), View (zoom the timeline, play/pause), Help (shortcuts, check for updates). Editor commands go to the
 * renderer as `onMenuCommand` events through the core; the renderer has the same commands in its
 * own toolbar (the browser host has no native menu).
 */
import type { Menu as MenuType, MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '@cutline/contract/ipc';

export function menuTemplate(send: (command: MenuCommand) => void, platform: NodeJS.Platform, checkForUpdates?: () => void): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string, rendererHasKey = true): MenuItemConstructorOptions => ({
    label,
    accelerator,
    // keys the renderer handles itself are shown here, not registered twice
    registerAccelerator: !rendererHasKey,
    click: () => send(command),
  });
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('New project', 'new-project', 'CmdOrCtrl+N', false),
        item('Import media…', 'import-media', 'CmdOrCtrl+I'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('Undo', 'undo', 'CmdOrCtrl+Z'),
        item('Redo', 'redo', mac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        item('Play / Pause', 'play-pause', 'Space'),
        { type: 'separator' },
        item('Zoom timeline in', 'zoom-in', 'CmdOrCtrl+='),
        item('Zoom timeline out', 'zoom-out', 'CmdOrCtrl+-'),
        item('Fit timeline', 'zoom-fit', 'CmdOrCtrl+0'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Help',
      submenu: [item('Keyboard shortcuts', 'shortcuts', 'F1'), ...(checkForUpdates ? [{ label: 'Check for updates…', click: () => checkForUpdates() }] : [])],
    },
  ];
}

export function installAppMenu(
  Menu: Pick<typeof MenuType, 'buildFromTemplate' | 'setApplicationMenu'>,
  send: (command: MenuCommand) => void,
  platform: NodeJS.Platform,
  checkForUpdates?: () => void,
): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(send, platform, checkForUpdates)));
}
