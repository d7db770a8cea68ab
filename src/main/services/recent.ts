/** The recent-projects list: a small JSON file in the app-data directory, newest first. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RecentEntry {
  path: string;
  openedAt: string;
}

const MAX_RECENT = 20;

export class RecentProjects {
  private readonly file: string | null;

  constructor(appDataDir: string | undefined) {
    this.file = appDataDir ? join(appDataDir, 'recent-projects.json') : null;
  }

  list(): RecentEntry[] {
    if (!this.file) return [];
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (!Array.isArray(data)) return [];
      return data.filter(
        (e): e is RecentEntry =>
          typeof e === 'object' && e !== null && typeof e.path === 'string' && typeof e.openedAt === 'string',
      );
    } catch {
      // Missing or damaged list: start a new one rather than fail opening a project.
      return [];
    }
  }

  add(path: string): void {
    if (!this.file) return;
    const entries = [
      { path, openedAt: new Date().toISOString() },
      ...this.list().filter((e) => e.path !== path),
    ].slice(0, MAX_RECENT);
    mkdirSync(join(this.file, '..'), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entries, null, 2));
    renameSync(tmp, this.file);
  }
}
