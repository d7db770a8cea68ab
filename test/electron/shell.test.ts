import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { methods } from '../../src/shared/contract.js';
import { IPC_EVENT_CHANNEL, type Envelope } from '../../src/shared/transport/protocol.js';
import { createDispatcher } from '../../src/main/rpc/dispatch.js';
import { createEventHub } from '../../src/main/rpc/eventHub.js';
import { createAppProtocolHandler } from '../../src/main/electron/appProtocol.js';
import { createBeforeDispatch, createMenuActions } from '../../src/main/electron/commands.js';
import type { Dialogs } from '../../src/main/electron/dialogs.js';
import { denyAllPermissions, hardenWebContents } from '../../src/main/electron/hardening.js';
import {
  forwardEvents,
  ipcChannel,
  type IpcMainLike,
  registerIpcHandlers,
} from '../../src/main/electron/ipc.js';
import { PAPER_URL, buildMenuTemplate, type MenuActions } from '../../src/main/electron/menu.js';
import { isAppUrl, isSafeExternalUrl } from '../../src/main/electron/origins.js';
import { createWindowOptions } from '../../src/main/electron/windowOptions.js';
import { createFakeBackend } from '../transport/fakeBackend.js';

type Listener = Parameters<IpcMainLike['handle']>[1];

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`); // Electron throws too
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const invoke = async (
    channel: string,
    payload: unknown,
    url = 'app://renderer/index.html',
  ): Promise<Envelope> => {
    const h = handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h({ senderFrame: { url } } as Parameters<Listener>[0], payload);
  };
  return { ipc, handlers, invoke };
}

describe('window options', () => {
  it('follow the Electron security checklist', () => {
    const o = createWindowOptions({ preloadPath: '/app/out/preload/index.cjs' });
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(o.show).toBe(false);
  });
});

describe('IPC handler registration', () => {
  it('registers exactly one handle channel per contract method and removes them again', () => {
    const { ipc, handlers } = fakeIpcMain();
    const hub = createEventHub();
    const unregister = registerIpcHandlers(
      ipc,
      createDispatcher(createFakeBackend(hub).services, { transport: 'ipc' }),
      {
        isTrustedSender: (u) => isAppUrl(u),
      },
    );
    expect([...handlers.keys()].sort()).toEqual(Object.keys(methods).map(ipcChannel).sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('answers through the dispatcher: results, validation errors and unknown channels', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const hub = createEventHub();
    registerIpcHandlers(ipc, createDispatcher(createFakeBackend(hub).services, { transport: 'ipc' }), {
      isTrustedSender: (u) => isAppUrl(u),
    });
    expect(await invoke('bgw:call:app.info', {})).toEqual({
      ok: true,
      result: { version: '0.1.0-test', backend: 'fake', transport: 'ipc' },
    });
    const bad = await invoke('bgw:call:samples.create', { runId: 'r', temperature: 1, n: -3 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request', details: [{ path: ['n'] }] } });
    await expect(invoke('bgw:call:shell.exec', {})).rejects.toThrow(/No handler/);
  });

  it('refuses calls from frames that are not our renderer', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const hub = createEventHub();
    const backend = createFakeBackend(hub);
    registerIpcHandlers(ipc, createDispatcher(backend.services), { isTrustedSender: (u) => isAppUrl(u) });
    for (const url of ['https://evil.example/', 'file:///etc/passwd', '', 'app://other/index.html']) {
      expect(await invoke('bgw:call:app.info', {}, url)).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
    expect(backend.calls).toHaveLength(0);
  });

  it('asks for an export path in a save dialog when the UI gave none; cancel → cancelled', async () => {
    const dialogs: Dialogs = {
      newProjectPath: async () => undefined,
      openProjectPath: async () => undefined,
      trajectoryPaths: async () => [],
      exportPath: vi.fn(async (_format: string, name: string) =>
        name.startsWith('profile') ? `/home/u/${name}` : undefined,
      ),
    };
    const before = createBeforeDispatch(dialogs);
    expect(await before('export.write', { what: 'profile', id: 'abcdef123456', format: 'plumed' })).toEqual({
      payload: {
        what: 'profile',
        id: 'abcdef123456',
        format: 'plumed',
        path: '/home/u/profile-abcdef12.dat',
      },
    });
    expect(await before('export.write', { what: 'samples', id: 's', format: 'xyz' })).toEqual({
      reply: { ok: false, error: { code: 'cancelled', message: 'export cancelled' } },
    });
    expect(await before('export.write', { what: 'samples', id: 's', format: 'xyz', path: '/x.xyz' })).toEqual(
      {
        payload: { what: 'samples', id: 's', format: 'xyz', path: '/x.xyz' },
      },
    );
    expect(await before('app.info', {})).toEqual({ payload: {} });
    expect(dialogs.exportPath).toHaveBeenCalledTimes(2);
  });

  it('forwards every back-end event to the window until it is destroyed', () => {
    const hub = createEventHub();
    const sent: unknown[] = [];
    let destroyed = false;
    const contents = {
      send: (channel: string, message: unknown) => sent.push([channel, message]),
      isDestroyed: () => destroyed,
    };
    forwardEvents(hub, () => contents);
    hub.emit('job.progress', { jobId: 'j', kind: 'training', fraction: 0.25, message: 'stage 1' });
    expect(sent).toEqual([
      [
        IPC_EVENT_CHANNEL,
        {
          event: 'job.progress',
          payload: { jobId: 'j', kind: 'training', fraction: 0.25, message: 'stage 1' },
        },
      ],
    ]);
    destroyed = true;
    hub.emit('job.progress', { jobId: 'j', kind: 'training', fraction: 0.5, message: 'stage 1' });
    expect(sent).toHaveLength(1);
  });
});

describe('navigation, new windows and permissions', () => {
  function fakeContents() {
    const on: Record<string, (event: { preventDefault(): void }, url: string) => void> = {};
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, fn: (event: { preventDefault(): void }, url: string) => void) => {
        on[name] = fn;
        return contents;
      },
      setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => (openHandler = fn),
    };
    return { contents, on, open: (url: string) => openHandler!({ url }) };
  }

  it('denies window.open, opens only https links externally, blocks navigation and webviews', () => {
    const { contents, on, open } = fakeContents();
    const external: string[] = [];
    hardenWebContents(contents as never, { openExternal: (u) => void external.push(u) });
    expect(open('https://doi.org/10.1126/science.aaw1147')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(external).toEqual(['https://doi.org/10.1126/science.aaw1147']);

    const nav = (url: string, event = 'will-navigate') => {
      const e = { preventDefault: vi.fn() };
      on[event]!(e, url);
      return e.preventDefault.mock.calls.length > 0;
    };
    expect(nav('https://evil.example/')).toBe(true);
    expect(nav('file:///home/u/traj.xyz')).toBe(true); // a file dropped outside the drop zone
    expect(nav('http://localhost:5173/', 'will-redirect')).toBe(true);
    expect(nav('app://renderer/index.html')).toBe(false);
    const webview = { preventDefault: vi.fn() };
    on['will-attach-webview']!(webview, '');
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('allows the dev server origin only when one is configured', () => {
    expect(isAppUrl('http://localhost:5173/src/main.ts', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('http://localhost:5173/')).toBe(false);
    expect(isSafeExternalUrl('http://example.com')).toBe(false);
    expect(isSafeExternalUrl('not a url')).toBe(false);
  });

  it('denies every permission request and check', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    let device: (() => boolean) | undefined;
    denyAllPermissions({
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      setDevicePermissionHandler: (h: typeof device) => (device = h),
    } as never);
    const answers: boolean[] = [];
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])
      request!(null, p, (ok) => answers.push(ok));
    expect(answers).toEqual([false, false, false, false, false]);
    expect(check!()).toBe(false);
    expect(device!()).toBe(false);
  });
});

describe('app:// protocol', () => {
  it('serves renderer files with the CSP and nothing outside the renderer directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bgw-app-'));
    try {
      await writeFile(join(dir, 'index.html'), '<!doctype html><title>w</title>');
      const handle = createAppProtocolHandler(dir);
      const page = await handle({ url: 'app://renderer/index.html' });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(page.headers.get('content-security-policy')).not.toMatch(/'unsafe-eval'/);
      expect(await page.text()).toContain('<title>w</title>');
      expect((await handle({ url: 'app://renderer/../../etc/passwd' })).status).toBe(404);
      expect((await handle({ url: 'app://renderer/%2e%2e/%2e%2e/etc/passwd' })).status).toBe(404);
      expect((await handle({ url: 'app://elsewhere/index.html' })).status).toBe(404);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('application menu', () => {
  const actions = (): MenuActions & Record<string, ReturnType<typeof vi.fn>> =>
    ({
      newProject: vi.fn(),
      openProject: vi.fn(),
      openRecent: vi.fn(),
      importTrajectory: vi.fn(),
      exportData: vi.fn(),
      openExternal: vi.fn(),
      about: vi.fn(),
    }) as never;
  type Item = { label?: string; role?: string; submenu?: Item[]; click?: () => void; enabled?: boolean };
  const flat = (items: Item[]): Item[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);
  const find = (items: Item[], label: string): Item | undefined =>
    flat(items).find((i) => i.label?.startsWith(label));

  it('has File (New/Open/Recent/Import/Export) and Help with the paper link', () => {
    const a = actions();
    const menu = buildMenuTemplate(a, [{ path: '/p/a.bgw' }, { path: '/p/b.bgw' }], 'linux') as Item[];
    for (const label of ['New Project', 'Open Project', 'Import Trajectory', 'Export']) {
      find(menu, label)!.click!();
    }
    expect(a.newProject).toHaveBeenCalled();
    expect(a.openProject).toHaveBeenCalled();
    expect(a.importTrajectory).toHaveBeenCalled();
    expect(a.exportData).toHaveBeenCalled();
    const recent = find(menu, 'Open Recent')!.submenu!;
    expect(recent.map((r) => r.label)).toEqual(['/p/a.bgw', '/p/b.bgw']);
    recent[1]!.click!();
    expect(a.openRecent).toHaveBeenCalledWith('/p/b.bgw');
    const help = menu.find((m) => m.role === 'help')!;
    help.submenu!.find((i) => i.label?.includes('Science 2019'))!.click!();
    expect(a.openExternal).toHaveBeenCalledWith(PAPER_URL);
    expect(PAPER_URL).toBe('https://doi.org/10.1126/science.aaw1147');
    expect(menu.some((m) => m.role === 'appMenu')).toBe(false);
    expect(buildMenuTemplate(a, [], 'darwin')[0]).toEqual({ role: 'appMenu' });
    expect(find(buildMenuTemplate(a, [], 'linux') as Item[], 'No recent')?.enabled).toBe(false);
  });

  it('New/Open call the back end, then tell the UI; Import passes the chosen paths', async () => {
    const hub = createEventHub();
    const dispatch = createDispatcher(createFakeBackend(hub).services);
    const commands: unknown[] = [];
    hub.on('ui.command', (c) => commands.push(c));
    const errors: string[] = [];
    const changed = vi.fn();
    const a = createMenuActions({
      dispatch,
      events: hub,
      dialogs: {
        newProjectPath: async () => '/p/new.bgw',
        openProjectPath: async () => '/p/old.bgw',
        trajectoryPaths: async () => ['/t/a.xtc', '/t/b.dcd'],
        exportPath: async () => undefined,
      },
      openExternal: vi.fn(),
      showError: (title, message) => errors.push(`${title}: ${message}`),
      about: vi.fn(),
      projectChanged: changed,
    });
    a.newProject();
    await vi.waitFor(() => expect(commands).toHaveLength(1));
    expect(commands[0]).toEqual({ command: 'project.opened', paths: ['/p/new.bgw'] });
    expect(changed).toHaveBeenCalledOnce();
    a.openProject(); // the fake back end has no project.open: the user sees an error, the UI no command
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatch(/Could not open the project/);
    a.importTrajectory();
    await vi.waitFor(() => expect(commands).toHaveLength(2));
    expect(commands[1]).toEqual({ command: 'import', paths: ['/t/a.xtc', '/t/b.dcd'] });
    a.exportData();
    expect(commands[2]).toEqual({ command: 'export', paths: [] });
  });
});
