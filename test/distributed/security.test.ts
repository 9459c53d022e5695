// The worker's task policy (security.ts) on its own: what it admits, what it refuses, and that
// a refusal happens before anything of the task is loaded.
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PermissionError } from 'nogil/distributed';
import { afterAll, describe, expect, it } from 'vitest';
import { admitTask, taskPolicyOf } from '../../dist/distributed/security.js';
import { repoRoot } from '../helpers/node-child.js';
import { allowedDir, outsideModule, tasksModule } from './workers.js';

const scratch = mkdtempSync(join(tmpdir(), 'nogil-policy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const source = { kind: 'source', source: '(x) => x', wrap: 'expr', name: 'id' } as const;
const mod = (module: string, name = 'default') => ({ kind: 'module', module, name }) as const;

describe('the worker task policy', () => {
  const policy = taskPolicyOf(false, [allowedDir], repoRoot);

  it('refuses functions sent by source unless allowSource', () => {
    expect(() => admitTask(source, policy)).toThrow(PermissionError);
    expect(() => admitTask(source, policy)).toThrow(/--allow-source/);
    expect(admitTask(source, taskPolicyOf(true, [allowedDir], repoRoot))).toEqual(source);
  });

  it('admits modules under a root (as a path, a file: URL or relative to the working directory)', () => {
    const href = pathToFileURL(tasksModule).href;
    expect(admitTask(mod(tasksModule, 'add'), policy)).toEqual(mod(href, 'add'));
    expect(admitTask(mod(href, 'add'), policy)).toEqual(mod(href, 'add'));
    expect(admitTask(mod('./test/fixtures/distributed/allowed/tasks.mjs'), policy)).toEqual(mod(href));
    expect(admitTask(mod('test/fixtures/distributed/allowed/tasks.mjs'), policy)).toEqual(mod(href));
  });

  it('refuses modules outside the roots, through ../ or a symlink, without loading them', () => {
    const marker = join(scratch, 'm');
    process.env.NOGIL_TEST_MARKER = marker;
    expect(() => admitTask(mod(outsideModule), policy)).toThrow(PermissionError);
    expect(() => admitTask(mod(join(allowedDir, '..', 'outside.mjs')), policy)).toThrow(/outside this worker/);
    const link = join(allowedDir, 'link-to-outside.mjs');
    symlinkSync(outsideModule, link);
    try {
      expect(() => admitTask(mod(link), policy)).toThrow(PermissionError);
    } finally {
      rmSync(link);
    }
    expect(existsSync(`${marker}.outside`)).toBe(false);
  });

  it('refuses built-ins, data: and remote URLs', () => {
    for (const spec of ['node:child_process', 'data:text/javascript,export default 1', 'https://example.com/x.mjs']) {
      expect(() => admitTask(mod(spec, 'execSync'), policy), spec).toThrow(PermissionError);
    }
    // A bare built-in name resolves to node:fs, which is no file under a root.
    expect(() => admitTask(mod('fs', 'rmSync'), policy)).toThrow(PermissionError);
  });

  it('admits a package whose files are under a root, refuses it otherwise', () => {
    expect(admitTask(mod('bullmq', 'Queue'), taskPolicyOf(false, [repoRoot], repoRoot))).toMatchObject({
      module: expect.stringMatching(/^file:.*node_modules\/bullmq\//),
    });
    expect(() => admitTask(mod('bullmq', 'Queue'), policy)).toThrow(PermissionError);
  });

  it('says which module does not exist', () => {
    expect(() => admitTask(mod(join(allowedDir, 'nope.mjs')), policy)).toThrow(
      expect.objectContaining({ code: 'ERR_MODULE_NOT_FOUND', message: expect.stringContaining('nope.mjs') }),
    );
    expect(() => admitTask(mod('no-such-package-xyz'), policy)).toThrow(/cannot find module 'no-such-package-xyz'/);
  });

  it('checks its options', () => {
    const file = join(scratch, 'file.txt');
    writeFileSync(file, '');
    expect(() => taskPolicyOf(false, 'dir' as never)).toThrow(TypeError);
    expect(() => taskPolicyOf(false, [join(scratch, 'missing')])).toThrow(/existing directory/);
    expect(taskPolicyOf(undefined, undefined, scratch)).toMatchObject({ allowSource: false });
  });
});
