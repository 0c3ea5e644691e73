/** Notifications in the corner of the page: a title, a line that may count down, and actions. */

const ICONS = { info: 'i', success: '✓', warning: '!', danger: '!' };
const AUTO_DISMISS_MS = 8000;

/**
 * @typedef {object} ToastSpec
 * @property {string} kind what happened (`revoked`, `queued`, ...), as `data-kind` for tests and styles
 * @property {'info'|'success'|'warning'|'danger'} tone
 * @property {string} title
 * @property {string | (() => string)} [body] a function is called again every tick (countdowns)
 * @property {{label: string, onClick: () => void, primary?: boolean}[]} [actions]
 * @property {boolean} [sticky] stays until dismissed (danger toasts always do)
 * @property {string} [key] a toast with the same key replaces this one
 */

/** The notification area; owns its container element. */
export class Toasts {
  #container;
  #live = new Map();

  /** @param {HTMLElement} container the (aria-live) region to fill */
  constructor(container) {
    this.#container = container;
  }

  /**
   * Shows a notification.
   *
   * @param {ToastSpec} spec
   * @returns {() => void} dismisses it
   */
  show(spec) {
    if (spec.key) {
      this.dismiss(spec.key);
    }
    const el = document.createElement('div');
    el.className = 'toast';
    el.dataset.kind = spec.kind;
    el.dataset.tone = spec.tone;
    if (spec.tone === 'danger') {
      el.setAttribute('role', 'alert');
    }
    const icon = document.createElement('span');
    icon.className = 'toast-icon';
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = ICONS[spec.tone];
    const title = document.createElement('p');
    title.className = 'toast-title';
    title.textContent = spec.title;
    const body = document.createElement('p');
    body.className = 'toast-body';
    el.append(icon, title, body);
    const entry = { el, body, spec };
    const dismiss = () => this.#remove(entry);
    const actions = document.createElement('div');
    actions.className = 'toast-actions';
    for (const action of spec.actions ?? []) {
      actions.append(button(action.label, action.primary ? 'btn btn-primary btn-small' : 'btn btn-small', () => {
        dismiss();
        action.onClick();
      }));
    }
    actions.append(button('Dismiss', 'btn btn-quiet btn-small', dismiss));
    el.append(actions);
    this.#render(entry);
    this.#container.prepend(el);
    this.#live.set(spec.key ?? el, entry);
    if (!spec.sticky && spec.tone !== 'danger') {
      setTimeout(dismiss, AUTO_DISMISS_MS);
    }
    return dismiss;
  }

  /**
   * Removes the toast shown with `key`, if any.
   *
   * @param {string} key
   */
  dismiss(key) {
    const entry = this.#live.get(key);
    if (entry) {
      this.#remove(entry);
    }
  }

  /** Refreshes the bodies that count down. */
  tick() {
    for (const entry of this.#live.values()) {
      if (typeof entry.spec.body === 'function') {
        this.#render(entry);
      }
    }
  }

  #render(entry) {
    const text = typeof entry.spec.body === 'function' ? entry.spec.body() : entry.spec.body ?? '';
    if (entry.body.textContent !== text) {
      entry.body.textContent = text;
    }
  }

  #remove(entry) {
    entry.el.remove();
    for (const [key, value] of this.#live) {
      if (value === entry) {
        this.#live.delete(key);
      }
    }
  }
}

function button(label, className, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
