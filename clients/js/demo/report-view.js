/** Renders the report: section tabs, who is here, the lock badge, the editor and which buttons show. */

import { avatarColour, clock, initials } from './format.js';

const $ = (id) => document.getElementById(id);

/**
 * The lock badge of a section in words.
 *
 * @param {import('/client/baton-client.js').ResourceHandle} handle
 * @param {import('/client/baton-client.js').BatonClient} client
 * @param {number|null} offlineSince server time when this tab's connection dropped, null while open
 * @returns {{state: 'free'|'mine'|'other'|'takeover', line: string, sub: string}}
 */
function describeLock(handle, client, offlineSince) {
  const lock = handle.lock;
  const notes = [];
  if (handle.position !== null) {
    notes.push(`You are number ${handle.position} in line`);
  } else if (lock?.queueLength > 0) {
    notes.push(`${lock.queueLength} waiting`);
  }
  if (!lock?.holder) {
    return { state: 'free', line: 'Nobody is editing', sub: notes.join(' · ') };
  }
  const who = handle.holding ? 'You are editing'
    : lock.holder.userId === client.user.id ? 'You are editing in another tab'
      : `${lock.holder.name} is editing`;
  let left = client.remainingMs(lock);
  if (lock.inGrace) {
    notes.unshift('connection lost');
    left = Math.min(left, graceLeft(handle, client));
  } else if (handle.holding && client.state !== 'open') {
    // The server sees this session away since the connection dropped: the lock goes when the grace
    // ends, usually long before the lease would.
    notes.unshift('this tab is offline');
    left = Math.min(left, ownGraceLeft(handle, client, offlineSince));
  }
  if (lock.takeover) {
    const by = lock.takeover.by.sessionId === client.sessionId ? 'You take' : `${lock.takeover.by.name} takes`;
    notes.unshift(`${by} over in ${clock(client.remainingMs(lock.takeover))}`);
  }
  return {
    state: lock.takeover ? 'takeover' : handle.holding ? 'mine' : 'other',
    line: `${who} · expires in ${clock(left)}`,
    sub: notes.join(' · '),
  };
}

/**
 * How long the holder's grace has left: it went away at its member's `since` (server time), and
 * the lock goes when the section's `disconnectGrace` has passed unless it comes back.
 */
function graceLeft(handle, client) {
  const holder = handle.members.find((m) => m.sessionId === handle.lock.holder.sessionId);
  return holder?.status === 'away'
    ? holder.since + handle.policy.disconnectGraceMs - client.serverNow()
    : Infinity;
}

/**
 * How long this tab's own grace has left while it is offline: from when its connection dropped
 * (`offlineSince`, server time) plus the section's `disconnectGrace`.
 */
function ownGraceLeft(handle, client, offlineSince) {
  return offlineSince === null ? Infinity
    : offlineSince + handle.policy.disconnectGraceMs - client.serverNow();
}

/** The report on screen; re-rendered from the handles' state on every event and every tick. */
export class ReportView {
  #client;
  #sections;
  #handles;
  #texts;
  #selected;
  #offlineSince = null;

  /**
   * @param {import('/client/baton-client.js').BatonClient} client
   * @param {{key: string, label: string, text: string}[]} sections
   * @param {Map<string, import('/client/baton-client.js').ResourceHandle>} handles by section key, filled as joins complete
   */
  constructor(client, sections, handles) {
    this.#client = client;
    this.#sections = sections;
    this.#handles = handles;
    this.#texts = new Map(sections.map((s) => [s.key, s.text]));
    this.#selected = sections[0].key;
    this.#buildTabs();
    $('editor').addEventListener('input', (e) => this.#texts.set(this.#selected, e.target.value));
    client.on('state', ({ state }) => {
      if (state === 'open') {
        this.#offlineSince = null;
      } else if (this.#offlineSince === null) {
        this.#offlineSince = client.serverNow();
      }
    });
  }

  /** @returns {{handle: import('/client/baton-client.js').ResourceHandle, section: object}} the selected section */
  current() {
    return { handle: this.#handles.get(this.#selected), section: this.#sections.find((s) => s.key === this.#selected) };
  }

  /** Re-renders everything from the current state. */
  render() {
    this.#renderTabs();
    const { handle, section } = this.current();
    $('editor-label').textContent = section.label;
    const editor = $('editor');
    if (editor.value !== this.#texts.get(section.key)) {
      editor.value = this.#texts.get(section.key);
    }
    if (!handle) {
      return;
    }
    this.#renderPeople(handle);
    this.#renderBadge(handle);
    this.#renderEditor(handle);
    this.#renderButtons(handle);
  }

  /** Refreshes the countdowns only. */
  tick() {
    const { handle } = this.current();
    if (handle) {
      this.#renderBadge(handle);
    }
  }

  #buildTabs() {
    const tabs = $('tabs');
    for (const section of this.#sections) {
      const tab = document.createElement('button');
      tab.type = 'button';
      tab.className = 'tab';
      tab.id = `tab-${section.key}`;
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-controls', 'panel');
      tab.dataset.section = section.key;
      tab.innerHTML = '<span class="tab-label"></span><span class="tab-lock" aria-hidden="true" hidden></span><span class="visually-hidden tab-note"></span>';
      tab.querySelector('.tab-label').textContent = section.label;
      tab.addEventListener('click', () => this.#select(section.key));
      tab.addEventListener('keydown', (e) => this.#arrowKeys(e));
      tabs.append(tab);
    }
  }

  #select(key) {
    this.#selected = key;
    this.render();
  }

  #arrowKeys(e) {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (step) {
      const keys = this.#sections.map((s) => s.key);
      const next = keys[(keys.indexOf(this.#selected) + step + keys.length) % keys.length];
      this.#select(next);
      $(`tab-${next}`).focus();
    }
  }

  #renderTabs() {
    for (const section of this.#sections) {
      const tab = $(`tab-${section.key}`);
      const selected = section.key === this.#selected;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected) {
        $('panel').setAttribute('aria-labelledby', tab.id);
      }
      const handle = this.#handles.get(section.key);
      const holder = handle?.lock?.holder;
      const badge = tab.querySelector('.tab-lock');
      badge.hidden = !holder;
      badge.textContent = holder ? `✎ ${initials(holder.name)}` : '';
      badge.dataset.mine = String(Boolean(handle?.holding));
      tab.querySelector('.tab-note').textContent = holder ? `, ${handle.holding ? 'you are' : `${holder.name} is`} editing` : '';
    }
  }

  #renderPeople(handle) {
    const list = $('people');
    list.replaceChildren(...handle.people.map((p) => {
      const li = document.createElement('li');
      li.className = 'person';
      li.dataset.user = p.userId;
      li.dataset.status = p.status;
      li.dataset.editing = String(p.editing);
      const status = [p.editing ? 'Editing' : 'Viewing', p.status === 'away' ? 'away' : null,
        p.sessions.length > 1 ? `${p.sessions.length} tabs` : null].filter(Boolean).join(' · ');
      li.innerHTML = '<span class="avatar avatar-sm" aria-hidden="true"></span><span class="person-text"><span class="person-name"></span><span class="person-status"></span></span>';
      const avatar = li.querySelector('.avatar');
      avatar.textContent = initials(p.name);
      avatar.style.setProperty('--avatar', avatarColour(p.userId));
      li.querySelector('.person-name').textContent = p.self ? `${p.name} (you)` : p.name;
      li.querySelector('.person-status').textContent = status;
      return li;
    }));
  }

  #renderBadge(handle) {
    const { state, line, sub } = describeLock(handle, this.#client, this.#offlineSince);
    const badge = $('lock-badge');
    badge.dataset.state = state;
    setText($('lock-line'), line);
    setText($('lock-sub'), sub);
  }

  #renderEditor(handle) {
    const editable = handle.holding && this.#client.state === 'open';
    const editor = $('editor');
    editor.readOnly = !editable;
    const holder = handle.lock?.holder;
    const hint = editable ? 'You are editing. Others see this section read-only until you release it.'
      : handle.holding ? 'Read-only until the connection is back: your edit lock cannot be confirmed.'
        : holder?.userId === this.#client.user.id ? 'Read-only: you are editing this section in another tab.'
          : holder ? `Read-only: ${holder.name} is editing this section.`
            : 'Read-only. Select Edit to make changes.';
    setText($('editor-hint'), hint);
  }

  #renderButtons(handle) {
    const lock = handle.lock;
    const roles = this.#client.user.roles;
    const other = Boolean(lock?.holder) && !handle.holding;
    const queued = handle.position !== null;
    const myTakeover = lock?.takeover?.by.sessionId === this.#client.sessionId;
    const online = this.#client.state === 'open';
    const show = (id, visible, enabled = true) => {
      $(id).hidden = !visible;
      $(id).disabled = !enabled || !online;
    };
    // The holder is this user in another tab: moving the lock here (takeOwn) is the way, not a request.
    const mineElsewhere = other && lock.holder.userId === this.#client.user.id;
    show('btn-edit', !handle.holding && !myTakeover && !mineElsewhere,
      !queued && (!other || handle.policy.conflict === 'queue'));
    $('btn-edit').title = other && handle.policy.conflict !== 'queue'
      ? `${lock.holder.name} is editing: ask with Request edit` : '';
    show('btn-edit-here', mineElsewhere);
    show('btn-release', handle.holding);
    show('btn-request', other && !myTakeover && !mineElsewhere);
    show('btn-cancel', queued);
    show('btn-takeover', other && roles.includes('admin') && !myTakeover, !lock?.takeover);
    show('btn-cancel-takeover', myTakeover);
    show('btn-break-glass', other && roles.includes('emergency'));
  }
}

function setText(el, text) {
  if (el.textContent !== text) {
    el.textContent = text;
  }
}
