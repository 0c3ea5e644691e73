/** Launches Debian's Chromium through playwright-core (it cannot download a browser here). */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** The browser binary; `CHROMIUM_PATH` overrides the Debian package's. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, and nothing that reaches for the network (this machine's network is closed). */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Starts Chromium. playwright-core gives every launch a fresh, empty user-data dir and removes it on close.
 *
 * @returns {Promise<import('playwright-core').Browser>}
 * @throws {Error} naming the install command when the binary is missing
 */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
