/** The connection pill in the app bar: what the client's `state` events say, in words. */

const WORDS = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Disconnected',
};

/**
 * Keeps `element` in step with `client.state`.
 *
 * @param {import('/client/baton-client.js').BatonClient} client
 * @param {HTMLElement} element the pill
 * @param {() => void} onChange called after every change (the editor's read-only state depends on it)
 */
export function showConnection(client, element, onChange) {
  client.on('state', ({ state, delayMs }) => {
    element.dataset.state = state;
    element.textContent = state === 'reconnecting' && delayMs > 1000
      ? `Reconnecting in ${Math.ceil(delayMs / 1000)} s…`
      : WORDS[state];
    onChange();
  });
  client.on('closed', ({ error }) => {
    if (error) {
      element.textContent = `Disconnected: ${error.message}`;
    }
  });
}
