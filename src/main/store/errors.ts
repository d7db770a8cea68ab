/** Why a project file could not be opened or used; `code` lets callers map it to a contract error. */
export type ProjectErrorCode =
  'not_found' | 'exists' | 'not_a_project' | 'corrupt' | 'newer_schema' | 'no_project' | 'invalid';

export class ProjectError extends Error {
  constructor(
    readonly code: ProjectErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProjectError';
  }
}
