import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { defaultAppDataDir, serve, serveCommand } from '../../src/cli/commands/serve.js';
import { connectWebSocketClient, type WebSocketConstructor } from '../../src/shared/transport/wsClient.js';

describe('bgw serve (command, real back end)', () => {
  it('declares its flags', () => {
    const cmd = serveCommand();
    expect(cmd.name()).toBe('serve');
    expect(cmd.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--port', '--host', '--allow-remote', '--open']),
    );
    cmd.exitOverride().configureOutput({ writeErr: () => {} });
    expect(() => cmd.parseOptions(['--port', 'x'])).toThrow(/port number/);
    expect(() => cmd.parseOptions(['--port', '70000'])).toThrow(/port number/);
    cmd.parseOptions(['--port', '8080', '--open']);
    expect(cmd.opts()).toMatchObject({ port: 8080, host: '127.0.0.1', open: true });
  });

  it('prints the tokened URL on stdout and serves the real back end over WebSocket', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const server = await serve({ port: 0, host: '127.0.0.1', appDataDir: '/nonexistent/bgw-test' });
    try {
      expect(out).toHaveBeenCalledWith(`${server.pageUrl}\n`);
      expect(server.pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
      const client = await connectWebSocketClient(server.url, server.token, {
        WebSocketImpl: WebSocket as unknown as WebSocketConstructor,
      });
      const info = await client.call('app.info', {});
      expect(info.transport).toBe('websocket');
      const systems = await client.call('systems.list', {});
      expect(systems.map((s) => s.id)).toEqual(expect.arrayContaining(['double-well']));
      expect(await client.call('project.current', {})).toBeNull();
      client.close();
    } finally {
      await server.close();
      out.mockRestore();
      err.mockRestore();
    }
  });

  it('keeps recent projects where the desktop app does', () => {
    expect(defaultAppDataDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux')).toBe('/x/cfg/Boltzmann Workbench');
    expect(defaultAppDataDir({}, 'linux')).toMatch(/\/\.config\/Boltzmann Workbench$/);
    expect(defaultAppDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Boltzmann Workbench$/);
  });

  it('refuses a public address without --allow-remote', async () => {
    await expect(serve({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/allow-remote/);
  });
});
