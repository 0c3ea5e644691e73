/**
 * Starts the real Baton server jar for a browser test (dev mode, port 0, a short-timing config in a
 * fresh folder) and stops it afterwards.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The jar `mvn package` builds; `SERVER_JAR` overrides (not BATON_*: the server refuses unknown BATON_* variables). */
export const JAR = process.env.SERVER_JAR
  ?? resolve(fileURLToPath(import.meta.url), '../../../../../baton-server/target/baton.jar');

/**
 * Timings short enough for a fast suite: a 3 s grace tells a `bye` (at once) from a dropped
 * connection; a 6 s takeover leaves time to see the countdown; the queue lets Edit wait its turn.
 */
const CONFIG = (dir) => `
store: {tokenFile: ${join(dir, 'fencing-counter')}}
audit: {file: ${join(dir, 'audit.jsonl')}}
policies:
  default: {lockTtl: 20s, heartbeatInterval: 2s, disconnectGrace: 3s, expiryWarning: 10s, takeover: {timeout: 6s}}
  types:
    operation-report: {conflict: queue}
`;

const START_TIMEOUT_MS = 30_000;
/**
 * SIGTERM to exit took 0.27-0.33 s here (2026-11-29; exit code 143), with no client or with three holding
 * locks (they got `server.draining` and close 1012 within about 0.1 s); the SIGKILL after this is a backstop.
 */
const STOP_TIMEOUT_MS = 3_000;

/**
 * Starts a server and resolves once it listens. `BATON_*` variables are not passed on, so the config is the test's.
 *
 * @returns {Promise<{baseUrl: string, lockTtlMs: number, expiryWarningMs: number, graceMs: number, takeoverMs: number, stop: () => Promise<void>}>}
 * @throws {Error} with the server's log when the jar is missing or the server does not come up
 */
export async function startServer() {
  if (!existsSync(JAR)) {
    throw new Error(`${JAR} is missing: build it first with "mvn -B -q -DskipTests package" (or set SERVER_JAR)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'baton-browser-test-'));
  writeFileSync(join(dir, 'baton.yaml'), CONFIG(dir));
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BATON_')));
  const server = spawn(java, ['-jar', JAR, 'serve', '--dev', '--port', '0', '--config', join(dir, 'baton.yaml')],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise((done) => server.once('exit', done));
  const port = await new Promise((done, fail) => {
    const settle = (callback, value) => {
      clearTimeout(timer);
      callback(value);
    };
    const timer = setTimeout(() => fail(new Error(`the server did not listen within ${START_TIMEOUT_MS} ms:\n${log}`)),
      START_TIMEOUT_MS);
    const read = (chunk) => {
      log += chunk;
      const m = /listening on [^\s:]+:(\d+)/.exec(log);
      if (m) {
        settle(done, Number(m[1]));
      }
    };
    server.stdout.on('data', read);
    server.stderr.on('data', read);
    server.once('error', (e) => settle(fail, new Error(`cannot start ${java}: ${e.message}`)));
    exited.then((code) => settle(fail, new Error(`the server exited (${code}) before listening:\n${log}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    lockTtlMs: 20_000,
    expiryWarningMs: 10_000,
    graceMs: 3_000,
    takeoverMs: 6_000,
    async stop() {
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
