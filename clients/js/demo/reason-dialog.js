/** The modal that asks for a reason before a takeover or a break-glass. */

/**
 * Asks for a reason.
 *
 * @param {{title: string, intro: string, confirm: string, danger?: boolean}} text the dialog's heading,
 *     explanation and confirm label; `danger` colours the confirm button red
 * @returns {Promise<string|null>} the trimmed reason, or null when cancelled
 */
export function askReason({ title, intro, confirm, danger = false }) {
  const dialog = document.getElementById('reason-dialog');
  const input = document.getElementById('reason-input');
  document.getElementById('reason-title').textContent = title;
  document.getElementById('reason-intro').textContent = intro;
  const confirmButton = document.getElementById('reason-confirm');
  confirmButton.textContent = confirm;
  confirmButton.className = danger ? 'btn btn-danger' : 'btn btn-primary';
  input.value = '';
  dialog.returnValue = '';
  dialog.showModal();
  input.focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm' && input.value.trim() ? input.value.trim() : null);
    }, { once: true });
  });
}
