// Dr. Smith's tab stops running (paused in the debugger, as a frozen background tab would) while he edits: his heartbeats stop,
// the server sends lock.expiring, and once the tab runs again it warns him with the time left; the
// heartbeat that follows renews the lock and the warning goes. (No screenshot: the warning lasts
// only until that heartbeat's renewal, milliseconds.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemoPage, freshReport, secondsIn } from '../support/demo-page.js';
import { demoSuite } from '../support/suite.js';

const suite = demoSuite();

test('Smith\'s tab stops heartbeating: it warns that his lock is about to expire, then the heartbeat renews it', { timeout: 60_000 }, async (t) => {
  const report = freshReport();
  const smith = await DemoPage.open(suite.browser, suite.server, { user: 'Dr. Smith', report });
  await smith.selectTab('Diagnosis');
  await smith.edit();
  await smith.waitUntilEditable();
  const jane = await DemoPage.open(suite.browser, suite.server, { user: 'Nurse Jane', report });
  await jane.selectTab('Diagnosis');
  await jane.waitForBadge(/^Dr\. Smith is editing · expires in/);

  // Coming back, the tab heartbeats at once and the renewal dismisses the warning within milliseconds:
  // the page itself records each warning as it is shown.
  await smith.page.evaluate(() => {
    window.expiringWarnings = [];
    new MutationObserver(() => {
      for (const toast of document.querySelectorAll('.toast[data-kind="expiring"]:not([data-seen])')) {
        toast.dataset.seen = 'true';
        window.expiringWarnings.push(toast.textContent);
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  // Paused in the debugger, the page runs no timers and reads no messages, but its socket stays open.
  const cdp = await smith.context.newCDPSession(smith.page);
  await cdp.send('Debugger.enable');
  const paused = new Promise((resolve) => cdp.once('Debugger.paused', resolve));
  await cdp.send('Debugger.pause');
  await paused;
  // Jane's badge counts down the same lease: below the warning, the server has sent lock.expiring.
  const warnBelow = suite.server.expiryWarningMs / 1000 - 1;
  await jane.page.waitForFunction((below) => {
    const m = /expires in (\d+):(\d\d)$/.exec(document.querySelector('#lock-line').textContent);
    return m && Number(m[1]) * 60 + Number(m[2]) < below;
  }, warnBelow, { timeout: suite.server.lockTtlMs });
  await cdp.send('Debugger.resume');
  await cdp.send('Debugger.disable');

  await smith.page.waitForFunction(() => window.expiringWarnings.length > 0);
  const [warning] = await smith.page.evaluate(() => window.expiringWarnings);
  assert.match(warning, /Your edit lock on Diagnosis is about to expire/);
  const left = secondsIn(warning);
  t.diagnostic(`the warning said ${left} s left`);
  assert.ok(left > 0 && left < warnBelow, `Expires in ${left} s, though the tab read the warning late`);

  await smith.waitForBadge(/^You are editing · expires in 0:(1[5-9]|20)$/);
  await jane.waitForBadge(/^Dr\. Smith is editing · expires in 0:(1[5-9]|20)$/);
  await smith.toast('expiring').waitFor({ state: 'detached', timeout: 1000 });
  assert.equal(await smith.editor.getAttribute('readonly'), null, 'still editing: the lock was renewed, not lost');
  await smith.close();
  await jane.close();
});
