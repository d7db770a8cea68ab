/** Keyboard shortcuts for the main actions; pure so the mapping is testable. */

export type ShortcutAction = 'open' | 'new' | 'start' | 'cancel' | 'view';

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

export interface Shortcut {
  action: ShortcutAction;
  /** For 'view': index of the view (Ctrl/Cmd+1…6). */
  index?: number;
}

export const SHORTCUT_HELP: readonly { keys: string; what: string }[] = [
  { keys: 'Ctrl/⌘ O', what: 'open a project' },
  { keys: 'Ctrl/⌘ N', what: 'new project' },
  { keys: 'Ctrl/⌘ Enter', what: 'start training' },
  { keys: 'Esc', what: 'cancel the running job' },
  { keys: 'Ctrl/⌘ 1…6', what: 'switch view' },
];

export function matchShortcut(e: KeyLike): Shortcut | null {
  const mod = !!(e.ctrlKey || e.metaKey);
  if (e.key === 'Escape' && !mod) return { action: 'cancel' };
  if (!mod || e.altKey) return null;
  const k = e.key.toLowerCase();
  if (k === 'o' && !e.shiftKey) return { action: 'open' };
  if (k === 'n' && !e.shiftKey) return { action: 'new' };
  if (k === 'enter') return { action: 'start' };
  if (/^[1-6]$/.test(k)) return { action: 'view', index: Number(k) - 1 };
  return null;
}
