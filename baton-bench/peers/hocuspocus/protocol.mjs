// The few Hocuspocus (v3) protocol messages the peer's clients need, encoded with lib0 as the
// provider encodes them: every message is varString(documentName), varUint(type), then the body.
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

export const SYNC = 0;
export const AWARENESS = 1;
export const AUTH = 2;
const AUTH_TOKEN = 0;
const AUTH_AUTHENTICATED = 2;
const SYNC_STEP_1 = 0;

/** Auth with an empty token (the server has no onAuthenticate hook), as the provider sends first. */
export function auth(documentName) {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, documentName);
  encoding.writeVarUint(e, AUTH);
  encoding.writeVarUint(e, AUTH_TOKEN);
  encoding.writeVarString(e, '');
  return encoding.toUint8Array(e);
}

/** Sync step 1 of an empty Y.Doc (state vector with no clients), as the provider sends next. */
export function syncStep1(documentName) {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, documentName);
  encoding.writeVarUint(e, SYNC);
  encoding.writeVarUint(e, SYNC_STEP_1);
  encoding.writeVarUint8Array(e, new Uint8Array([0]));
  return encoding.toUint8Array(e);
}

/** Wraps an awareness update (y-protocols encodeAwarenessUpdate) for the document. */
export function awareness(documentName, update) {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, documentName);
  encoding.writeVarUint(e, AWARENESS);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/**
 * Reads an incoming message: {type, authenticated} for Auth, {type, states: [json string]} for an
 * awareness update (the states of the clients it names, unparsed), {type} otherwise.
 */
export function read(data) {
  const d = decoding.createDecoder(new Uint8Array(data));
  decoding.readVarString(d);
  const type = decoding.readVarUint(d);
  if (type === AUTH) {
    return { type, authenticated: decoding.readVarUint(d) === AUTH_AUTHENTICATED };
  }
  if (type === AWARENESS) {
    const u = decoding.createDecoder(decoding.readVarUint8Array(d));
    const n = decoding.readVarUint(u);
    const states = [];
    for (let i = 0; i < n; i++) {
      decoding.readVarUint(u); // client id
      decoding.readVarUint(u); // clock
      states.push(decoding.readVarString(u));
    }
    return { type, states };
  }
  return { type };
}
