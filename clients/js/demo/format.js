/** Small text helpers for the demo's views. */

/**
 * A countdown as `m:ss` (or `h:mm:ss`), rounded up to whole seconds.
 *
 * @param {number} ms milliseconds left
 * @returns {string}
 */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Initials for an avatar: "Dr. Smith" → "DS", "Nurse Jane" → "NJ".
 *
 * @param {string} name
 * @returns {string}
 */
export function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('');
}

/** Avatar colours, each with white text above 4.5:1 contrast. */
const AVATAR_COLOURS = ['#0b5e8c', '#2f6f4f', '#7a3e9d', '#9a4a1c', '#1f6f78', '#8a2846', '#4a5a8c', '#5b6b2b'];

/**
 * A stable avatar colour for a user, so that the same person has the same colour everywhere.
 *
 * @param {string} userId
 * @returns {string} a CSS colour
 */
export function avatarColour(userId) {
  let h = 0;
  for (const c of userId) {
    h = (h * 31 + c.codePointAt(0)) >>> 0;
  }
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length];
}
