/** The application menu as a pure template builder (actions injected), so it is testable. */
import type { MenuItemConstructorOptions } from 'electron';

export const PAPER_URL = 'https://doi.org/10.1126/science.aaw1147';
export const PAPER_TITLE =
  'Noé, Olsson, Köhler, Wu: Boltzmann generators: Sampling equilibrium states of many-body systems with deep learning. Science 365, eaaw1147 (2019)';

export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openRecent(path: string): void;
  importTrajectory(): void;
  exportData(): void;
  openExternal(url: string): void;
  about(): void;
}

export function buildMenuTemplate(
  actions: MenuActions,
  recent: { path: string }[],
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? recent.slice(0, 10).map((r) => ({ label: r.path, click: () => actions.openRecent(r.path) }))
    : [{ label: 'No recent projects', enabled: false }];
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => actions.newProject() },
      { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
      { label: 'Open Recent', submenu: recentItems },
      { type: 'separator' },
      { label: 'Import Trajectory…', accelerator: 'CmdOrCtrl+I', click: () => actions.importTrajectory() },
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportData() },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      {
        label: 'Boltzmann Generators (Noé et al., Science 2019)',
        toolTip: PAPER_TITLE,
        click: () => actions.openExternal(PAPER_URL), // eng-disable OPEN_EXTERNAL_JS_CHECK (constant https URL)
      },
      { type: 'separator' },
      { label: 'About Boltzmann Workbench', click: () => actions.about() },
    ],
  };
  return [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    file,
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    help,
  ];
}
