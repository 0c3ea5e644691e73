// The client's pure parts: backoff with full jitter, presence grouping, the server clock estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, groupPresence, ServerClock } from '../../baton-client.js';
import { member } from '../support/fake-server.js';

test('backoff is random(0, min(cap, base * 2^attempt))', () => {
  const limits = { baseMs: 500, capMs: 30_000 };
  assert.equal(backoffDelay(0, limits, () => 0), 0);
  assert.equal(backoffDelay(0, limits, () => 0.999999), 499);
  assert.equal(backoffDelay(3, limits, () => 0.5), 2000);
  assert.equal(backoffDelay(6, limits, () => 0.999999), 29_999, 'capped: 500 * 64 > 30000');
  assert.equal(backoffDelay(2000, limits, () => 0.5), 15_000, 'a huge attempt count stays at the cap');
});

test('full jitter spreads clients dropped together over the whole window', () => {
  const delays = Array.from({ length: 2000 }, () => backoffDelay(4, { baseMs: 100, capMs: 10_000 }));
  assert.ok(delays.every((d) => d >= 0 && d < 1600));
  const quarters = [0, 1, 2, 3].map((q) => delays.filter((d) => Math.floor(d / 400) === q).length);
  assert.ok(quarters.every((n) => n > 350), `each quarter of [0, 1600) gets about 500 of 2000: ${quarters}`);
});

test('one user with two tabs is one person, online while one tab is', () => {
  const people = groupPresence([
    member('s1', 'smith', 'Dr. Smith', { status: 'away', since: 5 }),
    member('s2', 'jane', 'Nurse Jane'),
    member('s3', 'smith', 'Dr. Smith', { role: 'editor', since: 9 }),
  ], 'jane');
  assert.deepEqual(people.map((p) => [p.userId, p.status, p.editing, p.self, p.sessions.length, p.since]), [
    ['smith', 'online', true, false, 2, 9],
    ['jane', 'online', false, true, 1, 1],
  ]);
});

test('a person is away only when every tab is away', () => {
  const [smith] = groupPresence([
    member('s1', 'smith', 'Dr. Smith', { status: 'away' }),
    member('s3', 'smith', 'Dr. Smith', { status: 'away' }),
  ]);
  assert.equal(smith.status, 'away');
  assert.equal(smith.self, false);
});

test('the server clock is the local clock plus the largest recent ts sample', () => {
  let local = 1_000_000;
  const clock = new ServerClock(() => local);
  clock.observe(local + 600_000 - 40); // 40 ms in flight
  clock.observe(local + 600_000 - 5);
  clock.observe(local + 600_000 - 90);
  assert.equal(clock.offsetMs, 599_995);
  local += 1000;
  assert.equal(clock.now(), 1_001_000 + 599_995);
});

test('the clock estimate forgets old samples, so it follows a local clock that was corrected', () => {
  let local = 0;
  const clock = new ServerClock(() => local);
  clock.observe(600_000);
  local = 600_000; // the user fixed the clock
  for (let i = 0; i < 16; i += 1) {
    clock.observe(600_000 - 10);
  }
  assert.equal(clock.offsetMs, -10);
});
