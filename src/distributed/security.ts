// What a worker agrees to run. A job names its task; before anything of it is loaded or
// compiled, the worker checks it against its policy:
//   - a function sent by source runs only on a worker started with `allowSource`;
//   - a `{ module, name }` runs only if the module resolves (symlinks followed) to a file under
//     one of the `allowModules` roots (default: the worker's working directory). Package names
//     resolve as an `import` from nogil would (node_modules of the worker's installation), so
//     a package is allowed when its files lie under a root; `node:` built-ins, `data:` and
//     remote URLs are never allowed (they would hand a job `child_process`, or arbitrary code).
// A refusal is a PermissionError and nothing of the task runs.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { withCode } from '../internal/errors.js';
import { invalidArgType, invalidArgValue } from '../internal/validate.js';
import { PermissionError } from './errors.js';
import type { WireTask } from './task.js';

/** A worker's policy: whether source is allowed, and the real paths of the module roots. */
export interface TaskPolicy {
  readonly allowSource: boolean;
  readonly roots: readonly string[];
  readonly cwd: string;
}

/** Validates `allowSource`/`allowModules` (roots must exist) into a policy. */
export function taskPolicyOf(allowSource: unknown, allowModules: unknown, cwd = process.cwd()): TaskPolicy {
  if (allowSource !== undefined && typeof allowSource !== 'boolean') {
    throw invalidArgType('options.allowSource', 'of type boolean', allowSource);
  }
  const given = allowModules === undefined ? [cwd] : allowModules;
  if (!Array.isArray(given)) throw invalidArgType('options.allowModules', 'an array of paths', allowModules);
  const roots = given.map((root, i) => {
    const name = `options.allowModules[${i}]`;
    const path = root instanceof URL ? fileURLToPath(root) : root;
    if (typeof path !== 'string') throw invalidArgType(name, 'a path (string) or a file: URL', root);
    try {
      return realpathSync(resolvePath(cwd, path));
    } catch {
      throw invalidArgValue(name, path, 'must be an existing directory');
    }
  });
  return { allowSource: allowSource === true, roots, cwd };
}

function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

const URL_LIKE = /^[a-zA-Z][a-zA-Z\d+.-]*:/;

// The file a module specifier names on this worker (before the policy check).
function moduleFile(spec: string, cwd: string): string {
  if (spec.startsWith('file:')) return fileURLToPath(spec);
  if (URL_LIKE.test(spec) && !/^[a-zA-Z]:[\\/]/.test(spec)) {
    throw new PermissionError(
      `module '${spec}' refused: only files under the worker's allowModules roots may run (no node:, data: or remote URLs)`,
    );
  }
  if (isAbsolute(spec) || spec.startsWith('./') || spec.startsWith('../')) return resolvePath(cwd, spec);
  const local = resolvePath(cwd, spec);
  if (statSync(local, { throwIfNoEntry: false })?.isFile()) return local;
  let resolved: string;
  try {
    resolved = import.meta.resolve(spec);
  } catch (error) {
    throw withCode(new Error(`cannot find module '${spec}' on this worker`, { cause: error }), 'ERR_MODULE_NOT_FOUND');
  }
  if (!resolved.startsWith('file:')) {
    throw new PermissionError(`module '${spec}' refused: it resolves to ${resolved}, not to a file under allowModules`);
  }
  return fileURLToPath(resolved);
}

/**
 * Checks a task against the policy and returns what the local executor runs: the `file:` URL
 * of a module task (resolved on this worker), or the task unchanged.
 * @throws {PermissionError} when the policy refuses it; an `ERR_MODULE_NOT_FOUND` Error for a
 *   module that does not exist here.
 */
export function admitTask(task: WireTask, policy: TaskPolicy): WireTask {
  if (task.kind === 'source') {
    if (policy.allowSource) return task;
    throw new PermissionError(
      `task '${task.name}' refused: this worker does not run functions sent by source ` +
        '(start it with --allow-source / allowSource: true, or send { module, name })',
    );
  }
  if (task.kind === 'kernel') return task;
  const file = moduleFile(task.module, policy.cwd);
  let real: string;
  try {
    real = realpathSync(file);
  } catch (error) {
    throw withCode(
      new Error(`cannot find module '${task.module}' on this worker (looked for ${file})`, { cause: error }),
      'ERR_MODULE_NOT_FOUND',
    );
  }
  if (!policy.roots.some((root) => isUnder(real, root))) {
    throw new PermissionError(
      `module '${task.module}' refused: ${real} is outside this worker's allowModules roots (${policy.roots.join(', ')})`,
    );
  }
  return { kind: 'module', module: pathToFileURL(real).href, name: task.name };
}
