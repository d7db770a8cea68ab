/**
 * Electron main entry: one window onto the same back end and contract as the CLI and `bgw serve`.
 * Everything Electron-specific but testable lives in ./electron/; this file only wires it.
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppProtocolHandler, APP_SCHEME_PRIVILEGES } from './electron/appProtocol.js';
import { createBeforeDispatch, createMenuActions } from './electron/commands.js';
import { createDialogs } from './electron/dialogs.js';
import { denyAllPermissions, hardenWebContents } from './electron/hardening.js';
import { forwardEvents, registerIpcHandlers } from './electron/ipc.js';
import { PAPER_TITLE, buildMenuTemplate } from './electron/menu.js';
import { APP_ORIGIN, APP_SCHEME, isAppUrl, isSafeExternalUrl } from './electron/origins.js';
import { createWindowOptions } from './electron/windowOptions.js';
import { createDispatcher } from './rpc/dispatch.js';
import { createEventHub } from './rpc/eventHub.js';
import { buildCsp } from './serve/csp.js';
import { createBackend } from './services/backend.js';
import type { Backend } from './services/types.js';

const here = fileURLToPath(new URL('.', import.meta.url)); // out/main/
const preloadPath = join(here, '../preload/index.cjs');
const rendererDir = join(here, '../renderer');
const iconPath = join(here, '../../resources/icon.png');
const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;

// Must run before `ready`: app:// behaves like https (origin, fetch, secure context).
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

let mainWindow: BrowserWindow | undefined;
let backend: Backend | undefined;
const pendingOpen: string[] = [];

function projectPathsIn(argv: string[]): string[] {
  return argv.filter((a) => a.endsWith('.bgw'));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
    pendingOpen.push(...projectPathsIn(argv));
    openPending();
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    pendingOpen.push(path);
    openPending();
  });
  pendingOpen.push(...projectPathsIn(process.argv.slice(1)));
  app.whenReady().then(start, (err: unknown) => {
    dialog.showErrorBox('Boltzmann Workbench could not start', String(err));
    app.exit(1);
  });
}

let openPending: () => void = () => {};

async function start(): Promise<void> {
  const events = createEventHub();
  const created = createBackend({ sink: events, appDataDir: app.getPath('userData') });
  backend = created;
  const dispatch = createDispatcher(created.services, { transport: 'ipc' });
  const dialogs = createDialogs(dialog, () => mainWindow);

  denyAllPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
  if (devServerUrl) {
    const csp = buildCsp({ dev: true });
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
  }
  app.on('web-contents-created', (_event, contents) => {
    // hardenWebContents only passes https URLs (isSafeExternalUrl).
    hardenWebContents(contents, { devServerUrl, openExternal: (url) => shell.openExternal(url) }); // eng-disable OPEN_EXTERNAL_JS_CHECK
  });

  registerIpcHandlers(ipcMain, dispatch, {
    isTrustedSender: (url) => isAppUrl(url, devServerUrl),
    beforeDispatch: createBeforeDispatch(dialogs),
  });
  forwardEvents(events, () => mainWindow?.webContents);

  const actions = createMenuActions({
    dispatch,
    dialogs,
    events,
    openExternal: (url) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK (https only)
    },
    showError: (title, message) => dialog.showErrorBox(title, message),
    about: () =>
      void dialog.showMessageBox({
        type: 'info',
        title: 'About Boltzmann Workbench',
        message: `Boltzmann Workbench ${app.getVersion()}`,
        detail: `Electron ${process.versions.electron}, Node ${process.versions.node}\n\nBased on ${PAPER_TITLE}`,
      }),
    projectChanged: () => void refreshMenu(),
  });
  const refreshMenu = async () => {
    const recent = await dispatch('project.recent', {});
    const list = recent.ok ? (recent.result as { path: string }[]) : [];
    Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(actions, list)));
  };
  await refreshMenu();
  openPending = () => {
    if (!mainWindow) return;
    for (const path of pendingOpen.splice(0)) actions.openRecent(path);
  };

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  // Options come from createWindowOptions (isolation, sandbox, no Node, Auxclick off), asserted in test/electron.
  const win = new BrowserWindow(createWindowOptions({ preloadPath, iconPath })); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
  mainWindow = win;
  win.once('ready-to-show', () => {
    win.show();
    openPending();
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let disposed = false;
app.on('before-quit', (event) => {
  if (disposed || !backend) return;
  // Let running jobs stop and the project database close before the process exits.
  event.preventDefault();
  disposed = true;
  backend.dispose().finally(() => app.quit());
});
