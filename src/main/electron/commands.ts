/**
 * What the menu does, wired to dialogs and the dispatcher but not to Electron itself, so the
 * main entry stays thin and the flow (dialog → service → tell the UI) is testable.
 */
import type { EventHub } from '../rpc/eventHub.js';
import type { Dispatcher } from '../rpc/dispatch.js';
import type { Dialogs } from './dialogs.js';
import type { MenuActions } from './menu.js';
import type { Envelope } from '../../shared/transport/protocol.js';
import { EXPORT_EXTENSION, type ExportFormatName } from '../../shared/exportFormats.js';

export interface CommandDeps {
  dispatch: Dispatcher;
  dialogs: Dialogs;
  events: EventHub;
  openExternal(url: string): void;
  showError(title: string, message: string): void;
  about(): void;
  /** Called after the project changed, e.g. to rebuild the recent-projects menu. */
  projectChanged(): void;
}

export function createMenuActions(deps: CommandDeps): MenuActions {
  const openProject = async (method: 'project.create' | 'project.open', path: string) => {
    const r = await deps.dispatch(method, { path });
    if (!r.ok) {
      deps.showError(
        method === 'project.create' ? 'Could not create the project' : 'Could not open the project',
        r.error.message,
      );
      return;
    }
    deps.events.emit('ui.command', { command: 'project.opened', paths: [path] });
    deps.projectChanged();
  };
  const run = (task: () => Promise<void>) => {
    task().catch((err: unknown) =>
      deps.showError('Boltzmann Workbench', (err as Error).message ?? String(err)),
    );
  };
  return {
    newProject: () =>
      run(async () => {
        const path = await deps.dialogs.newProjectPath();
        if (path) await openProject('project.create', path);
      }),
    openProject: () =>
      run(async () => {
        const path = await deps.dialogs.openProjectPath();
        if (path) await openProject('project.open', path);
      }),
    openRecent: (path) => run(() => openProject('project.open', path)),
    importTrajectory: () =>
      run(async () => {
        const paths = await deps.dialogs.trajectoryPaths();
        if (paths.length) deps.events.emit('ui.command', { command: 'import', paths });
      }),
    exportData: () => deps.events.emit('ui.command', { command: 'export', paths: [] }),
    openExternal: (url) => deps.openExternal(url), // eng-disable OPEN_EXTERNAL_JS_CHECK (checked by the caller)
    about: () => deps.about(),
  };
}

/**
 * Desktop only: `export.write` without a path asks for one in a native save dialog first
 * (browser mode instead gets the content back for a download).
 */
export function createBeforeDispatch(dialogs: Dialogs) {
  return async (method: string, payload: unknown): Promise<{ payload: unknown } | { reply: Envelope }> => {
    if (method !== 'export.write' || payload === null || typeof payload !== 'object') return { payload };
    const p = payload as { path?: unknown; format?: unknown; what?: unknown; id?: unknown };
    if (typeof p.path === 'string' && p.path) return { payload };
    const format = typeof p.format === 'string' ? p.format : 'json';
    const name = `${typeof p.what === 'string' ? p.what : 'export'}-${typeof p.id === 'string' ? p.id.slice(0, 8) : 'data'}.${EXPORT_EXTENSION[format as ExportFormatName] ?? format}`;
    const path = await dialogs.exportPath(format, name);
    if (!path) return { reply: { ok: false, error: { code: 'cancelled', message: 'export cancelled' } } };
    return { payload: { ...p, path } };
  };
}
