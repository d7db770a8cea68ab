/** Native open/save dialogs, with the file filters the workbench understands. */
import type { BrowserWindow, Dialog, FileFilter } from 'electron';

export const PROJECT_FILTERS: FileFilter[] = [{ name: 'Boltzmann Workbench project', extensions: ['bgw'] }];

export const TRAJECTORY_FILTERS: FileFilter[] = [
  {
    name: 'Trajectories and coordinates',
    extensions: ['xyz', 'pdb', 'gro', 'dcd', 'xtc', 'trr', 'lammpstrj', 'dump', 'nc', 'netcdf', 'npy', 'npz'],
  },
  { name: 'All files', extensions: ['*'] },
];

export const EXPORT_FILTERS: Record<string, FileFilter[]> = {
  csv: [{ name: 'CSV', extensions: ['csv'] }],
  json: [{ name: 'JSON', extensions: ['json'] }],
  plumed: [{ name: 'PLUMED grid', extensions: ['dat'] }],
  npy: [{ name: 'NumPy array', extensions: ['npy'] }],
  xyz: [{ name: 'XYZ', extensions: ['xyz'] }],
  pdb: [{ name: 'PDB', extensions: ['pdb'] }],
};

type DialogLike = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;

export interface Dialogs {
  newProjectPath(): Promise<string | undefined>;
  openProjectPath(): Promise<string | undefined>;
  trajectoryPaths(): Promise<string[]>;
  exportPath(format: string, defaultName: string): Promise<string | undefined>;
}

export function createDialogs(dialog: DialogLike, window: () => BrowserWindow | undefined): Dialogs {
  const save = async (title: string, filters: FileFilter[], defaultPath?: string) => {
    const w = window();
    const opts = {
      title,
      filters,
      ...(defaultPath ? { defaultPath } : {}),
      properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
    };
    const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts);
    return r.canceled || !r.filePath ? undefined : r.filePath;
  };
  const open = async (title: string, filters: FileFilter[], multi: boolean) => {
    const w = window();
    const opts = {
      title,
      filters,
      properties: ['openFile' as const, ...(multi ? ['multiSelections' as const] : [])],
    };
    const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
    return r.canceled ? [] : r.filePaths;
  };
  return {
    newProjectPath: () => save('New project', PROJECT_FILTERS, 'project.bgw'),
    openProjectPath: async () => (await open('Open project', PROJECT_FILTERS, false))[0],
    trajectoryPaths: () => open('Import trajectory', TRAJECTORY_FILTERS, true),
    exportPath: (format, defaultName) => save('Export', EXPORT_FILTERS[format] ?? [], defaultName),
  };
}
