// Popen: poll/wait/communicate/signals/dispose on real children, with Python's semantics.
import { DEVNULL, PIPE, Popen, STDOUT, TimeoutExpired, ValueError } from 'nogil/subprocess';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNoChildren, isAlive } from '../helpers/proc.js';

afterEach(() => {
  assertNoChildren();
});

/** A python3 child that prints 'first', then blocks until SIGUSR1, then prints 'second'. */
const FIRST_THEN_SIGNAL = [
  'python3',
  '-c',
  [
    'import signal, sys',
    'signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})',
    "print('first', flush=True)",
    "print('err-first', file=sys.stderr, flush=True)",
    'signal.sigwait({signal.SIGUSR1})',
    "print('second', flush=True)",
  ].join('\n'),
];

describe('Popen basics', () => {
  it('exposes args, pid, returncode and the pipes asked for', async () => {
    const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE });
    expect(p.args).toEqual(['cat']);
    expect(typeof p.pid).toBe('number');
    expect(isAlive(p.pid as number)).toBe(true);
    expect(p.returncode).toBeNull();
    expect(p.stdin).not.toBeNull();
    expect(p.stdout).not.toBeNull();
    expect(p.stderr).toBeNull();
    const [out, err] = await p.communicate('hi');
    expect(out?.toString()).toBe('hi');
    expect(err).toBeNull();
    expect(p.returncode).toBe(0);
  });

  it('reads the tutorial echo child', async () => {
    const proc = new Popen(['echo', 'Hello from the child!'], { stdout: PIPE });
    const [out, err] = await proc.communicate();
    expect(out?.toString('utf8')).toBe('Hello from the child!\n');
    expect(err).toBeNull();
  });

  it('poll() never blocks: null while running, then the status once the exit is seen', async () => {
    const p = new Popen(['sleep', '10']);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) expect(p.poll()).toBeNull();
    expect(performance.now() - started).toBeLessThan(500);
    p.kill();
    await p.wait();
    expect(p.poll()).toBe(-9);
    expect(p.returncode).toBe(-9);
  });

  it('poll() picks up an exit between awaits, as in the tutorial loop', async () => {
    const p = new Popen(['sh', '-c', 'exit 7']);
    let loops = 0;
    while (p.poll() === null) {
      loops++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(p.returncode).toBe(7);
    expect(loops).toBeGreaterThanOrEqual(1);
  });

  it('wait() resolves to the exit status; again and again', async () => {
    const p = new Popen(['sh', '-c', 'exit 5']);
    expect(await p.wait()).toBe(5);
    expect(await p.wait()).toBe(5);
    expect(await p.wait(0)).toBe(5);
  });

  it('wait(timeout) rejects TimeoutExpired and leaves the child running', async () => {
    const p = new Popen(['sleep', '10']);
    const error = await p.wait(50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutExpired);
    expect(error).toMatchObject({ cmd: ['sleep', '10'], timeout: 50, output: null, stderr: null });
    expect((error as Error).message).toBe("Command '['sleep', '10']' timed out after 50 milliseconds");
    expect(p.returncode).toBeNull();
    expect(isAlive(p.pid as number)).toBe(true);
    await expect(p.wait({ timeout: 10 })).rejects.toBeInstanceOf(TimeoutExpired);
    p.terminate();
    expect(await p.wait()).toBe(-15);
  });

  it('wait() with a timeout beyond setTimeout’s 24.8-day limit does not fire early', async () => {
    const p = new Popen(['sleep', '10']);
    const waiting = p.wait(2 ** 31 + 1000);
    const early = await Promise.race([
      waiting.then(
        () => 'settled',
        () => 'settled',
      ),
      new Promise((resolve) => setTimeout(resolve, 100, 'pending')),
    ]);
    expect(early).toBe('pending');
    p.kill();
    expect(await waiting).toBe(-9);
  });

  it('wait(0) on a running child times out at once', async () => {
    const p = new Popen(['sleep', '10']);
    await expect(p.wait(0)).rejects.toBeInstanceOf(TimeoutExpired);
    p.kill();
    await p.wait();
  });

  it('sendSignal takes a name or a number; terminate and kill give -15 and -9', async () => {
    const a = new Popen(['sleep', '10']);
    a.sendSignal('SIGINT');
    expect(await a.wait()).toBe(-2);
    const b = new Popen(['sleep', '10']);
    b.sendSignal(15);
    expect(await b.wait()).toBe(-15);
    const c = new Popen(['sleep', '10']);
    c.terminate();
    expect(await c.wait()).toBe(-15);
    const d = new Popen(['sleep', '10']);
    d.kill();
    expect(await d.wait()).toBe(-9);
    // Signalling a reaped child is a no-op (no recycled pid is ever hit).
    expect(() => d.kill()).not.toThrow();
    expect(() => d.sendSignal('SIGNOPE' as NodeJS.Signals)).toThrow(TypeError);
  });

  it('sendSignal delivers a catchable signal the child handles', async () => {
    const p = new Popen(['python3', '-c', FIRST_THEN_SIGNAL[2] as string], {
      stdout: PIPE,
      stderr: DEVNULL,
      text: true,
    });
    // Read up to the end of the first line (python3 may write 'first' and '\n' separately, e.g.
    // under PYTHONUNBUFFERED), then stop reading so communicate() gets the rest.
    const line = await new Promise<string>((resolve) => {
      let text = '';
      const onData = (chunk: Buffer): void => {
        text += chunk.toString();
        if (!text.includes('\n')) return;
        p.stdout!.off('data', onData);
        p.stdout!.pause();
        resolve(text);
      };
      p.stdout!.on('data', onData);
    });
    expect(line).toBe('first\n');
    p.sendSignal('SIGUSR1');
    const [out] = await p.communicate();
    expect(out).toBe('second\n'); // 'first' was consumed by the 'data' listener above
    expect(p.returncode).toBe(0);
  });
});

describe('Popen.communicate', () => {
  it('keeps output that nobody read until the exit (it stays in the pipe)', async () => {
    const p = new Popen(['sh', '-c', 'echo out; echo err >&2'], { stdout: PIPE, stderr: PIPE });
    expect(await p.wait()).toBe(0);
    // Let Node run its exit-time stdio flush, which would otherwise discard unread output.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [out, err] = await p.communicate();
    expect(out?.toString()).toBe('out\n');
    expect(err?.toString()).toBe('err\n');
  });

  it('lets resume() drain output nobody listens to (the Node idiom), so the child never blocks', async () => {
    // 1 MiB is far more than a pipe holds: a held pipe would block `head` until the timeout.
    const p = new Popen(['head', '-c', '1048576', '/dev/zero'], { stdout: PIPE, stderr: PIPE });
    p.stdout!.resume();
    expect(await p.wait(20_000)).toBe(0);
    // stderr, not resumed, is still held: what the child left there is not lost at exit.
    const q = new Popen(['sh', '-c', 'head -c 1048576 /dev/zero; echo kept >&2'], { stdout: PIPE, stderr: PIPE });
    q.stdout!.resume();
    expect(await q.wait(20_000)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [, err] = await q.communicate();
    expect(err?.toString()).toBe('kept\n');
  });

  it('returns strings in text mode and writes string input', async () => {
    const p = new Popen(['sh', '-c', 'cat; echo done >&2'], { stdin: PIPE, stdout: PIPE, stderr: PIPE, text: true });
    const [out, err] = await p.communicate('héllo\n');
    expect(out).toBe('héllo\n');
    expect(err).toBe('done\n');
  });

  it('sends what was written to stdin before communicate(), then closes it', async () => {
    const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE });
    p.stdin?.write('a');
    p.stdin?.write(Buffer.from('b'));
    const [out] = await p.communicate('c');
    expect(out?.toString()).toBe('abc');
  });

  it('never deadlocks: 64 MiB in while 64 MiB go out on stdout and on stderr', async () => {
    const script = [
      'import sys',
      'o, e, i = sys.stdout.buffer, sys.stderr.buffer, sys.stdin.buffer',
      "chunk = b'x' * (1 << 20)",
      'n = 0',
      'for _ in range(64):',
      '    o.write(chunk); o.flush(); e.write(chunk); e.flush()',
      '    n += len(i.read(1 << 20))',
      'n += len(i.read())',
      "o.write(b'|%d' % n); o.flush()",
    ].join('\n');
    const p = new Popen(['python3', '-c', script], { stdin: PIPE, stdout: PIPE, stderr: PIPE });
    const input = Buffer.alloc(64 << 20, 0x61);
    const [out, err] = (await p.communicate(input, 60_000)) as [Buffer, Buffer];
    expect(p.returncode).toBe(0);
    expect(out.length).toBe((64 << 20) + `|${64 << 20}`.length);
    expect(out.subarray(64 << 20).toString()).toBe(`|${64 << 20}`);
    expect(err.length).toBe(64 << 20);
  }, 120_000);

  it('after TimeoutExpired the child keeps running and a later call returns all output', async () => {
    const p = new Popen(FIRST_THEN_SIGNAL, { stdout: PIPE, stderr: PIPE, text: true });
    let partial: TimeoutExpired | undefined;
    // Time out until the line 'first\n' has been read (python3 may write 'first' and '\n'
    // separately, e.g. under PYTHONUNBUFFERED): each TimeoutExpired carries the output so far.
    for (let i = 0; i < 200 && !partial?.output?.toString().includes('\n'); i++) {
      const error = await p.communicate(null, 25).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutExpired);
      partial = error as TimeoutExpired;
      expect(p.returncode).toBeNull();
    }
    expect(Buffer.isBuffer(partial?.output)).toBe(true); // bytes even in text mode, as in Python
    expect(partial?.output?.toString()).toBe('first\n');
    expect(partial?.timeout).toBe(25);
    expect(isAlive(p.pid as number)).toBe(true);
    p.sendSignal('SIGUSR1');
    const [out, err] = await p.communicate();
    expect(out).toBe('first\nsecond\n');
    expect(err).toBe('err-first\n');
    expect(p.returncode).toBe(0);
  });

  it('can be called again after completion and returns the same result', async () => {
    const p = new Popen(['sh', '-c', 'echo o; echo e >&2'], { stdout: PIPE, stderr: PIPE });
    const first = await p.communicate();
    const second = await p.communicate();
    expect(second).toEqual(first);
    expect(second[0]?.toString()).toBe('o\n');
    // An empty input is fine, as in Python ("if input:").
    expect(await p.communicate('')).toEqual(first);
  });

  it('refuses input once communication has started (ValueError, as Python)', async () => {
    const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE });
    await p.communicate('x');
    await expect(p.communicate('y')).rejects.toThrow(ValueError);
    await expect(p.communicate('y')).rejects.toThrow('Cannot send input after starting communication');
  });

  it('resolves [null, null] without pipes, after waiting for the exit', async () => {
    const p = new Popen(['sh', '-c', 'exit 4']);
    expect(await p.communicate()).toEqual([null, null]);
    expect(p.returncode).toBe(4);
  });

  it('ignores input when stdin is not a pipe (as Python)', async () => {
    const p = new Popen(['echo', 'x'], { stdout: PIPE });
    const [out] = await p.communicate('ignored');
    expect(out?.toString()).toBe('x\n');
  });

  it('merges stderr into stdout with STDOUT', async () => {
    const p = new Popen(['sh', '-c', 'echo 1; echo 2 >&2; echo 3'], { stdout: PIPE, stderr: STDOUT });
    expect(p.stderr).toBeNull();
    const [out, err] = await p.communicate();
    expect(out?.toString()).toBe('1\n2\n3\n');
    expect(err).toBeNull();
  });

  it('starts in a new session with startNewSession', async () => {
    const p = new Popen(['sh', '-c', 'cut -d" " -f6 /proc/$$/stat'], { stdout: PIPE, startNewSession: true });
    const [out] = await p.communicate();
    expect(Number(out?.toString())).toBe(p.pid);
  });
});

describe('Popen[Symbol.asyncDispose]', () => {
  it('closes the pipes and waits for the exit (Python with-block)', async () => {
    const p = new Popen(['cat'], { stdin: PIPE, stdout: PIPE });
    await p[Symbol.asyncDispose]();
    // cat saw EOF on stdin and exited normally.
    expect(p.returncode).toBe(0);
    expect(p.stdout?.destroyed).toBe(true);
    expect(p.stdin?.writableEnded).toBe(true);
  });

  it('waits for a running child to finish', async () => {
    const p = new Popen(['sleep', '0.2']);
    const started = performance.now();
    await p[Symbol.asyncDispose]();
    expect(p.returncode).toBe(0);
    expect(performance.now() - started).toBeGreaterThan(100);
  });

  it('stops a writer once its stdout is closed, as in Python', async () => {
    const p = new Popen(['yes'], { stdout: PIPE, stderr: DEVNULL });
    await p[Symbol.asyncDispose]();
    // Python's pipes give SIGPIPE (-13); Node's stdio pipes are socketpairs, and closing one
    // with unread data makes the writer's next write fail with ECONNRESET instead (yes: 1).
    expect([-13, 1]).toContain(p.returncode);
  });

  it('does not throw for a child that never started', async () => {
    const p = new Popen(['/nonexistent/program']);
    await expect(p[Symbol.asyncDispose]()).resolves.toBeUndefined();
  });
});
