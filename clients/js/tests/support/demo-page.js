/** The demo page as a test drives it: one browser context per person, waits on DOM states only. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where every step's screenshot goes (clients/js/target/screenshots). */
export const SCREENSHOTS = resolve(fileURLToPath(import.meta.url), '../../../target/screenshots');

const VIEWPORT = { width: 1280, height: 860 };
let reports = 0;

/** @returns {string} a report id no other test uses, so that tests never share locks */
export function freshReport() {
  reports += 1;
  return `t${Date.now().toString(36)}-${process.pid}-${reports}`;
}

/** One person's tab on the demo page. */
export class DemoPage {
  /**
   * Opens the demo in a new browser context and signs in as `user` from the start screen.
   *
   * @param {import('playwright-core').Browser} browser
   * @param {{baseUrl: string}} server
   * @param {{user: string, report: string, clockSkewMs?: number}} options `user` is the start-screen
   *     name ("Dr. Smith"); `clockSkewMs` moves the page's `Date.now` before any script runs
   * @returns {Promise<DemoPage>}
   */
  static async open(browser, server, { user, report, clockSkewMs = 0 }) {
    const demo = await DemoPage.openStartScreen(browser, server, { report, clockSkewMs });
    await demo.page.getByRole('button', { name: new RegExp(`^${user}`) }).click();
    await demo.page.locator('body[data-ready="true"]').waitFor();
    await demo.page.locator('#connection[data-state="open"]').waitFor();
    return demo;
  }

  /**
   * Opens the demo's start screen in a new browser context.
   *
   * @param {import('playwright-core').Browser} browser
   * @param {{baseUrl: string}} server
   * @param {{report?: string, clockSkewMs?: number}} [options] as for {@link DemoPage.open}
   * @returns {Promise<DemoPage>}
   */
  static async openStartScreen(browser, server, { report, clockSkewMs = 0 } = {}) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    if (clockSkewMs) {
      await context.addInitScript((skew) => {
        const realNow = Date.now.bind(Date);
        Date.now = () => realNow() + skew;
      }, clockSkewMs);
    }
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/demo/${report ? `?report=${report}` : ''}`);
    return new DemoPage(context, page);
  }

  /** @param {import('playwright-core').BrowserContext} context @param {import('playwright-core').Page} page */
  constructor(context, page) {
    this.context = context;
    this.page = page;
  }

  /** @returns {import('playwright-core').Locator} the lock badge's main line */
  get badge() {
    return this.page.locator('#lock-line');
  }

  /** @returns {import('playwright-core').Locator} the section's text editor */
  get editor() {
    return this.page.locator('#editor');
  }

  /**
   * Waits until the badge's main line matches `pattern`.
   *
   * @param {RegExp} pattern
   * @param {number} [timeout] milliseconds
   */
  async waitForBadge(pattern, timeout) {
    await this.page.locator('#lock-line', { hasText: pattern }).waitFor({ timeout });
  }

  /** Waits until the editor is editable (this tab holds the lock). */
  async waitUntilEditable(timeout) {
    await this.page.locator('#editor:not([readonly])').waitFor({ timeout });
  }

  /** Waits until the editor is read-only. */
  async waitUntilReadOnly(timeout) {
    await this.page.locator('#editor[readonly]').waitFor({ timeout });
  }

  /**
   * @param {string} userId
   * @returns {import('playwright-core').Locator} that person's entry in "Here now"
   */
  person(userId) {
    return this.page.locator(`#people .person[data-user="${userId}"]`);
  }

  /**
   * @param {string} kind the toast's `data-kind` (`revoked`, `takeover`, `queued`, ...)
   * @returns {import('playwright-core').Locator}
   */
  toast(kind) {
    return this.page.locator(`.toast[data-kind="${kind}"]`);
  }

  /**
   * @param {string} name the button's exact accessible name
   * @returns {import('playwright-core').Locator}
   */
  button(name) {
    return this.page.getByRole('button', { name, exact: true });
  }

  /**
   * Shows a section of the report.
   *
   * @param {string} label `Main`, `Diagnosis` or `Procedure`
   */
  async selectTab(label) {
    await this.page.getByRole('tab', { name: new RegExp(`^${label}`) }).click();
  }

  /** Clicks Edit. */
  async edit() {
    await this.button('Edit').click();
  }

  /**
   * Answers the reason dialog of Take over or Break glass.
   *
   * @param {string} reason
   */
  async giveReason(reason) {
    await this.page.getByLabel('Reason', { exact: true }).fill(reason);
    await this.page.locator('#reason-confirm').click();
  }

  /**
   * Saves a PNG of the page under target/screenshots.
   *
   * @param {string} name file name without extension
   */
  async screenshot(name) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`) });
  }

  /** Closes the context (every page in it, without unload handlers). */
  async close() {
    await this.context.close();
  }
}

/**
 * Reads `m:ss` from text such as "Dr. Smith is editing · expires in 0:19".
 *
 * @param {string} text
 * @returns {number} seconds
 */
export function secondsIn(text) {
  const m = /(\d+):(\d{2})/.exec(text);
  if (!m) {
    throw new Error(`no m:ss in "${text}"`);
  }
  return Number(m[1]) * 60 + Number(m[2]);
}
