// Taking the lock from Nurse Jane: an admin's takeover runs out its countdown (or Jane accepts it),
// and an emergency user's break-glass is immediate. Each person has their own browser context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemoPage, freshReport, secondsIn } from '../support/demo-page.js';
import { demoSuite } from '../support/suite.js';

const suite = demoSuite();

/** Jane editing the diagnosis and `user` looking at it, on a report of their own. */
async function janeEditsAndOpens(user) {
  const report = freshReport();
  const jane = await DemoPage.open(suite.browser, suite.server, { user: 'Nurse Jane', report });
  await jane.selectTab('Diagnosis');
  await jane.edit();
  await jane.waitUntilEditable();
  const other = await DemoPage.open(suite.browser, suite.server, { user, report });
  await other.selectTab('Diagnosis');
  await other.waitForBadge(/^Nurse Jane is editing/);
  return { jane, other };
}

test('an admin takes over: Jane sees the countdown, then the revocation; the admin edits', { timeout: 60_000 }, async (t) => {
  const { jane, other: admin } = await janeEditsAndOpens('Dr. Admin');
  assert.equal(await admin.button('Break glass').isVisible(), false, 'break-glass is for the emergency role');
  await admin.button('Take over').click();
  await admin.giveReason('Chief surgeon asked for a correction of the diagnosis');
  const asked = Date.now();
  await admin.toast('pending').waitFor();

  const countdown = jane.toast('takeover');
  await countdown.filter({ hasText: 'Dr. Admin is taking over Diagnosis' }).waitFor();
  const first = secondsIn(await countdown.locator('.toast-body').textContent());
  assert.ok(first <= suite.server.takeoverMs / 1000, `hands over in ${first} s`);
  await jane.page.waitForFunction((start) => {
    const m = /(\d+):(\d\d)/.exec(document.querySelector('.toast[data-kind="takeover"] .toast-body').textContent);
    return m && Number(m[1]) * 60 + Number(m[2]) < start;
  }, first);
  await jane.page.locator('#lock-sub', { hasText: /^Dr\. Admin takes over in 0:0\d$/ }).waitFor();
  await jane.screenshot('d1-jane-sees-the-takeover-countdown');
  await admin.screenshot('d1-admin-waits-for-the-takeover');

  await jane.toast('revoked').filter({ hasText: 'Dr. Admin took over Diagnosis' }).waitFor({ timeout: suite.server.takeoverMs + 5000 });
  const took = Date.now() - asked;
  t.diagnostic(`Jane was revoked ${took} ms after the takeover was asked`);
  assert.ok(took > suite.server.takeoverMs - 2000, `the takeover waited for its deadline (${took} ms)`);
  await jane.waitUntilReadOnly();
  await jane.waitForBadge(/^Dr\. Admin is editing/);
  await countdown.waitFor({ state: 'detached' });
  await jane.screenshot('d2-jane-revoked');
  await admin.waitUntilEditable();
  await admin.waitForBadge(/^You are editing/);
  await admin.screenshot('d3-admin-edits');
  await jane.close();
  await admin.close();
});

test('Jane accepts the takeover: the admin edits at once', { timeout: 60_000 }, async () => {
  const { jane, other: admin } = await janeEditsAndOpens('Dr. Admin');
  await admin.button('Take over').click();
  await admin.giveReason('Sign-off by the clinical lead');
  await jane.toast('takeover').getByRole('button', { name: 'Accept' }).click();
  const accepted = Date.now();
  await admin.waitUntilEditable();
  assert.ok(Date.now() - accepted < suite.server.takeoverMs - 2000, 'handed over before the deadline');
  await jane.toast('revoked').waitFor();
  await jane.waitUntilReadOnly();
  await jane.close();
  await admin.close();
});

test('Dr. Emergency breaks the glass: Jane loses the lock at once', { timeout: 60_000 }, async () => {
  const { jane, other: emergency } = await janeEditsAndOpens('Dr. Emergency');
  assert.equal(await emergency.button('Take over').isVisible(), false, 'takeover is for the admin role');
  await emergency.button('Break glass').click();
  await emergency.page.getByRole('dialog').filter({ hasText: 'Emergency access ends Nurse Jane' }).waitFor();
  await emergency.screenshot('f1-break-glass-asks-for-a-reason');
  await emergency.giveReason('Patient deteriorating: urgent correction');
  await emergency.waitUntilEditable();
  await jane.toast('revoked').filter({ hasText: 'Reason: Patient deteriorating: urgent correction' }).waitFor();
  await jane.waitUntilReadOnly();
  await jane.screenshot('f2-jane-after-break-glass');
  await jane.close();
  await emergency.close();
});
