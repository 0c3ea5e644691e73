/** The fixture every browser test file shares: one Baton server and one Chromium for the file. */
import { after, before } from 'node:test';
import { startServer } from './baton-server.js';
import { launchBrowser } from './browser.js';

/**
 * Registers the file's `before` (start the server, launch Chromium) and `after` (close both).
 *
 * @returns {{server: Awaited<ReturnType<typeof startServer>>, browser: import('playwright-core').Browser}}
 *     filled when the file's tests run
 */
export function demoSuite() {
  const suite = { server: undefined, browser: undefined };
  before(async () => {
    suite.server = await startServer();
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
