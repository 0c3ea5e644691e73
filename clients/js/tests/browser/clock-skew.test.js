// Countdowns on clients whose clocks are 10 minutes wrong: Date.now is moved before the SDK loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemoPage, freshReport, secondsIn } from '../support/demo-page.js';
import { demoSuite } from '../support/suite.js';

const TEN_MINUTES_MS = 10 * 60 * 1000;

const suite = demoSuite();

/**
 * Asserts that `text` shows a remaining lock time a fresh lock can have (the TTL less the heartbeat
 * interval and some slack), neither 10 minutes more nor expired.
 */
function assertFreshLockTime(text) {
  const left = secondsIn(text);
  const ttl = suite.server.lockTtlMs / 1000;
  assert.ok(left > ttl - 5 && left <= ttl, `"${text}": expected about ${ttl} s`);
}

test('clients whose clocks are 10 minutes wrong still show the right remaining time', { timeout: 60_000 }, async () => {
  const report = freshReport();
  const smith = await DemoPage.open(suite.browser, suite.server, { user: 'Dr. Smith', report, clockSkewMs: -TEN_MINUTES_MS });
  const skewed = await smith.page.evaluate(() => Date.now());
  assert.ok(Math.abs(skewed + TEN_MINUTES_MS - Date.now()) < 5000, 'the page clock is 10 minutes slow');
  await smith.edit();
  await smith.waitUntilEditable();
  await smith.waitForBadge(/^You are editing · expires in/);
  assertFreshLockTime(await smith.badge.textContent());

  const jane = await DemoPage.open(suite.browser, suite.server, { user: 'Nurse Jane', report, clockSkewMs: TEN_MINUTES_MS });
  await jane.waitForBadge(/^Dr\. Smith is editing · expires in/);
  assertFreshLockTime(await jane.badge.textContent());
  await jane.screenshot('e-jane-clock-10-minutes-fast');
  await smith.screenshot('e-smith-clock-10-minutes-slow');
  await smith.close();
  await jane.close();
});

test('a clock 10 minutes fast still counts the grace of a lost editor down from the server time', { timeout: 60_000 }, async () => {
  const report = freshReport();
  const smith = await DemoPage.open(suite.browser, suite.server, { user: 'Dr. Smith', report });
  await smith.edit();
  await smith.waitUntilEditable();
  const jane = await DemoPage.open(suite.browser, suite.server, { user: 'Nurse Jane', report, clockSkewMs: TEN_MINUTES_MS });
  await jane.waitForBadge(/^Dr\. Smith is editing/);
  await smith.context.setOffline(true);
  await jane.page.locator('#lock-sub', { hasText: 'connection lost' }).waitFor();
  const left = secondsIn(await jane.badge.textContent());
  assert.ok(left >= 1 && left <= suite.server.graceMs / 1000, `the lock goes with the ${suite.server.graceMs} ms grace, shown ${left} s`);
  await jane.screenshot('e-jane-clock-fast-counts-the-grace');
  await smith.close();
  await jane.close();
});
