/** Which events of a section become which notifications. */

import { clock } from './format.js';
import { showError } from './errors.js';

/**
 * Subscribes the notifications of one report section.
 *
 * @param {import('/client/baton-client.js').ResourceHandle} handle the section's resource
 * @param {{key: string, label: string}} section
 * @param {{client: import('/client/baton-client.js').BatonClient, toasts: import('./toasts.js').Toasts}} ctx
 */
export function notify(handle, section, { client, toasts }) {
  const where = section.label;
  const key = (what) => `${what}:${section.key}`;
  const holderName = () => handle.lock?.holder?.name ?? 'the current editor';
  const attempt = (promise) => promise.catch((e) => showError(toasts, client, e));

  handle.on('queued', ({ position }) => toasts.show({
    kind: 'queued', tone: 'info', key: key('queue'), sticky: true,
    title: `You are number ${position} in line for ${where}`,
    body: `You can edit as soon as ${holderName()} is done.`,
  }));
  handle.on('granted', ({ handedOver }) => {
    toasts.dismiss(key('queue'));
    toasts.dismiss(key('pending'));
    if (handedOver) {
      toasts.show({ kind: 'granted', tone: 'success', title: `You can edit ${where} now`, body: 'The section is yours until you release it.' });
    }
  });
  let warned = null;
  handle.on('expiring', (lease) => {
    warned = lease;
    toasts.show({
      kind: 'expiring', tone: 'warning', key: key('expiring'),
      title: `Your edit lock on ${where} is about to expire`,
      body: () => `Expires in ${clock(client.remainingMs(lease))}. This tab is having trouble reaching the server.`,
    });
  });
  handle.on('lock', ({ lock, holding }) => {
    // Renewed (a heartbeat got through) or gone: the warning no longer holds.
    if (warned && (!holding || lock.expiresAt > warned.expiresAt)) {
      warned = null;
      toasts.dismiss(key('expiring'));
    }
  });
  handle.on('expired', () => {
    toasts.dismiss(key('expiring'));
    toasts.show({ kind: 'expired', tone: 'warning', sticky: true, title: `Your edit lock on ${where} expired`,
      body: 'The section is read-only again. Select Edit to continue.' });
  });
  handle.on('revoked', ({ by, reason }) => {
    toasts.dismiss(key('takeover'));
    if (by?.userId === client.user.id) {
      // takeOwn from another tab of this user: nothing was taken from them, the lock moved.
      toasts.show({ kind: 'moved', tone: 'info', title: `You are editing ${where} in another tab now`,
        body: 'This tab is read-only. Select Edit in this tab to move the lock back here.' });
      return;
    }
    toasts.show({ kind: 'revoked', tone: 'danger', title: `${by?.name ?? 'An administrator'} took over ${where}`,
      body: `Reason: ${reason}. The section is read-only for you now.` });
  });
  handle.on('requested', ({ by }) => toasts.show({
    kind: 'requested', tone: 'info', key: key(`request-${by.userId}`), sticky: true,
    title: `${by.name} asks to edit ${where}`,
    body: 'Release the section when you are done so they can edit.',
    actions: [{ label: 'Hand over', primary: true, onClick: () => attempt(handle.release()) }],
  }));
  handle.on('takeoverRequested', (takeover) => toasts.show({
    kind: 'takeover', tone: 'warning', key: key('takeover'), sticky: true,
    title: `${takeover.by.name} is taking over ${where}`,
    body: () => `Reason: ${takeover.reason}. Hands over in ${clock(client.remainingMs(takeover))}: finish your sentence.`,
    actions: [{ label: 'Accept', primary: true, onClick: () => attempt(handle.respondTakeover(true)) }],
  }));
  handle.on('takeoverDeclined', ({ reason }) => {
    toasts.dismiss(key('pending'));
    toasts.show({ kind: 'declined', tone: 'info', title: `The takeover of ${where} did not happen`, body: reason });
  });
  handle.on('lock', ({ lock }) => {
    if (!lock?.takeover) {
      toasts.dismiss(key('takeover'));
      toasts.dismiss(key('pending'));
    }
  });
}
