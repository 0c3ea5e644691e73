/** What the section's buttons do. */

import { clock } from './format.js';
import { askReason } from './reason-dialog.js';
import { showError } from './errors.js';

/**
 * Wires the action buttons to the selected section's resource.
 *
 * @param {{client: import('/client/baton-client.js').BatonClient, toasts: import('./toasts.js').Toasts,
 *     current: () => {handle: import('/client/baton-client.js').ResourceHandle, section: {key: string, label: string}}}} ctx
 */
export function bindActions({ client, toasts, current }) {
  const on = (id, action) => document.getElementById(id).addEventListener('click', async () => {
    const { handle, section } = current();
    try {
      await action(handle, section);
    } catch (e) {
      showError(toasts, client, e);
    }
  });

  on('btn-edit', (handle) => handle.acquire({ wait: handle.policy.conflict === 'queue' }));
  on('btn-edit-here', (handle) => handle.acquire({ takeOwn: true }));
  on('btn-release', (handle) => handle.release());
  on('btn-cancel', (handle) => handle.cancel());
  on('btn-cancel-takeover', (handle) => handle.cancel());
  on('btn-request', async (handle, section) => {
    await handle.requestLock();
    toasts.show({ kind: 'request-sent', tone: 'success', title: `Asked ${handle.lock?.holder?.name ?? 'the editor'}`,
      body: `They see your request to edit ${section.label}.` });
  });
  on('btn-takeover', async (handle, section) => {
    const holder = handle.lock?.holder?.name ?? 'the current editor';
    const reason = await askReason({
      title: `Take over ${section.label}`,
      intro: `${holder} is asked to hand over. If they do not answer, the section passes to you when the time runs out.`,
      confirm: 'Take over',
    });
    if (reason) {
      const result = await handle.takeover({ reason });
      if (result.pending) {
        toasts.show({ kind: 'pending', tone: 'info', key: `pending:${section.key}`, sticky: true,
          title: `Taking over ${section.label}`, body: () => `${holder} has ${clock(client.remainingMs(result))} to hand over.` });
      }
    }
  });
  on('btn-break-glass', async (handle, section) => {
    const holder = handle.lock?.holder?.name ?? 'the current editor';
    const reason = await askReason({
      title: `Break glass: edit ${section.label} now`,
      intro: `Emergency access ends ${holder}'s editing at once. Use it only when patient care cannot wait.`,
      confirm: 'Break glass and edit',
      danger: true,
    });
    if (reason) {
      await handle.takeover({ reason, force: true });
    }
  });
}
