// Dr. Smith and Nurse Jane on the demo page, each in their own browser context: Jane sees Smith
// editing; Smith closing his tab frees the section at once; Smith losing the network frees it after
// the grace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../support/baton-server.js';
import { launchBrowser } from '../support/browser.js';
import { DemoPage, freshReport, secondsIn } from '../support/demo-page.js';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Smith editing the diagnosis and Jane looking at it, on a report of their own. */
async function smithEditsJaneViews() {
  const report = freshReport();
  const smith = await DemoPage.open(browser, server, { user: 'Dr. Smith', report });
  await smith.selectTab('Diagnosis');
  await smith.edit();
  await smith.waitUntilEditable();
  const jane = await DemoPage.open(browser, server, { user: 'Nurse Jane', report });
  await jane.selectTab('Diagnosis');
  await jane.waitForBadge(/^Dr\. Smith is editing · expires in \d+:\d\d$/);
  return { smith, jane };
}

test('the start screen offers the four demo users', { timeout: 60_000 }, async () => {
  const start = await DemoPage.openStartScreen(browser, server);
  const choices = start.page.locator('#user-choices button');
  await choices.nth(3).waitFor();
  assert.deepEqual(await choices.locator('strong').allTextContents(), ['Dr. Smith', 'Nurse Jane', 'Dr. Admin', 'Dr. Emergency']);
  await start.screenshot('0-start-screen');
  await start.close();
});

test('Jane sees Dr. Smith editing and a read-only editor', { timeout: 60_000 }, async () => {
  const { smith, jane } = await smithEditsJaneViews();
  const left = secondsIn(await jane.badge.textContent());
  assert.ok(left > server.lockTtlMs / 1000 - 5 && left <= server.lockTtlMs / 1000, `expires in ${left} s`);
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

test('Smith closes his tab: Jane, waiting in line, can edit within a second', { timeout: 60_000 }, async (t) => {
  const { smith, jane } = await smithEditsJaneViews();
  await jane.edit();
  await jane.toast('queued').filter({ hasText: 'You are number 1 in line for Diagnosis' }).waitFor();
  await jane.screenshot('b1-jane-waits-in-line');
  const closing = Date.now();
  await smith.page.close({ runBeforeUnload: true });
  await jane.waitUntilEditable(server.graceMs);
  const elapsed = Date.now() - closing;
  t.diagnostic(`Jane could edit ${elapsed} ms after Smith closed his tab`);
  assert.ok(elapsed < 1000, `Jane could edit ${elapsed} ms after Smith closed his tab (grace is ${server.graceMs} ms)`);
  await jane.waitForBadge(/^You are editing/);
  await jane.toast('granted').waitFor();
  await jane.screenshot('b2-jane-edits-after-smith-closed-his-tab');
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
  await jane.screenshot('c1-jane-sees-smith-away');
  await smith.screenshot('c1-smith-offline');

  await jane.waitForBadge(/^Nobody is editing$/, server.graceMs + 5000);
  const freed = Date.now() - away;
  t.diagnostic(`the lock was freed ${freed} ms after Jane saw Smith away`);
  assert.ok(freed > server.graceMs - 1000, `the lock waited for the grace (${freed} ms)`);
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
