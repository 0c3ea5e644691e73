/** Refusals and failures in words a clinician understands. */

import { clock } from './format.js';

/**
 * Shows `error` as a notification.
 *
 * @param {import('./toasts.js').Toasts} toasts
 * @param {import('/client/baton-client.js').BatonClient} client for countdowns in the details
 * @param {Error} error a BatonError or anything else
 */
export function showError(toasts, client, error) {
  const d = error.details ?? {};
  const words = {
    LOCK_HELD: () => ({
      title: d.holder?.self ? 'You are editing this section in another tab' : `${d.holder?.name ?? 'Someone'} is editing`,
      body: d.holder?.self ? 'Close the other tab or release it there.'
        : `Their lock expires in ${clock(client.remainingMs(d))} unless they keep working. Ask them with Request edit.`,
    }),
    TAKEOVER_PENDING: () => ({ title: 'A takeover is already under way', body: 'Wait for it to finish.' }),
    RATE_LIMITED: () => ({ title: 'You asked a moment ago', body: 'Give them a little time before asking again.' }),
    FORBIDDEN: () => ({ title: 'Not allowed', body: error.message }),
    TIMEOUT: () => ({ title: 'No answer from the server', body: 'Check the connection and try again.' }),
    DISCONNECTED: () => ({ title: 'The connection dropped', body: 'Try again when it is back.' }),
  }[error.code];
  const { title, body } = words ? words() : { title: 'That did not work', body: error.message };
  toasts.show({ kind: 'error', tone: 'warning', title, body });
}
