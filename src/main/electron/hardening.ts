/**
 * Per-window and per-session hardening: no navigation away from the app, no new windows (https
 * links go to the system browser), no <webview>, every permission request denied.
 */
import type { Session, WebContents } from 'electron';
import { isAppUrl, isSafeExternalUrl } from './origins.js';

type Contents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export interface HardeningOptions {
  devServerUrl?: string;
  openExternal: (url: string) => void | Promise<void>;
}

export function hardenWebContents(contents: Contents, options: HardeningOptions): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void options.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK (https only)
    return { action: 'deny' };
  });
  const blockNavigation = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, options.devServerUrl)) {
      event.preventDefault();
      if (isSafeExternalUrl(url)) void options.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK (https only)
    }
  };
  contents.on('will-navigate', blockNavigation);
  contents.on('will-redirect', blockNavigation);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/** The workbench needs no camera, notifications, geolocation, HID, serial, ...: say no to all. */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
