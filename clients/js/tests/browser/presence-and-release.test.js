// Dr. Smith and Nurse Jane on the demo page, each in their own browser context: Jane sees Smith
// editing; Smith closing his tab frees the section at once (for Jane's Edit, or for Jane waiting in
// line); Smith losing the network frees it after the grace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemoPage, freshReport, secondsIn } from '../support/demo-page.js';
import { demoSuite } from '../support/suite.js';

const suite = demoSuite();

/** Smith editing the diagnosis and Jane looking at it, on a report of their own. */
async function smithEditsJaneViews() {
  const report = freshReport();
  const smith = await DemoPage.open(suite.browser, suite.server, { user: 'Dr. Smith', report });
  await smith.selectTab('Diagnosis');
  await smith.edit();
  await smith.waitUntilEditable();
  const jane = await DemoPage.open(suite.browser, suite.server, { user: 'Nurse Jane', report });
  await jane.selectTab('Diagnosis');
  await jane.waitForBadge(/^Dr\. Smith is editing · expires in \d+:\d\d$/);
  return { smith, jane };
}

test('the start screen offers the four demo users', { timeout: 60_000 }, async () => {
  const start = await DemoPage.openStartScreen(suite.browser, suite.server);
  const choices = start.page.locator('#user-choices button');
  await choices.nth(3).waitFor();
  assert.deepEqual(await choices.locator('strong').allTextContents(), ['Dr. Smith', 'Nurse Jane', 'Dr. Admin', 'Dr. Emergency']);
  await start.screenshot('0-start-screen');
  await start.close();
});

test('Jane sees Dr. Smith editing and a read-only editor', { timeout: 60_000 }, async () => {
  const { smith, jane } = await smithEditsJaneViews();
  const left = secondsIn(await jane.badge.textContent());
  assert.ok(left > suite.server.lockTtlMs / 1000 - 5 && left <= suite.server.lockTtlMs / 1000, `expires in ${left} s`);
  assert.equal(await jane.editor.getAttribute('readonly'), '');
  assert.equal(await jane.person('smith').getAttribute('data-editing'), 'true');
  assert.equal(await jane.button('Edit').isEnabled(), true, 'the policy queues: Edit waits its turn');
  await smith.waitForBadge(/^You are editing · expires in/);
  await jane.person('jane').waitFor();
  await smith.person('jane').waitFor();
  await jane.screenshot('a-jane-sees-smith-editing');
  await smith.screenshot('a-smith-editing');
  await smith.close();
  await jane.close();
});

test('Smith closes his tab: within a second Jane sees the section free and her Edit works', { timeout: 60_000 }, async (t) => {
  const { smith, jane } = await smithEditsJaneViews();
  const closing = Date.now();
  await smith.page.close({ runBeforeUnload: true });
  await jane.waitForBadge(/^Nobody is editing$/, suite.server.graceMs);
  const free = Date.now() - closing;
  await jane.edit();
  await jane.waitUntilEditable(suite.server.graceMs);
  const elapsed = Date.now() - closing;
  t.diagnostic(`Jane saw the section free ${free} ms and could edit ${elapsed} ms after Smith closed his tab`);
  assert.ok(elapsed < 1000, `Jane could edit ${elapsed} ms after Smith closed his tab (grace is ${suite.server.graceMs} ms)`);
  assert.equal(await jane.toast('queued').count(), 0, 'Jane never waited in line: the lock was free when she pressed Edit');
  await jane.waitForBadge(/^You are editing/);
  await jane.person('smith').waitFor({ state: 'detached' });
  await jane.screenshot('b1-jane-edits-after-smith-closed-his-tab');
  await smith.close();
  await jane.close();
});

test('Smith closes his tab: Jane, waiting in line, is handed the lock at once', { timeout: 60_000 }, async (t) => {
  const { smith, jane } = await smithEditsJaneViews();
  await jane.edit();
  await jane.toast('queued').filter({ hasText: 'You are number 1 in line for Diagnosis' }).waitFor();
  await jane.screenshot('b2-jane-waits-in-line');
  const closing = Date.now();
  await smith.page.close({ runBeforeUnload: true });
  await jane.waitUntilEditable(suite.server.graceMs);
  const elapsed = Date.now() - closing;
  t.diagnostic(`Jane was handed the lock ${elapsed} ms after Smith closed his tab`);
  assert.ok(elapsed < 1000, `Jane was handed the lock ${elapsed} ms after Smith closed his tab (grace is ${suite.server.graceMs} ms)`);
  await jane.waitForBadge(/^You are editing/);
  await jane.toast('granted').waitFor();
  await jane.screenshot('b3-jane-handed-the-lock-after-smith-closed-his-tab');
  await smith.close();
  await jane.close();
});

test('Jane asks to edit: Smith sees her request and hands over', { timeout: 60_000 }, async () => {
  const { smith, jane } = await smithEditsJaneViews();
  await jane.button('Request edit').click();
  await jane.toast('request-sent').waitFor();
  const request = smith.toast('requested').filter({ hasText: 'Nurse Jane asks to edit Diagnosis' });
  await request.waitFor();
  await smith.screenshot('g1-smith-sees-janes-request');
  await request.getByRole('button', { name: 'Hand over' }).click();
  await smith.waitUntilReadOnly();
  await jane.waitForBadge(/^Nobody is editing$/);
  await jane.edit();
  await jane.waitUntilEditable();
  await smith.close();
  await jane.close();
});

test('Smith goes offline: Jane sees him away, and after the grace she can edit', { timeout: 60_000 }, async (t) => {
  const { smith, jane } = await smithEditsJaneViews();
  await smith.context.setOffline(true);
  await jane.person('smith').and(jane.page.locator('[data-status="away"]')).waitFor();
  const away = Date.now();
  await jane.waitForBadge(/^Dr\. Smith is editing · expires in/);
  await jane.page.locator('#lock-sub', { hasText: 'connection lost' }).waitFor();
  await smith.page.locator('#connection[data-state="offline"]').waitFor();
  await smith.waitUntilReadOnly();
  const ownLeft = secondsIn(await smith.badge.textContent());
  assert.ok(ownLeft <= suite.server.graceMs / 1000,
    `offline, Smith's own tab counts down his grace, not the lease: ${ownLeft} s`);
  await jane.screenshot('c1-jane-sees-smith-away');
  await smith.screenshot('c1-smith-offline');

  await jane.waitForBadge(/^Nobody is editing$/, suite.server.graceMs + 5000);
  const freed = Date.now() - away;
  t.diagnostic(`the lock was freed ${freed} ms after Jane saw Smith away`);
  assert.ok(freed > suite.server.graceMs - 1000, `the lock waited for the grace (${freed} ms)`);
  await jane.person('smith').waitFor({ state: 'detached' });
  await jane.edit();
  await jane.waitUntilEditable();
  await jane.screenshot('c2-jane-edits-after-the-grace');

  await smith.context.setOffline(false);
  await smith.page.locator('#connection[data-state="open"]').waitFor();
  await smith.waitForBadge(/^Nurse Jane is editing/);
  await smith.toast('expired').waitFor();
  await smith.waitUntilReadOnly();
  await smith.screenshot('c3-smith-back-online-lock-lost');
  await smith.close();
  await jane.close();
});

test('Smith opens a second tab: Edit in this tab moves his lock there, the first tab turns read-only', { timeout: 60_000 }, async () => {
  const report = freshReport();
  const first = await DemoPage.open(suite.browser, suite.server, { user: 'Dr. Smith', report });
  await first.selectTab('Diagnosis');
  await first.edit();
  await first.waitUntilEditable();
  const second = await DemoPage.open(suite.browser, suite.server, { user: 'Dr. Smith', report });
  await second.selectTab('Diagnosis');
  await second.waitForBadge(/^You are editing in another tab · expires in/);
  assert.equal(await second.button('Request edit').isVisible(), false, 'nobody to ask: the lock is his own');
  await second.screenshot('h1-smith-second-tab');
  await second.button('Edit in this tab').click();
  await second.waitUntilEditable();
  await second.waitForBadge(/^You are editing · expires in/);
  await first.toast('moved').filter({ hasText: 'You are editing Diagnosis in another tab now' }).waitFor();
  await first.waitUntilReadOnly();
  await first.waitForBadge(/^You are editing in another tab/);
  await first.screenshot('h2-smith-first-tab-after-the-move');
  await first.close();
  await second.close();
});
