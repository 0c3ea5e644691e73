/** The demo's entry point: the start screen, then the report with one Baton resource per section. */

import { connect } from '/client/baton-client.js';
import { USERS, fetchToken } from './users.js';
import { PATIENT, PROCEDURE, SECTIONS, reportId, resourceOf } from './report.js';
import { avatarColour, initials } from './format.js';
import { Toasts } from './toasts.js';
import { ReportView } from './report-view.js';
import { notify } from './notifications.js';
import { bindActions } from './actions.js';
import { showConnection } from './connection-view.js';
import { showError } from './errors.js';

const $ = (id) => document.getElementById(id);
const TICK_MS = 250;

/** Lists the demo users; choosing one opens the report as them. */
function showStart() {
  for (const user of USERS) {
    const li = document.createElement('li');
    const choice = document.createElement('button');
    choice.type = 'button';
    choice.className = 'user-choice';
    choice.innerHTML = '<span class="avatar" aria-hidden="true"></span><span><strong></strong><small></small></span>';
    choice.querySelector('.avatar').textContent = initials(user.name);
    choice.querySelector('.avatar').style.setProperty('--avatar', avatarColour(user.id));
    choice.querySelector('strong').textContent = user.name;
    choice.querySelector('small').textContent = user.title;
    choice.addEventListener('click', () => open(user));
    li.append(choice);
    $('user-choices').append(li);
  }
}

/**
 * Signs in as `user`, connects and joins every section of the report.
 *
 * @param {import('./users.js').DemoUser} user
 */
async function open(user) {
  let firstToken;
  try {
    firstToken = await fetchToken(user);
  } catch (e) {
    $('start-error').textContent = e.message;
    $('start-error').hidden = false;
    return;
  }
  const client = connect({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/ws`,
    getToken: () => {
      const token = firstToken;
      firstToken = null;
      return token ?? fetchToken(user);
    },
  });
  const toasts = new Toasts($('toasts'));
  const handles = new Map();
  const view = new ReportView(client, SECTIONS, handles);
  showWorkspace(user);
  showConnection(client, $('connection'), () => view.render());
  bindActions({ client, toasts, current: () => view.current() });
  view.render();
  setInterval(() => {
    view.tick();
    toasts.tick();
  }, TICK_MS);

  const id = reportId(location.search);
  $('report-id').textContent = id.slice(0, 8).toUpperCase();
  await Promise.all(SECTIONS.map(async (section) => {
    try {
      const handle = await client.join(resourceOf(id, section.key));
      handles.set(section.key, handle);
      notify(handle, section, { client, toasts });
      for (const event of ['lock', 'presence', 'queued', 'granted']) {
        handle.on(event, () => view.render());
      }
    } catch (e) {
      showError(toasts, client, e);
    }
  }));
  view.render();
  document.body.dataset.ready = 'true';
}

/** Hides the start screen and shows the report with the user's chip. */
function showWorkspace(user) {
  $('start').hidden = true;
  $('workspace').hidden = false;
  $('session-bar').hidden = false;
  $('me-avatar').textContent = initials(user.name);
  $('me-avatar').style.setProperty('--avatar', avatarColour(user.id));
  $('me-name').textContent = user.name;
  $('me-title').textContent = user.title;
  $('patient-name').textContent = PATIENT.name;
  $('patient-details').textContent = PATIENT.details.join(' · ');
  $('patient-alert').textContent = PATIENT.alert;
  $('procedure').textContent = PROCEDURE;
  $('switch-user').addEventListener('click', () => location.reload());
}

showStart();
