/** The demo's users and their tokens from the server's dev mode (`POST /dev/token`). */

/**
 * @typedef {{id: string, name: string, title: string, roles: string[]}} DemoUser
 */

/** @type {DemoUser[]} */
export const USERS = [
  { id: 'smith', name: 'Dr. Smith', title: 'Consultant surgeon', roles: ['surgeon'] },
  { id: 'jane', name: 'Nurse Jane', title: 'Scrub nurse', roles: ['nurse'] },
  { id: 'admin', name: 'Dr. Admin', title: 'Clinical lead · can take over', roles: ['admin'] },
  { id: 'emergency', name: 'Dr. Emergency', title: 'On call · emergency access', roles: ['emergency'] },
];

/**
 * Mints a token for `user` with the server's dev endpoint.
 *
 * @param {DemoUser} user
 * @returns {Promise<string>} the JWT
 * @throws {Error} when the server is not in dev mode or unreachable
 */
export async function fetchToken(user) {
  const response = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: user.id, name: user.name, roles: user.roles }),
  });
  if (!response.ok) {
    throw new Error(`the server refused a demo token (HTTP ${response.status}); is it running with --dev?`);
  }
  return (await response.json()).token;
}
